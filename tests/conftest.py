"""Shared fixtures: an app on SQLite (always) and PostgreSQL (when TEST_DATABASE_URL is set),
a real SMTP server, a live HTTP server and headless Chromium."""
from __future__ import annotations

import os
import secrets
import shutil
import socket
import threading
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from portal import create_app
from portal.config import normalise_database_url
from portal.extensions import db
from staff import ROLE_EMAILS, Accounts

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
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    schema = app.extensions.get("test_pg_schema")
    if schema is not None:
        schema.drop()


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def app(tmp_path, backend):
    app = make_app(tmp_path, backend)
    yield app
    dispose_app(app)


@pytest.fixture
def app_factory(tmp_path, backend):
    """Build an app with extra configuration (limits on, SMTP port, …)."""
    made = []

    def factory(**overrides):
        sub = tmp_path / f"app{len(made)}"
        sub.mkdir()
        made.append(make_app(sub, backend, **overrides))
        return made[-1]

    yield factory
    for app in made:
        dispose_app(app)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def smtp_server():
    """A real SMTP server (aiosmtpd) that keeps what it receives."""
    from aiosmtpd.controller import Controller

    class Keep:
        def __init__(self):
            self.messages = []
            self.lock = threading.Lock()

        async def handle_DATA(self, server, session, envelope):
            with self.lock:
                self.messages.append(envelope)
            return "250 OK"

    handler = Keep()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    handler.port = port
    yield handler
    controller.stop()


class LiveServer:
    def __init__(self, app):
        from werkzeug.serving import make_server

        self.app = app
        self.port = free_port()
        self.server = make_server("127.0.0.1", self.port, app, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.port}"

    def stop(self):
        self.server.shutdown()
        self.thread.join(timeout=5)


@pytest.fixture
def live_server(app):
    server = LiveServer(app)
    yield server
    server.stop()


def chromium_missing_reason() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"headless Chromium not installed at {CHROMIUM} (Debian package 'chromium'; .ci/run installs it)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -e '.[dev]')"
    return None


@pytest.fixture(scope="session")
def _playwright():
    reason = chromium_missing_reason()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def chromium(_playwright):
    browser = _playwright.chromium.launch(
        executable_path=CHROMIUM,
        args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    )
    yield browser
    browser.close()


@pytest.fixture
def page(chromium):
    context = chromium.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=True)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def page_nojs(chromium):
    context = chromium.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    page = context.new_page()
    yield page
    context.close()


def long_tests_enabled() -> bool:
    return os.environ.get("PORTAL_LONG_TESTS") == "1"


@pytest.fixture
def tmp_copy(tmp_path):
    def copy(src: Path) -> Path:
        dst = tmp_path / ("copy-" + secrets.token_hex(4))
        shutil.copytree(src, dst)
        return dst
    return copy


@pytest.fixture
def accounts(app):
    return Accounts(app)




@pytest.fixture
def staff(app, accounts):
    """One account per role, created with real TOTP secrets."""
    for role, email in ROLE_EMAILS.items():
        accounts.create(email, {role})
    return accounts


@pytest.fixture
def as_role(app, staff):
    def signed_in(role: str):
        client = app.test_client()
        return staff.login(client, ROLE_EMAILS[role])
    return signed_in
