"""Retention (closed tips purged with their keys, messages and files) and handler notifications."""
from __future__ import annotations

import logging
from datetime import date, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, select, update

from .. import audit, notify
from ..database import write_transaction
from ..extensions import db
from ..models import User
from ..models.wbs import (HOLDER_HANDLER, WbsAttachment, WbsEvent, WbsExclusion, WbsHandler, WbsMessage, WbsTip,
                          WbsTipKey)
from ..clock import local_today
from ..workflow import WBS
from . import keys, services

log = logging.getLogger(__name__)
DEFAULT_RETENTION_DAYS = 2 * 365
ORPHAN_GRACE_SECONDS = 3600


def retention_days() -> int:
    """Admin page, else WBS_RETENTION_DAYS from the environment, else two years (portal.settings)."""
    from .. import settings

    return int(settings.value("WBS_RETENTION_DAYS"))


def purge(today: date | None = None) -> int:
    """Delete every tip in a terminal status for more than WBS_RETENTION_DAYS, with all its
    wrapped keys (crypto-shredding), messages, history and encrypted files. Returns the count."""
    today = today or local_today()
    cutoff = today - timedelta(days=retention_days())
    terminal = list(WBS.terminal)
    ids = db.session.scalars(select(WbsTip.id).where(WbsTip.status.in_(terminal), WbsTip.closed_on.is_not(None),
                                                    WbsTip.closed_on < cutoff).order_by(WbsTip.id)).all()
    purged = 0
    for tip_id in ids:
        with write_transaction() as session:
            names = session.scalars(select(WbsAttachment.storage_name).where(WbsAttachment.tip_id == tip_id)).all()
            for model in (WbsTipKey, WbsMessage, WbsAttachment, WbsEvent, WbsExclusion):
                session.execute(delete(model).where(model.tip_id == tip_id))
            session.execute(delete(WbsTip).where(WbsTip.id == tip_id))
            store = services.store()
            if store.transactional:  # database store: the files go with the rows, in this transaction
                for name in names:
                    store.delete(name, session=session)
                names = []
            keys.mark_for_shredding()  # SQLite: zeroed pages checkpointed out of the WAL after commit
            audit.log("case_purge", channel="wbs", case_ref=str(tip_id),
                      detail={"retention_days": retention_days()})
        for name in names:  # after commit: the keys are already gone, the files follow
            services.delete_file(name)
        purged += 1
    sweep_orphans()
    from .keys import sweep_session_blobs

    with write_transaction():
        sweep_session_blobs()
    return purged


def sweep_orphans() -> int:
    """Encrypted files no row refers to (a crash between commit and unlink): removed."""
    store = services.store()
    known = set(db.session.scalars(select(WbsAttachment.storage_name)))
    removed = 0
    for name in list(store.names(older_than=ORPHAN_GRACE_SECONDS)):
        if name not in known:
            store.delete(name)
            removed += 1
    return removed


# --------------------------------------------------------------------------- notifications


def notice() -> tuple[str, str]:
    """The only text a handler's mail ever carries: something waits. No id, category or content."""
    base = current_app.config["PORTAL_BASE_URL"].rstrip("/")
    subject = _("Portal Integritas: ada yang menunggu di WBS")
    body = "\n".join([
        _("Ada laporan WBS baru / pesan baru yang menunggu."),
        "",
        _("Silakan masuk ke kantor digital untuk membacanya: %(url)s", url=base + "/kantor/wbs"),
        "",
        current_app.config["PORTAL_OFFICE_NAME"],
    ])
    return subject, body


def notify_handlers(deliver: bool = True) -> int:
    """One generic mail per handler holding a tip with news not yet announced; returns the count.

    Run from cron (`flask --app wsgi wbs notify`): batching also keeps the mail time from
    revealing the moment a whistleblower wrote."""
    waiting = db.session.scalars(select(WbsTip.id).where(WbsTip.awaiting_handler.is_(True),
                                                        WbsTip.awaiting_notified.is_(False))).all()
    if not waiting:
        return 0
    user_ids = set(db.session.scalars(select(WbsTipKey.user_id).where(
        WbsTipKey.tip_id.in_(waiting), WbsTipKey.holder == HOLDER_HANDLER)))
    users = db.session.scalars(select(User).join(WbsHandler, WbsHandler.user_id == User.id).where(
        User.id.in_(user_ids or {0}), User.active.is_(True), WbsHandler.appointed.is_(True))).all() if user_ids else []
    subject, body = notice()
    with write_transaction() as session:
        items = [notify.queue_mail("wbs-waiting", user.email, subject, body) for user in users]
        session.execute(update(WbsTip).where(WbsTip.id.in_(waiting)).values(awaiting_notified=True))
        session.flush()
        ids = [item.id for item in items]
    if deliver:
        for item_id in ids:
            notify.deliver(item_id)
    return len(ids)
