"""Every random value the portal hands out, from the operating system's CSPRNG (`secrets`).

Sizes are decided here, once: a reader of this file knows how strong each token is.
"""
from __future__ import annotations

import secrets


def random_bytes(n: int) -> bytes:
    return secrets.token_bytes(n)


def random_below(n: int) -> int:
    """Uniform in [0, n)."""
    return secrets.randbelow(n)


def random_digits(n: int) -> str:
    """n uniformly random decimal digits (may start with 0)."""
    return f"{secrets.randbelow(10 ** n):0{n}d}"


def random_string(alphabet: str, length: int) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(length))


def hex_token(nbytes: int) -> str:
    return secrets.token_hex(nbytes)


def url_token(nbytes: int) -> str:
    return secrets.token_urlsafe(nbytes)


def session_token() -> str:
    """A back-office session id (256 bits), kept only in the cookie; the table holds its hash."""
    return url_token(32)


def setup_token() -> str:
    """The first administrator's one-time link (192 bits)."""
    return url_token(24)


def submission_key() -> str:
    """A public form's one-time key (192 bits) that makes a double submit file one case."""
    return url_token(24)


def file_name() -> str:
    """A stored file's random name (128 bits): names say nothing about content or order."""
    return hex_token(16)


def raw_csrf_token() -> str:
    """A raw CSRF token exactly as Flask-WTF's generate_csrf makes one (40 hex digits from 64 random
    bytes), for the page cache's fast path, which hands a new visitor a form without running Flask-WTF."""
    import hashlib
    import os

    return hashlib.sha1(os.urandom(64)).hexdigest()


def csrf_token_signer(secret):
    """Flask-WTF's serializer of form tokens (the same salt), so a token signed here is one that
    Flask-WTF's validate_csrf accepts."""
    from itsdangerous import URLSafeTimedSerializer

    return URLSafeTimedSerializer(secret, salt="wtf-csrf-token")
