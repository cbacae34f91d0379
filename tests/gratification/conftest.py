"""Gratification fixtures: a valid report (DOMAIN.md §6 sample 3) and a controllable "today"."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import GratificationAttachment, GratificationReport

from gratification_samples import REPORT


@pytest.fixture
def report_data() -> dict:
    return dict(REPORT)


@pytest.fixture
def today(monkeypatch):
    """Pin the office's "today" (validation and submission) to a date the test chooses."""
    pinned = {"day": date(2026, 2, 20)}

    def set_day(day: date) -> None:
        pinned["day"] = day

    for module in ("portal.gratification.validation", "portal.gratification.services"):
        monkeypatch.setattr(f"{module}.local_today", lambda: pinned["day"])
    set_day.pinned = pinned
    return set_day


@pytest.fixture
def stored(app):
    """How many reports and attachments the database holds."""
    def count() -> tuple[int, int]:
        with app.app_context():
            return (db.session.scalar(select(func.count()).select_from(GratificationReport)),
                    db.session.scalar(select(func.count()).select_from(GratificationAttachment)))
    return count
