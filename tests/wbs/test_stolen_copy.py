"""Promise 1: a copy of the database and instance/ without any handler password decrypts nothing.

The thief's copy holds every wrapped key, every ciphertext, the encrypted files, a signed-in
handler's session blob, and every secret of instance/ (pepper, secret key, application key ring).
Every wrapped key and ciphertext is tried with every secret found there (raw, hashed, decoded);
every attempt raises DecryptionError. The same objects open with a handler's password (control).
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from portal.crypto import envelope
from portal.crypto.envelope import DecryptionError
from portal.extensions import db
from portal.models import UserSession
from portal.models.wbs import WbsAttachment, WbsEvent, WbsHandler, WbsMessage, WbsTip, WbsTipKey
from portal.whistle import services
from portal.whistle.keys import data_key_aad, session_aad
from wbs_helpers import HANDLER_A, HANDLER_B, form_post, pdf_with_text, private_key_of, submit_api, tip_id_for
from wbs_helpers import team  # noqa: F401  (fixture)

SKIP_DIRS = {"wbs", "uploads"}


def _decodings(text: str) -> list[bytes]:
    out = []
    for decode in (bytes.fromhex, base64.b64decode, base64.urlsafe_b64decode):
        try:
            out.append(decode(text))
        except (ValueError, binascii.Error):
            pass
    return out


def instance_secrets(instance: Path, config_secret: str) -> tuple[set[bytes], set[str]]:
    """(32-byte key candidates, password candidates) from every secret the thief holds."""
    blobs, texts = [], {config_secret}
    for path in instance.rglob("*"):
        if not path.is_file() or SKIP_DIRS & set(path.relative_to(instance).parts) or path.suffix in (".db", ".db-wal", ".db-shm") or "portal.db" in path.name:
            continue
        raw = path.read_bytes()
        blobs.append(raw)
        try:
            text = raw.decode("utf-8").strip()
        except UnicodeDecodeError:
            continue
        texts.add(text)
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = None
        if isinstance(parsed, dict):
            for value in parsed.values():
                for item in (value if isinstance(value, list) else [value]):
                    if isinstance(item, str):
                        texts.add(item)
    texts.discard("")
    for text in texts:
        blobs.append(text.encode())
        blobs.extend(_decodings(text))
    keys = set()
    for blob in blobs:
        keys.add(hashlib.sha256(blob).digest())
        if len(blob) >= 32:
            keys.add(blob[:32])
            keys.add(blob[-32:])
    return keys, texts


def _must_fail(func, *args) -> None:
    with pytest.raises(DecryptionError):
        func(*args)


def test_database_and_instance_copy_without_password_opens_nothing(app, team, tmp_copy):
    citizen = app.test_client()
    receipt = submit_api(citizen, contact="Budi, 0812 0000 1111")
    form_post(citizen, "/wbs/kotak", "/wbs/kotak/bukti", {"receipt": receipt,
              "files": [(io.BytesIO(pdf_with_text("bukti rahasia")), "bukti.pdf")]}, content_type="multipart/form-data")
    form_post(citizen, "/wbs/kotak", "/wbs/kotak/pesan", {"receipt": receipt, "body": "Pesan pelapor"})
    tip_id = tip_id_for(app, receipt)
    handler = team.login(HANDLER_A)  # a live session: its key blob is in the database too
    form_post(handler, f"/kantor/wbs/{tip_id}", f"/kantor/wbs/{tip_id}/status", {"status": "closed", "reason": "x"})

    stolen = tmp_copy(Path(app.instance_path))
    candidates, passwords = instance_secrets(stolen, app.config["SECRET_KEY"])
    assert len(candidates) >= 10 and len(passwords) >= 3

    with app.app_context():
        tip = db.session.get(WbsTip, tip_id)
        copies = db.session.scalars(select(WbsTipKey).where(WbsTipKey.tip_id == tip_id)).all()
        fields = [(getattr(tip, f"{n}_ct"), services.field_aad(tip_id, n)) for n in ("what", "who", "where", "when", "how", "contact")]
        fields += [(m.body_ct, services.message_aad(tip_id, m.id, m.author))
                   for m in db.session.scalars(select(WbsMessage).where(WbsMessage.tip_id == tip_id))]
        fields += [(e.reason_ct, services.event_aad(tip_id, e.id))
                   for e in db.session.scalars(select(WbsEvent).where(WbsEvent.tip_id == tip_id)) if e.reason_ct]
        files = [(a.storage_name, a.meta_ct) for a in db.session.scalars(select(WbsAttachment))]
        wrapped_private = [bytes(h.wrapped_private_key) for h in db.session.scalars(select(WbsHandler))]
        sessions = [(s.user_id, s.id, bytes(s.key_blob)) for s in db.session.scalars(select(UserSession))
                    if s.key_blob]
    assert files and sessions and len(wrapped_private) == 2 and len(copies) == 4

    for key in candidates:
        for copy in copies:
            if copy.holder == "receipt":
                _must_fail(envelope.unwrap_with_key, key, bytes(copy.wrapped), services.receipt_aad(tip_id))
            else:
                _must_fail(envelope.open_sealed, bytes(copy.wrapped), key, data_key_aad(tip_id))
        for blob, aad in fields:
            if blob is not None:
                _must_fail(envelope.decrypt, key, bytes(blob), aad)
        for name, meta in files:
            _must_fail(envelope.decrypt, key, bytes(meta), services.meta_aad(tip_id, name))
            with open(stolen / "wbs" / name[:2] / name, "rb") as handle:
                _must_fail(lambda h: b"".join(envelope.decrypt_stream(key, h, services.file_aad(tip_id, name))), handle)
        for user_id, session_id, blob in sessions:
            _must_fail(envelope.unwrap_for_session, key, blob, session_aad(user_id, session_id))
    for password in passwords:
        for blob in wrapped_private:
            _must_fail(envelope.unwrap_private_key, blob, password)

    # Control: the handler's password opens the same objects.
    for email in (HANDLER_A, HANDLER_B):
        private = private_key_of(app, email)
        mine = next(c for c in copies if c.holder == "handler" and c.user_id == team.user_id(email))
        data_key = envelope.open_sealed(bytes(mine.wrapped), private, data_key_aad(tip_id))
        assert envelope.decrypt(data_key, bytes(fields[5][0]), fields[5][1]) == b"Budi, 0812 0000 1111"
