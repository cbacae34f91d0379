"""The calendar_days table over an instance's life: built by `db upgrade` (the `app` fixture is a
copy of a database made by it), extended by itself beyond its range, rebuilt by
`flask --app wsgi calendar rebuild` after a decree, with the admin's overrides kept."""
from __future__ import annotations

import json
from datetime import date as D

from sqlalchemy import func, select

from portal import workdays
from portal.extensions import db
from portal.models import CalendarDay, CalendarOverride

from staff import csrf


def table_range(app):
    with app.app_context():
        return db.session.execute(select(func.min(CalendarDay.day), func.max(CalendarDay.day))).one()


def index_difference(app, a: D, b: D) -> int:
    """Working days d with a < d <= b, as the SQL reports count them (from the table)."""
    with app.app_context():
        index = dict(db.session.execute(select(CalendarDay.day, CalendarDay.workday_index)
                                        .where(CalendarDay.day.in_([a, b]))).all())
    return index[b] - index[a]


def test_upgrade_builds_the_default_years(app):
    assert tuple(table_range(app)) == (D(2020, 1, 1), D(2035, 12, 31))


def test_report_far_beyond_the_built_range_extends_the_calendar(app, runner):
    result = runner.invoke(args=["reports", "build", "--channel", "complaints", "--period", "2041-01"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["period"]["code"] == "2041-01"
    assert tuple(table_range(app)) == (D(2020, 1, 1), D(2041, 12, 31))
    # Fri 11 Jan 2041 to Fri 18 Jan 2041: Mon 14 .. Fri 18, a week without any holiday.
    assert index_difference(app, D(2041, 1, 11), D(2041, 1, 18)) == 5
    with app.app_context():
        assert workdays.add_working_days(D(2041, 1, 11), 5) == D(2041, 1, 18)  # the deadline agrees
    # The years before the extension kept their counts: 13 Mar 2026 to 5 May 2026 is 30 working
    # days (Nyepi, cuti bersama 18/20/23/24 Mar, Good Friday 3 Apr skipped; see test_workdays).
    assert index_difference(app, D(2026, 3, 13), D(2026, 5, 5)) == 30


def test_calendar_rebuild_recomputes_and_keeps_the_admins_overrides(app, runner, as_role):
    admin = as_role("admin")
    token = csrf(admin.get("/kantor/admin/libur?tahun=2026").get_data(as_text=True))
    response = admin.post("/kantor/admin/libur", data={"csrf_token": token, "day": "2026-04-01", "working": "0",
                                                       "note": "Keppres libur tambahan"})
    assert response.status_code == 303
    # With cuti bersama closed: of the 30 days above, 1 Apr is now a holiday too.
    assert index_difference(app, D(2026, 3, 13), D(2026, 5, 5)) == 29
    assert runner.invoke(args=["reports", "build", "--channel", "complaints", "--period", "2041-01"]).exit_code == 0

    # A new decree: cuti bersama days are working days for deadlines from now on.
    app.config[workdays.CONFIG_CUTI_BERSAMA] = False
    result = runner.invoke(args=["calendar", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "1 penyesuaian admin dipertahankan" in result.output

    # 13 Mar .. 5 May 2026 with cuti bersama 18, 20, 23, 24 Mar working again: 30 + 4 - 1 (1 Apr).
    assert index_difference(app, D(2026, 3, 13), D(2026, 5, 5)) == 33
    with app.app_context():
        assert db.session.get(CalendarOverride, D(2026, 4, 1)).note == "Keppres libur tambahan"
        assert db.session.get(CalendarDay, D(2026, 4, 1)).working is False
        assert db.session.get(CalendarDay, D(2026, 3, 20)).working is True
    assert tuple(table_range(app)) == (D(2020, 1, 1), D(2041, 12, 31))  # the extension stays


def test_report_before_the_built_range_extends_it_backwards_and_keeps_later_counts(app, runner):
    result = runner.invoke(args=["reports", "build", "--channel", "complaints", "--period", "2018-S2"])
    assert result.exit_code == 0, result.output
    assert tuple(table_range(app)) == (D(2018, 1, 1), D(2035, 12, 31))
    assert index_difference(app, D(2026, 3, 13), D(2026, 5, 5)) == 30  # as above, same count
    # Fri 2 Nov 2018 to Fri 9 Nov 2018: Mon 5 .. Fri 9, no holiday that week.
    assert index_difference(app, D(2018, 11, 2), D(2018, 11, 9)) == 5


def test_a_year_centuries_away_is_refused_clearly_not_built(app, runner):
    result = runner.invoke(args=["reports", "build", "--channel", "complaints", "--period", "2926-01"])
    assert result.exit_code == 1
    assert "kalender hari kerja tidak diperluas" in result.output
    assert tuple(table_range(app)) == (D(2020, 1, 1), D(2035, 12, 31))
