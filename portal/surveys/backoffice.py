"""Back-office pages of the SKM (/kantor/survei): results so far, suggestion moderation, service users.

Roles: the complaints team (pengelola pengaduan dan pelayanan) runs the survey — it moderates the
suggestions, enters the number of service users and prepares the SKM report; a leader sees the same
results read-only (and approves the report under /kantor/laporan). The admin manages accounts, not
service content, so has no page here.
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..auth.access import roles_required
from ..backoffice import Area, MenuItem
from ..reports import build_report
from ..reports import periods
from ..reports.periods import Period
from . import perception, services

TEAM = "complaints"
VIEWERS = (TEAM, "leader")

ADMIN = "admin"  # edits the perception questionnaires (they change nationally); sees no SKM casework

bp = Blueprint("surveys", __name__, url_prefix="/survei")
AREA = Area(bp, menu=(MenuItem("backoffice.surveys.skm_index", _l("Survei (SKM)"), VIEWERS),
                      MenuItem("backoffice.surveys.perception_index", _l("Survei persepsi (IPAK/IPKP)"),
                               (*VIEWERS, ADMIN))))


def _page(errors=None, values=None, status=200):
    today = periods.office_today()
    month, semester = Period.containing(today), Period.containing(today, "semester")
    plans = [(p, services.follow_ups(p)) for p in (semester.previous(), semester)]
    return render_template(
        "backoffice/skm.html", month=build_report("skm", month), semester=build_report("skm", semester),
        pending=services.pending_suggestions() if current_user.has_role(TEAM) else [],
        plans=plans, rtl_labels=services.RTL_STATUS_LABELS,
        can_edit=current_user.has_role(TEAM), errors=errors or {},
        values=values or {"rtl_period": semester.code}), status


def _saved(step, done: str, back: str, refused=None):
    """Run one change by the signed-in account: a refusal re-renders the page with its errors (422),
    success flashes `done` and goes `back`."""
    try:
        step(current_user._get_current_object())
    except services.SurveyError as exc:
        return refused(exc) if refused else _page(exc.errors, status=422)
    flash(done)
    return redirect(back)


@bp.get("")
@roles_required(*VIEWERS)
def skm_index():
    return _page()


@bp.post("/saran/<int:response_id>")
@roles_required(TEAM)
def skm_moderate(response_id: int):
    return _saved(lambda user: services.moderate(user, response_id, request.form.get("decision", "")),
                  _("Keputusan moderasi disimpan."), url_for("backoffice.surveys.skm_index"))


@bp.post("/pengguna-layanan")
@roles_required(TEAM)
def skm_population():
    form = request.form
    return _saved(lambda user: services.set_population(user, form.get("period", ""), form.get("users", "")),
                  _("Jumlah pengguna layanan disimpan."), url_for("backoffice.surveys.skm_index"),
                  refused=lambda exc: _page(exc.errors, form, status=422))


@bp.post("/rtl")
@roles_required(TEAM)
def skm_rtl_add():
    form = request.form
    return _saved(lambda user: services.add_follow_up(user, form.get("rtl_period", ""), form.get("action"),
                                                      form.get("owner"), form.get("due_on")),
                  _("Rencana tindak lanjut ditambahkan."), url_for("backoffice.surveys.skm_index") + "#judul-rtl",
                  refused=lambda exc: _page({("rtl_period" if k == "period" else k): v for k, v in exc.errors.items()},
                                            form, status=422))


@bp.post("/rtl/<int:row_id>/status")
@roles_required(TEAM)
def skm_rtl_status(row_id: int):
    return _saved(lambda user: services.set_follow_up_status(user, row_id, request.form.get("status", "")),
                  _("Status rencana tindak lanjut disimpan."), url_for("backoffice.surveys.skm_index") + "#judul-rtl")


# --- perception surveys (IPAK, IPKP) -------------------------------------------------------------------

def _perception_page(errors=None, status=200):
    semester = Period.containing(periods.office_today(), "semester")
    surveys = []
    for survey, title in perception.TITLES.items():
        index, asked = perception.index(survey, semester)
        surveys.append({"code": survey, "title": title, "index": index, "asked": asked,
                        "all": perception.questions(survey, include_retired=True)})
    return render_template("backoffice/perception.html", semester=semester, surveys=surveys,
                           can_edit=current_user.has_role(ADMIN), errors=errors or {}), status


def _perception_refused(exc):
    return _perception_page(exc.errors, status=422)


@bp.get("/persepsi")
@roles_required(*VIEWERS, ADMIN)
def perception_index():
    return _perception_page()


@bp.post("/persepsi/<survey>")  # an unknown survey is refused by the service (422)
@roles_required(ADMIN)
def perception_add(survey: str):
    return _saved(lambda user: perception.add_question(user, survey, request.form.get("text")),
                  _("Pertanyaan ditambahkan."), url_for("backoffice.surveys.perception_index"),
                  refused=_perception_refused)


@bp.post("/persepsi/pertanyaan/<int:question_id>")
@roles_required(ADMIN)
def perception_edit(question_id: int):
    return _saved(lambda user: perception.update_question(user, question_id, request.form.get("text"),
                                                          request.form.get("active") == "1"),
                  _("Pertanyaan disimpan."), url_for("backoffice.surveys.perception_index"),
                  refused=_perception_refused)
