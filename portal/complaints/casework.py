"""Back-office work on a complaint: assignment, status transitions, follow-ups, answer, rating."""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .. import audit, cases, notify
from ..cases import CaseError
from ..database import write_transaction
from ..models import Complaint, ComplaintAttachment, ComplaintEvent, User
from ..models.types import utcnow
from ..clock import local_today, to_local
from ..workflow import COMPLAINTS, ReasonRequired, TransitionRefused

CHANNEL = "complaints"
# Every way out of "Belum Terverifikasi" is a verification outcome: the day it happens is the
# verification day of the timeliness figures, whatever the outcome.
VERIFIED_FROM = "unverified"
PUBLIC_SUMMARY_MAX = 200


CASES = cases.Channel(CHANNEL, "complaints", Complaint, ComplaintEvent, ComplaintAttachment, "complaint_id",
                      _l("Pengaduan tidak ditemukan."),
                      _l("Petugas tidak ditemukan atau bukan anggota Tim Pengaduan."))


def _load(session, complaint_id: int) -> Complaint:
    return cases.load(CASES, session, complaint_id)


def change_status(complaint_id: int, target: str, reason: str | None, actor: User, *, public_note: str | None = None) -> None:
    if target not in COMPLAINTS.statuses:
        raise CaseError("status", _("Status tidak dikenal."))
    reason = cases.clean_text(reason, "reason", required=False, max_len=2000)
    with write_transaction() as session:
        complaint = _load(session, complaint_id)
        previous = enter_status(complaint, target, reason, actor_id=actor.id, now=utcnow(), today=local_today())
        audit.log("status_change", actor=actor, channel=CHANNEL, case_ref=complaint.ticket,
                  detail={"from": previous, "to": target})
        mail_ids = _mail_step(session, complaint, "pending" if target == "pending" else "status")
    notify.deliver_soon(mail_ids)


def enter_status(complaint: Complaint, target: str, reason: str | None, *, actor_id: int | None, now, today) -> str:
    """Move `complaint` to `target` with every effect of that step (deadline, milestone days, the
    public history line), in the caller's transaction; refused as a CaseError. Returns the status
    it left. change_status and the demo seed both go through here."""
    try:
        COMPLAINTS.check(complaint.status, target, reason)
    except TransitionRefused as exc:
        raise CaseError("status", _("Perpindahan dari «%(a)s» ke «%(b)s» tidak diizinkan.", a=exc.current, b=exc.target)) from None
    except ReasonRequired as exc:
        raise CaseError("reason", _("Alasan wajib diisi untuk status «%(s)s».", s=exc.target)) from None
    if target in COMPLAINTS.answer_required and not _has_final_answer(complaint):
        raise CaseError("status", _("Tulis dulu tanggapan final (jawaban resmi) untuk pelapor sebelum "
                                    "menetapkan status «%(s)s».", s=COMPLAINTS.label(target)))
    previous = complaint.status
    complaint.status = target
    complaint.status_changed_at = now
    complaint.due_on = COMPLAINTS.due(target, entered_on=_reopened_from(complaint, today) if previous == "completed" else today)
    if previous == VERIFIED_FROM and complaint.verified_on is None:
        complaint.verified_on = today
    if target == "completed":
        complaint.completed_on = today
    if target in COMPLAINTS.closing and complaint.closed_on is None:
        complaint.closed_on = today
    if target == "in_progress" and previous == "completed":
        complaint.completed_on = None
        complaint.closed_on = None
    # The reason of a side status is told to the citizen; internal remarks go in notes.
    complaint.events.append(ComplaintEvent(at=now, kind="status", public=True, status_from=previous,
                                           status_to=target, body=reason, actor_id=actor_id))
    return previous


def _mail_step(session, complaint: Complaint, what: str) -> list[int]:
    """Queue the citizen's mail about a public step in this transaction (when they asked for it)."""
    from .mailing import queue_step

    item = queue_step(complaint, what)
    if item is None:
        return []
    session.flush()
    return [item.id]


def _reopened_from(complaint: Complaint, today):
    """A completed case reopened for more work: its 60 days (UU 25/2009 Ps 50) run on from the day it
    last entered Sedang Diproses; reopening does not grant a new period."""
    entered = [event.at for event in complaint.events if event.kind == "status" and event.status_to == "in_progress"]
    return local_day(max(entered)) if entered else today


def _has_final_answer(complaint: Complaint) -> bool:
    return any(event.kind == "answer" for event in complaint.events)


def set_public_summary(complaint_id: int, text: str | None, actor: User) -> None:
    """The neutral line T6 publishes for this complaint (empty: the service and problem labels)."""
    summary = cases.clean_text(text, "public_summary", required=False, max_len=PUBLIC_SUMMARY_MAX)
    if summary and any(ch in summary for ch in "\n\r\t"):
        raise CaseError("public_summary", _("Ringkasan publik ditulis dalam satu baris."))
    with write_transaction() as session:
        complaint = _load(session, complaint_id)
        complaint.public_summary = summary
        audit.log("public_summary_set", actor=actor, channel=CHANNEL, case_ref=complaint.ticket,
                  detail={"cleared": summary is None})


def add_note(complaint_id: int, body: str | None, public: bool, actor: User, *, final_answer: bool = False) -> None:
    text = cases.clean_text(body, "body", required=True, max_len=10_000)
    with write_transaction() as session:
        complaint = _load(session, complaint_id)
        if complaint.status in COMPLAINTS.terminal and public:
            raise CaseError("body", _("Pengaduan ini sudah ditutup; tindak lanjut publik tidak dapat ditambahkan."))
        append_note(complaint, text, public=public, final_answer=final_answer, actor_id=actor.id, now=utcnow(),
                    today=local_today())
        audit.log("answer_add" if final_answer else ("followup_add" if public else "note_add"), actor=actor,
                  channel=CHANNEL, case_ref=complaint.ticket)
        mail_ids = _mail_step(session, complaint, "answer" if final_answer else "followup") if (
            public or final_answer) else []
    notify.deliver_soon(mail_ids)


def append_note(complaint: Complaint, text: str, *, public: bool, final_answer: bool, actor_id: int | None,
                now, today) -> None:
    """A note, follow-up or final answer with its effects, in the caller's transaction: the first
    public word after verification is the first response, and it starts the work of a
    dispositioned case. add_note and the demo seed both go through here."""
    kind = "answer" if final_answer else "note"
    complaint.events.append(ComplaintEvent(at=now, kind=kind, public=public or final_answer, body=text, actor_id=actor_id))
    if (public or final_answer) and complaint.first_response_on is None and complaint.verified_on is not None:
        complaint.first_response_on = today
    if complaint.status == "dispositioned" and (public or final_answer):
        # A first public follow-up starts the work: the case moves on by itself.
        COMPLAINTS.check(complaint.status, "in_progress", None)
        complaint.events.append(ComplaintEvent(at=now, kind="status", public=True, status_from="dispositioned",
                                               status_to="in_progress", actor_id=actor_id))
        complaint.status, complaint.status_changed_at = "in_progress", now
        complaint.due_on = COMPLAINTS.due("in_progress", entered_on=today)


def assign(complaint_id: int, handler_id: int | None, actor: User) -> None:
    cases.assign(CASES, complaint_id, handler_id, actor)


def rate(complaint: Complaint, rating, comment: str | None) -> None:
    """The citizen rates the answer (1–5) once the complaint is completed."""
    try:
        value = int(rating)
    except (TypeError, ValueError):
        raise CaseError("rating", _("Pilih nilai 1 sampai 5.")) from None
    if not 1 <= value <= 5:
        raise CaseError("rating", _("Pilih nilai 1 sampai 5."))
    comment = cases.clean_text(comment, "comment", required=False, max_len=2000)
    with write_transaction() as session:
        complaint = _load(session, complaint.id)
        if complaint.status != "completed":
            raise CaseError("rating", _("Penilaian dapat diberikan setelah pengaduan selesai."))
        if complaint.rating is not None:
            raise CaseError("rating", _("Pengaduan ini sudah dinilai. Terima kasih."))
        complaint.rating, complaint.rating_comment = value, comment
        complaint.events.append(ComplaintEvent(at=utcnow(), kind="rating", public=True, body=None))


def local_day(value: datetime):
    return to_local(value).date()
