"""The campaign page, the report form and the status page, as an official uses them without JavaScript."""
from __future__ import annotations

import re
from datetime import date

import pytest

from gratification_samples import REPORT

FORM = {**{k: str(v) for k, v in REPORT.items()}, "deposited_with_upg": "tidak", "perishable": "tidak",
        "estimated_value": "1.200.000", "declaration": "yes"}


@pytest.fixture
def browser(app):
    """A test client with CSRF protection on, like a real browser session."""
    app.config["WTF_CSRF_ENABLED"] = True
    return app.test_client()


def hidden_fields(html: str) -> dict:
    return {name: re.search(rf'name="{name}" value="([^"]+)"', html).group(1) for name in ("csrf_token", "submission_key")}


def open_form(client) -> dict:
    response = client.get("/gratifikasi/lapor")
    assert response.status_code == 200
    return hidden_fields(response.get_data(as_text=True))


def shown(html: str, element_id: str) -> str:
    return re.search(rf'id="{element_id}"[^>]*>([^<]+)<', html).group(1).strip()


def test_campaign_page_explains_rules_deadline_upg_and_gol(client):
    html = client.get("/gratifikasi").get_data(as_text=True)
    for text in ("Kami tidak menerima gratifikasi", "Pasal 12B", "Pasal 12C", "30 hari kerja", "cuti bersama",
                 "Unit Pengendalian Gratifikasi", "GOL", "gol.kpk.go.id", "milik negara", "/gratifikasi/lapor"):
        assert text in html, text
    assert 'href="/gratifikasi"' in client.get("/").get_data(as_text=True)  # menu entry


def test_form_has_labels_choices_and_no_script(client):
    html = client.get("/gratifikasi/lapor").get_data(as_text=True)
    assert "<script" not in html
    for field in ("reporter_name", "reporter_nip", "reporter_position", "reporter_unit", "giver_name",
                  "giver_relation", "item_type", "description", "estimated_value", "received_on", "occasion"):
        assert f'<label for="f-{field}">' in html, field
    assert "Penolakan" in html and "Pernikahan, kelahiran, atau upacara adat/agama" in html
    assert "5 berkas" in html and "5 MB" in html


def test_official_reports_and_sees_ticket_code_deadline_and_hint(browser, today, stored):
    response = browser.post("/gratifikasi/lapor", data={**FORM, **open_form(browser)})
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    html = response.get_data(as_text=True)
    ticket, code = shown(html, "nomor-tiket"), shown(html, "kode-akses")
    assert ticket.startswith("GRT-2026-")
    assert 'data-date="2026-03-31"' in html and "31 Maret 2026" in html
    assert 'id="tepat-waktu"' in html and 'id="terlambat"' not in html
    assert 'id="petunjuk-pengecualian"' in html and "Rp1.500.000" in html and "UPG yang menilai" in html
    assert stored() == (1, 0)

    status_form = browser.get("/gratifikasi/status").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', status_form).group(1)
    page = browser.post("/gratifikasi/status", data={"csrf_token": csrf, "ticket": ticket, "access_code": code})
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Diterima UPG, menunggu verifikasi" in text and "tepat waktu" in text
    assert "Rina" not in text


def test_late_report_is_flagged_on_the_receipt(browser, today):
    today(date(2026, 2, 20))
    data = {**FORM, **open_form(browser), "received_on": "2026-01-02", "occasion": "hari-raya"}
    html = browser.post("/gratifikasi/lapor", data=data).get_data(as_text=True)
    assert 'id="terlambat"' in html and "melewati batas 30 hari kerja" in html
    assert 'data-date="2026-02-18"' in html
    assert 'id="petunjuk-pengecualian"' not in html


def test_double_submit_shows_the_same_receipt_and_stores_once(browser, today, stored):
    hidden = open_form(browser)
    first = browser.post("/gratifikasi/lapor", data={**FORM, **hidden}).get_data(as_text=True)
    second = browser.post("/gratifikasi/lapor", data={**FORM, **hidden}).get_data(as_text=True)
    assert shown(first, "nomor-tiket") == shown(second, "nomor-tiket")
    assert shown(first, "kode-akses") == shown(second, "kode-akses")
    assert stored() == (1, 0)


def test_mistakes_are_explained_input_is_kept_and_nothing_stored(browser, today, stored):
    data = {**FORM, **open_form(browser), "reporter_nip": "19870512", "estimated_value": "-500000",
            "received_on": "2026-03-01", "item_type": "emas", "declaration": ""}
    response = browser.post("/gratifikasi/lapor", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    for text in ("Periksa kembali isian berikut", "NIP harus 18 angka", "lebih dari Rp0",
                 "Tanggal tidak boleh di masa depan", "Pilihan tidak dikenal", "Centang pernyataan"):
        assert text in html, text
    assert 'value="Rina Marlina"' in html and 'value="-500000"' in html
    assert stored() == (0, 0)


def test_an_old_date_asks_for_confirmation_then_goes_through(browser, today, stored):
    data = {**FORM, **open_form(browser), "received_on": "2023-06-01", "occasion": "lainnya"}
    response = browser.post("/gratifikasi/lapor", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'name="received_on_confirmed"' in html and "lebih dari 2 tahun" in html
    assert stored() == (0, 0)
    data["submission_key"] = hidden_fields(html)["submission_key"]
    data["received_on_confirmed"] = "ya"
    assert browser.post("/gratifikasi/lapor", data=data).status_code == 200
    assert stored() == (1, 0)


def test_wrong_access_code_shows_a_clear_message(browser):
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', browser.get("/gratifikasi/status").get_data(as_text=True)).group(1)
    response = browser.post("/gratifikasi/status", data={"csrf_token": csrf, "ticket": "GRT-2026-000001",
                                                           "access_code": "ZZZZ-ZZZZ-ZZZZ"})
    assert response.status_code == 404
    assert "tidak cocok" in response.get_data(as_text=True)


def test_missing_csrf_token_stores_nothing(browser, stored):
    response = browser.post("/gratifikasi/lapor", data=FORM)
    assert response.status_code == 400
    assert "Formulir sudah kedaluwarsa" in response.get_data(as_text=True)
    assert stored() == (0, 0)


def test_honeypot_trips_bots_and_stores_nothing(browser, today, stored):
    response = browser.post("/gratifikasi/lapor", data={**FORM, **open_form(browser), "website": "http://spam.example"})
    assert response.status_code == 400
    assert stored() == (0, 0)
