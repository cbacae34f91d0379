"""Data subjects' rights (UU PDP 27/2022): what the portal holds about them, their correction and
deletion requests, the office's decision within 3×24 hours, and the deletion itself.

Deletion anonymises a case, it does not remove it: the row, its status history and its dates stay,
so every count a published report was built from stays true; the personal columns, the subject's
own words, the personal values quoted in the history and the attachments go (files unlinked,
SQLite pages zeroed by secure_delete and the WAL checkpointed, as for the WBS keys).
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from .. import audit, casequery, notify, replies, uploads
from ..database import write_transaction
from ..extensions import db
from ..models.types import utcnow
from .channels import CHANNELS, ERASED, Channel
from .models import PrivacyErasure, PrivacyRequest

# UU PDP 27/2022 as DOMAIN.md quotes it: the controller answers within 3×24 jam, counted in
# hours from receipt (not working days).
RESPONSE_HOURS = 3 * 24
OPEN, ACCEPTED, REFUSED = "received", "accepted", "refused"


class PrivacyError(ValueError):
    """A request the office cannot accept as asked (the message is for staff and the subject)."""


def due_at(received_at: datetime) -> datetime:
    return received_at + timedelta(hours=RESPONSE_HOURS)


def _plain(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def requests_of(channel: Channel, row) -> list[PrivacyRequest]:
    return list(db.session.scalars(select(PrivacyRequest).where(
        PrivacyRequest.channel == channel.code, PrivacyRequest.case_id == row.id).order_by(PrivacyRequest.id)))


def subject_data(channel: Channel, row) -> dict:
    """Everything the portal holds about the holder of this case, as plain JSON values."""
    def columns(names):
        return {name: _plain(getattr(row, name)) for name in names}

    return {
        "channel": channel.code,
        "ticket": row.ticket,
        "generated_at": utcnow().isoformat(),
        "personal_data": {field: _plain(getattr(row, column)) for field, column in channel.personal.items()},
        "third_party": columns(channel.third_party),
        "case": columns(channel.exported),
        "your_text": columns(channel.texts),
        "timeline": [{"at": _plain(e.at), "kind": e.kind, "status": e.status_to, "body": e.body}
                     for e in row.events if e.public],
        "attachments": [{"name": a.original_name, "content_type": a.content_type, "size": a.size,
                         "created_at": _plain(a.created_at)} for a in row.attachments],
        "requests": [{"kind": r.kind, "field": r.field, "status": r.status, "received_at": _plain(r.received_at),
                      "due_at": _plain(r.due_at), "decided_at": _plain(r.decided_at), "reason": r.reason}
                     for r in requests_of(channel, row)],
    }


def export(channel: Channel, row) -> dict:
    """The subject's data, with the access logged (who: the code holder; what: the case)."""
    data = subject_data(channel, row)
    with write_transaction():
        audit.log("pdp_export", channel=channel.code, case_ref=row.ticket)
    return data


def file_request(channel: Channel, row, clean: dict) -> PrivacyRequest:
    now = utcnow()
    with write_transaction() as session:
        request = PrivacyRequest(channel=channel.code, case_id=row.id, ticket=row.ticket, kind=clean["kind"],
                                 field=clean.get("field"), new_value=clean.get("new_value"),
                                 details=clean.get("details"), status=OPEN, received_at=now, due_at=due_at(now))
        session.add(request)
        session.flush()
        audit.log("pdp_request", channel=channel.code, case_ref=row.ticket,
                  detail={"request": request.id, "kind": request.kind, "field": request.field})
    return request


def case_of(request: PrivacyRequest):
    channel = CHANNELS[request.channel]
    return channel, db.session.get(channel.model, request.case_id)


def decide(request_id: int, decision: str, reason: str | None, user) -> PrivacyRequest:
    """Accept (and carry out) or refuse a request; refused when a deletion meets a case still open."""
    files: list[str] = []
    with write_transaction():
        request = db.session.get(PrivacyRequest, request_id, with_for_update=True)
        if request is None or request.status != OPEN:
            raise PrivacyError(_("Permintaan ini sudah diputuskan."))
        channel, row = case_of(request)
        if decision == "accept":
            if request.kind == "deletion":
                if row.closed_on is None:
                    raise PrivacyError(_("Kasus masih berjalan: data pribadi masih diperlukan untuk "
                                         "menanganinya. Tolak permintaan dengan alasan ini."))
                if not is_erased(channel, row.id):  # already purged by retention: nothing left to erase
                    files = erase(channel, row, cause="request")
            else:
                setattr(row, channel.personal[request.field], request.new_value)
        request.status = ACCEPTED if decision == "accept" else REFUSED
        request.reason = reason
        request.decided_at = utcnow()
        request.decided_by_id = user.id
        request.new_value = request.details = None  # done with: not kept past the decision
        detail = {"request": request.id, "kind": request.kind, "field": request.field,
                  "late": request.decided_at > request.due_at}
        if files:
            detail["files"] = len(files)
        audit.log("pdp_accept" if decision == "accept" else "pdp_refuse", actor=user, channel=channel.code,
                  case_ref=row.ticket, detail=detail)
    for name in files:  # after commit: the rows are gone, the files follow
        uploads.delete(name)
    return request


def is_erased(channel: Channel, case_id: int) -> bool:
    return db.session.scalar(select(PrivacyErasure.id).where(PrivacyErasure.channel == channel.code,
                                                             PrivacyErasure.case_id == case_id)) is not None


def erase(channel: Channel, row, *, cause: str) -> list[str]:
    """Anonymise the case in the current write transaction and record it; returns the attachment
    files to unlink once the transaction has committed. Mail still queued to the subject's address
    or quoting their data goes too."""
    from ..whistle.keys import mark_for_shredding

    columns = channel.personal_columns() + channel.texts
    quoted = sorted({v for v in (getattr(row, c) for c in columns) if isinstance(v, str) and len(v.strip()) >= 3},
                    key=len, reverse=True)
    address = (getattr(row, channel.personal["email"]) or "").strip().lower()
    notify.discard(lambda mail: (address and mail.recipient.strip().lower() == address)
                   or any(v in mail.subject or v in mail.body for v in quoted))
    table = channel.model.__table__
    for column in columns:
        if getattr(row, column) is not None:
            setattr(row, column, None if table.c[column].nullable else ERASED)
    if hasattr(row, "sealed_access_code"):
        row.sealed_access_code = None
    for event in row.events:
        if not event.body:
            continue
        if event.kind == replies.REPLY_KIND and event.actor_id is None:
            event.body = ERASED  # the subject's own message
            continue
        for value in quoted:
            event.body = event.body.replace(value, ERASED)
    names = [a.storage_name for a in row.attachments]
    row.attachments.clear()
    for other in requests_of(channel, row):
        other.new_value = other.details = None
    db.session.add(PrivacyErasure(channel=channel.code, case_id=row.id, cause=cause))
    casequery.forget_erased_words()
    mark_for_shredding()
    return names
