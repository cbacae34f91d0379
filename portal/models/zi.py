"""Zona Integritas: the Renja (work plan) rows, their evidence per period, and the conflict-of-interest
register (positions prone to conflicts per unit, staff declarations and the superior's decision)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import EncryptedText, UTCDateTime, utcnow


class RenjaRow(db.Model):
    """One rencana aksi row of a year's Renja (komponen, indikator, langkah aksi, eviden, waktu)."""

    __tablename__ = "zi_renja_rows"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    code: Mapped[str] = mapped_column(String(10), nullable=False)        # E.3
    area: Mapped[str] = mapped_column(String(30), nullable=False)        # pengawasan
    component: Mapped[str] = mapped_column(String(200), nullable=False)
    indicator: Mapped[str] = mapped_column(Text, nullable=False)
    action: Mapped[str] = mapped_column(Text, nullable=False)
    evidence: Mapped[str] = mapped_column(Text, nullable=False)
    timing: Mapped[str] = mapped_column(String(100), nullable=False)
    folder: Mapped[str] = mapped_column(String(60), nullable=False)      # folder in the evidence pack
    sources: Mapped[str] = mapped_column(String(100), nullable=False, default="")  # complaints,gratification…
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    __table_args__ = (UniqueConstraint("year", "code", name="uq_zi_renja_rows_year_code"),)

    @property
    def source_list(self) -> list[str]:
        return [s for s in self.sources.split(",") if s]


class RenjaStatus(db.Model):
    """How far a row is in one period (a month 2026-03 or a semester 2026-S1)."""

    __tablename__ = "zi_renja_statuses"

    id: Mapped[int] = mapped_column(primary_key=True)
    row_id: Mapped[int] = mapped_column(ForeignKey("zi_renja_rows.id", ondelete="CASCADE"), nullable=False)
    period: Mapped[str] = mapped_column(String(10), nullable=False)
    status: Mapped[str] = mapped_column(String(12), nullable=False)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    __table_args__ = (UniqueConstraint("row_id", "period", name="uq_zi_renja_statuses_row_period"),)


class RenjaEvidence(db.Model):
    """A document behind a row in a period (SK, pedoman, undangan, daftar hadir, notulen, foto),
    cleaned and encrypted by portal.uploads like a complaint attachment."""

    __tablename__ = "zi_renja_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    row_id: Mapped[int] = mapped_column(ForeignKey("zi_renja_rows.id", ondelete="CASCADE"), nullable=False,
                                        index=True)
    period: Mapped[str] = mapped_column(String(10), nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    storage_name: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    original_name: Mapped[str] = mapped_column(EncryptedText, nullable=False)
    content_type: Mapped[str] = mapped_column(String(40), nullable=False)
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class ConflictPosition(db.Model):
    """The mapping: a position or activity of a unit that is prone to conflicts of interest."""

    __tablename__ = "zi_conflict_positions"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit: Mapped[str] = mapped_column(String(120), nullable=False)
    position: Mapped[str] = mapped_column(String(200), nullable=False)
    risk: Mapped[str] = mapped_column(Text, nullable=False)
    control: Mapped[str] = mapped_column(Text, nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class ConflictDeclaration(db.Model):
    """A staff member's declaration (periodic or ad hoc) and the superior's handling decision."""

    __tablename__ = "zi_conflict_declarations"

    id: Mapped[int] = mapped_column(primary_key=True)
    declarant_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False,
                                              index=True)
    kind: Mapped[str] = mapped_column(String(12), nullable=False)       # periodic | ad_hoc
    declared_on: Mapped[date] = mapped_column(Date, nullable=False)
    position_id: Mapped[int | None] = mapped_column(ForeignKey("zi_conflict_positions.id", ondelete="SET NULL"),
                                                    nullable=True)
    has_conflict: Mapped[bool] = mapped_column(Boolean, nullable=False)
    # May name a relative or a counterpart: encrypted like complainants' personal data.
    description: Mapped[str] = mapped_column(EncryptedText, nullable=False)
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="submitted")  # submitted | decided
    decision: Mapped[str | None] = mapped_column(String(20), nullable=True)
    decision_note: Mapped[str | None] = mapped_column(EncryptedText, nullable=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class MonevEntry(db.Model):
    """One area's line of the semester Lembar Monev ZI: progress of its Renja rows and the findings."""

    __tablename__ = "zi_monev_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(String(10), nullable=False)   # 2026-S1
    area: Mapped[str] = mapped_column(String(30), nullable=False)
    progress: Mapped[int] = mapped_column(Integer, nullable=False)    # percent of the area's plan done
    findings: Mapped[str | None] = mapped_column(Text, nullable=True)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    __table_args__ = (UniqueConstraint("period", "area", name="uq_zi_monev_entries_period_area"),)


class FollowUpPlan(db.Model):
    """A rencana tindak lanjut (RTL) of a monev: open until done, shown on every later sheet meanwhile."""

    __tablename__ = "zi_follow_up_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(String(10), nullable=False)   # the semester whose monev made it
    area: Mapped[str] = mapped_column(String(30), nullable=False)
    action: Mapped[str] = mapped_column(Text, nullable=False)
    owner: Mapped[str] = mapped_column(String(120), nullable=False)
    due_on: Mapped[date] = mapped_column(Date, nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="open")  # open | done
    done_period: Mapped[str | None] = mapped_column(String(10), nullable=True)
    done_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class ZiPage(db.Model):
    """A public Zona Integritas page the admin edits: pencanangan, pakta integritas, maklumat
    pelayanan, standar pelayanan. Plain text, shown escaped."""

    __tablename__ = "zi_pages"

    slug: Mapped[str] = mapped_column(String(40), primary_key=True)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class ServiceStandard(db.Model):
    """One component of a service's standar pelayanan (PermenPANRB 15/2014), as the ZI team wrote it:
    one row per (service code of portal.catalog.COMPLAINT_SERVICES, component of portal.zi.standards)."""

    __tablename__ = "zi_service_standards"

    id: Mapped[int] = mapped_column(primary_key=True)
    service: Mapped[str] = mapped_column(String(40), nullable=False)
    component: Mapped[str] = mapped_column(String(40), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    __table_args__ = (UniqueConstraint("service", "component", name="uq_zi_service_standards_service_component"),)
