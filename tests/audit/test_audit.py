"""Audit trail (SECURITY.md promise 5): append-only, hash-chained, tamper-evident; both databases."""
from __future__ import annotations

import csv
import io
import threading
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import delete, func, select, text, update

from portal import audit
from portal.database import write_transaction
from portal.extensions import db
from portal.models import AuditEntry, AuditHead, Complaint, User
from portal.models.audit import GENESIS_HASH, AuditImmutableError

from samples import COMPLAINT


def make_user(email="petugas@dinas.example", roles=("complaints",)) -> User:
    with write_transaction() as session:
        user = User(email=email, name="Petugas", password_hash="x")
        user.roles = roles
        session.add(user)
    return user


def append(n, actor=None, *, action="case_view", channel="complaints", prefix="PGD-2026-"):
    ids = []
    for i in range(n):
        with write_transaction():
            entry = audit.log(action, actor=actor, channel=channel, case_ref=f"{prefix}{i:06d}",
                              detail={"i": i})
            ids.append(entry.id)
    return ids


def raw(sql, **params):
    """Tamper as an attacker with database access would: plain SQL, no ORM, committed."""
    db.session.rollback()  # end the session's read snapshot (SQLite WAL) so it sees the change
    with db.engine.begin() as conn:
        conn.execute(text(sql), params)


# --------------------------------------------------------------------------- append + verify

def test_append_builds_a_chain_and_verifies(app):
    with app.app_context():
        user = make_user()
        ids = append(5, actor=user)
        rows = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        assert [r.id for r in rows] == ids
        assert rows[0].prev_hash == GENESIS_HASH
        for before, after in zip(rows, rows[1:]):
            assert after.prev_hash == before.hash
        assert rows[2].actor_id == user.id and rows[2].actor_label == "petugas@dinas.example"
        assert rows[2].detail == '{"i":2}' and rows[2].detail_data == {"i": 2}
        head = db.session.get(AuditHead, 1)
        assert (head.count, head.hash, head.last_id) == (5, rows[-1].hash, rows[-1].id)
        result = audit.verify()
        assert (result.ok, result.checked, result.first_bad_id, result.reason) == (True, 5, None, None)
        assert result.head_hash == rows[-1].hash


def test_empty_log_verifies(app):
    with app.app_context():
        assert audit.verify().ok and audit.verify().checked == 0


def test_hash_is_independent_of_id_and_covers_every_field(app):
    at = datetime(2026, 3, 2, 1, 2, 3, 4567, tzinfo=timezone.utc)
    base = dict(at=at, actor_id=7, actor_label="a@b.example", action="assign", channel="complaints",
                case_ref="PGD-2026-000001", detail='{"to":3}', prev_hash=GENESIS_HASH)
    reference = audit.entry_hash(**base)
    assert len(reference) == 64 and int(reference, 16) >= 0
    changes = dict(at=at + timedelta(microseconds=1), actor_id=8, actor_label="c@b.example", action="export",
                   channel="wbs", case_ref="PGD-2026-000002", detail='{"to":4}', prev_hash="1" * 64)
    for field, value in changes.items():
        assert audit.entry_hash(**dict(base, **{field: value})) != reference, field


def test_action_and_entry_commit_together_or_not_at_all(app):
    with app.app_context():
        with pytest.raises(ZeroDivisionError):
            with write_transaction():
                audit.log("status_change", channel="complaints", case_ref="PGD-2026-000001",
                          detail={"from": "unverified", "to": "dispositioned"})
                1 / 0
        assert db.session.scalar(select(func.count(AuditEntry.id))) == 0
        assert db.session.get(AuditHead, 1) is None
        append(2)
        assert audit.verify().ok and audit.verify().checked == 2


def test_log_outside_write_transaction_is_refused(app):
    with app.app_context():
        with pytest.raises(RuntimeError, match="write_transaction"):
            audit.log("login")
        db.session.rollback()
        assert db.session.scalar(select(func.count(AuditEntry.id))) == 0


# --------------------------------------------------------------------------- tampering

def test_changed_detail_is_named(app):
    with app.app_context():
        ids = append(5)
        raw("UPDATE audit_entries SET detail = :d WHERE id = :id", d='{"i":99}', id=ids[2])
        result = audit.verify()
        assert (result.ok, result.first_bad_id, result.reason, result.checked) == (False, ids[2], "changed", 2)


def test_changed_row_with_recomputed_own_hash_still_breaks_the_chain(app):
    with app.app_context():
        ids = append(4)
        row = db.session.get(AuditEntry, ids[1])
        forged = audit.entry_hash(at=row.at, actor_id=row.actor_id, actor_label=row.actor_label,
                                  action="login", channel=row.channel, case_ref=row.case_ref,
                                  detail=row.detail, prev_hash=row.prev_hash)
        db.session.rollback()
        raw("UPDATE audit_entries SET action = 'login', hash = :h WHERE id = :id", h=forged, id=ids[1])
        result = audit.verify()
        assert not result.ok and result.first_bad_id == ids[2]


def test_deleted_middle_row_is_detected(app):
    with app.app_context():
        ids = append(5)
        raw("DELETE FROM audit_entries WHERE id = :id", id=ids[2])
        result = audit.verify()
        assert (result.ok, result.first_bad_id, result.reason) == (False, ids[3], "deleted")


def test_deleted_last_row_is_detected_through_the_head(app):
    with app.app_context():
        ids = append(5)
        raw("DELETE FROM audit_entries WHERE id = :id", id=ids[-1])
        result = audit.verify()
        assert (result.ok, result.first_bad_id, result.reason, result.checked) == (False, ids[-1], "deleted", 4)
        # A new append chains to the lost row's hash, so the gap stays visible afterwards too.
        append(1, prefix="PGD-2027-")
        result = audit.verify()
        assert not result.ok and result.reason == "deleted"


def test_deleted_every_row_is_detected(app):
    with app.app_context():
        ids = append(3)
        raw("DELETE FROM audit_entries")
        result = audit.verify()
        assert (result.ok, result.first_bad_id, result.reason) == (False, ids[-1], "deleted")


def test_missing_head_is_detected_and_appends_fail_closed(app):
    with app.app_context():
        ids = append(3)
        raw("DELETE FROM audit_head")
        result = audit.verify()
        assert (result.ok, result.first_bad_id, result.reason) == (False, ids[-1], "deleted")
        with pytest.raises(audit.AuditChainError):
            append(1)


def test_swapped_rows_are_reported_as_reordered(app):
    with app.app_context():
        ids = append(5)
        raw("UPDATE audit_entries SET id = :tmp WHERE id = :a", tmp=10_000, a=ids[1])
        raw("UPDATE audit_entries SET id = :a WHERE id = :b", a=ids[1], b=ids[2])
        raw("UPDATE audit_entries SET id = :b WHERE id = :tmp", b=ids[2], tmp=10_000)
        result = audit.verify()
        assert (result.ok, result.first_bad_id, result.reason) == (False, ids[1], "reordered")


def test_tampered_head_is_detected(app):
    with app.app_context():
        append(3)
        raw("UPDATE audit_head SET hash = :h", h="f" * 64)
        result = audit.verify()
        assert not result.ok and result.reason == "changed"


# --------------------------------------------------------------------------- ORM refuses

def test_orm_refuses_to_update_or_delete_an_entry(app):
    with app.app_context():
        ids = append(2)
        entry = db.session.get(AuditEntry, ids[0])
        entry.detail = '{"i":5}'
        with pytest.raises(AuditImmutableError):
            db.session.commit()
        db.session.rollback()
        entry = db.session.get(AuditEntry, ids[0])
        db.session.delete(entry)
        with pytest.raises(AuditImmutableError):
            db.session.commit()
        db.session.rollback()
        with pytest.raises(AuditImmutableError):
            db.session.execute(update(AuditEntry).values(detail=None))
        db.session.rollback()
        with pytest.raises(AuditImmutableError):
            db.session.execute(delete(AuditEntry).where(AuditEntry.id == ids[1]))
        db.session.rollback()
        with pytest.raises(AuditImmutableError):
            with write_transaction() as session:
                session.add(AuditEntry(at=datetime.now(timezone.utc), action="login", prev_hash="", hash=""))
        assert audit.verify().ok and audit.verify().checked == 2


def test_deleting_an_account_keeps_its_history(app):
    with app.app_context():
        user = make_user()
        user_id = user.id
        append(2, actor=user)
        with write_transaction() as session:
            session.delete(session.get(User, user_id))
        labels = db.session.execute(select(AuditEntry.actor_id, AuditEntry.actor_label)).all()
        assert labels == [(user_id, "petugas@dinas.example")] * 2
        assert audit.verify().ok


# --------------------------------------------------------------------------- concurrency

def test_concurrent_appends_never_fork_the_chain(app):
    threads, per_thread = 16, 10
    errors = []
    start = threading.Barrier(threads)

    def worker(t):
        try:
            with app.app_context():
                start.wait()
                for i in range(per_thread):
                    with write_transaction():
                        audit.log("case_view", channel="complaints", case_ref=f"PGD-2026-{t:03d}{i:03d}",
                                  detail={"thread": t, "i": i})
        except BaseException as exc:  # noqa: BLE001 — reported below
            errors.append(repr(exc))

    pool = [threading.Thread(target=worker, args=(t,)) for t in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=120)
    assert errors == []
    with app.app_context():
        result = audit.verify()
        assert (result.ok, result.checked) == (True, threads * per_thread)
        assert db.session.scalar(select(func.count(func.distinct(AuditEntry.prev_hash)))) == threads * per_thread
        assert db.session.get(AuditHead, 1).count == threads * per_thread


# --------------------------------------------------------------------------- CLI

def test_cli_verify_exit_codes_and_output(app, runner):
    with app.app_context():
        ids = append(3)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "OK: 3 entri, rantai utuh"
    with app.app_context():
        raw("UPDATE audit_entries SET case_ref = 'PGD-2026-999999' WHERE id = :id", id=ids[1])
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == f"RUSAK: entri #{ids[1]} changed"


def test_cli_export_prints_csv_and_is_itself_audited(app, runner):
    with app.app_context():
        user = make_user(email="=cmd@dinas.example")
        ids = append(3, actor=user)
    result = runner.invoke(args=["audit", "export", "--since", "2000-01-01"])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == list(audit.CSV_HEADER)
    assert [int(r[0]) for r in rows[1:]] == ids
    assert rows[1][3] == "'=cmd@dinas.example"  # no spreadsheet formula
    assert rows[1][4] == "case_view" and rows[1][7] == '{"i":0}'
    future = runner.invoke(args=["audit", "export", "--since", "2999-01-01"])
    assert future.exit_code == 0 and future.stdout.splitlines() == [",".join(audit.CSV_HEADER)]
    bad = runner.invoke(args=["audit", "export", "--since", "01/02/2026"])
    assert bad.exit_code == 2
    with app.app_context():
        exports = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "audit_export")
                                     .order_by(AuditEntry.id)).all()
        assert [e.detail_data for e in exports] == [
            {"since": "2000-01-01", "until": None, "rows": 3, "via": "cli"},
            {"since": "2999-01-01", "until": None, "rows": 0, "via": "cli"},
        ]
        assert audit.verify().ok and audit.verify().checked == 5


# --------------------------------------------------------------------------- search

def test_search_filters_and_pages(app):
    with app.app_context():
        alice, bob = make_user("alice@dinas.example"), make_user("bob@dinas.example", roles=("wbs",))
        append(3, actor=alice, action="case_view", prefix="PGD-2026-")
        append(2, actor=bob, action="note_add", channel="wbs", prefix="WBS-")
        with write_transaction():
            audit.log("login", actor=alice)
        # An old entry, written as it would have been a month ago (through the ORM, chained).
        with write_transaction():
            old = audit.log("export", actor=alice, channel="complaints")
        raw("UPDATE audit_entries SET at = :at WHERE id = :id",
            at="2026-01-05 03:00:00.000000", id=old.id)  # tampering, only to place it in time

        entries, total = audit.search()
        assert total == 7 and [e.id for e in entries] == sorted((e.id for e in entries), reverse=True)
        assert audit.search(actor_id=bob.id)[1] == 2
        assert {e.action for e in audit.search(actor_id=alice.id)[0]} == {"case_view", "login", "export"}
        assert audit.search(action="note_add")[1] == 2
        assert audit.search(channel="complaints")[1] == 4
        found, count = audit.search(channel="complaints", case_ref="PGD-2026-000001")
        assert count == 1 and found[0].case_ref == "PGD-2026-000001"
        assert audit.search(since=date(2026, 1, 5), until=date(2026, 1, 5))[1] == 1
        assert audit.search(until=date(2026, 1, 4))[1] == 0
        assert audit.search(since=date(2026, 1, 6))[1] == 6
        page1, total = audit.search(per_page=3, page=1)
        page3, _ = audit.search(per_page=3, page=3)
        assert total == 7 and len(page1) == 3 and len(page3) == 1
        assert audit.search(action="nothing") == ([], 0)


# --------------------------------------------------------------------------- no content

@pytest.mark.parametrize("detail", [
    {"note": "x" * (audit.MAX_DETAIL_VALUE + 1)},
    {"description": COMPLAINT["description"] * 3},
    {"nested": {"a": 1}},
    {"items": ["ok", "y" * 500]},
    {"Bad Key": 1},
    {"at": datetime(2026, 1, 1, tzinfo=timezone.utc)},
    {"n": float("nan")},
    ["not", "a", "dict"],
])
def test_log_refuses_detail_that_could_carry_content(app, detail):
    with app.app_context():
        with pytest.raises(audit.AuditError):
            with write_transaction():
                audit.log("note_add", channel="complaints", case_ref="PGD-2026-000001", detail=detail)
        assert db.session.scalar(select(func.count(AuditEntry.id))) == 0


@pytest.mark.parametrize("kwargs", [
    dict(action="Login"), dict(action="x"), dict(action="drop table"),
    dict(action="case_view", channel="email"), dict(action="case_view", case_ref="PGD 2026 <b>"),
])
def test_log_refuses_unknown_shapes(app, kwargs):
    with app.app_context():
        with pytest.raises(audit.AuditError):
            with write_transaction():
                audit.log(**kwargs)


def test_case_work_leaves_no_complaint_content_in_the_trail(app, client):
    from portal.complaints import casework

    response = client.post("/api/v1/complaints", json=COMPLAINT)
    assert response.status_code == 201
    ticket = response.get_json()["ticket"]
    with app.app_context():
        handler = make_user()
        complaint_id = db.session.scalar(select(Complaint.id).where(Complaint.ticket == ticket))
        casework.change_status(complaint_id, "dispositioned", None, handler)
        casework.add_note(complaint_id, "Catatan internal: hubungi Siti di 0812 3456 7890", False, handler)
        rows = db.session.execute(select(AuditEntry.action, AuditEntry.case_ref, AuditEntry.detail,
                                         AuditEntry.actor_label)).all()
        assert ("status_change", ticket) in {(r.action, r.case_ref) for r in rows}
        assert ("note_add", ticket) in {(r.action, r.case_ref) for r in rows}
        dumped = repr(rows)
        for secret in (COMPLAINT["description"], COMPLAINT["name"], COMPLAINT["nik"], COMPLAINT["email"],
                       COMPLAINT["phone"], "Catatan internal"):
            assert secret not in dumped
        assert audit.verify().ok
