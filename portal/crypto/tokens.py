"""Every random value the portal hands out, from the operating system's CSPRNG (`secrets`).

Sizes are decided here, once: a reader of this file knows how strong each token is.
"""
from __future__ import annotations

import hmac
import secrets
import time
import zlib


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


class PresignedSerializer:
    """`dumps` of an itsdangerous URLSafeTimedSerializer (Flask-WTF's form tokens, Flask's session cookie), byte
    for byte the same, for a payload whose JSON the caller makes; for the page cache's fast path, which signs
    two values for every new visitor of a form (issue 20).

    What the library repeats on every call is done once here: the key derivation (a hash of salt and secret)
    and the HMAC's keyed state, which each signature copies (OpenSSL's HMAC, not the pure-Python one the
    library falls back to for its `_lazy_sha1`). The payload's zlib test is made with a small compression
    state: for payloads of a few dozen bytes the deflate stream is the same as zlib.compress's (its 256 KiB
    state only costs the allocation), and when it is shorter the payload is compressed by zlib.compress itself.
    The key, salt, timestamp, separators and encodings are the library's, so `loads` (the normal path: Flask's
    session, Flask-WTF's validate_csrf) reads what this makes. A serializer of another kind (another signer,
    algorithm or digest) is left to the library's own `dumps`."""

    _SMALL_PAYLOAD = 96  # bytes of JSON up to which the small zlib state stands for zlib.compress

    def __init__(self, serializer):
        from itsdangerous import TimestampSigner, URLSafeTimedSerializer
        from itsdangerous.encoding import base64_encode, int_to_bytes
        from itsdangerous.signer import HMACAlgorithm

        self._b64, self._int_to_bytes = base64_encode, int_to_bytes
        self.serializer = serializer
        signer = serializer.make_signer()
        self._mac = None
        digest = getattr(signer.algorithm, "digest_method", None)
        if (type(serializer) is URLSafeTimedSerializer and type(signer) is TimestampSigner
                and type(signer.algorithm) is HMACAlgorithm and digest is not None):
            try:
                name = digest().name
                self._mac = hmac.new(signer.derive_key(), digestmod=name)
            except (ValueError, TypeError, AttributeError):
                self._mac = None
        self._sep = signer.sep if isinstance(signer.sep, bytes) else signer.sep.encode("utf-8")

    def dumps(self, obj, json: bytes | None = None) -> str:
        """The serializer's `dumps(obj)`; `json` is its serializer's JSON of obj as bytes (made by the caller,
        who knows obj's shape); without it, or for another kind of serializer, the library's own dumps."""
        if json is None or self._mac is None:
            return self.serializer.dumps(obj)
        b64 = self._b64
        if len(json) <= self._SMALL_PAYLOAD:
            small = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, 9, 1)
            smaller = len(small.compress(json) + small.flush()) < len(json) - 1
        else:
            smaller = True
        if smaller:
            compressed = zlib.compress(json)
            payload = b"." + b64(compressed) if len(compressed) < len(json) - 1 else b64(json)
        else:
            payload = b64(json)
        value = payload + self._sep + b64(self._int_to_bytes(int(time.time())))
        mac = self._mac.copy()
        mac.update(value)
        return (value + self._sep + b64(mac.digest())).decode("utf-8")
