"""At the counter, in a real (headless Chromium) browser: a handler records a walk-in complaint, prints
the receipt (ticket + access code, no office menu on paper), and the citizen follows it with that code."""
from __future__ import annotations

import re

import pytest

from staff import ROLE_EMAILS
from support import BROWSER_CONTEXT
from test_gratification_browser import sign_in

pytestmark = pytest.mark.browser

DESCRIPTION = "Nama ibu di KK salah ketik, sudah tiga kali bolak-balik ke kantor tanpa kepastian (Ciruas)."


def test_counter_intake_prints_a_receipt_the_citizen_can_use(page, chromium, live_server, app, staff):
    base = live_server.url
    sign_in(page, base, staff, ROLE_EMAILS["complaints"])
    page.goto(base + "/kantor/pengaduan")
    page.get_by_role("link", name="Catat pengaduan").click()
    page.wait_for_url(re.compile(r"/kantor/pengaduan/catat$"))

    page.get_by_label("Kanal").select_option("tatap-muka")
    page.get_by_label("Layanan yang diadukan").select_option("kk")
    page.get_by_label("Jenis masalah").select_option("lambat")
    page.get_by_label("Isi pengaduan / kronologi").fill(DESCRIPTION)
    page.get_by_label("Nama", exact=True).fill("Ahmad Fauzi")
    page.get_by_label("Nomor HP").fill("0813 1111 2222")
    page.get_by_role("button", name="Simpan dan cetak tanda terima").click()
    page.wait_for_load_state()

    assert page.get_by_role("heading", name="Tanda terima pengaduan").is_visible()
    ticket = page.locator("#nomor-tiket").inner_text().strip()
    code = page.locator("#kode-akses").inner_text().strip()
    assert re.fullmatch(r"PGD-\d{4}-\d{6}", ticket), ticket
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", code), code
    assert page.locator("#kanal").inner_text().strip() == "Tatap muka"

    # On paper: the receipt and its codes, not the office menu or the "print this" hint.
    page.emulate_media(media="print")
    assert page.locator("#nomor-tiket").is_visible() and page.locator("#kode-akses").is_visible()
    assert not page.locator("nav.office-nav").is_visible()
    assert not page.get_by_text("Cetak halaman ini").is_visible()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 1000
    page.emulate_media(media="screen")

    # The case in the queue carries its channel; the citizen's code opens the status page.
    page.goto(base + f"/kantor/pengaduan/{ticket}")
    assert page.locator("#kanal").inner_text().strip() == "Tatap muka"
    context = chromium.new_context(**BROWSER_CONTEXT)
    try:
        citizen = context.new_page()
        citizen.goto(base + "/pengaduan/status")
        citizen.get_by_label("Nomor tiket").fill(ticket)
        citizen.get_by_label("Kode akses").fill(code)
        citizen.get_by_role("button", name="Lihat status").click()
        citizen.wait_for_load_state()
        assert citizen.locator("#status-saat-ini").inner_text().strip() == "Belum Terverifikasi"
    finally:
        context.close()
