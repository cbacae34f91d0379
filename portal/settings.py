"""Operator settings: a value chosen on the admin page beats the environment variable, which beats the default.

Each setting is declared once here with its environment name (documented in README), its type and
its bounds; the admin page and every reader go through `value()`.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from flask import current_app, g
from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect, select

from . import audit, configcache, pagecache
from .database import write_transaction
from .extensions import db
from .models.settings import PortalSetting
from .models.types import utcnow

_G_CACHE = "_portal_operator_settings"
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
TRUE_WORDS = {"1", "true", "yes", "on", "ya"}
FALSE_WORDS = {"0", "false", "no", "off", "tidak"}


@dataclass(frozen=True)
class Setting:
    key: str  # also the app.config key and the environment variable
    kind: str  # "bool" | "int" | "email" | "text"
    default: object
    label: object
    hint: object
    minimum: int | None = None
    maximum: int | None = None
    max_len: int = 300
    choices: tuple[str, ...] = ()


def _retention(key: str, default: int, label, hint) -> Setting:
    """A retention period in days (portal.privacy.retention, WBS purge): from a month to a century."""
    return Setting(key, "int", default, label, hint, minimum=30, maximum=36500)


SETTINGS: dict[str, Setting] = {s.key: s for s in (
    Setting("WORKDAYS_CUTI_BERSAMA_NON_WORKING", "bool", True,
            _l("Cuti bersama dihitung sebagai hari libur"),
            _l("Apakah hari cuti bersama (SKB 3 Menteri) dikecualikan dari hitungan hari kerja untuk tenggat. "
               "Dasar hukumnya tidak tegas; bawaan: ya, karena kantor tutup pada hari itu. Mengubahnya "
               "membangun ulang tabel kalender; tenggat baru memakai pilihan ini.")),
    _retention("WBS_RETENTION_DAYS", 730,
               _l("Masa simpan laporan WBS yang sudah ditutup (hari)"),
               _l("Laporan WBS yang berstatus akhir lebih lama dari ini dihapus beserta kuncinya, pesan, dan "
                  "lampirannya (sesuaikan dengan Jadwal Retensi Arsip).")),
    # Retention of complaints and gratification reports (portal.privacy.retention reads these).
    _retention("COMPLAINTS_RETENTION_DAYS", 1825,
               _l("Masa simpan data pribadi pengaduan yang selesai (hari)"),
               _l("Setelah pengaduan Selesai/Ditutup selama ini, data pribadi dan lampirannya dihapus; angka "
                  "laporan tetap (sesuaikan dengan Jadwal Retensi Arsip).")),
    _retention("COMPLAINTS_DROPPED_RETENTION_DAYS", 730,
               _l("Masa simpan data pribadi pengaduan yang diarsipkan atau bukan kewenangan (hari)"),
               _l("Pengaduan Arsip/Bukan Kewenangan: data pribadi dan lampirannya dihapus setelah ini "
                  "(sesuaikan dengan Jadwal Retensi Arsip).")),
    _retention("GRATIFICATION_RETENTION_DAYS", 1825,
               _l("Masa simpan data pribadi laporan gratifikasi yang selesai (hari)"),
               _l("Laporan gratifikasi berstatus akhir: data pribadi pelapor dan pemberi serta lampirannya dihapus "
                  "setelah ini; angka laporan tetap (sesuaikan dengan Jadwal Retensi Arsip).")),
    # The Personal Data Protection Officer (UU PDP Ps 53), shown in the privacy notice (portal.privacy.notice).
    Setting("PDP_OFFICER_NAME", "text", "",
            _l("Nama Pejabat Pelindungan Data Pribadi"),
            _l("Ditampilkan pada pemberitahuan privasi; kosong: hanya jabatannya yang ditampilkan."), max_len=120),
    Setting("PDP_OFFICER_UNIT", "text", "",
            _l("Jabatan atau unit Pejabat Pelindungan Data Pribadi"),
            _l("Misalnya Sekretaris Dinas; ditampilkan pada pemberitahuan privasi."), max_len=200),
    Setting("PDP_OFFICER_PHONE", "text", "",
            _l("Telepon Pejabat Pelindungan Data Pribadi"),
            _l("Nomor telepon kantor untuk permohonan hak subjek data; ditampilkan pada pemberitahuan privasi."),
            max_len=40),
    Setting("PDP_OFFICER_EMAIL", "email", "",
            _l("Surel Pejabat Pelindungan Data Pribadi"),
            _l("Ditampilkan pada pemberitahuan privasi sebagai alamat permohonan hak subjek data."), max_len=254),
    Setting("PDP_OFFICER_ADDRESS", "text", "",
            _l("Alamat surat Pejabat Pelindungan Data Pribadi"),
            _l("Ditampilkan pada pemberitahuan privasi."), max_len=300),
)}


# Chosen when the portal is deployed, in the environment only, never on the admin page: changing
# one needs work first (the files moved with `flask --app wsgi files migrate`, the secrets copied).
ENVIRONMENT_ONLY: dict[str, Setting] = {s.key: s for s in (
    Setting("PORTAL_FILE_STORE", "choice", "local", "File store",
            "local: encrypted files under instance/uploads and instance/wbs of this host (one host); "
            "database: encrypted chunks in the database every host shares (several hosts).",
            choices=("local", "database")),
    Setting("PORTAL_SHARED_SECRETS", "text", "", "Shared secrets directory",
            "A directory the operator distributes to every host, holding app-keyring.json, pepper and "
            "recovery-pin.json (portal/hosts.py); empty: instance/keys of this host.", max_len=4096),
)}


class InvalidSetting(ValueError):
    pass


def parse(setting: Setting, raw) -> object:
    """The typed value of `raw` (text from the environment, the admin form or the database)."""
    if setting.kind == "bool":
        if isinstance(raw, bool):
            return raw
        word = str(raw).strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise InvalidSetting(str(_l("Pilih ya atau tidak.")))
    if setting.kind == "int":
        text = str(raw).strip()
        if not text.isdigit() or not setting.minimum <= int(text) <= setting.maximum:
            raise InvalidSetting(str(_l("Isi angka %(a)d sampai %(b)d.", a=setting.minimum, b=setting.maximum)))
        return int(text)
    text = " ".join(str(raw or "").split())
    if setting.kind == "choice":
        if text.lower() not in setting.choices:
            raise InvalidSetting(f"one of {', '.join(setting.choices)}")
        return text.lower()
    if len(text) > setting.max_len:
        raise InvalidSetting(str(_l("Paling banyak %(n)d karakter.", n=setting.max_len)))
    if setting.kind == "email" and text and not _EMAIL_RE.match(text):
        raise InvalidSetting(str(_l("Alamat surel tidak valid.")))
    return text


def from_environment(env) -> dict:
    """app.config values of the settings given in the environment (bad values are refused at start)."""
    values = {}
    for key, setting in (SETTINGS | ENVIRONMENT_ONLY).items():
        if env.get(key, "").strip():
            try:
                values[key] = parse(setting, env[key])
            except InvalidSetting as exc:
                raise RuntimeError(f"{key}={env[key]!r}: {exc}") from None
    return values


def _read_stored() -> Mapping[str, str]:
    # Working days are also computed while migrations run (the calendar table is built at
    # upgrade), possibly before this table exists: then only the environment counts.
    if inspect(db.session.connection()).has_table(PortalSetting.__tablename__):
        return MappingProxyType(dict(db.session.execute(select(PortalSetting.key, PortalSetting.value)).all()))
    return MappingProxyType({})


def _stored() -> Mapping[str, str]:
    cached = g.get(_G_CACHE)
    if cached is None:
        # Kept by the worker until a write to the table changes the configuration's key (portal.configcache).
        cached = configcache.shared("portal_settings", _read_stored)
        setattr(g, _G_CACHE, cached)
    return cached


def forget() -> None:
    g.pop(_G_CACHE, None)
    configcache.forget()


def source(key: str) -> str:
    """Where the current value comes from: "admin", "env" (app configuration) or "default"."""
    if key in _stored():
        return "admin"
    return "env" if key in current_app.config else "default"


def value(key: str):
    """The admin's choice, else the configuration (environment), else the default."""
    setting = SETTINGS[key]
    stored = _stored().get(key)
    if stored is not None:
        try:
            return parse(setting, stored)
        except InvalidSetting:
            pass  # a row written by hand with a bad value: fall back rather than break every page
    configured = current_app.config.get(key)
    if configured is not None:
        return parse(setting, configured)
    return setting.default


def save(key: str, raw, actor) -> object:
    """Store the admin's choice (validated), audited in the same transaction; returns the value.

    A change of the cuti bersama choice rebuilds the working-day table in that transaction too, so
    the SQL reports and the Python deadlines agree from the commit on.
    """
    from . import workdays

    setting = SETTINGS[key]
    parsed = parse(setting, raw)
    before = value(key)
    stored = "1" if parsed is True else "0" if parsed is False else str(parsed)
    with write_transaction() as session:
        session.merge(PortalSetting(key=key, value=stored, updated_at=utcnow(), updated_by_id=actor.id))
        session.flush()
        forget()
        if key == workdays.CONFIG_CUTI_BERSAMA and parsed != before:
            workdays.rewrite_calendar_table()
        pagecache.bump()  # pages such as the privacy notice and the office's letterhead show settings
        audit.log("setting_change", actor=actor, detail={"setting": key, "from": before, "to": parsed})
    forget()
    return parsed


def reset(key: str, actor) -> None:
    """Drop the admin's choice: the environment or the default applies again (audited)."""
    from . import workdays

    before = value(key)
    with write_transaction() as session:
        row = session.get(PortalSetting, key)
        if row is None:
            return
        session.delete(row)
        session.flush()
        forget()
        after = value(key)
        if key == workdays.CONFIG_CUTI_BERSAMA and after != before:
            workdays.rewrite_calendar_table()
        pagecache.bump()
        audit.log("setting_change", actor=actor, detail={"setting": key, "from": before, "to": after})
    forget()
