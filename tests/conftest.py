"""Shared fixtures: an app on SQLite (always) and PostgreSQL (when TEST_DATABASE_URL is set),
a real SMTP server, a live HTTP server and headless Chromium."""
from __future__ import annotations

import gc
import os
import secrets
import shutil
import threading
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from staff import ROLE_EMAILS, Accounts
from support import BACKENDS, BROWSER_CONTEXT, CHROMIUM, dispose_app, free_port, make_app

# Hypothesis: `ci` (the default) keeps the suite quick; HYPOTHESIS_PROFILE=thorough runs every
# property test with many more examples (tests scale their own counts with support.examples).
hypothesis_settings.register_profile("ci", deadline=None, database=None, max_examples=50)
hypothesis_settings.register_profile("thorough", deadline=None, max_examples=1000)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# --- garbage collection ------------------------------------------------------------------------------
# Each test's app (routes, extensions, engine, sessions) ends as cyclic garbage that only a full
# collection frees, and every full collection also walked every object the test process keeps for good:
# the imported libraries, portal and test modules, then the caches the first tests fill (SQLAlchemy's
# per-mapper statements, Jinja's code): a fifth of a worker's CPU went to the collector. Objects
# alive after collection and after the 1st, 10th and 100th test are frozen (gc.freeze: never walked
# again, still freed by reference counting), so a full collection walks what the recent tests made.
FREEZE_AFTER_TESTS = (1, 10, 100)
_tests_done = 0


def _freeze_survivors() -> None:
    gc.collect()
    gc.freeze()


def pytest_collection_finish(session):
    _freeze_survivors()


def pytest_runtest_logfinish(nodeid, location):
    global _tests_done
    _tests_done += 1
    if _tests_done in FREEZE_AFTER_TESTS:
        _freeze_survivors()


# --- order of the tests under pytest-xdist ---------------------------------------------------------
# Tests that start real processes (the `flask` executable, gunicorn, nginx, `make`) or drive Chromium
# take from seconds to a minute each; the rest take a fraction of a second. xdist's work stealing
# gives each worker a contiguous share of the collection and steals from the tail of a queue, so the
# slow tests go at the head of the shares, spread evenly (largest first): no worker starts a
# minute-long test while the others run out of work. Weights are seconds (durations of a quiet run
# on two cores); a test not listed is fast, a test that drives Chromium weighs BROWSER_WEIGHT.
SLOW_TESTS = {
    "tests/foundation/test_readme_commands.py::test_every_readme_command_runs_on_a_fresh_instance": 27,
    "tests/ops/test_deploy_files.py::test_every_cron_line_runs_on_a_fresh_instance": 10,
    "tests/ops/test_production.py::test_every_public_form_works_over_https_under_gunicorn": 10,
    "tests/ops/test_production.py::test_every_public_form_works_through_the_shipped_nginx": 5,
    "tests/ops/test_production.py::test_a_tip_never_lands_in_nginx_temp_files_and_logs_name_no_client": 3,
    "tests/ops/test_make_run.py::test_make_run_serves_with_gunicorn_workers_and_logs_no_client": 5,
    "tests/ops/test_make_run.py::test_make_dev_request_log_names_no_client": 5,
    "tests/backoffice/test_browser_flow.py": 6,
    "tests/gratification/test_gratification_browser.py": 6,
    "tests/reports/test_report_documents.py::test_a_long_list_is_whole_in_xlsx_and_zip_and_capped_in_pdf": 5,
    "tests/ops/test_fuzz_smoke.py::test_generated_requests_get_no_5xx_and_documented_answers": 5,
    "tests/ops/test_fuzz_smoke.py::test_deep_nesting_and_unicode_digits_get_no_5xx": 3,
    "tests/backoffice/test_access_matrix.py::test_role_route_matrix": 2.5,
    "tests/reports/test_zi_evidence_pack.py::test_semester_pack_maps_every_indicator_to_its_files": 2,
    "tests/reports/test_privacy_scan.py::test_no_published_page_download_or_answer_identifies_anyone": 2,
    "tests/foundation/test_fresh_instance.py::test_reports_build_right_after_db_upgrade": 2,
    "tests/ops/test_properties.py::test_any_json_object_gets_an_answer_below_500": 1.5,
}
BROWSER_WEIGHT = 3
# Slow tests that share something built once per test process go to the same worker: the production
# instance (`flask db upgrade` and `flask users create`, real processes) of test_production.py.
SAME_WORKER = ("tests/ops/test_production.py::",)


def _weight(item) -> float:
    for prefix, weight in SLOW_TESTS.items():
        if item.nodeid.startswith(prefix):
            return weight
    return BROWSER_WEIGHT if "chromium" in getattr(item, "fixturenames", ()) else 0


def _slow_units(items) -> list[list]:
    """The slow tests as units to place, largest first: one unit per SAME_WORKER group, else per test."""
    units: dict[str, list] = {}
    for item in items:
        if _weight(item):
            key = next((group for group in SAME_WORKER if item.nodeid.startswith(group)), item.nodeid)
            units.setdefault(key, []).append(item)
    for unit in units.values():
        unit.sort(key=_weight, reverse=True)
    return sorted(units.values(), key=lambda unit: sum(map(_weight, unit)), reverse=True)


def pytest_collection_modifyitems(config, items):
    workers = getattr(config, "workerinput", {}).get("workercount", 0)
    if workers < 2:
        return
    units = _slow_units(items)
    chosen = {id(item) for unit in units for item in unit}
    fast = [item for item in items if id(item) not in chosen]
    shares: list[list] = [[] for _ in range(workers)]
    loads = [0.0] * workers
    for unit in units:
        k = loads.index(min(loads))
        shares[k] += unit
        loads[k] += sum(map(_weight, unit))
    # The share sizes xdist's first distribution sends (scheduler/worksteal.py: check_schedule).
    left, ordered = len(items), []
    for k in range(workers):
        size = left // (workers - k)
        take = max(0, size - len(shares[k]))
        ordered += shares[k] + fast[:take]
        fast = fast[take:]
        left -= size
    items[:] = ordered + fast


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
        # shutdown() waits for the serving loop to look at its flag: every poll_interval (0.5 s by default).
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02},
                                       daemon=True)
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
    context = chromium.new_context(**BROWSER_CONTEXT, viewport={"width": 390, "height": 844}, java_script_enabled=True)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def page_nojs(chromium):
    context = chromium.new_context(**BROWSER_CONTEXT, viewport={"width": 390, "height": 844}, java_script_enabled=False)
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
