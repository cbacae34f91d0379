"""Acknowledgement mail through a real SMTP server; a server that is down loses nothing."""
from __future__ import annotations

from email import message_from_bytes

from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Complaint, OutboxMail
from portal.notify import deliver_pending

from samples import COMPLAINT as GOOD


def queued(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(OutboxMail))


def test_receipt_mail_reaches_the_citizen(app_factory, smtp_server):
    app = app_factory(MAIL_PORT=smtp_server.port)
    receipt = app.test_client().post("/api/v1/complaints", json=GOOD).get_json()
    with app.app_context():
        sent, failed = deliver_pending()
    assert (sent, failed) == (1, 0)
    assert len(smtp_server.messages) == 1
    envelope = smtp_server.messages[0]
    assert envelope.rcpt_tos == ["siti@example.org"]
    message = message_from_bytes(envelope.content)
    body = message.get_payload(decode=True).decode()
    assert receipt["ticket"] in message["Subject"]
    assert receipt["access_code"] in body
    assert queued(app) == 0  # delivered mail leaves nothing (no access code) behind


def test_mail_server_down_keeps_the_complaint_and_retries_later(app_factory, smtp_server):
    from portal.extensions import mail

    app = app_factory(MAIL_PORT=1)  # nothing listens there
    response = app.test_client().post("/api/v1/complaints", json=GOOD)
    assert response.status_code == 201
    with app.app_context():
        assert deliver_pending() == (0, 1)
        assert db.session.scalar(select(func.count()).select_from(Complaint)) == 1
        item = db.session.scalar(select(OutboxMail))
        assert item.attempts == 1 and item.last_error
        # The server comes back; the retry is due (pretend time has passed).
        item.next_attempt_at = item.created_at
        db.session.commit()
        app.config["MAIL_PORT"] = smtp_server.port
        mail.init_app(app)
        assert deliver_pending() == (1, 0)
    assert len(smtp_server.messages) == 1
    assert queued(app) == 0


def test_queued_mail_is_encrypted_at_rest(app_factory, tmp_path):
    app = app_factory(MAIL_PORT=1)
    receipt = app.test_client().post("/api/v1/complaints", json=GOOD).get_json()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        raw = b"".join(p.read_bytes() for p in tmp_path.rglob("portal.db*"))
        assert receipt["access_code"].encode() not in raw
        assert b"siti@example.org" not in raw
        assert b"3604015203900001" not in raw


def test_no_mail_without_an_address(client, app):
    client.post("/api/v1/complaints", json={k: v for k, v in GOOD.items() if k != "email"})
    assert queued(app) == 0
