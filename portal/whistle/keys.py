"""Handler keys: appointment by SK, key pairs unlocked by the password, the session key,
grants (by a handler or the recovery key), revocation, exclusion and the recovery key.

Every secret here exists in clear only in the memory of the request that uses it. At rest:
- a handler's private key: envelope.wrap_private_key (Argon2id of the password, its own salt);
- while signed in: envelope.wrap_for_session, blob in UserSession.key_blob, secret in the cookie;
- a tip's data key: sealed for each handler's public key and the recovery public key, and
  wrapped under the receipt-derived key (portal/whistle/services.py).
"""
from __future__ import annotations

import base64
import binascii
import logging
from dataclasses import dataclass
from datetime import date

from flask import session as cookie
from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update

from .. import audit, hooks, hooks_login
from ..crypto import envelope
from ..crypto.envelope import DecryptionError
from ..database import write_transaction
from ..extensions import db
from ..models import User, UserSession
from ..models.wbs import (HOLDER_HANDLER, HOLDER_RECOVERY, WbsDecree, WbsExclusion, WbsHandler, WbsRecoveryKey,
                          WbsTip, WbsTipKey)
from ..templating import local_today
from ..workflow import WBS

log = logging.getLogger(__name__)
COOKIE_KEY = "wbs_key"
ROLE = "wbs"


class WbsKeyError(Exception):
    """A refusal with a message for the person who asked (never a secret in it)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NoAccess(Exception):
    """This handler holds no wrapped key for the tip (not granted, excluded or revoked)."""


def data_key_aad(tip_id: int) -> bytes:
    return f"wbs/v1/tip/{tip_id}/data-key".encode()


def session_aad(user_id: int, session_id: int) -> bytes:
    return f"wbs/v1/session/{user_id}/{session_id}".encode()


def open_statuses() -> list[str]:
    return [code for code, status in WBS.statuses.items() if not status.terminal]


# --------------------------------------------------------------------------- handlers


def handler_row(user_id: int) -> WbsHandler | None:
    return db.session.get(WbsHandler, user_id)


def is_handler(user) -> bool:
    """An appointed member of the Tim WBS (role `wbs` and an SK appointment)."""
    if user is None or not user.has_role(ROLE):
        return False
    row = handler_row(user.id)
    return row is not None and row.appointed


def recipients() -> list[tuple[str, int | None, bytes]]:
    """(holder, user id, public key) of everyone a new tip's data key is sealed for."""
    rows = db.session.execute(
        select(WbsHandler.user_id, WbsHandler.public_key, User.roles_csv)
        .join(User, User.id == WbsHandler.user_id)
        .where(WbsHandler.appointed.is_(True), WbsHandler.public_key.is_not(None))
        .order_by(WbsHandler.user_id)).all()
    out: list[tuple[str, int | None, bytes]] = [
        (HOLDER_HANDLER, uid, bytes(pub)) for uid, pub, roles in rows if ROLE in (roles or "").split(",")]
    for rec in db.session.scalars(select(WbsRecoveryKey).where(WbsRecoveryKey.active.is_(True))):
        out.append((HOLDER_RECOVERY, None, bytes(rec.public_key)))
    return out


def seal_for(tip_id: int, data_key: bytes, targets) -> list[WbsTipKey]:
    aad = data_key_aad(tip_id)
    return [WbsTipKey(tip_id=tip_id, holder=holder, user_id=uid, key_id=envelope.key_id(pub),
                      wrapped=envelope.seal(data_key, pub, aad)) for holder, uid, pub in targets]


# --------------------------------------------------------------------------- sign-in and password


@hooks_login.on_password_verified
def unlock_at_sign_in(user, password: str, user_session) -> None:
    """Inside the sign-in transaction: create the key pair if missing, then keep the private key
    for this session only (wrapped blob in the session row, its key in the handler's cookie)."""
    if not user.has_role(ROLE):
        return
    row = handler_row(user.id)
    if row is None or not row.appointed or not password:
        return
    if row.wrapped_private_key is None:
        private = create_keypair(row, user, password)
    else:
        try:
            private = envelope.unwrap_private_key(row.wrapped_private_key, password)
        except DecryptionError:
            # The password was just verified, so the wrapped key was altered: sign in without it.
            log.warning("wbs: the wrapped private key of account %s does not open", user.id)
            return
    sweep_session_blobs()
    db.session.flush()  # the session row's id binds the session blob
    secret, blob = envelope.wrap_for_session(private, session_aad(user.id, user_session.id))
    user_session.key_blob = blob
    cookie[COOKIE_KEY] = base64.b64encode(secret).decode("ascii")


def create_keypair(row: WbsHandler, user, password: str) -> bytes:
    """A fresh key pair for an appointed handler; the private half stored only wrapped by the password."""
    private, public = envelope.generate_keypair()
    row.wrapped_private_key = envelope.wrap_private_key(private, password)
    row.public_key, row.key_id, row.key_created_on = public, envelope.key_id(public), local_today()
    audit.log("wbs_key_created", actor=user, channel="wbs", detail={"key_id": row.key_id})
    return private


@hooks.on_password_changed
def rewrap_on_password_change(user, old_password: str, new_password: str) -> None:
    row = handler_row(user.id)
    if row is None or row.wrapped_private_key is None:
        return
    private = envelope.unwrap_private_key(row.wrapped_private_key, old_password)
    row.wrapped_private_key = envelope.wrap_private_key(private, new_password)
    audit.log("wbs_key_rewrapped", actor=user, channel="wbs", detail={"key_id": row.key_id})


@hooks.on_password_reset
def destroy_on_password_reset(user) -> None:
    """An admin set a new password: the old key pair cannot be opened any more, so it and every
    tip key sealed for it go. The handler gets a new pair at the next sign-in and must be granted
    access again by another handler or with the recovery key (no backdoor for the admin)."""
    row = handler_row(user.id)
    if row is None:
        return
    destroyed = _destroy_handler_keys(user.id)
    had_key = row.wrapped_private_key is not None
    row.wrapped_private_key = row.public_key = row.key_id = row.key_created_on = None
    if had_key or destroyed:
        audit.log("wbs_key_destroyed", channel="wbs", detail={"user_id": user.id, "tips": destroyed,
                                                              "reason": "password_reset"})


@hooks.on_roles_changed
def revoke_when_role_removed(user, before: set, after: set) -> None:
    if ROLE in before and ROLE not in after:
        row = handler_row(user.id)
        if row is not None and row.appointed:
            _revoke(row, reason="role_removed", actor=None)


def _destroy_handler_keys(user_id: int) -> int:
    result = db.session.execute(delete(WbsTipKey).where(WbsTipKey.holder == HOLDER_HANDLER,
                                                        WbsTipKey.user_id == user_id))
    return result.rowcount or 0


def sweep_session_blobs() -> int:
    """Destroy the key blobs of sessions left idle past expiry (browser closed, no logout): such a
    session can never be used again, so its half of the key has no reason to stay in the database."""
    from datetime import timedelta

    from flask import current_app

    from ..models.types import utcnow

    idle = timedelta(seconds=current_app.config["SESSION_IDLE_SECONDS"])
    result = db.session.execute(update(UserSession).where(UserSession.key_blob.is_not(None),
                                                          UserSession.last_seen < utcnow() - idle)
                                .values(key_blob=None))
    return result.rowcount or 0


def session_private_key(user) -> bytes | None:
    """The signed-in handler's private key for this request, or None (not unlocked / revoked)."""
    from ..auth.access import current_session

    record = current_session()
    raw = cookie.get(COOKIE_KEY)
    if record is None or not record.key_blob or not isinstance(raw, str) or record.user_id != user.id:
        return None
    try:
        secret = base64.b64decode(raw.encode("ascii"), validate=True)
        private = envelope.unwrap_for_session(secret, record.key_blob, session_aad(record.user_id, record.id))
    except (binascii.Error, ValueError, UnicodeEncodeError, DecryptionError):
        return None
    row = handler_row(user.id)
    if row is None or not row.appointed or row.public_key is None or envelope.public_key(private) != bytes(row.public_key):
        return None  # revoked or a new key pair since this sign-in
    return private


def handler_data_key(tip_id: int, user_id: int, private: bytes) -> bytes:
    """The tip's data key through this handler's sealed copy; NoAccess or DecryptionError."""
    wrapped = db.session.scalar(select(WbsTipKey.wrapped).where(
        WbsTipKey.tip_id == tip_id, WbsTipKey.holder == HOLDER_HANDLER, WbsTipKey.user_id == user_id))
    if wrapped is None:
        raise NoAccess()
    return envelope.open_sealed(bytes(wrapped), private, data_key_aad(tip_id))


# --------------------------------------------------------------------------- appointment (SK)


def parse_sk(sk_number: str | None, sk_date: str | date | None) -> tuple[str, date]:
    number = " ".join((sk_number or "").split())
    if not number or len(number) > 100:
        raise WbsKeyError(_("Nomor SK wajib diisi (paling banyak 100 karakter)."))
    if isinstance(sk_date, date):
        day = sk_date
    else:
        try:
            day = date.fromisoformat((sk_date or "").strip())
        except ValueError:
            raise WbsKeyError(_("Tanggal SK tidak valid; gunakan format TTTT-BB-HH.")) from None
    if day > local_today():
        raise WbsKeyError(_("Tanggal SK tidak boleh di masa depan."))
    return number, day


def appoint(sk_number, sk_date, user_ids: list[int], actor=None) -> list[User]:
    """Record the SK and appoint the named accounts (each must hold the role `wbs`)."""
    number, day = parse_sk(sk_number, sk_date)
    if not user_ids:
        raise WbsKeyError(_("Pilih minimal satu akun yang diangkat."))
    with write_transaction() as session:
        users = [session.get(User, uid) for uid in user_ids]
        for user in users:
            if user is None or not user.has_role(ROLE):
                raise WbsKeyError(_("Hanya akun dengan peran Pengelola WBS yang dapat diangkat."))
        decree = WbsDecree(sk_number=number, sk_date=day, recorded_by_id=getattr(actor, "id", None))
        session.add(decree)
        session.flush()
        for user in users:
            row = session.get(WbsHandler, user.id) or WbsHandler(user_id=user.id)
            row.appointed, row.decree_id, row.appointed_on, row.revoked_on = True, decree.id, local_today(), None
            session.add(row)
        session.flush()
        audit.log("wbs_appoint", actor=actor, channel="wbs",
                  detail={"decree_id": decree.id, "user_ids": [u.id for u in users]})
    return users


def _revoke(row: WbsHandler, *, reason: str, actor) -> int:
    destroyed = _destroy_handler_keys(row.user_id)
    row.appointed, row.revoked_on = False, local_today()
    row.wrapped_private_key = row.public_key = row.key_id = row.key_created_on = None
    db.session.execute(update(UserSession).where(UserSession.user_id == row.user_id).values(key_blob=None))
    audit.log("wbs_revoke", actor=actor, channel="wbs",
              detail={"user_id": row.user_id, "tips": destroyed, "reason": reason})
    return destroyed


def revoke(user_id: int, actor=None) -> int:
    """End an appointment: every wrapped key of the handler and the key pair are destroyed."""
    with write_transaction() as session:
        row = session.get(WbsHandler, user_id)
        if row is None or not row.appointed:
            raise WbsKeyError(_("Akun ini tidak sedang diangkat sebagai pengelola WBS."))
        return _revoke(row, reason="revoked", actor=actor)


@dataclass
class HandlerState:
    user: User
    row: WbsHandler | None
    has_key: bool
    holds: int
    missing: int  # open tips this appointed handler holds no key for (and is not excluded from)


def team() -> list[HandlerState]:
    """Every account with the role `wbs` and where it stands (admin and grant pages)."""
    users = db.session.scalars(select(User).where(User.roles_csv.contains(ROLE)).order_by(User.name)).all()
    open_ids = set(db.session.scalars(select(WbsTip.id).where(WbsTip.status.in_(open_statuses()))))
    out = []
    for user in users:
        if ROLE not in user.roles:
            continue
        row = handler_row(user.id)
        held = set(db.session.scalars(select(WbsTipKey.tip_id).where(
            WbsTipKey.holder == HOLDER_HANDLER, WbsTipKey.user_id == user.id)))
        excluded = set(db.session.scalars(select(WbsExclusion.tip_id).where(WbsExclusion.user_id == user.id)))
        missing = len(open_ids - held - excluded) if row is not None and row.appointed else 0
        out.append(HandlerState(user, row, bool(row and row.public_key), len(held), missing))
    return out


# --------------------------------------------------------------------------- grants


def _grant_target(session, target_user_id: int) -> WbsHandler:
    row = session.get(WbsHandler, target_user_id)
    user = session.get(User, target_user_id)
    if row is None or not row.appointed or user is None or not user.has_role(ROLE):
        raise WbsKeyError(_("Akun ini belum diangkat sebagai pengelola WBS."))
    if row.public_key is None:
        raise WbsKeyError(_("Akun ini belum memiliki pasangan kunci. Minta yang bersangkutan masuk sekali "
                            "(kunci dibuat saat masuk), lalu beri akses."))
    return row


def _skip_for(session, target_user_id: int) -> set[int]:
    held = set(session.scalars(select(WbsTipKey.tip_id).where(
        WbsTipKey.holder == HOLDER_HANDLER, WbsTipKey.user_id == target_user_id)))
    excluded = set(session.scalars(select(WbsExclusion.tip_id).where(WbsExclusion.user_id == target_user_id)))
    return held | excluded


def _store_grants(target_user_id: int, key_id: str, sealed: list[WbsTipKey], actor, via: str) -> int:
    with write_transaction() as session:
        row = _grant_target(session, target_user_id)
        if row.key_id != key_id:
            raise WbsKeyError(_("Kunci akun tujuan berubah selama proses. Ulangi."))
        skip = _skip_for(session, target_user_id)
        fresh = [item for item in sealed if item.tip_id not in skip]
        session.add_all(fresh)
        session.flush()
        audit.log("wbs_grant", actor=actor, channel="wbs",
                  detail={"user_id": target_user_id, "tips": len(fresh), "via": via})
    return len(fresh)


def grant_from_handler(granter, private: bytes, target_user_id: int) -> int:
    """Re-seal every open tip the granter holds for the target handler's public key."""
    if target_user_id == granter.id:
        raise WbsKeyError(_("Anda tidak dapat memberi akses kepada diri sendiri."))
    row = _grant_target(db.session, target_user_id)
    public, key_id = bytes(row.public_key), row.key_id
    skip = _skip_for(db.session, target_user_id)
    held = db.session.execute(
        select(WbsTipKey.tip_id, WbsTipKey.wrapped).join(WbsTip, WbsTip.id == WbsTipKey.tip_id)
        .where(WbsTipKey.holder == HOLDER_HANDLER, WbsTipKey.user_id == granter.id,
               WbsTip.status.in_(open_statuses()))).all()
    sealed = []
    for tip_id, wrapped in held:
        if tip_id in skip:
            continue
        try:
            data_key = envelope.open_sealed(bytes(wrapped), private, data_key_aad(tip_id))
        except DecryptionError:
            log.warning("wbs: tip key %s of account %s does not open", tip_id, granter.id)
            continue
        sealed.extend(seal_for(tip_id, data_key, [(HOLDER_HANDLER, target_user_id, public)]))
    return _store_grants(target_user_id, key_id, sealed, granter, "handler")


def grant_from_recovery(printable: str, target_user_id: int, actor) -> int:
    """Open every open tip's recovery copy with the pasted recovery key (used, never stored)."""
    try:
        private = envelope.parse_recovery_key(printable or "")
    except ValueError as exc:
        raise WbsKeyError(_("Kunci pemulihan tidak valid: %(why)s", why=str(exc))) from None
    rec_key_id = envelope.key_id(envelope.public_key(private))
    if db.session.scalar(select(WbsRecoveryKey.id).where(WbsRecoveryKey.key_id == rec_key_id)) is None:
        raise WbsKeyError(_("Kunci pemulihan ini bukan milik portal ini."))
    row = _grant_target(db.session, target_user_id)
    public, key_id = bytes(row.public_key), row.key_id
    skip = _skip_for(db.session, target_user_id)
    copies = db.session.execute(
        select(WbsTipKey.tip_id, WbsTipKey.wrapped).join(WbsTip, WbsTip.id == WbsTipKey.tip_id)
        .where(WbsTipKey.holder == HOLDER_RECOVERY, WbsTipKey.key_id == rec_key_id,
               WbsTip.status.in_(open_statuses()))).all()
    sealed = []
    for tip_id, wrapped in copies:
        if tip_id in skip:
            continue
        try:
            data_key = envelope.open_sealed(bytes(wrapped), private, data_key_aad(tip_id))
        except DecryptionError:
            log.warning("wbs: recovery copy of tip %s does not open", tip_id)
            continue
        sealed.extend(seal_for(tip_id, data_key, [(HOLDER_HANDLER, target_user_id, public)]))
    return _store_grants(target_user_id, key_id, sealed, actor, "recovery_key")


# --------------------------------------------------------------------------- conflict of interest


def exclude(tip_id: int, target_user_id: int, actor) -> None:
    """Keep a handler away from one tip: their sealed copy of its data key is destroyed."""
    with write_transaction() as session:
        if session.get(WbsTip, tip_id) is None:
            raise WbsKeyError(_("Laporan tidak ditemukan."))
        if session.scalar(select(WbsExclusion.id).where(WbsExclusion.tip_id == tip_id,
                                                        WbsExclusion.user_id == target_user_id)):
            raise WbsKeyError(_("Petugas ini sudah dikecualikan dari laporan ini."))
        if session.get(User, target_user_id) is None:
            raise WbsKeyError(_("Petugas tidak ditemukan."))
        session.execute(delete(WbsTipKey).where(WbsTipKey.tip_id == tip_id, WbsTipKey.holder == HOLDER_HANDLER,
                                                WbsTipKey.user_id == target_user_id))
        session.add(WbsExclusion(tip_id=tip_id, user_id=target_user_id, by_id=getattr(actor, "id", None),
                                 day=local_today()))
        session.flush()
        audit.log("wbs_exclude", actor=actor, channel="wbs", case_ref=str(tip_id),
                  detail={"user_id": target_user_id})


def holders(tip_id: int) -> list[User]:
    ids = db.session.scalars(select(WbsTipKey.user_id).where(WbsTipKey.tip_id == tip_id,
                                                            WbsTipKey.holder == HOLDER_HANDLER)).all()
    if not ids:
        return []
    return db.session.scalars(select(User).where(User.id.in_(ids)).order_by(User.name)).all()


def excluded_users(tip_id: int) -> list[User]:
    ids = db.session.scalars(select(WbsExclusion.user_id).where(WbsExclusion.tip_id == tip_id)).all()
    if not ids:
        return []
    return db.session.scalars(select(User).where(User.id.in_(ids)).order_by(User.name)).all()


def is_excluded(tip_id: int, user_id: int) -> bool:
    return db.session.scalar(select(func.count()).select_from(WbsExclusion).where(
        WbsExclusion.tip_id == tip_id, WbsExclusion.user_id == user_id)) > 0


# --------------------------------------------------------------------------- recovery key


def create_recovery_key(replace: bool = False, actor=None) -> str:
    """A new organisation recovery key pair; returns the printable private half (shown once).

    Only the public half is stored. With replace, the old key stays able to open the tips
    already sealed for it (keep its paper copy until those are purged), new tips use the new one.
    """
    with write_transaction() as session:
        existing = session.scalars(select(WbsRecoveryKey).where(WbsRecoveryKey.active.is_(True))).all()
        if existing and not replace:
            raise WbsKeyError(_("Kunci pemulihan sudah ada. Gunakan --replace untuk membuat yang baru."))
        for old in existing:
            old.active = False
        printable, public = envelope.generate_recovery_key()
        session.add(WbsRecoveryKey(public_key=public, key_id=envelope.key_id(public), created_on=local_today(),
                                   active=True))
        session.flush()
        audit.log("wbs_recovery_key_created", actor=actor, channel="wbs",
                  detail={"key_id": envelope.key_id(public), "replaced": len(existing)})
    return printable


def recovery_key_present() -> bool:
    return db.session.scalar(select(func.count()).select_from(WbsRecoveryKey).where(
        WbsRecoveryKey.active.is_(True))) > 0
