"""Test support shared by conftest and tests (tests import from here, never from conftest)."""
from __future__ import annotations

import os
import secrets
import socket
from pathlib import Path

from sqlalchemy import create_engine, text

from portal import create_app
from portal.config import normalise_database_url
from portal.extensions import db

PG_URL = os.environ.get("TEST_DATABASE_URL")
REDIS_URL = os.environ.get("TEST_REDIS_URL")
CHROMIUM = "/usr/bin/chromium"
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgSchema:
    """A throw-away PostgreSQL schema per test, so tests never see each other's rows."""

    def __init__(self, base_url: str):
        self.base = normalise_database_url(base_url)
        self.name = "t_" + secrets.token_hex(6)
        self.engine = create_engine(self.base, isolation_level="AUTOCOMMIT")
        with self.engine.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{self.name}"'))

    @property
    def url(self) -> str:
        sep = "&" if "?" in self.base else "?"
        return f"{self.base}{sep}options=-csearch_path%3D{self.name}"

    def drop(self) -> None:
        with self.engine.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{self.name}" CASCADE'))
        self.engine.dispose()


def make_app(tmp_path: Path, backend: str, **overrides):
    instance = tmp_path / "instance"
    schema = None
    if backend == "postgresql":
        schema = PgSchema(PG_URL)
        url = schema.url
    else:
        url = "sqlite:///" + str(instance / "portal.db")
    config = {
        "PORTAL_ENV": "testing",
        "instance_path": str(instance),
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "test-" + secrets.token_hex(16),
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": 1,  # nothing listens: mail stays queued unless a test starts SMTP
        "PORTAL_BASE_URL": "http://portal.test",
    }
    config.update(overrides)
    app = create_app(config)
    with app.app_context():
        db.create_all()
        from portal import workdays
        workdays.rebuild_calendar_table()
    app.extensions["test_pg_schema"] = schema
    return app


def dispose_app(app) -> None:
    from portal import ratelimit

    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    ratelimit.discard_key(app)  # the address key's RAM file (/dev/shm) of this throw-away instance
    schema = app.extensions.get("test_pg_schema")
    if schema is not None:
        schema.drop()


def long_tests_enabled() -> bool:
    return os.environ.get("PORTAL_LONG_TESTS") == "1"
