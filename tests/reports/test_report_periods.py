"""Report periods: parsing, dates, labels, navigation, errors (no database)."""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from portal.reports.periods import Period, PeriodError


def test_month():
    p = Period.parse("2026-10")
    assert p.is_month and not p.is_semester
    assert (p.code, p.label) == ("2026-10", "Oktober 2026")
    assert (p.start, p.end, p.end_exclusive) == (date(2026, 10, 1), date(2026, 10, 31), date(2026, 11, 1))
    assert p.months() == [p]
    assert p.previous() == Period.parse("2026-09")
    assert p.next() == Period.parse("2026-11")
    assert str(p) == "2026-10"
    assert Period.parse(" 2026-1 ") == Period.month(2026, 1)


def test_month_edges():
    assert Period.parse("2026-01").previous() == Period.parse("2025-12")
    assert Period.parse("2025-12").next() == Period.parse("2026-01")
    assert Period.parse("2024-02").end == date(2024, 2, 29)
    assert Period.parse("2026-02").end == date(2026, 2, 28)
    assert Period.parse("2026-12").end == date(2026, 12, 31)
    assert [Period.parse(f"2026-{m:02d}").label.split()[0] for m in range(1, 13)] == [
        "Januari", "Februari", "Maret", "April", "Mei", "Juni",
        "Juli", "Agustus", "September", "Oktober", "November", "Desember"]


def test_semester():
    s1, s2 = Period.parse("2026-S1"), Period.parse("2026-s2")
    assert s1.is_semester
    assert (s1.label, s2.label) == ("Semester I 2026", "Semester II 2026")
    assert (s1.start, s1.end) == (date(2026, 1, 1), date(2026, 6, 30))
    assert (s2.start, s2.end) == (date(2026, 7, 1), date(2026, 12, 31))
    assert [m.code for m in s1.months()] == [f"2026-0{m}" for m in range(1, 7)]
    assert [m.code for m in s2.months()] == ["2026-07", "2026-08", "2026-09", "2026-10", "2026-11", "2026-12"]
    assert s1.previous() == Period.parse("2025-S2")
    assert s2.previous() == s1 and s1.next() == s2
    assert s2.code == "2026-S2"
    assert Period.containing(date(2026, 7, 1), "semester") == s2
    assert Period.containing(date(2026, 6, 30), "semester") == s1
    assert Period.containing(date(2026, 6, 30)) == Period.parse("2026-06")


def test_utc_bounds_are_local_midnights():
    start, end = Period.parse("2026-10").utc_bounds(ZoneInfo("Asia/Jakarta"))
    assert start == datetime(2026, 9, 30, 17, 0, tzinfo=timezone.utc)
    assert end == datetime(2026, 10, 31, 17, 0, tzinfo=timezone.utc)


def test_as_dict():
    assert Period.parse("2026-S1").as_dict() == {
        "code": "2026-S1", "kind": "semester", "label": "Semester I 2026", "start": "2026-01-01", "end": "2026-06-30"}


@pytest.mark.parametrize("text, message", [
    ("2026-13", "bulan harus 01–12"),
    ("2026-00", "bulan harus 01–12"),
    ("2026-S3", "semester harus S1 atau S2"),
    ("2026-S0", "semester harus S1 atau S2"),
    ("abc", "tidak dikenali"),
    ("", "tidak dikenali"),
    ("2026", "tidak dikenali"),
    ("26-10", "tidak dikenali"),
    ("2026-10-01", "tidak dikenali"),
    ("2026-Q1", "tidak dikenali"),
    ("1899-01", "tahun harus"),
    ("١٢٣٤-10", "tidak dikenali"),  # only ASCII digits
])
def test_invalid_periods(text, message):
    with pytest.raises(PeriodError, match=message):
        Period.parse(text)


def test_non_text_and_direct_construction():
    with pytest.raises(PeriodError):
        Period.parse(None)
    with pytest.raises(PeriodError):
        Period.month(2026, 13)
    with pytest.raises(PeriodError):
        Period.semester(2026, 3)
    with pytest.raises(PeriodError):
        Period(2026, "quarter", 1)
