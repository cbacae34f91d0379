"""The stored documents at scale: the PDF carries a long list's first rows and points to the
CSV/XLSX, which hold every row (XLSX written in openpyxl's write-only mode)."""
from __future__ import annotations

import io
import json
import zipfile

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from portal.reports import build_report, render
from portal.reports import publication as pub

import report_dataset

MONTH = "2026-10"


@pytest.fixture
def snapshot(app):
    report_dataset.load(app)
    with app.app_context():
        report = json.loads(build_report("complaints", MONTH).to_json(indent=None))
    return pub.snapshot_of(report, {
        "channel": "complaints", "channel_label": "Pengaduan", "period": MONTH, "period_label": "Oktober 2026",
        "version": 1, "published_at": "2026-11-03T02:00:00+00:00", "title": report["title"],
        "follow_up_plan": None, "correction_note": None})


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_pdf_caps_a_long_list_and_points_to_the_full_files(app, snapshot, monkeypatch):
    rows = snapshot["report"]["tables"]["t6"]["rows"]
    assert len(rows) >= 3, "the dataset needs a T6 of several rows"
    with app.test_request_context():
        full = _pdf_text(render.render_pdf(snapshot))
        assert rows[-1]["ticket"] in full
        assert "baris pertama" not in full
        monkeypatch.setattr(render, "PDF_MAX_ROWS", 2)
        capped = _pdf_text(render.render_pdf(snapshot))
        book = load_workbook(io.BytesIO(render.render_xlsx(snapshot)), read_only=True)
    assert rows[0]["ticket"] in capped and rows[1]["ticket"] in capped
    assert rows[2]["ticket"] not in capped and rows[-1]["ticket"] not in capped
    assert f"PDF ini memuat 2 baris pertama dari {len(rows)}" in " ".join(capped.split())
    # The XLSX keeps every row, in the table's column order, below the title and the headings.
    sheet = list(book["t6"].iter_rows(values_only=True))
    keys = [c["key"] for c in snapshot["report"]["tables"]["t6"]["columns"]]
    assert [r[keys.index("ticket")] for r in sheet[2:2 + len(rows)]] == [r["ticket"] for r in rows]


def test_a_long_list_is_whole_in_xlsx_and_zip_and_capped_in_pdf(app, snapshot):
    """25,000 T6 rows (a month at a million complaints): the PDF has a few pages, not six hundred."""
    table = snapshot["report"]["tables"]["t6"]
    table["rows"] = [dict(table["rows"][i % len(table["rows"])], ticket=f"PGD-2026-{i:07d}") for i in range(25_000)]
    with app.test_request_context():
        pdf = render.render_pdf(snapshot)
        xlsx = render.render_xlsx(snapshot)
        zipped = render.render_csv_zip(snapshot)
    archive = zipfile.ZipFile(io.BytesIO(zipped))
    t6 = archive.read(next(n for n in archive.namelist() if n.startswith("T6-"))).decode("utf-8-sig")
    assert sum(1 for line in t6.splitlines() if line.startswith("PGD-2026-")) == 25_000
    pages = PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) < 20
    assert "PGD-2026-0024999" not in _pdf_text(pdf)
    rows = list(load_workbook(io.BytesIO(xlsx), read_only=True)["t6"].iter_rows(values_only=True))
    assert sum(1 for r in rows if r and str(r[0]).startswith("PGD-2026-")) == 25_000


def test_pdf_is_fit_to_file_letterhead_approval_local_dates_font_and_charts(app, snapshot):
    """Issue 20: the office's letterhead, who approved which version when (local time, not ISO), the
    HTML page's charts, and an embedded font that prints Indonesian text and dashes as written."""
    snapshot["publication"]["approved_by"] = "Dra. Siti Rahmawati, M.Si."
    snapshot["publication"]["follow_up_plan"] = "Loket pengaduan — dibuka pukul 08.00–15.00"
    with app.test_request_context():
        data = render.render_pdf(snapshot)
        charts = render.charts_for(snapshot["report"])
    text = " ".join(_pdf_text(data).split())
    assert app.config["PORTAL_OFFICE_NAME"] in text
    assert "Disetujui oleh Dra. Siti Rahmawati, M.Si. pada 3 November 2026 09.00 WIB; versi 1." in text
    assert "2026-11-03T02:00:00" not in text and "1 Oktober 2026" in text
    assert "Loket pengaduan — dibuka pukul 08.00–15.00" in text  # dashes kept, not "-"
    assert charts and all(chart.title in text for chart in charts)
    fonts = {str(page["/Resources"]["/Font"][name].get_object()["/BaseFont"])
             for page in PdfReader(io.BytesIO(data)).pages for name in page["/Resources"]["/Font"]}
    assert fonts and all("DejaVu" in font for font in fonts)  # embedded, no core Helvetica
    with app.test_request_context():
        assert render.render_pdf(snapshot) == data  # the same snapshot gives the same bytes


def test_withheld_small_counts_are_empty_cells_with_a_note_in_zip_and_xlsx(app, snapshot):
    """Issue 20: a suppressed count ("< 3") or a hidden one ("*") is an empty cell, never text in a
    number column; the notes say why."""
    import csv
    import zipfile

    table = snapshot["report"]["tables"]["t1"]
    number_keys = [c["key"] for c in table["columns"]
                   if table["rows"] and isinstance(table["rows"][0].get(c["key"]), int)]
    assert number_keys, "T1 needs a number column"
    key = number_keys[0]
    table["rows"][0][key] = "< 3"
    table["rows"][-1][key] = "*"
    with app.test_request_context():
        archive = zipfile.ZipFile(io.BytesIO(render.render_csv_zip(snapshot)))
        book = load_workbook(io.BytesIO(render.render_xlsx(snapshot)))
        note = render.withheld_note()
    name = next(n for n in archive.namelist() if n.startswith("T1-"))
    rows = list(csv.reader(io.StringIO(archive.read(name).decode("utf-8-sig"))))
    column = [c["key"] for c in table["columns"]].index(key)
    assert rows[1][column] == "" and rows[len(table["rows"])][column] == ""
    assert "< 3" not in archive.read(name).decode("utf-8-sig")
    notes = archive.read("catatan.txt").decode("utf-8-sig")
    assert note in notes and name in notes
    sheet = list(book["t1"].iter_rows(values_only=True))
    assert sheet[2][column] is None and sheet[1 + len(table["rows"])][column] is None
    assert any(r[0] and note in str(r[0]) for r in sheet)
    assert all(r[column] is None or isinstance(r[column], (int, float)) for r in sheet[2:2 + len(table["rows"])])
