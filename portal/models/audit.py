"""Append-only, hash-chained audit trail (writing and verifying live in portal/audit.py).

Tamper evidence: every entry stores the SHA-256 of its own id-independent fields plus the hash
of the entry before it (`prev_hash`); `audit_head` keeps the hash and count of the whole chain
so that removing the newest rows is noticed too. The ORM refuses to update or delete an entry.

On PostgreSQL the same could be enforced in the database with a trigger that raises on UPDATE
and DELETE of `audit_entries` (and a role without those privileges for the application); that
needs an Alembic migration, which the lead generates, so nothing is added here.
"""
from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import CheckConstraint, Index, Integer, String, Text, event
from sqlalchemy.orm import Mapped, Session, mapped_column

from ..extensions import db
from .types import UTCDateTime

GENESIS_HASH = "0" * 64


class AuditImmutableError(RuntimeError):
    """An attempt to change or remove an audit entry through the ORM."""


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_channel_case_ref", "channel", "case_ref"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, index=True)
    # A plain integer, not a foreign key: deleting an account must not rewrite (SET NULL) or
    # remove (CASCADE) its history. `actor_label` keeps who it was (the email at that moment).
    actor_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    actor_label: Mapped[str | None] = mapped_column(String(254), nullable=True)
    action: Mapped[str] = mapped_column(String(40), nullable=False)
    channel: Mapped[str | None] = mapped_column(String(20), nullable=True)
    case_ref: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # Canonical JSON (sorted keys, compact) exactly as hashed; never case content.
    detail: Mapped[str | None] = mapped_column(Text, nullable=True)
    # Unique: two writers that read the same head could never both commit (no forked chain).
    prev_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)

    @property
    def detail_data(self) -> dict | None:
        return json.loads(self.detail) if self.detail else None

    def __repr__(self) -> str:  # no detail: keep logs free of anything but the code
        return f"<AuditEntry #{self.id} {self.action} {self.channel or '-'}:{self.case_ref or '-'}>"


class AuditHead(db.Model):
    """The newest hash and the number of entries; one row, written with every append."""

    __tablename__ = "audit_head"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False, default=1)
    hash: Mapped[str] = mapped_column(String(64), nullable=False)
    count: Mapped[int] = mapped_column(Integer, nullable=False)
    last_id: Mapped[int] = mapped_column(Integer, nullable=False)


@event.listens_for(AuditEntry, "before_insert")
def _only_through_log(_mapper, _connection, target: AuditEntry) -> None:
    if not target.hash or not target.prev_hash:
        raise AuditImmutableError("audit entries are written only through portal.audit.log()")


@event.listens_for(AuditEntry, "before_update")
def _refuse_update(_mapper, _connection, target: AuditEntry) -> None:
    raise AuditImmutableError(f"audit entry #{target.id} is append-only and cannot be changed")


@event.listens_for(AuditEntry, "before_delete")
def _refuse_delete(_mapper, _connection, target: AuditEntry) -> None:
    raise AuditImmutableError(f"audit entry #{target.id} is append-only and cannot be deleted")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk(state) -> None:
    # session.execute(update(AuditEntry)…) / query(AuditEntry).delete() skip the mapper events.
    if (state.is_update or state.is_delete) and any(m.class_ is AuditEntry for m in state.all_mappers):
        raise AuditImmutableError("audit entries are append-only: bulk UPDATE/DELETE refused")
