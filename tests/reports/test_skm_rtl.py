"""The SKM follow-up plan (RTL) as rows: entered by the complaints team per semester, printed in that
semester's report, and its status printed again in the next semester's published report."""
from __future__ import annotations

import re
from datetime import date

from publish_support import Publisher
from staff import csrf

from test_skm_report import build

FAN = "Memasang kipas angin di ruang tunggu."
BOARD = "Memasang papan alur layanan KTP-el di loket 2."


def add(client, period: str, action: str, owner: str, due: str):
    page = client.get("/kantor/survei").get_data(as_text=True)
    return client.post("/kantor/survei/rtl", data={"csrf_token": csrf(page), "rtl_period": period, "action": action,
                                                    "owner": owner, "due_on": due})


def set_status(client, action: str, status: str):
    page = client.get("/kantor/survei").get_data(as_text=True)
    row_id = re.search(r'<tr id="rtl-row-(\d+)"><td>' + re.escape(action), page)[1]
    return client.post(f"/kantor/survei/rtl/{row_id}/status", data={"csrf_token": csrf(page), "status": status})


def test_rtl_rows_reach_this_and_the_next_semester_report(app, runner, client, as_role, office_day):
    office_day(date(2026, 8, 3))  # during Semester II 2026: the page shows S1's and S2's plans
    team = as_role("complaints")
    assert add(team, "2026-S1", FAN, "Sekretariat", "2026-08-31").status_code == 302
    assert add(team, "2026-S1", BOARD, "Bidang Pelayanan", "2026-07-15").status_code == 302
    page = team.get("/kantor/survei").get_data(as_text=True)
    assert FAN in page and BOARD in page

    # The semester's own report lists its plan (by due date), all still planned.
    rows = build(runner, "2026-S1")["tables"]["rtl"]["rows"]
    assert [(r["action"], r["owner"], r["due_on"], r["status"]) for r in rows] == [
        (BOARD, "Bidang Pelayanan", "2026-07-15", "Direncanakan"), (FAN, "Sekretariat", "2026-08-31", "Direncanakan")]
    assert build(runner, "2026-S1")["tables"]["rtl_status_sebelumnya"]["rows"] == []

    assert set_status(team, FAN, "done").status_code == 302
    assert set_status(team, BOARD, "in_progress").status_code == 302
    cli = build(runner, "2026-S2")
    previous = {r["action"]: r["status"] for r in cli["tables"]["rtl_status_sebelumnya"]["rows"]}
    assert previous == {FAN: "Selesai", BOARD: "Sedang berjalan"}
    assert cli["tables"]["rtl"]["rows"] == []

    office_day(date(2027, 1, 4))  # Semester II 2026 has ended: its report can be published
    publisher = Publisher(app, as_role)
    publisher.clients["complaints"] = team
    approved = publisher.approve(publisher.draft_id(publisher.prepare("skm", "2026-S2", role="complaints")))
    assert approved.status_code == 302
    report_id = int(re.search(r"/laporan/(\d+)$", approved.headers["Location"])[1])
    published = client.get(f"/api/v1/reports/{report_id}").get_json()["report"]
    assert published["tables"] == cli["tables"]
    html = client.get(f"/laporan/{report_id}").get_data(as_text=True)
    assert FAN in html and "Selesai" in html and "Sedang berjalan" in html
    # A status changed after publication does not alter the published snapshot.
    office_day(date(2026, 12, 1))
    assert set_status(team, BOARD, "done").status_code == 302
    assert client.get(f"/api/v1/reports/{report_id}").get_json()["report"]["tables"] == cli["tables"]


def test_bad_rtl_rows_are_refused(app, runner, as_role):
    team = as_role("complaints")
    for period, action, owner, due, field in (
            ("2026-03", FAN, "Sekretariat", "2026-08-31", "Rencana tindak lanjut disusun per semester"),
            ("2026-S1", FAN, "Sekretariat", "31/08/2026", "Tulis batas waktu sebagai tanggal"),
            ("2026-S1", FAN, "Sekretariat", "2025-12-31", "tidak boleh sebelum awal semester"),
            ("2026-S1", "", "Sekretariat", "2026-08-31", "Tulis tindak lanjutnya"),
            ("2026-S1", FAN, "   ", "2026-08-31", "Tulis penanggung jawabnya")):
        response = add(team, period, action, owner, due)
        assert response.status_code == 422 and field in response.get_data(as_text=True)
    assert build(runner, "2026-S1")["tables"]["rtl"]["rows"] == []
    assert add(team, "2026-S1", FAN, "Sekretariat", "2026-08-31").status_code == 302
    page = team.get("/kantor/survei").get_data(as_text=True)
    row_id = re.search(r'<tr id="rtl-row-(\d+)">', page)[1]
    bad = team.post(f"/kantor/survei/rtl/{row_id}/status", data={"csrf_token": csrf(page), "status": "finished"})
    assert bad.status_code == 422
    assert build(runner, "2026-S1")["tables"]["rtl"]["rows"][0]["status"] == "Direncanakan"


def test_leader_reads_the_rtl_but_cannot_change_it(app, as_role, office_day):
    office_day(date(2026, 8, 3))
    team = as_role("complaints")
    assert add(team, "2026-S1", FAN, "Sekretariat", "2026-08-31").status_code == 302
    leader = as_role("leader")
    page = leader.get("/kantor/survei").get_data(as_text=True)
    assert FAN in page and "Direncanakan" in page
    assert add(leader, "2026-S1", BOARD, "Sekretariat", "2026-08-31").status_code == 403
    assert 'action="/kantor/survei/rtl' not in page
    assert as_role("admin").post("/kantor/survei/rtl", data={}).status_code in (400, 403)
