"""What every ticketed case channel (complaints, gratification reports) stores the same way: the
ticket and its access code, the workflow state and its deadline, assignment, and the shape of its
history lines and attachments. Each channel's model adds its own fields and its table's indexes."""
from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar

from sqlalchemy import Boolean, Date, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from .types import EncryptedText, UTCDateTime, utcnow


class TicketedCase:
    """A case a citizen or an employee files and follows with ticket + access code."""

    # Set by each model: the channel's workflow (portal.workflow.Workflow), the class names of its
    # history lines and attachments, and the name by which those point back at the case.
    WORKFLOW: ClassVar = None
    EVENT: ClassVar[str] = ""
    ATTACHMENT: ClassVar[str] = ""
    BACK: ClassVar[str] = ""

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket: Mapped[str] = mapped_column(String(20), unique=True, nullable=False)
    access_code_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    # Double-submit protection: hash of the client's one-time submission key, and the access
    # code sealed under that key so the same receipt can be shown again for a short while.
    submission_key_hash: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    sealed_access_code: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    channel: Mapped[str] = mapped_column(String(20), nullable=False, default="web")

    @declared_attr
    def status(cls) -> Mapped[str]:
        return mapped_column(String(30), nullable=False, default=cls.WORKFLOW.initial)

    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    submitted_on: Mapped[date] = mapped_column(Date, nullable=False)  # local (WIB) calendar day
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    due_on: Mapped[date | None] = mapped_column(Date, nullable=True)  # deadline of the current step
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True,
                                                       index=True)
    verified_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    # The day the case left the open balance (a status of WORKFLOW.closing).
    closed_on: Mapped[date | None] = mapped_column(Date, nullable=True)

    @declared_attr
    def attachments(cls):
        return relationship(cls.ATTACHMENT, back_populates=cls.BACK, cascade="all, delete-orphan",
                            order_by=f"{cls.ATTACHMENT}.id")

    @declared_attr
    def events(cls):
        return relationship(cls.EVENT, back_populates=cls.BACK, cascade="all, delete-orphan",
                            order_by=f"{cls.EVENT}.id")

    @property
    def is_open(self) -> bool:
        return self.status in self.WORKFLOW.open

    @property
    def is_terminal(self) -> bool:
        return self.status in self.WORKFLOW.terminal


class CaseEvent:
    """One line of a case's history; `public` lines form the reporter's timeline."""

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)  # submitted|status|note|answer|rating|assign|...
    public: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    status_from: Mapped[str | None] = mapped_column(String(30), nullable=True)
    status_to: Mapped[str | None] = mapped_column(String(30), nullable=True)
    body: Mapped[str | None] = mapped_column(Text, nullable=True)
    actor_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


class CaseAttachment:
    """A file sent with a case, stored encrypted under `storage_name` (portal.uploads)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    storage_name: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    original_name: Mapped[str] = mapped_column(EncryptedText, nullable=False)
    content_type: Mapped[str] = mapped_column(String(40), nullable=False)
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
