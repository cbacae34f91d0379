"""Import reports from a LAPOR! export file (CSV or XLSX) as complaints of channel "lapor", each recorded
through staff intake (same schema, ticket, access code, audit); a tracking ID already imported is skipped,
so importing the same file again adds nothing."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..complaints import staff_intake
from ..extensions import db
from ..models import Complaint
from . import columns

CHANNEL = "lapor"
MAX_ROWS = 5000


class ImportRefused(ValueError):
    """The file as a whole cannot be read (unknown type, missing columns, too many rows)."""


@dataclass
class ImportResult:
    added: list[str] = field(default_factory=list)          # tickets of the new complaints
    skipped: list[str] = field(default_factory=list)        # tracking IDs already imported
    refused: dict[int, dict] = field(default_factory=dict)  # row number → {field: [messages]}


def read_rows(data: bytes, filename: str) -> list[dict]:
    """The export's rows as {header: value}; CSV (UTF-8, comma or semicolon) or XLSX (first sheet)."""
    name = (filename or "").lower()
    if name.endswith(".xlsx"):
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None) or ()
        table = [dict(zip(header, row)) for row in rows if any(v not in (None, "") for v in row)]
    elif name.endswith(".csv"):
        text = data.decode("utf-8-sig", errors="replace")
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;") if text.strip() else csv.excel
        table = list(csv.DictReader(io.StringIO(text), dialect=dialect))
    else:
        raise ImportRefused(_("Berkas harus CSV atau XLSX ekspor LAPOR!."))
    if len(table) > MAX_ROWS:
        raise ImportRefused(_("Paling banyak %(n)d baris per berkas.", n=MAX_ROWS))
    return table


def _value(raw):
    if isinstance(raw, datetime):
        return raw.date().isoformat()
    if isinstance(raw, date):
        return raw.isoformat()
    text = "" if raw is None else str(raw).strip()
    # LAPOR! exports dates as "2026-10-05 08:12:00" or "05/10/2026".
    if len(text) >= 10 and text[4] == "-" and text[7] == "-":
        return text[:10] if len(text) > 10 and text[10] in " T" else text
    if len(text) == 10 and text[2] == "/" and text[5] == "/":
        return f"{text[6:]}-{text[3:5]}-{text[:2]}"
    return text


def mapped(row: dict) -> dict:
    """A row in complaint fields: the mapped columns, the channel, and privacy from the LAPOR! flags."""
    out = {}
    for header, raw in row.items():
        target = columns.field_of(header)
        if target and raw not in (None, ""):
            out.setdefault(target, _value(raw))
    privacy = "open"
    if str(out.pop("anonymous", "")).lower() in columns.TRUE_WORDS:
        privacy = "anonymous"
    if str(out.pop("confidential", "")).lower() in columns.TRUE_WORDS:
        privacy = "confidential"
    return {"category": "lainnya", "problem": "lainnya", **out, "privacy": privacy, "channel": CHANNEL}


def import_file(data: bytes, filename: str, actor) -> ImportResult:
    return import_rows(read_rows(data, filename), actor)


def import_rows(table: list[dict], actor) -> ImportResult:
    """Rows in the export's shape (a file's, or the LAPOR! API's through portal.lapor.client)."""
    if table:
        found = {columns.field_of(h) for h in table[0]}
        missing = [f for f in columns.REQUIRED if f not in found]
        if missing:
            raise ImportRefused(_("Kolom wajib tidak ditemukan: %(names)s", names=", ".join(missing)))
    result = ImportResult()
    for number, row in enumerate(table, start=2):  # row 1 is the header
        data_row = mapped(row)
        clean, errors = staff_intake.check(data_row)
        if errors:
            result.refused[number] = errors
            continue
        if _already_imported(clean["channel_ref"]):
            result.skipped.append(clean["channel_ref"])
            continue
        try:
            result.added.append(staff_intake.record(clean, [], actor).ticket)
        except IntegrityError:  # imported by a concurrent run in the meantime (unique tracking ID)
            db.session.rollback()
            result.skipped.append(clean["channel_ref"])
    return result


def _already_imported(tracking_id: str) -> bool:
    return db.session.scalar(select(Complaint.id).where(Complaint.channel == CHANNEL,
                                                        Complaint.channel_ref == tracking_id)) is not None
