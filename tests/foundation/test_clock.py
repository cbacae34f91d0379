"""portal/clock.py is the one home of office time: the day comes from PORTAL_TIMEZONE, not the server."""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from flask import Flask

from portal import clock, templating


@pytest.fixture()
def office():
    app = Flask("clock")
    app.config["PORTAL_TIMEZONE"] = "Asia/Jakarta"
    with app.app_context():
        yield app


def test_today_is_the_office_day_of_the_configured_zone(office):
    office.config["PORTAL_TIMEZONE"] = "Pacific/Kiritimati"  # UTC+14
    ahead = clock.local_today()
    assert ahead == datetime.now(ZoneInfo("Pacific/Kiritimati")).date()
    office.config["PORTAL_TIMEZONE"] = "Pacific/Pago_Pago"  # UTC-11: always another calendar day
    behind = clock.today()
    assert behind == datetime.now(ZoneInfo("Pacific/Pago_Pago")).date()
    assert behind < ahead


def test_an_instant_late_in_the_utc_day_is_the_next_day_in_wib(office):
    instant = datetime(2026, 11, 28, 18, 30, tzinfo=timezone.utc)
    local = clock.to_local(instant)
    assert (local.date(), local.hour, local.minute) == (date(2026, 11, 29), 1, 30)
    assert clock.local_tz() == ZoneInfo("Asia/Jakarta")
    assert clock.now().utcoffset() == ZoneInfo("Asia/Jakarta").utcoffset(datetime(2026, 1, 1))
    assert clock.utcnow().utcoffset().total_seconds() == 0


def test_templates_and_older_imports_use_the_same_clock():
    from portal.models import types

    assert (templating.local_today, templating.local_tz, templating.to_local) == (
        clock.local_today, clock.local_tz, clock.to_local)
    assert types.utcnow is clock.utcnow
