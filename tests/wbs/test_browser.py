"""The whole whistleblower path in headless Chromium with JavaScript DISABLED (Tor Browser
"Safest"): guidance → form (with a photo) → receipt → mailbox shows the status and the handler's
reply → answer. Every request goes to the portal itself (nothing from another host)."""
from __future__ import annotations

import re

import pytest

from wbs_helpers import HANDLER_A, form_post, png_with_text
from wbs_helpers import team  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser

REPLY = "Terima kasih. Mohon sebutkan tanggal kejadian yang paling akhir."


def test_whistleblower_path_without_javascript(app, team, live_server, page_nojs, tmp_path):
    page = page_nojs
    requested = []
    page.on("request", lambda request: requested.append(request.url))

    page.goto(live_server.url + "/wbs")
    assert page.get_by_role("heading", name="Whistleblowing System (WBS)").is_visible()
    assert page.get_by_text("tidak dapat dipulihkan bila hilang").is_visible()
    assert "UU" in page.content() or "Undang-Undang Nomor 31 Tahun 2014" in page.content()
    page.get_by_role("link", name="Tulis laporan WBS").click()
    page.wait_for_load_state()

    page.get_by_label("Apa yang terjadi?").fill(
        "Perjalanan dinas fiktif ke Jakarta pada Mei dan Juni; SPPD ditandatangani, pegawai tetap di kantor.")
    page.get_by_label("Siapa yang terlibat?").fill("Dua pegawai sekretariat")
    page.get_by_label("Di mana?").fill("Sekretariat dinas")
    page.get_by_label("Kapan?").fill("Mei–Juni 2026")
    page.get_by_label("Bagaimana caranya?").fill("SPPD dan kuitansi hotel dibuat tanpa perjalanan.")
    page.get_by_label("Jenis pelanggaran").select_option("penyalahgunaan-wewenang")
    photo = tmp_path / "daftar-hadir.png"
    photo.write_bytes(png_with_text("daftar hadir"))
    page.get_by_label("Foto atau dokumen pendukung").set_input_files(str(photo))
    page.get_by_role("button", name="Kirim laporan").click()
    page.wait_for_load_state()

    assert page.get_by_role("heading", name="Laporan Anda diterima").is_visible()
    receipt = page.locator("#nomor-resi").inner_text().strip()
    assert re.fullmatch(r"\d{4} \d{4} \d{4} \d{4}", receipt), receipt
    assert receipt.replace(" ", "") not in page.url
    assert all(receipt.replace(" ", "") not in c["value"] for c in page.context.cookies())

    # A handler reads it and answers, moving it to telaah.
    handler = team.login(HANDLER_A)
    queue = handler.get("/kantor/wbs").get_data(as_text=True)
    tip_id = int(re.search(r"WBS-(\d+)", queue).group(1))
    case = handler.get(f"/kantor/wbs/{tip_id}").get_data(as_text=True)
    assert "Perjalanan dinas fiktif" in case and "daftar-hadir.png" in case
    form_post(handler, f"/kantor/wbs/{tip_id}", f"/kantor/wbs/{tip_id}/status", {"status": "telaah"})
    form_post(handler, f"/kantor/wbs/{tip_id}", f"/kantor/wbs/{tip_id}/pesan", {"body": REPLY})

    page.get_by_role("link", name="Buka Kotak Pesan").click()
    page.wait_for_load_state()
    page.get_by_label("Nomor resi").fill(receipt)
    page.get_by_role("button", name="Buka Kotak Pesan").click()
    page.wait_for_load_state()
    assert page.locator("#status-saat-ini").inner_text().strip() == "Telaah"
    assert page.get_by_text(REPLY).is_visible()
    assert page.get_by_text("daftar-hadir.png").is_visible()
    assert "/wbs/kotak" in page.url and receipt.replace(" ", "") not in page.url

    page.get_by_label("Pesan Anda").fill("Kejadian terakhir tanggal 14 Juni.")
    page.get_by_role("button", name="Kirim pesan").click()
    page.wait_for_load_state()
    assert page.get_by_text("Pesan Anda terkirim").is_visible()
    assert page.get_by_text("Kejadian terakhir tanggal 14 Juni.").is_visible()
    assert "Kejadian terakhir tanggal 14 Juni." in handler.get(f"/kantor/wbs/{tip_id}").get_data(as_text=True)

    assert requested and all(url.startswith(live_server.url) for url in requested), requested
