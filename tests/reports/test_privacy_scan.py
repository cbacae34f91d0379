"""Nothing published identifies a person.

Complaints (names, NIKs, phone numbers, e-mail addresses in the personal fields, and NIK / phone /
e-mail typed into an open complaint's subject), gratification reports (reporter names, NIPs,
contacts, givers) and WBS tips (canary words in every field) go in through the public API; reports
of every channel are published; then every public page, every download (CSV as text, XLSX through
openpyxl, PDF through pypdf) and every API answer is searched for each of them: zero hits.

Acknowledged limit, not tested: a *name* a citizen types into the subject of a complaint filed
as open is published in the T6 list (the subject is the public summary by design; numbers and
e-mail addresses are removed from it, names cannot be recognised reliably).
"""
from __future__ import annotations

import io
import re
import secrets
import zipfile

from openpyxl import load_workbook
from pypdf import PdfReader

from portal.reports.periods import Period
from portal.templating import local_today
from publish_support import Publisher

PEOPLE = [
    ("Sulastri Wibisono", "3604015203900111", "0813 2222 4444", "sulastri.w@example.org", "open"),
    ("Bambang Priyatmoko", "3604015203900222", "+62 857-1111-3333", "bambang.p@example.net", "anonymous"),
    ("Yuliana Kartasasmita", "3604015203900333", "0878.5555.6666", "yuliana.k@example.com", "confidential"),
]
REPORTERS = [
    ("Hendrawan Tjokrosuseno", "198705122010011234", "0812 7777 8888", "hendrawan@serangkab.go.id", "Pak Giantoro"),
    ("Maryati Simanjuntak", "199001012015022345", "0856 9999 0000", "maryati@serangkab.go.id", "Ibu Rahmawulan"),
]


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _squash(text: str) -> str:
    return re.sub(r"[\s.\-/+()]", "", text)


def _seed(app, client) -> tuple[list[str], list[str]]:
    """Returns (text needles, digit needles)."""
    with app.app_context():
        today = local_today()
    words, numbers = [], []
    for i, (name, nik, phone, email, privacy) in enumerate(PEOPLE):
        body = {"category": "ktp-el", "problem": "lambat", "privacy": privacy, "name": name, "nik": nik,
                "phone": phone, "email": email,
                "subject": f"KTP-el NIK {nik} belum jadi, hubungi {phone} atau {email}",
                "description": f"Saya {name}, NIK {nik}, telepon {phone}, surel {email}: KTP-el belum dicetak."}
        response = client.post("/api/v1/complaints", json=body)
        assert response.status_code == 201, response.get_json()
        words += [name, email, *name.split()]
        numbers += [nik, _digits(phone)]
    for i, (name, nip, phone, email, giver) in enumerate(REPORTERS):
        body = {"action": "accepted" if i == 0 else "refused", "reporter_name": name, "reporter_nip": nip,
                "reporter_position": "Analis Kependudukan", "reporter_unit": "Bidang Pelayanan",
                "reporter_phone": phone, "reporter_email": email, "giver_name": giver,
                "giver_relation": "pengguna-layanan", "item_type": "uang",
                "description": f"{name} menerima amplop dari {giver} setelah pelayanan akta.",
                "estimated_value": 500_000, "received_on": today.isoformat(), "occasion": "kedinasan"}
        response = client.post("/api/v1/gratifications", json=body)
        assert response.status_code == 201, response.get_json()
        words += [name, email, giver, *name.split()]
        numbers += [nip, _digits(phone)]
    with app.app_context():
        from portal.whistle import keys

        keys.create_recovery_key()  # a tip's data key is sealed for someone
    canaries = []
    for i in range(3):  # three tips: the category count is published (3 or more)
        canary = "KANARI" + secrets.token_hex(6).upper()
        canaries.append(canary)
        response = client.post("/api/v1/wbs/tips", json={
            "what": f"Pungutan liar oleh petugas {canary} di loket perekaman KTP-el setiap pagi.",
            "who": f"Petugas {canary}", "where": f"Loket {canary}", "when": "Setiap Senin",
            "how": f"Meminta uang {canary}", "category": "suap-pungli", "contact": f"Sinyal {canary}"})
        assert response.status_code == 201, response.get_json()
    words += canaries
    return words, numbers


def _texts(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    if url.endswith(".xlsx"):
        book = load_workbook(io.BytesIO(response.data), read_only=True)
        return "\n".join(" ".join("" if v is None else str(v) for v in row)
                         for sheet in book.worksheets for row in sheet.iter_rows(values_only=True))
    if url.endswith(".zip"):
        archive = zipfile.ZipFile(io.BytesIO(response.data))
        return "\n".join(archive.read(name).decode("utf-8-sig") for name in archive.namelist())
    if url.endswith(".pdf"):
        reader = PdfReader(io.BytesIO(response.data))
        meta = " ".join(str(v) for v in (reader.metadata or {}).values())
        return "\n".join(page.extract_text() for page in reader.pages) + "\n" + meta
    return response.data.decode("utf-8-sig")


def test_no_published_page_download_or_answer_identifies_anyone(app, client, as_role, office_day):
    words, numbers = _seed(app, client)
    with app.app_context():
        today = local_today()
    month, semester = Period.containing(today).code, Period.containing(today, "semester").code
    office_day(Period.containing(today, "semester").end_exclusive)  # published once the semester has ended
    pub = Publisher(app, as_role)
    ids = [pub.publish("complaints", month), pub.publish("complaints", semester),
           pub.publish("gratification", month), pub.publish("gratification", semester),
           pub.publish("wbs", semester)]

    urls = ["/", "/laporan", "/laporan/feed.atom", "/api/v1/reports"]
    urls += [f"/laporan?kanal={c}" for c in ("complaints", "gratification", "wbs")]
    for report_id in ids:
        urls += [f"/laporan/{report_id}", f"/laporan/{report_id}.csv", f"/laporan/{report_id}.zip", f"/laporan/{report_id}.xlsx",
                 f"/laporan/{report_id}.pdf", f"/api/v1/reports/{report_id}"]

    # The figures are really there (the scan is not of empty pages).
    detail = client.get(f"/api/v1/reports/{ids[0]}").get_json()["report"]
    assert detail["received"] == 3 and len(detail["tables"]["t6"]["rows"]) == 1
    # The citizen's subject (with NIK, phone and e-mail) is never the summary: service and problem are.
    assert detail["tables"]["t6"]["rows"][0]["summary"] == "KTP elektronik (KTP-el) — Pelayanan lambat / tidak selesai"
    assert client.get(f"/api/v1/reports/{ids[2]}").get_json()["report"]["received"] == 2
    assert client.get(f"/api/v1/reports/{ids[4]}").get_json()["report"]["received"] == 3

    hits = []
    for url in urls:
        text = _texts(client, url)
        lowered, squashed = text.lower(), _squash(text)
        for word in words:
            if word.lower() in lowered:
                hits.append((url, word))
        for number in numbers:
            if number in squashed or number.lstrip("0") in squashed and len(number.lstrip("0")) >= 10:
                hits.append((url, number))
    assert hits == []
