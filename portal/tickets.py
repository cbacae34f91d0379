"""Human-friendly ticket numbers (PGD-2026-000123), allocated atomically on SQLite and PostgreSQL."""
from __future__ import annotations

from sqlalchemy import text

from .extensions import db

_ENSURE = text(
    "INSERT INTO ticket_counters (prefix, year, value) VALUES (:prefix, :year, 0) "
    "ON CONFLICT (prefix, year) DO NOTHING"
)
_NEXT = text(
    "UPDATE ticket_counters SET value = value + 1 WHERE prefix = :prefix AND year = :year RETURNING value"
)


def allocate(prefix: str, year: int) -> str:
    """Next ticket for prefix/year; call inside a write transaction (the row lock serialises)."""
    params = {"prefix": prefix, "year": year}
    db.session.execute(_ENSURE, params)
    value = db.session.execute(_NEXT, params).scalar_one()
    return f"{prefix}-{year}-{value:06d}"
