"""Back-office pages of the Zona Integritas module: the Renja (ZI team: admin, leader) with status
and evidence per period and the evidence pack download, and the conflict-of-interest register
(every signed-in account declares; the team keeps the map and decides), and the standar pelayanan
per service the team writes for the website."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .. import uploads
from ..auth.access import roles_required
from ..backoffice import Area, MenuItem
from ..models import ROLES
from ..params import parse_int
from ..reports.periods import Period
from ..clock import local_today
from . import AREAS, TEAM_ROLES, ZiError, conflicts, evidence, monev, renja, standards

bp = Blueprint("zi", __name__, url_prefix="/zi")
coi_bp = Blueprint("coi", __name__, url_prefix="/benturan-kepentingan")
ZI_AREA = Area(bp, menu=(MenuItem("backoffice.zi.index", _l("Zona Integritas"), TEAM_ROLES),))
# Every account declares its own conflicts, so the entry shows for every role.
COI_AREA = Area(coi_bp, menu=(MenuItem("backoffice.coi.declarations", _l("Benturan kepentingan"), ROLES),))


def _user():
    return current_user._get_current_object()


def _default_period() -> str:
    return Period.containing(local_today(), "semester").code


def _year_arg() -> int:
    return parse_int(request.args.get("tahun"), lo=2000, hi=2100) or local_today().year


# --------------------------------------------------------------------------- Renja

@bp.get("")
@roles_required(*TEAM_ROLES)
def index():
    year = _year_arg()
    period = request.args.get("periode") or _default_period()
    try:
        chosen = renja.parse_period(period)
    except renja.RenjaError:
        chosen = renja.parse_period(_default_period())
    rows = renja.rows(year)
    return render_template("zi/renja.html", year=year, years=renja.years(), rows=rows, period=chosen,
                           statuses={r.id: renja.status_of(r, chosen.code) for r in rows},
                           evidence={r.id: renja.evidence_for(r, chosen) for r in rows},
                           labels=renja.STATUSES, kinds=renja.EVIDENCE_KINDS, areas=AREAS)


@bp.post("/muat-renja")
@roles_required(*TEAM_ROLES)
def seed():
    year = parse_int(request.form.get("year"), lo=2000, hi=2100) or local_today().year
    result = renja.seed(year, _user())
    flash(_("Renja %(year)d: %(added)d baris ditambahkan, %(kept)d baris sudah ada.", year=result.year,
            added=result.added, kept=result.kept), "success")
    return redirect(url_for("backoffice.zi.index", tahun=year)), 303


def _changed(step, done=None) -> None:
    """Run one change asked from a page: its refusal is flashed as an error, else `done` as a success."""
    try:
        step()
    except ZiError as exc:
        flash(exc.message, "danger")
    else:
        if done is not None:
            flash(done, "success")


def _submitted(step, done) -> tuple[dict, object]:
    """Run a form's action: (form errors {field: [message]}, None) when refused, else ({}, its result)
    after flashing `done`."""
    try:
        result = step()
    except ZiError as exc:
        return {exc.field: [exc.message]}, None
    flash(done, "success")
    return {}, result


def _row_or_404(row_id: int):
    row = renja.get_row(row_id)
    if row is None:
        abort(404)
    return row


@bp.route("/renja/<int:row_id>", methods=["GET", "POST"])
@roles_required(*TEAM_ROLES)
def row(row_id: int):
    row = _row_or_404(row_id)
    errors: dict = {}
    if request.method == "POST":
        errors, _result = _submitted(lambda: renja.update_row(row.id, request.form, _user()), _("Baris Renja disimpan."))
        if not errors:
            return redirect(url_for("backoffice.zi.index", tahun=row.year)), 303
    values = request.form if request.method == "POST" else {
        "component": row.component, "indicator": row.indicator, "action": row.action,
        "evidence": row.evidence, "timing": row.timing}
    chosen = request.form.getlist("sources") if request.method == "POST" else row.source_list
    return render_template("zi/renja_row.html", row=row, values=values, errors=errors, chosen=chosen,
                           sources=renja.SOURCES), (422 if errors else 200)


@bp.post("/renja/<int:row_id>/status")
@roles_required(*TEAM_ROLES)
def row_status(row_id: int):
    row, form = _row_or_404(row_id), request.form
    _changed(lambda: renja.set_status(row.id, form.get("period"), form.get("status"), form.get("note"), _user()),
             _("Status %(code)s disimpan.", code=row.code))
    return _back_to_row(row, form.get("period"))


@bp.post("/renja/<int:row_id>/eviden")
@roles_required(*TEAM_ROLES)
def row_evidence(row_id: int):
    row, form = _row_or_404(row_id), request.form
    _changed(lambda: renja.add_evidence(row.id, form.get("period"), form.get("kind"), request.files.get("file"),
                                        _user()),
             _("Dokumen eviden %(code)s disimpan.", code=row.code))
    return _back_to_row(row, form.get("period"))


def _back_to_row(row, period):
    return redirect(url_for("backoffice.zi.index", tahun=row.year, periode=period) + f"#r-{row.id}"), 303


@bp.get("/eviden/<int:evidence_id>")
@roles_required(*TEAM_ROLES)
def evidence_download(evidence_id: int):
    from ..extensions import db
    from ..models import RenjaEvidence

    item = db.session.get(RenjaEvidence, evidence_id)
    if item is None:
        abort(404)
    renja.record_download(item, _user())
    return uploads.download_response(renja.evidence_file(item), item.content_type,
                                     f"{item.period}-{item.kind}-{item.id}{uploads.extension_for(item.content_type)}")


@bp.get("/paket")
@roles_required(*TEAM_ROLES)
def evidence_pack():
    try:
        period = renja.parse_period(request.args.get("periode") or _default_period())
    except renja.RenjaError as exc:
        flash(exc.message, "danger")
        return redirect(url_for("backoffice.zi.index")), 303
    data = evidence.export(period, _user())
    from flask import Response

    response = Response(data, mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="eviden-zi-{period.code}.zip"'
    return response


# --------------------------------------------------------------------------- conflicts of interest

@coi_bp.route("", methods=["GET", "POST"])
@roles_required()
def declarations():
    user = _user()
    errors: dict = {}
    if request.method == "POST":
        errors, item = _submitted(lambda: conflicts.declare(user, request.form),
                                  _("Pernyataan benturan kepentingan dikirim ke atasan."))
        if not errors:
            return redirect(url_for("backoffice.coi.declaration", declaration_id=item.id)), 303
    items = conflicts.visible_declarations(user)
    return render_template("zi/coi_list.html", items=items, errors=errors, values=request.form,
                           team=conflicts.is_team(user), kinds=conflicts.KINDS, decisions=conflicts.DECISIONS,
                           positions=conflicts.positions(active_only=True),
                           names=conflicts.names(i.declarant_id for i in items)), (422 if errors else 200)


@coi_bp.route("/<int:declaration_id>", methods=["GET", "POST"])
@roles_required()
def declaration(declaration_id: int):
    user = _user()
    item = conflicts.declaration_for(user, declaration_id)
    if item is None:
        abort(404)
    errors: dict = {}
    if request.method == "POST":
        errors, _result = _submitted(lambda: conflicts.decide(user, item.id, request.form.get("decision"),
                                                              request.form.get("note")),
                                     _("Keputusan penanganan disimpan."))
        if not errors:
            return redirect(url_for("backoffice.coi.declaration", declaration_id=item.id)), 303
    position = item.position_id and next((p for p in conflicts.positions() if p.id == item.position_id), None)
    return render_template("zi/coi_declaration.html", item=item, errors=errors, values=request.form,
                           team=conflicts.is_team(user), kinds=conflicts.KINDS, decisions=conflicts.DECISIONS,
                           position=position, names=conflicts.names([item.declarant_id, item.decided_by_id]),
                           own=item.declarant_id == user.id), (422 if errors else 200)


@coi_bp.route("/peta", methods=["GET", "POST"])
@roles_required(*TEAM_ROLES)
def positions():
    errors: dict = {}
    if request.method == "POST":
        errors, _result = _submitted(lambda: conflicts.add_position(_user(), request.form),
                                     _("Jabatan/kegiatan rawan ditambahkan ke peta."))
        if not errors:
            return redirect(url_for("backoffice.coi.positions")), 303
    period = Period.containing(local_today(), "semester")
    return render_template("zi/coi_positions.html", positions=conflicts.positions(), errors=errors,
                           values=request.form, counts=conflicts.period_counts(period)), (422 if errors else 200)


@coi_bp.post("/peta/<int:position_id>/aktif")
@roles_required(*TEAM_ROLES)
def position_active(position_id: int):
    _changed(lambda: conflicts.set_position_active(_user(), position_id, request.form.get("active") == "1"))
    return redirect(url_for("backoffice.coi.positions")), 303


# --------------------------------------------------------------------------- semester monev

def _save_monev(period, form, user) -> None:
    if form.get("what") == "area":
        monev.save_area(period.code, form.get("area"), form.get("progress"), form.get("findings"), user)
    elif form.get("what") == "rtl":
        monev.add_follow_up(period.code, form.get("area"), form.get("action"), form.get("owner"), form.get("due_on"),
                            user)
    else:
        monev.close_follow_up(parse_int(form.get("plan"), lo=1, hi=2**31 - 1) or 0, period.code, form.get("done_note"),
                              user)


@bp.route("/monev", methods=["GET", "POST"])
@roles_required(*TEAM_ROLES)
def monev_sheet():
    raw = request.values.get("periode") or _default_period()
    try:
        period = monev.semester(raw)
    except renja.RenjaError as exc:
        flash(exc.message, "danger")
        period = monev.semester(_default_period())
    if request.method == "POST":
        _changed(lambda: _save_monev(period, request.form, _user()), _("Lembar monev disimpan."))
        return redirect(url_for("backoffice.zi.monev_sheet", periode=period.code)), 303
    lines = monev.sheet(period)
    return render_template("zi/monev.html", period=period, lines=lines, plans=monev.follow_ups(period),
                           total=round(sum(x.score or 0 for x in lines), 2), areas=AREAS)


# --------------------------------------------------------------------------- public pages

@bp.route("/halaman", methods=["GET", "POST"])
@roles_required("admin")
def public_pages():
    from . import pages

    if request.method == "POST":
        _changed(lambda: pages.save(request.form.get("slug") or "", request.form.get("body"), _user()),
                 _("Halaman disimpan."))
        return redirect(url_for("backoffice.zi.public_pages")), 303
    return render_template("zi/pages.html", titles=pages.PAGES, hints=pages.HINTS,
                           bodies={slug: (pages.get(slug).body if pages.get(slug) else "") for slug in pages.PAGES})


# --------------------------------------------------------------------------- standar pelayanan

@bp.get("/standar-pelayanan")
@roles_required(*TEAM_ROLES)
def standards_index():
    return render_template("zi/standards.html", standards=standards.all_standards(), total=len(standards.CODES))


@bp.route("/standar-pelayanan/<service>", methods=["GET", "POST"])
@roles_required(*TEAM_ROLES)
def standard(service: str):
    found = standards.get(service)
    if found is None:
        abort(404)
    errors: dict = {}
    if request.method == "POST":
        errors, _result = _submitted(lambda: standards.save(service, request.form, _user()),
                                     _("Standar pelayanan %(service)s disimpan.", service=found.label))
        if not errors:
            return redirect(url_for("backoffice.zi.standards_index")), 303
    values = request.form if request.method == "POST" else found.fields
    return render_template("zi/standard_form.html", standard=found, values=values, errors=errors,
                           components=standards.COMPONENTS, max_body=standards.MAX_BODY), (422 if errors else 200)
