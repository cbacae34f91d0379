"""Lembar Monev ZI: areas with the weights of DOMAIN.md §4, and a follow-up plan (RTL) left open
shows on the next semester's sheet until it is done, with the proof of when it was done."""
from __future__ import annotations

import csv
import io
import zipfile

from staff import csrf

PAGE = "/kantor/zi/monev?periode="
RTL = "Sosialisasi ulang WBS kepada petugas loket jemput bola"


def _post(client, period: str, data: dict):
    page = PAGE + period
    return client.post(page, data={"csrf_token": csrf(client.get(page).get_data(as_text=True)), **data})


def test_open_follow_up_plan_is_carried_to_the_next_semester(as_role):
    leader = as_role("leader")
    assert _post(leader, "2026-S1", {"what": "area", "area": "pengawasan", "progress": "80",
                                     "findings": "WBS belum dikenal petugas lapangan."}).status_code == 303
    assert _post(leader, "2026-S1", {"what": "rtl", "area": "pengawasan", "action": RTL,
                                     "owner": "Sekretaris Dinas", "due_on": "2026-09-30"}).status_code == 303
    first = leader.get(PAGE + "2026-S1").get_data(as_text=True)
    # Pengawasan weighs 15 of the 60 pengungkit points (DOMAIN.md §4): 80 % of it is 12.
    assert "12.0" in first and RTL in first

    second = leader.get(PAGE + "2026-S2").get_data(as_text=True)
    assert RTL in second and "Belum selesai" in second
    plan_id = second.split('name="plan" value="')[1].split('"')[0]
    assert _post(leader, "2026-S2", {"what": "done", "plan": plan_id,
                                     "done_note": "Sosialisasi 12 Agustus 2026, notulen terlampir."}).status_code == 303
    second = leader.get(PAGE + "2026-S2").get_data(as_text=True)
    assert RTL in second and "Selesai (2026-S2)" in second

    third = leader.get(PAGE + "2027-S1").get_data(as_text=True)
    assert RTL not in third  # done in an earlier semester: no longer carried


def test_monev_sheet_travels_in_the_evidence_pack(runner, as_role, tmp_path):
    leader = as_role("leader")
    _post(leader, "2026-S1", {"what": "rtl", "area": "pelayanan_publik", "action": RTL,
                              "owner": "Kabid Pelayanan", "due_on": "2026-08-31"})
    output = tmp_path / "pack.zip"
    assert runner.invoke(args=["zi", "evidence", "--period", "2026-S2", "--output", str(output)]).exit_code == 0
    with zipfile.ZipFile(output) as pack:
        text = pack.read("monev_zi/lembar-monev-zi-2026-S2.csv").decode("utf-8-sig")
        assert "monev_zi/lembar-monev-zi-2026-S2.xlsx" in pack.read("index.html").decode()
    rows = list(csv.reader(io.StringIO(text)))
    assert any(r and RTL in r[0] and "Belum selesai" in r for r in rows)
    assert ["Jumlah (pengungkit)", "60", "", "0", ""] in rows


def test_monev_is_for_the_zi_team(as_role):
    assert as_role("complaints").get(PAGE + "2026-S1").status_code == 403
