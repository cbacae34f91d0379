"""The semester Lembar Monev ZI reaches the website only after a leader approves it (channel
"zi_monev"): the ZI team fills the sheet on /kantor/zi/monev, the admin prepares the report, a
leader approves it, and /laporan and the API then show the sheet with the CLI's figures."""
from __future__ import annotations

import json
import re

import pytest

from publish_support import Publisher
from staff import csrf

MONEV = "/kantor/zi/monev?periode="
FINDING = "Petugas loket jemput bola belum mengenal kanal WBS."
RTL = "Sosialisasi ulang WBS kepada petugas loket jemput bola"
PLAN = "Menuntaskan sosialisasi WBS dan memasang poster kanal pengaduan di semua loket (Sekretariat, 2027)."


def _post(client, period: str, data: dict):
    page = MONEV + period
    return client.post(page, data={"csrf_token": csrf(client.get(page).get_data(as_text=True)), **data})


def build(runner, period: str):
    result = runner.invoke(args=["reports", "build", "--channel", "zi_monev", "--period", period])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.mark.usefixtures("periods_ended")
def test_lembar_monev_is_public_only_after_the_leaders_approval(app, runner, client, as_role):
    admin = as_role("admin")
    for area, progress, findings in (("pengawasan", "80", FINDING), ("pelayanan_publik", "50", "")):
        assert _post(admin, "2026-S2", {"what": "area", "area": area, "progress": progress,
                                        "findings": findings}).status_code == 303
    assert _post(admin, "2026-S2", {"what": "rtl", "area": "pengawasan", "action": RTL,
                                    "owner": "Sekretaris Dinas", "due_on": "2027-03-31"}).status_code == 303

    cli = build(runner, "2026-S2")
    # Pengawasan weighs 15: 80 % of it is 12.0; Pelayanan Publik weighs 10: 50 % is 5.0; total 17.0 of 60.
    areas = {r["area"]: r for r in cli["tables"]["area"]["rows"]}
    assert (areas["pengawasan"]["score"], areas["pelayanan_publik"]["score"], areas["sdm"]["score"]) == (12.0, 5.0, None)
    assert cli["summary"] == {"areas_filled": 2, "areas": 6, "score": 17.0, "weight": 60}
    assert [(r["action"], r["owner"], r["status"]) for r in cli["tables"]["rtl"]["rows"]] == [
        (RTL, "Sekretaris Dinas", "Belum selesai")]

    publisher = Publisher(app, as_role)
    publisher.clients["admin"] = admin
    draft = publisher.draft_id(publisher.prepare("zi_monev", "2026-S2", plan=PLAN, role="admin"))
    assert FINDING not in client.get("/laporan").get_data(as_text=True)  # a draft is not public
    approved = publisher.approve(draft)
    assert approved.status_code == 302, approved.get_data(as_text=True)[:2000]
    report_id = int(re.search(r"/laporan/(\d+)$", approved.headers["Location"])[1])

    published = client.get(f"/api/v1/reports/{report_id}").get_json()["report"]
    assert published["summary"] == cli["summary"] and published["tables"] == cli["tables"]
    html = client.get(f"/laporan/{report_id}").get_data(as_text=True)
    assert "Lembar Monev Zona Integritas" in html and FINDING in html and RTL in html
    assert f"/laporan/{report_id}" in client.get("/laporan").get_data(as_text=True)
    refused = runner.invoke(args=["reports", "build", "--channel", "zi_monev", "--period", "2026-08"])
    assert refused.exit_code != 0  # the sheet is per semester
