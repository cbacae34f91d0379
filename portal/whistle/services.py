"""WBS services: submission, the receipt mailbox, the handler's case work — all through the
tip's data key (portal/crypto/envelope.py), so nothing a whistleblower wrote is stored in clear.

Associated data binds every ciphertext to its tip and its place (field, message id and author,
file name), so a ciphertext moved to another tip, field or message fails to open.
"""
from __future__ import annotations

import json
import secrets
import struct
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from flask import current_app
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from .. import audit, filestore
from ..crypto import codes, hashing
from ..crypto import envelope
from ..crypto.envelope import RECEIPT_KDF, DecryptionError, KdfParams
from ..database import write_transaction
from ..extensions import db
from ..models.wbs import HOLDER_RECEIPT, WbsAttachment, WbsEvent, WbsMessage, WbsTip, WbsTipKey
from ..clock import local_today
from ..uploads import CleanFile
from ..workflow import WBS, due_date
from . import keys
from .validation import FIELDS

STORE_DIR = STORE_NAMESPACE = "wbs"
REPORTER = "reporter"
HANDLER = "handler"


class TipIntegrityError(Exception):
    """A stored ciphertext or wrapped key of this tip failed authentication (damaged/tampered)."""


class CaseError(Exception):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


# --------------------------------------------------------------------------- associated data


def _aad(tip_id: int, *parts) -> bytes:
    return "/".join(["wbs/v1/tip", str(tip_id), *map(str, parts)]).encode()


def field_aad(tip_id: int, name: str) -> bytes:
    return _aad(tip_id, "field", name)


def receipt_aad(tip_id: int) -> bytes:
    return _aad(tip_id, "receipt")


def message_aad(tip_id: int, message_id: int, author: str) -> bytes:
    return _aad(tip_id, "message", message_id, author)


def file_aad(tip_id: int, storage_name: str) -> bytes:
    return _aad(tip_id, "file", storage_name)


def meta_aad(tip_id: int, storage_name: str, author: str | None = None) -> bytes:
    """The file's name/type/size; from version 2 on bound to who added the file (reporter/handler).

    The version in the associated data is the marker: a blob sealed under v2 never opens under v1,
    so swapping the author column of a v2 row is detected; v1 rows (author unbound) stay readable.
    """
    if author is None:
        return _aad(tip_id, "file-meta", storage_name)
    return "/".join(["wbs/v2/tip", str(tip_id), "file-meta", storage_name, "author", author]).encode()


def event_aad(tip_id: int, event_id: int) -> bytes:
    return _aad(tip_id, "event", event_id)


def order_aad(tip_id: int, message_id: int) -> bytes:
    return _aad(tip_id, "message-order", message_id)


def fresh_id(session, model) -> int:
    """A random unused 31-bit id (fits every INTEGER column). Rows of both sides of a conversation
    take ids from no shared counter, so an id says nothing about when the row was made."""
    while True:
        candidate = secrets.randbelow(2**31 - 2) + 1
        if session.get(model, candidate) is None:
            return candidate


def _order_stamp() -> int:
    return time.time_ns()


# --------------------------------------------------------------------------- encrypted file store


def store():
    """The file store of WBS files ("wbs": instance/wbs/ when local). It holds ciphertext only:
    each file is sealed under its tip's data key before a byte reaches it."""
    return filestore.get(STORE_NAMESPACE)


def store_root() -> Path:
    """Where the local backend keeps WBS files."""
    return Path(current_app.instance_path) / STORE_NAMESPACE


def _write_encrypted(tip_id: int, data_key: bytes, data: bytes, session=None) -> str:
    """Stream the bytes through EncryptingWriter into the store; only ciphertext reaches it.

    With `session` the database store writes in the tip's own transaction (file and rows together)."""
    name = filestore.new_name()
    with store().create(name, session=session) as out:
        with envelope.EncryptingWriter(out, data_key, file_aad(tip_id, name)) as writer:
            view = memoryview(data)
            for offset in range(0, len(data), envelope.CHUNK_SIZE):
                writer.write(bytes(view[offset:offset + envelope.CHUNK_SIZE]))
    return name


def read_file(tip_id: int, data_key: bytes, name: str) -> bytes:
    """The whole plaintext, verified to the last chunk (TipIntegrityError otherwise)."""
    try:
        with store().open(name) as handle:
            return b"".join(envelope.decrypt_stream(data_key, handle, file_aad(tip_id, name)))
    except (DecryptionError, FileNotFoundError, ValueError):
        raise TipIntegrityError() from None


def delete_file(name: str) -> None:
    try:
        store().delete(name)
    except ValueError:
        return


def _attach(session, tip_id: int, data_key: bytes, item: CleanFile, author: str, today: date) -> str:
    name = _write_encrypted(tip_id, data_key, item.data, session)
    meta = json.dumps({"name": item.original_name, "type": item.content_type, "size": item.size,
                       "order": _order_stamp()}).encode()
    session.add(WbsAttachment(id=fresh_id(session, WbsAttachment), tip_id=tip_id, storage_name=name, author=author, created_on=today,
                              meta_ct=envelope.encrypt(data_key, meta, meta_aad(tip_id, name, author))))
    return name


# --------------------------------------------------------------------------- submission


def _due(status: str, today: date) -> date | None:
    """The step's deadline in the unit of its SLA (workflow.due_date, the admin's setting included)."""
    return due_date("wbs", status, entered_on=today)


class AlreadySent(Exception):
    """A tip was already filed with this form's one-time key (a reload, a resubmit, a double click)."""


def already_sent(submission_key: str | None) -> bool:
    if not submission_key:
        return False
    return db.session.scalar(select(WbsTip.id).where(
        WbsTip.submission_key_hash == codes.submission_key_hash(submission_key))) is not None


def submit(clean: dict, files: list[CleanFile], submission_key: str | None = None) -> str:
    """Store a validated tip; returns the 16-digit receipt (the only time it exists). A form's one-time
    key files at most one tip (AlreadySent); the receipt is never kept to be shown again."""
    if already_sent(submission_key):
        raise AlreadySent()
    key_hash = codes.submission_key_hash(submission_key) if submission_key else None
    pepper = hashing.pepper()
    data_key = envelope.new_data_key()
    params = keys.configured_kdf("WBS_RECEIPT_KDF", RECEIPT_KDF)
    for _attempt in range(3):
        receipt = envelope.new_receipt()
        # The slow derivation runs before the write lock is taken.
        lookup_id, wrap_key = envelope.receipt_keys(receipt, pepper, params)
        written: list[str] = []
        try:
            with write_transaction() as session:
                # Read in the writing transaction: a handler revoked or excluded a moment ago is not sealed for.
                targets = keys.recipients()
                today = local_today()
                # Plain INSERT/UPDATE statements, not ORM objects: this request reads nothing back, and the
                # unit of work would cost more than the statements. The tip's id (in every associated
                # data) comes back from its INSERT; the sealed fields follow in one UPDATE.
                tips = WbsTip.__table__
                tip_id = session.execute(insert(tips).returning(tips.c.id), {
                    "lookup_id": lookup_id, "receipt_kdf": params.to_bytes(), "category": clean.get("category"),
                    "status": WBS.initial, "submitted_on": today, "status_changed_on": today,
                    "due_on": _due(WBS.initial, today), "awaiting_handler": True, "awaiting_notified": False,
                    "submission_key_hash": key_hash}).scalar_one()
                session.execute(update(tips).where(tips.c.id == tip_id).values({
                    f"{name}_ct": (envelope.encrypt(data_key, clean[name].encode("utf-8"), field_aad(tip_id, name))
                                   if clean.get(name) else None) for name in FIELDS}))
                copies = [WbsTipKey(tip_id=tip_id, holder=HOLDER_RECEIPT, user_id=None, key_id=None,
                                    wrapped=envelope.wrap_with_key(wrap_key, data_key, receipt_aad(tip_id))),
                          *keys.seal_for(tip_id, data_key, targets)]
                session.execute(insert(WbsTipKey.__table__), [{"tip_id": c.tip_id, "holder": c.holder,
                                                               "user_id": c.user_id, "key_id": c.key_id,
                                                               "wrapped": c.wrapped} for c in copies])
                session.execute(insert(WbsEvent.__table__), {"tip_id": tip_id, "day": today, "kind": "submitted",
                                                             "status_to": WBS.initial})
                for item in files:
                    written.append(_attach(session, tip_id, data_key, item, REPORTER, today))
            return receipt
        except IntegrityError:
            for name in written:
                delete_file(name)
            if already_sent(submission_key):
                raise AlreadySent() from None  # the same form raced us on another worker
            continue  # two receipts with one lookup id: practically never; draw another
        except BaseException:
            for name in written:
                delete_file(name)
            raise
    raise RuntimeError("could not allocate a unique receipt")


# --------------------------------------------------------------------------- the receipt mailbox


@dataclass
class Opened:
    tip: WbsTip
    data_key: bytes


def lookup(receipt) -> Opened | None:
    """The tip and its data key for a receipt, or None. One Argon2id derivation per parameter set
    in use (normally one); TipIntegrityError if the tip exists but its receipt copy is damaged."""
    digits = envelope.normalise_receipt(receipt)
    if digits is None:
        return None
    pepper = hashing.pepper()
    params_in_use = db.session.scalars(select(WbsTip.receipt_kdf).distinct()).all() or [
        keys.configured_kdf("WBS_RECEIPT_KDF", RECEIPT_KDF).to_bytes()]
    for raw in params_in_use:
        try:
            params = KdfParams.from_bytes(bytes(raw))
        except ValueError:
            continue
        lookup_id, wrap_key = envelope.receipt_keys(digits, pepper, params)
        tip = db.session.scalar(select(WbsTip).where(WbsTip.lookup_id == lookup_id))
        if tip is None:
            continue
        wrapped = db.session.scalar(select(WbsTipKey.wrapped).where(WbsTipKey.tip_id == tip.id,
                                                                    WbsTipKey.holder == HOLDER_RECEIPT))
        try:
            data_key = envelope.unwrap_with_key(wrap_key, bytes(wrapped or b""), receipt_aad(tip.id))
        except DecryptionError:
            raise TipIntegrityError() from None
        return Opened(tip, data_key)
    return None


@dataclass
class Text:
    """A decrypted value, or a marker that it failed its integrity check."""

    value: str | None
    ok: bool = True

    def __bool__(self) -> bool:
        return bool(self.value) or not self.ok


def _open_meta(tip_id: int, data_key: bytes, item: WbsAttachment) -> "Text":
    text = _open_text(data_key, item.meta_ct, meta_aad(tip_id, item.storage_name, item.author))
    if text.ok:
        return text
    # Written before the author was bound (v1): readable, without that binding.
    return _open_text(data_key, item.meta_ct, meta_aad(tip_id, item.storage_name))


def _open_text(data_key: bytes, blob, aad: bytes) -> Text:
    if blob is None:
        return Text(None)
    try:
        return Text(envelope.decrypt(data_key, bytes(blob), aad).decode("utf-8"))
    except (DecryptionError, UnicodeDecodeError):
        return Text(None, ok=False)


@dataclass
class MessageView:
    id: int
    author: str
    day: date
    body: Text
    author_id: int | None = None


@dataclass
class FileView:
    id: int
    author: str
    day: date
    name: str | None
    content_type: str | None
    size: int | None
    ok: bool


@dataclass
class CaseView:
    tip: WbsTip
    fields: dict[str, Text]
    messages: list[MessageView]
    files: list[FileView]
    events: list[dict] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return (all(t.ok for t in self.fields.values()) and all(m.body.ok for m in self.messages)
                and all(f.ok for f in self.files) and all(e["reason"].ok for e in self.events))


def _order_of(tip_id: int, message: WbsMessage, data_key: bytes) -> int:
    if message.order_ct is None:
        return 0
    try:
        raw = envelope.decrypt(data_key, bytes(message.order_ct), order_aad(tip_id, message.id))
        return struct.unpack(">Q", raw)[0]
    except (DecryptionError, struct.error):
        return 0


def _messages(tip: WbsTip, data_key: bytes) -> list[MessageView]:
    ordered = sorted(tip.messages, key=lambda m: (m.created_on, _order_of(tip.id, m, data_key), m.id))
    return [MessageView(m.id, m.author, m.created_on, _open_text(data_key, m.body_ct, message_aad(tip.id, m.id, m.author)),
                        m.author_id) for m in ordered]


def _files(tip: WbsTip, data_key: bytes) -> list[FileView]:
    out = []
    for a in tip.attachments:
        meta = _open_meta(tip.id, data_key, a)
        info = {}
        if meta.ok and meta.value:
            try:
                info = json.loads(meta.value)
            except ValueError:
                meta.ok = False
        out.append((a.created_on, info.get("order") or 0, a.id,
                    FileView(a.id, a.author, a.created_on, info.get("name"), info.get("type"), info.get("size"), meta.ok)))
    return [item[-1] for item in sorted(out, key=lambda item: item[:3])]


def view(tip: WbsTip, data_key: bytes, *, with_fields: bool = True) -> CaseView:
    fields = {name: _open_text(data_key, getattr(tip, f"{name}_ct"), field_aad(tip.id, name))
              for name in FIELDS} if with_fields else {}
    events = [{"day": e.day, "kind": e.kind, "from": e.status_from, "to": e.status_to, "actor_id": e.actor_id,
               "reason": _open_text(data_key, e.reason_ct, event_aad(tip.id, e.id))} for e in tip.events]
    return CaseView(tip, fields, _messages(tip, data_key), _files(tip, data_key), events)


def closing_message(tip: WbsTip, case: "CaseView") -> str | None:
    """The handlers' closing words to the whistleblower: the reason written with the final status."""
    if not WBS.statuses[tip.status].terminal:
        return None
    closing = [e for e in case.events if e["to"] == tip.status and e["reason"].ok and e["reason"].value]
    return closing[-1]["reason"].value if closing else None


def as_api_dict(opened: Opened) -> dict:
    case = view(opened.tip, opened.data_key, with_fields=False)
    return {
        "status": opened.tip.status,
        "status_label": WBS.public_label(opened.tip.status),
        "category": opened.tip.category,
        "submitted_on": opened.tip.submitted_on.isoformat(),
        "messages": [{"id": m.id, "from": m.author, "on": m.day.isoformat(), "body": m.body.value,
                      "intact": m.body.ok} for m in case.messages],
        "attachments": [{"id": f.id, "from": f.author, "on": f.day.isoformat(), "name": f.name, "intact": f.ok}
                        for f in case.files],
        "closing_message": closing_message(opened.tip, case),
    }


def add_message(tip_id: int, data_key: bytes, body: str, author: str, actor=None) -> int:
    """Encrypt and store one message (either direction) in one transaction."""
    with write_transaction() as session:
        tip = session.get(WbsTip, tip_id)
        message = WbsMessage(id=fresh_id(session, WbsMessage), tip_id=tip.id, author=author,
                             author_id=getattr(actor, "id", None), created_on=local_today())
        message.body_ct = envelope.encrypt(data_key, body.encode("utf-8"), message_aad(tip.id, message.id, author))
        message.order_ct = envelope.encrypt(data_key, struct.pack(">Q", _order_stamp()), order_aad(tip.id, message.id))
        session.add(message)
        if author == REPORTER:
            tip.awaiting_handler, tip.awaiting_notified = True, False
        else:
            tip.awaiting_handler = False
            audit.log("wbs_message", actor=actor, channel="wbs", case_ref=str(tip.id))
        return message.id


def add_files(tip_id: int, data_key: bytes, files: list[CleanFile], author: str, actor=None) -> int:
    if not files:
        return 0
    written: list[str] = []
    try:
        with write_transaction() as session:
            tip = session.get(WbsTip, tip_id)
            today = local_today()
            for item in files:
                written.append(_attach(session, tip.id, data_key, item, author, today))
            if author == REPORTER:
                tip.awaiting_handler, tip.awaiting_notified = True, False
            else:
                audit.log("wbs_attachment_add", actor=actor, channel="wbs", case_ref=str(tip.id),
                          detail={"files": len(files)})
    except BaseException:
        for name in written:
            delete_file(name)
        raise
    return len(written)


# --------------------------------------------------------------------------- handler side


class NotVisible(Exception):
    """No such tip, or the handler is excluded from it (both look the same: 404)."""


class Locked(Exception):
    """The handler's private key is not unlocked in this session (sign in again)."""


def open_for_handler(tip_id: int, user) -> Opened:
    """The tip and its data key through this handler's own sealed copy.

    NotVisible (404), keys.NoAccess (403: not granted), Locked (403: sign in again),
    TipIntegrityError (the sealed copy was damaged)."""
    tip = db.session.get(WbsTip, tip_id)
    if tip is None or keys.is_excluded(tip_id, user.id):
        raise NotVisible()
    private = keys.session_private_key(user)
    if private is None:
        if not keys.is_handler(user):
            raise keys.NoAccess()
        raise Locked()
    try:
        data_key = keys.handler_data_key(tip.id, user.id, private)
    except DecryptionError:
        raise TipIntegrityError() from None
    return Opened(tip, data_key)


def record_view(tip_id: int, user) -> None:
    with write_transaction() as session:
        tip = session.get(WbsTip, tip_id)
        tip.awaiting_handler = False
        audit.log("case_view", actor=user, channel="wbs", case_ref=str(tip_id))


def record_download(tip_id: int, attachment_id: int, user) -> None:
    """Every attachment a handler takes out of the portal is audited."""
    with write_transaction():
        audit.log("attachment_download", actor=user, channel="wbs", case_ref=str(tip_id),
                  detail={"attachment": attachment_id})


def change_status(tip_id: int, data_key: bytes, target: str, reason: str | None, user) -> None:
    from ..workflow import ReasonRequired, TransitionRefused
    from flask_babel import gettext as _

    reason = (reason or "").strip()
    if len(reason) > 5000:
        raise CaseError("reason", _("Alasan terlalu panjang (paling banyak 5.000 karakter)."))
    with write_transaction() as session:
        tip = session.get(WbsTip, tip_id)
        try:
            WBS.check(tip.status, target, reason)
        except TransitionRefused:
            raise CaseError("status", _("Perubahan status ini tidak diizinkan.")) from None
        except ReasonRequired:
            raise CaseError("reason", _("Status ini wajib disertai alasan.")) from None
        today = local_today()
        event = WbsEvent(tip_id=tip.id, day=today, kind="status", status_from=tip.status, status_to=target,
                         actor_id=getattr(user, "id", None))
        session.add(event)
        session.flush()
        if reason:
            event.reason_ct = envelope.encrypt(data_key, reason.encode("utf-8"), event_aad(tip.id, event.id))
        previous = tip.status
        tip.status, tip.status_changed_on = target, today
        tip.due_on = None if WBS.statuses[target].terminal else _due(target, today)
        tip.closed_on = today if WBS.statuses[target].terminal else None
        audit.log("status_change", actor=user, channel="wbs", case_ref=str(tip.id),
                  detail={"from": previous, "to": target})


def attachment(tip: WbsTip, data_key: bytes, attachment_id: int) -> tuple[bytes, str, str]:
    """(bytes, content type, download name) of one attachment, fully verified."""
    item = db.session.get(WbsAttachment, attachment_id)
    if item is None or item.tip_id != tip.id:
        raise NotVisible()
    meta = _open_meta(tip.id, data_key, item)
    if not meta.ok:
        raise TipIntegrityError()
    info = json.loads(meta.value)
    return read_file(tip.id, data_key, item.storage_name), info.get("type", "application/octet-stream"), info.get("name") or "lampiran"
