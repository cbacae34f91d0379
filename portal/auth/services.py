"""Sign-in, second factor, recovery codes, password change and account administration."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from .. import audit
from ..crypto import codes as crypto_codes
from ..crypto import hashing
from ..crypto import passwords as password_hashes
from ..database import write_transaction
from ..extensions import db
from ..models import RecoveryCode, User
from ..models.types import utcnow
from . import passwords, throttle, totp
from .access import end_all_sessions

ACCOUNT_FAILURES_BEFORE_LOCK = 5
RECOVERY_CODE_COUNT = 10


class AuthError(Exception):
    def __init__(self, message: str, status: int = 401):
        super().__init__(message)
        self.message = message
        self.status = status


def _generic_failure() -> AuthError:
    return AuthError(_("Surel atau kata sandi salah."))


def _throttled() -> AuthError:
    # The same words for a real account, an unknown one and a busy address: a lock reveals nothing.
    minutes = max(1, throttle.window().seconds // 60)
    return AuthError(_("Terlalu banyak percobaan masuk yang gagal. Tunggu %(minutes)d menit lalu coba lagi, "
                       "atau hubungi admin.", minutes=minutes), 429)


def _lock_duration(failures: int) -> timedelta:
    return timedelta(minutes=min(15 * 2 ** max(failures - ACCOUNT_FAILURES_BEFORE_LOCK, 0), 24 * 60))


def find_user(email: str | None) -> User | None:
    if not email or not isinstance(email, str) or len(email) > 254:
        return None
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def check_password(email: str | None, password: str | None) -> User:
    """First step of sign-in. Raises AuthError with a message that reveals nothing extra."""
    keys = throttle.keys_for(email)
    password = password if isinstance(password, str) else ""
    user = find_user(email)
    user_id = user.id if user else None
    record_failure = True
    # Every path runs one Argon2 verification: an unknown, a throttled and a real account cost the same.
    if throttle.blocked(db.session, keys):
        password_hashes.burn_time(password)
        failure, record_failure = _throttled(), False
    elif user is None:
        password_hashes.burn_time(password)
        failure = _generic_failure()
    elif password_hashes.verify_password(user.password_hash, password) and user.active:
        db.session.rollback()
        with write_transaction() as session:
            throttle.signed_in(session, keys)
        return db.session.get(User, user_id)
    else:
        failure = _generic_failure()
    db.session.rollback()
    # The slow hash ran outside the write lock; only the counters are written here.
    if record_failure:
        with write_transaction() as session:
            throttle.record_failure(session, keys)
            actor = session.get(User, user_id) if user_id else None
            audit.log("login_failed", actor=actor,
                      detail={"reason": "credentials"} if actor else {"reason": "unknown account"})
    raise failure


def check_second_factor(user_id: int, code: str | None) -> User:
    """Second step: a TOTP code (never the same one twice) or an unused recovery code."""
    with write_transaction() as session:
        user = session.get(User, user_id)
        if user is None or not user.active or not user.totp_secret or user.totp_enrolled_at is None:
            raise AuthError(_("Sesi masuk tidak valid. Silakan masuk kembali."))
        keys = throttle.keys_for(user.email)
        # Only someone who knew the password gets here, so naming the lock reveals nothing new.
        if (user.locked_until and user.locked_until > utcnow()) or throttle.blocked(session, keys):
            raise AuthError(_("Akun dikunci sementara karena terlalu banyak percobaan gagal. Coba lagi nanti atau hubungi admin."), 429)
        step = totp.matching_step(user.totp_secret, code, user.totp_last_step)
        used_recovery = None
        if step is None:
            used_recovery = _match_recovery_code(user, code)
        if step is None and used_recovery is None:
            throttle.record_failure(session, keys)
            user.failed_logins += 1
            if user.failed_logins >= ACCOUNT_FAILURES_BEFORE_LOCK:
                user.locked_until = utcnow() + _lock_duration(user.failed_logins)
            audit.log("login_failed", actor=user, detail={"reason": "second factor"})
            failure = AuthError(_("Kode verifikasi salah atau sudah dipakai."))
        else:
            if step is not None:
                user.totp_last_step = step
            else:
                used_recovery.used_at = utcnow()
            _signed_in(user, "recovery_code" if used_recovery else "totp")
            return user
    raise failure


def _signed_in(user: User, method: str) -> None:
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = utcnow()
    audit.log("login", actor=user, detail={"method": method})


def begin_enrolment(user_id: int) -> tuple[str, str]:
    """A new (unconfirmed) TOTP secret for an account without one; returns (secret, otpauth URI)."""
    with write_transaction() as session:
        user = session.get(User, user_id)
        if user.totp_enrolled_at is not None:
            raise AuthError(_("Verifikasi dua langkah sudah aktif untuk akun ini."))
        if not user.totp_secret:
            user.totp_secret = totp.new_secret()
        return user.totp_secret, totp.provisioning_uri(user.totp_secret, user.email)


def confirm_enrolment(user_id: int, code: str | None) -> list[str]:
    """Confirm the secret with a first code; returns the recovery codes to show once."""
    with write_transaction() as session:
        user = session.get(User, user_id)
        if user.totp_enrolled_at is not None or not user.totp_secret:
            raise AuthError(_("Sesi pendaftaran tidak valid. Silakan masuk kembali."))
        step = totp.matching_step(user.totp_secret, code, user.totp_last_step)
        if step is None:
            raise AuthError(_("Kode verifikasi salah. Pastikan jam ponsel Anda tepat lalu coba lagi."))
        user.totp_last_step = step
        user.totp_enrolled_at = utcnow()
        codes = _new_recovery_codes(user)
        audit.log("totp_enrolled", actor=user)
        _signed_in(user, "totp")
        return codes


def _new_recovery_codes(user: User) -> list[str]:
    user.recovery_codes.clear()
    fresh = []
    for _ in range(RECOVERY_CODE_COUNT):
        code = crypto_codes.new_recovery_code()
        fresh.append(code)
        user.recovery_codes.append(RecoveryCode(code_hash=crypto_codes.recovery_code_hash(code)))
    return fresh


def _match_recovery_code(user: User, code: str | None) -> RecoveryCode | None:
    if not code or len(code) > 40:
        return None
    wanted = crypto_codes.recovery_code_hash(code)
    for item in user.recovery_codes:
        if item.used_at is None and hashing.equal(item.code_hash, wanted):
            return item
    return None


def regenerate_recovery_codes(user_id: int, password: str | None) -> list[str]:
    """New recovery codes (the old ones stop working), only after the account's password again:
    a session left open on a shared computer must not mint a way past the second factor."""
    user = db.session.get(User, user_id)
    if not password_hashes.verify_password(user.password_hash, password if isinstance(password, str) else ""):
        raise AuthError(_("Kata sandi salah. Kode pemulihan tidak diganti."), 422)
    with write_transaction() as session:
        user = session.get(User, user_id)
        codes = _new_recovery_codes(user)
        audit.log("recovery_codes_regenerated", actor=user)
        return codes


def change_password(user_id: int, current: str, new: str, confirm: str) -> dict[str, list[str]]:
    """Errors by field, or {} when changed (every other session of the account ends)."""
    errors: dict[str, list[str]] = {}
    with write_transaction() as session:
        user = session.get(User, user_id)
        if not password_hashes.verify_password(user.password_hash, current or ""):
            errors["current"] = [_("Kata sandi saat ini salah.")]
        problems = passwords.policy_errors(new, email=user.email, name=user.name)
        if problems:
            errors["new"] = problems
        elif new != confirm:
            errors["confirm"] = [_("Konfirmasi kata sandi tidak sama.")]
        elif new == (current or ""):
            # A WBS key pair is born under the new password: it must be one the owner chose.
            errors["new"] = [_("Kata sandi baru harus berbeda dari kata sandi saat ini.")]
        if errors:
            return errors
        old_hash = user.password_hash
        user.password_hash = password_hashes.hash_password(new)
        user.password_changed_at = utcnow()
        from .. import hooks

        hooks.password_changed(user, current, new, old_hash)
        audit.log("password_change", actor=user)
    return {}


def create_user(email: str, name: str, roles, password: str, *, actor: User | None = None,
                enrolled_secret: bool = False, unit_id: int | None = None) -> tuple[User, str | None]:
    """Create an account (a liaison officer with `unit_id`, checked by the caller); returns (user,
    otpauth URI when a TOTP secret was issued)."""
    email = (email or "").strip()
    if find_user(email) is not None:
        raise AuthError(_("Surel sudah dipakai akun lain."))
    problems = passwords.policy_errors(password, email=email, name=name)
    if problems:
        raise AuthError(" ".join(problems))
    with write_transaction() as session:
        user = User(email=email, name=name.strip(), password_hash=password_hashes.hash_password(password))
        user.roles = roles
        user.unit_id = unit_id
        uri = None
        if enrolled_secret:
            user.totp_secret = totp.new_secret()
            user.totp_enrolled_at = utcnow()
            uri = totp.provisioning_uri(user.totp_secret, user.email)
        session.add(user)
        session.flush()
        audit.log("account_create", actor=actor, detail={"user_id": user.id, "roles": sorted(user.roles),
                                                         **({"unit_id": unit_id} if unit_id else {})})
    return user, uri


def set_active(user_id: int, active: bool, actor: User) -> None:
    with write_transaction() as session:
        user = session.get(User, user_id)
        user.active = active
        user.session_version += 1
        if not active:
            end_all_sessions(user.id)
        audit.log("account_enable" if active else "account_disable", actor=actor, detail={"user_id": user.id})


def set_roles(user_id: int, roles, actor: User) -> None:
    with write_transaction() as session:
        user = session.get(User, user_id)
        before = sorted(user.roles)
        user.roles = roles
        from .. import hooks

        hooks.roles_changed(user, set(before), set(roles))
        audit.log("role_change", actor=actor, detail={"user_id": user.id, "from": before, "to": sorted(user.roles)})


def reset_second_factor(user_id: int, actor: User) -> None:
    """Admin help for a lost phone: the account enrols again at its next sign-in."""
    with write_transaction() as session:
        user = session.get(User, user_id)
        user.totp_secret = None
        user.totp_enrolled_at = None
        user.totp_last_step = None
        user.recovery_codes.clear()
        end_all_sessions(user.id)
        audit.log("totp_reset", actor=actor, detail={"user_id": user.id})
