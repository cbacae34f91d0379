"""Complaint queue and case page for the Tim Pengaduan (role `complaints`)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_, select

from .. import audit, catalog, uploads
from ..auth.access import roles_required
from ..complaints import casework
from ..database import write_transaction
from ..extensions import db
from ..models import Complaint, ComplaintAttachment, User
from ..reports.complaints import public_line
from ..params import parse_int
from ..templating import local_today
from ..workflow import COMPLAINTS
from . import bp
from .paging import Page

PER_PAGE = 25


def _queue_query(args, user):
    query = select(Complaint)
    status = args.get("status")
    if status in COMPLAINTS.statuses:
        query = query.where(Complaint.status == status)
    elif status == "open":
        query = query.where(Complaint.status.in_(COMPLAINTS.open))
    category = args.get("category")
    if category in catalog.COMPLAINT_SERVICES:
        query = query.where(Complaint.category == category)
    if args.get("overdue") == "1":
        query = query.where(Complaint.due_on < local_today(),
                            Complaint.status.in_(COMPLAINTS.open))
    if args.get("mine") == "1":
        query = query.where(Complaint.assigned_to_id == user.id)
    text = (args.get("q") or "").strip()[:100]
    if text:
        like = f"%{text}%"
        query = query.where(or_(Complaint.ticket == text.upper(), Complaint.subject.ilike(like), Complaint.description.ilike(like)))
    return query


@bp.get("/pengaduan")
@roles_required("complaints")
def complaint_queue():
    user = current_user._get_current_object()
    query = _queue_query(request.args, user)
    page = Page.from_args(request.args, PER_PAGE)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = db.session.scalars(query.order_by(Complaint.id.desc()).limit(page.size).offset(page.offset)).all()
    handlers = {u.id: u.name for u in db.session.scalars(select(User).where(User.roles_csv.contains("complaints")))}
    return render_template("backoffice/complaint_queue.html", rows=rows, page=page.with_total(total),
                           args=request.args, workflow=COMPLAINTS, handlers=handlers, today=local_today(),
                           overdue=casework.overdue, due_soon=casework.due_soon)


def _complaint_or_404(ticket: str) -> Complaint:
    complaint = db.session.scalar(select(Complaint).where(Complaint.ticket == ticket.upper()))
    if complaint is None:
        abort(404)
    return complaint


@bp.get("/pengaduan/<ticket>")
@roles_required("complaints")
def complaint_case(ticket: str):
    complaint = _complaint_or_404(ticket)
    with write_transaction():
        audit.log("case_view", actor=current_user._get_current_object(), channel="complaints", case_ref=complaint.ticket)
    handlers = db.session.scalars(select(User).where(User.active.is_(True), User.roles_csv.contains("complaints")).order_by(User.name)).all()
    actors = {u.id: u.name for u in db.session.scalars(select(User))}
    return render_template("backoffice/complaint_case.html", c=complaint, workflow=COMPLAINTS,
                           handlers=handlers, actors=actors, errors=request.args.get("error"),
                           overdue=casework.overdue(complaint), due_soon=casework.due_soon(complaint),
                           public_summary=public_line(complaint.public_summary, complaint.category, complaint.problem))


def _act(ticket: str, action):
    complaint = _complaint_or_404(ticket)
    try:
        action(complaint)
    except casework.CaseError as exc:
        flash(exc.message, "danger")
        return redirect(url_for("backoffice.complaint_case", ticket=complaint.ticket) + f"#f-{exc.field}"), 303
    return redirect(url_for("backoffice.complaint_case", ticket=complaint.ticket)), 303


@bp.post("/pengaduan/<ticket>/status")
@roles_required("complaints")
def complaint_change_status(ticket: str):
    user = current_user._get_current_object()

    def action(complaint):
        casework.change_status(complaint.id, request.form.get("status") or "", request.form.get("reason"), user)
        flash(_("Status diperbarui."), "success")
    return _act(ticket, action)


@bp.post("/pengaduan/<ticket>/catatan")
@roles_required("complaints")
def complaint_add_note(ticket: str):
    user = current_user._get_current_object()
    visibility = request.form.get("visibility")

    def action(complaint):
        if visibility not in {"internal", "public", "answer"}:
            raise casework.CaseError("visibility", _("Pilih jenis catatan."))
        casework.add_note(complaint.id, request.form.get("body"), visibility != "internal", user,
                          final_answer=visibility == "answer")
        flash(_("Tindak lanjut disimpan."), "success")
    return _act(ticket, action)


@bp.post("/pengaduan/<ticket>/ringkasan-publik")
@roles_required("complaints")
def complaint_public_summary(ticket: str):
    user = current_user._get_current_object()

    def action(complaint):
        casework.set_public_summary(complaint.id, request.form.get("public_summary"), user)
        flash(_("Ringkasan publik disimpan."), "success")
    return _act(ticket, action)


@bp.post("/pengaduan/<ticket>/penugasan")
@roles_required("complaints")
def complaint_assign(ticket: str):
    user = current_user._get_current_object()
    raw = request.form.get("handler") or ""

    def action(complaint):
        handler_id = parse_int(raw)
        if raw and handler_id is None:
            raise casework.CaseError("handler", _("Petugas tidak ditemukan atau bukan anggota Tim Pengaduan."))
        casework.assign(complaint.id, handler_id, user)
        flash(_("Penugasan diperbarui."), "success")
    return _act(ticket, action)


@bp.get("/pengaduan/<ticket>/lampiran/<int:attachment_id>")
@roles_required("complaints")
def complaint_attachment(ticket: str, attachment_id: int):
    complaint = _complaint_or_404(ticket)
    item = db.session.get(ComplaintAttachment, attachment_id)
    if item is None or item.complaint_id != complaint.id:
        abort(404)
    with write_transaction():
        audit.log("attachment_download", actor=current_user._get_current_object(), channel="complaints",
                  case_ref=complaint.ticket, detail={"attachment": item.id})
    return uploads.download_response(uploads.load(item.storage_name), item.content_type,
                                     f"{complaint.ticket}-{item.id}{uploads.extension_for(item.content_type)}")
