"""Destroyed keys are gone from the disk, not just from the tables: a revoked handler's wrapped
private key, public key and sealed copies are in no file of instance/ (database, WAL, SHM) — on
SQLite secure_delete zeroes the freed space and a TRUNCATE checkpoint empties the WAL."""
from __future__ import annotations

import base64
from pathlib import Path

import pytest

from sqlalchemy import select

from portal.extensions import db
from portal.models.wbs import WbsHandler
from wbs_helpers import HANDLER_A, sealed_copies, submit_api, tip_id_for
from wbs_helpers import team  # noqa: F401  (fixture)


def _files(root: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _sqlite_only(backend):
    if backend != "sqlite":
        pytest.skip("on PostgreSQL the data is not in instance/ and dead tuples wait for VACUUM (docs/security.md)")


def test_a_revoked_key_is_in_no_file_of_the_instance(app, team, backend):
    _sqlite_only(backend)
    tip_ids = [tip_id_for(app, submit_api(app.test_client())) for _ in range(3)]
    team.login(HANDLER_A)  # a session blob too
    uid = team.user_id(HANDLER_A)
    with app.app_context():
        row = db.session.get(WbsHandler, uid)
        needles = [bytes(row.wrapped_private_key), bytes(row.public_key)]
        needles.append(base64.b64encode(bytes(row.public_key)))  # as written in an endorsement chain
    needles += [w for t in tip_ids for holder, u, w in sealed_copies(app, t) if u == uid]
    assert len(needles) == 6
    instance = Path(app.instance_path)
    before = _files(instance)
    assert any(n in data for n in needles for data in before.values())  # the search finds them while alive

    result = app.test_cli_runner().invoke(args=["wbs", "revoke", "--email", HANDLER_A])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(select(WbsHandler.public_key).where(WbsHandler.user_id == uid)) is None
    files = _files(instance)
    assert any(name.endswith("portal.db") for name in files)
    found = {name: [i for i, n in enumerate(needles) if n in data] for name, data in files.items()}
    assert {name: hits for name, hits in found.items() if hits} == {}


def test_the_old_private_key_is_gone_after_a_password_change(app, team, backend):
    from wbs_helpers import HANDLER_PASSWORD, form_post

    _sqlite_only(backend)
    tip_id = tip_id_for(app, submit_api(app.test_client()))
    uid = team.user_id(HANDLER_A)
    with app.app_context():
        old_wrapped = bytes(db.session.get(WbsHandler, uid).wrapped_private_key)
    old_copy = [w for holder, u, w in sealed_copies(app, tip_id) if u == uid][0]
    client = team.login(HANDLER_A)
    new = "kata sandi ketiga yang panjang sekali 2029"
    changed = form_post(client, "/kantor/akun/sandi", "/kantor/akun/sandi",
                        {"current": HANDLER_PASSWORD, "new": new, "confirm": new})
    assert changed.status_code == 200
    files = _files(Path(app.instance_path))
    assert any(name.endswith("portal.db") for name in files)
    assert {name for name, data in files.items() if old_wrapped in data or old_copy in data} == set()
