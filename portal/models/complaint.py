"""Public complaints (pengaduan masyarakat), their timeline and attachments."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, false, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import EncryptedText, UTCDateTime, utcnow


class Complaint(db.Model):
    __tablename__ = "complaints"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket: Mapped[str] = mapped_column(String(20), unique=True, nullable=False)
    access_code_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    # Double-submit protection: hash of the client's one-time submission key, and the access
    # code sealed under that key so the same receipt can be shown again for a short while.
    submission_key_hash: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    sealed_access_code: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)

    channel: Mapped[str] = mapped_column(String(20), nullable=False, default="web")
    classification: Mapped[str] = mapped_column(String(20), nullable=False, default="pengaduan")
    category: Mapped[str] = mapped_column(String(30), nullable=False)  # service (layanan)
    problem: Mapped[str] = mapped_column(String(30), nullable=False, default="lainnya")
    privacy: Mapped[str] = mapped_column(String(15), nullable=False, default="open")
    subject: Mapped[str | None] = mapped_column(String(200), nullable=True)
    description: Mapped[str] = mapped_column(Text, nullable=False)
    location: Mapped[str | None] = mapped_column(String(200), nullable=True)
    incident_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    requested_resolution: Mapped[str | None] = mapped_column(Text, nullable=True)
    # The line the public list (T6) shows, written by staff in neutral words; never the citizen's
    # own subject or description. Empty: the service and problem labels stand in for it.
    public_summary: Mapped[str | None] = mapped_column(String(200), nullable=True)

    # Personal data: encrypted at rest with the application key ring.
    name: Mapped[str | None] = mapped_column(EncryptedText, nullable=True)
    nik: Mapped[str | None] = mapped_column(EncryptedText, nullable=True)
    email: Mapped[str | None] = mapped_column(EncryptedText, nullable=True)
    phone: Mapped[str | None] = mapped_column(EncryptedText, nullable=True)
    address: Mapped[str | None] = mapped_column(EncryptedText, nullable=True)

    # Opt-in at submission: mail the citizen when the office posts something public (portal.complaints.mailing).
    notify_by_email: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, server_default=false())

    status: Mapped[str] = mapped_column(String(30), nullable=False, default="unverified")
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    submitted_on: Mapped[date] = mapped_column(Date, nullable=False)  # local (WIB) calendar day
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    due_on: Mapped[date | None] = mapped_column(Date, nullable=True)  # deadline of the current step
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True)

    # Milestones for the timeliness figures (local days).
    verified_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    first_response_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    completed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    # The day the case left the open balance (Selesai, Ditutup, Arsip, Bukan Kewenangan).
    closed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    rating: Mapped[int | None] = mapped_column(Integer, nullable=True)
    rating_comment: Mapped[str | None] = mapped_column(Text, nullable=True)

    attachments: Mapped[list["ComplaintAttachment"]] = relationship(
        back_populates="complaint", cascade="all, delete-orphan", order_by="ComplaintAttachment.id")
    events: Mapped[list["ComplaintEvent"]] = relationship(
        back_populates="complaint", cascade="all, delete-orphan", order_by="ComplaintEvent.id")

    __table_args__ = (
        Index("ix_complaints_status_submitted", "status", "submitted_on"),
        Index("ix_complaints_submitted_on", "submitted_on"),
        # Monthly reports (portal.reports.complaints), each covering what its query reads: the
        # cases open now, those that left the balance (by day), and one per timeliness milestone.
        Index("ix_complaints_report_open", "status", "submitted_on", "channel", "verified_on", "first_response_on",
              "status_changed_at"),
        Index("ix_complaints_report_closed", "status", "closed_on", "submitted_on", "channel", "verified_on",
              "first_response_on", "status_changed_at"),
        Index("ix_complaints_status_completed", "status", "completed_on", "submitted_on", "rating"),
        Index("ix_complaints_verified_on", "verified_on", "submitted_on"),
        Index("ix_complaints_first_response_on", "first_response_on", "verified_on"),
        # The back office's service filter and count, and its overdue filter and counts
        # (status IN (open statuses) AND due_on < today): migration 0013_perf.
        Index("ix_complaints_category", "category"),
        Index("ix_complaints_status_due_on", "status", "due_on"),
    )


class ComplaintEvent(db.Model):
    """One line of a complaint's history; `public` lines form the citizen's timeline."""

    __tablename__ = "complaint_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id", ondelete="CASCADE"), nullable=False, index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)  # submitted|status|note|answer|rating|assign
    public: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    status_from: Mapped[str | None] = mapped_column(String(30), nullable=True)
    status_to: Mapped[str | None] = mapped_column(String(30), nullable=True)
    body: Mapped[str | None] = mapped_column(Text, nullable=True)
    actor_id: Mapped[int | None] = mapped_column(Integer, nullable=True)

    complaint: Mapped[Complaint] = relationship(back_populates="events")

    __table_args__ = (
        # A case's history in time order, covering what reports read (status at a period's
        # end, public follow-ups) so they never touch the table rows.
        Index("ix_complaint_events_complaint_at", "complaint_id", "at", "status_to", "kind", "public"),
    )


class ComplaintAttachment(db.Model):
    __tablename__ = "complaint_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id", ondelete="CASCADE"), nullable=False, index=True)
    storage_name: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    original_name: Mapped[str] = mapped_column(EncryptedText, nullable=False)
    content_type: Mapped[str] = mapped_column(String(40), nullable=False)
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    complaint: Mapped[Complaint] = relationship(back_populates="attachments")
