"""Complaint services: submission (one transaction), look-up by ticket + access code, timeline."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from cryptography.exceptions import InvalidTag
from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import notify, secrets_util, tickets, uploads
from ..database import write_transaction
from ..extensions import db
from ..models import Complaint, ComplaintAttachment, ComplaintEvent
from ..models.types import utcnow
from ..templating import local_today
from ..workflow import COMPLAINTS
from . import casework

TICKET_PREFIX = "PGD"


@dataclass
class Receipt:
    ticket: str
    access_code: str | None  # None when a repeated submission arrives after the replay window
    submitted_at: datetime
    status: str
    verification_due: date | None
    replayed: bool = False
    mail_queued: bool = False


def _receipt(complaint: Complaint, access_code: str | None, replayed: bool, mail_queued=False) -> Receipt:
    return Receipt(complaint.ticket, access_code, complaint.submitted_at, complaint.status,
                   complaint.due_on, replayed, mail_queued)


def find_replay(submission_key: str | None) -> Receipt | None:
    """The receipt of an earlier submission made with the same one-time key (double click, retry)."""
    if not submission_key:
        return None
    complaint = db.session.scalar(
        select(Complaint).where(Complaint.submission_key_hash == secrets_util.submission_key_hash(submission_key)))
    if complaint is None:
        return None
    code = None
    window = timedelta(seconds=current_app.config["RECEIPT_REPLAY_SECONDS"])
    if complaint.sealed_access_code and utcnow() - complaint.submitted_at < window:
        try:
            code = secrets_util.open_with_submission_key(submission_key, complaint.sealed_access_code)
        except InvalidTag:
            code = None
    return _receipt(complaint, code, replayed=True)


def submit(clean: dict, files: list, submission_key: str | None = None) -> Receipt:
    """Store a validated complaint with its attachments; mail the receipt if an address was given."""
    replay = find_replay(submission_key)
    if replay:
        return replay
    stored_names: list[str] = []
    try:
        for item in files:
            stored_names.append(uploads.store(item.data))
        access_code = secrets_util.new_access_code()
        now = utcnow()
        today = local_today()
        with write_transaction() as session:
            ticket = tickets.allocate(TICKET_PREFIX, today.year)
            complaint = Complaint(
                ticket=ticket,
                access_code_hash=secrets_util.access_code_hash(ticket, access_code),
                submission_key_hash=secrets_util.submission_key_hash(submission_key) if submission_key else None,
                sealed_access_code=secrets_util.seal_with_submission_key(submission_key, access_code) if submission_key else None,
                channel="web",
                status=COMPLAINTS.initial,
                submitted_at=now,
                submitted_on=today,
                status_changed_at=now,
                due_on=casework.due_for(COMPLAINTS.initial, today),
                **{k: clean.get(k) for k in (
                    "classification", "category", "problem", "privacy", "subject", "description", "location",
                    "incident_date", "requested_resolution", "name", "nik", "email", "phone", "address")},
            )
            complaint.events.append(ComplaintEvent(at=now, kind="submitted", public=True, status_to=complaint.status))
            for item, name in zip(files, stored_names):
                complaint.attachments.append(ComplaintAttachment(
                    storage_name=name, original_name=item.original_name, content_type=item.content_type, size=item.size))
            session.add(complaint)
            mail_item = None
            if complaint.email:
                mail_item = notify.queue_mail("complaint-receipt", complaint.email, *acknowledgement(complaint, access_code))
            session.flush()
            mail_ids = [mail_item.id] if mail_item else []
            receipt = _receipt(complaint, access_code, replayed=False, mail_queued=bool(mail_item))
    except IntegrityError:
        # The same one-time key raced us (a double click landing on two workers): show its receipt.
        _discard(stored_names)
        replay = find_replay(submission_key)
        if replay is None:
            raise
        return replay
    except BaseException:
        _discard(stored_names)
        raise
    notify.deliver_soon(mail_ids)
    return receipt


def _discard(names: list[str]) -> None:
    for name in names:
        uploads.delete(name)


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


def lookup(ticket: str | None, access_code: str | None) -> Complaint | None:
    """The complaint only when ticket and code match; the same None for unknown ticket and wrong code."""
    if not ticket or not isinstance(ticket, str) or len(ticket) > 30:
        return None
    ticket = ticket.strip().upper()
    complaint = db.session.scalar(select(Complaint).where(Complaint.ticket == ticket))
    stored = complaint.access_code_hash if complaint else None
    # Compute the hash either way so an unknown ticket costs the same as a wrong code.
    if not secrets_util.access_code_matches(ticket, access_code, stored):
        return None
    return complaint


def public_timeline(complaint: Complaint) -> list[dict]:
    entries = []
    for event in complaint.events:
        if not event.public:
            continue
        entries.append({
            "at": event.at,
            "kind": event.kind,
            "status": event.status_to,
            "status_label": COMPLAINTS.public_label(event.status_to) if event.status_to else None,
            "body": event.body,
        })
    return entries


def as_api_dict(complaint: Complaint) -> dict:
    return {
        "ticket": complaint.ticket,
        "status": complaint.status,
        "status_label": COMPLAINTS.public_label(complaint.status),
        "category": complaint.category,
        "problem": complaint.problem,
        "classification": complaint.classification,
        "privacy": complaint.privacy,
        "submitted_at": complaint.submitted_at.isoformat(),
        "due_on": complaint.due_on.isoformat() if complaint.due_on else None,
        "rating": complaint.rating,
        "timeline": [
            {"at": e["at"].isoformat(), "kind": e["kind"], "status": e["status"],
             "status_label": e["status_label"], "body": e["body"]}
            for e in public_timeline(complaint)
        ],
    }
