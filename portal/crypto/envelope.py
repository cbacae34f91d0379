"""The WBS envelope: a tip's data key and what it seals (fields, key wraps, file streams), the
receipt, and the organisation recovery key.

Pure functions, no Flask and no database, so every promise of SECURITY.md that rests on
cryptography (1: readable only by handlers, 2: receipt never stored, 3: no plaintext on disk)
can be tested in isolation. Blobs use the versioned frame of aead.py (kind letters D, W, F here).

The primitives underneath have their own homes in portal/crypto/ (aead, kdf, hashing, tokens,
keypairs, signing, sessions); this module re-exports the names it always exported, so callers of
`envelope.seal`, `envelope.KdfParams`, `envelope.wrap_for_session`, ... keep working.
"""
from __future__ import annotations

import struct
from base64 import b32decode, b32encode
from collections.abc import Iterator
from typing import BinaryIO

from cryptography.exceptions import InvalidTag

from . import aead, hashing, tokens
from .aead import (KEY_SIZE, NONCE_SIZE, TAG_SIZE, VERSION, DecryptionError, check_bytes as _check_bytes,
                   check_header as _check_header, check_key as _check_key, header as _header)
from .kdf import PASSWORD_KDF, RECEIPT_KDF, KdfParams, hkdf as _hkdf
from .keypairs import (KEY_ID_SIZE, SALT_SIZE, generate_keypair, key_id, open_sealed, public_key,  # noqa: F401
                       seal, unwrap_private_key, wrap_private_key)
from .sessions import unwrap_for_session, wrap_for_session
from .signing import fingerprint, sign, signing_public_key, verify_signature

__all__ = [
    "CHUNK_SIZE",
    "DecryptionError",
    "EncryptingWriter",
    "KdfParams",
    "PASSWORD_KDF",
    "RECEIPT_KDF",
    "decrypt",
    "decrypt_stream",
    "encrypt",
    "fingerprint",
    "format_receipt",
    "generate_keypair",
    "generate_recovery_key",
    "key_id",
    "new_data_key",
    "new_receipt",
    "normalise_receipt",
    "open_sealed",
    "parse_recovery_key",
    "public_key",
    "receipt_keys",
    "seal",
    "sign",
    "signing_public_key",
    "unwrap_for_session",
    "unwrap_private_key",
    "unwrap_with_key",
    "verify_signature",
    "wrap_for_session",
    "wrap_private_key",
    "wrap_with_key",
]

CHUNK_SIZE = 64 * 1024
RECEIPT_DIGITS = 16

# One letter per blob kind, mixed into the associated data (domain separation; all kinds: aead.py).
_KIND_DATA = b"D"
_KIND_WRAP = b"W"
_KIND_STREAM = b"F"


# --------------------------------------------------------------------------- data keys and fields


def new_data_key() -> bytes:
    """A fresh random 256-bit data key (one per tip)."""
    return aead.new_key()


def _encrypt(kind: bytes, key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    _check_key(key)
    _check_bytes(plaintext, "plaintext")
    _check_bytes(aad, "aad")
    return aead.seal(key, plaintext, aad, _header(kind))


def _decrypt(kind: bytes, key: bytes, blob: bytes, aad: bytes) -> bytes:
    _check_key(key)
    _check_bytes(aad, "aad")
    _check_header(blob, kind, 2 + NONCE_SIZE + TAG_SIZE)
    return aead.open_(key, blob, aad, 2)


def encrypt(data_key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    """AES-256-GCM with a random 96-bit nonce; aad names the field, e.g. b"tip:42:what".

    Layout: header(2) | nonce(12) | ciphertext+tag. Random nonces are safe far beyond the number
    of fields one tip will ever have (the 2^32 limit per key is never approached).
    """
    return _encrypt(_KIND_DATA, data_key, plaintext, aad)


def decrypt(data_key: bytes, blob: bytes, aad: bytes) -> bytes:
    """Inverse of encrypt; DecryptionError on wrong key, wrong aad or tampering."""
    return _decrypt(_KIND_DATA, data_key, blob, aad)


def wrap_with_key(key: bytes, data: bytes, aad: bytes) -> bytes:
    """Wrap a secret (a tip's data key) under a derived key, e.g. the receipt wrap key."""
    return _encrypt(_KIND_WRAP, key, data, aad)


def unwrap_with_key(key: bytes, blob: bytes, aad: bytes) -> bytes:
    """Inverse of wrap_with_key; DecryptionError on wrong key, wrong aad or tampering."""
    return _decrypt(_KIND_WRAP, key, blob, aad)


# --------------------------------------------------------------------------- streaming files
# Stream layout: header(2) | nonce prefix(8) | chunk 0 | chunk 1 | ... | final chunk.
# Every chunk but the last holds exactly CHUNK_SIZE plaintext bytes (+16 tag); the last holds
# 0..CHUNK_SIZE and is authenticated with final-flag 1. Nonce = prefix || chunk counter, and the
# AAD carries header, prefix, caller aad, index and final flag, so truncation (no final chunk),
# reordering, chunks from another file (other prefix) and appended data all fail authentication.

_STREAM_PREFIX_SIZE = 8
_STREAM_HEADER_SIZE = 2 + _STREAM_PREFIX_SIZE
_MAX_CHUNKS = 2**32


def _chunk_aad(header: bytes, aad: bytes, index: int, final: bool) -> bytes:
    return header + struct.pack(">I", len(aad)) + aad + struct.pack(">IB", index, 1 if final else 0)


def _chunk_nonce(prefix: bytes, index: int) -> bytes:
    return prefix + struct.pack(">I", index)


class EncryptingWriter:
    """Write plaintext, get authenticated ciphertext chunks in `fileobj`; no plaintext touches disk.

    Call close() (or use as a context manager) to emit the final chunk; without it the file is
    rejected as truncated. The underlying file object is not closed here: its owner does that.
    """

    def __init__(self, fileobj: BinaryIO, data_key: bytes, aad: bytes = b""):
        _check_key(data_key, "data key")
        _check_bytes(aad, "aad")
        self._out = fileobj
        self._aead = aead.cipher(data_key)
        self._aad = bytes(aad)
        self._prefix = tokens.random_bytes(_STREAM_PREFIX_SIZE)
        self._header = _header(_KIND_STREAM) + self._prefix
        self._buffer = bytearray()
        self._index = 0
        self._closed = False
        self.plaintext_size = 0
        self._out.write(self._header)

    @property
    def closed(self) -> bool:
        return self._closed

    def _emit(self, chunk: bytes, final: bool) -> None:
        if self._index >= _MAX_CHUNKS:
            raise ValueError("file too large for one stream")
        aad = _chunk_aad(self._header, self._aad, self._index, final)
        self._out.write(self._aead.encrypt(_chunk_nonce(self._prefix, self._index), chunk, aad))
        self._index += 1

    def write(self, chunk: bytes) -> int:
        if self._closed:
            raise ValueError("write to a closed EncryptingWriter")
        _check_bytes(chunk, "chunk")
        self._buffer += chunk
        self.plaintext_size += len(chunk)
        # Emit only when more than a chunk is buffered: then we know this one is not the last.
        if len(self._buffer) > CHUNK_SIZE:
            view = memoryview(self._buffer)
            offset = 0
            while len(self._buffer) - offset > CHUNK_SIZE:
                self._emit(bytes(view[offset : offset + CHUNK_SIZE]), final=False)
                offset += CHUNK_SIZE
            view.release()
            del self._buffer[:offset]
        return len(chunk)

    def close(self) -> None:
        if self._closed:
            return
        self._emit(bytes(self._buffer), final=True)
        self._buffer.clear()
        self._closed = True

    def __enter__(self) -> EncryptingWriter:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        # On error, do not finalise: a half-written stream must stay detectably truncated.
        if exc_type is None:
            self.close()
        else:
            self._closed = True
            self._buffer.clear()


def _read_exact(src: BinaryIO, n: int) -> bytes:
    parts, got = [], 0
    while got < n:
        part = src.read(n - got)
        if not part:
            break
        parts.append(part)
        got += len(part)
    return b"".join(parts)


def decrypt_stream(data_key: bytes, src_fileobj: BinaryIO, aad: bytes = b"") -> Iterator[bytes]:
    """Yield plaintext chunks of a stream written by EncryptingWriter; DecryptionError on tampering.

    Chunks are yielded as they verify, so truncation is only known at the end: a caller that
    streams a download must abort the response (not finish it cleanly) when this raises.
    """
    _check_key(data_key, "data key")
    _check_bytes(aad, "aad")
    cipher = aead.cipher(data_key)
    aad = bytes(aad)
    header = _read_exact(src_fileobj, _STREAM_HEADER_SIZE)
    _check_header(header, _KIND_STREAM, _STREAM_HEADER_SIZE)
    prefix = header[2:]
    full = CHUNK_SIZE + TAG_SIZE
    index = 0
    current = _read_exact(src_fileobj, full)
    while True:
        if len(current) < TAG_SIZE:
            raise DecryptionError("stream truncated")
        if index >= _MAX_CHUNKS:
            raise DecryptionError()
        # One chunk of lookahead tells whether this is the last chunk.
        following = _read_exact(src_fileobj, full) if len(current) == full else b""
        final = not following
        try:
            plaintext = cipher.decrypt(_chunk_nonce(prefix, index), current, _chunk_aad(header, aad, index, final))
        except InvalidTag:
            raise DecryptionError() from None
        if plaintext:
            yield plaintext
        if final:
            return
        current = following
        index += 1


# --------------------------------------------------------------------------- receipts


def new_receipt() -> str:
    """16 uniformly random decimal digits (may start with 0); shown once, never stored."""
    return tokens.random_digits(RECEIPT_DIGITS)


_ASCII_DIGITS = frozenset("0123456789")
# Separators people type or paste: spaces (incl. no-break/thin), and hyphen/dash variants.
_RECEIPT_SEPARATORS = frozenset(" \t\u00a0\u2009\u202f-\u2010\u2011\u2012\u2013\u2014\u2212")


def normalise_receipt(user_input: object) -> str | None:
    """The 16 digits of a typed receipt, or None unless it is exactly 16 ASCII digits."""
    if not isinstance(user_input, str) or len(user_input) > 64:
        return None
    digits = "".join(ch for ch in user_input.strip() if ch not in _RECEIPT_SEPARATORS)
    # str.isdigit() would accept Arabic-Indic and other digits; only ASCII is a receipt.
    if len(digits) != RECEIPT_DIGITS or not set(digits) <= _ASCII_DIGITS:
        return None
    return digits


def format_receipt(receipt: str) -> str:
    """'1234567890123456' -> '1234 5678 9012 3456' (for display, once)."""
    digits = normalise_receipt(receipt)
    if digits is None:
        raise ValueError("a receipt is exactly 16 digits")
    return " ".join(digits[i : i + 4] for i in range(0, RECEIPT_DIGITS, 4))


def receipt_keys(receipt: str, pepper: bytes, params: KdfParams = RECEIPT_KDF) -> tuple[bytes, bytes]:
    """(lookup_id, wrap_key), both 32 bytes, from ONE Argon2id(receipt, salt=pepper) derivation.

    The pepper (in instance/, not the database) is the salt on purpose: the same receipt always
    gives the same lookup id, so finding a tip costs one derivation, and the attacker has no
    per-tip shortcut either. The params in use must be stored with the lookup id (to_bytes) so
    that after a change a lookup tries each params set still present (usually one).
    """
    digits = normalise_receipt(receipt)
    if digits is None:
        raise ValueError("a receipt is exactly 16 digits")
    _check_bytes(pepper, "pepper")
    if len(pepper) < 16:
        raise ValueError("pepper must be at least 16 bytes")
    master = params.derive(b"portal-wbs-receipt-v1\x00" + digits.encode("ascii"), bytes(pepper))
    return _hkdf(master, b"portal-wbs-receipt-lookup-v1"), _hkdf(master, b"portal-wbs-receipt-wrap-v1")


# --------------------------------------------------------------------------- recovery key
# Printable form: base32 (RFC 4648) of version(1) | private(32) | checksum(7) = 40 bytes = 64
# characters, shown in 16 groups of 4. The 56-bit checksum makes an undetected typo ~2^-56.

_RECOVERY_CHECKSUM_SIZE = 7
_RECOVERY_CHARS = 64
_B32_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
# Characters outside the alphabet that people read in place of one inside it.
_B32_CONFUSABLE = str.maketrans({"0": "O", "1": "I", "8": "B"})


def _recovery_checksum(payload: bytes) -> bytes:
    return hashing.sha256(b"portal-wbs-recovery-v1\x00" + payload)[:_RECOVERY_CHECKSUM_SIZE]


def generate_recovery_key() -> tuple[str, bytes]:
    """(printable private key for the head of office, public key for the server).

    The printable half is shown once and never stored on the server.
    """
    private, public = generate_keypair()
    payload = bytes([VERSION]) + private
    text = b32encode(payload + _recovery_checksum(payload)).decode("ascii")
    return "-".join(text[i : i + 4] for i in range(0, _RECOVERY_CHARS, 4)), public


def parse_recovery_key(printable: str) -> bytes:
    """The raw private key from its printable form; ValueError with a clear message on typos."""
    if not isinstance(printable, str):
        raise ValueError("the recovery key must be text")
    text = "".join(ch for ch in printable.upper() if ch not in " \t\r\n-").translate(_B32_CONFUSABLE)
    for position, ch in enumerate(text, start=1):
        if ch not in _B32_ALPHABET:
            raise ValueError(f"the recovery key contains an invalid character at position {position}")
    if len(text) != _RECOVERY_CHARS:
        raise ValueError(f"the recovery key has {len(text)} characters; expected {_RECOVERY_CHARS}")
    raw = b32decode(text)
    payload, checksum = raw[:-_RECOVERY_CHECKSUM_SIZE], raw[-_RECOVERY_CHECKSUM_SIZE:]
    if not hashing.equal(checksum, _recovery_checksum(payload)):
        raise ValueError("the recovery key checksum does not match: at least one character is mistyped")
    if payload[0] != VERSION:
        raise ValueError("unsupported recovery key version")
    return payload[1:]


