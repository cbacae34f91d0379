"""Test support shared by conftest and tests (tests import from here, never from conftest)."""
from __future__ import annotations

import atexit
import copy
import os
import secrets
import shutil
import socket
import sqlite3
import tempfile
from pathlib import Path

from jinja2 import BytecodeCache
from sqlalchemy import create_engine, text

from portal import create_app
from portal.config import normalise_database_url
from portal.extensions import db

PG_URL = os.environ.get("TEST_DATABASE_URL")
REDIS_URL = os.environ.get("TEST_REDIS_URL")
CHROMIUM = "/usr/bin/chromium"
# Every browser context of the suite is a visitor who prefers reduced motion, so portal.css scrolls
# instantly: under its smooth scrolling, a field that takes focus scrolls the page for a moment and
# Playwright waits (up to a second and a half) for the next button to stop moving before it clicks.
# Nothing a test checks depends on the motion.
BROWSER_CONTEXT = {"reduced_motion": "reduce"}
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


def upgrade_database(app) -> None:
    """`flask --app wsgi db upgrade`, exactly as an operator runs it (migrations, then the calendar)."""
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output


_template: dict[str, Path] = {}


def _template_database() -> Path:
    """A SQLite database made once per test process by the real `db upgrade`, copied per test.

    It holds exactly what an install has after `db upgrade` and nothing else; copying it is much
    quicker than migrating and building the calendar again for every test.
    """
    if "sqlite" not in _template:
        folder = Path(tempfile.mkdtemp(prefix="portal-template-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        app = create_app({
            "PORTAL_ENV": "testing",
            "instance_path": str(folder / "instance"),
            "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(folder / "portal.db"),
            "SECRET_KEY": "template-" + secrets.token_hex(16),
        })
        upgrade_database(app)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        _template["sqlite"] = folder / "portal.db"
        _template["translations"] = folder / "instance" / "translations"
    return _template["sqlite"]


def _copy_compiled_catalogues(instance: Path) -> None:
    """The .mo files every app compiles into instance/translations at its first start (portal.i18n),
    copied from the template's instance with their times, so the app finds them up to date instead of
    parsing the .po catalogues again (a quarter of a second per app)."""
    _template_database()
    shutil.copytree(_template["translations"], instance / "translations", dirs_exist_ok=True)


class _SharedTemplateCode(BytecodeCache):
    """Jinja's compiled templates shared by every app of this test process (keyed and checked by
    the template's source, as Jinja's own bytecode caches are): each test builds a new app, and
    compiling the same templates again for each one took longer than many tests themselves."""

    def __init__(self):
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


_template_code = _SharedTemplateCode()


def _share_url_builders() -> None:
    """Werkzeug compiles two URL-builder functions per route (an AST, then `compile`) for every app:
    three quarters of a test app's creation. The function depends only on the rule's text, its parsed
    parts, defaults and converters, and gets its rule at call time, so one per distinct rule serves
    every app of the test process."""
    from werkzeug.routing.rules import Rule

    compile_builder = Rule._compile_builder
    if getattr(compile_builder, "shared", False):
        return
    built: dict = {}

    def shared_builder(self, append_unknown: bool = True):
        key = (append_unknown, self.rule, tuple(self._trace), repr(sorted((self.defaults or {}).items())),
               tuple((name, type(c), getattr(c, "regex", None)) for name, c in self._converters.items()))
        if key not in built:
            built[key] = compile_builder(self, append_unknown)
        return built[key]

    shared_builder.shared = True
    Rule._compile_builder = shared_builder


_share_url_builders()


def _share_rule_parsing() -> None:
    """After the builders, parsing each route's text into its matching parts (regular expressions,
    weights, converters) is most of a test app's creation. The result depends only on the text and
    the map's converter classes, so each distinct rule is parsed once per test process; every app's
    rule still gets its own converter objects, bound to its own map."""
    from werkzeug.routing.rules import Rule

    parse_rule = Rule._parse_rule
    if getattr(parse_rule, "shared", False):
        return
    parsed: dict = {}

    def shared_parse(self, rule: str):
        key = (rule, tuple(self.map.converters.items()))
        if key not in parsed:
            trace, converters, arguments = len(self._trace), set(self._converters), set(self.arguments)
            parts = list(parse_rule(self, rule))
            parsed[key] = (parts, self._trace[trace:],
                           {name: c for name, c in self._converters.items() if name not in converters},
                           self.arguments - arguments)
            return iter(parts)
        parts, trace, converters, arguments = parsed[key]
        self._trace.extend(trace)
        for name, converter in converters.items():
            converter = copy.copy(converter)
            converter.map = self.map
            self._converters[name] = converter
        self.arguments.update(arguments)
        return iter(parts)

    shared_parse.shared = True
    Rule._parse_rule = shared_parse


_share_rule_parsing()


def _copy_sqlite(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    # The backup API copies a consistent database whatever is still in the WAL file. The copy is a
    # test's throw-away database: written without waiting for the disk (the app then sets its own
    # synchronous level on every connection).
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        dst.execute("PRAGMA synchronous=OFF")
        src.backup(dst)
    src.close()
    dst.close()


def _sqlite_file(app) -> Path:
    instance = Path(app.instance_path)
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite:///" + str(instance / "portal.db")
    return instance / "portal.db"


def _close_connections(app) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def snapshot_instance(app) -> Path:
    """A copy of a SQLite app's database and instance files (key ring, stored files), to be put into
    other apps of this test process with restore_instance: for read-only tests whose fixture builds
    the same expensive state every time (e.g. published reports, each rendered to PDF)."""
    folder = Path(tempfile.mkdtemp(prefix="portal-snapshot-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    database = _sqlite_file(app)
    _close_connections(app)
    shutil.copytree(app.instance_path, folder / "instance", symlinks=True,
                    ignore=shutil.ignore_patterns("portal.db", "portal.db-*", "translations"))
    _copy_sqlite(database, folder / "portal.db")
    return folder


def restore_instance(app, snapshot: Path) -> None:
    """Replace a SQLite app's database and instance files with a snapshot_instance copy (the app's
    key ring follows its file: portal.crypto.appkey reloads a key file that changed)."""
    database = _sqlite_file(app)
    _close_connections(app)
    shutil.copytree(snapshot / "instance", app.instance_path, symlinks=True, dirs_exist_ok=True)
    _copy_sqlite(snapshot / "portal.db", database)


def built_once(cache: dict, app, backend: str, build):
    """The value of `build()` (which fills the app's database), built once per test process on
    SQLite: later apps get a copy of the database and instance files it left (snapshot_instance)
    instead of building it again. Only for fixtures of tests that read what was built."""
    if backend == "sqlite" and cache:
        restore_instance(app, cache["snapshot"])
        return copy.deepcopy(cache["value"])
    value = build()
    if backend == "sqlite":
        cache.update(value=copy.deepcopy(value), snapshot=snapshot_instance(app))
    return value


def make_app(tmp_path: Path, backend: str, **overrides):
    """An app over a database made by the real migrations (`db upgrade`), as on a fresh install."""
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
    # The template is made with the default settings: a setting the calendar depends on means
    # this app runs the real upgrade itself, as do PostgreSQL schemas and another app's database.
    from portal.workdays import CONFIG_CUTI_BERSAMA

    copy_template = (backend != "postgresql" and config["SQLALCHEMY_DATABASE_URI"] == url
                     and CONFIG_CUTI_BERSAMA not in overrides and not (instance / "portal.db").exists())
    if copy_template:
        _copy_sqlite(_template_database(), instance / "portal.db")
        if config["instance_path"] == str(instance) and not (instance / "translations").exists():
            _copy_compiled_catalogues(instance)
    app = create_app(config)
    app.jinja_env.bytecode_cache = _template_code
    if not copy_template:
        upgrade_database(app)  # idempotent on a database that is already at head
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


def examples(n: int) -> int:
    """A property test's example count: `n` (as the test was tuned) under the default Hypothesis
    profile `ci`, ten times that under HYPOTHESIS_PROFILE=thorough (profiles in conftest.py)."""
    return n * 10 if os.environ.get("HYPOTHESIS_PROFILE") == "thorough" else n


def long_tests_enabled() -> bool:
    return os.environ.get("PORTAL_LONG_TESTS") == "1"


def flask_in_process(monkeypatch, env: dict, *args: str):
    """`flask --app wsgi ARGS` as a new app in this process: wsgi's create_app() reading exactly the
    environment ENV, its CLI invoked as the executable would (click's Result: exit_code, stdout,
    stderr). For tests about what a command does, not about the process; the README, cron and
    `make` tests run the real executable."""
    with monkeypatch.context() as patch:
        for name in set(os.environ) - set(env):
            patch.delenv(name)
        for name, value in env.items():
            patch.setenv(name, value)
        app = create_app()
        try:
            return app.test_cli_runner().invoke(args=list(args))
        finally:
            dispose_app(app)
