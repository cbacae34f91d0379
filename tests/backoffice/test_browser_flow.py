"""A complaint handler in a real (headless Chromium) browser: sign in with a real TOTP code, take a
new complaint, verify it, follow it up in public, answer, close after the citizen's rating; the
citizen's status page shows the timeline."""
from __future__ import annotations

import re

import pytest

from samples import COMPLAINT
from staff import PASSWORD, ROLE_EMAILS
from support import BROWSER_CONTEXT

pytestmark = pytest.mark.browser

FOLLOW_UP = "Kami sudah menghubungi UPT Kramatwatu; blangko datang minggu ini."
ANSWER = "KTP-el Anda sudah dicetak dan dapat diambil di UPT Kramatwatu dengan membawa tanda terima."
INTERNAL = "Internal: operator UPT sedang cuti, konfirmasi ke Kasi."
CLOSING = "Pelapor puas dengan penanganan; pengaduan ditutup."
SCREENSHOTS = "/tmp/portal-case-page-{}.png"


def sign_in(page, base, staff, email):
    page.goto(base + "/kantor/masuk")
    page.get_by_label("Surel").fill(email)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Lanjut").click()
    page.wait_for_url(re.compile(r"/kantor/masuk/verifikasi$"))
    page.get_by_label("Kode dari aplikasi autentikator").fill(staff.code(email))
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(re.compile(r"/kantor/$"))


def flash(page) -> str:
    return page.locator(".notice[role=status]").first.inner_text()


def case_status(page) -> str:
    return page.locator("#status-kasus").inner_text().strip()


def citizen_status(browser, base, ticket, code):
    context = browser.new_context(**BROWSER_CONTEXT, viewport={"width": 390, "height": 844})
    citizen = context.new_page()
    citizen.goto(base + "/pengaduan/status")
    citizen.get_by_label("Nomor tiket").fill(ticket)
    citizen.get_by_label("Kode akses").fill(code)
    citizen.get_by_role("button", name="Lihat status").click()
    citizen.wait_for_load_state()
    return context, citizen


def no_sideways_scroll(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def test_handler_takes_verifies_follows_up_answers_and_closes_a_complaint(page, chromium, live_server, app, staff):
    base = live_server.url
    filed = app.test_client().post("/api/v1/complaints", json={**COMPLAINT, "subject": "KTP-el belum dicetak"})
    assert filed.status_code == 201
    ticket, code = filed.get_json()["ticket"], filed.get_json()["access_code"]

    sign_in(page, base, staff, ROLE_EMAILS["complaints"])
    page.locator("nav.office-nav").get_by_role("link", name="Pengaduan").click()
    page.wait_for_url(re.compile(r"/kantor/pengaduan$"))
    assert no_sideways_scroll(page)
    page.get_by_role("link", name=ticket).click()
    page.wait_for_url(re.compile(rf"/kantor/pengaduan/{ticket}$"))
    assert case_status(page) == "Belum Terverifikasi"

    # Take it: assign to self.
    handler_name = page.locator("nav.office-nav button").inner_text()
    me = re.search(r"\((.+)\)", handler_name).group(1)
    page.get_by_label("Petugas", exact=True).select_option(label=me)
    page.get_by_role("button", name="Tugaskan").click()
    assert flash(page) == "Penugasan diperbarui."
    assert page.get_by_label("Petugas", exact=True).evaluate("s => s.options[s.selectedIndex].text") == me

    # Verify: Terdisposisi.
    page.get_by_label("Status baru").select_option("dispositioned")
    page.get_by_role("button", name="Simpan status").click()
    assert flash(page) == "Status diperbarui."
    assert case_status(page) == "Terdisposisi - Belum Ditindaklanjuti"

    # An internal note, then a public follow-up (which starts the work), then the final answer.
    page.get_by_role("radio", name=re.compile("^Catatan internal")).check()
    page.get_by_label("Isi", exact=True).fill(INTERNAL)
    page.get_by_role("button", name="Simpan tindak lanjut").click()
    assert flash(page) == "Tindak lanjut disimpan."
    page.get_by_role("radio", name=re.compile("^Tindak lanjut publik")).check()
    page.get_by_label("Isi", exact=True).fill(FOLLOW_UP)
    page.get_by_role("button", name="Simpan tindak lanjut").click()
    assert case_status(page) == "Sedang Diproses"
    page.get_by_role("radio", name=re.compile("^Jawaban akhir")).check()
    page.get_by_label("Isi", exact=True).fill(ANSWER)
    page.get_by_role("button", name="Simpan tindak lanjut").click()
    page.get_by_label("Status baru").select_option("completed")
    page.get_by_role("button", name="Simpan status").click()
    assert case_status(page) == "Selesai"

    # The citizen rates the answer on the status page.
    context, citizen = citizen_status(chromium, base, ticket, code)
    citizen.locator('input[name="rating"][value="4"]').check()
    citizen.get_by_role("button", name="Kirim penilaian").click()
    citizen.wait_for_load_state()
    assert "penilaian Anda: 4 dari 5" in citizen.content()
    context.close()

    # Closing needs a reason: first without, then with one.
    page.reload()
    page.get_by_label("Status baru").select_option("closed")
    page.get_by_role("button", name="Simpan status").click()
    assert "Alasan wajib diisi" in page.locator(".notice-danger").inner_text()
    assert case_status(page) == "Selesai"
    page.get_by_label("Status baru").select_option("closed")
    page.get_by_label("Alasan / keterangan untuk pelapor").fill(CLOSING)
    page.get_by_role("button", name="Simpan status").click()
    assert case_status(page) == "Ditutup"

    history = page.locator("#riwayat + ol.timeline").inner_text()
    for text in (INTERNAL, FOLLOW_UP, ANSWER, CLOSING, "Dinilai pelapor", "Ditugaskan"):
        assert text in history
    assert no_sideways_scroll(page)
    page.screenshot(path=SCREENSHOTS.format("phone"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=SCREENSHOTS.format("desktop"), full_page=True)

    # The citizen's status page shows the public timeline, and nothing internal.
    context, citizen = citizen_status(chromium, base, ticket, code)
    assert citizen.locator("#status-saat-ini").inner_text().strip() == "Ditutup"
    timeline = citizen.locator("ol.timeline").inner_text()
    for text in ("Pengaduan diterima", "Terdisposisi", "Sedang Diproses", FOLLOW_UP, ANSWER, "Selesai", CLOSING):
        assert text in timeline, text
    assert INTERNAL not in citizen.content()
    assert ROLE_EMAILS["complaints"] not in citizen.content()  # nothing about the handler either
    context.close()
