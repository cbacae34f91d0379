"""Outgoing mail: queued in the case's own transaction, delivered after commit and retried by cron."""
from __future__ import annotations

import logging
import smtplib
import socket
import threading
from datetime import timedelta

from flask import current_app
from flask_mail import Message
from sqlalchemy import or_, select, update

from .database import write_transaction
from .extensions import db, mail
from .models import OutboxMail
from .models.types import utcnow

log = logging.getLogger(__name__)
CLAIM_SECONDS = 120


def queue_mail(kind: str, recipient: str, subject: str, body: str) -> OutboxMail:
    """Add to the current transaction: the mail exists if and only if the case does."""
    item = OutboxMail(kind=kind, recipient=recipient, subject=subject, body=body)
    db.session.add(item)
    return item


def discard(match) -> int:
    """Delete, in the current transaction, every queued mail for which match(mail) is true (an erased
    subject's mail must neither go out later nor keep their address); returns how many."""
    items = [item for item in db.session.scalars(select(OutboxMail)) if match(item)]
    for item in items:
        db.session.delete(item)
    return len(items)


def _claim(item_id: int) -> bool:
    now = utcnow()
    with write_transaction() as session:
        result = session.execute(
            update(OutboxMail)
            .where(OutboxMail.id == item_id, OutboxMail.sent_at.is_(None),
                   or_(OutboxMail.claimed_until.is_(None), OutboxMail.claimed_until < now))
            .values(claimed_until=now + timedelta(seconds=CLAIM_SECONDS))
        )
        return result.rowcount == 1


def _backoff(attempts: int) -> timedelta:
    return timedelta(minutes=min(2 ** attempts, 360))


def deliver(item_id: int) -> bool:
    """Send one queued mail if nobody else is sending it; True when it went out."""
    if not _claim(item_id):
        return False
    item = db.session.get(OutboxMail, item_id)
    message = Message(subject=item.subject, recipients=[item.recipient], body=item.body)
    error = None
    try:
        timeout = current_app.config["MAIL_TIMEOUT_SECONDS"]
        previous = socket.getdefaulttimeout()
        socket.setdefaulttimeout(timeout)
        try:
            mail.send(message)
        finally:
            socket.setdefaulttimeout(previous)
    except (smtplib.SMTPException, OSError) as exc:
        # The reason is kept without the recipient or content.
        error = f"{type(exc).__name__}: {str(exc)[:120]}"
    db.session.rollback()
    with write_transaction() as session:
        item = session.get(OutboxMail, item_id)
        item.claimed_until = None
        if error is None:
            # Content is no longer needed once delivered: keep only the bookkeeping.
            session.delete(item)
        else:
            item.attempts += 1
            item.last_error = error
            item.next_attempt_at = utcnow() + _backoff(item.attempts)
    if error:
        log.warning("mail %s not delivered (attempt %s): %s", item_id, item.attempts, error)
    return error is None


def deliver_pending(limit: int = 100) -> tuple[int, int]:
    """Deliver what is due; returns (sent, failed)."""
    max_attempts = current_app.config["MAIL_MAX_ATTEMPTS"]
    ids = db.session.scalars(
        select(OutboxMail.id)
        .where(OutboxMail.sent_at.is_(None), OutboxMail.next_attempt_at <= utcnow(),
               OutboxMail.attempts < max_attempts)
        .order_by(OutboxMail.id).limit(limit)
    ).all()
    db.session.rollback()
    sent = failed = 0
    for item_id in ids:
        if deliver(item_id):
            sent += 1
        else:
            failed += 1
    return sent, failed


def deliver_soon(item_ids: list[int]) -> None:
    """Try delivery off the request path; failures stay queued for `flask mail send-pending`."""
    if not item_ids or not current_app.config.get("MAIL_SEND_INLINE"):
        return
    app = current_app._get_current_object()

    def run():
        with app.app_context():
            for item_id in item_ids:
                try:
                    deliver(item_id)
                except Exception:  # the row stays queued; cron retries it
                    log.exception("background delivery of mail %s failed", item_id)
                finally:
                    db.session.remove()

    threading.Thread(target=run, name="mail-delivery", daemon=True).start()
