"""Working days (hari kerja): the one place that decides which dates count for deadlines."""
from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from datetime import date, datetime, timedelta
from types import MappingProxyType
from typing import NamedTuple, Protocol

from flask import g
from sqlalchemy import delete, func, insert, select, text

from . import configcache
from .database import is_postgres, write_transaction
from .extensions import db
from .models.calendar import CalendarDay, CalendarOverride

SOURCE_NATIONAL = "nasional"
SOURCE_CUTI_BERSAMA = "cuti bersama"
SOURCE_OVERRIDE = "keputusan"

# Whether cuti bersama is a non-working day for legal deadlines is not settled (DOMAIN.md §1),
# so it is a setting; default: non-working, as the office is closed on those days.
CONFIG_CUTI_BERSAMA = "WORKDAYS_CUTI_BERSAMA_NON_WORKING"

DEFAULT_FIRST_YEAR = 2020
DEFAULT_LAST_YEAR = 2035
NOTE_MAX_LENGTH = 200  # CalendarOverride.note column width

_G_OVERRIDES = "_portal_workday_overrides"
_ONE_DAY = timedelta(days=1)


class Holiday(NamedTuple):
    name: str
    source: str  # SOURCE_NATIONAL or SOURCE_CUTI_BERSAMA


class Override(NamedTuple):
    working: bool
    note: str = ""


class HolidayLookup(Protocol):
    def get(self, day: date, /) -> Holiday | None: ...


@functools.lru_cache(maxsize=256)
def package_holidays(year: int) -> Mapping[date, Holiday]:
    """Indonesian holidays of one year from the `holidays` package, tagged by source.

    Cached per process: the result depends only on the installed package version.
    """
    # The package files cuti bersama (and its "Pengganti Cuti Bersama" replacements) under the
    # "government" category and statutory holidays under "public"; asking for each category
    # separately is the only reliable way to tell them apart (names are not a contract).
    # Imported here, when a year's holidays are first asked for, never to serve a public page.
    import holidays as holidays_pkg

    _import_indonesia_alone()
    public = holidays_pkg.country_holidays("ID", years=year, categories=("public",), language="id")
    government = holidays_pkg.country_holidays("ID", years=year, categories=("government",), language="id")
    result = {day: Holiday(name, SOURCE_CUTI_BERSAMA) for day, name in government.items()}
    # A national holiday is non-working whatever the cuti bersama setting, so it wins a clash.
    result.update((day, Holiday(name, SOURCE_NATIONAL)) for day, name in public.items())
    return MappingProxyType(dict(sorted(result.items())))


def _import_indonesia_alone() -> None:
    """Import the package's Indonesia without its ~300 other countries: holidays/countries/__init__.py
    imports every country (~7 MB in each worker, issue 20), where the package's registry needs only
    holidays.countries.indonesia. That module is imported under a stand-in of its parent package that
    is not executed, then the stand-in is removed: a later `import holidays.countries` runs the real
    one, which finds Indonesia already loaded. tests/workdays/test_holidays_alone.py checks the dates
    and names equal the whole package's."""
    import importlib
    import importlib.util
    import sys

    if "holidays.countries" in sys.modules or "holidays.countries.indonesia" in sys.modules:
        return
    spec = importlib.util.find_spec("holidays.countries")
    stand_in = importlib.util.module_from_spec(spec)
    sys.modules["holidays.countries"] = stand_in
    try:
        importlib.import_module("holidays.countries.indonesia")
    finally:
        if sys.modules.get("holidays.countries") is stand_in:
            del sys.modules["holidays.countries"]


class _PackageHolidays:
    """Lazy per-year view over package_holidays, so a calendar covers any date range."""

    def get(self, day: date, /) -> Holiday | None:
        return package_holidays(day.year).get(day)


def _check_date(value: object) -> date:
    # datetime is a date subclass: accepting it would silently use whatever timezone the
    # caller's datetime happens to be in. Callers convert to the office's local date first.
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"expected a datetime.date, got {type(value).__name__}")
    return value


# Overrides may be given as Override, (working, note) or a bare bool.
OverrideInput = Override | tuple[bool, str] | bool


def _as_override(value: OverrideInput) -> Override:
    if isinstance(value, bool):
        return Override(value, "")
    working, *rest = value
    return Override(bool(working), str(rest[0]) if rest else "")


class WorkCalendar:
    """Pure working-day arithmetic over holidays and admin overrides (no I/O)."""

    def __init__(
        self,
        holidays: Mapping[date, Holiday] | HolidayLookup,
        overrides: Mapping[date, OverrideInput] | None = None,
        *,
        cuti_bersama_non_working: bool = True,
    ) -> None:
        self._holidays = holidays
        self._overrides: Mapping[date, Override] = {
            _check_date(day): _as_override(value) for day, value in (overrides or {}).items()
        }
        self.cuti_bersama_non_working = bool(cuti_bersama_non_working)

    @property
    def overrides(self) -> Mapping[date, Override]:
        """The admin's decrees this calendar applies (read-only)."""
        return MappingProxyType(self._overrides)

    @classmethod
    def from_package(
        cls, overrides: Mapping[date, OverrideInput] | None = None, *, cuti_bersama_non_working: bool = True
    ) -> WorkCalendar:
        """A calendar over the package's Indonesian holidays (any year, loaded lazily)."""
        return cls(_PackageHolidays(), overrides, cuti_bersama_non_working=cuti_bersama_non_working)

    def _closing_holiday(self, day: date) -> Holiday | None:
        """The package holiday that closes the office on `day`, ignoring overrides."""
        holiday = self._holidays.get(day)
        if holiday is None:
            return None
        if holiday.source == SOURCE_CUTI_BERSAMA and not self.cuti_bersama_non_working:
            return None
        return holiday

    def is_working_day(self, day: date) -> bool:
        day = _check_date(day)
        override = self._overrides.get(day)
        if override is not None:  # a decree beats both the weekend and the package
            return override.working
        if self._closing_holiday(day) is not None:
            return False
        return day.weekday() < 5

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after `day`."""
        return self.add_working_days(day, 1)

    def add_working_days(self, start: date, n: int) -> date:
        """The deadline `n` working days after `start`: day 1 is the first working day after it."""
        current = _check_date(start)
        if n < 0:
            # Counting backwards has no single sensible answer when `start` is not a working day,
            # and no deadline in the domain needs it.
            raise ValueError("n must be >= 0")
        remaining = n
        while remaining:
            current += _ONE_DAY
            if self.is_working_day(current):
                remaining -= 1
        return current

    def working_days_between(self, start: date, end: date) -> int:
        """Working days d with start < d <= end (negated when end < start)."""
        start, end = _check_date(start), _check_date(end)
        if end < start:
            return -self.working_days_between(end, start)
        count = 0
        day = start + _ONE_DAY
        while day <= end:
            count += self.is_working_day(day)
            day += _ONE_DAY
        return count

    def holidays_between(self, first: date, last: date) -> list[tuple[date, str, str]]:
        """Holidays that close the office on first..last inclusive, as (date, name, source).

        Holidays on a weekend are listed too; cuti bersama only when configured non-working;
        a holiday overridden into a working day is left out.
        """
        first, last = _check_date(first), _check_date(last)
        result = []
        for day in _days(first, last):
            override = self._overrides.get(day)
            if override is not None:
                if not override.working:
                    result.append((day, override.note or "Libur (keputusan)", SOURCE_OVERRIDE))
                continue
            holiday = self._closing_holiday(day)
            if holiday is not None:
                result.append((day, holiday.name, holiday.source))
        return result


def _days(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += _ONE_DAY


# --- Application context -------------------------------------------------------------------


def _read_overrides() -> Mapping[date, Override]:
    query = select(CalendarOverride.day, CalendarOverride.working, CalendarOverride.note)
    rows = db.session.execute(query)
    return MappingProxyType({day: Override(working, note or "") for day, working, note in rows})


def _load_overrides() -> Mapping[date, Override]:
    overrides = g.get(_G_OVERRIDES)
    if overrides is None:
        # Kept by the worker until a write to the table changes the configuration's key (portal.configcache).
        overrides = configcache.shared("calendar_overrides", _read_overrides)
        setattr(g, _G_OVERRIDES, overrides)
    return overrides


def _forget_overrides() -> None:
    g.pop(_G_OVERRIDES, None)
    configcache.forget()


def calendar() -> WorkCalendar:
    """The working-day calendar of the current app context (overrides read once per context)."""
    # The setting (admin page, else environment, else non-working) is read on every call (cached
    # per context) so a changed choice never meets a stale calendar.
    from . import settings

    return WorkCalendar.from_package(
        _load_overrides(),
        cuti_bersama_non_working=settings.value(CONFIG_CUTI_BERSAMA),
    )


def is_working_day(day: date) -> bool:
    return calendar().is_working_day(day)


def next_working_day(day: date) -> date:
    return calendar().next_working_day(day)


def add_working_days(start: date, n: int) -> date:
    return calendar().add_working_days(start, n)


def working_days_between(start: date, end: date) -> int:
    return calendar().working_days_between(start, end)


def holidays_between(first: date, last: date) -> list[tuple[date, str, str]]:
    return calendar().holidays_between(first, last)


# --- Materialised table --------------------------------------------------------------------


def _lock_calendar_table() -> None:
    """Serialise writers of calendar_days (readers go on), so two processes never rewrite it at once.

    SQLite needs nothing more: write_transaction already begins IMMEDIATE (one writer at a time).
    """
    if is_postgres():
        db.session.execute(text("LOCK TABLE calendar_days IN EXCLUSIVE MODE"))


def _write_calendar_table(first_year: int, last_year: int) -> int:
    if first_year > last_year:
        raise ValueError("first_year must be <= last_year")
    _lock_calendar_table()
    cal = calendar()
    rows = []
    index = 0
    for day in _days(date(first_year, 1, 1), date(last_year, 12, 31)):
        working = cal.is_working_day(day)
        # Counted up to and including the day, so index(b) - index(a) counts start < d <= end,
        # exactly like working_days_between: SQL reports and Python SLA checks must agree.
        index += working
        rows.append({"day": day, "working": working, "workday_index": index})
    db.session.execute(delete(CalendarDay))
    db.session.execute(insert(CalendarDay), rows)
    return len(rows)


def table_range() -> tuple[date, date] | tuple[None, None]:
    """First and last day in calendar_days, or (None, None) when it is empty."""
    return tuple(db.session.execute(select(func.min(CalendarDay.day), func.max(CalendarDay.day))).one())


def rewrite_calendar_table() -> int:
    """Rewrite calendar_days over its present years inside the caller's write transaction
    (used when a setting that decides working days changes)."""
    _forget_overrides()
    first_year, last_year = _table_years()
    return _write_calendar_table(first_year, last_year)


def _table_years() -> tuple[int, int]:
    first, last = table_range()
    if first is None:
        return DEFAULT_FIRST_YEAR, DEFAULT_LAST_YEAR
    return first.year, last.year


def rebuild_calendar_table(first_year: int | None = None, last_year: int | None = None) -> int:
    """Rewrite calendar_days in one transaction; returns the row count.

    Without years it keeps the table's current range (at least the default years), so a rebuild
    after a new decree or a `holidays` upgrade never shrinks what an extension added. Admin
    overrides live in their own table and are applied again, never lost.
    """
    with write_transaction():
        _lock_calendar_table()  # before reading the range, so a concurrent extension is not undone
        _forget_overrides()  # another context may have changed them since this one read them
        if first_year is None or last_year is None:
            built_first, built_last = _table_years()
            first_year = min(built_first, DEFAULT_FIRST_YEAR) if first_year is None else first_year
            last_year = max(built_last, DEFAULT_LAST_YEAR) if last_year is None else last_year
        return _write_calendar_table(first_year, last_year)


class CalendarRangeError(ValueError):
    """A date so far from the built calendar that extending to it is surely a mistake."""


# Far enough for any legal deadline or report; a typo (year 2926) must not build 900 years.
MAX_EXTENSION_YEARS = 50


def ensure_calendar_table(first: date | None = None, last: date | None = None) -> bool:
    """Make calendar_days cover first..last (default: the default years), extending it if not.

    Idempotent and cheap when the table already covers the range (one query); run by
    `flask db upgrade` on a fresh instance and by every reader of the table before it joins
    it (reports), so a date outside the built range extends the table instead of failing.
    Returns whether the table was (re)written.
    """
    first = _check_date(first) if first is not None else date(DEFAULT_FIRST_YEAR, 1, 1)
    last = _check_date(last) if last is not None else date(DEFAULT_LAST_YEAR, 12, 31)
    built_first, built_last = table_range()
    if built_first is not None and built_first <= first and last <= built_last:
        return False
    with write_transaction():
        _lock_calendar_table()
        built_first, built_last = table_range()  # another process may have extended it meanwhile
        if built_first is not None and built_first <= first and last <= built_last:
            return False
        first_year = min(first.year, built_first.year if built_first else DEFAULT_FIRST_YEAR)
        last_year = max(last.year, built_last.year if built_last else DEFAULT_LAST_YEAR)
        if last_year - first_year + 1 > (DEFAULT_LAST_YEAR - DEFAULT_FIRST_YEAR + 1) + MAX_EXTENSION_YEARS:
            raise CalendarRangeError(
                f"kalender hari kerja tidak diperluas ke {first_year}–{last_year}: rentang terlalu jauh")
        _forget_overrides()
        _write_calendar_table(first_year, last_year)
        return True


def set_override(day: date, working: bool, note: str = "", *, audit_entry=None) -> None:
    """Declare `day` a working day or a holiday (decree) and rebuild the table, in one transaction;
    `audit_entry` (a callable) appends the caller's audit entry inside that transaction."""
    day = _check_date(day)
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise ValueError(f"note is longer than {NOTE_MAX_LENGTH} characters")
    try:
        with write_transaction():
            _lock_calendar_table()
            first_year, last_year = _table_years()
            db.session.merge(CalendarOverride(day=day, working=bool(working), note=note))
            db.session.flush()
            _forget_overrides()
            _write_calendar_table(first_year, last_year)
            if audit_entry is not None:
                audit_entry()
    finally:
        # On failure the rolled-back override must not linger in this context's cache either.
        _forget_overrides()


def remove_override(day: date, *, audit_entry=None) -> bool:
    """Drop the override of `day` (if any) and rebuild the table; returns whether one existed.
    `audit_entry` (a callable) appends the caller's audit entry inside that transaction."""
    day = _check_date(day)
    try:
        with write_transaction():
            existing = db.session.get(CalendarOverride, day)
            if existing is None:
                return False
            _lock_calendar_table()
            first_year, last_year = _table_years()
            db.session.delete(existing)
            db.session.flush()
            _forget_overrides()
            _write_calendar_table(first_year, last_year)
            if audit_entry is not None:
                audit_entry()
            return True
    finally:
        _forget_overrides()
