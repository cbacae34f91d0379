"""Engine settings: SQLite tuned for durability and concurrency; write transactions that never deadlock."""
from __future__ import annotations

from contextlib import contextmanager

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.engine import Engine

from .extensions import db


SYNCHRONOUS_MODES = {"OFF", "NORMAL", "FULL", "EXTRA"}


def configure_engine(engine: Engine, busy_timeout_ms: int, synchronous: str | None = None) -> None:
    if engine.dialect.name == "postgresql":
        _configure_postgresql(engine)
        return
    if engine.dialect.name != "sqlite":
        return
    if synchronous is None:
        synchronous = current_app.config.get("SQLITE_SYNCHRONOUS", "FULL") if has_app_context() else "FULL"
    synchronous = str(synchronous).upper()
    if synchronous not in SYNCHRONOUS_MODES:
        raise ValueError(f"SQLITE_SYNCHRONOUS must be one of {sorted(SYNCHRONOUS_MODES)}")

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        # Let SQLAlchemy, not the driver, decide when transactions begin (see _on_begin).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        if engine.url.database not in (None, "", ":memory:"):
            cur.execute("PRAGMA journal_mode = WAL")
        # FULL: an acknowledged (committed) submission survives power loss, not just a crash.
        # Only the test configuration lowers it (OFF still survives a process crash, not power loss).
        cur.execute(f"PRAGMA synchronous = {synchronous}")
        cur.execute("PRAGMA foreign_keys = ON")
        # Deleted rows (destroyed WBS keys) are overwritten with zeros, not left in free pages.
        cur.execute("PRAGMA secure_delete = ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        # A transaction that will write takes the write lock up front: two writers that both
        # started as readers would otherwise fail at once with "database is locked".
        mode = "IMMEDIATE" if conn.get_execution_options().get("sqlite_immediate") else "DEFERRED"
        conn.exec_driver_sql(f"BEGIN {mode}")


def _configure_postgresql(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        # No JIT compilation: the monthly report's aggregates over a million cases are planned above
        # jit_above_cost, and compiling them took 2.6 of their 3.1 s (issue 20); the portal's
        # queries are short and use indexes, where JIT only adds its compile time.
        cur = dbapi_conn.cursor()
        cur.execute("SET jit = off")
        cur.close()
        dbapi_conn.commit()


@contextmanager
def write_transaction():
    """Run a block in one write transaction: committed on success, rolled back on any error."""
    session = db.session()
    if session.in_transaction():
        session.commit()
    session.connection(execution_options={"sqlite_immediate": True})
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise


def is_postgres() -> bool:
    return db.engine.dialect.name == "postgresql"


def include_name(name, type_, parent_names) -> bool:
    """Alembic autogenerate: leave out the full-text index of migration 0017 (no model declares it)."""
    from .casequery import is_schema_object

    return not (type_ in ("table", "index") and is_schema_object(name))


def render_item(type_, obj, autogen_context):
    """Alembic autogenerate: write our TypeDecorators as their plain storage types."""
    from sqlalchemy.types import TypeDecorator

    if type_ == "type" and isinstance(obj, TypeDecorator):
        autogen_context.imports.add("import sqlalchemy as sa")
        return f"sa.{type(obj.impl).__name__}()"
    return False
