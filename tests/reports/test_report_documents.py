"""The stored documents at scale: the PDF carries a long list's first rows and points to the
CSV/XLSX, which hold every row (XLSX written in openpyxl's write-only mode)."""
from __future__ import annotations

import io
import json

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


def test_a_long_list_renders_quickly_in_every_format(app, snapshot):
    """25,000 T6 rows (a month at a million complaints): the PDF has a few pages, not six hundred."""
    table = snapshot["report"]["tables"]["t6"]
    table["rows"] = [dict(table["rows"][i % len(table["rows"])], ticket=f"PGD-2026-{i:07d}") for i in range(25_000)]
    with app.test_request_context():
        pdf = render.render_pdf(snapshot)
        xlsx = render.render_xlsx(snapshot)
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
