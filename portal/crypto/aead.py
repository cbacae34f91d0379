"""AES-256-GCM with a random 96-bit nonce, and the versioned frame of every blob the portal stores.

Frame: header(2) = VERSION, KIND letter; then whatever the kind carries in clear (salt, key id, ...);
then nonce(12) and ciphertext+tag. The whole clear prefix is part of the associated data, so a blob
of one kind is never accepted as another and a future version 2 can be read next to version 1.

Kind letters in use (keep them unique): K private key under a password (keypairs), S sealed box
(keypairs), T session-wrapped private key (sessions), D data field, W key wrap, F file stream (envelope).
Unframed blobs (nonce | ciphertext+tag, prefix b"") exist too: the sealed access code of a form.
"""
from __future__ import annotations

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from . import tokens

VERSION = 1
KEY_SIZE = 32
NONCE_SIZE = 12
TAG_SIZE = 16


class DecryptionError(InvalidTag):
    """Wrong key or password, or the blob was damaged or tampered with (deliberately vague).

    A subclass of cryptography's InvalidTag, so code written against AESGCM keeps catching it."""

    def __init__(self, message: str = "decryption failed: wrong key or password, or damaged data"):
        super().__init__(message)


def check_key(key: bytes, what: str = "key") -> None:
    if not isinstance(key, (bytes, bytearray)) or len(key) != KEY_SIZE:
        raise ValueError(f"{what} must be {KEY_SIZE} bytes")


def check_bytes(value: bytes, what: str) -> None:
    if not isinstance(value, (bytes, bytearray)):
        raise TypeError(f"{what} must be bytes")


def header(kind: bytes) -> bytes:
    return bytes([VERSION]) + kind


def check_header(blob: bytes, kind: bytes, min_len: int) -> None:
    if not isinstance(blob, (bytes, bytearray, memoryview)) or len(blob) < min_len:
        raise DecryptionError()
    if bytes(blob[:2]) != header(kind):
        raise DecryptionError("unsupported blob version or kind")


def new_key() -> bytes:
    """A fresh random 256-bit key."""
    return tokens.random_bytes(KEY_SIZE)


def seal(key: bytes, plaintext: bytes, aad: bytes = b"", prefix: bytes = b"") -> bytes:
    """prefix | nonce | AES-GCM(key, plaintext, associated data = prefix + aad)."""
    nonce = tokens.random_bytes(NONCE_SIZE)
    return bytes(prefix) + nonce + AESGCM(bytes(key)).encrypt(nonce, bytes(plaintext), bytes(prefix) + bytes(aad))


def open_(key: bytes, blob: bytes, aad: bytes = b"", prefix_len: int = 0) -> bytes:
    """Inverse of seal for a blob whose clear prefix is `prefix_len` bytes; DecryptionError on any
    wrong key, wrong aad, damage or a blob too short to hold a nonce and a tag."""
    blob = bytes(blob)
    if len(blob) < prefix_len + NONCE_SIZE + TAG_SIZE:
        raise DecryptionError()
    nonce = blob[prefix_len:prefix_len + NONCE_SIZE]
    return gcm_open(key, nonce, blob[prefix_len + NONCE_SIZE:], blob[:prefix_len] + bytes(aad))


def gcm_open(key: bytes, nonce: bytes, ciphertext: bytes, aad: bytes) -> bytes:
    try:
        return AESGCM(bytes(key)).decrypt(nonce, ciphertext, aad)
    except InvalidTag:
        raise DecryptionError() from None


def cipher(key: bytes) -> AESGCM:
    """The AES-GCM object itself, for the chunked file stream (envelope.EncryptingWriter)."""
    return AESGCM(bytes(key))
