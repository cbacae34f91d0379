"""X25519 key pairs: generation, key ids, the private key wrapped under a password, sealed boxes.

A sealed box encrypts to a public key only (ephemeral X25519 + HKDF-SHA256 + AES-GCM), so content
can be sealed for every holder with nobody signed in.
"""
from __future__ import annotations

from argon2.exceptions import HashingError
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from . import aead, hashing, tokens
from .aead import KEY_SIZE, NONCE_SIZE, TAG_SIZE, DecryptionError, check_bytes, check_header, check_key, header
from .kdf import PASSWORD_KDF, KdfParams, hkdf, password_bytes

SALT_SIZE = 16
KEY_ID_SIZE = 8  # 64-bit fingerprint: enough to name a handful of handler keys, not a security boundary

KIND_PRIVATE = b"K"
KIND_SEALED = b"S"

_RAW = serialization.Encoding.Raw


def key_id_bytes(public: bytes) -> bytes:
    return hashing.sha256(b"portal-wbs-key-id-v1\x00" + bytes(public))[:KEY_ID_SIZE]


def generate_keypair() -> tuple[bytes, bytes]:
    """A fresh X25519 key pair as raw 32-byte (private, public)."""
    private = X25519PrivateKey.generate()
    return (
        private.private_bytes(_RAW, serialization.PrivateFormat.Raw, serialization.NoEncryption()),
        private.public_key().public_bytes(_RAW, serialization.PublicFormat.Raw),
    )


def public_key(private: bytes) -> bytes:
    """The raw public key belonging to a raw X25519 private key."""
    check_key(private, "private key")
    return X25519PrivateKey.from_private_bytes(bytes(private)).public_key().public_bytes(
        _RAW, serialization.PublicFormat.Raw)


def key_id(public: bytes) -> str:
    """Short hex fingerprint of a public key, stored next to every wrapped key."""
    check_key(public, "public key")
    return key_id_bytes(public).hex()


def matches_key_id(private: bytes, kid: bytes) -> bool:
    """The stored key id really names this private key's pair (defence in depth after opening)."""
    return len(private) == KEY_SIZE and hashing.equal(key_id_bytes(public_key(private)), bytes(kid))


# --------------------------------------------------------------------------- private key under a password

_WRAPPED_SIZE = 2 + KdfParams.SIZE + SALT_SIZE + KEY_ID_SIZE + NONCE_SIZE + KEY_SIZE + TAG_SIZE


def wrap_private_key(private: bytes, password: str, params: KdfParams = PASSWORD_KDF) -> bytes:
    """Private key under AES-GCM with Argon2id(password, fresh salt); AAD binds the key id.

    Layout: header(2) | params(9) | salt(16) | key_id(8) | nonce(12) | ciphertext+tag(48).
    """
    pw = password_bytes(password)
    if not pw:
        raise ValueError("password must not be empty")
    kid = key_id_bytes(public_key(private))
    salt = tokens.random_bytes(SALT_SIZE)
    prefix = header(KIND_PRIVATE) + params.to_bytes() + salt + kid
    return aead.seal(params.derive(pw, salt), bytes(private), b"", prefix)


def unwrap_private_key(blob: bytes, password: str) -> bytes:
    """Raw private key; DecryptionError on a wrong password or any tampering."""
    pw = password_bytes(password)
    check_header(blob, KIND_PRIVATE, _WRAPPED_SIZE)
    blob = bytes(blob)
    if len(blob) != _WRAPPED_SIZE:
        raise DecryptionError()
    p = 2
    try:
        params = KdfParams.from_bytes(blob[p:p + KdfParams.SIZE])
    except ValueError:
        raise DecryptionError() from None
    p += KdfParams.SIZE
    salt = blob[p:p + SALT_SIZE]
    p += SALT_SIZE
    kid = blob[p:p + KEY_ID_SIZE]
    p += KEY_ID_SIZE
    try:
        key = params.derive(pw, salt)
    except HashingError:
        raise DecryptionError() from None
    private = aead.open_(key, blob, b"", p)
    if not matches_key_id(private, kid):
        raise DecryptionError()
    return private


# --------------------------------------------------------------------------- sealed boxes


def _seal_key(shared: bytes, ephemeral_public: bytes, recipient_public: bytes) -> bytes:
    if not any(shared):  # low-order point: the "secret" would be public knowledge
        raise DecryptionError()
    return hkdf(shared, b"portal-wbs-seal-v1\x00" + ephemeral_public + recipient_public)


def seal(data: bytes, recipient_public: bytes, aad: bytes = b"") -> bytes:
    """Encrypt to a public key only (ephemeral X25519 + HKDF-SHA256 + AES-GCM).

    Layout: header(2) | recipient key_id(8) | ephemeral public(32) | nonce(12) | ciphertext+tag.
    Needs no secret, so a tip can be sealed for every handler with nobody logged in.
    """
    check_bytes(data, "data")
    check_bytes(aad, "aad")
    check_key(recipient_public, "recipient public key")
    recipient_public = bytes(recipient_public)
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = ephemeral.public_key().public_bytes(_RAW, serialization.PublicFormat.Raw)
    try:
        shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient_public))
        key = _seal_key(shared, ephemeral_public, recipient_public)
    except (ValueError, DecryptionError):
        raise ValueError("recipient public key is not usable") from None
    prefix = header(KIND_SEALED) + key_id_bytes(recipient_public) + ephemeral_public
    return aead.seal(key, bytes(data), bytes(aad), prefix)


def open_sealed(blob: bytes, recipient_private: bytes, aad: bytes = b"") -> bytes:
    """Open a sealed box; DecryptionError if it is for another key, damaged or the aad differs."""
    check_bytes(aad, "aad")
    check_key(recipient_private, "recipient private key")
    p = 2 + KEY_ID_SIZE + KEY_SIZE
    check_header(blob, KIND_SEALED, p + NONCE_SIZE + TAG_SIZE)
    blob = bytes(blob)
    recipient_public = public_key(recipient_private)
    if not hashing.equal(blob[2:2 + KEY_ID_SIZE], key_id_bytes(recipient_public)):
        raise DecryptionError("sealed for another key")
    ephemeral_public = blob[2 + KEY_ID_SIZE:p]
    try:
        shared = X25519PrivateKey.from_private_bytes(bytes(recipient_private)).exchange(
            X25519PublicKey.from_public_bytes(ephemeral_public))
    except ValueError:
        raise DecryptionError() from None
    key = _seal_key(shared, ephemeral_public, recipient_public)
    return aead.open_(key, blob, bytes(aad), p)
