"""Reporter identity and the giver's name are encrypted at rest, like complainants' personal data."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from portal.extensions import db

SECRETS = ("Rina Marlina", "198705122010012003", "0812 3456 7890", "rina@example.org", "Teman SMA",
           "Pengadministrasi Kependudukan")


def test_personal_columns_hold_only_ciphertext(client, app, today, report_data):
    assert client.post("/api/v1/gratifications", json=report_data).status_code == 201
    with app.app_context():
        row = db.session.execute(text(
            "SELECT reporter_name, reporter_nip, reporter_position, reporter_phone, reporter_email, giver_name "
            "FROM gratification_reports")).one()
        db.session.rollback()
    for value in row:
        raw = bytes(value)
        assert raw.startswith(b"gAAAAA")  # a Fernet token
        assert not any(secret.encode() in raw for secret in SECRETS)


def test_name_and_nip_are_not_in_the_sqlite_file(client, app, backend, today, report_data):
    assert client.post("/api/v1/gratifications", json=report_data).status_code == 201
    if backend != "sqlite":
        return  # the column check above covers PostgreSQL
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    files = list(Path(app.instance_path).glob("portal.db*"))
    data = b"".join(path.read_bytes() for path in files)
    assert b"GRT-" in data  # the report is there (the ticket is not secret) ...
    for secret in SECRETS:
        assert secret.encode() not in data, secret  # ... its reporter is not readable
