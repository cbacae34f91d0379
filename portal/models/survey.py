"""Survei Kepuasan Masyarakat (SKM, PermenPANRB 14/2017): one row per answered questionnaire.

No personal data: no name, no contact, no address, and of the time only the day (a second or a
client address would let a counter clerk match an answer to the person in front of them). The
optional suggestion may still name someone, so it is encrypted at rest and appears nowhere until
staff approve it (`suggestion_status`).
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import EncryptedText, UTCDateTime

SUGGESTION_PENDING = "pending"
SUGGESTION_APPROVED = "approved"
SUGGESTION_REJECTED = "rejected"
SUGGESTION_STATUSES = (SUGGESTION_PENDING, SUGGESTION_APPROVED, SUGGESTION_REJECTED)


class SkmResponse(db.Model):
    __tablename__ = "skm_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    service: Mapped[str] = mapped_column(String(30), nullable=False)  # catalog.COMPLAINT_SERVICES
    submitted_on: Mapped[date] = mapped_column(Date, nullable=False)  # the office's local day only
    # Double-submit protection (a second click must not count twice), as on the other forms.
    submission_key_hash: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    u1: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    u2: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    u3: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    u4: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    u5: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    u6: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    u7: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    u8: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    u9: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    sex: Mapped[str | None] = mapped_column(String(20), nullable=True)
    age: Mapped[str | None] = mapped_column(String(20), nullable=True)
    education: Mapped[str | None] = mapped_column(String(20), nullable=True)
    occupation: Mapped[str | None] = mapped_column(String(20), nullable=True)
    suggestion: Mapped[str | None] = mapped_column(EncryptedText, nullable=True)
    suggestion_status: Mapped[str | None] = mapped_column(String(10), nullable=True)
    moderated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    moderated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    __table_args__ = (
        Index("ix_skm_responses_submitted_on", "submitted_on"),
        Index("ix_skm_responses_suggestion_status", "suggestion_status"),
    )


class SkmPopulation(db.Model):
    """The number of service users of a period, entered by staff: the N of the sample adequacy check."""

    __tablename__ = "skm_populations"

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(String(10), unique=True, nullable=False)  # 2026-10 | 2026-S1
    users: Mapped[int] = mapped_column(Integer, nullable=False)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)


RTL_PLANNED = "planned"
RTL_IN_PROGRESS = "in_progress"
RTL_DONE = "done"
RTL_STATUSES = (RTL_PLANNED, RTL_IN_PROGRESS, RTL_DONE)


class SkmFollowUp(db.Model):
    """One row of the follow-up plan (rencana tindak lanjut, RTL) of an SKM semester.

    Entered by the complaints team for the semester whose results it answers; its status is kept
    up to date afterwards, and the next semester's report prints that status.
    """

    __tablename__ = "skm_follow_ups"

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(String(10), nullable=False)  # the semester, 2026-S1
    action: Mapped[str] = mapped_column(Text, nullable=False)
    owner: Mapped[str] = mapped_column(String(120), nullable=False)
    due_on: Mapped[date] = mapped_column(Date, nullable=False)
    status: Mapped[str] = mapped_column(String(12), nullable=False, default=RTL_PLANNED)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)

    __table_args__ = (Index("ix_skm_follow_ups_period", "period"),)


# Perception surveys of the Zona Integritas result component, on the SKM engine (1–4 scale, same index).
PERCEPTION_SURVEYS = ("ipak", "ipkp")


class PerceptionQuestion(db.Model):
    """One statement of the IPAK or IPKP questionnaire; the admin edits the set when the national one changes.

    A question is never deleted once answered: it is retired (`active` false) so past indexes keep it.
    """

    __tablename__ = "perception_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey: Mapped[str] = mapped_column(String(10), nullable=False)  # ipak | ipkp
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    __table_args__ = (Index("ix_perception_questions_survey", "survey"),)


class PerceptionResponse(db.Model):
    """One answered perception questionnaire: as in the SKM, only the day, no personal data."""

    __tablename__ = "perception_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey: Mapped[str] = mapped_column(String(10), nullable=False)
    submitted_on: Mapped[date] = mapped_column(Date, nullable=False)
    submission_key_hash: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)

    __table_args__ = (Index("ix_perception_responses_survey_day", "survey", "submitted_on"),)


class PerceptionAnswer(db.Model):
    __tablename__ = "perception_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("perception_responses.id", ondelete="CASCADE"),
                                             nullable=False, index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("perception_questions.id", ondelete="CASCADE"),
                                             nullable=False, index=True)
    score: Mapped[int] = mapped_column(SmallInteger, nullable=False)
