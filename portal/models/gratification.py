"""Gratification reports (laporan gratifikasi) to the office's UPG, their timeline and attachments."""
from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..workflow import GRATIFICATION
from .case import CaseAttachment, CaseEvent, TicketedCase
from .types import EncryptedText


class GratificationReport(TicketedCase, db.Model):
    __tablename__ = "gratification_reports"
    WORKFLOW, EVENT, ATTACHMENT, BACK = GRATIFICATION, "GratificationEvent", "GratificationAttachment", "report"

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

    # UPG → KPK within 10 working days of the report date ("sejak laporan diterima UPG"); no later step moves it.
    forward_due_on: Mapped[date | None] = mapped_column(Date, nullable=True)

    # UPG side (back office, role "gratification").
    verification_result: Mapped[str | None] = mapped_column(String(20), nullable=True)  # complete | incomplete
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

    __table_args__ = (
        Index("ix_gratification_reports_status_submitted", "status", "submitted_on"),
        Index("ix_gratification_reports_submitted_on", "submitted_on", "action", "item_type"),
        # The back office's overdue filter and dashboard counts (status IN (open) AND due_on < today): 0017.
        Index("ix_gratification_reports_status_due_on", "status", "due_on"),
    )


class GratificationEvent(CaseEvent, db.Model):
    """One line of a report's history; `public` lines form the reporter's timeline."""

    __tablename__ = "gratification_events"

    report_id: Mapped[int] = mapped_column(ForeignKey("gratification_reports.id", ondelete="CASCADE"),
                                           nullable=False, index=True)

    report: Mapped[GratificationReport] = relationship(back_populates="events")

    __table_args__ = (Index("ix_gratification_events_report_at", "report_id", "at"),)


class GratificationAttachment(CaseAttachment, db.Model):
    __tablename__ = "gratification_attachments"

    report_id: Mapped[int] = mapped_column(ForeignKey("gratification_reports.id", ondelete="CASCADE"),
                                           nullable=False, index=True)

    report: Mapped[GratificationReport] = relationship(back_populates="attachments")
