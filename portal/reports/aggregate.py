"""Channel-independent report building blocks: tables, reports, JSON/CSV rendering, SQL helpers.

A channel module (complaints, gratification, wbs, …) computes its figures with SQL aggregates
and returns a `Report` made of `Table`s; everything here is shared by all channels.
"""
from __future__ import annotations

import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, func, select

from .. import exports
from ..extensions import db
from .periods import Period
from .translate import period_label

SCHEMA_VERSION = 1


class ReportError(ValueError):
    """A report cannot be built (bad input or missing prerequisite); the message says why."""


@dataclass(frozen=True)
class Column:
    key: str
    label: str


@dataclass
class Table:
    """One table of a report: rows are dicts keyed by column key (values JSON scalars)."""

    key: str
    title: str
    columns: list[Column]
    rows: list[dict[str, Any]]
    total: dict[str, Any] | None = None
    note: str = ""

    def as_dict(self) -> dict:
        return {
            "title": self.title,
            "note": self.note,
            "columns": [{"key": c.key, "label": c.label} for c in self.columns],
            "rows": _rows_in_column_order(self.rows, tuple(c.key for c in self.columns)),
            "total": None if self.total is None else {c.key: self.total.get(c.key) for c in self.columns},
        }


def _rows_in_column_order(rows: list[dict[str, Any]], keys: tuple[str, ...]) -> list[dict[str, Any]]:
    """Each row as a new dict with exactly the columns' keys, in their order (None for a missing one). A
    row that already has them in that order (T6's 25k rows at a million cases) is copied as it is,
    without a lookup per cell."""
    return [dict(row) if tuple(row) == keys else {k: row.get(k) for k in keys} for row in rows]


@dataclass
class Report:
    """A built report: JSON-serialisable through `as_dict`, printable as JSON or CSV.

    `received` is the number of cases received in the period, the one figure every channel
    has; `summary` holds the channel's headline figures under stable keys.
    """

    channel: str
    period: Period
    title: str
    received: int
    summary: dict[str, Any]
    tables: list[Table]
    notes: list[str] = field(default_factory=list)
    # The period has not ended: the figures are a preview ("sementara") and cannot be published.
    provisional: bool = False

    def table(self, key: str) -> Table:
        for table in self.tables:
            if table.key == key:
                return table
        raise KeyError(key)

    def as_dict(self) -> dict:
        return {
            "schema": SCHEMA_VERSION,
            "channel": self.channel,
            "period": self.period.as_dict(),
            "title": self.title,
            "received": self.received,
            "summary": dict(self.summary),
            "tables": {t.key: t.as_dict() for t in self.tables},
            "table_order": [t.key for t in self.tables],
            "notes": list(self.notes),
            "provisional": self.provisional,
        }

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.as_dict(), ensure_ascii=False, indent=indent)

    def to_csv(self) -> str:
        return render_csv(self)


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("ya") if value else _("tidak")
    return value


def render_csv(report: Report) -> str:
    """One CSV document: a heading, then one section per table (title, header, rows, total)."""
    out = io.StringIO()
    writer = exports.csv_writer(out)
    writer.writerow([report.title])
    writer.writerow([_("Periode"), period_label(report.period.label), report.period.start.isoformat(), report.period.end.isoformat()])
    for table in report.tables:
        writer.writerow([])
        writer.writerow([f"[{table.key}] {table.title}"])
        writer.writerow([c.label for c in table.columns])
        for row in table.rows:
            writer.writerow([_csv_value(row.get(c.key)) for c in table.columns])
        if table.total is not None:
            writer.writerow([_csv_value(table.total.get(c.key)) for c in table.columns])
        if table.note:
            writer.writerow([_("Catatan: %(note)s", note=table.note)])
    if report.notes:
        writer.writerow([])
        for note in report.notes:
            writer.writerow([_("Catatan: %(note)s", note=note)])
    return out.getvalue()


# --- Number helpers --------------------------------------------------------------------


def pct(numerator: int | None, denominator: int | None, digits: int = 1) -> float | None:
    """numerator ÷ denominator × 100, rounded; None when there is nothing to divide by."""
    if not denominator:
        return None
    return round(100.0 * (numerator or 0) / denominator, digits)


def rounded(value: Any, digits: int = 1) -> float | None:
    if value is None:
        return None
    return round(float(value), digits)


def change(current: float | int | None, previous: float | int | None) -> dict:
    """Trend of one figure against the previous period."""
    if current is None or previous is None:
        return {"current": current, "previous": previous, "change": None, "change_pct": None}
    delta = round(current - previous, 2)
    if isinstance(current, int) and isinstance(previous, int):
        delta = int(current - previous)
    return {
        "current": current,
        "previous": previous,
        "change": delta,
        "change_pct": pct(current - previous, previous) if previous else None,
    }


# --- SQL helpers -----------------------------------------------------------------------


def dialect_name() -> str:
    return db.session.get_bind().dialect.name


def median(stmt: Select, count: int) -> float | None:
    """The median of the single column `x` selected by `stmt`, computed in the database.

    PostgreSQL uses percentile_cont(0.5); other engines (SQLite) sort and read the middle
    one or two values with ORDER BY … LIMIT/OFFSET. `count` is the number of rows `stmt`
    yields (callers have it from their aggregate query). Both give the mean of the two middle
    values for an even count.
    """
    if not count:
        return None
    sub = stmt.subquery()
    if dialect_name() == "postgresql":
        value = db.session.scalar(select(func.percentile_cont(0.5).within_group(sub.c.x.asc())))
    else:
        value = median_by_offset(sub, count)
    return None if value is None else float(value)


def median_by_offset(sub, count: int) -> float | None:
    """Median by ORDER BY/LIMIT/OFFSET over subquery `sub` (column `x`); any SQL engine."""
    if not count:
        return None
    middle = (
        select(sub.c.x)
        .where(sub.c.x.is_not(None))
        .order_by(sub.c.x)
        .limit(2 - count % 2)
        .offset((count - 1) // 2)
        .subquery()
    )
    value = db.session.scalar(select(func.avg(middle.c.x)))
    return None if value is None else float(value)


def ordered_codes(known: Iterable[str], found: Iterable[str]) -> list[str]:
    """Catalogue codes first (stable order, zero rows included), then unexpected codes found."""
    known = list(known)
    extra = sorted({code for code in found if code is not None} - set(known))
    return known + extra


def sum_rows(rows: Sequence[dict], keys: Iterable[str]) -> dict:
    return {key: sum(row.get(key) or 0 for row in rows) for key in keys}
