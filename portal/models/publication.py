"""Publication of monthly and semester reports: drafts a team prepares and a leader approves,
and the immutable snapshots that approval publishes.

A `PublishedReport` row is written once, at approval, and never changed or deleted: it holds the
JSON of `Report.as_dict()` as it was then, plus everything the public sees rendered from it (the
HTML body, CSV, XLSX and PDF bytes), so later edits to cases — or to the code that renders —
never change what was published. A correction is a new row (version + 1) of the same channel and
period; which version replaced which is derived from the versions, not written into old rows.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow

DRAFT_PENDING = "pending"      # prepared, waiting for the leader
DRAFT_RETURNED = "returned"    # sent back by the leader with a reason
DRAFT_PUBLISHED = "published"  # approved: see published_id
DRAFT_STATUSES = (DRAFT_PENDING, DRAFT_RETURNED, DRAFT_PUBLISHED)


class ReportOfPeriod:
    """What a draft and the report it publishes both hold: the channel and period, the follow-up plan
    (rencana tindak lanjut) and, for a new version, what it corrects."""

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(20), nullable=False)
    period: Mapped[str] = mapped_column(String(10), nullable=False)  # 2026-10 | 2026-S1
    follow_up_plan: Mapped[str | None] = mapped_column(Text, nullable=True)
    correction_note: Mapped[str | None] = mapped_column(Text, nullable=True)


class ReportDraft(ReportOfPeriod, db.Model):
    __tablename__ = "report_drafts"

    status: Mapped[str] = mapped_column(String(12), nullable=False, default=DRAFT_PENDING)
    prepared_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    prepared_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    return_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    published_id: Mapped[int | None] = mapped_column(ForeignKey("published_reports.id", ondelete="SET NULL"),
                                                     nullable=True)
    # The figures (Report.as_dict as JSON) built once when the draft was prepared or rebuilt: the draft
    # page and the approval use them (issue 20); NULL for drafts prepared before they were stored.
    figures: Mapped[str | None] = mapped_column(Text, nullable=True, deferred=True)
    built_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    __table_args__ = (Index("ix_report_drafts_status_channel", "status", "channel", "period"),)


class PublishedReport(ReportOfPeriod, db.Model):
    __tablename__ = "published_reports"

    period_kind: Mapped[str] = mapped_column(String(10), nullable=False)  # month | semester
    period_start: Mapped[date] = mapped_column(Date, nullable=False)
    period_end: Mapped[date] = mapped_column(Date, nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    draft_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    prepared_by_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    approved_by_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # The frozen figures: {"report": Report.as_dict(), "publication": {...}} as canonical JSON.
    snapshot: Mapped[str] = mapped_column(Text, nullable=False)
    # What the public gets, rendered once at approval from the snapshot.
    body_html: Mapped[str] = mapped_column(Text, nullable=False)
    csv_data: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    xlsx_data: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    pdf_data: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)

    __table_args__ = (
        UniqueConstraint("channel", "period", "version", name="uq_published_reports_version"),
        Index("ix_published_reports_published_at", "published_at"),
    )


class ImmutableReport(RuntimeError):
    """A published report was about to be changed or deleted."""


@event.listens_for(PublishedReport, "before_update")
def _refuse_update(_mapper, _connection, target):
    raise ImmutableReport(f"laporan terbit #{target.id} tidak dapat diubah; terbitkan versi koreksi")


@event.listens_for(PublishedReport, "before_delete")
def _refuse_delete(_mapper, _connection, target):
    raise ImmutableReport(f"laporan terbit #{target.id} tidak dapat dihapus")
