"""A gratification report from form to KPK decision in a real (headless Chromium) browser: an official
files it on the public form, a UPG officer signs in with a real TOTP code, verifies it complete,
analyses it as must-report, forwards it to KPK with a GOL number and date, records the KPK decision
(milik negara) with decree number and date; the reporter's status page shows the public timeline."""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from staff import PASSWORD, ROLE_EMAILS
from support import BROWSER_CONTEXT

pytestmark = pytest.mark.browser

DESCRIPTION = "Voucher belanja Rp1.000.000 dari vendor aplikasi antrean, diberikan saat rapat evaluasi."
PUBLIC_NOTE = "Laporan Anda lengkap dan sedang kami teruskan ke KPK."
INTERNAL_NOTE = "Internal: vendor sedang dalam masa kontrak pemeliharaan; cek ke PPK."
DECISION_NOTE = "KPK menetapkan voucher menjadi milik negara; serahkan ke UPG untuk disetor."
GOL = "GOL-2026-078123"
DECREE = "2345/GTF.00.02/11/2026"
SCREENSHOTS = "/tmp/portal-gratification-case-{}.png"


def office_today(app):
    return datetime.now(ZoneInfo(app.config["PORTAL_TIMEZONE"])).date()


def file_report(page, base, received_on) -> tuple[str, str]:
    page.goto(base + "/gratifikasi/lapor")
    page.get_by_role("radio", name=re.compile(r"^Penerimaan")).check()
    page.get_by_label("Nama lengkap").fill("Dewi Lestari")
    page.get_by_label("NIP", exact=True).fill("199001152015032001")
    page.get_by_label("Jabatan").fill("Operator SIAK")
    page.get_by_label("Unit kerja").fill("Bidang Pelayanan Pendaftaran Penduduk")
    page.get_by_label("Nomor HP").fill("0813 1111 2222")
    page.get_by_label("Nama pemberi").fill("Vendor aplikasi antrean")
    page.get_by_label("Instansi atau pekerjaan pemberi").fill("PT Antre Digital")
    page.get_by_label("Hubungan dengan pemberi").select_option("rekanan")
    page.get_by_label("Jenis objek").select_option("voucher")
    page.get_by_label("Uraian objek dan kronologi").fill(DESCRIPTION)
    page.get_by_label("Nilai taksiran (rupiah)").fill("1.000.000")
    page.get_by_label("Acara atau peristiwa").select_option("kedinasan")
    page.get_by_label("Tanggal diterima atau ditawarkan").fill(received_on.isoformat())
    page.get_by_label("Tempat diterima").fill("Ruang rapat Disdukcapil")
    page.get_by_role("checkbox", name=re.compile(r"Saya menyatakan laporan ini benar")).check()
    page.get_by_role("button", name="Kirim laporan gratifikasi").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Laporan gratifikasi Anda diterima").is_visible()
    ticket = page.locator("#nomor-tiket").inner_text().strip()
    code = page.locator("#kode-akses").inner_text().strip()
    assert re.fullmatch(r"GRT-\d{4}-\d+", ticket), ticket
    return ticket, code


def sign_in(page, base, staff, email):
    page.goto(base + "/kantor/masuk")
    page.get_by_label("Surel").fill(email)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Lanjut").click()
    page.wait_for_url(re.compile(r"/kantor/masuk/verifikasi$"))
    page.get_by_label("Kode dari aplikasi autentikator").fill(staff.code(email))  # pyotp, the account's secret
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(re.compile(r"/kantor/$"))


def flash(page) -> str:
    return page.locator(".notice[role=status]").first.inner_text()


def case_status(page) -> str:
    return page.locator("#status-kasus").inner_text().strip()


def card(page, heading_id: str):
    return page.locator(f'section[aria-labelledby="{heading_id}"]')


def no_sideways_scroll(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def test_report_from_public_form_to_kpk_decision(page, chromium, live_server, app, staff):
    base = live_server.url
    today = office_today(app)

    # The official files the report on the public form.
    ticket, code = file_report(page, base, today - timedelta(days=3))

    # A UPG officer signs in (password + TOTP) and opens the report from the queue.
    officer = chromium.new_context(**BROWSER_CONTEXT, viewport={"width": 390, "height": 844})
    upg = officer.new_page()
    sign_in(upg, base, staff, ROLE_EMAILS["gratification"])
    upg.locator("nav.office-nav").get_by_role("link", name="Gratifikasi").click()
    upg.wait_for_url(re.compile(r"/kantor/gratifikasi$"))
    assert no_sideways_scroll(upg)
    upg.get_by_role("link", name=ticket).click()
    upg.wait_for_url(re.compile(rf"/kantor/gratifikasi/{ticket}$"))
    assert case_status(upg) == "Dilaporkan"
    assert upg.locator("#pelapor-nama").inner_text() == "Dewi Lestari"  # decrypted for the UPG

    # Verification: complete → analysis; the UPG → KPK deadline is 10 working days from today.
    card(upg, "verifikasi").get_by_role("radio", name=re.compile(r"^Lengkap")).check()
    card(upg, "verifikasi").get_by_role("button", name="Simpan verifikasi").click()
    assert flash(upg) == "Hasil verifikasi disimpan."
    assert case_status(upg) == "Verifikasi Lengkap - Analisis"
    with app.app_context():
        from portal import workdays
        forward_due = workdays.add_working_days(today, 10)
    assert upg.locator("#batas-teruskan").get_attribute("data-date") == forward_due.isoformat()

    # Notes: one internal, one public.
    notes = card(upg, "catatan")
    notes.get_by_label("Isi catatan").fill(INTERNAL_NOTE)
    notes.get_by_role("button", name="Simpan catatan").click()
    assert flash(upg) == "Catatan disimpan."
    card(upg, "catatan").get_by_role("radio", name=re.compile(r"^Catatan publik")).check()
    card(upg, "catatan").get_by_label("Isi catatan").fill(PUBLIC_NOTE)
    card(upg, "catatan").get_by_role("button", name="Simpan catatan").click()
    assert flash(upg) == "Catatan disimpan."

    # Analysis: must be reported.
    card(upg, "analisis").get_by_role("radio", name="Wajib dilaporkan ke KPK").check()
    card(upg, "analisis").get_by_label("Uraian analisis").fill("Pemberi adalah rekanan dengan kontrak berjalan.")
    card(upg, "analisis").get_by_role("button", name="Simpan analisis").click()
    assert flash(upg) == "Hasil analisis disimpan."

    # Forward to KPK: first without the GOL number (refused, nothing changes), then complete.
    forward = card(upg, "teruskan")
    forward.get_by_label("Diteruskan kepada").select_option("kpk")
    forward.get_by_label("Nomor GOL").fill("   ")
    forward.get_by_label("Tanggal diteruskan").fill(today.isoformat())
    forward.get_by_role("button", name="Simpan penerusan").click()
    assert "Nomor GOL: Wajib diisi." in upg.locator(".notice-danger").inner_text()
    assert case_status(upg) == "Verifikasi Lengkap - Analisis"
    forward = card(upg, "teruskan")
    forward.get_by_label("Diteruskan kepada").select_option("kpk")
    forward.get_by_label("Nomor GOL").fill(GOL)
    forward.get_by_label("Tanggal diteruskan").fill(today.isoformat())
    forward.get_by_role("button", name="Simpan penerusan").click()
    assert flash(upg) == "Laporan dicatat sebagai diteruskan."
    assert case_status(upg) == "Diteruskan ke UPG Kabupaten/KPK"
    assert upg.locator("#nomor-gol").inner_text() == GOL

    # KPK decision: milik negara, with decree number and date.
    decision = card(upg, "sk-kpk")
    decision.get_by_role("radio", name="Milik negara").check()
    decision.get_by_label("Nomor SK KPK").fill(DECREE)
    decision.get_by_label("Tanggal SK KPK").fill(today.isoformat())
    decision.get_by_label("Keterangan untuk pelapor").fill(DECISION_NOTE)
    decision.get_by_role("button", name="Simpan keputusan").click()
    assert flash(upg) == "Keputusan KPK disimpan."
    assert case_status(upg) == "SK KPK Diterbitkan"
    history = upg.locator("#riwayat + ol.timeline").inner_text()
    for text in (INTERNAL_NOTE, PUBLIC_NOTE, DECISION_NOTE, "Pemberi adalah rekanan"):
        assert text in history, text
    assert no_sideways_scroll(upg)
    upg.screenshot(path=SCREENSHOTS.format("phone"), full_page=True)
    officer.close()

    with app.app_context():
        from portal.extensions import db
        from portal.models import GratificationReport

        report = db.session.scalar(select(GratificationReport).where(GratificationReport.ticket == ticket))
        assert (report.status, report.forwarded_to, report.gol_number, report.forwarded_on) == ("decided", "kpk", GOL, today)
        assert (report.kpk_decision, report.kpk_decree_number, report.kpk_decree_date) == ("milik_negara", DECREE, today)
        assert report.forward_due_on == forward_due

    # The reporter follows the report with ticket + access code: the public timeline, nothing internal.
    page.get_by_role("link", name="Cek status laporan gratifikasi").click()
    page.wait_for_load_state()
    page.get_by_label("Nomor tiket").fill(ticket)
    page.get_by_label("Kode akses").fill(code)
    page.get_by_role("button", name="Lihat status").click()
    page.wait_for_load_state()
    assert page.locator("#status-saat-ini").inner_text().strip() == "SK KPK Diterbitkan"
    timeline = page.locator("ol.timeline").inner_text()
    for text in ("Laporan diterima UPG", "Sedang dianalisis UPG", "Catatan UPG", PUBLIC_NOTE,
                 "Diteruskan ke UPG Kabupaten/KPK", "SK KPK Diterbitkan", DECISION_NOTE):
        assert text in timeline, text
    assert "Milik negara" in page.locator("dl.facts").inner_text()
    content = page.content()
    for secret in (INTERNAL_NOTE, "Pemberi adalah rekanan", ROLE_EMAILS["gratification"]):
        assert secret not in content, secret
    assert no_sideways_scroll(page)
