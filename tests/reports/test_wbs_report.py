"""WBS semester report: counts only, from clear columns only, with small counts suppressed."""
from __future__ import annotations

import secrets
from datetime import date

import pytest
from sqlalchemy import event

from portal.extensions import db
from portal.models import WbsEvent, WbsTip
from portal.reports import PeriodNotOffered, build_report
from portal.reports.wbs import HIDDEN, SUPPRESSED, protect, suppress

# Publishing is only for periods that have ended (tests/reports/conftest.py).
pytestmark = pytest.mark.usefixtures("periods_ended")

D = date.fromisoformat

# (category, submitted, [(day, status), …]) — the status history after "received".
TIPS = [
    ("suap-pungli", "2026-01-10", [("2026-01-12", "telaah"), ("2026-02-01", "forwarded_inspektorat"),
                                   ("2026-07-05", "done")]),
    ("suap-pungli", "2026-02-03", [("2026-02-04", "telaah"), ("2026-03-01", "forwarded_inspektorat")]),
    ("suap-pungli", "2026-03-03", [("2026-03-05", "telaah"), ("2026-04-01", "clarification")]),
    ("suap-pungli", "2026-04-04", [("2026-04-05", "telaah"), ("2026-05-02", "forwarded_aph")]),
    ("suap-pungli", "2026-05-05", []),
    ("gratifikasi", "2026-06-29", [("2026-07-02", "telaah")]),  # still "received" on 30 June
    ("penyalahgunaan-wewenang", "2026-01-20", [("2026-01-21", "telaah"), ("2026-01-25", "closed")]),
    ("penyalahgunaan-wewenang", "2026-02-20", [("2026-02-21", "telaah"), ("2026-06-30", "forwarded_inspektorat")]),
    ("manipulasi-data", "2026-03-01", [("2026-03-02", "telaah")]),
    ("manipulasi-data", "2026-03-02", [("2026-03-03", "telaah")]),
    ("manipulasi-data", "2026-03-03", [("2026-03-04", "telaah"), ("2026-03-10", "need_info")]),
    # Outside the semester: received December 2025, forwarded to the KPK in January 2026.
    ("pbj", "2025-12-15", [("2025-12-16", "telaah"), ("2026-01-08", "forwarded_kpk")]),
    ("disiplin-asn", "2026-07-01", [("2026-07-02", "telaah")]),
]


def load(app, tips=TIPS) -> None:
    with app.app_context():
        for category, submitted, history in tips:
            status = history[-1][1] if history else "received"
            changed = D(history[-1][0]) if history else D(submitted)
            tip = WbsTip(lookup_id=secrets.token_bytes(32), receipt_kdf=secrets.token_bytes(16), category=category,
                         status=status, submitted_on=D(submitted), status_changed_on=changed)
            db.session.add(tip)
            db.session.flush()
            db.session.add(WbsEvent(tip_id=tip.id, day=D(submitted), kind="submitted", status_to="received"))
            previous = "received"
            for day, target in history:
                db.session.add(WbsEvent(tip_id=tip.id, day=D(day), kind="status", status_from=previous,
                                        status_to=target))
                previous = target
        db.session.commit()


@pytest.fixture
def tips(app):
    load(app)


def build(app, code: str) -> dict:
    with app.app_context():
        return build_report("wbs", code).as_dict()


def counts(table: dict) -> dict:
    return {row["code"]: row["count"] for row in table["rows"]}


def test_suppression_rule():
    assert [suppress(n) for n in (0, 1, 2, 3, 17)] == [0, SUPPRESSED, SUPPRESSED, 3, 17]
    assert protect([5, 1, 0]) == [HIDDEN, SUPPRESSED, 0]          # one small cell: total would reveal it
    assert protect([1, 1, 7]) == [SUPPRESSED, SUPPRESSED, HIDDEN]  # 1 + 1 = 2 would reveal both
    assert protect([1, 2, 7]) == [SUPPRESSED, SUPPRESSED, 7]       # 3 = 1 + 2 or 2 + 1: ambiguous
    assert protect([5, 1, 0], total_shown=False) == [5, SUPPRESSED, 0]
    assert protect([0, 4, 9]) == [0, 4, 9]


def test_semester_counts_with_small_counts_suppressed(app, tips):
    data = build(app, "2026-S1")
    assert data["received"] == 11 and data["summary"]["received"] == 11
    by_category = counts(data["tables"]["kategori"])
    assert by_category["suap-pungli"] == 5
    assert by_category["gratifikasi"] == SUPPRESSED            # 1
    assert by_category["penyalahgunaan-wewenang"] == SUPPRESSED  # 2
    assert by_category["manipulasi-data"] == 3
    assert by_category["pbj"] == 0 and by_category["disiplin-asn"] == 0
    assert data["tables"]["kategori"]["total"]["count"] == 11

    by_status = counts(data["tables"]["status"])  # status on 30 June of the 11 tips of the semester
    assert by_status == {"received": SUPPRESSED, "telaah": SUPPRESSED, "need_info": SUPPRESSED,
                         "clarification": SUPPRESSED, "forwarded_inspektorat": 3, "forwarded_aph": SUPPRESSED,
                         "forwarded_kpk": 0, "recommendation": 0, "follow_up": 0, "done": 0, "closed": SUPPRESSED}

    # Forwarded in the semester: Inspektorat 3, APH 1, KPK 1 (a December tip). The two ones would
    # be recomputable from the total 5, so the 3 is hidden too.
    forwarded = counts(data["tables"]["diteruskan"])
    assert forwarded == {"forwarded_inspektorat": HIDDEN, "forwarded_aph": SUPPRESSED, "forwarded_kpk": SUPPRESSED}
    assert data["summary"]["forwarded"] == 5
    assert (data["summary"]["forwarded_inspektorat"], data["summary"]["forwarded_aph"],
            data["summary"]["forwarded_kpk"]) == (HIDDEN, SUPPRESSED, SUPPRESSED)


def test_small_totals_are_suppressed_too(app, tips):
    data = build(app, "2025-S2")  # one tip
    assert data["received"] == SUPPRESSED
    assert data["tables"]["kategori"]["total"]["count"] == SUPPRESSED
    assert counts(data["tables"]["kategori"])["pbj"] == SUPPRESSED
    trend = {r["figure"]: r for r in build(app, "2026-S1")["tables"]["trend"]["rows"]}
    assert trend["received"]["previous"] == SUPPRESSED and trend["received"]["change"] is None
    s2 = build(app, "2026-S2")  # one received (July) → "< 3"
    assert s2["received"] == SUPPRESSED
    for table in s2["tables"].values():
        for row in table["rows"] + ([table["total"]] if table["total"] else []):
            assert all(v not in (1, 2) for k, v in row.items() if k in ("count", "current", "previous")), row


def test_no_number_one_or_two_anywhere_in_the_published_figures(app, tips):
    data = build(app, "2026-S1")

    def walk(value):
        if isinstance(value, dict):
            for k, v in value.items():
                if k not in ("schema", "suppression_threshold", "change"):
                    yield from walk(v)
        elif isinstance(value, list):
            for v in value:
                yield from walk(v)
        else:
            yield value

    assert not [v for v in walk({k: data[k] for k in ("summary", "tables", "received")}) if v in (1, 2)
                and not isinstance(v, bool)]


def test_monthly_wbs_is_refused_with_a_reason(app, runner):
    with app.app_context(), pytest.raises(PeriodNotOffered, match="hanya tersedia semester"):
        build_report("wbs", "2026-03")
    result = runner.invoke(args=["reports", "build", "--channel", "wbs", "--period", "2026-03"])
    assert result.exit_code == 2 and "hanya tersedia semester" in result.output


def test_never_reads_encrypted_columns(app, tips):
    statements: list[str] = []
    with app.app_context():
        engine = db.engine

        def record(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement)

        event.listen(engine, "before_cursor_execute", record)
        try:
            build_report("wbs", "2026-S1")
        finally:
            event.remove(engine, "before_cursor_execute", record)
    assert statements and any("wbs_tips" in s for s in statements)
    for statement in statements:
        assert "_ct" not in statement and "lookup_id" not in statement and "wbs_messages" not in statement, statement


def test_published_wbs_report_shows_the_suppressed_values(app, tips, as_role):
    from publish_support import Publisher

    report_id = Publisher(app, as_role).publish("wbs", "2026-S1")
    client = app.test_client()
    page = client.get(f"/laporan/{report_id}").get_data(as_text=True)
    assert "&lt; 3" in page and "Jumlah 1 atau 2 ditampilkan" in page
    api = client.get(f"/api/v1/reports/{report_id}").get_json()
    assert counts(api["report"]["tables"]["kategori"])["gratifikasi"] == SUPPRESSED


def test_public_report_speaks_of_the_reporter_not_to_them(app, tips, as_role):
    """The status row of tips awaiting the whistleblower is worded for the public."""
    from publish_support import Publisher

    statuses = {row["code"]: row["label"] for row in build(app, "2026-S1")["tables"]["status"]["rows"]}
    assert statuses["need_info"] == "Menunggu informasi tambahan dari pelapor"
    report_id = Publisher(app, as_role).publish("wbs", "2026-S1")
    client = app.test_client()
    for url in (f"/laporan/{report_id}", f"/laporan/{report_id}.csv"):
        page = client.get(url).get_data(as_text=True)
        assert "dari Anda" not in page and "dari pelapor" in page


def test_zip_and_xlsx_downloads_blank_suppressed_counts_with_a_note(app, tips, as_role):
    """Issue 20: a suppressed or hidden count is an empty cell in the zipped CSVs and the XLSX,
    never text in a number column; the notes say why."""
    import csv
    import io
    import zipfile

    from openpyxl import load_workbook

    from publish_support import Publisher

    report_id = Publisher(app, as_role).publish("wbs", "2026-S1")
    client = app.test_client()
    tables = client.get(f"/api/v1/reports/{report_id}").get_json()["report"]["tables"]
    withheld = [(key, i, column) for key, t in tables.items() for i, row in enumerate(t["rows"])
                for column, c in enumerate(t["columns"]) if row.get(c["key"]) in (SUPPRESSED, HIDDEN)]
    assert withheld, "the tips fixture needs a suppressed count"
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/laporan/{report_id}.zip").data))
    files = {name.split("-")[0].lower(): name for name in archive.namelist() if name.endswith(".csv")}
    book = load_workbook(io.BytesIO(client.get(f"/laporan/{report_id}.xlsx").data))
    for key, i, column in withheld:
        data = archive.read(files[key])
        assert data.startswith(b"\xef\xbb\xbf")
        assert list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))[1 + i][column] == ""
        assert list(book[key].iter_rows(values_only=True))[2 + i][column] is None
    assert "Sel kosong pada kolom angka" in archive.read("catatan.txt").decode("utf-8-sig")
    assert any("Sel kosong pada kolom angka" in str(r[0]) for r in book[withheld[0][0]].iter_rows(values_only=True))
