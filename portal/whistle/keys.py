"""Handler keys: appointment by SK (a record), key pairs born at a password the handler chose and
rotated at every change, endorsement (portal/whistle/trust.py: only endorsed keys receive tips),
the session key, grants and restores (by a handler or the recovery key), revocation, two-handler
exclusion, shredding of destroyed keys, and the recovery key.

Every secret here exists in clear only in the memory of the request that uses it. At rest:
- a handler's private key: crypto.keypairs.wrap_private_key (Argon2id of the password, its own salt);
- while signed in: crypto.sessions.wrap_for_session, blob in UserSession.key_blob, secret in the cookie;
- a tip's data key: sealed for each handler's public key and the recovery public key, and
  wrapped under the receipt-derived key (portal/whistle/services.py).
"""
from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from datetime import date

from flask import session as cookie
from flask_babel import gettext as _
from sqlalchemy import delete, event, func, select, update
from sqlalchemy.orm import Session

from .. import audit, hooks, hooks_login
from ..clock import local_today
from ..crypto import envelope, kdf, keypairs, signing
from ..crypto import sessions as session_crypto
from ..crypto.aead import DecryptionError
from ..database import write_transaction
from ..extensions import db
from ..models import User, UserSession
from ..models.wbs import (HOLDER_HANDLER, HOLDER_RECOVERY, WbsDecree, WbsExclusion, WbsHandler, WbsRecoveryKey,
                          WbsTip, WbsTipKey)
from ..workflow import WBS
from . import trust

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
    return list(WBS.open)


# --------------------------------------------------------------------------- handlers


def handler_row(user_id: int) -> WbsHandler | None:
    return db.session.get(WbsHandler, user_id)


def is_handler(user) -> bool:
    """An appointed member of the Tim WBS (role `wbs` and an SK appointment)."""
    if user is None or not user.has_role(ROLE):
        return False
    row = handler_row(user.id)
    return row is not None and row.appointed


def is_endorsed(row: WbsHandler | None, roots: list[bytes] | None = None) -> bool:
    """The handler's current key pair carries a certificate chain back to the pinned recovery key."""
    if row is None or row.public_key is None or row.signing_public is None or not row.endorsement:
        return False
    if roots is None:
        root = trust.active_root()
        roots = [root.signing_public] if root else []
    return _chain_verifies(row.endorsement, row.user_id, bytes(row.public_key), bytes(row.signing_public),
                           tuple(bytes(r) for r in roots))


@functools.lru_cache(maxsize=512)
def _chain_verifies(endorsement: str, user_id: int, public: bytes, signing_public: bytes,
                    roots: tuple[bytes, ...]) -> bool:
    """trust.chain_verifies, remembered by the worker: the answer depends on nothing but these values
    (the stored chain, the row's account and keys, the pinned roots), so every tip need not verify
    the same Ed25519 signatures again; any change to one of them is another question."""
    return trust.chain_verifies(trust.load_chain(endorsement), user_id=user_id, public=public,
                                signing_public=signing_public, roots=list(roots))


# Built once: every tip submission runs it.
_RECIPIENT_ROWS = (select(WbsHandler, User.roles_csv)
                   .join(User, User.id == WbsHandler.user_id)
                   .where(WbsHandler.appointed.is_(True), WbsHandler.public_key.is_not(None), User.active.is_(True))
                   .order_by(WbsHandler.user_id))


def recipients() -> list[tuple[str, int | None, bytes]]:
    """(holder, user id, public key) of everyone a new tip's data key is sealed for: each appointed,
    active account with the role whose key's endorsement verifies against the recovery key pinned
    in instance/, and that recovery key itself (read from the pinned file, not the database)."""
    root = trust.active_root()
    roots = [root.signing_public] if root else []
    rows = db.session.execute(_RECIPIENT_ROWS).all()
    out: list[tuple[str, int | None, bytes]] = []
    for row, roles in rows:
        if ROLE not in (roles or "").split(","):
            continue
        if not is_endorsed(row, roots):
            if row.endorsement:
                log.warning("wbs: the endorsement of account %s does not verify; no tip is sealed for it", row.user_id)
            continue
        out.append((HOLDER_HANDLER, row.user_id, bytes(row.public_key)))
    if root is not None:
        out.append((HOLDER_RECOVERY, None, root.public))
    return out


def seal_for(tip_id: int, data_key: bytes, targets) -> list[WbsTipKey]:
    aad = data_key_aad(tip_id)
    return [WbsTipKey(tip_id=tip_id, holder=holder, user_id=uid, key_id=keypairs.key_id(pub),
                      wrapped=keypairs.seal(data_key, pub, aad)) for holder, uid, pub in targets]


# --------------------------------------------------------------------------- sign-in and password


@hooks_login.on_password_verified
def unlock_at_sign_in(user, password: str, user_session) -> None:
    """Inside the sign-in transaction (password step): unwrap an existing key pair and keep the
    private key for this session only (wrapped blob in the session row, its key in the cookie).
    The session admits nobody before the second factor. No key pair is ever MADE here: the
    password may be one an admin chose (a new account, a reset); see rotate_on_password_change."""
    if not user.has_role(ROLE):
        return
    row = handler_row(user.id)
    if row is None or not row.appointed or not password or row.wrapped_private_key is None:
        return
    try:
        private = keypairs.unwrap_private_key(row.wrapped_private_key, password)
    except DecryptionError:
        # The password was just verified, so the wrapped key was altered: sign in without it.
        log.warning("wbs: the wrapped private key of account %s does not open", user.id)
        return
    sweep_session_blobs()
    db.session.flush()  # the session row's id binds the session blob
    _keep_in_session(user_session, user, private)


def _keep_in_session(user_session, user, private: bytes) -> None:
    secret, blob = session_crypto.wrap_for_session(private, session_aad(user.id, user_session.id))
    user_session.key_blob = blob
    cookie[COOKIE_KEY] = session_crypto.cookie_value(secret)


configured_kdf = kdf.configured  # the Argon2id cost in use (cheap only in the test configuration)


def _set_keypair(row: WbsHandler, private: bytes, public: bytes, password: str) -> None:
    row.wrapped_private_key = keypairs.wrap_private_key(
        private, password, configured_kdf("WBS_PASSWORD_KDF", kdf.PASSWORD_KDF))
    row.public_key, row.key_id, row.key_created_on = public, keypairs.key_id(public), local_today()
    row.signing_public = signing.signing_public_key(private)


def create_keypair(row: WbsHandler, user, password: str) -> bytes:
    """A fresh, not yet endorsed key pair; the private half stored only wrapped by the password."""
    private, public = keypairs.generate_keypair()
    _set_keypair(row, private, public, password)
    row.endorsement, row.endorsed_on = None, None
    audit.log("wbs_key_created", actor=user, channel="wbs", detail={"key_id": row.key_id})
    return private


def _current_session_of(user):
    from ..auth.access import current_session

    try:
        record = current_session()
    except RuntimeError:  # no request (a CLI or a test calling the service)
        return None
    return record if record is not None and record.user_id == user.id else None


@hooks.on_password_changed
def rotate_on_password_change(user, old_password: str, new_password: str) -> None:
    """The account holder, fully signed in, chose a new password. An appointed handler without a
    key pair gets one now (the only place a key pair is born). One with a key pair gets a NEW pair:
    every sealed copy for the old key is re-sealed for the new one in this transaction, the old key
    signs the new one (the endorsement chain carries over), and the old private key is destroyed —
    so an old backup plus the old password opens nothing sealed after the change."""
    row = handler_row(user.id)
    if row is None or not row.appointed or not user.has_role(ROLE):
        return
    record = _current_session_of(user)
    old_private = None
    if row.wrapped_private_key is not None:
        try:
            old_private = keypairs.unwrap_private_key(row.wrapped_private_key, old_password)
        except DecryptionError:
            log.warning("wbs: the wrapped private key of account %s does not open; a new pair replaces it", user.id)
    if old_private is None:
        if row.wrapped_private_key is not None:
            _destroy_handler_keys(user.id)
        private = create_keypair(row, user, new_password)
    else:
        private = _rotate(row, user, old_private, new_password)
    db.session.execute(update(UserSession).where(UserSession.user_id == user.id).values(key_blob=None)
                       .execution_options(synchronize_session=False))
    if record is not None:
        db.session.flush()
        _keep_in_session(record, user, private)
    mark_for_shredding()


def _rotate(row: WbsHandler, user, old_private: bytes, new_password: str) -> bytes:
    new_private, new_public = keypairs.generate_keypair()
    new_key_id = keypairs.key_id(new_public)
    resealed = 0
    for copy in db.session.scalars(select(WbsTipKey).where(WbsTipKey.holder == HOLDER_HANDLER,
                                                           WbsTipKey.user_id == user.id)):
        aad = data_key_aad(copy.tip_id)
        try:
            data_key = keypairs.open_sealed(bytes(copy.wrapped), old_private, aad)
        except DecryptionError:
            log.warning("wbs: tip key %s of account %s does not open; dropped at key rotation", copy.tip_id, user.id)
            db.session.delete(copy)
            continue
        copy.wrapped, copy.key_id = keypairs.seal(data_key, new_public, aad), new_key_id
        resealed += 1
    endorsed = is_endorsed(row)
    old_key_id = row.key_id
    chain = trust.load_chain(row.endorsement) if endorsed else []
    new_signing = signing.signing_public_key(new_private)
    if endorsed:
        chain.append(trust.certificate(old_private, purpose=trust.PURPOSE_ROTATE, user_id=user.id, email=user.email,
                                       public=new_public, signing_public=new_signing, day=local_today().isoformat()))
    _set_keypair(row, new_private, new_public, new_password)
    row.endorsement = trust.dump_chain(chain) if chain else None
    if not endorsed:
        row.endorsed_on = None
    audit.log("wbs_key_rotated", actor=user, channel="wbs",
              detail={"old_key_id": old_key_id, "key_id": new_key_id, "tips": resealed, "endorsed": endorsed})
    return new_private


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
    _clear_keypair(row)
    mark_for_shredding()
    if had_key or destroyed:
        audit.log("wbs_key_destroyed", channel="wbs", detail={"user_id": user.id, "tips": destroyed,
                                                              "reason": "password_reset"})


@hooks.on_roles_changed
def revoke_when_role_removed(user, before: set, after: set) -> None:
    if ROLE in before and ROLE not in after:
        row = handler_row(user.id)
        if row is not None and row.appointed:
            _revoke(row, reason="role_removed", actor=None)


def _clear_keypair(row: WbsHandler) -> None:
    row.wrapped_private_key = row.public_key = row.key_id = row.key_created_on = None
    row.signing_public = row.endorsement = row.endorsed_on = None


def mark_for_shredding() -> None:
    """After this transaction commits, push deleted key material out of the SQLite WAL."""
    db.session.info["wbs_shred"] = True


@event.listens_for(Session, "after_commit")
def _shred_after_commit(session) -> None:
    """secure_delete (portal/database.py) zeroes freed database pages; the old page images stay in
    the write-ahead log until a checkpoint, so a TRUNCATE checkpoint copies the zeroed pages back
    and empties the WAL. (PostgreSQL: see docs/security.md on VACUUM.)"""
    if not session.info.pop("wbs_shred", False):
        return
    try:
        bind = session.get_bind()
    except Exception:  # noqa: BLE001 - no bind, nothing to shred
        return
    if bind.dialect.name != "sqlite":
        return
    raw = bind.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        cursor.close()
    finally:
        raw.close()


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
    secret = session_crypto.from_cookie(cookie.get(COOKIE_KEY))
    if record is None or not record.key_blob or secret is None or record.user_id != user.id:
        return None
    try:
        private = session_crypto.unwrap_for_session(secret, record.key_blob, session_aad(record.user_id, record.id))
    except DecryptionError:
        return None
    row = handler_row(user.id)
    if row is None or not row.appointed or row.public_key is None or keypairs.public_key(private) != bytes(row.public_key):
        return None  # revoked or a new key pair since this sign-in
    return private


def handler_data_key(tip_id: int, user_id: int, private: bytes) -> bytes:
    """The tip's data key through this handler's sealed copy; NoAccess or DecryptionError."""
    wrapped = db.session.scalar(select(WbsTipKey.wrapped).where(
        WbsTipKey.tip_id == tip_id, WbsTipKey.holder == HOLDER_HANDLER, WbsTipKey.user_id == user_id))
    if wrapped is None:
        raise NoAccess()
    return keypairs.open_sealed(bytes(wrapped), private, data_key_aad(tip_id))


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
    _clear_keypair(row)
    db.session.execute(update(UserSession).where(UserSession.user_id == row.user_id).values(key_blob=None))
    mark_for_shredding()
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
    endorsed: bool = False


def team() -> list[HandlerState]:
    """Every account with the role `wbs` and where it stands (admin and grant pages)."""
    users = db.session.scalars(select(User).where(User.roles_csv.contains(ROLE)).order_by(User.name)).all()
    open_ids = set(db.session.scalars(select(WbsTip.id).where(WbsTip.status.in_(open_statuses()))))
    root = trust.active_root()
    roots = [root.signing_public] if root else []
    out = []
    for user in users:
        if ROLE not in user.roles:
            continue
        row = handler_row(user.id)
        held = set(db.session.scalars(select(WbsTipKey.tip_id).where(
            WbsTipKey.holder == HOLDER_HANDLER, WbsTipKey.user_id == user.id)))
        excluded = _excluded_tip_ids(db.session, user.id)
        missing = len(open_ids - held - excluded) if row is not None and row.appointed else 0
        out.append(HandlerState(user, row, bool(row and row.public_key), len(held), missing,
                                bool(row and row.appointed and is_endorsed(row, roots))))
    return out


def own_fingerprint(user) -> str | None:
    """The fingerprint a handler reads out to whoever endorses their key (both screens show it)."""
    row = handler_row(user.id)
    if row is None or row.public_key is None or row.signing_public is None:
        return None
    return signing.fingerprint(bytes(row.public_key), bytes(row.signing_public))


# --------------------------------------------------------------------------- endorsement


def _endorsable(session, target_user_id: int) -> tuple[WbsHandler, User]:
    row = session.get(WbsHandler, target_user_id)
    user = session.get(User, target_user_id)
    if row is None or not row.appointed or user is None or not user.has_role(ROLE) or not user.active:
        raise WbsKeyError(_("Akun ini belum diangkat sebagai pengelola WBS."))
    if row.public_key is None or row.signing_public is None:
        raise WbsKeyError(_("Akun ini belum memiliki pasangan kunci. Pasangan kunci dibuat saat pemiliknya, "
                            "sesudah masuk lengkap, mengganti kata sandi dengan pilihannya sendiri."))
    if is_endorsed(row):
        raise WbsKeyError(_("Kunci akun ini sudah disahkan."))
    return row, user


def _check_fingerprint(row: WbsHandler, typed: str | None) -> None:
    expected = signing.fingerprint(bytes(row.public_key), bytes(row.signing_public))
    if not signing.fingerprints_match(typed, expected):
        raise WbsKeyError(_("Sidik jari kunci tidak cocok dengan yang tampil di layar pengelola baru. "
                            "Kunci tidak disahkan."))


def _recovery_private(printable: str) -> tuple[bytes, trust.RootKey]:
    """The pasted recovery key and the pinned entry it belongs to (never stored)."""
    try:
        private = envelope.parse_recovery_key(printable or "")
    except ValueError as exc:
        raise WbsKeyError(_("Kunci pemulihan tidak valid: %(why)s", why=str(exc))) from None
    public = keypairs.public_key(private)
    for root in trust.pinned_keys():
        if root.public == public:
            return private, root
    raise WbsKeyError(_("Kunci pemulihan ini bukan milik portal ini."))


def _store_endorsement(session, row: WbsHandler, user: User, chain: list[dict], actor, via: str) -> None:
    row.endorsement, row.endorsed_on = trust.dump_chain(chain), local_today()
    if not is_endorsed(row):  # never store a chain the sealing code would refuse
        raise WbsKeyError(_("Pengesahan tidak dapat diverifikasi terhadap kunci pemulihan yang dipasang di server."))
    session.flush()
    audit.log("wbs_endorse", actor=actor, channel="wbs",
              detail={"user_id": user.id, "key_id": row.key_id, "via": via})


def endorse_with_recovery(printable: str, target_user_id: int, fingerprint: str | None = None, actor=None) -> int:
    """The head of office endorses a handler's key with the recovery key (the active pinned one),
    then re-seals every open tip for it from the recovery copies. Returns the tips granted."""
    private, root = _recovery_private(printable)
    if not root.active:
        raise WbsKeyError(_("Kunci pemulihan ini sudah diganti; gunakan kunci pemulihan yang berlaku."))
    with write_transaction() as session:
        row, user = _endorsable(session, target_user_id)
        if fingerprint:
            _check_fingerprint(row, fingerprint)
        cert = trust.certificate(private, purpose=trust.PURPOSE_ENDORSE, user_id=user.id, email=user.email,
                                 public=bytes(row.public_key), signing_public=bytes(row.signing_public),
                                 day=local_today().isoformat())
        _store_endorsement(session, row, user, [cert], actor, "recovery_key")
    return grant_from_recovery(printable, target_user_id, actor)


def endorse_by_handler(endorser, private: bytes, target_user_id: int, typed_fingerprint: str | None) -> int:
    """An endorsed handler vouches for a newcomer's key after both compared its fingerprint (the
    endorser types what the newcomer's screen shows), then shares the open tips they hold."""
    if target_user_id == endorser.id:
        raise WbsKeyError(_("Anda tidak dapat mengesahkan kunci Anda sendiri."))
    with write_transaction() as session:
        own = session.get(WbsHandler, endorser.id)
        if (own is None or not own.appointed or own.public_key is None
                or keypairs.public_key(private) != bytes(own.public_key) or not is_endorsed(own)):
            raise WbsKeyError(_("Hanya pengelola yang kuncinya sudah disahkan dapat mengesahkan kunci orang lain."))
        row, user = _endorsable(session, target_user_id)
        _check_fingerprint(row, typed_fingerprint)
        chain = trust.load_chain(own.endorsement)
        chain.append(trust.certificate(private, purpose=trust.PURPOSE_ENDORSE, user_id=user.id, email=user.email,
                                       public=bytes(row.public_key), signing_public=bytes(row.signing_public),
                                       day=local_today().isoformat()))
        _store_endorsement(session, row, user, chain, endorser, "handler")
    return grant_from_handler(endorser, private, target_user_id)


# --------------------------------------------------------------------------- grants


def _grant_target(session, target_user_id: int) -> WbsHandler:
    row = session.get(WbsHandler, target_user_id)
    user = session.get(User, target_user_id)
    if row is None or not row.appointed or user is None or not user.has_role(ROLE) or not user.active:
        raise WbsKeyError(_("Akun ini belum diangkat sebagai pengelola WBS."))
    if row.public_key is None:
        raise WbsKeyError(_("Akun ini belum memiliki pasangan kunci. Pasangan kunci dibuat saat pemiliknya, "
                            "sesudah masuk lengkap, mengganti kata sandi dengan pilihannya sendiri."))
    if not is_endorsed(row):
        raise WbsKeyError(_("Kunci akun ini belum disahkan (oleh Kepala Dinas dengan kunci pemulihan, atau oleh "
                            "pengelola yang sudah disahkan setelah membandingkan sidik jari kunci)."))
    return row


def _excluded_tip_ids(session, user_id: int) -> set[int]:
    return set(session.scalars(select(WbsExclusion.tip_id).where(WbsExclusion.user_id == user_id,
                                                                 WbsExclusion.pending.is_(False))))


def _skip_for(session, target_user_id: int) -> set[int]:
    held = set(session.scalars(select(WbsTipKey.tip_id).where(
        WbsTipKey.holder == HOLDER_HANDLER, WbsTipKey.user_id == target_user_id)))
    return held | _excluded_tip_ids(session, target_user_id)


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
    """Re-seal every open tip the granter holds for the target handler's (endorsed) public key."""
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
            data_key = keypairs.open_sealed(bytes(wrapped), private, data_key_aad(tip_id))
        except DecryptionError:
            log.warning("wbs: tip key %s of account %s does not open", tip_id, granter.id)
            continue
        sealed.extend(seal_for(tip_id, data_key, [(HOLDER_HANDLER, target_user_id, public)]))
    return _store_grants(target_user_id, key_id, sealed, granter, "handler")


def _recovery_copies(private: bytes, tip_ids=None, open_only: bool = True):
    """(tip id, data key) of the tips whose recovery copy opens with this recovery private key."""
    rec_key_id = keypairs.key_id(keypairs.public_key(private))
    query = (select(WbsTipKey.tip_id, WbsTipKey.wrapped).join(WbsTip, WbsTip.id == WbsTipKey.tip_id)
             .where(WbsTipKey.holder == HOLDER_RECOVERY, WbsTipKey.key_id == rec_key_id))
    if open_only:
        query = query.where(WbsTip.status.in_(open_statuses()))
    if tip_ids is not None:
        query = query.where(WbsTip.id.in_(list(tip_ids)))
    for tip_id, wrapped in db.session.execute(query).all():
        try:
            yield tip_id, keypairs.open_sealed(bytes(wrapped), private, data_key_aad(tip_id))
        except DecryptionError:
            log.warning("wbs: recovery copy of tip %s does not open", tip_id)


def grant_from_recovery(printable: str, target_user_id: int, actor) -> int:
    """Open every open tip's recovery copy with the pasted recovery key (used, never stored)."""
    private, _root = _recovery_private(printable)
    row = _grant_target(db.session, target_user_id)
    public, key_id = bytes(row.public_key), row.key_id
    skip = _skip_for(db.session, target_user_id)
    sealed = []
    for tip_id, data_key in _recovery_copies(private):
        if tip_id not in skip:
            sealed.extend(seal_for(tip_id, data_key, [(HOLDER_HANDLER, target_user_id, public)]))
    return _store_grants(target_user_id, key_id, sealed, actor, "recovery_key")


def restore(printable: str, tip_ids: list[int], target_user_id: int, actor=None) -> list[int]:
    """The recovery key gives tips back to an endorsed handler on purpose — closed tips and tips the
    handler was excluded from included (the exclusion is lifted). Returns the tips restored."""
    private, _root = _recovery_private(printable)
    wanted = sorted(set(int(t) for t in tip_ids))
    if not wanted:
        raise WbsKeyError(_("Sebutkan minimal satu laporan."))
    opened = dict(_recovery_copies(private, wanted, open_only=False))
    missing = [t for t in wanted if t not in opened]
    if missing:
        raise WbsKeyError(_("Salinan kunci pemulihan tidak ada untuk laporan: %(ids)s",
                            ids=", ".join(map(str, missing))))
    with write_transaction() as session:
        row = _grant_target(session, target_user_id)
        public = bytes(row.public_key)
        done = []
        for tip_id in wanted:
            session.execute(delete(WbsExclusion).where(WbsExclusion.tip_id == tip_id,
                                                       WbsExclusion.user_id == target_user_id))
            session.execute(delete(WbsTipKey).where(WbsTipKey.tip_id == tip_id, WbsTipKey.holder == HOLDER_HANDLER,
                                                    WbsTipKey.user_id == target_user_id))
            session.add_all(seal_for(tip_id, opened[tip_id], [(HOLDER_HANDLER, target_user_id, public)]))
            session.flush()
            audit.log("wbs_restore", actor=actor, channel="wbs", case_ref=str(tip_id),
                      detail={"user_id": target_user_id, "via": "recovery_key"})
            done.append(tip_id)
    return done


# --------------------------------------------------------------------------- conflict of interest


def exclude(tip_id: int, target_user_id: int, actor) -> bool:
    """Keep a handler away from one tip. Stepping aside oneself takes effect at once (one's own
    copy is destroyed). Excluding someone else is a request that takes effect only when a second
    handler confirms it (confirm_exclusion): one handler alone cannot lock the others out.
    Returns True when the exclusion took effect now."""
    with write_transaction() as session:
        if session.get(WbsTip, tip_id) is None:
            raise WbsKeyError(_("Laporan tidak ditemukan."))
        existing = session.scalar(select(WbsExclusion).where(WbsExclusion.tip_id == tip_id,
                                                             WbsExclusion.user_id == target_user_id))
        if existing is not None:
            if existing.pending:
                raise WbsKeyError(_("Pengecualian petugas ini sudah diajukan dan menunggu konfirmasi pengelola lain."))
            raise WbsKeyError(_("Petugas ini sudah dikecualikan dari laporan ini."))
        if session.get(User, target_user_id) is None:
            raise WbsKeyError(_("Petugas tidak ditemukan."))
        own = target_user_id == getattr(actor, "id", None)
        session.add(WbsExclusion(tip_id=tip_id, user_id=target_user_id, by_id=getattr(actor, "id", None),
                                 day=local_today(), pending=not own))
        if own:
            _drop_copy(session, tip_id, target_user_id)
        session.flush()
        audit.log("wbs_exclude" if own else "wbs_exclude_requested", actor=actor, channel="wbs",
                  case_ref=str(tip_id), detail={"user_id": target_user_id})
    return own


def confirm_exclusion(tip_id: int, target_user_id: int, actor) -> None:
    """A second handler (not the one who asked, not the one excluded) confirms: the copy goes."""
    with write_transaction() as session:
        request_row = session.scalar(select(WbsExclusion).where(
            WbsExclusion.tip_id == tip_id, WbsExclusion.user_id == target_user_id, WbsExclusion.pending.is_(True)))
        if request_row is None:
            raise WbsKeyError(_("Tidak ada permintaan pengecualian untuk petugas ini."))
        if actor.id in (request_row.by_id, target_user_id):
            raise WbsKeyError(_("Pengecualian harus dikonfirmasi oleh pengelola lain (bukan pengaju dan bukan "
                                "petugas yang dikecualikan)."))
        request_row.pending, request_row.confirmed_by_id = False, actor.id
        _drop_copy(session, tip_id, target_user_id)
        session.flush()
        audit.log("wbs_exclude", actor=actor, channel="wbs", case_ref=str(tip_id),
                  detail={"user_id": target_user_id, "requested_by": request_row.by_id})


def exclude_with_recovery(printable: str, tip_id: int, target_user_id: int, actor=None) -> None:
    """The head of office, holding the recovery key, decides an exclusion alone (a team of two has
    no third handler to confirm): a pending request is confirmed, or the exclusion made at once."""
    _recovery_private(printable)
    with write_transaction() as session:
        if session.get(WbsTip, tip_id) is None:
            raise WbsKeyError(_("Laporan tidak ditemukan."))
        if session.get(User, target_user_id) is None:
            raise WbsKeyError(_("Petugas tidak ditemukan."))
        row = session.scalar(select(WbsExclusion).where(WbsExclusion.tip_id == tip_id,
                                                        WbsExclusion.user_id == target_user_id))
        if row is not None and not row.pending:
            raise WbsKeyError(_("Petugas ini sudah dikecualikan dari laporan ini."))
        if row is None:
            row = WbsExclusion(tip_id=tip_id, user_id=target_user_id, by_id=getattr(actor, "id", None),
                               day=local_today())
            session.add(row)
        row.pending = False
        _drop_copy(session, tip_id, target_user_id)
        session.flush()
        audit.log("wbs_exclude", actor=actor, channel="wbs", case_ref=str(tip_id),
                  detail={"user_id": target_user_id, "via": "recovery_key"})


def _drop_copy(session, tip_id: int, user_id: int) -> None:
    # Only this handler's copy: the recovery copy stays as long as the tip exists.
    session.execute(delete(WbsTipKey).where(WbsTipKey.tip_id == tip_id, WbsTipKey.holder == HOLDER_HANDLER,
                                            WbsTipKey.user_id == user_id))
    mark_for_shredding()


def holders(tip_id: int) -> list[User]:
    ids = db.session.scalars(select(WbsTipKey.user_id).where(WbsTipKey.tip_id == tip_id,
                                                            WbsTipKey.holder == HOLDER_HANDLER)).all()
    if not ids:
        return []
    return db.session.scalars(select(User).where(User.id.in_(ids)).order_by(User.name)).all()


def _exclusion_users(tip_id: int, pending: bool) -> list[User]:
    ids = db.session.scalars(select(WbsExclusion.user_id).where(WbsExclusion.tip_id == tip_id,
                                                               WbsExclusion.pending.is_(pending))).all()
    if not ids:
        return []
    return db.session.scalars(select(User).where(User.id.in_(ids)).order_by(User.name)).all()


def excluded_users(tip_id: int) -> list[User]:
    return _exclusion_users(tip_id, False)


def pending_exclusions(tip_id: int) -> list[tuple[User, int | None]]:
    """(user to exclude, id of who asked) awaiting a second handler."""
    rows = db.session.execute(select(WbsExclusion.user_id, WbsExclusion.by_id).where(
        WbsExclusion.tip_id == tip_id, WbsExclusion.pending.is_(True))).all()
    return [(db.session.get(User, uid), by) for uid, by in rows]


def is_excluded(tip_id: int, user_id: int) -> bool:
    return db.session.scalar(select(func.count()).select_from(WbsExclusion).where(
        WbsExclusion.tip_id == tip_id, WbsExclusion.user_id == user_id, WbsExclusion.pending.is_(False))) > 0


# --------------------------------------------------------------------------- recovery key


def create_recovery_key(replace: bool = False, actor=None) -> str:
    """A new organisation recovery key pair; returns the printable private half (shown once).

    Only the public halves are kept: in the database (a record) and pinned in instance/ (the trust
    root that sealing and endorsement read). With replace, the old key keeps opening the tips
    already sealed for it (keep its paper copy until those are purged); new tips use the new one,
    and handler keys must be endorsed again with the new key.
    """
    with write_transaction() as session:
        existing = session.scalars(select(WbsRecoveryKey).where(WbsRecoveryKey.active.is_(True))).all()
        if (existing or trust.active_root() is not None) and not replace:
            raise WbsKeyError(_("Kunci pemulihan sudah ada. Gunakan --replace untuk membuat yang baru."))
        for old in existing:
            old.active = False
        printable, public = envelope.generate_recovery_key()
        signing_public = signing.signing_public_key(envelope.parse_recovery_key(printable))
        session.add(WbsRecoveryKey(public_key=public, key_id=keypairs.key_id(public), created_on=local_today(),
                                   active=True, signing_public=signing_public))
        session.flush()
        audit.log("wbs_recovery_key_created", actor=actor, channel="wbs",
                  detail={"key_id": keypairs.key_id(public), "replaced": len(existing)})
        trust.pin_root(public, signing_public, local_today().isoformat())
    return printable


def recovery_key_present() -> bool:
    return trust.active_root() is not None


def recovery_fingerprint() -> str | None:
    """Fingerprint of the pinned recovery key, to compare with the one written on its envelope."""
    root = trust.active_root()
    return root.fingerprint if root else None
