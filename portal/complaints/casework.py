"""Back-office work on a complaint: assignment, status transitions, follow-ups, answer, rating."""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from .. import audit, notify, workdays
from ..database import write_transaction
from ..models import Complaint, ComplaintEvent, User
from ..models.types import utcnow
from ..templating import local_today, to_local
from ..workflow import COMPLAINTS, ReasonRequired, TransitionRefused

CHANNEL = "complaints"
# Every way out of "Belum Terverifikasi" is a verification outcome: the day it happens is the
# verification day of the timeliness figures, whatever the outcome.
VERIFIED_FROM = "unverified"
PUBLIC_SUMMARY_MAX = 200


class CaseError(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


def _load(session, complaint_id: int) -> Complaint:
    complaint = session.get(Complaint, complaint_id, with_for_update=True)
    if complaint is None:
        raise CaseError("case", _("Pengaduan tidak ditemukan."))
    return complaint


def _clean_text(value, field: str, *, required: bool, max_len: int) -> str | None:
    text = (value or "").strip() if isinstance(value, str) else ""
    if not text:
        if required:
            raise CaseError(field, _("Wajib diisi."))
        return None
    if len(text) > max_len:
        raise CaseError(field, _("Terlalu panjang: maksimal %(max)d karakter (sekarang %(n)d).", max=max_len, n=len(text)))
    if any(ord(ch) < 32 and ch not in "\n\r\t" for ch in text):
        raise CaseError(field, _("Mengandung karakter yang tidak diizinkan."))
    return text


def change_status(complaint_id: int, target: str, reason: str | None, actor: User, *, public_note: str | None = None) -> None:
    if target not in COMPLAINTS.statuses:
        raise CaseError("status", _("Status tidak dikenal."))
    reason = _clean_text(reason, "reason", required=False, max_len=2000)
    with write_transaction() as session:
        complaint = _load(session, complaint_id)
        try:
            COMPLAINTS.check(complaint.status, target, reason)
        except TransitionRefused as exc:
            raise CaseError("status", _("Perpindahan dari «%(a)s» ke «%(b)s» tidak diizinkan.", a=exc.current, b=exc.target)) from None
        except ReasonRequired as exc:
            raise CaseError("reason", _("Alasan wajib diisi untuk status «%(s)s».", s=exc.target)) from None
        if target in COMPLAINTS.answer_required and not _has_final_answer(complaint):
            raise CaseError("status", _("Tulis dulu tanggapan final (jawaban resmi) untuk pelapor sebelum "
                                        "menetapkan status «%(s)s».", s=COMPLAINTS.label(target)))
        now = utcnow()
        today = local_today()
        previous = complaint.status
        complaint.status = target
        complaint.status_changed_at = now
        complaint.due_on = COMPLAINTS.due(target, entered_on=_reopened_from(complaint) if previous == "completed" else today)
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
                                               status_to=target, body=reason, actor_id=actor.id))
        audit.log("status_change", actor=actor, channel=CHANNEL, case_ref=complaint.ticket,
                  detail={"from": previous, "to": target})
        mail_ids = _mail_step(session, complaint, "pending" if target == "pending" else "status")
    notify.deliver_soon(mail_ids)


def _mail_step(session, complaint: Complaint, what: str) -> list[int]:
    """Queue the citizen's mail about a public step in this transaction (when they asked for it)."""
    from .mailing import queue_step

    item = queue_step(complaint, what)
    if item is None:
        return []
    session.flush()
    return [item.id]


def _reopened_from(complaint: Complaint):
    """A completed case reopened for more work: its 60 days (UU 25/2009 Ps 50) run on from the day it
    last entered Sedang Diproses; reopening does not grant a new period."""
    entered = [event.at for event in complaint.events if event.kind == "status" and event.status_to == "in_progress"]
    return local_day(max(entered)) if entered else local_today()


def _has_final_answer(complaint: Complaint) -> bool:
    return any(event.kind == "answer" for event in complaint.events)


def set_public_summary(complaint_id: int, text: str | None, actor: User) -> None:
    """The neutral line T6 publishes for this complaint (empty: the service and problem labels)."""
    summary = _clean_text(text, "public_summary", required=False, max_len=PUBLIC_SUMMARY_MAX)
    if summary and any(ch in summary for ch in "\n\r\t"):
        raise CaseError("public_summary", _("Ringkasan publik ditulis dalam satu baris."))
    with write_transaction() as session:
        complaint = _load(session, complaint_id)
        complaint.public_summary = summary
        audit.log("public_summary_set", actor=actor, channel=CHANNEL, case_ref=complaint.ticket,
                  detail={"cleared": summary is None})


def add_note(complaint_id: int, body: str | None, public: bool, actor: User, *, final_answer: bool = False) -> None:
    text = _clean_text(body, "body", required=True, max_len=10_000)
    with write_transaction() as session:
        complaint = _load(session, complaint_id)
        if complaint.status in COMPLAINTS.terminal and public:
            raise CaseError("body", _("Pengaduan ini sudah ditutup; tindak lanjut publik tidak dapat ditambahkan."))
        now = utcnow()
        kind = "answer" if final_answer else "note"
        complaint.events.append(ComplaintEvent(at=now, kind=kind, public=public or final_answer, body=text, actor_id=actor.id))
        if (public or final_answer) and complaint.first_response_on is None and complaint.verified_on is not None:
            complaint.first_response_on = local_today()
        if complaint.status == "dispositioned" and (public or final_answer):
            # A first public follow-up starts the work: the case moves on by itself.
            COMPLAINTS.check(complaint.status, "in_progress", None)
            complaint.events.append(ComplaintEvent(at=now, kind="status", public=True, status_from="dispositioned",
                                                   status_to="in_progress", actor_id=actor.id))
            complaint.status, complaint.status_changed_at = "in_progress", now
            complaint.due_on = COMPLAINTS.due("in_progress", entered_on=local_today())
        audit.log("answer_add" if final_answer else ("followup_add" if public else "note_add"), actor=actor,
                  channel=CHANNEL, case_ref=complaint.ticket)
        mail_ids = _mail_step(session, complaint, "answer" if final_answer else "followup") if (
            public or final_answer) else []
    notify.deliver_soon(mail_ids)


def assign(complaint_id: int, handler_id: int | None, actor: User) -> None:
    with write_transaction() as session:
        complaint = _load(session, complaint_id)
        handler = None
        if handler_id is not None:
            handler = session.get(User, handler_id)
            if handler is None or not handler.active or not handler.has_role("complaints"):
                raise CaseError("handler", _("Petugas tidak ditemukan atau bukan anggota Tim Pengaduan."))
        complaint.assigned_to_id = handler.id if handler else None
        complaint.events.append(ComplaintEvent(at=utcnow(), kind="assign", public=False, actor_id=actor.id,
                                               body=handler.name if handler else None))
        audit.log("assign", actor=actor, channel=CHANNEL, case_ref=complaint.ticket,
                  detail={"to": handler.id if handler else None})


def rate(complaint: Complaint, rating, comment: str | None) -> None:
    """The citizen rates the answer (1–5) once the complaint is completed."""
    try:
        value = int(rating)
    except (TypeError, ValueError):
        raise CaseError("rating", _("Pilih nilai 1 sampai 5.")) from None
    if not 1 <= value <= 5:
        raise CaseError("rating", _("Pilih nilai 1 sampai 5."))
    comment = _clean_text(comment, "comment", required=False, max_len=2000)
    with write_transaction() as session:
        complaint = _load(session, complaint.id)
        if complaint.status != "completed":
            raise CaseError("rating", _("Penilaian dapat diberikan setelah pengaduan selesai."))
        if complaint.rating is not None:
            raise CaseError("rating", _("Pengaduan ini sudah dinilai. Terima kasih."))
        complaint.rating, complaint.rating_comment = value, comment
        complaint.events.append(ComplaintEvent(at=utcnow(), kind="rating", public=True, body=None))


def overdue(complaint: Complaint, today=None) -> bool:
    return complaint.due_on is not None and complaint.due_on < (today or local_today())


def due_soon(complaint: Complaint, today=None) -> bool:
    today = today or local_today()
    return complaint.due_on is not None and today <= complaint.due_on <= workdays.add_working_days(today, 1)


def local_day(value: datetime):
    return to_local(value).date()
