"""Session cryptography: back-office session tokens, and a WBS handler's private key kept for one
session only.

The cookie carries a random token; the `user_sessions` table holds only its SHA-256, so a stolen
table opens no session. A handler's private key is wrapped under a per-session random secret whose
only copy travels in the handler's cookie, and the wrapped blob lives in the session row with it:
any worker can serve the handler, a database thief holds only half, a cookie thief gets nothing
after logout or idle expiry, which delete the blob.
"""
from __future__ import annotations

import base64
import binascii

from . import aead, hashing, keypairs, tokens
from .aead import KEY_SIZE, NONCE_SIZE, TAG_SIZE, DecryptionError, check_bytes, check_header, check_key, header
from .kdf import hkdf

KIND_SESSION = b"T"


# --------------------------------------------------------------------------- session tokens


def new_session_token() -> str:
    return tokens.session_token()


def session_token_hash(token: str) -> str:
    return hashing.token_hash(token)


# --------------------------------------------------------------------------- a private key for one session


def _session_key(session_secret: bytes) -> bytes:
    return hkdf(session_secret, b"portal-wbs-session-v1")


def wrap_for_session(private: bytes, aad: bytes = b"") -> tuple[bytes, bytes]:
    """(session_secret for the cookie only, blob for the server-side store with an expiry).

    Neither half alone reveals the key: a database thief lacks the cookie, a cookie thief finds
    no blob after logout or idle expiry. aad may bind the blob to a handler/session id.
    Layout: header(2) | key_id(8) | nonce(12) | ciphertext+tag(48).
    """
    check_key(private, "private key")
    check_bytes(aad, "aad")
    session_secret = tokens.random_bytes(KEY_SIZE)
    prefix = header(KIND_SESSION) + keypairs.key_id_bytes(keypairs.public_key(private))
    return session_secret, aead.seal(_session_key(session_secret), bytes(private), bytes(aad), prefix)


def unwrap_for_session(session_secret: bytes, blob: bytes, aad: bytes = b"") -> bytes:
    """The private key; DecryptionError for a wrong or malformed secret (it comes from a cookie)."""
    check_bytes(aad, "aad")
    if not isinstance(session_secret, (bytes, bytearray)) or len(session_secret) != KEY_SIZE:
        raise DecryptionError()
    p = 2 + keypairs.KEY_ID_SIZE
    check_header(blob, KIND_SESSION, p + NONCE_SIZE + KEY_SIZE + TAG_SIZE)
    blob = bytes(blob)
    private = aead.open_(_session_key(bytes(session_secret)), blob, bytes(aad), p)
    if not keypairs.matches_key_id(private, blob[2:p]):
        raise DecryptionError()
    return private


def cookie_value(session_secret: bytes) -> str:
    """The session secret as it is stored in the (signed, HttpOnly) cookie."""
    return base64.b64encode(bytes(session_secret)).decode("ascii")


def from_cookie(value) -> bytes | None:
    """The session secret from its cookie value, or None when it is absent or malformed."""
    if not isinstance(value, str):
        return None
    try:
        return base64.b64decode(value.encode("ascii"), validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        return None
