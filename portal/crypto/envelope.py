"""WBS envelope encryption: handler key pairs, sealed boxes, data keys, file streams, receipts, sessions."""
# Pure functions, no Flask and no database, so every promise of SECURITY.md that rests on
# cryptography (1: readable only by handlers, 2: receipt never stored, 3: no plaintext on disk)
# can be tested in isolation.
#
# Blob layout. Every blob starts with a two-byte header: format VERSION, then a KIND letter.
# The header is always part of the AES-GCM associated data, so a blob of one kind can never be
# accepted as another kind, and a future version 2 can be read next to version 1. Each blob
# carries what is needed to open it (KDF params, salt, nonce, key id) so parameters can change
# without a flag day.
#
# Choice of KDF parameters, measured with bench/kdf_params.py on the 2-core target machine
# (argon2-cffi 25.1; median CPU ms per derivation, alone / with both cores deriving at once):
#   t=2 m=16 MiB 15/15   t=2 m=24 MiB 23/23   t=3 m=24 MiB 34/35   t=2 m=32 MiB 38/40
#   t=1 m=46 MiB 35/38   t=3 m=64 MiB 120/135 (all p=1)
# RECEIPT_KDF = t=3, m=24 MiB, p=1 (~34 ms CPU). Budget: >= 18 tip submissions/s on gunicorn -w 2
# is ~111 ms CPU per submission, of which the receipt derivation may take <= ~40 ms; 34 ms keeps
# a margin for noise and memory-bandwidth contention (18/s x 34 ms = 31% of the machine).
# p=1 because a sync worker owns one core; extra lanes would only steal the other worker's.
# Attacker with the database AND the pepper: lookup_id = f(Argon2id(receipt, salt=pepper)), so no
# per-tip shortcut exists and every candidate costs one derivation: 10^16 x 34 ms ~ 1.1e7
# core-years for the whole space (half on average), each guess holding 24 MiB of RAM, which
# caps GPU/ASIC parallelism. Without the pepper (instance/, not the DB) no guess can be checked.
# PASSWORD_KDF = t=3, m=64 MiB, p=1 (RFC 9106 second recommendation; ~120-135 ms CPU):
# paid once per handler login, never per request, and passwords have far less entropy than
# receipts, so it is as strong as login latency allows.
from __future__ import annotations

import hashlib
import hmac
import secrets
import struct
import unicodedata
from base64 import b32decode, b32encode
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from argon2.exceptions import HashingError
from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

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

VERSION = 1
KEY_SIZE = 32
NONCE_SIZE = 12
TAG_SIZE = 16
SALT_SIZE = 16
KEY_ID_SIZE = 8  # 64-bit fingerprint: enough to name a handful of handler keys, not a security boundary
CHUNK_SIZE = 64 * 1024
RECEIPT_DIGITS = 16

# One letter per blob kind, mixed into the associated data (domain separation).
_KIND_PRIVATE = b"K"
_KIND_SEALED = b"S"
_KIND_DATA = b"D"
_KIND_WRAP = b"W"
_KIND_STREAM = b"F"
_KIND_SESSION = b"T"


class DecryptionError(Exception):
    """Wrong key or password, or the blob was damaged or tampered with (deliberately vague)."""

    def __init__(self, message: str = "decryption failed: wrong key or password, or damaged data"):
        super().__init__(message)


# --------------------------------------------------------------------------- KDF parameters


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost parameters; serialised into every blob that depends on them."""

    time_cost: int
    memory_kib: int
    parallelism: int

    # Bounds reject absurd values read from a tampered blob before they can exhaust memory or CPU.
    _STRUCT = struct.Struct(">IIB")
    SIZE = _STRUCT.size
    MAX_TIME = 32
    MAX_MEMORY_KIB = 1024 * 1024  # 1 GiB
    MAX_PARALLELISM = 16

    def __post_init__(self) -> None:
        values = (self.time_cost, self.memory_kib, self.parallelism)
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            raise ValueError("KDF parameters must be integers")
        if not 1 <= self.parallelism <= self.MAX_PARALLELISM:
            raise ValueError(f"parallelism must be 1..{self.MAX_PARALLELISM}")
        if not 1 <= self.time_cost <= self.MAX_TIME:
            raise ValueError(f"time_cost must be 1..{self.MAX_TIME}")
        if not 8 * self.parallelism <= self.memory_kib <= self.MAX_MEMORY_KIB:
            raise ValueError(f"memory_kib must be 8*parallelism..{self.MAX_MEMORY_KIB}")

    def to_bytes(self) -> bytes:
        return self._STRUCT.pack(self.time_cost, self.memory_kib, self.parallelism)

    @classmethod
    def from_bytes(cls, raw: bytes) -> KdfParams:
        if len(raw) != cls.SIZE:
            raise ValueError("KDF parameters must be %d bytes" % cls.SIZE)
        return cls(*cls._STRUCT.unpack(raw))

    def derive(self, secret: bytes, salt: bytes, length: int = KEY_SIZE) -> bytes:
        return hash_secret_raw(secret, salt, self.time_cost, self.memory_kib, self.parallelism, length, Type.ID)


PASSWORD_KDF = KdfParams(time_cost=3, memory_kib=64 * 1024, parallelism=1)
RECEIPT_KDF = KdfParams(time_cost=3, memory_kib=24 * 1024, parallelism=1)


# --------------------------------------------------------------------------- small helpers


def _header(kind: bytes) -> bytes:
    return bytes([VERSION]) + kind


def _check_header(blob: bytes, kind: bytes, min_len: int) -> None:
    if not isinstance(blob, (bytes, bytearray, memoryview)) or len(blob) < min_len:
        raise DecryptionError()
    if bytes(blob[:2]) != _header(kind):
        raise DecryptionError("unsupported blob version or kind")


def _check_key(key: bytes, what: str = "key") -> None:
    if not isinstance(key, (bytes, bytearray)) or len(key) != KEY_SIZE:
        raise ValueError(f"{what} must be {KEY_SIZE} bytes")


def _check_bytes(value: bytes, what: str) -> None:
    if not isinstance(value, (bytes, bytearray)):
        raise TypeError(f"{what} must be bytes")


def _hkdf(ikm: bytes, info: bytes, length: int = KEY_SIZE) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=info).derive(ikm)


def _gcm_open(key: bytes, nonce: bytes, ciphertext: bytes, aad: bytes) -> bytes:
    try:
        return AESGCM(key).decrypt(nonce, ciphertext, aad)
    except InvalidTag:
        raise DecryptionError() from None


def _key_id_bytes(public: bytes) -> bytes:
    return hashlib.sha256(b"portal-wbs-key-id-v1\x00" + bytes(public)).digest()[:KEY_ID_SIZE]


# --------------------------------------------------------------------------- handler key pairs


def generate_keypair() -> tuple[bytes, bytes]:
    """A fresh X25519 key pair as raw 32-byte (private, public)."""
    private = X25519PrivateKey.generate()
    return (
        private.private_bytes(
            serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
        ),
        private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw),
    )


def public_key(private: bytes) -> bytes:
    """The raw public key belonging to a raw X25519 private key."""
    _check_key(private, "private key")
    return X25519PrivateKey.from_private_bytes(bytes(private)).public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )


def key_id(public: bytes) -> str:
    """Short hex fingerprint of a public key, stored next to every wrapped key."""
    _check_key(public, "public key")
    return _key_id_bytes(public).hex()


def _password_bytes(password: str) -> bytes:
    # NFC so that the same password typed on two keyboards/OSes derives the same key.
    if not isinstance(password, str):
        raise TypeError("password must be str")
    return unicodedata.normalize("NFC", password).encode("utf-8")


def wrap_private_key(private: bytes, password: str, params: KdfParams = PASSWORD_KDF) -> bytes:
    """Private key under AES-GCM with Argon2id(password, fresh salt); AAD binds the key id.

    Layout: header(2) | params(9) | salt(16) | key_id(8) | nonce(12) | ciphertext+tag(48).
    """
    pw = _password_bytes(password)
    if not pw:
        raise ValueError("password must not be empty")
    kid = _key_id_bytes(public_key(private))
    salt = secrets.token_bytes(SALT_SIZE)
    nonce = secrets.token_bytes(NONCE_SIZE)
    prefix = _header(_KIND_PRIVATE) + params.to_bytes() + salt + kid
    key = params.derive(pw, salt)
    return prefix + nonce + AESGCM(key).encrypt(nonce, bytes(private), prefix)


def unwrap_private_key(blob: bytes, password: str) -> bytes:
    """Raw private key; DecryptionError on a wrong password or any tampering."""
    pw = _password_bytes(password)
    p = 2
    _check_header(blob, _KIND_PRIVATE, p + KdfParams.SIZE + SALT_SIZE + KEY_ID_SIZE + NONCE_SIZE + KEY_SIZE + TAG_SIZE)
    blob = bytes(blob)
    if len(blob) != p + KdfParams.SIZE + SALT_SIZE + KEY_ID_SIZE + NONCE_SIZE + KEY_SIZE + TAG_SIZE:
        raise DecryptionError()
    try:
        params = KdfParams.from_bytes(blob[p : p + KdfParams.SIZE])
    except ValueError:
        raise DecryptionError() from None
    p += KdfParams.SIZE
    salt = blob[p : p + SALT_SIZE]
    p += SALT_SIZE
    kid = blob[p : p + KEY_ID_SIZE]
    p += KEY_ID_SIZE
    prefix = blob[:p]
    nonce = blob[p : p + NONCE_SIZE]
    try:
        key = params.derive(pw, salt)
    except HashingError:
        raise DecryptionError() from None
    private = _gcm_open(key, nonce, blob[p + NONCE_SIZE :], prefix)
    # Defence in depth: the stored key id must really name this key pair.
    if not hmac.compare_digest(_key_id_bytes(public_key(private)), kid):
        raise DecryptionError()
    return private


# --------------------------------------------------------------------------- signatures (endorsement)
# A handler (or the recovery key) signs with an Ed25519 key derived from its X25519 private key,
# so one printed secret / one password-wrapped key carries both halves and nothing new is stored.


def _signing_key(private: bytes) -> Ed25519PrivateKey:
    _check_key(private, "private key")
    return Ed25519PrivateKey.from_private_bytes(_hkdf(bytes(private), b"portal-wbs-signing-v1"))


def signing_public_key(private: bytes) -> bytes:
    """The raw Ed25519 public key that goes with a raw X25519 private key."""
    return _signing_key(private).public_key().public_bytes(serialization.Encoding.Raw,
                                                            serialization.PublicFormat.Raw)


def sign(private: bytes, message: bytes) -> bytes:
    """Ed25519 signature of message with the signing key derived from `private`."""
    _check_bytes(message, "message")
    return _signing_key(private).sign(bytes(message))


def verify_signature(signing_public: bytes, message: bytes, signature: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(bytes(signing_public)).verify(bytes(signature), bytes(message))
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def fingerprint(public: bytes, signing_public: bytes) -> str:
    """128-bit fingerprint of a key pair (both halves), in 8 groups of 4 hex digits, for people to
    compare on two screens before an endorsement."""
    _check_key(public, "public key")
    digest = hashlib.sha256(b"portal-wbs-fingerprint-v1\x00" + bytes(public) + bytes(signing_public)).hexdigest()[:32]
    return " ".join(digest[i:i + 4] for i in range(0, 32, 4)).upper()


# --------------------------------------------------------------------------- sealed boxes


def _seal_key(shared: bytes, ephemeral_public: bytes, recipient_public: bytes) -> bytes:
    if not any(shared):  # low-order point: the "secret" would be public knowledge
        raise DecryptionError()
    return _hkdf(shared, b"portal-wbs-seal-v1\x00" + ephemeral_public + recipient_public)


def seal(data: bytes, recipient_public: bytes, aad: bytes = b"") -> bytes:
    """Encrypt to a public key only (ephemeral X25519 + HKDF-SHA256 + AES-GCM).

    Layout: header(2) | recipient key_id(8) | ephemeral public(32) | nonce(12) | ciphertext+tag.
    Needs no secret, so a tip can be sealed for every handler with nobody logged in.
    """
    _check_bytes(data, "data")
    _check_bytes(aad, "aad")
    _check_key(recipient_public, "recipient public key")
    recipient_public = bytes(recipient_public)
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = ephemeral.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    try:
        shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient_public))
        key = _seal_key(shared, ephemeral_public, recipient_public)
    except (ValueError, DecryptionError):
        raise ValueError("recipient public key is not usable") from None
    prefix = _header(_KIND_SEALED) + _key_id_bytes(recipient_public) + ephemeral_public
    nonce = secrets.token_bytes(NONCE_SIZE)
    return prefix + nonce + AESGCM(key).encrypt(nonce, bytes(data), prefix + bytes(aad))


def open_sealed(blob: bytes, recipient_private: bytes, aad: bytes = b"") -> bytes:
    """Open a sealed box; DecryptionError if it is for another key, damaged or the aad differs."""
    _check_bytes(aad, "aad")
    _check_key(recipient_private, "recipient private key")
    p = 2 + KEY_ID_SIZE + KEY_SIZE
    _check_header(blob, _KIND_SEALED, p + NONCE_SIZE + TAG_SIZE)
    blob = bytes(blob)
    recipient_public = public_key(recipient_private)
    if not hmac.compare_digest(blob[2 : 2 + KEY_ID_SIZE], _key_id_bytes(recipient_public)):
        raise DecryptionError("sealed for another key")
    ephemeral_public = blob[2 + KEY_ID_SIZE : p]
    try:
        shared = X25519PrivateKey.from_private_bytes(bytes(recipient_private)).exchange(
            X25519PublicKey.from_public_bytes(ephemeral_public)
        )
    except ValueError:
        raise DecryptionError() from None
    key = _seal_key(shared, ephemeral_public, recipient_public)
    return _gcm_open(key, blob[p : p + NONCE_SIZE], blob[p + NONCE_SIZE :], blob[:p] + bytes(aad))


# --------------------------------------------------------------------------- data keys and fields


def new_data_key() -> bytes:
    """A fresh random 256-bit data key (one per tip)."""
    return secrets.token_bytes(KEY_SIZE)


def _encrypt(kind: bytes, key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    _check_key(key)
    _check_bytes(plaintext, "plaintext")
    _check_bytes(aad, "aad")
    header = _header(kind)
    nonce = secrets.token_bytes(NONCE_SIZE)
    return header + nonce + AESGCM(bytes(key)).encrypt(nonce, bytes(plaintext), header + bytes(aad))


def _decrypt(kind: bytes, key: bytes, blob: bytes, aad: bytes) -> bytes:
    _check_key(key)
    _check_bytes(aad, "aad")
    _check_header(blob, kind, 2 + NONCE_SIZE + TAG_SIZE)
    blob = bytes(blob)
    return _gcm_open(bytes(key), blob[2 : 2 + NONCE_SIZE], blob[2 + NONCE_SIZE :], blob[:2] + bytes(aad))


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
        self._aead = AESGCM(bytes(data_key))
        self._aad = bytes(aad)
        self._prefix = secrets.token_bytes(_STREAM_PREFIX_SIZE)
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
    aead = AESGCM(bytes(data_key))
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
            plaintext = aead.decrypt(_chunk_nonce(prefix, index), current, _chunk_aad(header, aad, index, final))
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
    return f"{secrets.randbelow(10**RECEIPT_DIGITS):0{RECEIPT_DIGITS}d}"


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
    return hashlib.sha256(b"portal-wbs-recovery-v1\x00" + payload).digest()[:_RECOVERY_CHECKSUM_SIZE]


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
    if not hmac.compare_digest(checksum, _recovery_checksum(payload)):
        raise ValueError("the recovery key checksum does not match: at least one character is mistyped")
    if payload[0] != VERSION:
        raise ValueError("unsupported recovery key version")
    return payload[1:]


# --------------------------------------------------------------------------- handler sessions


def _session_key(session_secret: bytes) -> bytes:
    return _hkdf(session_secret, b"portal-wbs-session-v1")


def wrap_for_session(private: bytes, aad: bytes = b"") -> tuple[bytes, bytes]:
    """(session_secret for the cookie only, blob for the server-side store with an expiry).

    Neither half alone reveals the key: a database thief lacks the cookie, a cookie thief finds
    no blob after logout or idle expiry. aad may bind the blob to a handler/session id.
    Layout: header(2) | key_id(8) | nonce(12) | ciphertext+tag(48).
    """
    _check_key(private, "private key")
    _check_bytes(aad, "aad")
    session_secret = secrets.token_bytes(KEY_SIZE)
    prefix = _header(_KIND_SESSION) + _key_id_bytes(public_key(private))
    nonce = secrets.token_bytes(NONCE_SIZE)
    blob = prefix + nonce + AESGCM(_session_key(session_secret)).encrypt(nonce, bytes(private), prefix + bytes(aad))
    return session_secret, blob


def unwrap_for_session(session_secret: bytes, blob: bytes, aad: bytes = b"") -> bytes:
    """The private key; DecryptionError for a wrong or malformed secret (it comes from a cookie)."""
    _check_bytes(aad, "aad")
    if not isinstance(session_secret, (bytes, bytearray)) or len(session_secret) != KEY_SIZE:
        raise DecryptionError()
    p = 2 + KEY_ID_SIZE
    _check_header(blob, _KIND_SESSION, p + NONCE_SIZE + KEY_SIZE + TAG_SIZE)
    blob = bytes(blob)
    key = _session_key(bytes(session_secret))
    private = _gcm_open(key, blob[p : p + NONCE_SIZE], blob[p + NONCE_SIZE :], blob[:p] + bytes(aad))
    if len(private) != KEY_SIZE or not hmac.compare_digest(_key_id_bytes(public_key(private)), blob[2:p]):
        raise DecryptionError()
    return private
