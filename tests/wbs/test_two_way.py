"""The whistleblower's side (issue 14): a tip form files one tip, however often it is sent (a reload
of the receipt page says it was already sent, never a second tip); the handlers' closing message
reaches the mailbox; the mailbox does not say "Diterima" twice."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models.wbs import WbsTip
from staff import csrf
from wbs_helpers import HANDLER_A, form_post, submit_api, tip_id_for
from wbs_helpers import team  # noqa: F401  (fixture)

WHAT = "Perjalanan dinas fiktif ke Jakarta pada Mei; SPPD ditandatangani, pegawai tetap di kantor."


def tips(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(WbsTip))


def test_the_same_form_sent_twice_files_one_tip(app, team):
    client = app.test_client()
    form = client.get("/wbs/kirim").get_data(as_text=True)
    key = re.search(r'name="submission_key" value="([^"]+)"', form).group(1)
    data = {"csrf_token": csrf(form), "submission_key": key, "what": WHAT}
    first = client.post("/wbs/kirim", data=data).get_data(as_text=True)
    assert re.search(r"\d{4} \d{4} \d{4} \d{4}", first)
    again = client.post("/wbs/kirim", data=data)
    assert again.status_code == 200
    page = again.get_data(as_text=True)
    assert "sudah terkirim" in page and not re.search(r"\d{4} \d{4} \d{4} \d{4}", page)
    assert tips(app) == 1
    # Another blank form is another tip.
    form = client.get("/wbs/kirim").get_data(as_text=True)
    other = re.search(r'name="submission_key" value="([^"]+)"', form).group(1)
    assert other != key
    client.post("/wbs/kirim", data={**data, "submission_key": other, "csrf_token": csrf(form)})
    assert tips(app) == 2


@pytest.mark.browser
def test_reloading_the_receipt_page_files_one_tip(app, team, live_server, page_nojs):
    page = page_nojs
    page.goto(live_server.url + "/wbs/kirim")
    page.get_by_label("Apa yang terjadi?").fill(WHAT)
    page.get_by_role("button", name="Kirim laporan").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Laporan Anda diterima").is_visible()
    page.reload()  # the browser sends the same form again
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Laporan ini sudah terkirim").is_visible()
    assert tips(app) == 1


CLOSING = "Terima kasih. Laporan Anda terbukti; dua pegawai telah dijatuhi hukuman disiplin."


def test_the_closing_message_reaches_the_mailbox(app, team):
    receipt = submit_api(app.test_client())
    tip_id = tip_id_for(app, receipt)
    handler = team.login(HANDLER_A)
    case = f"/kantor/wbs/{tip_id}"
    for status, reason in (("telaah", ""), ("clarification", ""), ("recommendation", ""), ("follow_up", ""),
                           ("done", CLOSING)):
        assert form_post(handler, case, f"{case}/status", {"status": status, "reason": reason}).status_code == 303
    whistleblower = app.test_client()
    page = form_post(whistleblower, "/wbs/kotak", "/wbs/kotak", {"receipt": receipt}).get_data(as_text=True)
    assert "Pesan penutup dari Tim WBS" in page and CLOSING in page
    assert page.count(">Diterima<") == 0  # the date is "Tanggal laporan dikirim", not a second "Diterima"
    api = whistleblower.get("/api/v1/wbs/tips/me", headers={"X-Receipt": receipt}).get_json()
    assert api["closing_message"] == CLOSING
