"""UPG work on a gratification report (role `gratification`): verification, analysis, forwarding to
the regency UPG or KPK, the KPK decision, its follow-up, notes and assignment.

Every step goes through workflow.GRATIFICATION (and services.next_statuses for the refusal path),
validates its own fields with the shared field types (portal.validation), and saves the change, its history line and its
audit entry in one write transaction — or nothing at all. Deadlines come from the workflow table
(GRATIFICATION.due); assignment and the overdue / due-soon marks are the shared case core's
(portal.cases).
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .. import audit, catalog, cases, notify
from ..cases import CaseError
from ..database import write_transaction
from ..extensions import db
from ..models import GratificationAttachment, GratificationEvent, GratificationReport, User
from ..models.types import utcnow
from ..clock import local_today
from ..validation import Choice, PastDate, Text, check_value
from ..workflow import GRATIFICATION, ReasonRequired, TransitionRefused
from .services import CHANNEL, FORWARD_STEP, next_statuses, queue_request_mail

ROLE = "gratification"
VERIFICATION_RESULTS = {"complete": _l("Lengkap"), "incomplete": _l("Perlu dilengkapi")}
ANALYSIS_RESULTS = {"must_report": _l("Wajib dilaporkan ke KPK"), "not_required": _l("Tidak wajib dilaporkan")}
FORWARD_TARGETS = {"upg_kabupaten": _l("UPG Kabupaten (Inspektorat)"), "kpk": _l("KPK (melalui GOL)")}
# Statuses in which the UPG → KPK clock runs (forward_due_on applies; paused while incomplete).
BEFORE_FORWARD = GRATIFICATION.on_clock(FORWARD_STEP)

__all__ = ["ANALYSIS_RESULTS", "CaseError", "FORWARD_TARGETS", "VERIFICATION_RESULTS", "add_note", "analyse",
           "assign", "enter_step", "forward_overdue", "record_analysis", "transition", "verify"]

_LABELS = {
    "reason": _l("Alasan / keterangan untuk pelapor"),
    "analysis": _l("Uraian analisis"),
    "forwarded_to": _l("Diteruskan kepada"),
    "gol_number": _l("Nomor GOL"),
    "forwarded_on": _l("Tanggal diteruskan"),
    "kpk_decision": _l("Keputusan KPK"),
    "kpk_decree_number": _l("Nomor SK KPK"),
    "kpk_decree_date": _l("Tanggal SK KPK"),
    "follow_up_note": _l("Bukti setor / berita acara serah terima"),
    "body": _l("Isi catatan"),
}


def _refuse(field: str, message: str) -> CaseError:
    return CaseError(field, _("%(field)s: %(message)s", field=_LABELS[field], message=message))


def _read(data: Mapping, specs, today: date) -> dict:
    """Validate the fields a step needs with the shared field types; the first problem is raised."""
    clean = {}
    for field, kind, options in specs:
        if kind == "text":
            rule = Text(required=options.get("required", False), max_len=options["max_len"],
                        multiline=options.get("multiline", False))
        elif kind == "choice":
            rule = Choice(options=options["choices"], required=True)
        else:
            rule = PastDate(required=True)
        clean[field], problem = check_value(rule, data.get(field), {"today": today})
        if problem:
            raise _refuse(field, problem)
    return clean


CASES = cases.Channel(CHANNEL, ROLE, GratificationReport, GratificationEvent, GratificationAttachment, "report_id",
                      _l("Laporan gratifikasi tidak ditemukan."),
                      _l("Petugas tidak ditemukan atau bukan petugas UPG yang aktif."))


def _load(session, report_id: int) -> GratificationReport:
    return cases.load(CASES, session, report_id)


def _check(report: GratificationReport, target: str, reason: str | None) -> None:
    try:
        GRATIFICATION.check(report.status, target, reason)
        if target not in {s.code for s in next_statuses(report)}:
            raise TransitionRefused(GRATIFICATION.label(report.status), GRATIFICATION.label(target))
    except TransitionRefused as exc:
        if report.action == "refused" and target in GRATIFICATION.transitions.get(report.status, ()):
            raise CaseError("status", _("Laporan penolakan hanya dicatat lalu diselesaikan; «%(b)s» tidak berlaku.",
                                        b=exc.target)) from None
        raise CaseError("status", _("Perpindahan dari «%(a)s» ke «%(b)s» tidak diizinkan.",
                                    a=exc.current, b=exc.target)) from None
    except ReasonRequired as exc:
        raise CaseError("reason", _("Alasan wajib diisi untuk status «%(s)s»; alasan ini ditampilkan kepada pelapor.",
                                    s=exc.target)) from None


def _not_before(field: str, value: date, floor: date | None, floor_name) -> None:
    if floor is not None and value < floor:
        raise _refuse(field, _("tidak boleh sebelum %(what)s (%(day)s).", what=floor_name, day=floor.isoformat()))


def _apply(report: GratificationReport, target: str, data: Mapping, today: date) -> dict:
    """Validate and set the fields of `target`; returns audit detail codes (never content)."""
    detail: dict = {}
    if target in ("analysis", "recorded") and report.status in ("reported", "incomplete"):
        # The UPG → KPK clock (forward_due_on) runs from the report date: verification never restarts it.
        report.verification_result, report.verified_on = "complete", today
        report.completion_due_on = None
    elif target == "incomplete":
        # PerKPK 1/2026: 20 working days "sejak tanggal laporan", not from the verification.
        report.verification_result, report.verified_on = "incomplete", today
        report.completion_due_on = GRATIFICATION.due("incomplete", entered_on=today, reported_on=report.submitted_on)
        report.analysis_result = None
    elif target == "archived":
        report.analysis_result, report.analysed_on = "not_required", today
        report.analysis = (data.get("reason") or "").strip()
    elif target == "forwarded":
        if report.analysis_result != "must_report":
            raise CaseError("analysis_result", _("Catat dulu hasil analisis «Wajib dilaporkan ke KPK» sebelum meneruskan laporan."))
        clean = _read(data, [("forwarded_to", "choice", {"choices": FORWARD_TARGETS}),
                             ("gol_number", "text", {"required": True, "max_len": 60}),
                             ("forwarded_on", "date", {})], today)
        _not_before("forwarded_on", clean["forwarded_on"], report.verified_on or report.submitted_on,
                    _("tanggal verifikasi") if report.verified_on else _("tanggal laporan"))
        report.forwarded_to, report.gol_number, report.forwarded_on = (
            clean["forwarded_to"], clean["gol_number"], clean["forwarded_on"])
        detail["forwarded_to"] = clean["forwarded_to"]
    elif target == "decided":
        clean = _read(data, [("kpk_decision", "choice", {"choices": catalog.GRATIFICATION_KPK_DECISIONS}),
                             ("kpk_decree_number", "text", {"required": True, "max_len": 100}),
                             ("kpk_decree_date", "date", {})], today)
        _not_before("kpk_decree_date", clean["kpk_decree_date"], report.forwarded_on, _("tanggal diteruskan"))
        report.kpk_decision, report.kpk_decree_number, report.kpk_decree_date = (
            clean["kpk_decision"], clean["kpk_decree_number"], clean["kpk_decree_date"])
        detail["decision"] = clean["kpk_decision"]
    elif target == "follow_up":
        clean = _read(data, [("follow_up_note", "text", {"required": True, "max_len": 5000, "multiline": True})], today)
        report.follow_up_note = clean["follow_up_note"]
    elif target == "done" and report.status == "decided" and report.kpk_decision == "milik_negara":
        raise CaseError("status", _("Gratifikasi yang ditetapkan milik negara harus ditindaklanjuti dulu "
                                    "(bukti setor atau berita acara serah terima) sebelum diselesaikan."))
    elif target == "stopped" and report.completion_due_on and today <= report.completion_due_on:
        raise CaseError("status", _("Batas waktu melengkapi laporan belum lewat (%(day)s); laporan belum dapat dihentikan.",
                                    day=report.completion_due_on.isoformat()))
    return detail


def transition(report_id: int, target: str, data: Mapping, actor: User, *, today: date | None = None) -> None:
    """Move a report to `target` with the fields that step needs (`data`: a form or a dict)."""
    if target not in GRATIFICATION.statuses:
        raise CaseError("status", _("Status tidak dikenal."))
    today = today or local_today()
    reason = _read(data, [("reason", "text", {"max_len": 2000, "multiline": True})], today).get("reason")
    with write_transaction() as session:
        report = _load(session, report_id)
        previous, detail = enter_step(report, target, {**data, "reason": reason or ""}, reason,
                                      actor_id=actor.id, now=utcnow(), today=today)
        audit.log("status_change", actor=actor, channel=CHANNEL, case_ref=report.ticket,
                  detail={"from": previous, "to": target, **detail})
        mail = queue_request_mail(report) if target == "incomplete" else None
        session.flush()
        mail_ids = [mail.id] if mail is not None else []
    notify.deliver_soon(mail_ids)


def enter_step(report: GratificationReport, target: str, data: Mapping, reason: str | None, *,
               actor_id: int | None, now, today: date) -> tuple[str, dict]:
    """Move `report` to `target` with the fields that step needs and every effect of the step
    (deadline, closing day, the public history line), in the caller's transaction; refused as a
    CaseError. Returns the status it left and the audit detail. transition and the demo seed both
    go through here."""
    _check(report, target, reason)
    detail = _apply(report, target, data, today)
    previous = report.status
    report.status, report.status_changed_at = target, now
    # The step's deadline: from the date the step started (the GOL date, the decree date).
    since = {"forwarded": report.forwarded_on, "decided": report.kpk_decree_date}.get(target, today)
    # A step on the UPG → KPK clock keeps the deadline fixed when the clock started.
    report.due_on = (report.forward_due_on if target in BEFORE_FORWARD
                     else GRATIFICATION.due(target, entered_on=since, reported_on=report.submitted_on))
    if target in GRATIFICATION.closing:
        report.closed_on = today
    report.events.append(GratificationEvent(at=now, kind="status", public=True, status_from=previous,
                                            status_to=target, body=reason, actor_id=actor_id))
    return previous, detail


def verify(report_id: int, result: str | None, data: Mapping, actor: User, *, today: date | None = None) -> None:
    """Verification: complete (acceptance → analysis, refusal → recorded) or needs completion (reason)."""
    if result not in VERIFICATION_RESULTS:
        raise CaseError("verification", _("Pilih hasil verifikasi: lengkap atau perlu dilengkapi."))
    target = "incomplete"
    if result == "complete":
        report = db.session.get(GratificationReport, report_id)  # the kind of report never changes
        if report is None:
            raise CaseError("case", str(CASES.not_found))
        target = "recorded" if report.action == "refused" else "analysis"
    transition(report_id, target, data, actor, today=today)


def analyse(report_id: int, result: str | None, data: Mapping, actor: User, *, today: date | None = None) -> None:
    """Analysis: must be reported (stays for forwarding) or not required (archived, reason told to the reporter)."""
    if result not in ANALYSIS_RESULTS:
        raise CaseError("analysis_result", _("Pilih hasil analisis: wajib dilaporkan atau tidak wajib dilaporkan."))
    today = today or local_today()
    if result == "not_required":
        text = _read(data, [("analysis", "text", {"max_len": 2000, "multiline": True})], today).get("analysis")
        try:
            transition(report_id, "archived", {"reason": text or ""}, actor, today=today)
        except CaseError as exc:
            if exc.field == "reason":  # on this form the reason is the analysis text
                raise CaseError("analysis", _("Uraian analisis wajib diisi bila laporan tidak wajib dilaporkan; "
                                              "uraian ini ditampilkan kepada pelapor.")) from None
            raise
        return
    text = _read(data, [("analysis", "text", {"max_len": 10_000, "multiline": True})], today).get("analysis")
    with write_transaction() as session:
        report = _load(session, report_id)
        record_analysis(report, text, actor_id=actor.id, now=utcnow(), today=today)
        audit.log("analysis_record", actor=actor, channel=CHANNEL, case_ref=report.ticket,
                  detail={"result": "must_report"})


def record_analysis(report: GratificationReport, text: str | None, *, actor_id: int | None, now, today: date) -> None:
    """The analysis found the gift must be reported to KPK (the report stays for forwarding), in
    the caller's transaction. analyse and the demo seed both go through here."""
    if report.status != "analysis":
        raise CaseError("status", _("Hasil analisis dicatat setelah verifikasi lengkap dan sebelum laporan diteruskan."))
    report.analysis_result, report.analysis, report.analysed_on = "must_report", text, today
    report.events.append(GratificationEvent(at=now, kind="analysis", public=False, body=text, actor_id=actor_id))


def add_note(report_id: int, body: str | None, public: bool, actor: User) -> None:
    """A note: internal (UPG only) or public (on the reporter's status page and the API timeline)."""
    text = _read({"body": body}, [("body", "text", {"required": True, "max_len": 10_000, "multiline": True})],
                 local_today())["body"]
    with write_transaction() as session:
        report = _load(session, report_id)
        report.events.append(GratificationEvent(at=utcnow(), kind="note", public=public, body=text, actor_id=actor.id))
        audit.log("followup_add" if public else "note_add", actor=actor, channel=CHANNEL, case_ref=report.ticket)


def assign(report_id: int, handler_id: int | None, actor: User) -> None:
    cases.assign(CASES, report_id, handler_id, actor)


def forward_overdue(report: GratificationReport, today: date | None = None) -> bool:
    """The UPG → KPK deadline passed while the report has not been forwarded yet."""
    return (report.status in BEFORE_FORWARD and report.forward_due_on is not None
            and report.forward_due_on < (today or local_today()))
