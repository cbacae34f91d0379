"""Time in the office: the one home of "now" and "today".

Instants are stored in UTC (`utcnow`); days are the office's calendar days in its time zone
(`PORTAL_TIMEZONE`, e.g. Asia/Jakarta = WIB), so a tip filed at 01:00 WIB counts on that WIB day,
not on the UTC day before. Deadlines, periods, report months and "today" on every page read from here.
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from flask import current_app


def local_tz() -> ZoneInfo:
    """The office's time zone from the settings."""
    return ZoneInfo(current_app.config["PORTAL_TIMEZONE"])


def utcnow() -> datetime:
    """The current instant, timezone-aware, in UTC (what the database stores)."""
    return datetime.now(timezone.utc)


def now() -> datetime:
    """The current instant in office time."""
    return datetime.now(local_tz())


def local_today() -> date:
    """Today's date in the office."""
    return now().date()


today = local_today


def to_local(value: datetime) -> datetime:
    """An aware instant shown in office time."""
    return value.astimezone(local_tz())


__all__ = ["local_today", "local_tz", "now", "to_local", "today", "utcnow"]
