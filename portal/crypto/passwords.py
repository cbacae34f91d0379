"""Sign-in password hashes: Argon2id (argon2-cffi's PasswordHasher, PHC strings in the database).

Cost from the configuration (`PASSWORD_HASH_TIME_COST`, `PASSWORD_HASH_MEMORY_KIB`; t=3, 64 MiB
unless the test configuration makes it cheap). This is not the derivation that wraps a WBS
handler's private key (kdf.PASSWORD_KDF, its own salt): SECURITY.md asks that the two differ.
The password policy (length, variety) is in portal/auth/passwords.py.
"""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app


def _cost() -> tuple[int, int]:
    cfg = current_app.config
    return cfg.get("PASSWORD_HASH_TIME_COST", 3), cfg.get("PASSWORD_HASH_MEMORY_KIB", 65536)


def _hasher() -> PasswordHasher:
    time_cost, memory_kib = _cost()
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=1)


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(stored: str, password: str) -> bool:
    try:
        return _hasher().verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


# A constant hash to verify against when the account does not exist: same cost, no user oracle.
_DUMMY: dict[tuple[int, int], str] = {}


def burn_time(password: str) -> None:
    key = _cost()
    if key not in _DUMMY:
        _DUMMY[key] = hash_password("not-a-real-account-password")
    verify_password(_DUMMY[key], password)
