"""A deadline always follows the admin's configuration as the database holds it, even when the
worker that takes the complaint has computed deadlines before and the change was made through
another worker (two apps over one database stand for two gunicorn workers or two hosts)."""
from __future__ import annotations

from datetime import date

from portal import administration, workdays
from portal.auth import services as accounts
from portal.clock import local_today
from portal.extensions import db
from portal.models import CalendarOverride, User
from portal.workflow import COMPLAINTS, sla
from samples import COMPLAINT


def _submit(client) -> date:
    response = client.post("/api/v1/complaints", json=COMPLAINT)
    assert response.status_code == 201, response.get_data(as_text=True)[:300]
    return date.fromisoformat(response.get_json()["verification_due"])


def _second_worker(app, app_factory):
    return app_factory(SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"])


def _admin(app) -> int:
    with app.app_context():
        user, _uri = accounts.create_user("admin@serangkab.go.id", "Admin", {"admin"},
                                          "kata sandi yang panjang sekali 2026", enrolled_secret=True)
        return user.id


def test_deadline_follows_an_sla_changed_through_another_worker(app, app_factory):
    client = app.test_client()
    first = _submit(client)  # this worker has read the SLA settings now
    other = _second_worker(app, app_factory)
    admin_id = _admin(other)
    with other.app_context():
        admin = db.session.get(User, admin_id)
        rule = sla("complaints", COMPLAINTS.initial)
        administration.save_sla("complaints", COMPLAINTS.initial, rule.days + 5, "SK Kepala Dinas (uji)", rule.unit,
                                admin)
        expected = COMPLAINTS.due(COMPLAINTS.initial, entered_on=local_today())
    assert expected != first
    assert _submit(client) == expected

    with other.app_context():
        administration.reset_sla("complaints", COMPLAINTS.initial, db.session.get(User, admin_id))
    assert _submit(client) == first


def test_deadline_follows_a_holiday_declared_through_another_worker(app, app_factory):
    client = app.test_client()
    first = _submit(client)
    other = _second_worker(app, app_factory)
    admin_id = _admin(other)
    with other.app_context():
        admin = db.session.get(User, admin_id)
        # The office declares its next working day a holiday: the deadline moves one working day on.
        day = workdays.next_working_day(local_today())
        administration.set_holiday_override(day, False, "Libur daerah (uji)", admin)
        expected = COMPLAINTS.due(COMPLAINTS.initial, entered_on=local_today())
    assert expected > first
    assert _submit(client) == expected


def test_a_rolled_back_change_never_reaches_a_deadline(app):
    client = app.test_client()
    first = _submit(client)
    with app.app_context():
        day = workdays.next_working_day(local_today())
    with app.app_context():
        # In a transaction that is then rolled back, this worker computes a deadline over a holiday
        # that never comes to exist.
        db.session.add(CalendarOverride(day=day, working=False, note="batal"))
        db.session.flush()
        assert COMPLAINTS.due(COMPLAINTS.initial, entered_on=local_today()) > first
        db.session.rollback()
    assert _submit(client) == first
