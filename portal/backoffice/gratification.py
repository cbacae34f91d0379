"""Gratification queue and case page for the UPG (role `gratification`), on the back-office machinery:
the same paging, flash-and-redirect handling, audit, deadlines and overdue marks as complaints."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, or_, select

from .. import audit, catalog, uploads
from ..auth.access import roles_required
from ..database import write_transaction
from ..extensions import db
from ..gratification import casework
from ..gratification.services import FORWARD_STEP, hint_for, next_statuses
from ..models import GratificationAttachment, GratificationReport, User
from ..params import parse_int
from ..templating import local_today
from ..workflow import GRATIFICATION, sla
from . import bp
from .paging import Page

PER_PAGE = 25
ROLE = casework.ROLE


def _queue_query(args, user):
    query = select(GratificationReport)
    status = args.get("status")
    if status in GRATIFICATION.statuses:
        query = query.where(GratificationReport.status == status)
    elif status == "open":
        query = query.where(GratificationReport.status.in_(GRATIFICATION.open))
    if args.get("item_type") in catalog.GRATIFICATION_ITEMS:
        query = query.where(GratificationReport.item_type == args["item_type"])
    if args.get("action") in catalog.GRATIFICATION_ACTIONS:
        query = query.where(GratificationReport.action == args["action"])
    if args.get("overdue") == "1":
        query = query.where(GratificationReport.status.in_(GRATIFICATION.open), GratificationReport.due_on < local_today())
    if args.get("mine") == "1":
        query = query.where(GratificationReport.assigned_to_id == user.id)
    text = (args.get("q") or "").strip()[:30].upper()
    if text:
        query = query.where(or_(GratificationReport.ticket == text, GratificationReport.ticket.contains(text, autoescape=True)))
    return query


def _handlers(active_only: bool):
    query = select(User).where(User.roles_csv.contains(ROLE)).order_by(User.name)
    if active_only:
        query = query.where(User.active.is_(True))
    return [u for u in db.session.scalars(query) if u.has_role(ROLE)]


@bp.get("/gratifikasi")
@roles_required(ROLE)
def gratification_queue():
    user = current_user._get_current_object()
    query = _queue_query(request.args, user)
    page = Page.from_args(request.args, PER_PAGE)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = db.session.scalars(query.order_by(GratificationReport.id.desc()).limit(page.size).offset(page.offset)).all()
    return render_template("backoffice/gratification_queue.html", rows=rows, page=page.with_total(total),
                           args=request.args, workflow=GRATIFICATION, today=local_today(),
                           handlers={u.id: u.name for u in _handlers(False)},
                           overdue=casework.overdue, due_soon=casework.due_soon,
                           forward_overdue=casework.forward_overdue)


def _report_or_404(ticket: str) -> GratificationReport:
    report = db.session.scalar(select(GratificationReport).where(GratificationReport.ticket == ticket.upper()))
    if report is None:
        abort(404)
    return report


@bp.get("/gratifikasi/<ticket>")
@roles_required(ROLE)
def gratification_case(ticket: str):
    report = _report_or_404(ticket)
    with write_transaction():
        audit.log("case_view", actor=current_user._get_current_object(), channel="gratification", case_ref=report.ticket)
    today = local_today()
    return render_template("backoffice/gratification_case.html", r=report, workflow=GRATIFICATION,
                           nexts={s.code for s in next_statuses(report)}, today=today,
                           handlers=_handlers(True), actors={u.id: u.name for u in db.session.scalars(select(User))},
                           overdue=casework.overdue(report, today), due_soon=casework.due_soon(report, today),
                           forward_overdue=casework.forward_overdue(report, today), hint=hint_for(report),
                           forward_sla=sla("gratification", FORWARD_STEP),
                           verification_results=casework.VERIFICATION_RESULTS,
                           analysis_results=casework.ANALYSIS_RESULTS, forward_targets=casework.FORWARD_TARGETS)


def _act(ticket: str, action, done_message):
    report = _report_or_404(ticket)
    try:
        action(report.id, current_user._get_current_object())
    except casework.CaseError as exc:
        flash(exc.message, "danger")
        return redirect(url_for("backoffice.gratification_case", ticket=report.ticket) + f"#f-{exc.field}"), 303
    flash(done_message, "success")
    return redirect(url_for("backoffice.gratification_case", ticket=report.ticket)), 303


@bp.post("/gratifikasi/<ticket>/verifikasi")
@roles_required(ROLE)
def gratification_verify(ticket: str):
    return _act(ticket, lambda rid, user: casework.verify(rid, request.form.get("result"), request.form, user),
                _("Hasil verifikasi disimpan."))


@bp.post("/gratifikasi/<ticket>/analisis")
@roles_required(ROLE)
def gratification_analyse(ticket: str):
    return _act(ticket, lambda rid, user: casework.analyse(rid, request.form.get("result"), request.form, user),
                _("Hasil analisis disimpan."))


def _step(target: str, message):
    def view(ticket: str):
        return _act(ticket, lambda rid, user: casework.transition(rid, target, request.form, user), str(message))
    return view


# One route per step of DOMAIN.md §3; each checks the workflow table and the fields of its step.
for _path, _target, _endpoint, _message in (
    ("teruskan", "forwarded", "gratification_forward", _l("Laporan dicatat sebagai diteruskan.")),
    ("sk", "decided", "gratification_decide", _l("Keputusan KPK disimpan.")),
    ("tindak-lanjut", "follow_up", "gratification_follow_up", _l("Tindak lanjut SK disimpan.")),
    ("selesai", "done", "gratification_done", _l("Laporan diselesaikan.")),
    ("hentikan", "stopped", "gratification_stop", _l("Laporan dihentikan.")),
):
    bp.add_url_rule(f"/gratifikasi/<ticket>/{_path}", _endpoint,
                    roles_required(ROLE)(_step(_target, _message)), methods=["POST"])


@bp.post("/gratifikasi/<ticket>/catatan")
@roles_required(ROLE)
def gratification_add_note(ticket: str):
    visibility = request.form.get("visibility")

    def action(rid, user):
        if visibility not in {"internal", "public"}:
            raise casework.CaseError("visibility", _("Pilih jenis catatan: internal atau publik."))
        casework.add_note(rid, request.form.get("body"), visibility == "public", user)
    return _act(ticket, action, _("Catatan disimpan."))


@bp.post("/gratifikasi/<ticket>/penugasan")
@roles_required(ROLE)
def gratification_assign(ticket: str):
    raw = request.form.get("handler") or ""

    def action(rid, user):
        handler_id = parse_int(raw)
        if raw and handler_id is None:
            raise casework.CaseError("handler", _("Petugas tidak ditemukan atau bukan petugas UPG yang aktif."))
        casework.assign(rid, handler_id, user)
    return _act(ticket, action, _("Penugasan diperbarui."))


@bp.get("/gratifikasi/<ticket>/lampiran/<int:attachment_id>")
@roles_required(ROLE)
def gratification_attachment(ticket: str, attachment_id: int):
    report = _report_or_404(ticket)
    item = db.session.get(GratificationAttachment, attachment_id)
    if item is None or item.report_id != report.id:
        abort(404)
    with write_transaction():
        audit.log("attachment_download", actor=current_user._get_current_object(), channel="gratification",
                  case_ref=report.ticket, detail={"attachment": item.id})
    return uploads.download_response(uploads.load(item.storage_name), item.content_type,
                                     f"{report.ticket}-{item.id}{uploads.extension_for(item.content_type)}")
