"""A citizen in a real (headless Chromium) browser: file a complaint, keep ticket + code, check status.

Runs once with JavaScript enabled and once disabled (every public form must work without it),
plus layout (no sideways scroll on a 390 px phone) and keyboard (skip link first) checks.
"""
from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

DESCRIPTION = "KTP-el sudah direkam di UPT Kec. Kramatwatu bulan Januari, sudah 6 minggu belum dicetak."


def fill_complaint_form(page) -> None:
    page.get_by_label("Klasifikasi").select_option("pengaduan")
    page.get_by_label("Layanan yang diadukan").select_option("ktp-el")
    page.get_by_label("Jenis masalah").select_option("sistem")
    page.get_by_label("Judul").fill("KTP-el belum dicetak")
    page.get_by_label("Isi pengaduan / kronologi").fill(DESCRIPTION)
    page.get_by_label("Lokasi kejadian").fill("UPT Kec. Kramatwatu")
    page.get_by_label("Tanggal kejadian").fill("2026-01-15")
    page.get_by_role("radio", name=re.compile(r"^Anonim")).check()
    page.get_by_label("Nama", exact=True).fill("Siti Aminah")
    page.get_by_label("NIK", exact=True).fill("3604015203900001")
    page.get_by_label("Nomor HP").fill("0812 3456 7890")
    page.get_by_label("Saya menyatakan isi pengaduan ini benar").check()


def file_and_follow(page, base_url: str) -> tuple[str, str]:
    page.goto(base_url + "/pengaduan/baru")
    fill_complaint_form(page)
    page.get_by_role("button", name="Kirim pengaduan").click()
    page.wait_for_load_state()

    assert page.get_by_role("heading", name="Pengaduan Anda diterima").is_visible()
    ticket = page.locator("#nomor-tiket").inner_text().strip()
    code = page.locator("#kode-akses").inner_text().strip()
    assert re.fullmatch(r"PGD-\d{4}-\d{6}", ticket), ticket
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", code), code

    page.get_by_role("link", name="Cek status pengaduan").click()
    page.wait_for_load_state()
    assert page.url.endswith("/pengaduan/status")
    page.get_by_label("Nomor tiket").fill(ticket)
    page.get_by_label("Kode akses").fill(code)
    page.get_by_role("button", name="Lihat status").click()
    page.wait_for_load_state()

    assert page.locator("#status-saat-ini").inner_text().strip() == "Belum Terverifikasi"
    assert ticket in page.locator("h1").inner_text()
    return ticket, code


def stored_complaint(app, ticket: str):
    from sqlalchemy import select

    from portal.extensions import db
    from portal.models import Complaint

    with app.app_context():
        complaint = db.session.scalar(select(Complaint).where(Complaint.ticket == ticket))
        return None if complaint is None else (complaint.category, complaint.problem, complaint.privacy,
                                                complaint.name, complaint.nik, complaint.description)


def test_citizen_files_complaint_and_follows_it_with_javascript(page, live_server, app):
    assert page.evaluate("() => 1 + 1") == 2  # JavaScript really runs in this context
    ticket, _code = file_and_follow(page, live_server.url)
    assert stored_complaint(app, ticket) == (
        "ktp-el", "sistem", "anonymous", "Siti Aminah", "3604015203900001", DESCRIPTION)


def test_citizen_files_complaint_and_follows_it_without_javascript(page_nojs, live_server, app):
    page_nojs.goto(live_server.url + "/")
    page_nojs.set_content("<noscript><p id='nojs'>off</p></noscript>")
    assert page_nojs.locator("#nojs").count() == 1  # <noscript> renders: scripting is really off
    ticket, _code = file_and_follow(page_nojs, live_server.url)
    assert stored_complaint(app, ticket) == (
        "ktp-el", "sistem", "anonymous", "Siti Aminah", "3604015203900001", DESCRIPTION)


def test_wrong_access_code_in_browser_is_refused_without_leaking(page_nojs, live_server):
    ticket, code = file_and_follow(page_nojs, live_server.url)
    page_nojs.goto(live_server.url + "/pengaduan/status")
    page_nojs.get_by_label("Nomor tiket").fill(ticket)
    wrong = ("2" if code[0] != "2" else "3") + code[1:]
    page_nojs.get_by_label("Kode akses").fill(wrong)
    page_nojs.get_by_role("button", name="Lihat status").click()
    page_nojs.wait_for_load_state()
    assert page_nojs.get_by_role("alert").inner_text().strip().startswith("Nomor tiket atau kode akses tidak cocok")
    assert page_nojs.locator("#status-saat-ini").count() == 0


def no_horizontal_scroll(page) -> tuple[bool, dict]:
    sizes = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth,"
        " body: document.body.scrollWidth})")
    return sizes["scroll"] <= sizes["inner"] and sizes["body"] <= sizes["inner"], sizes


@pytest.mark.parametrize("path", ["/pengaduan/baru", "/pengaduan/status", "/"])
def test_no_horizontal_scroll_on_a_390px_phone(page, live_server, path):
    assert page.viewport_size["width"] == 390
    page.goto(live_server.url + path)
    assert page.evaluate("() => window.innerWidth") == 390
    fits, sizes = no_horizontal_scroll(page)
    assert fits, f"{path} scrolls sideways at 390px: {sizes}"


def test_form_with_error_messages_still_fits_390px(page, live_server):
    page.goto(live_server.url + "/pengaduan/baru")
    page.get_by_label("Isi pengaduan / kronologi").fill("pendek")
    page.get_by_label("NIK", exact=True).fill("1234")
    page.get_by_role("button", name="Kirim pengaduan").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Periksa kembali isian berikut").is_visible()
    fits, sizes = no_horizontal_scroll(page)
    assert fits, f"form with errors scrolls sideways at 390px: {sizes}"


def test_width_check_really_detects_overflow(page, live_server):
    """Guard for the check above: a too-wide element is noticed."""
    page.goto(live_server.url + "/pengaduan/baru")
    page.evaluate("() => { const d = document.createElement('div'); d.style.width = '900px';"
                  " d.style.height = '1px'; document.body.appendChild(d); }")
    fits, _sizes = no_horizontal_scroll(page)
    assert not fits


def test_skip_link_is_the_first_tab_stop_and_jumps_to_content(page, live_server):
    page.goto(live_server.url + "/pengaduan/baru")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => ({tag: document.activeElement.tagName, cls: document.activeElement.className,"
        " href: document.activeElement.getAttribute('href'), text: document.activeElement.textContent.trim()})")
    assert focused == {"tag": "A", "cls": "skip-link", "href": "#isi", "text": "Langsung ke isi"}
    # When focused it is actually on screen (not left clipped off-screen).
    box = page.locator(".skip-link").bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0 and box["width"] > 1 and box["height"] > 1
    assert box["x"] + box["width"] <= 390
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "isi"
    # The next Tab goes into the content, not back to the header navigation.
    page.keyboard.press("Tab")
    inside_main = page.evaluate("() => !!document.activeElement.closest('main')")
    assert inside_main
