"""Report periods, defined once: a month (`2026-10`) or a semester (`2026-S1`).

Dates are the office's local calendar days (WIB); `utc_bounds` turns a period into the
half-open UTC interval [start, end) of its local days, for timestamp columns.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo

MONTH = "month"
SEMESTER = "semester"

MONTH_NAMES_ID = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)
SEMESTER_NAMES_ID = ("I", "II")

MIN_YEAR, MAX_YEAR = 2000, 2999

_MONTH_RE = re.compile(r"(\d{4})-(\d{1,2})", re.ASCII)
_SEMESTER_RE = re.compile(r"(\d{4})-[Ss](\d{1,2})", re.ASCII)


class PeriodError(ValueError):
    """A period code that cannot be understood; the message says what is expected."""


@dataclass(frozen=True, order=True)
class Period:
    year: int
    kind: str  # MONTH or SEMESTER
    number: int  # month 1–12, or semester 1–2

    def __post_init__(self) -> None:
        if self.kind not in (MONTH, SEMESTER):
            raise PeriodError(f"jenis periode tidak dikenal: {self.kind!r}")
        if not MIN_YEAR <= self.year <= MAX_YEAR:
            raise PeriodError(f"tahun {self.year} di luar rentang {MIN_YEAR}–{MAX_YEAR}")
        top = 12 if self.kind == MONTH else 2
        if not 1 <= self.number <= top:
            what = "bulan harus 01–12" if self.kind == MONTH else "semester harus S1 atau S2"
            raise PeriodError(f"periode tidak valid: {what}")

    # --- construction -------------------------------------------------------------------

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls(year, MONTH, month)

    @classmethod
    def semester(cls, year: int, half: int) -> Period:
        return cls(year, SEMESTER, half)

    @classmethod
    def containing(cls, day: date, kind: str = MONTH) -> Period:
        if kind == MONTH:
            return cls.month(day.year, day.month)
        return cls.semester(day.year, 1 if day.month <= 6 else 2)

    @classmethod
    def parse(cls, text: object) -> Period:
        """`2026-10` (month) or `2026-S1` / `2026-S2` (semester); PeriodError otherwise."""
        if not isinstance(text, str):
            raise PeriodError("periode harus berupa teks seperti 2026-10 atau 2026-S1")
        value = text.strip()
        match = _MONTH_RE.fullmatch(value)
        if match:
            year, month = int(match[1]), int(match[2])
            if not 1 <= month <= 12:
                raise PeriodError(f"periode {value!r} tidak valid: bulan harus 01–12 (contoh 2026-10)")
            return cls._checked(value, year, MONTH, month)
        match = _SEMESTER_RE.fullmatch(value)
        if match:
            year, half = int(match[1]), int(match[2])
            if half not in (1, 2):
                raise PeriodError(f"periode {value!r} tidak valid: semester harus S1 atau S2 (contoh 2026-S1)")
            return cls._checked(value, year, SEMESTER, half)
        raise PeriodError(
            f"periode {value!r} tidak dikenali: gunakan bulan YYYY-MM (contoh 2026-10) "
            "atau semester YYYY-S1 / YYYY-S2")

    @classmethod
    def _checked(cls, value: str, year: int, kind: str, number: int) -> Period:
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise PeriodError(f"periode {value!r} tidak valid: tahun harus {MIN_YEAR}–{MAX_YEAR}")
        return cls(year, kind, number)

    # --- identity -----------------------------------------------------------------------

    @property
    def is_month(self) -> bool:
        return self.kind == MONTH

    @property
    def is_semester(self) -> bool:
        return self.kind == SEMESTER

    @property
    def code(self) -> str:
        if self.kind == MONTH:
            return f"{self.year:04d}-{self.number:02d}"
        return f"{self.year:04d}-S{self.number}"

    def __str__(self) -> str:
        return self.code

    @property
    def label(self) -> str:
        """Indonesian label: "Oktober 2026", "Semester I 2026"."""
        if self.kind == MONTH:
            return f"{MONTH_NAMES_ID[self.number - 1]} {self.year}"
        return f"Semester {SEMESTER_NAMES_ID[self.number - 1]} {self.year}"

    # --- dates --------------------------------------------------------------------------

    @property
    def first_month(self) -> int:
        return self.number if self.kind == MONTH else (self.number - 1) * 6 + 1

    @property
    def last_month(self) -> int:
        return self.number if self.kind == MONTH else self.number * 6

    @property
    def start(self) -> date:
        """First local day of the period (inclusive)."""
        return date(self.year, self.first_month, 1)

    @property
    def end(self) -> date:
        """Last local day of the period (inclusive)."""
        return self.end_exclusive - timedelta(days=1)

    @property
    def end_exclusive(self) -> date:
        """The first local day after the period."""
        if self.last_month == 12:
            return date(self.year + 1, 1, 1)
        return date(self.year, self.last_month + 1, 1)

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def is_over(self, today: date) -> bool:
        """The period has ended by `today` (its last day is behind us): only then are its
        figures final, publishable, and "nihil" meaningful."""
        return today > self.end

    def utc_bounds(self, tz: tzinfo) -> tuple[datetime, datetime]:
        """[start, end) in UTC of the period's local days in time zone `tz` (aware datetimes)."""
        return local_midnight_utc(self.start, tz), local_midnight_utc(self.end_exclusive, tz)

    # --- navigation ---------------------------------------------------------------------

    def months(self) -> list[Period]:
        """The months of the period, in order (a month is its own only month)."""
        return [Period.month(self.year, m) for m in range(self.first_month, self.last_month + 1)]

    def previous(self) -> Period:
        if self.number > 1:
            return Period(self.year, self.kind, self.number - 1)
        return Period(self.year - 1, self.kind, 12 if self.kind == MONTH else 2)

    def next(self) -> Period:
        top = 12 if self.kind == MONTH else 2
        if self.number < top:
            return Period(self.year, self.kind, self.number + 1)
        return Period(self.year + 1, self.kind, 1)

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "kind": self.kind,
            "label": self.label,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
        }


def office_today() -> date:
    """The office's local day: the one clock reports and publication ask (tests pin it here)."""
    from ..clock import local_today

    return local_today()


def local_midnight_utc(day: date, tz: tzinfo) -> datetime:
    """The UTC instant at which local day `day` begins in time zone `tz`."""
    return datetime.combine(day, time(0, 0), tzinfo=tz).astimezone(timezone.utc)


def parse_period(text: object) -> Period:
    return Period.parse(text)
