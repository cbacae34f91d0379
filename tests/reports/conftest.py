"""Report fixtures: the office's day as the reports see it (portal.reports.periods.office_today)."""
from __future__ import annotations

from datetime import date

import pytest


@pytest.fixture
def office_day(monkeypatch):
    """Pin the day reports and publication consider "today"; returns the setter."""
    def pin(day: date) -> None:
        monkeypatch.setattr("portal.reports.periods.office_today", lambda: day)
    return pin


@pytest.fixture
def periods_ended(office_day):
    """A day after every period these tests publish (up to 2026-S2 and the current month of a
    test run in 2026): publishing is only for periods that have ended."""
    office_day(date(2027, 1, 4))
