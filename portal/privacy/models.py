"""A data subject's request (correction or deletion) and its decision."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
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
