"""Gratification services: submission (one transaction), deadline and lateness, look-up by ticket + code, timeline."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from flask_babel import gettext as _

from .. import intake, notify, workdays
from ..models import GratificationAttachment, GratificationEvent, GratificationReport
from ..templating import local_today
from ..workflow import GRATIFICATION, Status, sla_days
from .exemptions import Hint, exemption_hint, rupiah

TICKET_PREFIX = "GRT"
CHANNEL = "gratification"
# UU 20/2001 Ps 12C(2): the recipient reports within 30 working days of receipt.
REPORT_WORKING_DAYS = 30
# UPG → KPK within 10 working days of the report (see workflow.GRATIFICATION).
FORWARD_WORKING_DAYS = 10
# A refusal has no object to analyse or hand over: it is recorded and closed.
REFUSAL_STATUSES = frozenset({"reported", "incomplete", "recorded", "stopped", "done"})

FIELDS = (
    "action", "reporter_name", "reporter_nip", "reporter_position", "reporter_unit", "reporter_phone",
    "reporter_email", "giver_name", "giver_institution", "giver_relation", "item_type", "description",
    "estimated_value", "received_on", "place_received", "occasion", "perishable", "deposited_with_upg",
)


def report_deadline(received_on: date) -> date:
    return workdays.add_working_days(received_on, REPORT_WORKING_DAYS)


def is_late(received_on: date, reported_on: date) -> bool:
    return reported_on > report_deadline(received_on)


def hint_for(values) -> Hint | None:
    """Exemption hint for an acceptance (a refusal needs none); `values` is a mapping or a report."""
    get = values.get if isinstance(values, dict) else lambda name: getattr(values, name)
    if get("action") != "accepted":
        return None
    return exemption_hint(get("item_type"), get("giver_relation"), get("occasion"),
                          get("estimated_value"), get("received_on"))


@dataclass
class Receipt:
    ticket: str
    access_code: str | None  # None when a repeated submission arrives after the replay window
    submitted_at: datetime
    status: str
    action: str
    received_on: date
    report_deadline: date
    late: bool
    hint: Hint | None
    replayed: bool = False
    mail_queued: bool = False


def _receipt(report: GratificationReport, access_code: str | None, replayed: bool, mail_queued=False) -> Receipt:
    return Receipt(report.ticket, access_code, report.submitted_at, report.status, report.action,
                   report.received_on, report.report_deadline, report.late, hint_for(report), replayed, mail_queued)


def find_replay(submission_key: str | None, body_digest: bytes | None = None) -> Receipt | None:
    """The receipt of an earlier submission made with the same one-time key (double click, retry)."""
    return intake.find_replay(GratificationReport, submission_key, _receipt, body_digest)


def submit(clean: dict, files: list, submission_key: str | None = None, *, today: date | None = None,
           body_digest: bytes | None = None) -> Receipt:
    """Store a validated report with its attachments; `today` (local day of the report) is for tests."""
    def build(columns: dict, day: date) -> GratificationReport:
        deadline = report_deadline(clean["received_on"])
        hint = hint_for(clean)
        return GratificationReport(
            **columns,
            status=GRATIFICATION.initial,
            due_on=_due(GRATIFICATION.initial, day),
            forward_due_on=workdays.add_working_days(day, FORWARD_WORKING_DAYS),
            report_deadline=deadline,
            late=day > deadline,
            exemption_rule=hint.code if hint else None,
            **{k: clean.get(k) for k in FIELDS},
        )

    return intake.submit(submission_key, files, replay=lambda key: find_replay(key, body_digest),
                         prefix=TICKET_PREFIX, today=lambda: today or local_today(), body_digest=body_digest,
                         build=build, event=GratificationEvent,
                         attachment=GratificationAttachment, mail=_queue_receipt, receipt=_receipt)


def _queue_receipt(report: GratificationReport, access_code: str):
    if not report.reporter_email:
        return None
    return notify.queue_mail("gratification-receipt", report.reporter_email, *acknowledgement(report, access_code))


def _due(status: str, since: date) -> date | None:
    days = sla_days(CHANNEL, status)
    return workdays.add_working_days(since, days) if days else None


def acknowledgement(report: GratificationReport, access_code: str) -> tuple[str, str]:
    base = current_app.config["PORTAL_BASE_URL"].rstrip("/")
    subject = _("Laporan gratifikasi Anda diterima: %(ticket)s", ticket=report.ticket)
    lines = [
        _("Terima kasih. Laporan gratifikasi Anda telah diterima Unit Pengendalian Gratifikasi (UPG)."),
        "",
        _("Nomor tiket: %(ticket)s", ticket=report.ticket),
        _("Kode akses: %(code)s", code=access_code),
        _("Batas waktu pelaporan: %(date)s", date=report.report_deadline.isoformat()),
    ]
    if report.late:
        lines.append(_("Laporan ini melewati batas 30 hari kerja sejak penerimaan; UPG tetap memprosesnya."))
    lines += [
        "",
        _("Simpan kode akses ini. Kode ini hanya dikirim sekali dan diperlukan untuk melihat perkembangan laporan Anda."),
        _("Cek status: %(url)s", url=base + _path("gratification.status")),
        "",
        current_app.config["PORTAL_OFFICE_NAME"],
    ]
    return subject, "\n".join(lines)


def _path(endpoint: str) -> str:
    """A route's path without needing a request (submissions may come from the CLI or a test)."""
    return current_app.url_map.bind("portal.invalid").build(endpoint)


def lookup(ticket: str | None, access_code: str | None) -> GratificationReport | None:
    """The report only when ticket and code match; the same None for unknown ticket and wrong code."""
    return intake.lookup(GratificationReport, ticket, access_code)


def next_statuses(report: GratificationReport) -> list[Status]:
    """Allowed next steps for this report: refusals keep to Dilaporkan → Dicatat → Selesai."""
    steps = GRATIFICATION.next_statuses(report.status)
    if report.action == "refused":
        return [s for s in steps if s.code in REFUSAL_STATUSES]
    return [s for s in steps if s.code != "recorded"]


def public_timeline(report: GratificationReport) -> list[dict]:
    return [{
        "at": event.at,
        "kind": event.kind,
        "status": event.status_to,
        "status_label": GRATIFICATION.public_label(event.status_to) if event.status_to else None,
        "body": event.body,
    } for event in report.events if event.public]


def as_api_dict(report: GratificationReport) -> dict:
    return {
        "ticket": report.ticket,
        "status": report.status,
        "status_label": GRATIFICATION.public_label(report.status),
        "category": report.item_type,
        "action": report.action,
        "submitted_at": report.submitted_at.isoformat(),
        "received_on": report.received_on.isoformat(),
        "report_deadline": report.report_deadline.isoformat(),
        "late": report.late,
        "kpk_decision": report.kpk_decision,
        "timeline": [
            {"at": e["at"].isoformat(), "kind": e["kind"], "status": e["status"],
             "status_label": e["status_label"], "body": e["body"]}
            for e in public_timeline(report)
        ],
    }


__all__ = ["Receipt", "as_api_dict", "find_replay", "hint_for", "is_late", "lookup", "next_statuses",
           "public_timeline", "report_deadline", "rupiah", "submit"]
