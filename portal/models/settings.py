"""Admin-editable settings that override code defaults (per-status SLAs with their legal basis)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow


class SlaSetting(db.Model):
    """The deadline of one workflow step (days in its unit), replacing the default in portal.workflow."""

    __tablename__ = "sla_settings"

    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    status: Mapped[str] = mapped_column(String(30), primary_key=True)
    days: Mapped[int] = mapped_column(Integer, nullable=False)
    # The regulation or decree the number comes from, shown beside it (DOMAIN.md §1).
    basis: Mapped[str] = mapped_column(String(300), nullable=False)
    # "working" (hari kerja) or "calendar" (hari kalender), as the basis writes it; NULL (rows saved
    # before the unit was stored) keeps the step's default unit.
    unit: Mapped[str | None] = mapped_column(String(10), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


class PortalSetting(db.Model):
    """One operator setting chosen on the admin page; it beats the environment variable of the same
    setting (portal.settings lists them, their environment names and defaults)."""

    __tablename__ = "portal_settings"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(String(300), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


class PageGeneration(db.Model):
    """The invalidation key of the cached public pages (portal.pagecache): one row, bumped in the
    same transaction as every publication and settings change, so every worker and host sees it."""

    __tablename__ = "page_generation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # random, not a counter: a restored database or another test database never reuses a key
    token: Mapped[str] = mapped_column(String(32), nullable=False)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class ConfigGeneration(db.Model):
    """The invalidation key of what workers keep of the admin's configuration (portal.configcache):
    one row whose token database triggers (migration 0020) change on every write to
    portal_settings, sla_settings and calendar_overrides, in the writing transaction itself, so
    every worker and host sees a change at its commit, whichever code (or hand) made it."""

    __tablename__ = "config_generation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # random, not a counter: a rolled-back change or another database never reuses a key
    token: Mapped[str] = mapped_column(String(32), nullable=False)
