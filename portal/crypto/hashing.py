"""Hashes: SHA-256, HMAC-SHA256, the instance pepper and peppered hashes, constant-time comparison.

The pepper is 32 random bytes in `instance/keys/pepper`, never in the database: a stolen database
alone cannot test a guessed access code, recovery code or receipt.
"""
from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

from ..instance_files import read_or_create
from . import tokens

PEPPER_FILE = Path("keys") / "pepper"


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(bytes(data)).digest()


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(bytes(data)).hexdigest()


def token_hash(token: str, prefix: bytes = b"") -> str:
    """SHA-256 (hex) of a high-entropy token (a session id, a setup link, a form key), so the
    store holds only something that cannot be replayed. `prefix` separates uses."""
    return sha256_hex(prefix + token.encode())


def hmac_sha256(key: bytes, message: bytes) -> bytes:
    return hmac.new(bytes(key), bytes(message), hashlib.sha256).digest()


def hmac_hex(key: bytes, message: bytes) -> str:
    return hmac.new(bytes(key), bytes(message), hashlib.sha256).hexdigest()


def equal(a, b) -> bool:
    """Constant-time equality of two byte strings or strings (text compared as UTF-8)."""
    if isinstance(a, str):
        a = a.encode("utf-8", "surrogatepass")
    if isinstance(b, str):
        b = b.encode("utf-8", "surrogatepass")
    return hmac.compare_digest(bytes(a), bytes(b))


def pepper() -> bytes:
    """Server-side secret kept in instance/, never in the database (created at first use)."""
    from flask import current_app

    app = current_app._get_current_object()
    cached = app.extensions.get("portal_pepper")
    if cached is None:
        cached = read_or_create(Path(app.instance_path) / PEPPER_FILE, lambda: tokens.random_bytes(32))
        app.extensions["portal_pepper"] = cached
    return cached


def peppered_hash(message: bytes) -> str:
    """HMAC-SHA256 (hex) of `message` under the pepper; the message starts with its purpose."""
    return hmac_hex(pepper(), message)
