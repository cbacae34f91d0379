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


def test_disposition_mail_names_only_the_unit_and_respects_opt_in_and_unsubscribe(app, staff, smtp_server):
    """A disposition tells the citizen who asked for step mails the unit's name — no officer's name or
    address; a confidential case's mail names only the ticket; no opt-in or a one-click stop: no mail."""
    from portal.complaints.mailing import unsubscribe_token
    from portal.extensions import mail
    from portal.models import Unit, User
    from portal.units import services as units
    from staff import ROLE_EMAILS, csrf

    app.config["MAIL_PORT"] = smtp_server.port
    mail.init_app(app)
    client = app.test_client()

    def filed(**extra) -> str:
        response = client.post("/api/v1/complaints", json={**GOOD, **extra})
        assert response.status_code == 201
        return response.get_json()["ticket"]

    told, secret, quiet, stopped = (filed(notify=True), filed(notify=True, privacy="confidential"), filed(),
                                    filed(notify=True))
    with app.app_context():
        stop_link = f"/pengaduan/berhenti-surel/{unsubscribe_token(stopped)}"
    client.post(stop_link, data={"csrf_token": csrf(client.get(stop_link).get_data(as_text=True))})
    with app.app_context():
        assert db.session.scalar(select(Complaint.notify_by_email).where(Complaint.ticket == stopped)) is False
        assert deliver_pending() == (4, 0)  # the receipts
    smtp_server.messages.clear()

    with app.test_request_context():  # the mail's links
        officer = db.session.scalar(select(User).where(User.email == ROLE_EMAILS["complaints"]))
        officer.name = "Rahmat Hidayat"
        db.session.commit()
        unit = db.session.scalar(select(Unit).where(Unit.code == "capil"))
        for ticket in (told, secret, quiet, stopped):
            units.dispose(db.session.scalar(select(Complaint.id).where(Complaint.ticket == ticket)), unit.id, officer)
        assert deliver_pending() == (2, 0)
        officer_words = (officer.name, officer.email)
    mails = {}
    for envelope in smtp_server.messages:
        assert envelope.rcpt_tos == ["siti@example.org"]
        message = message_from_bytes(envelope.content)
        ticket = next(t for t in (told, secret, quiet, stopped) if t in message["Subject"])
        mails[ticket] = (str(message["Subject"]), message.get_payload(decode=True).decode())
    assert set(mails) == {told, secret}
    subject, body = mails[told]
    assert "Pengaduan Anda didisposisikan ke Bidang Pelayanan Pencatatan Sipil untuk ditindaklanjuti." in body
    assert "/pengaduan/berhenti-surel/" in body
    subject, body = mails[secret]
    assert secret in body and "Bidang Pelayanan" not in subject + body and "didisposisikan" not in body
    for subject, body in mails.values():
        assert not any(word in subject + body for word in officer_words)
        assert GOOD["name"] not in body and GOOD["nik"] not in body
