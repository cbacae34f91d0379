"""Key derivation: Argon2id (argon2-cffi) with its cost in every blob, HKDF-SHA256 for subkeys.

Choice of Argon2id parameters, measured with bench/kdf_params.py on the 2-core target machine
(argon2-cffi 25.1 on the SSE2 wheel of argon2-cffi-bindings; median CPU ms per derivation,
alone / with both cores deriving at once):
  t=2 m=16 MiB 15/15   t=2 m=24 MiB 23/23   t=3 m=24 MiB 34/35   t=2 m=32 MiB 38/40
  t=1 m=46 MiB 35/38   t=3 m=64 MiB 120/135 (all p=1)
RECEIPT_KDF = t=3, m=24 MiB, p=1 (~34 ms CPU). Budget: >= 18 tip submissions/s on gunicorn -w 2
is ~111 ms CPU per submission, of which the receipt derivation may take <= ~40 ms; 34 ms keeps
a margin for noise and memory-bandwidth contention (18/s x 34 ms = 31% of the machine).
p=1 because a sync worker owns one core; extra lanes would only steal the other worker's.
The same derivation built for the serving CPU (deploy/argon2_native.py, run by the Makefile: the
AVX2/AVX-512 code of Argon2's opt.c instead of the wheel's SSE2) takes 17 ms alone and 16-17 ms with
both cores deriving (AVX2 only: 20 ms); its output is identical (REFERENCE_OUTPUT below).
Attacker with the database AND the pepper: lookup_id = f(Argon2id(receipt, salt=pepper)), so no
per-tip shortcut exists and every candidate costs one derivation. An attacker uses the fastest
code there is, so count 17 ms, not the wheel's 34: 10^16 x 17 ms ~ 5.4e6 core-years for the whole
space (half on average), each guess holding 24 MiB of RAM, which caps GPU/ASIC parallelism.
Without the pepper (instance/, not the DB) no guess can be checked.
PASSWORD_KDF = t=3, m=64 MiB, p=1 (RFC 9106 second recommendation; ~120-135 ms CPU on the wheel):
paid once per handler login, never per request, and passwords have far less entropy than
receipts, so it is as strong as login latency allows.
"""
from __future__ import annotations

import struct
import unicodedata
from dataclasses import dataclass

from argon2.low_level import Type, hash_secret_raw
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from .aead import KEY_SIZE


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

# RECEIPT_KDF of one fixed input as Argon2's portable reference code (ref.c), the SSE2 wheel of
# argon2-cffi-bindings and its AVX2 and AVX-512 builds all compute it. deploy/argon2_native.py keeps a
# build of the library for the serving CPU only if it derives exactly this; a build that did not would
# lose every tip filed before it (a receipt would no longer find its lookup id).
REFERENCE_SECRET = b"portal-wbs-receipt-v1\x000123456789012345"
REFERENCE_SALT = bytes(range(32))
REFERENCE_OUTPUT = bytes.fromhex("8437016f1f10cfdb835f5107ad5fafc188e4c13bf0f9882906fdbbe90ec7805a")


def matches_reference() -> bool:
    """Whether the installed Argon2 derives REFERENCE_OUTPUT at RECEIPT_KDF (one derivation)."""
    return RECEIPT_KDF.derive(REFERENCE_SECRET, REFERENCE_SALT) == REFERENCE_OUTPUT


def configured(name: str, default: KdfParams) -> KdfParams:
    """The Argon2id cost in the configuration (`WBS_PASSWORD_KDF`, `WBS_RECEIPT_KDF`), else `default`.

    Only the test configuration sets one (cheap); each blob stores the parameters it was made with."""
    from flask import current_app

    value = current_app.config.get(name)
    return default if value is None else KdfParams(*value)


def hkdf(ikm: bytes, info: bytes, length: int = KEY_SIZE) -> bytes:
    """HKDF-SHA256 without salt: one subkey per `info` (domain separation)."""
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=info).derive(ikm)


def password_bytes(password: str) -> bytes:
    """NFC UTF-8, so that the same password typed on two keyboards/OSes derives the same key."""
    if not isinstance(password, str):
        raise TypeError("password must be str")
    return unicodedata.normalize("NFC", password).encode("utf-8")
