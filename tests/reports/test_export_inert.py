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
