"""`flask --app wsgi …` commands for operators: demo seed, keys rotate, mail send-pending."""
from __future__ import annotations

import re

import pytest
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import func, select, text

from portal.crypto.appkey import keyring
from portal.extensions import db
from portal.models import Complaint, OutboxMail
from samples import COMPLAINT

SEED_ARGS = ["demo", "seed", "--months", "3", "--per-month", "10", "--seed", "7"]


def invoke(app, *args):
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, (result.output, result.exception)
    return result.output


def seeded_cases(app) -> list[tuple]:
    with app.app_context():
        rows = db.session.execute(
            select(Complaint.category, Complaint.problem, Complaint.privacy, Complaint.status,
                   Complaint.submitted_on, Complaint.classification).order_by(Complaint.id)).all()
        return [tuple(row) for row in rows]


# --- demo seed -----------------------------------------------------------------------------------

def test_demo_seed_spreads_complaints_over_months_and_statuses(app):
    output = invoke(app, *SEED_ARGS)
    assert re.search(r"^complaints: 30$", output, re.M), output
    cases = seeded_cases(app)
    assert len(cases) == 30
    months = {(day.year, day.month) for *_rest, day, _cls in cases}
    assert len(months) == 3
    per_month = {m: sum(1 for c in cases if (c[4].year, c[4].month) == m) for m in months}
    assert set(per_month.values()) == {10}
    statuses = {c[3] for c in cases}
    assert len(statuses) >= 3, statuses
    assert len({c[0] for c in cases}) >= 3  # several services, not one repeated sample
    with app.app_context():
        tickets = db.session.scalars(select(Complaint.ticket)).all()
        assert len(set(tickets)) == 30 and all(t.startswith("PGD-") for t in tickets)
        # Every case has a public timeline that ends in its current status.
        for complaint in db.session.scalars(select(Complaint)):
            assert complaint.events[0].kind == "submitted"
            assert complaint.events[-1].status_to == complaint.status


def test_demo_seed_is_reproducible(app_factory):
    first, second, other = app_factory(), app_factory(), app_factory()
    invoke(first, *SEED_ARGS)
    invoke(second, *SEED_ARGS)
    invoke(other, *SEED_ARGS[:-1], "8")
    assert seeded_cases(first) == seeded_cases(second)
    assert [c[:4] for c in seeded_cases(first)] != [c[:4] for c in seeded_cases(other)]


def test_demo_seed_adds_to_existing_data_without_ticket_clashes(app):
    app.test_client().post("/api/v1/complaints", json=COMPLAINT)
    invoke(app, "demo", "seed", "--months", "1", "--per-month", "5", "--seed", "1")
    invoke(app, "demo", "seed", "--months", "1", "--per-month", "5", "--seed", "1")
    with app.app_context():
        tickets = db.session.scalars(select(Complaint.ticket)).all()
    assert len(tickets) == 11 == len(set(tickets))


def test_demo_seed_refuses_nonsense_arguments(app):
    result = app.test_cli_runner().invoke(args=["demo", "seed", "--months", "0"])
    assert result.exit_code != 0
    assert seeded_cases(app) == []


# --- keys rotate ---------------------------------------------------------------------------------

def raw_personal_data(app, ticket: str) -> dict[str, bytes]:
    with app.app_context():
        row = db.session.execute(
            text("SELECT name, nik, email, phone FROM complaints WHERE ticket = :t"), {"t": ticket}).one()
        db.session.rollback()
        return {k: bytes(v) for k, v in row._mapping.items()}


def test_keys_rotate_reencrypts_personal_data(app):
    ticket = app.test_client().post("/api/v1/complaints", json=COMPLAINT).get_json()["ticket"]
    invoke(app, *SEED_ARGS)
    before = raw_personal_data(app, ticket)
    with app.app_context():
        old_keys = list(keyring().keys)
    assert len(old_keys) == 1

    output = invoke(app, "keys", "rotate", "--drop-old")
    count = int(re.search(r"re-encrypted values: (\d+)", output).group(1))

    after = raw_personal_data(app, ticket)
    for column in before:
        assert after[column] != before[column], column
    with app.app_context():
        ring = keyring()
        assert len(ring.keys) == 1 and ring.keys[0] not in old_keys
        # The old key is gone: the old tokens no longer open, the new ones do.
        with pytest.raises(InvalidToken):
            ring.decrypt(before["name"])
        assert MultiFernet([Fernet(k) for k in old_keys]).decrypt(before["name"]) == b"Siti Aminah"
        with pytest.raises(InvalidToken):
            Fernet(old_keys[0]).decrypt(after["name"])
        complaint = db.session.scalar(select(Complaint).where(Complaint.ticket == ticket))
        assert (complaint.name, complaint.nik, complaint.email, complaint.phone) == (
            "Siti Aminah", "3604015203900001", "siti@example.org", "0812 3456 7890")
        # Every encrypted value was rewritten, seeded cases and the queued mail included.
        from portal.keyrotation import encrypted_columns

        stored = sum(db.session.scalar(select(func.count()).select_from(table).where(column.isnot(None)))
                     for table, column in encrypted_columns())
        named = db.session.scalar(select(func.count()).select_from(Complaint).where(Complaint.name.isnot(None)))
        assert count == stored >= named + 3 + 3  # seeded names, the API case's other three, one mail's three
        assert all(c.name is None or c.name for c in db.session.scalars(select(Complaint)))
        assert db.session.scalar(select(OutboxMail)).recipient == "siti@example.org"
    # The portal keeps working with the new key: look-up and a new submission.
    client = app.test_client()
    assert client.post("/api/v1/complaints", json=COMPLAINT).status_code == 201


def test_keys_rotate_without_drop_keeps_old_key_for_reading(app):
    ticket = app.test_client().post("/api/v1/complaints", json=COMPLAINT).get_json()["ticket"]
    before = raw_personal_data(app, ticket)
    invoke(app, "keys", "rotate")
    with app.app_context():
        assert len(keyring().keys) == 2
        assert keyring().decrypt(before["name"]) == b"Siti Aminah"
    assert raw_personal_data(app, ticket)["name"] != before["name"]


# --- mail send-pending ---------------------------------------------------------------------------

def test_mail_send_pending_prints_counts(app_factory, smtp_server):
    down = app_factory(MAIL_PORT=1)  # nothing listens there
    down.test_client().post("/api/v1/complaints", json=COMPLAINT)
    assert invoke(down, "mail", "send-pending").strip() == "sent=0 failed=1"
    # Not due again yet (back-off), so nothing is tried.
    assert invoke(down, "mail", "send-pending").strip() == "sent=0 failed=0"

    up = app_factory(MAIL_PORT=smtp_server.port)
    client = up.test_client()
    for _ in range(2):
        client.post("/api/v1/complaints", json=COMPLAINT)
    client.post("/api/v1/complaints", json={**COMPLAINT, "email": None})  # no address, no mail
    assert invoke(up, "mail", "send-pending").strip() == "sent=2 failed=0"
    assert len(smtp_server.messages) == 2
    assert invoke(up, "mail", "send-pending").strip() == "sent=0 failed=0"


def same_deployment(app_factory, first):
    """Another process of the same deployment (a gunicorn worker, or the cron/CLI process)."""
    return app_factory(instance_path=first.instance_path, SECRET_KEY=first.config["SECRET_KEY"],
                       SQLALCHEMY_DATABASE_URI=first.config["SQLALCHEMY_DATABASE_URI"])


def test_running_worker_follows_a_key_rotation_done_by_the_cli(app_factory):
    worker = app_factory()
    cli = same_deployment(app_factory, worker)
    invoke(cli, "keys", "rotate", "--drop-old")
    ticket = worker.test_client().post("/api/v1/complaints", json=COMPLAINT).get_json()["ticket"]
    restarted = same_deployment(app_factory, worker)
    with restarted.app_context():
        complaint = db.session.scalar(select(Complaint).where(Complaint.ticket == ticket))
        assert complaint.name == "Siti Aminah"


def test_users_create_sets_the_liaison_officers_unit_and_refuses_a_wrong_unit(app):
    from portal.models import AuditEntry, Unit, User

    password = "Sandi-Contoh-Panjang-2026!\n"
    runner = app.test_cli_runner()

    def create(email, *args):
        return runner.invoke(args=["users", "create", "--email", email, "--name", "Dewi Lestari", *args,
                                   "--password-stdin"], input=password)

    refused = [create("a@serangkab.go.id", "--role", "liaison", "--unit", "bidang-x"),
               create("b@serangkab.go.id", "--role", "complaints", "--unit", "capil"),
               create("c@serangkab.go.id", "--role", "liaison")]
    for result, words in zip(refused, ("Unit «bidang-x» tidak dikenal", "hanya untuk peran liaison",
                                       "memerlukan unitnya")):
        assert result.exit_code != 0 and words in result.output, result.output
    assert "capil" in refused[0].output  # the codes that do exist
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 0
        assert db.session.scalar(select(func.count()).select_from(AuditEntry)
                                 .where(AuditEntry.action == "account_create")) == 0

    made = create("d@serangkab.go.id", "--role", "liaison", "--unit", "capil")
    assert made.exit_code == 0, made.output
    assert made.output.strip().splitlines()[-1].startswith("otpauth://totp/")
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "d@serangkab.go.id"))
        assert user.roles == {"liaison"}
        assert user.unit_id == db.session.scalar(select(Unit.id).where(Unit.code == "capil"))
