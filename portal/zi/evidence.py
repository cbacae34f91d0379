"""The evidence pack for the TPI/TPN evaluators: one folder per Renja row, holding the portal's own
published reports and registers for the period plus the documents uploaded as evidence, and an
index (HTML and XLSX) that maps every Renja indicator to its files.

Only what is already public (published report snapshots, counts of declarations, the map of
conflict-prone positions, the standar pelayanan per service) and the ZI team's own evidence documents
go in: no case, no tip, no name.
"""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

from flask import render_template
from flask_babel import gettext as _
from sqlalchemy import select

from .. import audit, exports, uploads
from ..database import write_transaction
from ..extensions import db
from ..models import PublishedReport, RenjaRow
from ..reports.periods import Period
from ..clock import local_today
from . import AREAS, conflicts, monev, renja, standards

REPORT_CHANNELS = ("complaints", "gratification", "wbs", "skm", "coi")
_FOLDER_CHARS = re.compile(r"[^A-Za-z0-9_.-]+")


@dataclass
class IndexEntry:
    row: RenjaRow
    folder: str
    status: str
    files: list[str] = field(default_factory=list)


def _folder(row: RenjaRow) -> str:
    return _FOLDER_CHARS.sub("_", row.folder or row.code).strip("._") or "renja"


def published_for(channel: str, period: Period) -> list[PublishedReport]:
    """The newest version of the channel's published reports for the period (a semester: its own
    report and those of its months), oldest period first."""
    codes = [period.code] + ([m.code for m in period.months()] if period.is_semester else [])
    found = db.session.scalars(select(PublishedReport).where(PublishedReport.channel == channel,
                                                             PublishedReport.period.in_(codes))
                               .order_by(PublishedReport.version))
    newest: dict[str, PublishedReport] = {}
    for item in found:
        newest[item.period] = item
    return sorted(newest.values(), key=lambda r: (r.period_kind != "semester", r.period_start))


def _csv(rows: list[list]) -> bytes:
    out = io.StringIO()
    exports.csv_writer(out).writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def _xlsx(title: str, rows: list[list]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    for row in rows:
        exports.xlsx_append(ws, row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _coi_files(period: Period) -> dict[str, bytes]:
    counts = conflicts.period_counts(period)
    table = [[_("Rekap pernyataan benturan kepentingan"), counts["label"]], counts["header"], *counts["rows"]]
    mapping = [[_("Unit"), _("Jabatan/kegiatan rawan"), _("Risiko"), _("Pengendalian")]]
    mapping += [[p.unit, p.position, p.risk, p.control] for p in conflicts.positions(active_only=True)]
    return {
        f"rekap-benturan-kepentingan-{period.code}.csv": _csv(table),
        f"rekap-benturan-kepentingan-{period.code}.xlsx": _xlsx(_("Rekap"), table),
        "peta-jabatan-rawan-benturan-kepentingan.csv": _csv(mapping),
    }


def export(period: Period, actor=None) -> bytes:
    """Build the pack and record who took it (the back office and `zi evidence` both come here)."""
    with write_transaction():
        audit.log("zi_evidence_pack", actor=actor, case_ref=f"zi-pack:{period.code}")
    return build(period)


def build(period: Period) -> bytes:
    """The zip of the period's evidence (bytes)."""
    rows = renja.plan_for(period.year)
    entries: list[IndexEntry] = []
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as pack:
        def put(path: str, data: bytes, entry: IndexEntry) -> None:
            pack.writestr(path, data)
            entry.files.append(path)

        for row in rows:
            folder = _folder(row)
            status = renja.status_of(row, period.code)
            entry = IndexEntry(row, folder, str(renja.STATUSES[status.status]) if status else _("Belum diisi"))
            for source in row.source_list:
                if source in REPORT_CHANNELS:
                    for report in published_for(source, period):
                        stem = f"{folder}/laporan-{source}-{report.period}-v{report.version}"
                        put(stem + ".pdf", report.pdf_data, entry)
                        put(stem + ".xlsx", report.xlsx_data, entry)
                        put(stem + ".csv", report.csv_data, entry)
                if source == "coi":  # the register's recap and map, published report or not
                    for name, data in _coi_files(period).items():
                        put(f"{folder}/{name}", data, entry)
                if source == "standards":  # the standar pelayanan of every service, all its components
                    sheet = standards.table()
                    put(f"{folder}/standar-pelayanan.csv", _csv(sheet), entry)
                    put(f"{folder}/standar-pelayanan.xlsx", _xlsx(_("Standar pelayanan"), sheet), entry)
            for item in renja.evidence_for(row, period):
                name = f"{folder}/dokumen/{item.period}-{item.kind}-{item.id}{uploads.extension_for(item.content_type)}"
                put(name, renja.evidence_file(item), entry)
            entries.append(entry)
        extras: list[str] = []
        if period.is_semester:  # the Lembar Monev ZI with its RTL, carried from earlier semesters
            sheet = monev.table(period)
            for name, data in ((f"monev_zi/lembar-monev-zi-{period.code}.csv", _csv(sheet)),
                               (f"monev_zi/lembar-monev-zi-{period.code}.xlsx", _xlsx(_("Monev"), sheet))):
                pack.writestr(name, data)
                extras.append(name)
        pack.writestr("index.html", render_template("zi/evidence_index.html", period=period, entries=entries,
                                                    extras=extras, areas=AREAS,
                                                    today=local_today()).encode("utf-8"))
        pack.writestr("index.xlsx", _index_xlsx(period, entries, extras))
    return buffer.getvalue()


def _index_xlsx(period: Period, entries: list[IndexEntry], extras: list[str]) -> bytes:
    rows = [[_("Paket eviden Zona Integritas"), period.label],
            [_("Kode"), _("Area"), _("Komponen"), _("Indikator"), _("Langkah aksi"), _("Eviden"), _("Waktu"),
             _("Status"), _("Berkas")]]
    for e in entries:
        files = "\n".join(e.files) if e.files else _("belum ada berkas")
        rows.append([e.row.code, renja.area_of(e.row), e.row.component, e.row.indicator, e.row.action,
                     e.row.evidence, e.row.timing, e.status, files])
    data = _xlsx(_("Indeks"), rows)
    if not extras:
        return data
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    sheet = book.create_sheet(_("Monev"))
    exports.xlsx_append(sheet, [_("Lembar Monev ZI"), period.label])
    for name in extras:
        exports.xlsx_append(sheet, [name])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
