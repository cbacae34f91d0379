"""Complaint queue and case page for the Tim Pengaduan (role `complaints`), on the shared case desk
(backoffice.casedesk); here: the complaint's queue filters, its case page extras and its own steps
(status, public summary)."""
from __future__ import annotations

from flask import request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from .. import casequery, catalog
from ..auth.access import roles_required
from ..complaints import casework
from ..models import Complaint
from ..reports.complaints import public_line
from . import bp
from .casedesk import Desk, Note


def _filters(query, args):
    if args.get("category") in catalog.COMPLAINT_SERVICES:
        query = query.where(Complaint.category == args["category"])
    return query


def _search(raw: str):
    return casequery.complaint_search(Complaint, raw)


def _case_extra(complaint: Complaint, today) -> dict:
    from ..units.services import units

    return {"errors": request.args.get("error"), "units": units(active_only=True),
            "public_summary": public_line(complaint.public_summary, complaint.category, complaint.problem)}


DESK = Desk(
    channel=casework.CASES, endpoint="complaint", path="/pengaduan",
    queue_template="backoffice/complaint_queue.html", case_template="backoffice/complaint_case.html",
    case_name="c", today=lambda: casework.local_today(), add_note=casework.add_note,
    notes={"internal": Note(False), "public": Note(True), "answer": Note(True, {"final_answer": True})},
    note_refused=_l("Pilih jenis catatan."), note_done=_l("Tindak lanjut disimpan."),
    assign_done=_l("Penugasan diperbarui."),
    filters=_filters, search=_search, case_extra=_case_extra,
    queue_extra=lambda: {"search_fields": casequery.COMPLAINT_SEARCH_FIELDS},
)
DESK.register(bp)


@bp.post("/pengaduan/<ticket>/status")
@roles_required("complaints")
def complaint_change_status(ticket: str):
    return DESK.act(ticket, lambda cid, user: casework.change_status(
        cid, request.form.get("status") or "", request.form.get("reason"), user), _("Status diperbarui."))


@bp.post("/pengaduan/<ticket>/ringkasan-publik")
@roles_required("complaints")
def complaint_public_summary(ticket: str):
    return DESK.act(ticket, lambda cid, user: casework.set_public_summary(
        cid, request.form.get("public_summary"), user), _("Ringkasan publik disimpan."))
