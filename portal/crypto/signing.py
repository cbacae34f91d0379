"""Ed25519 signatures and key fingerprints.

A holder (a WBS handler or the recovery key) signs with an Ed25519 key derived from its X25519
private key, so one printed secret / one password-wrapped key carries both halves and nothing new
is stored. What is signed, by whom, and which chains count is policy: portal/whistle/trust.py.
"""
from __future__ import annotations

import base64
import json

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from . import hashing
from .aead import check_bytes, check_key
from .kdf import hkdf


def _signing_key(private: bytes) -> Ed25519PrivateKey:
    check_key(private, "private key")
    return Ed25519PrivateKey.from_private_bytes(hkdf(bytes(private), b"portal-wbs-signing-v1"))


def signing_public_key(private: bytes) -> bytes:
    """The raw Ed25519 public key that goes with a raw X25519 private key."""
    return _signing_key(private).public_key().public_bytes(serialization.Encoding.Raw,
                                                            serialization.PublicFormat.Raw)


def sign(private: bytes, message: bytes) -> bytes:
    """Ed25519 signature of message with the signing key derived from `private`."""
    check_bytes(message, "message")
    return _signing_key(private).sign(bytes(message))


def verify_signature(signing_public: bytes, message: bytes, signature: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(bytes(signing_public)).verify(bytes(signature), bytes(message))
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def document(domain: bytes, body: dict) -> bytes:
    """The bytes a signature covers: a domain label, then canonical JSON (sorted keys, no spaces,
    ASCII escapes), so that a signature for one purpose is never valid for another."""
    return domain + json.dumps(body, sort_keys=True, separators=(",", ":")).encode("utf-8")


def b64(raw: bytes) -> str:
    """Standard base64 for keys and signatures inside signed documents."""
    return base64.b64encode(bytes(raw)).decode("ascii")


def unb64(text) -> bytes:
    """Inverse of b64; b"" for anything malformed (it then fails verification)."""
    try:
        return base64.b64decode(str(text).encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError):
        return b""


def fingerprint(public: bytes, signing_public: bytes) -> str:
    """128-bit fingerprint of a key pair (both halves), in 8 groups of 4 hex digits, for people to
    compare on two screens before an endorsement."""
    check_key(public, "public key")
    digest = hashing.sha256_hex(b"portal-wbs-fingerprint-v1\x00" + bytes(public) + bytes(signing_public))[:32]
    return " ".join(digest[i:i + 4] for i in range(0, 32, 4)).upper()


def normalise_fingerprint(text: str | None) -> str:
    """The hex digits of a typed or shown fingerprint (spaces, dashes and case do not matter)."""
    return "".join(ch for ch in (text or "").upper() if ch in "0123456789ABCDEF")


def fingerprints_match(typed: str | None, expected: str) -> bool:
    return hashing.equal(normalise_fingerprint(typed), normalise_fingerprint(expected))


# --------------------------------------------------------------------------- signed links (SECRET_KEY)


def _link_serializer(purpose: str):
    from flask import current_app
    from itsdangerous import URLSafeSerializer

    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=purpose)


def link_token(purpose: str, value) -> str:
    """A value signed with SECRET_KEY (itsdangerous, `purpose` as its salt) to put in a link,
    e.g. a mail's one-click unsubscribe. Signed, not encrypted: the value is readable."""
    return _link_serializer(purpose).dumps(value)


def link_value(purpose: str, token: str):
    """The value of a link token signed for `purpose`, or None when the signature does not hold."""
    from itsdangerous import BadSignature

    try:
        return _link_serializer(purpose).loads(token)
    except BadSignature:
        return None
