"""Admin-editable overrides of the working-day calendar (decrees change holidays)."""
from datetime import date

from sqlalchemy import Boolean, Date, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class CalendarOverride(db.Model):
    __tablename__ = "calendar_overrides"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    working: Mapped[bool] = mapped_column(Boolean, nullable=False)
    note: Mapped[str] = mapped_column(String(200), nullable=False, default="")


class CalendarDay(db.Model):
    """Materialised calendar so SQL can count working days (reports); rebuilt by portal.workdays."""

    __tablename__ = "calendar_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    working: Mapped[bool] = mapped_column(Boolean, nullable=False)
    # Working days from the table's first day up to and including this day: the working days
    # d with a < d <= b number index(b) - index(a), as workdays.working_days_between counts.
    workday_index: Mapped[int] = mapped_column(nullable=False)
