"""Access codes and keyed hashes: random codes shown once, stored only as HMACs under a pepper."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import current_app

from .instance_files import read_or_create

# Crockford base32 without I, L, O, U: nothing a citizen can misread.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CONFUSABLE = str.maketrans({"I": "1", "L": "1", "O": "0", "U": "V"})


def pepper() -> bytes:
    """Server-side secret kept in instance/, never in the database."""
    app = current_app._get_current_object()
    cached = app.extensions.get("portal_pepper")
    if cached is None:
        cached = read_or_create(Path(app.instance_path) / "keys" / "pepper", lambda: secrets.token_bytes(32))
        app.extensions["portal_pepper"] = cached
    return cached


def new_access_code() -> str:
    """12 base32 characters (60 bits), shown as ABCD-2345-EFGH."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalise_access_code(value: str | None) -> str | None:
    if not value or not isinstance(value, str) or len(value) > 40:
        return None
    cleaned = "".join(ch for ch in value.upper() if ch.isalnum()).translate(_CONFUSABLE)
    if len(cleaned) != 12 or any(ch not in ALPHABET for ch in cleaned):
        return None
    return cleaned


def access_code_hash(ticket: str, code: str) -> str:
    normalised = normalise_access_code(code) or ""
    return hmac.new(pepper(), f"access:{ticket}:{normalised}".encode(), hashlib.sha256).hexdigest()


def access_code_matches(ticket: str, code: str | None, stored_hash: str | None) -> bool:
    candidate = access_code_hash(ticket, code or "")
    return stored_hash is not None and hmac.compare_digest(candidate, stored_hash)


def submission_key_hash(key: str) -> str:
    return hashlib.sha256(b"submission-id:" + key.encode()).hexdigest()


def _seal_key(key: str) -> bytes:
    return hashlib.sha256(b"submission-seal:" + key.encode()).digest()


def seal_with_submission_key(key: str, value: str, body_digest: bytes = b"") -> bytes:
    """Seal the access code under the key; `body_digest` (API) binds it to the request body too."""
    nonce = secrets.token_bytes(12)
    return nonce + AESGCM(_seal_key(key)).encrypt(nonce, value.encode(), b"receipt" + body_digest)


def open_with_submission_key(key: str, blob: bytes, body_digest: bytes = b"") -> str:
    """The sealed access code; InvalidTag for another key or another body."""
    return AESGCM(_seal_key(key)).decrypt(blob[:12], blob[12:], b"receipt" + body_digest).decode()


SUBMISSION_KEY_MIN, SUBMISSION_KEY_MAX = 16, 128


def valid_submission_key(value) -> str | None:
    if (isinstance(value, str) and SUBMISSION_KEY_MIN <= len(value) <= SUBMISSION_KEY_MAX and value.isascii()
            and value.isprintable() and " " not in value):
        return value
    return None


def ensure_configured(app) -> None:
    """Fail fast at start if instance/ is not writable (rather than at the first submission)."""
    with app.app_context():
        pepper()
