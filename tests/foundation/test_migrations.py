"""Migrations are the only way the schema is made: `flask db upgrade` on an empty database gives
exactly the models' schema (SQLite and PostgreSQL), `downgrade base` undoes it, and the app
never falls back on `create_all`."""
from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from support import PG_URL, PgSchema
from portal import PROJECT_ROOT, create_app
from portal.casequery import SEARCH_TABLES
from portal.extensions import db
from samples import COMPLAINT



@pytest.fixture
def fresh_app(tmp_path, backend):
    """The app exactly as `flask --app wsgi` builds it: no create_all, an empty database."""
    schema = PgSchema(PG_URL) if backend == "postgresql" else None
    instance = tmp_path / "instance"
    url = schema.url if schema else "sqlite:///" + str(instance / "portal.db")
    app = create_app({
        "PORTAL_ENV": "testing",
        "instance_path": str(instance),
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "test-" + secrets.token_hex(16),
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": 1,
    })
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if schema:
        schema.drop()


def table_names(app) -> set[str]:
    with app.app_context():
        with db.engine.connect() as conn:
            return set(inspect(conn).get_table_names())


def schema_differences(app) -> list:
    with app.app_context():
        opts = {k: v for k, v in app.extensions["migrate"].configure_args.items()
                if k in ("compare_type", "compare_server_default", "include_object", "include_name")}
        opts.setdefault("compare_type", True)
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts=opts)
            return compare_metadata(context, db.metadata)


def test_creating_the_app_creates_no_table(fresh_app):
    assert table_names(fresh_app) == set()
    fresh_app.test_client().get("/")
    assert table_names(fresh_app) == set()


def test_upgrade_creates_exactly_the_models_schema(fresh_app):
    with fresh_app.app_context():
        flask_migrate.upgrade()
    tables = table_names(fresh_app)
    assert set(db.metadata.tables) <= tables
    # Besides the models' tables: Alembic's and, on SQLite, the full-text index (migration 0017).
    assert tables - set(db.metadata.tables) - SEARCH_TABLES == {"alembic_version"}
    assert schema_differences(fresh_app) == []


def test_migrated_database_serves_a_submission(fresh_app):
    with fresh_app.app_context():
        flask_migrate.upgrade()
    client = fresh_app.test_client()
    created = client.post("/api/v1/complaints", json=COMPLAINT)
    assert created.status_code == 201, created.get_data(as_text=True)
    body = created.get_json()
    shown = client.get(f"/api/v1/complaints/{body['ticket']}", headers={"X-Access-Code": body["access_code"]})
    assert shown.status_code == 200


def test_downgrade_to_base_and_back(fresh_app):
    with fresh_app.app_context():
        flask_migrate.upgrade()
        flask_migrate.downgrade(revision="base")
    assert table_names(fresh_app) <= {"alembic_version"}
    with fresh_app.app_context():
        flask_migrate.upgrade()
    assert schema_differences(fresh_app) == []


def test_comparison_notices_a_schema_that_differs(fresh_app):
    """Guard for the check above: a table dropped behind the migrations' back is reported."""
    with fresh_app.app_context():
        flask_migrate.upgrade()
        with db.engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE calendar_overrides")
    differences = schema_differences(fresh_app)
    assert any(d[0] == "add_table" and d[1].name == "calendar_overrides" for d in differences)


def test_flask_db_upgrade_command(fresh_app):
    result = fresh_app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert schema_differences(fresh_app) == []


def test_migrations_form_one_line_of_history():
    from alembic.config import Config

    config = Config(str(PROJECT_ROOT / "migrations" / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1, f"several migration heads, merge them: {heads}"


def test_the_app_never_calls_create_all():
    offenders = []
    for path in sorted(Path(PROJECT_ROOT, "portal").rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"\bcreate_all\b", line):
                offenders.append(f"{path.relative_to(PROJECT_ROOT)}:{number}: {line.strip()}")
    assert offenders == []
    assert os.path.exists(PROJECT_ROOT / "wsgi.py")
    assert "create_all" not in (PROJECT_ROOT / "wsgi.py").read_text(encoding="utf-8")
