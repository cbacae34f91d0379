"""An erasure also removes the subject's mail still waiting in the outbox: nothing queued keeps
their address, other people's mail stays queued."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from portal.extensions import db
from portal.models import Complaint, OutboxMail, User
from portal.privacy import retention, services
from portal.privacy.channels import CHANNELS

from privacy_helpers import BUDI, SITI, submit_complaint


def _outbox(app) -> list[tuple[str, str, str]]:
    with app.app_context():
        return [(m.recipient, m.subject, m.body) for m in db.session.scalars(select(OutboxMail))]


def _close(app, ticket):
    with app.app_context():
        row = db.session.scalar(select(Complaint).where(Complaint.ticket == ticket))
        row.status, row.closed_on = "completed", date(2026, 3, 20)
        db.session.commit()
        return row.id


def test_an_accepted_deletion_removes_the_subjects_queued_mail(app, staff):
    siti, _ = submit_complaint(app, {**SITI, "notify": "1"})
    budi, _ = submit_complaint(app, {**BUDI, "notify": "1"})
    assert {"siti@example.org", "budi.santoso@example.net"} <= {r for r, _, _ in _outbox(app)}
    case_id = _close(app, siti)
    with app.test_request_context():
        row = db.session.get(Complaint, case_id)
        request = services.file_request(CHANNELS["complaints"], row, {"kind": "deletion"})
        officer = db.session.scalar(select(User).where(User.roles_csv == "complaints"))
        services.decide(request.id, "accept", None, officer)
    left = _outbox(app)
    assert not [m for m in left if "siti" in " ".join(m).lower() or SITI["nik"] in " ".join(m)]
    assert "budi.santoso@example.net" in {r for r, _, _ in left}  # someone else's mail is not touched


def test_the_retention_purge_removes_queued_mail_too(app, monkeypatch):
    monkeypatch.setattr("portal.privacy.retention.local_today", lambda: date(2026, 11, 1))
    app.config["COMPLAINTS_RETENTION_DAYS"] = 30
    siti, _ = submit_complaint(app, SITI)
    _close(app, siti)
    assert any(r == "siti@example.org" for r, _, _ in _outbox(app))
    with app.app_context():
        assert [item.ticket for item in retention.purge()] == [siti]
    assert not [m for m in _outbox(app) if "siti" in " ".join(m).lower()]
