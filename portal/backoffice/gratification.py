"""Gratification queue and case page for the UPG (role `gratification`), on the shared case desk
(backoffice.casedesk); here: the report's queue filters, its case page extras and one route per
step of DOMAIN.md §3 (verification, analysis, forwarding, the KPK decree, follow-up, done, stop)."""
from __future__ import annotations

from flask import request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from .. import casequery, catalog
from ..auth.access import roles_required
from ..gratification import casework
from ..gratification.services import FORWARD_STEP, hint_for, next_statuses
from ..models import GratificationReport
from ..clock import local_today
from ..workflow import sla
from . import bp
from .casedesk import Desk, Note

ROLE = casework.ROLE


def _filters(query, args):
    if args.get("item_type") in catalog.GRATIFICATION_ITEMS:
        query = query.where(GratificationReport.item_type == args["item_type"])
    if args.get("action") in catalog.GRATIFICATION_ACTIONS:
        query = query.where(GratificationReport.action == args["action"])
    return query


def _search(raw: str):
    return casequery.ticket_search(GratificationReport, raw)


def _case_extra(report: GratificationReport, today) -> dict:
    return {"nexts": {s.code for s in next_statuses(report)},
            "forward_overdue": casework.forward_overdue(report, today), "hint": hint_for(report),
            "forward_sla": sla("gratification", FORWARD_STEP),
            "verification_results": casework.VERIFICATION_RESULTS,
            "analysis_results": casework.ANALYSIS_RESULTS, "forward_targets": casework.FORWARD_TARGETS}


DESK = Desk(
    channel=casework.CASES, endpoint="gratification", path="/gratifikasi",
    queue_template="backoffice/gratification_queue.html", case_template="backoffice/gratification_case.html",
    case_name="r", today=lambda: local_today(), add_note=casework.add_note,
    notes={"internal": Note(False), "public": Note(True)},
    note_refused=_l("Pilih jenis catatan: internal atau publik."), note_done=_l("Catatan disimpan."),
    assign_done=_l("Penugasan diperbarui."),
    filters=_filters, search=_search, case_extra=_case_extra,
    queue_extra=lambda: {"forward_overdue": casework.forward_overdue},
)
DESK.register(bp)


@bp.post("/gratifikasi/<ticket>/verifikasi")
@roles_required(ROLE)
def gratification_verify(ticket: str):
    return DESK.act(ticket, lambda rid, user: casework.verify(rid, request.form.get("result"), request.form, user),
                    _("Hasil verifikasi disimpan."))


@bp.post("/gratifikasi/<ticket>/analisis")
@roles_required(ROLE)
def gratification_analyse(ticket: str):
    return DESK.act(ticket, lambda rid, user: casework.analyse(rid, request.form.get("result"), request.form, user),
                    _("Hasil analisis disimpan."))


def _step(target: str, message):
    def view(ticket: str):
        return DESK.act(ticket, lambda rid, user: casework.transition(rid, target, request.form, user), message)
    return view


# One route per step of DOMAIN.md §3; each checks the workflow table and the fields of its step.
for _path, _target, _name, _message in (
    ("teruskan", "forwarded", "forward", _l("Laporan dicatat sebagai diteruskan.")),
    ("sk", "decided", "decide", _l("Keputusan KPK disimpan.")),
    ("tindak-lanjut", "follow_up", "follow_up", _l("Tindak lanjut SK disimpan.")),
    ("selesai", "done", "done", _l("Laporan diselesaikan.")),
    ("hentikan", "stopped", "stop", _l("Laporan dihentikan.")),
):
    DESK.route(bp, f"/<ticket>/{_path}", _name, _step(_target, _message), ("POST",))
