"""Days and times of demo data (`flask demo seed`): the months it covers and office-hour timestamps."""
from __future__ import annotations

import random
from datetime import date, datetime, time, timezone

from .clock import local_tz


def month_starts(months: int, today: date) -> list[date]:
    """The first days of the last `months` months, oldest first, this month included."""
    first = today.replace(day=1)
    starts = []
    for back in range(months - 1, -1, -1):
        year, month = first.year, first.month - back
        while month <= 0:
            month += 12
            year -= 1
        starts.append(date(year, month, 1))
    return starts


def office_time(day: date, rng: random.Random) -> datetime:
    """A moment during office hours (07:00–16:59 local) of `day`, in UTC."""
    local = datetime.combine(day, time(rng.randint(7, 16), rng.randint(0, 59)), tzinfo=local_tz())
    return local.astimezone(timezone.utc)
