"""Codes people carry: citizens' access codes, back-office recovery codes, one-time form keys.

Access and recovery codes are shown once and stored only as HMACs under the pepper (hashing.py);
a form's one-time key is stored as a SHA-256 and may seal the access code it produced, so a
double-clicked form shows the same receipt again (portal/intake.py).
"""
from __future__ import annotations

from . import aead, hashing, tokens

# Crockford base32 without I, L, O, U: nothing a citizen can misread.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CONFUSABLE = str.maketrans({"I": "1", "L": "1", "O": "0", "U": "V"})


# --------------------------------------------------------------------------- access codes


def new_access_code() -> str:
    """12 base32 characters (60 bits), shown as ABCD-2345-EFGH."""
    raw = tokens.random_string(ALPHABET, 12)
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
    return hashing.peppered_hash(f"access:{ticket}:{normalised}".encode())


def access_code_matches(ticket: str, code: str | None, stored_hash: str | None) -> bool:
    candidate = access_code_hash(ticket, code or "")
    return stored_hash is not None and hashing.equal(candidate, stored_hash)


# --------------------------------------------------------------------------- recovery codes (second factor)


def new_recovery_code() -> str:
    """10 hex digits (40 bits) as ab12c-3de45; one use each, ten per account."""
    raw = tokens.hex_token(5)
    return f"{raw[:5]}-{raw[5:]}"


def recovery_code_hash(code: str) -> str:
    normalised = "".join(ch for ch in code.lower() if ch.isalnum())
    return hashing.peppered_hash(b"recovery:" + normalised.encode())


# --------------------------------------------------------------------------- one-time form keys

SUBMISSION_KEY_MIN, SUBMISSION_KEY_MAX = 16, 128


def new_submission_key() -> str:
    return tokens.submission_key()


def valid_submission_key(value) -> str | None:
    if (isinstance(value, str) and SUBMISSION_KEY_MIN <= len(value) <= SUBMISSION_KEY_MAX and value.isascii()
            and value.isprintable() and " " not in value):
        return value
    return None


def submission_key_hash(key: str) -> str:
    return hashing.token_hash(key, b"submission-id:")


def _seal_key(key: str) -> bytes:
    return hashing.sha256(b"submission-seal:" + key.encode())


def seal_with_submission_key(key: str, value: str, body_digest: bytes = b"") -> bytes:
    """Seal the access code under the key; `body_digest` (API) binds it to the request body too.
    Layout: nonce(12) | ciphertext+tag (no frame: the format predates the blob header)."""
    return aead.seal(_seal_key(key), value.encode(), b"receipt" + body_digest)


def open_with_submission_key(key: str, blob: bytes, body_digest: bytes = b"") -> str:
    """The sealed access code; DecryptionError (an InvalidTag) for another key or another body."""
    return aead.open_(_seal_key(key), blob, b"receipt" + body_digest).decode()
