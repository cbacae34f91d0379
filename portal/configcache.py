"""The admin's configuration (operator settings, SLA settings, working-day overrides) kept per worker
and re-read only when the database says it changed.

Every submission computes a deadline from those three tables. Instead of reading them per request,
a worker keeps what it read under the token of the `config_generation` row, which database triggers
(migration 0020) change in the same transaction as any write to the three tables. A request reads
that one row (once per app context, like the per-context caches before); a different token means
something changed, and the tables are read again. So a change is seen by every worker and host at
its commit, whoever made it (admin page, CLI, another host, a hand-written row), and nothing is ever
served that the database no longer holds: a write that is rolled back leaves the token it replaced,
and the random token it had made never matches again.
"""
from __future__ import annotations

from typing import Callable, TypeVar

from flask import current_app, g
from sqlalchemy import inspect, select

from .extensions import db
from .models.settings import ConfigGeneration

T = TypeVar("T")

_G_TOKEN = "_portal_config_generation"
_EXTENSION = "portal_config_cache"
_MISSING = object()
_TOKEN = select(ConfigGeneration.token).where(ConfigGeneration.id == 1)


def _store() -> dict:
    store = current_app.extensions.get(_EXTENSION)
    if store is None:
        store = current_app.extensions.setdefault(_EXTENSION, {"has_table": False, "values": {}})
    return store


def token() -> str | None:
    """The configuration's current key, read once per app context; None before migration 0020 ran
    (then nothing is kept across requests)."""
    value = g.get(_G_TOKEN, _MISSING)
    if value is _MISSING:
        store = _store()
        if not store["has_table"]:
            # Checked until found (a database below head during `db upgrade`); a table once made stays.
            store["has_table"] = inspect(db.session.connection()).has_table(ConfigGeneration.__tablename__)
        value = db.session.execute(_TOKEN).scalar() if store["has_table"] else None
        setattr(g, _G_TOKEN, value)
    return value


def forget() -> None:
    """Read the key again in this app context (call after writing one of the tables, as the per-context
    caches of portal.settings, portal.workflow and portal.workdays do)."""
    g.pop(_G_TOKEN, None)


def shared(name: str, load: Callable[[], T]) -> T:
    """`load()`'s result, kept by this worker while the configuration's key stays the same. The result
    is shared by requests: callers must not change it."""
    key = token()
    if key is None:
        return load()
    values = _store()["values"]
    kept = values.get(name)
    if kept is not None and kept[0] == key:
        return kept[1]
    value = load()
    values[name] = (key, value)
    return value
