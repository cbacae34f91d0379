"""A data subject's request (correction or deletion) and its decision."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..models.types import EncryptedText, UTCDateTime, utcnow


class PrivacyRequest(db.Model):
    __tablename__ = "privacy_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(20), nullable=False)
    case_id: Mapped[int] = mapped_column(Integer, nullable=False)
    ticket: Mapped[str] = mapped_column(String(20), nullable=False)
    kind: Mapped[str] = mapped_column(String(15), nullable=False)  # correction | deletion
    field: Mapped[str | None] = mapped_column(String(20), nullable=True)  # correction: which field
    # The corrected value and the subject's words are personal data: encrypted, wiped once decided.
    new_value: Mapped[str | None] = mapped_column(EncryptedText, nullable=True)
    details: Mapped[str | None] = mapped_column(EncryptedText, nullable=True)
    status: Mapped[str] = mapped_column(String(15), nullable=False, default="received")  # received|accepted|refused
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)  # the office's reason, shown to the subject

    __table_args__ = (
        Index("ix_privacy_requests_status_due", "status", "due_at"),
        Index("ix_privacy_requests_case", "channel", "case_id"),
    )


class PrivacyErasure(db.Model):
    """A case whose personal data was erased (at the subject's request or by retention): the purge
    skips it, and the back office can say why the case reads "[dihapus]"."""

    __tablename__ = "privacy_erasures"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(20), nullable=False)
    case_id: Mapped[int] = mapped_column(Integer, nullable=False)
    cause: Mapped[str] = mapped_column(String(15), nullable=False)  # request | retention
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    __table_args__ = (UniqueConstraint("channel", "case_id", name="uq_privacy_erasures_case"),)
