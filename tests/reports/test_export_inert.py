"""Published CSV and XLSX files never carry a live spreadsheet formula from citizen or staff text."""
from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from portal.extensions import db
from portal.models import Complaint
from publish_support import Publisher
from support import built_once

import report_dataset

MONTH = "2026-10"
FORMULA = '=HYPERLINK("http://x","klik")'
STAFF_FORMULA = '@SUM(1+1)*cmd|" /C calc"!A0 rencana tindak lanjut petugas'


_published: dict = {}


@pytest.fixture
def published(request, app, backend):
    """Built once per test process on SQLite, copied into each test's app (support.built_once):
    the tests only read what was published."""
    def publish_month():
        report_dataset.load(app)
        with app.app_context():
            # A handler's public summary of an open complaint of the month: table T6 lists it (the
            # citizen's own words are never published; staff text is what reaches the export).
            row = db.session.scalars(select(Complaint).where(
                Complaint.privacy == "open", Complaint.submitted_on.between(date(2026, 10, 1), date(2026, 10, 31)))
                .order_by(Complaint.id)).first()
            row.public_summary = FORMULA
            db.session.commit()
        return Publisher(app, request.getfixturevalue("as_role")).publish("complaints", MONTH, plan=STAFF_FORMULA)
    return built_once(_published, app, backend, publish_month)


def test_formula_in_public_summary_and_follow_up_plan_is_inert_in_csv(client, published):
    text = client.get(f"/laporan/{published}.csv").get_data(as_text=True).lstrip("\ufeff")
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert "'" + FORMULA in cells
    assert "'" + STAFF_FORMULA in cells
    # No cell starts with a character a spreadsheet would evaluate.
    assert not [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r")]
    # Numbers stay numbers: the figures are still plain digits.
    assert any(c.isascii() and c.isdigit() for c in cells)


def test_formula_in_public_summary_and_follow_up_plan_is_a_string_cell_in_xlsx(client, published):
    workbook = load_workbook(io.BytesIO(client.get(f"/laporan/{published}.xlsx").data))
    found = {}
    numbers = 0
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if cell.value in (FORMULA, STAFF_FORMULA):
                    assert cell.data_type == "s" and cell.quotePrefix
                    found[cell.value] = cell.coordinate
                numbers += isinstance(cell.value, (int, float))
    assert set(found) == {FORMULA, STAFF_FORMULA}
    assert numbers > 0


def test_zip_download_is_one_bom_csv_per_table_numbers_as_numbers(client, published):
    """Issue 20: the public page links a zip holding one CSV per table (UTF-8 with BOM) and the notes;
    number columns hold only numbers, text stays inert."""
    import re
    import zipfile

    page = client.get(f"/laporan/{published}").get_data(as_text=True)
    assert f'href="/laporan/{published}.zip"' in page
    response = client.get(f"/laporan/{published}.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert re.search(r'filename="laporan-complaints-2026-10-v1\.zip"', response.headers["Content-Disposition"])
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    report = client.get(f"/api/v1/reports/{published}").get_json()
    tables = report.get("tables") or report["report"]["tables"]
    names = archive.namelist()
    assert names[-1] == "catatan.txt"
    csvs = [n for n in names if n.endswith(".csv")]
    assert [n.split("-")[0] for n in csvs] == [k.upper() for k in tables]
    for name, key in zip(csvs, tables):
        data = archive.read(name)
        assert data.startswith(b"\xef\xbb\xbf"), name
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        table = tables[key]
        assert rows[0] == [c["label"] for c in table["columns"]]
        assert len(rows) == 1 + len(table["rows"]) + (table.get("total") is not None)
        for column, cells in zip(table["columns"], zip(*rows[1:])):
            values = [r.get(column["key"]) for r in table["rows"]]
            if values and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
                assert [float(c) for c in cells[:len(values)]] == [float(v) for v in values], (name, column)
    cells = [c for n in csvs for r in csv.reader(io.StringIO(archive.read(n).decode("utf-8-sig"))) for c in r]
    assert "'" + FORMULA in cells and FORMULA not in cells
    assert "Periode" in archive.read("catatan.txt").decode("utf-8-sig")
