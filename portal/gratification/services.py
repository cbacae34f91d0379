"""Gratification services: submission (one transaction), deadline and lateness, look-up by ticket + code, timeline."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import gettext as _

from .. import cases, intake, notify, replies, workdays, workflow
from ..models import GratificationAttachment, GratificationEvent, GratificationReport
from ..clock import local_today
from ..workflow import GRATIFICATION, Status
from .exemptions import Hint, exemption_hint, rupiah

TICKET_PREFIX = "GRT"
CHANNEL = "gratification"
# UU 20/2001 Ps 12C(2): the recipient reports within 30 working days of receipt.
REPORT_WORKING_DAYS = 30
# The step whose SLA is the UPG → KPK clock (10 HK "sejak laporan diterima UPG", workflow.GRATIFICATION):
# its deadline is forward_due_on, counted from the report date and moved by no later step.
FORWARD_STEP = "analysis"
# A refusal has no object to analyse or hand over: it is recorded and closed.
REFUSAL_STATUSES = frozenset({"reported", "incomplete", "recorded", "stopped", "done"})

FIELDS = (
    "action", "reporter_name", "reporter_nip", "reporter_nik", "reporter_position", "reporter_unit", "reporter_phone",
    "reporter_email", "giver_name", "giver_institution", "giver_address", "giver_relation", "conflict_of_interest",
    "item_type", "description",
    "estimated_value", "received_on", "place_received", "occasion", "perishable", "deposited_with_upg",
)


def report_deadline(received_on: date) -> date:
    return workdays.add_working_days(received_on, REPORT_WORKING_DAYS)


def is_late(received_on: date, reported_on: date) -> bool:
    return reported_on > report_deadline(received_on)


def hint_for(values) -> Hint | None:
    """Exemption hint for an acceptance (a refusal needs none); `values` is a mapping or a report."""
    get = values.get if isinstance(values, dict) else lambda name: getattr(values, name, None)
    if get("action") != "accepted":
        return None
    return exemption_hint(get("item_type"), get("giver_relation"), get("occasion"),
                          get("estimated_value"), get("received_on"),
                          earlier_from_giver=earlier_from_giver(values),
                          conflict_of_interest=get("conflict_of_interest"))


def _same(a: str | None, b: str | None) -> bool:
    return bool(a and b) and " ".join(a.casefold().split()) == " ".join(b.casefold().split())


def earlier_from_giver(values) -> int:
    """Sum of the values this reporter reported earlier in the same year as received from the same
    giver (the register, accepted gifts): the "per pemberi dalam 1 tahun" of the exemptions. The
    reporter is known by NIP (else name); names are encrypted, so candidates are compared here."""
    get = values.get if isinstance(values, dict) else lambda name: getattr(values, name, None)
    received_on, giver = get("received_on"), get("giver_name")
    reporter_nip, reporter_name = get("reporter_nip"), get("reporter_name")
    if received_on is None or not giver or not (reporter_nip or reporter_name):
        return 0
    from sqlalchemy import select

    from ..extensions import db

    own_id = get("id")
    stmt = select(GratificationReport).where(
        GratificationReport.action == "accepted", GratificationReport.giver_relation == get("giver_relation"),
        GratificationReport.received_on >= date(received_on.year, 1, 1), GratificationReport.received_on <= received_on)
    if own_id is not None:  # a stored report: only what came before it
        stmt = stmt.where(GratificationReport.id < own_id)
    total = 0
    for other in db.session.scalars(stmt):
        same_reporter = (_same(other.reporter_nip, reporter_nip) if reporter_nip
                         else _same(other.reporter_name, reporter_name))
        if same_reporter and _same(other.giver_name, giver):
            total += other.estimated_value or 0
    return total


@dataclass(kw_only=True)
class Receipt(cases.Receipt):
    action: str
    received_on: date
    report_deadline: date
    late: bool
    hint: Hint | None


def _receipt(report: GratificationReport, access_code: str | None, replayed: bool, mail_queued=False) -> Receipt:
    return Receipt(ticket=report.ticket, access_code=access_code, submitted_at=report.submitted_at,
                   status=report.status, action=report.action, received_on=report.received_on,
                   report_deadline=report.report_deadline, late=report.late, hint=hint_for(report),
                   replayed=replayed, mail_queued=mail_queued)


def find_replay(submission_key: str | None, body_digest: bytes | None = None) -> Receipt | None:
    """The receipt of an earlier submission made with the same one-time key (double click, retry)."""
    return intake.find_replay(GratificationReport, submission_key, _receipt, body_digest)


def submit(clean: dict, files: list, submission_key: str | None = None, *, today: date | None = None,
           body_digest: bytes | None = None, replay_checked: bool = False) -> Receipt:
    """Store a validated report with its attachments; `today` (local day of the report) is for tests.
    `replay_checked`: the caller already looked for an earlier submission with this key (intake.submit)."""
    return intake.submit(submission_key, files, replay=lambda key: find_replay(key, body_digest),
                         prefix=TICKET_PREFIX, today=lambda: today or local_today(), body_digest=body_digest,
                         replay_checked=replay_checked,
                         build=lambda columns, day: new_report(clean, columns, day), event=GratificationEvent,
                         attachment=GratificationAttachment, mail=_queue_receipt, receipt=_receipt)


def new_report(clean: dict, columns: dict, day: date) -> GratificationReport:
    """The row of a new report received by UPG on `day`: the columns every ticketed row shares
    (intake), the reporter's fields, the reporting deadline and lateness, the exemption hint, the
    first status and the UPG → KPK clock. Submission and the demo seed use it."""
    deadline = report_deadline(clean["received_on"])
    hint = hint_for(clean)
    return GratificationReport(
        **columns,
        status=GRATIFICATION.initial,
        due_on=GRATIFICATION.due(GRATIFICATION.initial, entered_on=day, reported_on=day),
        forward_due_on=forward_due(day),
        report_deadline=deadline,
        late=day > deadline,
        exemption_rule=hint.code if hint else None,
        **{k: clean.get(k) for k in FIELDS},
    )


def _queue_receipt(report: GratificationReport, access_code: str):
    if not report.reporter_email:
        return None
    return notify.queue_mail("gratification-receipt", report.reporter_email, *acknowledgement(report, access_code))


def forward_due(reported_on: date) -> date:
    """UPG → KPK deadline of a report received by UPG on `reported_on` (the admin's SLA applies)."""
    return GRATIFICATION.due(FORWARD_STEP, entered_on=reported_on, reported_on=reported_on)


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


public_timeline = cases.public_timeline


@dataclass
class NextStep:
    """What the reporter does after the KPK decree: its text and, when there is one, the due date."""

    text: str
    due: date | None = None


def decision_next_step(report: GratificationReport) -> NextStep | None:
    """The reporter's next step after the KPK decision, once the UPG has recorded the decree."""
    if not report.kpk_decision:
        return None
    if report.kpk_decision == "milik_negara":
        # UU 30/2002 Ps 17: handed over (goods) or paid in (money) within 7 working days of the decree.
        days = workflow.sla_days(CHANNEL, "follow_up")
        due = (GRATIFICATION.due("follow_up", entered_on=report.kpk_decree_date)
               if report.kpk_decree_date else None)
        return NextStep(_("Gratifikasi ditetapkan menjadi milik negara. Serahkan barangnya atau setorkan uangnya "
                          "ke kas negara sesuai petunjuk dalam SK, paling lama %(n)d hari kerja sejak tanggal SK, "
                          "lalu serahkan bukti serah/setor kepada UPG.", n=days), due)
    return NextStep(_("Gratifikasi ditetapkan menjadi milik Anda sebagai penerima. Tidak ada kewajiban lebih lanjut; "
                      "simpan salinan SK sebagai bukti."))


def as_api_dict(report: GratificationReport) -> dict:
    return {
        **cases.api_dict(report, report.item_type),
        "action": report.action,
        "received_on": report.received_on.isoformat(),
        "report_deadline": report.report_deadline.isoformat(),
        "late": report.late,
        "kpk_decision": report.kpk_decision,
        "gol_number": report.gol_number,
        "kpk_decree_number": report.kpk_decree_number,
        "kpk_decree_date": report.kpk_decree_date.isoformat() if report.kpk_decree_date else None,
    }


__all__ = ["NextStep", "Receipt", "as_api_dict", "decision_next_step", "find_replay", "hint_for", "is_late", "lookup", "next_statuses",
           "public_timeline", "report_deadline", "rupiah", "submit"]


def is_closed(report: GratificationReport) -> bool:
    return replies.is_closed(GRATIFICATION, report.status)


def reply(report: GratificationReport, text: str, files: list) -> None:
    """The reporter completes the report (text and files) or answers the UPG. The UPG verifies again,
    so the status stays: "Perlu Dilengkapi" ends only with the UPG's verification."""
    replies.reply(GratificationReport, report.id, text, files, workflow=GRATIFICATION, waiting=None,
                  event=GratificationEvent, attachment=GratificationAttachment, due=None)


def queue_request_mail(report: GratificationReport):
    """In the caller's transaction: tell the reporter (when an address was given) that the UPG asks for
    something. The mail names only the ticket; the request is read on the status page."""
    if not report.reporter_email:
        return None
    base = current_app.config["PORTAL_BASE_URL"].rstrip("/")
    subject = _("UPG meminta kelengkapan laporan gratifikasi %(ticket)s", ticket=report.ticket)
    body = "\n".join([
        _("Unit Pengendalian Gratifikasi (UPG) meminta Anda melengkapi laporan gratifikasi %(ticket)s.",
          ticket=report.ticket),
        _("Baca permintaannya dan kirim kelengkapan di halaman status dengan nomor tiket dan kode akses Anda: %(url)s",
          url=base + _path("gratification.status")),
        "",
        current_app.config["PORTAL_OFFICE_NAME"],
    ])
    return notify.queue_mail("gratification-request", report.reporter_email, subject, body)
