"""Human-friendly ticket numbers (PGD-2026-000123), allocated atomically on SQLite and PostgreSQL."""
from __future__ import annotations

from sqlalchemy import text

from .extensions import db

# One statement: the first ticket of a prefix/year makes its counter row (value 1), every later one
# increments it; the row lock it takes serialises concurrent submissions until their commit.
_NEXT = text(
    "INSERT INTO ticket_counters (prefix, year, value) VALUES (:prefix, :year, 1) "
    "ON CONFLICT (prefix, year) DO UPDATE SET value = ticket_counters.value + 1 RETURNING value"
)


def allocate(prefix: str, year: int) -> str:
    """Next ticket for prefix/year; call inside a write transaction (the row lock serialises)."""
    value = db.session.execute(_NEXT, {"prefix": prefix, "year": year}).scalar_one()
    return f"{prefix}-{year}-{value:06d}"
