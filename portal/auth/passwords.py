"""Argon2id password hashes (argon2-cffi) and the password policy."""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app
from flask_babel import gettext as _

MIN_LENGTH = 12


def _hasher() -> PasswordHasher:
    cfg = current_app.config
    return PasswordHasher(time_cost=cfg.get("PASSWORD_HASH_TIME_COST", 3),
                          memory_cost=cfg.get("PASSWORD_HASH_MEMORY_KIB", 65536), parallelism=1)


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(stored: str, password: str) -> bool:
    try:
        return _hasher().verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


# A constant hash to verify against when the account does not exist: same cost, no user oracle.
_DUMMY: dict[str, str] = {}


def burn_time(password: str) -> None:
    key = f"{current_app.config.get('PASSWORD_HASH_TIME_COST', 3)}:{current_app.config.get('PASSWORD_HASH_MEMORY_KIB', 65536)}"
    if key not in _DUMMY:
        _DUMMY[key] = hash_password("not-a-real-account-password")
    verify_password(_DUMMY[key], password)


def policy_errors(password: str | None, *, email: str = "", name: str = "") -> list[str]:
    errors = []
    if not password or len(password) < MIN_LENGTH:
        errors.append(_("Kata sandi minimal %(n)d karakter.", n=MIN_LENGTH))
    elif len(password) > 256:
        errors.append(_("Kata sandi maksimal 256 karakter."))
    elif len(set(password)) < 5:
        errors.append(_("Kata sandi terlalu mudah ditebak (terlalu sedikit karakter berbeda)."))
    elif email and email.split("@")[0].lower() in password.lower() and len(email.split("@")[0]) >= 4:
        errors.append(_("Kata sandi tidak boleh memuat nama akun surel."))
    return errors
