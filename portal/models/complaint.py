"""Public complaints (pengaduan masyarakat), their timeline and attachments."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, false, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..workflow import COMPLAINTS
from .case import CaseAttachment, CaseEvent, TicketedCase
from .types import EncryptedText


class Complaint(TicketedCase, db.Model):
    __tablename__ = "complaints"
    WORKFLOW, EVENT, ATTACHMENT, BACK = COMPLAINTS, "ComplaintEvent", "ComplaintAttachment", "complaint"

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

    # Milestones for the timeliness figures (local days), besides verified_on and closed_on
    # (Selesai, Ditutup, Arsip, Bukan Kewenangan) of TicketedCase.
    first_response_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    completed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    rating: Mapped[int | None] = mapped_column(Integer, nullable=True)
    rating_comment: Mapped[str | None] = mapped_column(Text, nullable=True)

    # How a complaint the staff recorded reached the office (DOMAIN.md §2): the channel's own reference
    # (LAPOR! tracking ID, letter number, a masked WhatsApp number…), the letter's date, and who recorded
    # it. `submitted_on` is then the day the office received it, from which every deadline runs.
    channel_ref: Mapped[str | None] = mapped_column(String(80), nullable=True)
    channel_ref_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    # Forwarding: a Bukan Kewenangan case names the agency it went to and the day; a complaint another
    # agency forwarded to this office names where it came from (e.g. the Pemkab's own complaint desk).
    forwarded_to: Mapped[str | None] = mapped_column(String(150), nullable=True)
    forwarded_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    origin: Mapped[str | None] = mapped_column(String(150), nullable=True)
    # The bidang/UPT the case is dispositioned to (T3); its liaison officers see and act on it.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="SET NULL"), nullable=True,
                                                index=True)

    __table_args__ = (
        Index("ix_complaints_status_submitted", "status", "submitted_on"),
        Index("ix_complaints_submitted_on", "submitted_on"),
        # Monthly reports (portal.reports.complaints), each covering what its query reads: the
        # cases open now, those that left the balance (by day), and one per timeliness milestone.
        Index("ix_complaints_report_open", "status", "submitted_on", "channel", "verified_on", "first_response_on",
              "status_changed_at"),
        Index("ix_complaints_report_closed", "status", "closed_on", "submitted_on", "channel", "verified_on",
              "first_response_on", "status_changed_at"),
        Index("ix_complaints_status_completed", "status", "completed_on", "submitted_on", "rating", "unit_id"),
        # T2 and T3's received counts in one pass (migration 0021_draft_report_indexes).
        Index("ix_complaints_report_received", "submitted_on", "category", "problem", "unit_id"),
        Index("ix_complaints_verified_on", "verified_on", "submitted_on"),
        Index("ix_complaints_first_response_on", "first_response_on", "verified_on"),
        # The back office's service filter and count, and its overdue filter and counts
        # (status IN (open statuses) AND due_on < today): migration 0014_perf.
        Index("ix_complaints_category", "category"),
        Index("ix_complaints_status_due_on", "status", "due_on"),
        # A LAPOR! report is imported once: its tracking ID is unique among LAPOR!-sourced complaints.
        Index("uq_complaints_lapor_ref", "channel_ref", unique=True,
              sqlite_where=text("channel = 'lapor'"), postgresql_where=text("channel = 'lapor'")),
        Index("ix_complaints_channel_ref", "channel", "channel_ref"),
    )


class ComplaintEvent(CaseEvent, db.Model):
    """One line of a complaint's history; `public` lines form the citizen's timeline."""

    __tablename__ = "complaint_events"

    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id", ondelete="CASCADE"), nullable=False, index=True)

    complaint: Mapped[Complaint] = relationship(back_populates="events")

    __table_args__ = (
        # A case's history in time order, covering what reports read (status at a period's
        # end, public follow-ups) so they never touch the table rows.
        Index("ix_complaint_events_complaint_at", "complaint_id", "at", "status_to", "kind", "public"),
    )


class ComplaintAttachment(CaseAttachment, db.Model):
    __tablename__ = "complaint_attachments"

    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id", ondelete="CASCADE"), nullable=False, index=True)

    complaint: Mapped[Complaint] = relationship(back_populates="attachments")
