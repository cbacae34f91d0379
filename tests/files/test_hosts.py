"""Shared secrets for several hosts: read from PORTAL_SHARED_SECRETS, recorded in the database by the
first host, and a host whose secrets differ refuses to serve (in-process; tests/multihost runs gunicorn)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from portal import create_app, hosts, uploads
from portal.crypto.hashing import pepper as _pepper
from portal.crypto.appkey import keyring
from support import dispose_app, make_app


def _host(tmp_path: Path, first, name: str, shared: Path):
    """Another host: its own instance folder, the first host's database."""
    return create_app({"PORTAL_ENV": "testing", "instance_path": str(tmp_path / name / "instance"),
                       "SQLALCHEMY_DATABASE_URI": first.config["SQLALCHEMY_DATABASE_URI"],
                       "SECRET_KEY": first.config["SECRET_KEY"], "PORTAL_SHARED_SECRETS": str(shared),
                       "PORTAL_FILE_STORE": "database"})


def test_hosts_share_secrets_and_refuse_when_they_differ(tmp_path, backend):
    first = make_app(tmp_path / "a", backend)
    shared, other = tmp_path / "shared", tmp_path / "other"
    try:
        assert first.test_cli_runner().invoke(args=["hosts", "export-secrets", "--to", str(shared)]).exit_code == 0
        assert sorted(os.listdir(shared)) == ["app-keyring.json", "pepper"]  # SECRET_KEY came from the config
        a, b = _host(tmp_path, first, "host-a", shared), _host(tmp_path, first, "host-b", shared)
        hosts.check_agreement(a)  # records
        hosts.check_agreement(b)  # agrees
        with a.app_context():
            name = uploads.store(b"lampiran dari host A")
            pepper_a = _pepper()
        with b.app_context():
            assert uploads.load(name) == b"lampiran dari host A" and _pepper() == pepper_a
            assert keyring().path == shared / "app-keyring.json"
        assert not (tmp_path / "host-b" / "instance" / "keys" / "pepper").exists()

        # A host given another key ring (its own instance's) refuses, and says why.
        lone = make_app(tmp_path / "c", backend)
        assert lone.test_cli_runner().invoke(args=["hosts", "export-secrets", "--to", str(other)]).exit_code == 0
        dispose_app(lone)
        (other / "pepper").write_bytes((shared / "pepper").read_bytes())
        stranger = _host(tmp_path, first, "host-c", other)
        with pytest.raises(hosts.HostsDisagree, match="app-keyring"):
            hosts.check_agreement(stranger)
        # After a deliberate change, `hosts record` makes the new secrets the reference.
        assert stranger.test_cli_runner().invoke(args=["hosts", "record"]).exit_code == 0
        hosts.check_agreement(stranger)
        with pytest.raises(hosts.HostsDisagree):
            hosts.check_agreement(a)
        for app in (a, b, stranger):
            dispose_app(app)
    finally:
        dispose_app(first)


def test_a_shared_directory_without_the_key_ring_refuses_at_start(tmp_path):
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "pepper").write_bytes(os.urandom(32))
    with pytest.raises(hosts.HostsDisagree, match="app-keyring.json"):
        create_app({"PORTAL_ENV": "testing", "instance_path": str(tmp_path / "instance"),
                    "SQLALCHEMY_DATABASE_URI": "sqlite://", "PORTAL_SHARED_SECRETS": str(tmp_path / "shared")})
