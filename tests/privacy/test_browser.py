"""A citizen on a phone without JavaScript, from the privacy notice: downloads what the portal holds
about them (JSON and PDF) with ticket and access code, then asks for its deletion."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.privacy.models import PrivacyRequest

from privacy_helpers import BUDI, SITI, submit_complaint


def _fits_the_phone(page, locator) -> None:
    box = locator.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"]


@pytest.mark.browser
def test_citizen_downloads_their_data_and_asks_for_deletion(app, live_server, page_nojs):
    ticket, code = submit_complaint(app, SITI)
    submit_complaint(app, BUDI)  # someone else's case: not in Siti's download
    page = page_nojs
    page.goto(live_server.url + "/privasi")
    page.get_by_role("link", name="Unduh data pribadi Anda").click()
    page.wait_for_load_state()
    page.get_by_label("Nomor tiket").fill(ticket)
    page.get_by_label("Kode akses").fill(code)
    _fits_the_phone(page, page.get_by_role("button", name="Unduh PDF"))
    with page.expect_download() as download:
        page.get_by_role("button", name="Unduh JSON").click()
    data = json.loads(open(download.value.path(), encoding="utf-8").read())
    assert data["ticket"] == ticket and data["personal_data"]["name"] == "Siti Aminah"
    assert data["personal_data"]["email"] == "siti@example.org"
    assert "Budi" not in json.dumps(data)
    with page.expect_download() as download:
        page.get_by_role("button", name="Unduh PDF").click()
    assert open(download.value.path(), "rb").read(5) == b"%PDF-"

    page.goto(live_server.url + "/privasi")
    page.get_by_role("link", name="Minta perbaikan atau penghapusan data").click()
    page.wait_for_load_state()
    page.get_by_label("Nomor tiket").fill(ticket)
    page.get_by_label("Kode akses").fill(code)
    page.get_by_label("Jenis permintaan").select_option(label="Penghapusan data")
    page.get_by_label("Keterangan").fill("Mohon hapus data saya setelah pengaduan selesai.")
    _fits_the_phone(page, page.get_by_role("button", name="Kirim permintaan"))
    page.get_by_role("button", name="Kirim permintaan").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Permintaan Anda diterima").is_visible()
    assert ticket in page.content() and "3×24 jam" in page.content()
    with app.app_context():
        filed = db.session.scalars(select(PrivacyRequest)).all()
        assert [(r.ticket, r.kind, r.status) for r in filed] == [(ticket, "deletion", "received")]
