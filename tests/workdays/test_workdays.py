"""Working-day rule: real Indonesian 2025-2027 calendars, overrides, config and the SQL table."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from portal import workdays
from portal.extensions import db
from portal.models.calendar import CalendarDay, CalendarOverride
from portal.workdays import (
    SOURCE_CUTI_BERSAMA,
    SOURCE_NATIONAL,
    SOURCE_OVERRIDE,
    Holiday,
    Override,
    WorkCalendar,
    package_holidays,
)
from support import examples

D = date
OWN_MODULES = ("portal.workdays", "portal.models", "portal.extensions", "portal.database", "holidays")


def make_app(instance_path, **config):
    settings_ = {
        "PORTAL_ENV": "testing",
        "SQLALCHEMY_DATABASE_URI": "sqlite://",
        "instance_path": str(instance_path),
        **config,
    }
    from portal import create_app

    app = create_app(settings_)
    with app.app_context():
        db.create_all()
    return app


@pytest.fixture
def app(tmp_path):
    return make_app(tmp_path)


# --- What the holidays package says (pinned so a package update that moves a date is noticed) --


def test_package_separates_national_holidays_from_cuti_bersama():
    h2025 = package_holidays(2025)
    assert h2025[D(2025, 3, 31)].source == SOURCE_NATIONAL  # Idul Fitri 1446 H
    assert h2025[D(2025, 4, 1)].source == SOURCE_NATIONAL
    for day in (D(2025, 4, 2), D(2025, 4, 3), D(2025, 4, 4), D(2025, 4, 7), D(2025, 12, 26)):
        assert h2025[day].source == SOURCE_CUTI_BERSAMA, day
    assert sum(h.source == SOURCE_CUTI_BERSAMA for h in h2025.values()) == 11

    h2026 = package_holidays(2026)
    # SKB 2026: Idul Fitri 1447 H on Sat 21 + Sun 22 March, cuti bersama 20, 23, 24 March.
    assert h2026[D(2026, 3, 21)] == Holiday("Hari Raya Idul Fitri", SOURCE_NATIONAL)
    assert h2026[D(2026, 3, 22)].source == SOURCE_NATIONAL
    for day in (D(2026, 3, 18), D(2026, 3, 20), D(2026, 3, 23), D(2026, 3, 24), D(2026, 12, 24)):
        assert h2026[day].source == SOURCE_CUTI_BERSAMA, day
    assert D(2026, 12, 26) not in h2026  # Christmas cuti bersama moved to the 24th in 2026
    assert sum(h.source == SOURCE_CUTI_BERSAMA for h in h2026.values()) == 8

    # Detection is by the package's category, not the name: 2020 has a "Pengganti Cuti Bersama".
    assert package_holidays(2020)[D(2020, 12, 31)].source == SOURCE_CUTI_BERSAMA


# --- Pure calendar ------------------------------------------------------------------------


def test_thirty_working_days_across_lebaran_2026():
    cal = WorkCalendar.from_package()
    # From Fri 13 Mar 2026: 16, 17 Mar count; 18 (cuti Nyepi), 19 (Nyepi), 20 (cuti), 21-22
    # (Idul Fitri on a weekend), 23, 24 (cuti) do not; then 25 Mar .. 2 Apr, Good Friday 3 Apr and
    # Labour Day 1 May are skipped: the 30th working day is Tue 5 May (plain weekdays: 24 Apr).
    assert cal.add_working_days(D(2026, 3, 13), 30) == D(2026, 5, 5)
    assert cal.working_days_between(D(2026, 3, 13), D(2026, 5, 5)) == 30
    assert cal.working_days_between(D(2026, 5, 5), D(2026, 3, 13)) == -30
    # The four cuti bersama days in that stretch become working days.
    loose = WorkCalendar.from_package(cuti_bersama_non_working=False)
    assert loose.add_working_days(D(2026, 3, 13), 30) == D(2026, 4, 28)


def test_three_working_days_across_weekend_and_holidays():
    cal = WorkCalendar.from_package()
    # Wed 24 Dec 2025: Natal Thu 25, cuti Fri 26, weekend, then Mon 29, Tue 30, Wed 31.
    assert cal.add_working_days(D(2025, 12, 24), 3) == D(2025, 12, 31)
    # Thu 27 Mar 2025: cuti Nyepi 28, Nyepi 29, Sun 30, Idul Fitri 31 Mar + 1 Apr, cuti 2-4 and
    # 7 Apr: the first working day after is Tue 8 Apr.
    assert cal.next_working_day(D(2025, 3, 27)) == D(2025, 4, 8)
    assert cal.add_working_days(D(2025, 3, 27), 3) == D(2025, 4, 10)
    # Idul Fitri 2027 is still an estimate in the package (10-11 Mar, Nyepi 8 Mar, cuti 9/12/15).
    assert cal.add_working_days(D(2027, 3, 5), 5) == D(2027, 3, 22)


def test_counting_conventions():
    cal = WorkCalendar.from_package()
    assert cal.add_working_days(D(2026, 3, 21), 0) == D(2026, 3, 21)  # n=0 is the start itself
    assert cal.add_working_days(D(2025, 11, 7), 1) == D(2025, 11, 10)  # Fri -> Mon
    assert cal.working_days_between(D(2025, 11, 7), D(2025, 11, 7)) == 0
    # start excluded, end included: Sat -> Mon counts Monday only.
    assert cal.working_days_between(D(2025, 11, 8), D(2025, 11, 10)) == 1
    assert cal.working_days_between(D(2025, 11, 10), D(2025, 11, 11)) == 1
    assert cal.working_days_between(D(2025, 11, 7), D(2025, 11, 9)) == 0
    assert not cal.is_working_day(D(2025, 11, 8)) and cal.is_working_day(D(2025, 11, 10))
    with pytest.raises(ValueError):
        cal.add_working_days(D(2025, 11, 10), -1)
    with pytest.raises(TypeError):
        cal.is_working_day(datetime(2025, 11, 10, 9, 0))


def test_overrides_beat_weekends_holidays_and_the_cuti_bersama_setting():
    base = WorkCalendar.from_package()
    assert base.add_working_days(D(2026, 3, 27), 1) == D(2026, 3, 30)  # Fri -> Mon
    assert base.add_working_days(D(2026, 3, 31), 1) == D(2026, 4, 1)

    cal = WorkCalendar.from_package(
        {
            D(2026, 3, 28): Override(True, "Sabtu masuk kerja"),
            D(2026, 4, 1): Override(False, "Libur daerah"),
            D(2026, 4, 3): Override(True, "Wafat Yesus Kristus dipindah"),
        }
    )
    assert cal.add_working_days(D(2026, 3, 27), 1) == D(2026, 3, 28)  # the Saturday now counts
    assert cal.add_working_days(D(2026, 3, 31), 1) == D(2026, 4, 2)  # the Wednesday does not
    assert cal.is_working_day(D(2026, 4, 3))  # a national holiday overridden to working
    assert cal.holidays_between(D(2026, 3, 30), D(2026, 4, 5)) == [
        (D(2026, 4, 1), "Libur daerah", SOURCE_OVERRIDE),
        (D(2026, 4, 5), "Kebangkitan Yesus Kristus", SOURCE_NATIONAL),
    ]

    # An override closing a cuti bersama day holds even when cuti bersama counts as working.
    loose = WorkCalendar.from_package({D(2025, 12, 26): False}, cuti_bersama_non_working=False)
    assert not loose.is_working_day(D(2025, 12, 26))
    assert loose.is_working_day(D(2025, 4, 2))


def test_holidays_between_lists_sources_and_follows_the_setting():
    strict = WorkCalendar.from_package()
    assert strict.holidays_between(D(2025, 12, 24), D(2025, 12, 31)) == [
        (D(2025, 12, 25), "Hari Raya Natal", SOURCE_NATIONAL),
        (D(2025, 12, 26), "Cuti Bersama Hari Raya Natal", SOURCE_CUTI_BERSAMA),
    ]
    loose = WorkCalendar.from_package(cuti_bersama_non_working=False)
    assert loose.holidays_between(D(2025, 12, 24), D(2025, 12, 31)) == [
        (D(2025, 12, 25), "Hari Raya Natal", SOURCE_NATIONAL),
    ]
    assert strict.holidays_between(D(2025, 12, 31), D(2025, 12, 24)) == []


def test_plain_mapping_calendar():
    cal = WorkCalendar(
        {
            D(2031, 1, 1): Holiday("Tahun Baru", SOURCE_NATIONAL),
            D(2031, 1, 2): Holiday("Cuti", SOURCE_CUTI_BERSAMA),
        },
        {D(2031, 1, 4): (True, "Sabtu kerja")},
    )
    # Wed 1 Jan (holiday), Thu 2 (cuti), Fri 3, Sat 4 (override), Mon 6.
    assert cal.add_working_days(D(2030, 12, 31), 3) == D(2031, 1, 6)
    only_cuti = {D(2031, 1, 2): Holiday("Cuti", SOURCE_CUTI_BERSAMA)}
    assert not WorkCalendar(only_cuti).is_working_day(D(2031, 1, 2))
    loose = WorkCalendar(only_cuti, cuti_bersama_non_working=False)
    assert loose.is_working_day(D(2031, 1, 2))


days_2024_2028 = st.dates(min_value=D(2024, 1, 1), max_value=D(2028, 12, 31))
days_2025_2027 = st.dates(min_value=D(2025, 1, 1), max_value=D(2027, 12, 31))
overrides_st = st.dictionaries(days_2025_2027, st.booleans(), max_size=20)


@settings(max_examples=examples(300), deadline=None)
@given(days_2024_2028, st.integers(min_value=0, max_value=120), overrides_st, st.booleans())
def test_add_then_count_round_trips(start, n, overrides, cuti):
    cal = WorkCalendar.from_package(overrides, cuti_bersama_non_working=cuti)
    due = cal.add_working_days(start, n)
    assert cal.working_days_between(start, due) == n
    assert cal.working_days_between(due, start) == -n
    if n > 0:
        assert cal.is_working_day(due)
        # It is the first such day, not merely a day far enough away.
        assert cal.working_days_between(start, due - timedelta(days=1)) == n - 1
    else:
        assert due == start


# --- App context, config and overrides in the database ------------------------------------


def test_config_toggles_cuti_bersama(app):
    with app.app_context():
        app.config.pop(workdays.CONFIG_CUTI_BERSAMA, None)  # default: non-working
        assert workdays.add_working_days(D(2025, 3, 27), 3) == D(2025, 4, 10)
        app.config[workdays.CONFIG_CUTI_BERSAMA] = False
        assert workdays.add_working_days(D(2025, 3, 27), 3) == D(2025, 4, 3)
        assert workdays.is_working_day(D(2025, 12, 26))
        # 28 Mar and 2, 3, 4, 7 Apr (cuti bersama) now count, plus 8, 9, 10 Apr.
        assert workdays.working_days_between(D(2025, 3, 27), D(2025, 4, 10)) == 8
        app.config[workdays.CONFIG_CUTI_BERSAMA] = True
        assert workdays.working_days_between(D(2025, 3, 27), D(2025, 4, 10)) == 3


def test_overrides_from_database(app):
    with app.app_context():
        assert workdays.add_working_days(D(2026, 3, 27), 1) == D(2026, 3, 30)
        workdays.set_override(D(2026, 3, 28), True, "Sabtu masuk (SE Bupati)")
        workdays.set_override(D(2026, 4, 1), False, "Libur daerah")
        # set_override refreshes this context's cached overrides.
        assert workdays.add_working_days(D(2026, 3, 27), 1) == D(2026, 3, 28)
        assert workdays.add_working_days(D(2026, 3, 31), 1) == D(2026, 4, 2)
        assert workdays.holidays_between(D(2026, 4, 1), D(2026, 4, 1)) == [
            (D(2026, 4, 1), "Libur daerah", SOURCE_OVERRIDE)
        ]
        workdays.set_override(D(2026, 4, 1), True, "dibatalkan")  # replaces, not duplicates
        note = db.session.scalar(select(CalendarOverride.note).where(CalendarOverride.day == D(2026, 4, 1)))
        assert note == "dibatalkan"
        assert workdays.remove_override(D(2026, 4, 1)) is True
        assert workdays.remove_override(D(2026, 4, 1)) is False
        assert workdays.add_working_days(D(2026, 3, 31), 1) == D(2026, 4, 1)

    with app.app_context():  # a new context reads the table again
        assert workdays.is_working_day(D(2026, 3, 28))
        assert workdays.is_working_day(D(2026, 4, 1))


def test_overrides_are_read_once_per_context(app):
    with app.app_context():
        assert workdays.is_working_day(D(2026, 4, 1))
        db.session.add(CalendarOverride(day=D(2026, 4, 1), working=False, note="langsung"))
        db.session.commit()
        assert workdays.is_working_day(D(2026, 4, 1))  # cached for this context
    with app.app_context():
        assert not workdays.is_working_day(D(2026, 4, 1))


def test_note_too_long_is_rejected_and_nothing_is_written(app):
    with app.app_context():
        with pytest.raises(ValueError):
            workdays.set_override(D(2026, 4, 1), False, "x" * 201)
        assert db.session.get(CalendarOverride, D(2026, 4, 1)) is None


# --- Materialised table -------------------------------------------------------------------


def _table(app) -> dict[date, tuple[bool, int]]:
    with app.app_context():
        rows = db.session.execute(select(CalendarDay)).scalars()
        return {r.day: (r.working, r.workday_index) for r in rows}


def test_default_table_range(app):
    with app.app_context():
        assert workdays.rebuild_calendar_table() == 16 * 365 + 4  # 2020-2035, four leap years
    table = _table(app)
    assert min(table) == D(2020, 1, 1) and max(table) == D(2035, 12, 31) and len(table) == 5844
    with app.app_context():
        cal = workdays.calendar()
        for day, (working, _index) in table.items():
            assert working == cal.is_working_day(day), day


@pytest.fixture(scope="module")
def table_2025_2027(tmp_path_factory):
    app = make_app(tmp_path_factory.mktemp("workdays-table"))
    with app.app_context():
        assert workdays.rebuild_calendar_table(2025, 2027) == 3 * 365
        workdays.set_override(D(2026, 3, 28), True, "Sabtu masuk")
        workdays.set_override(D(2026, 3, 25), False, "Rabu libur")
        cal = workdays.calendar()
    return _table(app), cal


def test_table_reflects_overrides(table_2025_2027):
    table, _cal = table_2025_2027
    assert len(table) == 3 * 365  # set_override kept the table's range
    assert table[D(2026, 3, 28)][0] is True and table[D(2026, 3, 25)][0] is False
    # 13 Mar 2026 .. 5 May 2026 was 30; the extra Saturday and the lost Wednesday cancel out.
    assert table[D(2026, 5, 5)][1] - table[D(2026, 3, 13)][1] == 30
    assert table[D(2026, 3, 28)][1] - table[D(2026, 3, 27)][1] == 1


@settings(max_examples=examples(400), deadline=None)
@given(a=days_2025_2027, b=days_2025_2027)
def test_table_index_difference_matches_working_days_between(table_2025_2027, a, b):
    table, cal = table_2025_2027
    assert table[b][1] - table[a][1] == cal.working_days_between(a, b)
    assert table[a][0] == cal.is_working_day(a)
