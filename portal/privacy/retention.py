"""Retention of complaints and gratification reports: per channel and status, a number of days
after the case closed (an operator setting) and its basis; then the purge anonymises the case
exactly as an accepted deletion does (services.erase), keeping every row the reports count.

`flask --app wsgi privacy purge --dry-run` lists what the next run would remove; run it daily
from cron like `wbs purge`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from .. import audit, settings, uploads
from ..database import write_transaction
from ..extensions import db
from ..clock import local_today
from . import services
from .channels import CHANNELS, Channel
from .models import PrivacyErasure


@dataclass(frozen=True)
class Rule:
    channel: str
    statuses: tuple[str, ...]  # a case in one of these, closed for longer than the setting's days
    setting: str               # portal.settings key (admin page > environment > default)
    scope: object              # which cases, in words (privacy notice and admin schedule)
    basis: object              # why this long: shown to the admin and in the privacy notice

    @property
    def days(self) -> int:
        return int(settings.value(self.setting))


# The bases name the archive schedule (JRA) the office must adopt; the default lengths are
# placeholders until the office's own JRA is entered on the settings page.
RULES: tuple[Rule, ...] = (
    Rule("complaints", ("completed", "closed"), "COMPLAINTS_RETENTION_DAYS",
         _l("Pengaduan yang Selesai atau Ditutup"),
         _l("JRA kantor untuk berkas pengaduan masyarakat, lalu dimusnahkan (UU 27/2022 Ps 43–44)")),
    Rule("complaints", ("archived", "not_authority"), "COMPLAINTS_DROPPED_RETENTION_DAYS",
         _l("Pengaduan yang diarsipkan atau bukan kewenangan kantor"),
         _l("JRA kantor untuk pengaduan yang tidak ditindaklanjuti, lalu dimusnahkan (UU 27/2022 Ps 43–44)")),
    Rule("gratification", ("done", "archived", "stopped"), "GRATIFICATION_RETENTION_DAYS",
         _l("Laporan gratifikasi yang sudah selesai, diarsipkan, atau dihentikan"),
         _l("JRA kantor untuk berkas pelaporan gratifikasi UPG, lalu dimusnahkan (UU 27/2022 Ps 43–44)")),
)


@dataclass(frozen=True)
class Due:
    channel: Channel
    case_id: int
    ticket: str
    status: str
    closed_on: date
    rule: Rule


def due(today: date | None = None) -> list[Due]:
    """Every case the purge would anonymise today, oldest first within each rule."""
    today = today or local_today()
    found = []
    for rule in RULES:
        channel = CHANNELS[rule.channel]
        model = channel.model
        erased = select(PrivacyErasure.case_id).where(PrivacyErasure.channel == channel.code)
        rows = db.session.execute(
            select(model.id, model.ticket, model.status, model.closed_on)
            .where(model.status.in_(rule.statuses), model.closed_on.is_not(None),
                   model.closed_on < today - timedelta(days=rule.days), model.id.not_in(erased))
            .order_by(model.closed_on, model.id)).all()
        found += [Due(channel, r.id, r.ticket, r.status, r.closed_on, rule) for r in rows]
    return found


def purge(today: date | None = None) -> list[Due]:
    """Anonymise every case `due` lists, one transaction each, audited; returns them."""
    done = []
    for item in due(today):
        with write_transaction():
            row = db.session.get(item.channel.model, item.case_id, with_for_update=True)
            files = services.erase(item.channel, row, cause="retention")
            audit.log("pdp_purge", channel=item.channel.code, case_ref=item.ticket,
                      detail={"status": item.status, "days": item.rule.days, "files": len(files)})
        for name in files:
            uploads.delete(name)
        done.append(item)
    return done
