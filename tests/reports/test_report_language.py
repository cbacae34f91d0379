"""Reports and the API in the visitor's language: an English visitor (/bahasa/en) downloads CSV, XLSX and
PDF with English labels and the same figures; Indonesian stays the default and the stored official
bytes; the API answers in the language of Accept-Language (id default, en second)."""
from __future__ import annotations

import csv
import io
import zipfile

import pytest

from publish_support import Publisher
from support import built_once

import report_dataset


_published: dict = {}


@pytest.fixture
def published(request, app, backend, periods_ended):
    """Built once per test process on SQLite, copied into each test's app (support.built_once):
    the tests only read what was published."""
    def publish_two():
        report_dataset.load(app)
        pub = Publisher(app, request.getfixturevalue("as_role"))
        pub.client("leader").get("/bahasa/en")  # the approving leader reads the portal in English
        return {"month": pub.publish("complaints", "2026-10"), "wbs": pub.publish("wbs", "2026-S2")}
    return built_once(_published, app, backend, publish_two)


def _rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_english_visitor_downloads_csv_with_english_headers(app, published):
    indonesian = app.test_client()
    stored = indonesian.get(f"/laporan/{published['month']}.csv")
    english = app.test_client()
    assert english.get("/bahasa/en").status_code in (302, 303)
    translated = english.get(f"/laporan/{published['month']}.csv")
    assert translated.status_code == 200 and translated.mimetype == "text/csv"
    assert "-en.csv" in translated.headers["Content-Disposition"]

    rows, original = _rows(translated.data), _rows(stored.data)
    flat = [cell for row in rows for cell in row]
    assert "[t1] T1. Complaints per channel" in flat
    t1_header = rows[[r[:1] for r in rows].index(["[t1] T1. Complaints per channel"]) + 1]
    assert t1_header[:4] == ["Channel code", "Channel", "Opening balance", "Received"]
    assert "Period" in flat and "October 2026" in flat
    assert "Rekapitulasi" not in translated.data.decode("utf-8-sig")
    # Same shape and the same figures: only the words change.
    assert len(rows) == len(original)
    numbers = [[c for c in row if c.lstrip("-").replace(".", "").isdigit()] for row in rows]
    assert numbers == [[c for c in row if c.lstrip("-").replace(".", "").isdigit()] for row in original]
    # Indonesian visitors keep the official stored bytes.
    assert "T1. Rekapitulasi pengaduan per kanal" in stored.data.decode("utf-8-sig")


def test_english_visitor_downloads_xlsx_and_pdf_in_english(app, published):
    from openpyxl import load_workbook

    english = app.test_client()
    english.get("/bahasa/en")
    book = load_workbook(io.BytesIO(english.get(f"/laporan/{published['month']}.xlsx").data))
    assert book.sheetnames[0] == "Summary"
    assert book["Summary"]["A2"].value == "Period"
    t4 = book["t4"]
    assert t4["A1"].value == "T4. Timeliness of handling"
    assert [c.value for c in t4[2]][:3] == ["Code", "Measure", "Limit"]

    # The stored official XLSX stays Indonesian although the leader approved it browsing in English.
    with zipfile.ZipFile(io.BytesIO(app.test_client().get(f"/laporan/{published['month']}.xlsx").data)) as archive:
        assert 'name="Ringkasan"' in archive.read("xl/workbook.xml").decode()

    pdf = english.get(f"/laporan/{published['wbs']}.pdf").data
    assert pdf.startswith(b"%PDF")
    page = english.get(f"/laporan/{published['wbs']}").get_data(as_text=True)
    assert "Monitoring and Evaluation of the Whistleblowing System" in page
    assert "Waiting for more information from the reporter" in page




def test_api_answers_in_the_accept_language(client, published):
    default = client.get("/api/v1/categories").get_json()
    english = client.get("/api/v1/categories", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_json()
    indonesian = client.get("/api/v1/categories", headers={"Accept-Language": "id"}).get_json()
    assert default == indonesian
    labels = {o["code"]: o["label"] for o in english["gratification_items"]}
    assert labels["uang"] != {o["code"]: o["label"] for o in default["gratification_items"]}["uang"]
    assert "Uang" not in labels["uang"]

    bad = {"category": "bukan-kode", "description": "pendek"}
    in_english = client.post("/api/v1/complaints", json=bad, headers={"Accept-Language": "en"})
    in_indonesian = client.post("/api/v1/complaints", json=bad)
    assert in_english.status_code == in_indonesian.status_code == 422
    en_errors, id_errors = in_english.get_json()["errors"], in_indonesian.get_json()["errors"]
    assert set(en_errors) == set(id_errors)
    assert en_errors["description"] != id_errors["description"]
    assert "karakter" in id_errors["description"][0] and "character" in en_errors["description"][0]

    report = client.get(f"/api/v1/reports/{published['month']}", headers={"Accept-Language": "en"}).get_json()
    assert report["report"]["tables"]["t1"]["title"] == "T1. Complaints per channel"
    assert report["report"]["tables"]["t1"]["rows"][0]["received"] == client.get(
        f"/api/v1/reports/{published['month']}").get_json()["report"]["tables"]["t1"]["rows"][0]["received"]


def test_english_visitor_downloads_zip_with_english_headers_and_notes(app, published):
    """Issue 20: the zipped CSVs speak the visitor's language, like the single CSV."""
    import zipfile

    english = app.test_client()
    english.get("/bahasa/en")
    response = english.get(f"/laporan/{published['month']}.zip")
    assert response.status_code == 200 and "-en.zip" in response.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    t1 = next(n for n in archive.namelist() if n.startswith("T1-"))
    assert _rows(archive.read(t1))[0][:4] == ["Channel code", "Channel", "Opening balance", "Received"]
    assert "Period" in archive.read("catatan.txt").decode("utf-8-sig")


def test_a_kept_zip_is_the_same_download_and_never_another_languages(app, published):
    """The zip a worker keeps after the first download is the same file, per language."""
    import zipfile

    def headers(client) -> list[str]:
        archive = zipfile.ZipFile(io.BytesIO(client.get(f"/laporan/{published['month']}.zip").data))
        return _rows(archive.read(next(n for n in archive.namelist() if n.startswith("T1-"))))[0][:4]

    indonesian, english = app.test_client(), app.test_client()
    english.get("/bahasa/en")
    first = indonesian.get(f"/laporan/{published['month']}.zip").data
    assert indonesian.get(f"/laporan/{published['month']}.zip").data == first
    assert headers(english) == ["Channel code", "Channel", "Opening balance", "Received"]
    assert headers(indonesian)[:4] != headers(english)
    assert indonesian.get(f"/laporan/{published['month']}.zip").data == first
