"""The Renja as data: loading the seed, the ZI team's edits, a status and evidence per row and period."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from .. import audit, uploads
from ..database import write_transaction
from ..extensions import db
from ..models import RenjaEvidence, RenjaRow, RenjaStatus
from ..models.types import utcnow
from ..reports.periods import Period, PeriodError
from . import AREAS, ZiError, text_field

SEED_FILE = Path(__file__).parent / "data" / "renja_2022.json"
SOURCES = ("complaints", "gratification", "wbs", "skm", "coi", "standards")

STATUSES = {
    "belum": _l("Belum dimulai"),
    "proses": _l("Sedang berjalan"),
    "selesai": _l("Selesai"),
}
EVIDENCE_KINDS = {
    "sk": _l("SK"),
    "pedoman": _l("Pedoman"),
    "undangan": _l("Undangan"),
    "daftar_hadir": _l("Daftar hadir"),
    "notulen": _l("Notulen"),
    "foto": _l("Foto"),
    "lainnya": _l("Lainnya"),
}
_TEXT_LIMITS = {"component": 200, "indicator": 2000, "action": 4000, "evidence": 2000, "timing": 100}


class RenjaError(ZiError):
    pass


@dataclass(frozen=True)
class SeedResult:
    year: int
    added: int
    kept: int


def seed_rows() -> list[dict]:
    return json.loads(SEED_FILE.read_text(encoding="utf-8"))["rows"]


def _row_from_seed(year: int, item: dict) -> RenjaRow:
    return RenjaRow(year=year, code=item["code"], area=item["area"], component=item["component"],
                    indicator=item["indicator"], action=item["action"], evidence=item["evidence"],
                    timing=item["timing"], folder=item["folder"], sources=",".join(item["sources"]),
                    updated_at=utcnow())


def seed(year: int, actor=None) -> SeedResult:
    """Add the seed's rows that `year` lacks; rows already there (perhaps edited) are left alone."""
    with write_transaction():
        have = set(db.session.scalars(select(RenjaRow.code).where(RenjaRow.year == year)))
        added = [item for item in seed_rows() if item["code"] not in have]
        for item in added:
            db.session.add(_row_from_seed(year, item))
        if added:
            audit.log("zi_renja_seed", actor=actor, case_ref=f"zi:{year}", detail={"added": len(added)})
    return SeedResult(year, len(added), len(have))


def rows(year: int) -> list[RenjaRow]:
    return list(db.session.scalars(select(RenjaRow).where(RenjaRow.year == year)
                                   .order_by(RenjaRow.code, RenjaRow.id)))


def plan_for(year: int) -> list[RenjaRow]:
    """The rows an evaluator sees for `year`: that year's, else the latest earlier year's, else the
    seed itself (unsaved), so that a fresh instance still gets a complete index."""
    found = rows(year)
    if found:
        return found
    earlier = db.session.scalar(select(RenjaRow.year).where(RenjaRow.year < year).order_by(RenjaRow.year.desc()))
    if earlier is not None:
        return rows(earlier)
    return sorted((_row_from_seed(year, item) for item in seed_rows()), key=lambda r: r.code)


def years() -> list[int]:
    return list(db.session.scalars(select(RenjaRow.year).distinct().order_by(RenjaRow.year.desc())))


def get_row(row_id: int) -> RenjaRow | None:
    return db.session.get(RenjaRow, row_id)


def parse_period(text: str | None) -> Period:
    try:
        return Period.parse((text or "").strip())
    except PeriodError:
        raise RenjaError("period", _("Periode tidak dikenal: tulis bulan (2026-03) atau semester (2026-S1).")) from None


def update_row(row_id: int, form, actor) -> RenjaRow:
    values = {}
    for field, limit in _TEXT_LIMITS.items():
        value = " ".join((form.get(field) or "").split()) if field in ("component", "timing") else form.get(field)
        values[field] = text_field(value, field, limit, RenjaError)
    chosen = [s for s in SOURCES if s in form.getlist("sources")]
    with write_transaction():
        row = get_row(row_id)
        if row is None:
            raise RenjaError("row", _("Baris Renja tidak ditemukan."))
        changed = sorted(k for k, v in values.items() if getattr(row, k) != v)
        for key, value in values.items():
            setattr(row, key, value)
        if row.sources != ",".join(chosen):
            changed.append("sources")
            row.sources = ",".join(chosen)
        row.updated_at = utcnow()
        audit.log("zi_renja_edit", actor=actor, case_ref=f"zi:{row.year}:{row.code}", detail={"fields": changed})
    return row


def status_of(row: RenjaRow, period: str) -> RenjaStatus | None:
    if row.id is None:
        return None
    return db.session.scalar(select(RenjaStatus).where(RenjaStatus.row_id == row.id, RenjaStatus.period == period))


def set_status(row_id: int, period_text: str, status: str, note: str | None, actor) -> RenjaStatus:
    period = parse_period(period_text)
    if status not in STATUSES:
        raise RenjaError("status", _("Pilih status yang tersedia."))
    note = text_field(note, "note", 2000, RenjaError, required=False)
    with write_transaction():
        row = get_row(row_id)
        if row is None:
            raise RenjaError("row", _("Baris Renja tidak ditemukan."))
        record = status_of(row, period.code)
        if record is None:
            record = RenjaStatus(row_id=row.id, period=period.code, status=status)
            db.session.add(record)
        record.status, record.note = status, note or None
        record.updated_by_id, record.updated_at = actor.id if actor else None, utcnow()
        audit.log("zi_renja_status", actor=actor, case_ref=f"zi:{row.year}:{row.code}",
                  detail={"period": period.code, "status": status})
    return record


def add_evidence(row_id: int, period_text: str, kind: str, upload, actor) -> RenjaEvidence:
    """Check, clean and encrypt one document through portal.uploads, then record it for the row."""
    period = parse_period(period_text)
    if kind not in EVIDENCE_KINDS:
        raise RenjaError("kind", _("Pilih jenis dokumen."))
    if upload is None or not upload.filename:
        raise RenjaError("file", _("Pilih berkas yang diunggah."))
    if get_row(row_id) is None:
        raise RenjaError("row", _("Baris Renja tidak ditemukan."))
    try:
        clean = uploads.inspect_upload(upload.filename, upload.stream, current_app.config["ATTACHMENT_MAX_BYTES"])
    except uploads.UploadRefused as exc:
        raise RenjaError("file", exc.message) from None
    name = uploads.store(clean.data)
    try:
        with write_transaction():
            row = get_row(row_id)
            item = RenjaEvidence(row_id=row.id, period=period.code, kind=kind, storage_name=name,
                                 original_name=clean.original_name, content_type=clean.content_type,
                                 size=clean.size, uploaded_by_id=actor.id if actor else None)
            db.session.add(item)
            db.session.flush()
            audit.log("zi_evidence_upload", actor=actor, case_ref=f"zi:{row.year}:{row.code}",
                      detail={"evidence": item.id, "period": period.code, "kind": kind})
    except BaseException:
        uploads.delete(name)
        raise
    return item


def evidence_for(row: RenjaRow, period: Period) -> list[RenjaEvidence]:
    """Documents of the period and, for a semester, of its months."""
    if row.id is None:
        return []
    codes = [period.code] + ([m.code for m in period.months()] if period.is_semester else [])
    return list(db.session.scalars(select(RenjaEvidence).where(RenjaEvidence.row_id == row.id,
                                                               RenjaEvidence.period.in_(codes))
                                   .order_by(RenjaEvidence.id)))


def record_download(item: RenjaEvidence, actor) -> None:
    with write_transaction():
        audit.log("zi_evidence_download", actor=actor, case_ref=f"zi-evidence:{item.id}")


def evidence_file(item: RenjaEvidence) -> bytes:
    return uploads.load(item.storage_name)


def area_of(row: RenjaRow) -> str:
    return str(AREAS[row.area][0]) if row.area in AREAS else row.area
