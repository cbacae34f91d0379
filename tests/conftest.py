"""Shared fixtures: an app on SQLite (always) and PostgreSQL (when TEST_DATABASE_URL is set),
a real SMTP server, a live HTTP server and headless Chromium."""
from __future__ import annotations

import os
import secrets
import shutil
import threading
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from staff import ROLE_EMAILS, Accounts
from support import BACKENDS, CHROMIUM, dispose_app, free_port, make_app

# Hypothesis: `ci` (the default) keeps the suite quick; HYPOTHESIS_PROFILE=thorough runs every
# property test with many more examples (tests scale their own counts with support.examples).
hypothesis_settings.register_profile("ci", deadline=None, database=None, max_examples=50)
hypothesis_settings.register_profile("thorough", deadline=None, max_examples=1000)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

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
