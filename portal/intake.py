"""Intake steps shared by the public channels: replay, look-up, the submit transaction and upload checks."""
from __future__ import annotations

import functools
from datetime import timedelta
from typing import Callable

from cryptography.exceptions import InvalidTag
from flask import current_app, g, make_response, request
from flask_babel import gettext as _
from sqlalchemy import insert, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import IntegrityError

from . import notify, tickets, uploads
from .crypto import codes
from .database import write_transaction
from .errors import render_error
from .extensions import db, limiter
from .models.types import utcnow

HONEYPOT_FIELD = "website"


# --- rate limits on submissions: every channel, page and API ------------------------------------------------

def _accepted(response) -> bool:
    # A new receipt (200 page, 201 API) was given; refused input (4xx) and a double click's repeat are not.
    return response.status_code < 400 and not g.get("submission_replayed")


def _keep_input(page: Callable | None, notice: Callable[[], str]):
    """on_breach: the form again, holding what the visitor typed, with `notice` and status 429."""
    if page is None:
        return None

    def breach(_limit):
        g.limit_notice = notice()
        return make_response(page())

    return breach


def _address_notice() -> str:
    return _("Terlalu banyak permintaan dari alamat Anda dalam waktu singkat. Kiriman ini belum diterima, tetapi "
             "isian Anda masih ada di formulir di bawah. Silakan tunggu beberapa saat lalu kirim ulang.")


def _budget_notice() -> str:
    return _("Terlalu banyak permintaan sedang masuk ke layanan ini. Kiriman ini belum diterima, tetapi isian Anda "
             "masih ada di formulir di bawah. Silakan tunggu beberapa saat lalu kirim ulang.")


def submission_limits(channel: str, keep_input: Callable | None = None):
    """The limits of a channel's submit endpoint (form or API).

    Per client address: accepted submissions (`RATELIMIT_SUBMIT`) and, looser, every attempt
    (`RATELIMIT_SUBMIT_ATTEMPTS`, so that probing the validation stays bounded). Per channel across
    all addresses, form and API together: accepted submissions (`RATELIMIT_CHANNEL_BUDGET`), which
    protects the server when per-address limits cannot (an onion service, a large NAT).
    `keep_input()` re-renders the HTML form with the visitor's input; without it (API) the 429 is JSON.
    """
    config = lambda name: (lambda: current_app.config[name])  # noqa: E731
    per_address = _keep_input(keep_input, _address_notice)
    accepted = limiter.limit(config("RATELIMIT_SUBMIT"), deduct_when=_accepted, on_breach=per_address)
    attempts = limiter.limit(config("RATELIMIT_SUBMIT_ATTEMPTS"), scope="attempts", on_breach=per_address)
    budget = limiter.shared_limit(config("RATELIMIT_CHANNEL_BUDGET"), scope=f"channel-budget-{channel}",
                                  key_func=lambda: "all", deduct_when=_accepted,
                                  on_breach=_keep_input(keep_input, _budget_notice))

    def decorator(view):
        return budget(attempts(accepted(view)))

    return decorator


# --- services: ticketed channels (complaints, gratification) -------------------------------------------------

class IdempotencyConflict(Exception):
    """The API's Idempotency-Key was used before with another request body (CONTRACT.md: 422)."""


def find_replay(model, submission_key: str | None, receipt: Callable, body_digest: bytes | None = None):
    """The receipt of an earlier submission made with the same one-time key (double click, retry).

    With `body_digest` (the API's Idempotency-Key) the earlier request must have had the same body:
    the key alone would hand a stranger who guessed or saw it the first submitter's ticket and code.
    """
    if not submission_key:
        return None
    row = db.session.scalar(select(model).where(
        model.submission_key_hash == codes.submission_key_hash(submission_key)))
    if row is None:
        return None
    opened = None
    if row.sealed_access_code:
        try:
            opened = codes.open_with_submission_key(submission_key, row.sealed_access_code, body_digest or b"")
        except InvalidTag:
            opened = None
    if body_digest is not None and opened is None:
        raise IdempotencyConflict()
    g.submission_replayed = True  # the same submission again: it does not count against the limits
    window = timedelta(seconds=current_app.config["RECEIPT_REPLAY_SECONDS"])
    # The code is shown again only shortly after the first answer; later repeats get a receipt without it.
    code = opened if utcnow() - row.submitted_at < window else None
    return receipt(row, code, replayed=True)


def lookup(model, ticket: str | None, access_code: str | None):
    """The row only when ticket and code match; the same None for unknown ticket and wrong code."""
    if not ticket or not isinstance(ticket, str) or len(ticket) > 30:
        return None
    ticket = ticket.strip().upper()
    row = db.session.scalar(select(model).where(model.ticket == ticket))
    stored = row.access_code_hash if row else None
    # Compute the hash either way so an unknown ticket costs the same as a wrong code.
    if not codes.access_code_matches(ticket, access_code, stored):
        return None
    return row


def submit(submission_key: str | None, files: list, *, replay: Callable, prefix: str, today: Callable,
           build: Callable, event, attachment, mail: Callable, receipt: Callable, body_digest: bytes | None = None,
           channel: str = "web", replay_checked: bool = False):
    """Store a ticketed submission and its attachments in one transaction; mail the receipt after commit.

    `channel` is how it reached the office (the citizen's own web/API intake is "web"); `today()` is the
    day it was received, from which the workflow counts its deadlines.

    `build(columns, day)` makes the channel's row from the columns every ticketed row shares,
    `mail(row, access_code)` queues the receipt mail (or returns None), `receipt(row, code, ...)` answers.
    `replay_checked`: the caller has just looked for an earlier submission with this key and found none
    (the form does, before validating), so it is not looked for twice; a key that races in after that
    look is still caught by the unique hash (IntegrityError below).
    """
    found = None if replay_checked else replay(submission_key)
    if found:
        return found
    stored_names: list[str] = []
    try:
        # Files are stored before the transaction so it stays short; they are removed again if it fails.
        for item in files:
            stored_names.append(uploads.store(item.data))
        access_code = codes.new_access_code()
        now = utcnow()
        day = today()
        with write_transaction() as session:
            ticket = tickets.allocate(prefix, day.year)
            row = build({
                "ticket": ticket,
                "access_code_hash": codes.access_code_hash(ticket, access_code),
                "submission_key_hash": codes.submission_key_hash(submission_key) if submission_key else None,
                "sealed_access_code": (codes.seal_with_submission_key(submission_key, access_code,
                                                                             body_digest or b"")
                                       if submission_key else None),
                "channel": channel,
                "submitted_at": now,
                "submitted_on": day,
                "status_changed_at": now,
            }, day)
            for item, name in zip(files, stored_names):
                row.attachments.append(attachment(storage_name=name, original_name=item.original_name,
                                                  content_type=item.content_type, size=item.size))
            session.add(row)
            mail_item = mail(row, access_code)
            session.flush()
            # The first history line as one plain INSERT (not a second object for the unit of work to
            # order after the case and read back): nothing in this request needs the row object.
            session.execute(insert(event.__table__), {_case_column(type(row)): row.id, "at": now, "kind": "submitted",
                                                      "public": True, "status_to": row.status})
            mail_ids = [mail_item.id] if mail_item else []
            answer = receipt(row, access_code, replayed=False, mail_queued=bool(mail_item))
    except IntegrityError:
        # The same one-time key raced us (a double click landing on two workers): show its receipt.
        _discard(stored_names)
        found = replay(submission_key)
        if found is None:
            raise
        return found
    except BaseException:
        _discard(stored_names)
        raise
    # Only after commit: a mail must never go out for a submission that was rolled back.
    notify.deliver_soon(mail_ids)
    return answer


@functools.cache
def _case_column(model) -> str:
    """The column of a channel's event table that names its case (complaint_id, report_id)."""
    ((_case_id, column),) = sa_inspect(model).relationships["events"].local_remote_pairs
    return column.key


def _discard(names: list[str]) -> None:
    for name in names:
        uploads.delete(name)


# --- uploads: every channel, page and API ------------------------------------------------------------------

def upload_limits() -> dict:
    """The limits the forms print next to the file field."""
    return {"max_files": current_app.config["ATTACHMENT_MAX_FILES"],
            "max_mb": current_app.config["ATTACHMENT_MAX_BYTES"] // (1024 * 1024)}


def request_files() -> list:
    """(filename, stream) pairs from the multipart field `files`."""
    return [(f.filename or "", f.stream) for f in request.files.getlist("files")]


def chosen_file_names() -> list[str]:
    """The names of the files a refused form carried: the page lists them to be chosen again
    (a browser never keeps a file field's choice across a page load)."""
    return [uploads.safe_name(f.filename) for f in request.files.getlist("files") if f.filename]


def inspect(raw_files) -> list:
    """Clean files under the configured limits; raises uploads.UploadRefused."""
    return uploads.inspect_uploads(raw_files, current_app.config["ATTACHMENT_MAX_FILES"],
                                   current_app.config["ATTACHMENT_MAX_BYTES"])


def form_files(errors: dict) -> tuple[list, int]:
    """(clean files, status for a re-shown form); a refusal joins `errors` and keeps its 413/415."""
    try:
        return inspect(request_files()), 422
    except uploads.UploadRefused as refused:
        errors.setdefault("files", []).append(refused.message)
        return [], refused.status


def api_input(validate: Callable):
    """(clean, files, None) from an API request, or (None, None, error response) to return as is."""
    # Imported here: portal.api imports the channel services, which import this module.
    from .api.common import invalid, read_input

    data, raw_files = read_input()
    clean, errors = validate(data)
    files = []
    try:
        files = inspect(raw_files)
    except uploads.UploadRefused as refused:
        # A too-large or unsupported file alone keeps its own status; mixed with other errors it is one more 422.
        if refused.status in (413, 415) and not errors:
            return None, None, invalid({"files": [refused.message]}, refused.status)
        errors.setdefault("files", []).append(refused.message)
    if errors:
        return None, None, invalid(errors)
    return clean, files, None


# --- form pages --------------------------------------------------------------------------------------------

def bot_refusal(form):
    """The 400 page when the hidden honeypot field is filled, else None."""
    if form.get(HONEYPOT_FIELD):
        return render_error(400, _("Formulir tidak dapat diproses"),
                            _("Kolom tersembunyi terisi, sehingga kiriman ini dianggap otomatis. Jika Anda manusia, "
                              "kosongkan kolom tersebut lalu kirim ulang."))
    return None

