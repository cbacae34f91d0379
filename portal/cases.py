"""The case core of the ticketed channels (complaints, gratification reports): what their back-office
work does the same way — find a case, record who looked at it or downloaded its files, assign it,
write a history line — each change with its audit entry in one write transaction.

A channel describes itself once (`Channel`); its own steps (portal.complaints.casework,
portal.gratification.casework) call these for the shared parts.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import select

from . import audit, workdays
from .database import write_transaction
from .extensions import db
from .models import User
from .models.types import utcnow
from .clock import local_today


class CaseError(ValueError):
    """A refused case action: `field` is the form field (or "case", "status") it is about."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


@dataclass(kw_only=True)
class Receipt:
    """What a reporter is shown after filing: each channel's receipt adds its own fields."""

    ticket: str
    access_code: str | None  # None when a repeated submission arrives after the replay window
    submitted_at: datetime
    status: str
    replayed: bool = False
    mail_queued: bool = False


@dataclass(frozen=True)
class Channel:
    """One ticketed channel: its models, the role that handles it and its refusal wording."""

    name: str  # the audit channel and the workflow's channel
    role: str
    model: type
    event: type
    attachment: type
    case_key: str  # the attachment's and event's column naming the case: complaint_id | report_id
    not_found: object  # lazy string
    not_a_handler: object  # lazy string

    @property
    def workflow(self):
        return self.model.WORKFLOW


def load(channel: Channel, session, case_id: int):
    """The case, locked for this write transaction."""
    case = session.get(channel.model, case_id, with_for_update=True)
    if case is None:
        raise CaseError("case", str(channel.not_found))
    return case


def find(channel: Channel, ticket: str):
    """The case with this ticket (any case), or None."""
    return db.session.scalar(select(channel.model).where(channel.model.ticket == ticket.upper()))


def handlers(channel: Channel, *, active_only: bool) -> list[User]:
    """The accounts that hold the channel's role, by name."""
    query = select(User).where(User.roles_csv.contains(channel.role)).order_by(User.name)
    if active_only:
        query = query.where(User.active.is_(True))
    return [user for user in db.session.scalars(query) if user.has_role(channel.role)]


def record_view(channel: Channel, case, actor: User) -> None:
    """Audit that `actor` opened the case page (personal data was shown)."""
    with write_transaction():
        audit.log("case_view", actor=actor, channel=channel.name, case_ref=case.ticket)


def attachment_for_download(channel: Channel, case, attachment_id: int, actor: User):
    """The case's attachment, its download audited; None when the case has no such file."""
    item = db.session.get(channel.attachment, attachment_id)
    if item is None or getattr(item, channel.case_key) != case.id:
        return None
    with write_transaction():
        audit.log("attachment_download", actor=actor, channel=channel.name, case_ref=case.ticket,
                  detail={"attachment": item.id})
    return item


def assign(channel: Channel, case_id: int, handler_id: int | None, actor: User) -> None:
    """Give the case to an active holder of the channel's role (None: to nobody)."""
    with write_transaction() as session:
        case = load(channel, session, case_id)
        handler = None
        if handler_id is not None:
            handler = session.get(User, handler_id)
            if handler is None or not handler.active or not handler.has_role(channel.role):
                raise CaseError("handler", str(channel.not_a_handler))
        case.assigned_to_id = handler.id if handler else None
        case.events.append(channel.event(at=utcnow(), kind="assign", public=False, actor_id=actor.id,
                                         body=handler.name if handler else None))
        audit.log("assign", actor=actor, channel=channel.name, case_ref=case.ticket,
                  detail={"to": handler.id if handler else None})


def overdue(case, today: date | None = None) -> bool:
    """The current step's deadline has passed."""
    return case.due_on is not None and case.due_on < (today or local_today())


def due_soon(case, today: date | None = None) -> bool:
    """The current step's deadline is today or the next working day."""
    today = today or local_today()
    return case.due_on is not None and today <= case.due_on <= workdays.add_working_days(today, 1)


def public_timeline(case) -> list[dict]:
    """The reporter's timeline: the public history lines, each status under its public label."""
    workflow = case.WORKFLOW
    return [{
        "at": event.at,
        "kind": event.kind,
        "status": event.status_to,
        "status_label": workflow.public_label(event.status_to) if event.status_to else None,
        "body": event.body,
    } for event in case.events if event.public]


def api_timeline(case) -> list[dict]:
    """public_timeline for the API (CONTRACT.md): times in ISO 8601."""
    return [{**entry, "at": entry["at"].isoformat()} for entry in public_timeline(case)]


def api_dict(case, category: str | None) -> dict:
    """What the API (CONTRACT.md) shows of every case to its reporter: ticket, status, category, what
    was sent, the due date of the current step and the public timeline; channels add their own."""
    return {
        "ticket": case.ticket,
        "status": case.status,
        "status_label": case.WORKFLOW.public_label(case.status),
        "category": category,
        "submitted_at": case.submitted_at.isoformat(),
        "description": case.description,
        "attachments": [{"name": a.original_name, "size": a.size} for a in case.attachments],
        "deadline": case.due_on.isoformat() if case.due_on else None,
        "timeline": api_timeline(case),
    }


def clean_text(value, field: str, *, required: bool, max_len: int, multiline: bool = True) -> str | None:
    """Free text of a case form: trimmed, bounded, no control characters (new lines when multiline)."""
    text = (value or "").strip() if isinstance(value, str) else ""
    if not text:
        if required:
            raise CaseError(field, _("Wajib diisi."))
        return None
    if len(text) > max_len:
        raise CaseError(field, _("Terlalu panjang: maksimal %(max)d karakter (sekarang %(n)d).", max=max_len, n=len(text)))
    allowed = "\n\r\t" if multiline else ""
    if any(ord(ch) < 32 and ch not in allowed for ch in text):
        raise CaseError(field, _("Mengandung karakter yang tidak diizinkan."))
    return text
