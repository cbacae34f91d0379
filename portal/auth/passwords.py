"""The password policy; the Argon2id hashes themselves are in portal/crypto/passwords.py."""
from __future__ import annotations

from flask_babel import gettext as _

from ..crypto.passwords import burn_time, hash_password, verify_password  # noqa: F401 (the auth API)

MIN_LENGTH = 12


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
