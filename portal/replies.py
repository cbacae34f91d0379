"""The reporter's side of a ticketed case (complaints, gratification): a message with files that
completes a request of the office, and the return from "waiting for the reporter" to the step before."""
from __future__ import annotations

from typing import Annotated, Callable

from flask_babel import gettext as _

from . import audit, uploads
from .database import write_transaction
from .models.types import utcnow
from .clock import local_today
from .validation import Schema, Text
from .workflow import Workflow

REPLY_MAX = 10_000
# Stored in the case's history as written (the office's language), like a handler's reason.
COMPLETED_NOTE = "Dilengkapi oleh pelapor."
REPLY_KIND = "reply"  # the event kind of a reporter's message, public in the timeline


class CaseClosed(Exception):
    """The case is closed: the reporter can no longer add to it (API: 409)."""


def _reply_required() -> str:
    return _("Tulis pesan atau keterangan tambahan Anda.")


class ReplyInput(Schema):
    """The reporter's message on a ticketed case (form and API alike)."""

    body: Annotated[str, Text(required=True, min_len=1, max_len=REPLY_MAX, multiline=True, required_message=_reply_required)]


def clean_body(value) -> tuple[str | None, list[str]]:
    """(text, errors) of a reporter's message: 1 to REPLY_MAX characters, no control characters."""
    clean, errors = ReplyInput.check({"body": value})
    return clean.get("body"), errors.get("body", [])


def is_closed(workflow: Workflow, status: str) -> bool:
    known = workflow.statuses.get(status)
    return known is None or known.terminal


def step_before(row, waiting: str) -> str | None:
    """The status a case had when it entered `waiting` (the last such entry of its history)."""
    entered = [event for event in row.events if event.kind == "status" and event.status_to == waiting]
    return entered[-1].status_from if entered else None


def reply(model, row_id: int, text: str, files: list, *, workflow: Workflow, waiting: str | None, event, attachment,
          due: Callable):
    """Store the reporter's message and files on the case in one transaction; a case waiting for the
    reporter returns to the step it came from, whose deadline starts again from today (`due(status, row,
    today)`). Returns (ticket, resumed status or None). Raises CaseClosed."""
    stored: list[str] = []
    try:
        for item in files:
            stored.append(uploads.store(item.data))
        with write_transaction() as session:
            row = session.get(model, row_id, with_for_update=True)
            if is_closed(workflow, row.status):
                raise CaseClosed()
            now = utcnow()
            row.events.append(event(at=now, kind=REPLY_KIND, public=True, body=text, actor_id=None))
            for item, name in zip(files, stored):
                row.attachments.append(attachment(storage_name=name, original_name=item.original_name,
                                                  content_type=item.content_type, size=item.size))
            resumed = None
            if waiting is not None and row.status == waiting:
                back = step_before(row, waiting)
                if back and workflow.allowed(waiting, back):
                    today = local_today()
                    row.events.append(event(at=now, kind="status", public=True, status_from=waiting, status_to=back,
                                            body=COMPLETED_NOTE, actor_id=None))
                    row.status, row.status_changed_at = back, now
                    row.due_on = due(back, row, today)
                    resumed = back
            audit.log("reporter_reply", channel=workflow.channel, case_ref=row.ticket,
                      detail={"files": len(files), "resumed": resumed})
            ticket = row.ticket
    except BaseException:
        for name in stored:
            uploads.delete(name)
        raise
    return ticket, resumed


def form_state(reply_errors=None, reply_values=None, reply_sent=False) -> dict:
    """What the shared message form (templates/_reply.html) shows."""
    return {"errors": reply_errors or {}, "values": reply_values or {}, "sent": reply_sent}


def form_reply(row, *, closed: bool, send: Callable, page: Callable):
    """The status page's message form (no JavaScript), for any ticketed channel: validate the text and
    files, refuse a closed case, call `send(row, text, files)`, and answer with
    `page(status=..., reply_errors=..., reply_values=..., reply_sent=...)`."""
    from flask import request

    from . import intake

    text, body_errors = clean_body(request.form.get("body"))
    errors = {"body": body_errors} if body_errors else {}
    files, status = intake.form_files(errors)
    if not errors and closed:
        errors["body"] = [_("Kasus ini sudah ditutup; pesan baru tidak dapat dikirim.")]
        status = 409
    if not errors:
        try:
            send(row, text, files)
        except CaseClosed:
            errors["body"] = [_("Kasus ini sudah ditutup; pesan baru tidak dapat dikirim.")]
            status = 409
    if errors:
        return page(status=status, reply_errors=errors, reply_values=request.form)
    return page(reply_sent=True)
