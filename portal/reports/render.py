"""Rendering of a report snapshot for the public: HTML tables, accessible SVG charts, CSV, XLSX, PDF.

Everything here works from the frozen snapshot (a plain dict: {"report": Report.as_dict(),
"publication": {...}}), never from the database, and is deterministic: the same snapshot gives
the same bytes. Publication renders once at approval and stores the results.

Charts are drawn on the server as SVG with presentation attributes only (the CSP allows no inline
style and no script): <svg role="img"> with <title>/<desc> carrying every number as text, and the
numbers printed beside the bars.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from datetime import datetime, timezone
from typing import Any

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup, escape

from .. import exports
from .aggregate import Column, Report, Table
from .periods import Period

BAR_FILL = "#0b4a5a"  # --c-primary of portal.css: 9.6:1 on white
TEXT_FILL = "#1b1f24"
MUTED_FILL = "#59636e"

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
PDF_TYPE = "application/pdf"


# --- Snapshot helpers -------------------------------------------------------------------------


def report_from_dict(data: dict) -> Report:
    """A Report rebuilt from its as_dict() form (to reuse the one CSV layout of the CLI)."""
    tables = []
    for key in data.get("table_order") or list(data["tables"]):
        t = data["tables"][key]
        tables.append(Table(key, t["title"], [Column(c["key"], c["label"]) for c in t["columns"]], t["rows"],
                            t.get("total"), t.get("note") or ""))
    return Report(data["channel"], Period.parse(data["period"]["code"]), data["title"], data["received"],
                  data["summary"], tables, list(data.get("notes") or []))


def ordered_tables(report: dict) -> list[tuple[str, dict]]:
    return [(key, report["tables"][key]) for key in report.get("table_order") or report["tables"]]


def shown_columns(table: dict) -> list[dict]:
    """Columns for people: code columns ("Kode …") stay in CSV/XLSX/JSON only."""
    return [c for c in table["columns"] if not (c.get("code") or str(c["label"]).startswith("Kode"))]


def format_value(value: Any) -> str:
    """Indonesian number format: 1.234.567 and 27,8; "—" for no value; "ya"/"tidak"."""
    if value is None or value == "":
        return "—" if value is None else ""
    if isinstance(value, bool):
        return _("ya") if value else _("tidak")
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    if isinstance(value, float):
        text = f"{value:,}" if value != int(value) else f"{int(value):,}"
        return text.translate(str.maketrans({",": ".", ".": ","}))
    return str(value)


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


# --- Charts --------------------------------------------------------------------------------------


@dataclass
class Chart:
    key: str
    title: str
    bars: list[tuple[str, Any]]  # (label, int | float | "< 3" | "*")
    unit: str = ""


def _bars(table: dict, value_key: str, label_key: str = "label") -> list[tuple[str, Any]]:
    return [(str(row.get(label_key) or row.get("period") or ""), row.get(value_key)) for row in table["rows"]]


def _status_bars(table: dict) -> list[tuple[str, Any]]:
    total = table.get("total") or {}
    return [(c["label"], total.get(c["key"])) for c in table["columns"]
            if c["key"] not in ("channel", "label", "total")]


def charts_for(report: dict) -> list[Chart]:
    """The charts of a report, chosen per channel from its tables."""
    tables = report["tables"]
    channel, semester = report["channel"], report["period"]["kind"] == "semester"
    charts: list[Chart] = []
    if channel == "complaints":
        if semester and "months" in tables:
            charts.append(Chart("masuk-bulan", _("Pengaduan masuk per bulan"), _bars(tables["months"], "received")))
            charts.append(Chart("selesai-bulan", _("Pengaduan selesai per bulan"),
                                _bars(tables["months"], "completed")))
        elif "t1" in tables:
            charts.append(Chart("masuk-kanal", _("Pengaduan masuk per kanal"), _bars(tables["t1"], "received")))
        if "t1_status" in tables:
            charts.append(Chart("status", _("Status pengaduan pada akhir periode"),
                                _status_bars(tables["t1_status"])))
    elif channel == "gratification":
        if semester and "months" in tables:
            charts.append(Chart("masuk-bulan", _("Laporan gratifikasi masuk per bulan"),
                                _bars(tables["months"], "received")))
        s = report["summary"]
        charts.append(Chart("tindakan", _("Penerimaan dan penolakan gratifikasi"),
                            [(_("Penerimaan"), s.get("accepted")), (_("Penolakan"), s.get("refused"))]))
        if "objek" in tables:
            charts.append(Chart("objek", _("Laporan menurut jenis objek"), _bars(tables["objek"], "total")))
    elif channel == "wbs":
        if "kategori" in tables:
            charts.append(Chart("kategori", _("Laporan WBS menurut jenis pelanggaran"),
                                _bars(tables["kategori"], "count")))
        if "status" in tables:
            charts.append(Chart("status", _("Status laporan WBS pada akhir semester"),
                                _bars(tables["status"], "count")))
    elif channel == "perception":
        if "indeks" in tables:
            charts.append(Chart("indeks", _("Indeks persepsi (nilai konversi 25–100)"),
                                _bars(tables["indeks"], "converted")))
        for survey in ("ipak", "ipkp"):
            if survey in tables:
                charts.append(Chart(f"nrr-{survey}", _("NRR per pernyataan — %(survey)s", survey=survey.upper()),
                                    [(_short(f'{row["no"]}. {row["text"]}'), row.get("nrr"))
                                     for row in tables[survey]["rows"]]))
    return charts


def _short(label: str, limit: int = 52) -> str:
    """A bar's label cut to fit the chart's width (the table beside it has the whole text)."""
    return label if len(label) <= limit else label[:limit - 1].rstrip() + "…"


ROW_H, TOP, WIDTH, BAR_MAX, BAR_H, FONT = 50, 6, 520, 400, 20, 17


def svg_chart(chart: Chart) -> Markup:
    """A horizontal bar chart: label above each bar, the number after it; accessible and static.
    Its natural size is WIDTH px; portal.css (`svg { max-width: 100%; height: auto }`) scales it down."""
    uid = f"grafik-{chart.key}"
    numbers = [v for _, v in chart.bars if is_number(v)]
    top = max(numbers, default=0) or 1
    height = TOP + ROW_H * max(len(chart.bars), 1) + 4
    desc = "; ".join(f"{label}: {format_value(value)}" for label, value in chart.bars) or _("Tidak ada data.")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="report-chart" role="img" '
        f'aria-labelledby="{uid}-judul {uid}-uraian" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'font-family="sans-serif" font-size="{FONT}">',
        f'<title id="{uid}-judul">{escape(chart.title)}</title>',
        f'<desc id="{uid}-uraian">{escape(desc)}</desc>',
    ]
    for i, (label, value) in enumerate(chart.bars):
        y = TOP + i * ROW_H
        parts.append(f'<text x="0" y="{y + FONT}" fill="{TEXT_FILL}">{escape(label)}</text>')
        bar_y = y + FONT + 6
        if is_number(value) and value > 0:
            length = max(2, round(BAR_MAX * value / top))
            parts.append(f'<rect x="0" y="{bar_y}" width="{length}" height="{BAR_H}" fill="{BAR_FILL}"/>')
            x_text = length + 8
        else:
            parts.append(f'<rect x="0" y="{bar_y}" width="1" height="{BAR_H}" fill="{MUTED_FILL}"/>')
            x_text = 8
        parts.append(f'<text x="{x_text}" y="{bar_y + BAR_H - 4}" fill="{TEXT_FILL}" font-weight="bold">'
                     f'{escape(format_value(value))}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


# --- HTML ----------------------------------------------------------------------------------------


PAGE_ROWS = 100  # rows of a long table (T6) per HTML page


@dataclass
class Pager:
    """Which rows of a long table a page shows; links are relative (?halaman=N#tabel-key), so the same
    HTML works on the public report page and on the back office's draft page."""
    key: str
    page: int
    pages: int
    total: int

    @property
    def first(self) -> int:
        return (self.page - 1) * PAGE_ROWS + 1

    @property
    def last(self) -> int:
        return min(self.page * PAGE_ROWS, self.total)

    def href(self, page: int) -> str:
        return f"?halaman={page}#tabel-{self.key}"


def paged_tables(report: dict, page: int = 1) -> list[tuple[str, dict, list, Pager | None]]:
    """(key, table, the rows shown, its pager or None) of every table; a page beyond the last shows the last."""
    out = []
    for key, table in ordered_tables(report):
        rows = table["rows"]
        if len(rows) <= PAGE_ROWS:
            out.append((key, table, rows, None))
            continue
        pages = -(-len(rows) // PAGE_ROWS)
        pager = Pager(key, min(max(page, 1), pages), pages, len(rows))
        out.append((key, table, rows[pager.first - 1:pager.last], pager))
    return out


def has_long_tables(report: dict) -> bool:
    return any(len(t["rows"]) > PAGE_ROWS for t in report["tables"].values())


def render_body(snapshot: dict, locale: str = "id", page: int = 1) -> str:
    """The report's content as HTML (no page chrome) in `locale` (the stored one: Indonesian); a long
    table shows PAGE_ROWS rows, those of `page`, with links to the other pages (no JavaScript)."""
    report = snapshot["report"]
    with force_locale(locale):
        charts = [(chart, svg_chart(chart)) for chart in charts_for(report)]
        return render_template("reports/_body.html", report=report, publication=snapshot["publication"],
                               tables=paged_tables(report, page), charts=charts, shown_columns=shown_columns,
                               format_value=format_value, is_number=is_number)


# --- CSV ------------------------------------------------------------------------------------------


def publication_rows(publication: dict) -> list[list[str]]:
    rows = [[_("Versi"), str(publication["version"])], [_("Diterbitkan"), publication["published_at"]]]
    if publication.get("correction_note"):
        rows.append([_("Koreksi atas versi sebelumnya"), publication["correction_note"]])
    if publication.get("follow_up_plan"):
        rows.append([_("Rencana tindak lanjut"), publication["follow_up_plan"]])
    return rows


def render_csv(snapshot: dict) -> bytes:
    """The CLI's CSV layout (`reports build --format csv`) plus the publication's lines; UTF-8 with BOM."""
    out = io.StringIO()
    out.write(report_from_dict(snapshot["report"]).to_csv())
    writer = exports.csv_writer(out)
    writer.writerow([])
    writer.writerow([_("[publikasi] Publikasi")])
    for row in publication_rows(snapshot["publication"]):
        writer.writerow(row)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


ZIP_TYPE = "application/zip"


def _withheld() -> tuple[str, ...]:
    """The markers a published count may carry instead of a number (WBS small-count suppression)."""
    from .wbs import HIDDEN, SUPPRESSED

    return (SUPPRESSED, HIDDEN)


def withheld_note() -> str:
    return _("Sel kosong pada kolom angka: jumlah 1 atau 2, atau angka yang dapat dipakai untuk "
             "menghitungnya kembali, sengaja tidak ditampilkan agar tidak ada pelapor yang dapat dikenali.")


def _number_cells(values: list[Any], withheld: tuple[str, ...]) -> tuple[list[Any], bool]:
    """The row with every withheld count ("< 3", "*") an empty cell, and whether there was one."""
    cells = [None if isinstance(v, str) and v in withheld else v for v in values]
    return cells, any(a is None and b is not None for a, b in zip(cells, values))


def _file_stem(key: str, title: str) -> str:
    import re

    words = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60].rstrip("-")
    return f"{key.upper()}-{words}" if words else key.upper()


def render_csv_zip(snapshot: dict) -> bytes:
    """The report as a zip for spreadsheets: one CSV per table (`T1-….csv`, UTF-8 with BOM, a
    header row then the rows and total, numbers only in number columns: a withheld small count
    is an empty cell) and `catatan.txt` with the title, period, publication and every note."""
    report, publication = snapshot["report"], snapshot["publication"]
    withheld = _withheld()
    files: list[tuple[str, bytes]] = []
    table_notes: list[str] = []
    any_withheld = False
    for key, table in ordered_tables(report):
        keys = [c["key"] for c in table["columns"]]
        rows: list[list[Any]] = [[c["label"] for c in table["columns"]]]
        blanked = False
        for row in table["rows"] + ([table["total"]] if table.get("total") is not None else []):
            cells, hit = _number_cells([_cell(row.get(k)) for k in keys], withheld)
            rows.append(cells)
            blanked = blanked or hit
        any_withheld = any_withheld or blanked
        name = _file_stem(key, table["title"]) + ".csv"
        files.append((name, exports.csv_document(rows)))
        lines = [f"{name}: {table['title']}"]
        if table.get("total") is not None:
            lines.append("  " + _("Baris terakhir adalah jumlah."))
        if table.get("note"):
            lines.append("  " + _("Catatan: %(note)s", note=table["note"]))
        if blanked:
            lines.append("  " + withheld_note())
        table_notes.append("\n".join(lines))
    period = report["period"]
    head = [report["title"], f"{_('Periode')}: {period['label']} ({period['start']} – {period['end']})"]
    head += [f"{label}: {value}" for label, value in publication_rows(publication)]
    notes = [_("Catatan: %(note)s", note=note) for note in report.get("notes") or []]
    if any_withheld:
        notes.append(withheld_note())
    text = "\n".join(head) + "\n\n" + "\n\n".join(table_notes) + "\n" + ("\n" + "\n".join(notes) + "\n" if notes else "")
    files.append(("catatan.txt", ("\ufeff" + text.replace("\n", "\r\n")).encode("utf-8")))
    return exports.zip_document(files, _naive_utc(publication["published_at"]))


# --- XLSX -----------------------------------------------------------------------------------------


def _naive_utc(iso: str) -> datetime:
    return datetime.fromisoformat(iso).astimezone(timezone.utc).replace(tzinfo=None)


def _cell(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, bool):
        return _("ya") if value else _("tidak")
    if isinstance(value, (int, float, str)):
        return value
    return str(value)


def render_xlsx(snapshot: dict) -> bytes:
    """One sheet "Ringkasan" (title, period, publication, notes), then one sheet per table.

    openpyxl's write-only mode streams the rows (a 25,000-row T6 without a cell object per value
    kept in memory), which also makes it several times faster."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    report, publication = snapshot["report"], snapshot["publication"]
    bold = Font(bold=True)
    wb = Workbook(write_only=True)
    when = _naive_utc(publication["published_at"])
    wb.properties.creator = "Portal Integritas"
    wb.properties.title = report["title"]
    wb.properties.created = when
    wb.properties.modified = when
    ws = wb.create_sheet(_("Ringkasan"))
    ws.column_dimensions["A"].width = 32
    ws.column_dimensions["B"].width = 60
    exports.xlsx_append(ws, [report["title"]], bold)
    exports.xlsx_append(ws, [_("Periode"), report["period"]["label"], report["period"]["start"], report["period"]["end"]])
    for row in publication_rows(publication):
        exports.xlsx_append(ws, row)
    for note in report.get("notes") or []:
        exports.xlsx_append(ws, [_("Catatan"), note])
    withheld = _withheld()
    for key, table in ordered_tables(report):
        sheet = wb.create_sheet(key[:31])
        for i, column in enumerate(table["columns"]):
            sheet.column_dimensions[get_column_letter(i + 1)].width = \
                40 if column["key"] in ("label", "summary") else 16
        exports.xlsx_append(sheet, [table["title"]], bold)
        exports.xlsx_append(sheet, [c["label"] for c in table["columns"]], bold)
        keys = [c["key"] for c in table["columns"]]
        blanked = False
        for row in table["rows"]:
            cells, hit = _number_cells([_cell(row.get(k)) for k in keys], withheld)
            exports.xlsx_append(sheet, cells)
            blanked = blanked or hit
        if table.get("total") is not None:
            cells, hit = _number_cells([_cell(table["total"].get(k)) for k in keys], withheld)
            exports.xlsx_append(sheet, cells, bold)
            blanked = blanked or hit
        if table.get("note"):
            exports.xlsx_append(sheet, [_("Catatan: %(note)s", note=table["note"])])
        if blanked:
            exports.xlsx_append(sheet, [_("Catatan: %(note)s", note=withheld_note())])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- PDF ------------------------------------------------------------------------------------------

# DejaVu Sans Condensed (Bitstream Vera licence, DejaVu changes public domain: fonts/LICENSE-DejaVu.txt;
# the files of Debian's fonts-dejavu-core), embedded as a subset: Indonesian text, dashes, "≤" and
# quotes print as written (the PDF core fonts know Latin-1 only).
FONT_DIR = Path(__file__).resolve().parent / "fonts"
PDF_FONT = "DejaVu"


def pdf_text(value: Any) -> str:
    text = value if isinstance(value, str) else format_value(value)
    return text.replace("\u00a0", " ")


def local_time(iso: str) -> str:
    """'29 November 2026 09.04 WIB': the office's local date and time of an ISO timestamp."""
    from flask_babel import format_date

    from ..clock import to_local

    when = to_local(datetime.fromisoformat(iso))
    return format_date(when.date(), "long") + " " + when.strftime("%H.%M") + " " + when.strftime("%Z")


# The PDF is the document an office files as evidence: the recap tables in full, and of a long list
# (T6, the public list of a month's complaints: 25,000 rows at a million cases, 600 pages) only the
# first rows with a pointer to the CSV and XLSX, which hold every row. fpdf2's table() measures and
# line-breaks every cell (41.8 s for 25k rows); capped, a PDF takes well under a second at any size.
PDF_MAX_ROWS = 100


def capped_note(total: int) -> str:
    return _("PDF ini memuat %(shown)s baris pertama dari %(total)s; semua baris ada pada unduhan CSV dan XLSX "
             "laporan ini.", shown=format_value(PDF_MAX_ROWS), total=format_value(total))


def _pdf_letterhead(pdf, publication: dict) -> None:
    """The office's name (PORTAL_OFFICE_NAME) over a rule, as on its letters."""
    from flask import current_app

    office = current_app.config.get("PORTAL_OFFICE_NAME") or "Portal Integritas"
    pdf.set_font(PDF_FONT, "B", 12)
    pdf.multi_cell(0, 6, pdf_text(office), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(PDF_FONT, "", 9)
    pdf.multi_cell(0, 5, pdf_text(_("Portal Integritas — laporan %(channel)s", channel=publication.get("channel_label")
                                     or publication.get("channel", ""))), align="C", new_x="LMARGIN", new_y="NEXT")
    y = pdf.get_y() + 1
    pdf.set_line_width(0.6)
    pdf.line(pdf.l_margin, y, pdf.w - pdf.r_margin, y)
    pdf.set_line_width(0.2)
    pdf.line(pdf.l_margin, y + 1, pdf.w - pdf.r_margin, y + 1)
    pdf.set_y(y + 4)


def _pdf_approval(publication: dict) -> str:
    """Who approved which version when (the approver's name is in snapshots published since it was kept)."""
    when = local_time(publication["published_at"])
    if publication.get("approved_by"):
        return _("Disetujui oleh %(name)s pada %(when)s; versi %(version)s.", name=publication["approved_by"],
                 when=when, version=publication["version"])
    return _("Disetujui dan diterbitkan pada %(when)s; versi %(version)s.", when=when, version=publication["version"])


def _pdf_chart(pdf, chart: Chart) -> None:
    """The HTML page's chart as horizontal bars, each number printed beside its bar."""
    numbers = [v for _label, v in chart.bars if is_number(v)]
    if not chart.bars:
        return
    top = max(numbers, default=0) or 1
    label_w, bar_w, row_h = 70, pdf.w - pdf.l_margin - pdf.r_margin - 70 - 25, 4.6
    if pdf.get_y() + 8 + row_h * len(chart.bars) > pdf.h - pdf.b_margin:
        pdf.add_page()
    pdf.ln(2)
    pdf.set_font(PDF_FONT, "B", 10)
    pdf.multi_cell(0, 5, pdf_text(chart.title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(PDF_FONT, "", 8)
    pdf.set_fill_color(11, 74, 90)  # BAR_FILL
    for label, value in chart.bars:
        y = pdf.get_y()
        pdf.set_xy(pdf.l_margin, y)
        pdf.cell(label_w, row_h, pdf_text(_short(label) if len(label) > 45 else label))
        width = bar_w * value / top if is_number(value) and value > 0 else 0
        if width:
            pdf.rect(pdf.l_margin + label_w, y + 0.8, width, row_h - 1.6, style="F")
        pdf.set_xy(pdf.l_margin + label_w + width + 1, y)
        pdf.cell(25, row_h, pdf_text(format_value(value) + (chart.unit or "")))
        pdf.set_y(y + row_h)


def render_pdf(snapshot: dict) -> bytes:
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    report, publication = snapshot["report"], snapshot["publication"]
    when = datetime.fromisoformat(publication["published_at"]).astimezone(timezone.utc)
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.add_font(PDF_FONT, "", str(FONT_DIR / "DejaVuSansCondensed.ttf"))
    pdf.add_font(PDF_FONT, "B", str(FONT_DIR / "DejaVuSansCondensed-Bold.ttf"))
    pdf.add_font(PDF_FONT, "I", str(FONT_DIR / "DejaVuSansCondensed.ttf"))  # notes: the regular face, smaller
    pdf.set_creation_date(when)
    pdf.set_title(pdf_text(report["title"]))
    pdf.set_author("Portal Integritas")
    pdf.set_auto_page_break(True, margin=12)
    pdf.add_page()
    _pdf_letterhead(pdf, publication)
    pdf.set_font(PDF_FONT, "B", 14)
    pdf.multi_cell(0, 7, pdf_text(report["title"]), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(PDF_FONT, "", 10)
    period = report["period"]
    lines = [_("Periode: %(label)s (%(start)s s.d. %(end)s)", label=period["label"],
               start=render_date(period["start"]), end=render_date(period["end"])), _pdf_approval(publication)]
    lines += [f"{label}: {value}" for label, value in publication_rows(publication)
              if label != _("Diterbitkan") and label != _("Versi")]
    lines += [_("Catatan: %(note)s", note=note) for note in report.get("notes") or []]
    for line in lines:
        pdf.multi_cell(0, 5, pdf_text(line), new_x="LMARGIN", new_y="NEXT")
    for chart in charts_for(report):
        _pdf_chart(pdf, chart)
    heading = FontFace(emphasis="BOLD", fill_color=(227, 240, 242))
    for _key, table in ordered_tables(report):
        columns = shown_columns(table)
        if not columns:
            continue
        pdf.ln(3)
        pdf.set_font(PDF_FONT, "B", 11)
        pdf.multi_cell(0, 6, pdf_text(table["title"]), new_x="LMARGIN", new_y="NEXT")
        size = 9 if len(columns) <= 7 else 7
        pdf.set_font(PDF_FONT, "", size)
        widths = tuple(3 if c["key"] in ("label", "summary") else 1 for c in columns)
        with pdf.table(col_widths=widths, headings_style=heading, line_height=1.6 * size / 2.83,
                       text_align="LEFT") as out:
            header = out.row()
            for c in columns:
                header.cell(pdf_text(c["label"]))
            rows = list(table["rows"][:PDF_MAX_ROWS]) + ([table["total"]] if table.get("total") is not None else [])
            for row in rows:
                line = out.row()
                for c in columns:
                    line.cell(pdf_text(row.get(c["key"])))
        if len(table["rows"]) > PDF_MAX_ROWS:
            pdf.set_font(PDF_FONT, "I", 8)
            pdf.multi_cell(0, 4, pdf_text(capped_note(len(table["rows"]))), new_x="LMARGIN", new_y="NEXT")
        if table.get("note"):
            pdf.set_font(PDF_FONT, "I", 8)
            pdf.multi_cell(0, 4, pdf_text(_("Catatan: %(note)s", note=table["note"])), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def render_date(iso: str) -> str:
    """'1 Oktober 2026' of an ISO date."""
    from datetime import date

    from flask_babel import format_date

    return format_date(date.fromisoformat(iso), "long")
