"""A gratification reporter asked to complete a report (issue 14): mailed when the UPG asks (only the
ticket named), completes the report with text and a file on the status page (no JavaScript, phone),
sees each step; the UPG sees the message and the file in the case."""
from __future__ import annotations

import html
import io
from datetime import date
from email import message_from_bytes

import pytest
from PIL import Image

from gratification_samples import REPORT
from staff import csrf


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "orange").save(out, "PNG")
    return out.getvalue()


def _deliver(app, smtp_server):
    from portal.extensions import mail
    from portal.notify import deliver_pending

    app.config["MAIL_PORT"] = smtp_server.port
    mail.init_app(app)
    with app.app_context():
        deliver_pending()
    out = [message_from_bytes(e.content) for e in smtp_server.messages]
    smtp_server.messages.clear()
    return out


@pytest.mark.browser
def test_reporter_completes_a_report_the_upg_asked_for(app, today, as_role, live_server, page_nojs, smtp_server,
                                                       tmp_path):
    today(date(2026, 2, 20))
    filed = app.test_client().post("/api/v1/gratifications", json=REPORT)
    assert filed.status_code == 201
    ticket, code = filed.get_json()["ticket"], filed.get_json()["access_code"]
    _deliver(app, smtp_server)  # the receipt
    upg = as_role("gratification")
    token = csrf(upg.get(f"/kantor/gratifikasi/{ticket}").get_data(as_text=True))
    asked = upg.post(f"/kantor/gratifikasi/{ticket}/verifikasi",
                     data={"csrf_token": token, "result": "incomplete", "reason": "Mohon lampirkan foto amplop."})
    assert asked.status_code == 303

    mails = _deliver(app, smtp_server)
    assert len(mails) == 1 and mails[0]["To"] == REPORT["reporter_email"]
    body = mails[0].get_payload(decode=True).decode()
    assert ticket in mails[0]["Subject"] and ticket in body
    assert "amplop" not in body and "Pernikahan" not in body  # the request is read on the status page

    photo = tmp_path / "foto-amplop.png"
    photo.write_bytes(_png())
    page = page_nojs
    page.goto(live_server.url + "/gratifikasi/status")
    page.get_by_label("Nomor tiket").fill(ticket)
    page.get_by_label("Kode akses").fill(code)
    page.get_by_role("button", name="Lihat status").click()
    page.wait_for_load_state()
    assert page.locator("#perlu-lengkap").is_visible()
    assert "Mohon lampirkan foto amplop." in page.content()
    page.get_by_role("textbox", name="Pesan").fill("Foto amplop terlampir; isinya Rp1.200.000.")
    page.get_by_label("Foto atau dokumen pendukung").set_input_files(str(photo))
    page.get_by_role("button", name="Kirim pesan").click()
    page.wait_for_load_state()
    assert page.locator("#pesan-diterima").is_visible()
    steps = page.locator("ol.timeline").inner_text()
    assert "Perlu dilengkapi oleh pelapor" in steps and "Pesan Anda" in steps and "Foto amplop terlampir" in steps

    case = html.unescape(upg.get(f"/kantor/gratifikasi/{ticket}").get_data(as_text=True))
    assert "Pesan pelapor" in case and "Foto amplop terlampir; isinya Rp1.200.000." in case
    assert "foto-amplop.png" in case
    api = app.test_client().get(f"/api/v1/gratifications/{ticket}", headers={"X-Access-Code": code}).get_json()
    assert api["description"] == REPORT["description"]
    assert [a["name"] for a in api["attachments"]] == ["foto-amplop.png"]
    assert any(e["kind"] == "reply" for e in api["timeline"])


def test_a_closed_report_takes_no_message(app, today, as_role):
    today(date(2026, 2, 20))
    filed = app.test_client().post("/api/v1/gratifications", json=dict(REPORT, action="refused")).get_json()
    ticket, code = filed["ticket"], filed["access_code"]
    upg = as_role("gratification")
    for path, data in (("verifikasi", {"result": "complete"}), ("selesai", {})):
        token = csrf(upg.get(f"/kantor/gratifikasi/{ticket}").get_data(as_text=True))
        assert upg.post(f"/kantor/gratifikasi/{ticket}/{path}", data={"csrf_token": token, **data}).status_code == 303
    citizen = app.test_client()
    token = csrf(citizen.get("/gratifikasi/status").get_data(as_text=True))
    response = citizen.post("/gratifikasi/status/pesan", data={"csrf_token": token, "ticket": ticket,
                                                                "access_code": code, "body": "Masih ada?"})
    assert response.status_code == 409
    assert "Masih ada?" not in html.unescape(upg.get(f"/kantor/gratifikasi/{ticket}").get_data(as_text=True))
