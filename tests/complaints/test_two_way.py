"""A two-way complaint (issue 14): the citizen reads back what was sent, answers the office with text
and files, leaves Tertunda by completing it, and a Tertunda case left alone is withdrawn."""
from __future__ import annotations

import html
import io
from datetime import date, datetime, timezone

import pytest
from PIL import Image
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Complaint, ComplaintAttachment, ComplaintEvent
from samples import COMPLAINT
from staff import csrf

SUNDAY = date(2026, 11, 29)
THURSDAY = date(2026, 12, 10)


def png(colour="red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), colour).save(out, "PNG")
    return out.getvalue()


def _pin(monkeypatch, module: str, day: date) -> None:
    monkeypatch.setattr(f"{module}.local_today", lambda: day)
    monkeypatch.setattr(f"{module}.utcnow", lambda: datetime(day.year, day.month, day.day, 3, tzinfo=timezone.utc))


@pytest.fixture
def handler(as_role, monkeypatch):
    _pin(monkeypatch, "portal.complaints.casework", SUNDAY)
    return as_role("complaints")


def _act(client, ticket, path, **data):
    token = csrf(client.get(f"/kantor/pengaduan/{ticket}").get_data(as_text=True))
    response = client.post(f"/kantor/pengaduan/{ticket}/{path}", data={"csrf_token": token, **data})
    assert response.status_code == 303


def _file(client, **extra):
    data = {**COMPLAINT, "subject": "KTP-el belum dicetak", **extra}
    response = client.post("/api/v1/complaints", data={**data, "files": (io.BytesIO(png()), "bukti rekam.png")},
                           content_type="multipart/form-data")
    assert response.status_code == 201
    body = response.get_json()
    return body["ticket"], body["access_code"]


def _get(client, ticket, code):
    return client.get(f"/api/v1/complaints/{ticket}", headers={"X-Access-Code": code})


def _counts(app):
    with app.app_context():
        return (db.session.scalar(select(func.count()).select_from(ComplaintEvent)),
                db.session.scalar(select(func.count()).select_from(ComplaintAttachment)))


def test_status_api_returns_what_the_citizen_sent_and_the_step_deadline(app, client):
    ticket, code = _file(client)
    body = _get(client, ticket, code).get_json()
    assert body["subject"] == "KTP-el belum dicetak"
    assert body["description"] == COMPLAINT["description"]
    assert [a["name"] for a in body["attachments"]] == ["bukti rekam.png"]
    assert body["attachments"][0]["size"] > 0
    assert body["deadline"] is not None and body["answer"] is None
    assert body["timeline"][0]["kind"] == "submitted"


def test_citizen_completes_a_tertunda_case_and_its_deadline_runs_again(app, client, handler, monkeypatch):
    ticket, code = _file(client)
    _act(handler, ticket, "status", status="dispositioned", reason="")
    _act(handler, ticket, "catatan", visibility="public", body="Sedang kami periksa.")  # → Sedang Diproses
    _act(handler, ticket, "status", status="pending", reason="Mohon lampirkan foto bukti perekaman.")
    assert _get(client, ticket, code).get_json()["status"] == "pending"

    _pin(monkeypatch, "portal.replies", THURSDAY)
    response = client.post(f"/api/v1/complaints/{ticket}/messages", headers={"X-Access-Code": code},
                           data={"body": "Berikut foto bukti perekaman.", "files": (io.BytesIO(png("blue")), "rekam.png")},
                           content_type="multipart/form-data")
    assert response.status_code == 201
    body = _get(client, ticket, code).get_json()
    # Back to the step it came from (Sedang Diproses), a new step: UU 25/2009 Ps 50's 60 days count
    # again from the day of completion, Thu 10 Dec 2026: 11–31 Dec (21), January (52), 1–8 Feb (60).
    assert body["status"] == "in_progress"
    assert body["deadline"] == "2027-02-08"
    assert [a["name"] for a in body["attachments"]] == ["bukti rekam.png", "rekam.png"]
    assert any(e["kind"] == "reply" and e["body"] == "Berikut foto bukti perekaman." for e in body["timeline"])

    page = html.unescape(handler.get(f"/kantor/pengaduan/{ticket}").get_data(as_text=True))
    assert "Pesan pelapor" in page and "Berikut foto bukti perekaman." in page and "rekam.png" in page


def test_a_wrong_code_reveals_nothing_and_stores_nothing(app, client):
    ticket, code = _file(client)
    before = _counts(app)
    wrong = "AAAA-BBBB-CCCC" if code != "AAAA-BBBB-CCCC" else "DDDD-EEEE-FFFF"
    answers = [
        client.post(f"/api/v1/complaints/{ticket}/messages", headers={"X-Access-Code": wrong}, json={"body": "halo"}),
        client.post("/api/v1/complaints/PGD-2026-999999/messages", headers={"X-Access-Code": code},
                    json={"body": "halo"}),
        _get(client, ticket, wrong),
        _get(client, "PGD-2026-999999", code),
    ]
    assert {a.status_code for a in answers} == {404}
    assert len({a.get_data() for a in answers}) == 1
    assert ticket not in answers[0].get_data(as_text=True)
    assert _counts(app) == before


def test_a_closed_case_refuses_messages(app, client, handler):
    ticket, code = _file(client)
    _act(handler, ticket, "status", status="archived", reason="Pesan berulang.")
    before = _counts(app)
    response = client.post(f"/api/v1/complaints/{ticket}/messages", headers={"X-Access-Code": code},
                           json={"body": "Mengapa diarsipkan?"})
    assert response.status_code == 409
    assert _counts(app) == before


def test_an_empty_huge_or_disguised_message_is_refused_and_stores_nothing(app, client):
    ticket, code = _file(client)
    before = _counts(app)
    empty = client.post(f"/api/v1/complaints/{ticket}/messages", headers={"X-Access-Code": code}, json={"body": " "})
    assert empty.status_code == 422 and "body" in empty.get_json()["errors"]
    huge = client.post(f"/api/v1/complaints/{ticket}/messages", headers={"X-Access-Code": code},
                       data=b'{"body": "' + b"x" * (30 * 1024 * 1024) + b'"}', content_type="application/json")
    assert huge.status_code == 413
    disguised = client.post(f"/api/v1/complaints/{ticket}/messages", headers={"X-Access-Code": code},
                            data={"body": "Bukti terlampir.", "files": (io.BytesIO(b"MZ\x90\x00" + b"\x00" * 64), "bukti.png")},
                            content_type="multipart/form-data")
    assert disguised.status_code == 415
    assert _counts(app) == before


def test_stale_tertunda_case_is_withdrawn_with_a_note(app, client, handler, monkeypatch):
    ticket, code = _file(client)
    _act(handler, ticket, "status", status="pending", reason="Mohon lampirkan KK.")
    runner = app.test_cli_runner()
    # UU 25/2009 Ps 45: 30 calendar days from Sun 29 Nov 2026: 30 Nov (1), 1–29 Dec (2–30).
    # On the 30th day the citizen may still complete it; the day after, the case is withdrawn.
    _pin(monkeypatch, "portal.complaints.services", date(2026, 12, 29))
    assert "withdrawn: 0" in runner.invoke(args=["complaints", "withdraw-stale"]).output
    assert _get(client, ticket, code).get_json()["status"] == "pending"
    _pin(monkeypatch, "portal.complaints.services", date(2026, 12, 30))
    assert "withdrawn: 1" in runner.invoke(args=["complaints", "withdraw-stale"]).output
    body = _get(client, ticket, code).get_json()
    assert body["status"] == "archived"
    assert "30 hari" in body["timeline"][-1]["body"]
    refused = client.post(f"/api/v1/complaints/{ticket}/messages", headers={"X-Access-Code": code},
                          json={"body": "Maaf terlambat."})
    assert refused.status_code == 409


# --- in a real browser (Chromium, JavaScript off, phone viewport) ---------------------------------

def open_status(page, base_url, ticket, code):
    page.goto(base_url + "/pengaduan/status")
    page.get_by_label("Nomor tiket").fill(ticket)
    page.get_by_label("Kode akses").fill(code)
    page.get_by_role("button", name="Lihat status").click()
    page.wait_for_load_state()


@pytest.mark.browser
def test_citizen_completes_a_tertunda_case_with_a_file_and_the_handler_sees_it(app, live_server, page_nojs, as_role,
                                                                             tmp_path):
    handler = as_role("complaints")
    ticket, code = _file(app.test_client())
    _act(handler, ticket, "status", status="pending", reason="Mohon lampirkan foto bukti perekaman KTP-el.")
    photo = tmp_path / "bukti-perekaman.png"
    photo.write_bytes(png("green"))

    page = page_nojs
    open_status(page, live_server.url, ticket, code)
    assert page.locator("#status-saat-ini").inner_text().strip() == "Tertunda - Perlu Dilengkapi"
    assert "Mohon lampirkan foto bukti perekaman KTP-el." in page.content()
    # What the citizen sent is there to read back, its file downloadable without the code in a URL.
    assert "KTP-el belum dicetak" in page.locator("#judul-kiriman + p").inner_text()
    with page.expect_download() as download:
        page.get_by_role("button", name="bukti rekam.png").click()
    assert download.value.path().read_bytes()[:4] == b"\x89PNG"
    assert code not in download.value.url

    # A refused message (only blanks) names the file to choose again.
    page.get_by_role("textbox", name="Pesan").fill("   ")
    page.get_by_label("Foto atau dokumen pendukung").set_input_files(str(photo))
    page.get_by_role("button", name="Kirim pesan").click()
    page.wait_for_load_state()
    assert "bukti-perekaman.png" in page.locator("#pilih-ulang").inner_text()

    page.get_by_role("textbox", name="Pesan").fill("Foto bukti perekaman terlampir.")
    page.get_by_label("Foto atau dokumen pendukung").set_input_files(str(photo))
    page.get_by_role("button", name="Kirim pesan").click()
    page.wait_for_load_state()
    assert page.locator("#pesan-diterima").is_visible()
    assert page.locator("#status-saat-ini").inner_text().strip() == "Belum Terverifikasi"

    case = html.unescape(handler.get(f"/kantor/pengaduan/{ticket}").get_data(as_text=True))
    assert "Pesan pelapor" in case and "Foto bukti perekaman terlampir." in case
    assert "bukti-perekaman.png" in case


# --- mail to the citizen: opt-in step mails, one-click unsubscribe, a lost code re-issued ----------

def _mail_to(app, smtp_server):
    from portal.extensions import mail

    app.config["MAIL_PORT"] = smtp_server.port
    mail.init_app(app)


def _deliver(app, smtp_server) -> list[tuple[str, str, str]]:
    from email import message_from_bytes

    from portal.notify import deliver_pending

    with app.app_context():
        deliver_pending()
    out = []
    for envelope in smtp_server.messages:
        message = message_from_bytes(envelope.content)
        out.append((envelope.rcpt_tos[0], str(message["Subject"]), message.get_payload(decode=True).decode()))
    smtp_server.messages.clear()
    return out


def _links(body: str) -> list[str]:
    import re

    return re.findall(r"https?://\S+", body)


def test_a_confidential_case_mail_names_only_the_ticket_and_no_opt_in_means_no_mail(app, client, handler,
                                                                                   smtp_server):
    _mail_to(app, smtp_server)
    quiet, _code = _file(client)
    secret, _code = _file(client, privacy="confidential", notify="yes")
    _deliver(app, smtp_server)  # the receipts
    for ticket in (quiet, secret):
        _act(handler, ticket, "status", status="pending", reason="Mohon lampirkan KK yang baru.")
    mails = _deliver(app, smtp_server)
    assert len(mails) == 1
    to, subject, body = mails[0]
    assert to == COMPLAINT["email"] and secret in subject and secret in body
    for word in ("Tertunda", "KK", "KTP", "Perlu", "melengkapi"):
        assert word not in subject and word not in body


@pytest.mark.browser
def test_citizen_receives_the_step_mail_follows_its_links_and_unsubscribes(app, live_server, page_nojs, as_role,
                                                                          smtp_server):
    _mail_to(app, smtp_server)
    app.config["PORTAL_BASE_URL"] = live_server.url
    handler = as_role("complaints")
    page = page_nojs
    page.goto(live_server.url + "/pengaduan/baru")
    page.get_by_label("Layanan yang diadukan").select_option("ktp-el")
    page.get_by_label("Isi pengaduan / kronologi").fill(COMPLAINT["description"])
    page.get_by_label("Surel (email)").fill("warga@example.org")
    page.get_by_label("Kirimi saya surel setiap ada tindak lanjut").check()
    page.get_by_label("Saya menyatakan isi pengaduan ini benar").check()
    page.get_by_role("button", name="Kirim pengaduan").click()
    page.wait_for_load_state()
    ticket = page.locator("#nomor-tiket").inner_text().strip()
    code = page.locator("#kode-akses").inner_text().strip()
    _deliver(app, smtp_server)  # the receipt

    _act(handler, ticket, "status", status="dispositioned", reason="")
    _act(handler, ticket, "catatan", visibility="public", body="Blangko KTP-el sudah tersedia kembali.")
    mails = _deliver(app, smtp_server)
    assert mails and all(to == "warga@example.org" and ticket in subject for to, subject, _body in mails)
    body = mails[-1][2]
    assert "Sedang Diproses" in body and code not in body
    status_link, stop_link = _links(body)

    open_status(page, status_link.removesuffix("/pengaduan/status"), ticket, code)
    assert "Blangko KTP-el sudah tersedia kembali." in page.content()

    page.goto(stop_link)
    page.get_by_role("button", name="Berhenti menerima surel").click()
    page.wait_for_load_state()
    assert page.locator("#berhenti-selesai").is_visible()
    _act(handler, ticket, "catatan", visibility="answer", body="KTP-el Anda sudah dicetak.")
    assert _deliver(app, smtp_server) == []


@pytest.mark.browser
def test_lost_code_is_reissued_by_mail_and_the_old_one_stops_working(app, live_server, page_nojs, smtp_server):
    _mail_to(app, smtp_server)
    client = app.test_client()
    ticket, old_code = _file(client)
    no_mail, _code = _file(client, email="")
    _deliver(app, smtp_server)

    page = page_nojs
    answers = []
    for asked in (ticket, no_mail, "PGD-2026-999999"):
        page.goto(live_server.url + "/pengaduan/status")
        page.get_by_role("link", name="Kode akses hilang").click()
        page.get_by_label("Nomor tiket").fill(asked)
        page.get_by_role("button", name="Kirim kode akses baru").click()
        page.wait_for_load_state()
        answers.append(page.locator("main").inner_text())
    # The same answer whether the ticket has an address, has none, or does not exist.
    assert len(set(answers)) == 1 and "kode akses baru" in answers[0]

    mails = _deliver(app, smtp_server)
    assert len(mails) == 1
    to, subject, body = mails[0]
    assert to == COMPLAINT["email"] and ticket in subject
    import re

    new_code = re.search(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", body).group(0)
    assert new_code != old_code
    assert _get(client, ticket, old_code).status_code == 404
    open_status(page, live_server.url, ticket, new_code)
    assert page.locator("#status-saat-ini").is_visible()


def test_lost_code_requests_are_rate_limited_per_ticket(app_factory):
    app = app_factory(RATELIMIT_CODE_REISSUE="2 per hour")
    client = app.test_client()
    ticket, _code = _file(client)
    page = client.get("/pengaduan/kode-hilang").get_data(as_text=True)
    token = csrf(page)
    answers = [client.post("/pengaduan/kode-hilang", data={"csrf_token": token, "ticket": ticket}).status_code
               for _ in range(3)]
    assert answers == [200, 200, 429]


def test_a_refused_form_keeps_every_value_and_names_the_files_to_choose_again(app):
    client = app.test_client()
    form = client.get("/pengaduan/baru").get_data(as_text=True)
    assert "TTTT-BB-HH" not in form and "tanggal/bulan/tahun" in form
    data = {**COMPLAINT, "csrf_token": csrf(form), "subject": "KTP-el belum dicetak", "notify": "yes",
            "files": (io.BytesIO(png()), "foto loket.png")}  # no declaration ticked: refused
    page = html.unescape(client.post("/pengaduan/baru", data=data, content_type="multipart/form-data")
                         .get_data(as_text=True))
    assert "Centang pernyataan" in page
    assert 'value="KTP-el belum dicetak"' in page and COMPLAINT["description"] in page
    assert 'name="notify" value="yes" checked' in page
    dropped = page[page.index('id="pilih-ulang"'):]
    assert "foto loket.png" in dropped[:dropped.index("</div>")]
