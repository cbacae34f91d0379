"""First-run checklist on the admin's dashboard: what a new instance still needs before real use.

Every item is computed from what the portal already records (accounts, WBS keys and decrees,
the audit log), so it cannot drift from the truth; the two confirmations it adds are audited
actions like any other admin change.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from .. import audit
from ..database import write_transaction
from ..extensions import db
from ..models import ROLES, AuditEntry, User, WbsDecree, WbsHandler
from ..clock import local_today, local_tz

HOLIDAYS_CHECKED = "holiday_calendar_checked"
SLA_REVIEWED = "sla_reviewed"
# Saving an override or an SLA is a review of that page as much as the explicit confirmation.
HOLIDAY_ACTIONS = (HOLIDAYS_CHECKED, "holiday_override_set", "holiday_override_remove")
SLA_ACTIONS = (SLA_REVIEWED, "sla_change")


@dataclass(frozen=True)
class Item:
    key: str
    title: str
    hint: str
    endpoint: str
    done: bool

    @property
    def url(self) -> str:
        return url_for(self.endpoint)


def missing_roles() -> list[str]:
    """Roles no active account holds yet (in the order of ROLES)."""
    held = set()
    for roles_csv in db.session.scalars(select(User.roles_csv).where(User.active.is_(True))):
        held.update(r for r in roles_csv.split(",") if r)
    # A liaison officer is optional: an office may keep the handling within the complaints team.
    return [role for role in ROLES if role not in held and role != "liaison"]


def wbs_handlers_ready() -> bool:
    """At least one handler is appointed and every appointed handler's key is endorsed (its
    certificate chain leads back to the pinned recovery key), so new tips are sealed for them."""
    from ..whistle import keys

    appointed = db.session.scalars(select(WbsHandler).where(WbsHandler.appointed.is_(True))).all()
    return bool(appointed) and all(keys.is_endorsed(row) for row in appointed)


def _audited_since(actions: tuple[str, ...], since: datetime | None = None) -> bool:
    query = select(func.count(AuditEntry.id)).where(AuditEntry.action.in_(actions))
    if since is not None:
        query = query.where(AuditEntry.at >= since)
    return db.session.scalar(query) > 0


def _start_of_this_year() -> datetime:
    year = local_today().year
    return datetime(year, 1, 1, tzinfo=local_tz()).astimezone(timezone.utc)


def items() -> list[Item]:
    from ..whistle import keys

    missing = missing_roles()
    from .admin import ROLE_LABELS

    return [
        Item("accounts", _l("Akun untuk setiap peran"),
             _l("Belum ada akun aktif untuk: %(roles)s.", roles=", ".join(str(ROLE_LABELS[r]) for r in missing))
             if missing else _l("Admin, Tim Pengaduan, UPG, Pengelola WBS dan Pimpinan sudah punya akun."),
             "backoffice.admin_users", not missing),
        Item("recovery_key", _l("Kunci pemulihan WBS dibuat dan dicetak"),
             _l("Jalankan %(cmd)s di server; simpan cetakan bagian privatnya pada Kepala Dinas.",
                cmd=".venv/bin/flask --app wsgi wbs recovery-key"),
             "backoffice.wbs.team", keys.recovery_key_present()),
        Item("decree", _l("SK Tim WBS dicatat"),
             _l("Catat nomor dan tanggal SK yang mengangkat pengelola WBS."),
             "backoffice.wbs.team", db.session.scalar(select(func.count(WbsDecree.id))) > 0),
        Item("handlers", _l("Pengelola WBS diangkat dan kuncinya disahkan"),
             _l("Setiap pengelola yang diangkat masuk, mengganti kata sandinya sendiri (pasangan kunci "
                "dibuat), lalu kuncinya disahkan Kepala Dinas (wbs endorse) atau pengelola yang sudah "
                "disahkan."),
             "backoffice.wbs.team", wbs_handlers_ready()),
        Item("holidays", _l("Hari libur tahun ini diperiksa"),
             _l("Cocokkan daftar dengan SKB cuti bersama dan keputusan daerah, lalu konfirmasi."),
             "backoffice.admin_holidays", _audited_since(HOLIDAY_ACTIONS, _start_of_this_year())),
        Item("sla", _l("Tenggat (SLA) ditinjau"),
             _l("Periksa tenggat tiap tahap dan dasar hukumnya, lalu simpan atau konfirmasi."),
             "backoffice.admin_sla", _audited_since(SLA_ACTIONS)),
    ]


def confirm_holidays_checked(actor, year: int) -> None:
    with write_transaction():
        audit.log(HOLIDAYS_CHECKED, actor=actor, detail={"year": year})


def confirm_sla_reviewed(actor) -> None:
    with write_transaction():
        audit.log(SLA_REVIEWED, actor=actor)
