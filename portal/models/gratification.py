"""Gratification reports (laporan gratifikasi) to the office's UPG, their timeline and attachments."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import EncryptedText, UTCDateTime, utcnow


class GratificationReport(db.Model):
    __tablename__ = "gratification_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket: Mapped[str] = mapped_column(String(20), unique=True, nullable=False)
    access_code_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    # Double-submit protection, as for complaints (see Complaint).
    submission_key_hash: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    sealed_access_code: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    channel: Mapped[str] = mapped_column(String(20), nullable=False, default="web")

    action: Mapped[str] = mapped_column(String(10), nullable=False)  # accepted | refused

    # Reporter identity: encrypted at rest with the application key ring. The unit stays in
    # clear for the figures per unit; name, NIP, position and contact identify the person.
    reporter_name: Mapped[str] = mapped_column(EncryptedText, nullable=False)
    reporter_nip: Mapped[str | None] = mapped_column(EncryptedText, nullable=True)
    reporter_position: Mapped[str] = mapped_column(EncryptedText, nullable=False)
    reporter_unit: Mapped[str] = mapped_column(String(200), nullable=False)
    reporter_nik: Mapped[str | None] = mapped_column(EncryptedText, nullable=True)
    reporter_phone: Mapped[str | None] = mapped_column(EncryptedText, nullable=True)
    reporter_email: Mapped[str | None] = mapped_column(EncryptedText, nullable=True)

    # The giver is a third party whose name is personal data too.
    giver_name: Mapped[str | None] = mapped_column(EncryptedText, nullable=True)
    giver_institution: Mapped[str | None] = mapped_column(EncryptedText, nullable=True)
    giver_address: Mapped[str | None] = mapped_column(EncryptedText, nullable=True)
    giver_relation: Mapped[str] = mapped_column(String(30), nullable=False)
    # Whether the giver has business with the reporter's office (benturan kepentingan); None when
    # the reporter did not say (reports made before the question existed).
    conflict_of_interest: Mapped[bool | None] = mapped_column(Boolean, nullable=True)

    item_type: Mapped[str] = mapped_column(String(30), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False)
    estimated_value: Mapped[int | None] = mapped_column(BigInteger, nullable=True)  # whole rupiah
    received_on: Mapped[date] = mapped_column(Date, nullable=False)
    place_received: Mapped[str | None] = mapped_column(String(200), nullable=True)
    occasion: Mapped[str] = mapped_column(String(30), nullable=False)
    perishable: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    deposited_with_upg: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    # Fixed at submission: 30 working days after receipt (UU 20/2001 Ps 12C) and whether the
    # report came later than that; the exemption rule the reporter was shown, if any.
    report_deadline: Mapped[date] = mapped_column(Date, nullable=False)
    late: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    exemption_rule: Mapped[str | None] = mapped_column(String(40), nullable=True)

    status: Mapped[str] = mapped_column(String(30), nullable=False, default="reported")
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    submitted_on: Mapped[date] = mapped_column(Date, nullable=False)  # local (WIB) calendar day
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    due_on: Mapped[date | None] = mapped_column(Date, nullable=True)  # deadline of the current step
    # UPG → KPK within 10 working days of the report date ("sejak laporan diterima UPG"); no later step moves it.
    forward_due_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True)

    # UPG side (back office, role "gratification").
    verification_result: Mapped[str | None] = mapped_column(String(20), nullable=True)  # complete | incomplete
    verified_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    completion_due_on: Mapped[date | None] = mapped_column(Date, nullable=True)  # 20 HK to complete
    analysis_result: Mapped[str | None] = mapped_column(String(20), nullable=True)  # must_report | not_required
    analysis: Mapped[str | None] = mapped_column(Text, nullable=True)
    analysed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    forwarded_to: Mapped[str | None] = mapped_column(String(20), nullable=True)  # upg_kabupaten | kpk
    forwarded_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    gol_number: Mapped[str | None] = mapped_column(String(60), nullable=True)
    kpk_decree_number: Mapped[str | None] = mapped_column(String(100), nullable=True)
    kpk_decree_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    kpk_decision: Mapped[str | None] = mapped_column(String(20), nullable=True)  # milik_negara | milik_penerima
    follow_up_note: Mapped[str | None] = mapped_column(Text, nullable=True)  # bukti setor/serah
    closed_on: Mapped[date | None] = mapped_column(Date, nullable=True)

    attachments: Mapped[list["GratificationAttachment"]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="GratificationAttachment.id")
    events: Mapped[list["GratificationEvent"]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="GratificationEvent.id")

    __table_args__ = (
        Index("ix_gratification_reports_status_submitted", "status", "submitted_on"),
        Index("ix_gratification_reports_submitted_on", "submitted_on", "action", "item_type"),
    )


class GratificationEvent(db.Model):
    """One line of a report's history; `public` lines form the reporter's timeline."""

    __tablename__ = "gratification_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("gratification_reports.id", ondelete="CASCADE"),
                                           nullable=False, index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)  # submitted|status|note|assign
    public: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    status_from: Mapped[str | None] = mapped_column(String(30), nullable=True)
    status_to: Mapped[str | None] = mapped_column(String(30), nullable=True)
    body: Mapped[str | None] = mapped_column(Text, nullable=True)
    actor_id: Mapped[int | None] = mapped_column(Integer, nullable=True)

    report: Mapped[GratificationReport] = relationship(back_populates="events")

    __table_args__ = (Index("ix_gratification_events_report_at", "report_id", "at"),)


class GratificationAttachment(db.Model):
    __tablename__ = "gratification_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("gratification_reports.id", ondelete="CASCADE"),
                                           nullable=False, index=True)
    storage_name: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    original_name: Mapped[str] = mapped_column(EncryptedText, nullable=False)
    content_type: Mapped[str] = mapped_column(String(40), nullable=False)
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    report: Mapped[GratificationReport] = relationship(back_populates="attachments")
