"""Complaint services: submission (one transaction), look-up by ticket + access code, timeline."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app, url_for
from flask_babel import gettext as _

from .. import audit, cases, intake, notify, replies
from ..database import write_transaction
from ..models.types import utcnow
from ..models import Complaint, ComplaintAttachment, ComplaintEvent
from ..clock import local_today
from ..workflow import COMPLAINTS

TICKET_PREFIX = "PGD"
FIELDS = ("classification", "category", "problem", "privacy", "subject", "description", "location",
          "incident_date", "requested_resolution", "name", "nik", "email", "phone", "address")


@dataclass(kw_only=True)
class Receipt(cases.Receipt):
    verification_due: date | None


def _receipt(complaint: Complaint, access_code: str | None, replayed: bool, mail_queued=False) -> Receipt:
    return Receipt(ticket=complaint.ticket, access_code=access_code, submitted_at=complaint.submitted_at,
                   status=complaint.status, verification_due=complaint.due_on, replayed=replayed,
                   mail_queued=mail_queued)


def find_replay(submission_key: str | None, body_digest: bytes | None = None) -> Receipt | None:
    """The receipt of an earlier submission made with the same one-time key (double click, retry)."""
    return intake.find_replay(Complaint, submission_key, _receipt, body_digest)


def submit(clean: dict, files: list, submission_key: str | None = None, body_digest: bytes | None = None, *,
           replay_checked: bool = False) -> Receipt:
    """Store a validated complaint with its attachments; mail the receipt if an address was given.
    `replay_checked`: the caller already looked for an earlier submission with this key (intake.submit)."""
    return intake.submit(submission_key, files, replay=lambda key: find_replay(key, body_digest),
                         prefix=TICKET_PREFIX, today=local_today, body_digest=body_digest,
                         replay_checked=replay_checked,
                         build=lambda columns, today: new_complaint(clean, columns, today), event=ComplaintEvent, attachment=ComplaintAttachment, mail=_queue_receipt,
                         receipt=_receipt)


def new_complaint(clean: dict, columns: dict, today: date) -> Complaint:
    """The row of a new complaint filed on `today`: the columns every ticketed row shares (intake),
    the citizen's fields, the first status and its deadline. Submission and the demo seed use it."""
    return Complaint(
        **columns,
        status=COMPLAINTS.initial,
        due_on=COMPLAINTS.due(COMPLAINTS.initial, entered_on=today),
        notify_by_email=bool(clean.get("notify")),
        **{k: clean.get(k) for k in FIELDS},
    )


def _queue_receipt(complaint: Complaint, access_code: str):
    if not complaint.email:
        return None
    return notify.queue_mail("complaint-receipt", complaint.email, *acknowledgement(complaint, access_code))


def acknowledgement(complaint: Complaint, access_code: str) -> tuple[str, str]:
    base = current_app.config["PORTAL_BASE_URL"].rstrip("/")
    subject = _("Pengaduan Anda diterima: %(ticket)s", ticket=complaint.ticket)
    body = "\n".join([
        _("Terima kasih. Pengaduan Anda telah kami terima."),
        "",
        _("Nomor tiket: %(ticket)s", ticket=complaint.ticket),
        _("Kode akses: %(code)s", code=access_code),
        "",
        _("Simpan kode akses ini. Kode ini hanya dikirim sekali dan diperlukan untuk melihat perkembangan pengaduan Anda."),
        _("Cek status: %(url)s", url=base + url_for("complaints.status")),
        "",
        current_app.config["PORTAL_OFFICE_NAME"],
    ])
    return subject, body


# The receipt and its mail, for every intake of a complaint (the public form and API, staff intake).
receipt, queue_receipt = _receipt, _queue_receipt


def lookup(ticket: str | None, access_code: str | None) -> Complaint | None:
    """The complaint only when ticket and code match; the same None for unknown ticket and wrong code."""
    return intake.lookup(Complaint, ticket, access_code)


public_timeline = cases.public_timeline


def final_answer(complaint: Complaint) -> dict | None:
    """The office's final answer (jawaban resmi): the latest answer entry, shown to the citizen first."""
    answers = [event for event in complaint.events if event.kind == "answer" and event.public and event.body]
    if not answers:
        return None
    return {"at": answers[-1].at, "body": answers[-1].body}


def as_api_dict(complaint: Complaint) -> dict:
    return {
        **cases.api_dict(complaint, complaint.category),
        "problem": complaint.problem,
        "classification": complaint.classification,
        "privacy": complaint.privacy,
        "subject": complaint.subject,
        # CONTRACT.md: "deadline" is the due date of the current step; "due_on" kept for older clients.
        "due_on": complaint.due_on.isoformat() if complaint.due_on else None,
        "rating": complaint.rating,
        # CONTRACT.md: the office's final answer (jawaban resmi), or null.
        "answer": (final_answer(complaint) or {}).get("body"),
    }


def is_closed(complaint: Complaint) -> bool:
    return replies.is_closed(COMPLAINTS, complaint.status)


def reply(complaint: Complaint, text: str, files: list) -> str | None:
    """The citizen answers the office with text and files; a Tertunda case returns to the step it came
    from and that step's deadline runs again from today. Returns the resumed status or None.
    Raises replies.CaseClosed once the case is closed."""
    _ticket, resumed = replies.reply(
        Complaint, complaint.id, text, files, workflow=COMPLAINTS, waiting="pending", event=ComplaintEvent,
        attachment=ComplaintAttachment, due=lambda status, row, today: COMPLAINTS.due(status, entered_on=today))
    return resumed


WITHDRAWN_NOTE = ("Pengaduan dicabut karena keterangan yang diminta tidak dilengkapi dalam 30 hari "
                  "(UU 25/2009 Pasal 45). Anda dapat mengajukan pengaduan baru dengan keterangan lengkap.")


def withdraw_stale(today: date | None = None) -> list[str]:
    """Archive the Tertunda cases whose completion period (the step's deadline) has passed, each with
    a public note to the citizen. Returns the tickets withdrawn."""
    from sqlalchemy import select

    from .mailing import queue_step

    today = today or local_today()
    withdrawn, mails = [], []
    with write_transaction() as session:
        rows = session.scalars(select(Complaint).where(Complaint.status == "pending", Complaint.due_on < today)
                               .order_by(Complaint.id).with_for_update()).all()
        now = utcnow()
        for complaint in rows:
            COMPLAINTS.check("pending", "archived", WITHDRAWN_NOTE)
            complaint.events.append(ComplaintEvent(at=now, kind="status", public=True, status_from="pending",
                                                   status_to="archived", body=WITHDRAWN_NOTE))
            complaint.status, complaint.status_changed_at, complaint.due_on = "archived", now, None
            if complaint.closed_on is None:
                complaint.closed_on = today
            audit.log("withdraw_stale", channel="complaints", case_ref=complaint.ticket)
            withdrawn.append(complaint.ticket)
            mails.append(queue_step(complaint, "status"))
        session.flush()
        mail_ids = [item.id for item in mails if item is not None]
    notify.deliver_soon(mail_ids)
    return withdrawn


def stop_mail(ticket: str) -> bool:
    """The one-click unsubscribe: no more step mails for this complaint. True when it was on."""
    from sqlalchemy import select

    with write_transaction() as session:
        complaint = session.scalar(select(Complaint).where(Complaint.ticket == ticket))
        if complaint is None or not complaint.notify_by_email:
            return False
        complaint.notify_by_email = False
        audit.log("mail_unsubscribe", channel="complaints", case_ref=complaint.ticket)
    return True


def reissue_code(ticket: str | None) -> None:
    """A new access code mailed to the address on file (the old code stops working). Silent either way:
    the caller answers the same whether or not the ticket exists or has an address."""
    from sqlalchemy import select

    from ..crypto import codes
    from .mailing import queue_new_code

    if not ticket or not isinstance(ticket, str) or len(ticket) > 30:
        return
    ticket = ticket.strip().upper()
    access_code = codes.new_access_code()
    mail_ids = []
    with write_transaction() as session:
        complaint = session.scalar(select(Complaint).where(Complaint.ticket == ticket).with_for_update())
        if complaint is None or not complaint.email:
            return
        complaint.access_code_hash = codes.access_code_hash(complaint.ticket, access_code)
        # A replay of the first submission must not show the old code again.
        complaint.sealed_access_code = None
        item = queue_new_code(complaint, access_code)
        audit.log("access_code_reissue", channel="complaints", case_ref=complaint.ticket)
        session.flush()
        mail_ids.append(item.id)
    notify.deliver_soon(mail_ids)
