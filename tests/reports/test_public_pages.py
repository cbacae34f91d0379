"""Public report pages, downloads (parsed back), the JSON API and the Atom feed."""
from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET

import pytest

from publish_support import Publisher
from support import built_once

import report_dataset

# Publishing is only for periods that have ended (tests/reports/conftest.py).
pytestmark = pytest.mark.usefixtures("periods_ended")

ATOM = "{http://www.w3.org/2005/Atom}"
SVG_RE = re.compile(r"<svg\b[^>]*>.*?</svg>", re.S)


# Publishing renders every report (PDF included) through the real back-office pages: seconds per
# test. These tests only read what was published: on SQLite it is built once per test process and
# each test's app gets a copy (support.built_once).
_published: dict = {}


@pytest.fixture
def published(request, app, backend):
    def publish_four():
        report_dataset.load(app)
        pub = Publisher(app, request.getfixturevalue("as_role"))
        return {
            "month": pub.publish("complaints", "2026-10"),
            "semester": pub.publish("complaints", "2026-S2"),
            "gratification": pub.publish("gratification", "2026-10"),
            "wbs": pub.publish("wbs", "2026-S2"),
        }
    return built_once(_published, app, backend, publish_four)


def test_list_groups_by_channel_newest_period_first(client, published):
    response = client.get("/laporan")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for report_id in published.values():
        assert f'href="/laporan/{report_id}"' in html
    complaints = html[html.index('id="kanal-complaints"'):html.index('id="kanal-gratification"')]
    assert complaints.index("2026-S2") < complaints.index("2026-10")  # semester ends later
    only = client.get("/laporan?kanal=wbs").get_data(as_text=True)
    assert f'href="/laporan/{published["wbs"]}"' in only and f'href="/laporan/{published["month"]}"' not in only
    assert client.get("/laporan/").status_code == 200


def test_report_page_is_accessible_static_html(client, published):
    response = client.get(f"/laporan/{published['month']}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<script" not in html and " style=" not in html and "<style" not in html
    assert "style-src 'self'" in response.headers["Content-Security-Policy"]
    assert html.count("<caption") >= 6 and 'scope="col"' in html and 'scope="row"' in html
    charts = SVG_RE.findall(html)
    assert len(charts) >= 2
    for svg in charts:
        assert 'role="img"' in svg and "<title" in svg and "<desc" in svg and "aria-labelledby" in svg
        assert "<rect" in svg and "<text" in svg
    # The chart's description carries the numbers of the table as text.
    api = client.get(f"/api/v1/reports/{published['month']}").get_json()
    for row in api["report"]["tables"]["t1"]["rows"]:
        assert f"{row['label']}: {row['received']}" in html
    assert "T1. Rekapitulasi pengaduan per kanal" in html
    assert 'href="/laporan/%d.pdf"' % published["month"] in html


def test_home_page_lists_latest_reports_and_nav_links_to_laporan(client, published):
    html = client.get("/").get_data(as_text=True)
    assert 'href="/laporan"' in html
    section = html[html.index('id="judul-laporan"'):]
    assert f'href="/laporan/{published["wbs"]}"' in section


def test_api_list_and_detail(client, published):
    listed = client.get("/api/v1/reports").get_json()
    assert [r["id"] for r in listed] == sorted(published.values(), reverse=True)  # newest first
    for r in listed:
        assert set(r) >= {"id", "channel", "period", "version", "published_at", "title"}
    detail = client.get(f"/api/v1/reports/{published['gratification']}").get_json()
    assert detail["channel"] == "gratification" and detail["period"] == "2026-10" and detail["version"] == 1
    assert detail["report"]["summary"]["nihil"] is True
    assert [r["channel"] for r in client.get("/api/v1/reports?channel=wbs").get_json()] == ["wbs"]
    assert client.get("/api/v1/reports?channel=parkir").status_code == 422
    assert "Set-Cookie" not in client.get("/api/v1/reports").headers
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "/reports" in paths and "/reports/{report_id}" in paths


def _figures(client, report_id: int) -> dict:
    return client.get(f"/api/v1/reports/{report_id}").get_json()["report"]


def test_csv_download_parses_back_to_the_figures(client, published):
    response = client.get(f"/laporan/{published['month']}.csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="laporan-complaints-2026-10-v1.csv"'
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    figures = _figures(client, published["month"])
    assert rows[0] == [figures["title"]]
    start = rows.index(["[t1] " + figures["tables"]["t1"]["title"]])
    t1 = figures["tables"]["t1"]
    assert rows[start + 1] == [c["label"] for c in t1["columns"]]
    for i, row in enumerate(t1["rows"]):
        assert rows[start + 2 + i] == [str(row[c["key"]]) for c in t1["columns"]]
    assert ["Versi", "1"] in rows


def test_xlsx_download_parses_back_to_the_figures(client, published):
    from openpyxl import load_workbook

    response = client.get(f"/laporan/{published['semester']}.xlsx")
    assert response.headers["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert response.headers["Content-Disposition"].startswith("attachment;")
    book = load_workbook(io.BytesIO(response.data), read_only=True)
    figures = _figures(client, published["semester"])
    assert book.sheetnames == ["Ringkasan", *figures["table_order"]]
    months = list(book["months"].iter_rows(values_only=True))
    table = figures["tables"]["months"]
    for i, row in enumerate(table["rows"]):
        assert list(months[2 + i][:len(table["columns"])]) == [row[c["key"]] for c in table["columns"]]
    total = months[2 + len(table["rows"])]
    assert total[[c["key"] for c in table["columns"]].index("received")] == figures["received"]
    summary = list(book["Ringkasan"].iter_rows(values_only=True))
    assert summary[0][0] == figures["title"]
    assert any(r[0] == "Rencana tindak lanjut" for r in summary)


def test_pdf_download_carries_the_figures(client, published):
    from pypdf import PdfReader

    response = client.get(f"/laporan/{published['wbs']}.pdf")
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == 'attachment; filename="laporan-wbs-2026-S2-v1.pdf"'
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    figures = _figures(client, published["wbs"])
    assert "Monitoring dan Evaluasi Whistleblowing System" in text
    for table in figures["tables"].values():
        assert table["title"] in text
    pdf = client.get(f"/laporan/{published['month']}.pdf").data
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    t1 = _figures(client, published["month"])["tables"]["t1"]
    total_line = " ".join(str(t1["total"][k]) for k in ("opening", "received", "verified"))
    assert total_line in text, text[:2000]


def test_atom_feed_announces_publications(client, published):
    response = client.get("/laporan/feed.atom")
    assert response.headers["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.data)
    assert root.tag == ATOM + "feed"
    for name in ("id", "title", "updated", "author"):
        assert root.find(ATOM + name) is not None, name
    entries = root.findall(ATOM + "entry")
    assert len(entries) == len(published)
    ids = set()
    for entry in entries:
        for name in ("id", "title", "updated"):
            assert (entry.find(ATOM + name).text or "").strip(), name
        link = entry.find(ATOM + "link").attrib["href"]
        assert re.fullmatch(r"http://portal\.test/laporan/\d+", link)
        ids.add(entry.find(ATOM + "id").text)
    assert len(ids) == len(entries)
    assert root.find(ATOM + "updated").text == entries[0].find(ATOM + "updated").text


def test_empty_feed_and_list_are_valid(client):
    root = ET.fromstring(client.get("/laporan/feed.atom").data)
    assert root.find(ATOM + "updated").text and root.findall(ATOM + "entry") == []
    assert "Belum ada laporan yang diterbitkan" in client.get("/laporan").get_data(as_text=True)
    assert client.get("/api/v1/reports").get_json() == []
