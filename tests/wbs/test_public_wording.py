"""Public wording says what the code does: who sees what (privacy notice), and a whistleblower's only
key is the 16-digit receipt ("nomor resi"), never an "access code" as complaints have."""
from __future__ import annotations

import html as html_lib
import re

from wbs_helpers import TIP, form_post
from wbs_helpers import team  # noqa: F401  (fixture)


def _text(page: str) -> str:
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def _wbs_sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s", text) if "Whistleblowing" in s or "WBS" in s]


def test_privacy_notice_does_not_promise_only_the_assigned_officer(client):
    text = _text(client.get("/privasi").get_data(as_text=True))
    assert "hanya dapat dilihat oleh petugas yang ditugaskan" not in text
    # Generated from the role table (portal.privacy.notice): each channel names the role that sees it all.
    assert "Pengaduan dapat dilihat oleh setiap petugas yang memiliki peran Tim Pengaduan" in text
    assert "dapat dilihat oleh setiap petugas yang memiliki peran UPG (gratifikasi)" in text
    # A unit's liaison officer reads what is dispositioned to the unit, never the complainant's identity.
    assert "pejabat penghubung unit itu dapat membaca isi pengaduan dan tindak lanjutnya, tanpa identitas Anda" in text
    # What is encrypted, said plainly: complainants' identity yes, the complaint's text not.
    assert "Isi pengaduan (judul, uraian, lokasi) disimpan tanpa enkripsi" in text
    # The PDP officer's contact is a setting, never an example address.
    assert "contoh" not in text.lower() and "ppid@disdukcapil" not in text


def test_wbs_reporters_are_told_to_use_the_receipt_not_an_access_code(client, app, team):
    privacy = _text(client.get("/privasi").get_data(as_text=True))
    wbs_lines = _wbs_sentences(privacy)
    assert any("nomor resi" in line for line in wbs_lines)
    assert not [line for line in wbs_lines if "kode akses" in line.lower()]

    pages = [client.get(url).get_data(as_text=True) for url in ("/wbs", "/wbs/kirim", "/wbs/kotak")]
    receipt_page = form_post(client, "/wbs/kirim", "/wbs/kirim", {**TIP, "website": ""})
    assert receipt_page.status_code == 200
    pages.append(receipt_page.get_data(as_text=True))
    receipt = re.search(r'id="nomor-resi"[^>]*>([^<]+)<', pages[-1]).group(1).strip()
    mailbox = form_post(client, "/wbs/kotak", "/wbs/kotak", {"receipt": receipt})
    assert mailbox.status_code == 200
    pages.append(mailbox.get_data(as_text=True))
    for page in pages:
        text = _text(page).lower()
        assert "kode akses" not in text and "access code" not in text
    assert all("nomor resi" in _text(page).lower() for page in pages[3:])
