"""The complaint form and status page, as a citizen uses them without JavaScript."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Complaint

FORM = {
    "classification": "pengaduan",
    "category": "akta-lahir",
    "problem": "pungli",
    "privacy": "anonymous",
    "description": "Petugas loket meminta Rp150.000 supaya akta kelahiran anak cepat selesai.",
    "location": "Kec. Cikande",
    "declaration": "yes",
}


def csrf_from(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def submission_key_from(html: str) -> str:
    return re.search(r'name="submission_key" value="([^"]+)"', html).group(1)


def open_form(client) -> dict:
    html = client.get("/pengaduan/baru").get_data(as_text=True)
    return {"csrf_token": csrf_from(html), "submission_key": submission_key_from(html)}


def count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Complaint))


def test_form_explains_privacy_modes_and_limits(client):
    html = client.get("/pengaduan/baru").get_data(as_text=True)
    assert "Anonim" in html and "Rahasia" in html and "Terbuka" in html
    assert "tidak ditampilkan kepada publik" in html
    assert "5 berkas" in html and "5 MB" in html
    assert '<label for="f-description">' in html


def test_citizen_files_a_complaint_and_sees_ticket_and_code(client, app):
    hidden = open_form(client)
    response = client.post("/pengaduan/baru", data={**FORM, **hidden})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    ticket = re.search(r'id="nomor-tiket">([^<]+)<', html).group(1)
    code = re.search(r'id="kode-akses">([^<]+)<', html).group(1)
    assert ticket.startswith("PGD-")
    assert "hanya ditampilkan sekali" in html
    status_html = client.get("/pengaduan/status").get_data(as_text=True)
    shown = client.post("/pengaduan/status", data={"csrf_token": csrf_from(status_html), "ticket": ticket, "access_code": code})
    assert shown.status_code == 200
    assert "Belum Terverifikasi" in shown.get_data(as_text=True)
    assert count(app) == 1


def test_double_submit_shows_the_same_receipt_and_stores_once(client, app):
    hidden = open_form(client)
    first = client.post("/pengaduan/baru", data={**FORM, **hidden}).get_data(as_text=True)
    second = client.post("/pengaduan/baru", data={**FORM, **hidden}).get_data(as_text=True)
    code = re.compile(r'id="kode-akses">([^<]+)<')
    assert code.search(first).group(1) == code.search(second).group(1)
    assert count(app) == 1


def test_missing_fields_are_explained_and_input_is_kept(client, app):
    hidden = open_form(client)
    data = {**FORM, **hidden, "description": "terlalu pendek", "nik": "36040152", "declaration": ""}
    response = client.post("/pengaduan/baru", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Periksa kembali isian berikut" in html
    assert "minimal 20 karakter" in html
    assert "NIK harus 16 angka" in html
    assert "Centang pernyataan" in html
    assert "terlalu pendek" in html  # what the citizen typed is kept
    assert count(app) == 0


def test_wrong_access_code_shows_a_clear_message(client):
    status_html = client.get("/pengaduan/status").get_data(as_text=True)
    response = client.post("/pengaduan/status", data={"csrf_token": csrf_from(status_html),
                                                      "ticket": "PGD-2026-000001", "access_code": "ZZZZ-ZZZZ-ZZZZ"})
    assert response.status_code == 404
    assert "tidak cocok" in response.get_data(as_text=True)


def test_honeypot_trips_bots_and_stores_nothing(client, app):
    hidden = open_form(client)
    response = client.post("/pengaduan/baru", data={**FORM, **hidden, "website": "http://spam.example"})
    assert response.status_code == 400
    assert count(app) == 0


def test_missing_csrf_token_gets_a_friendly_page(app):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    response = client.post("/pengaduan/baru", data=FORM)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Formulir sudah kedaluwarsa" in html
    assert "CSRF" not in html
    assert count(app) == 0
