"""The SKM report: hand-computed figures from the CLI, staff moderation and service users, and the
semester report published through draft → leader approval with the same figures as the CLI."""
from __future__ import annotations

import json
import re
from datetime import date

import pytest

from publish_support import Publisher
from staff import csrf

FOUR = {f"u{i}": 4 for i in range(1, 10)}
THREE = {f"u{i}": 3 for i in range(1, 10)}
LOW = {**{f"u{i}": 2 for i in range(1, 5)}, **{f"u{i}": 1 for i in range(5, 10)}}
KEPT = "Ruang tunggu panas, mohon ditambah kipas angin."
DROPPED = "Petugas loket 3 bernama Budi sering terlambat datang."


@pytest.fixture
def answered(app, client, monkeypatch):
    """Three answers given on 10 March 2026 (Semester I 2026), two of them with a suggestion."""
    monkeypatch.setattr("portal.surveys.services.local_today", lambda: date(2026, 3, 10))
    for answers, extra in ((FOUR, {"suggestion": KEPT}), (THREE, {"suggestion": DROPPED}), (LOW, {})):
        response = client.post("/api/v1/surveys/skm", json={"service": "ktp-el" if answers is LOW else "kk",
                                                             "answers": answers, **extra})
        assert response.status_code == 201


def build(runner, period: str, fmt: str = "json"):
    result = runner.invoke(args=["reports", "build", "--channel", "skm", "--period", period, "--format", fmt])
    assert result.exit_code == 0, result.output
    return json.loads(result.output) if fmt == "json" else result.output


def moderate(client, text: str, decision: str):
    page = client.get("/kantor/survei").get_data(as_text=True)
    rid = re.search(r'id="saran-(\d+)">\s*<p>' + re.escape(text), page)[1]
    response = client.post(f"/kantor/survei/saran/{rid}", data={"csrf_token": csrf(page), "decision": decision})
    assert response.status_code == 302


def test_cli_gives_the_hand_computed_index(app, runner, answered):
    data = build(runner, "2026-S1")
    # Sums: u1–u4 = 4 + 3 + 2 = 9 → NRR 3.000; u5–u9 = 4 + 3 + 1 = 8 → NRR 8/3 = 2.667.
    # Σ all scores = 36 + 27 + 13 = 76 → converted = 25 × 76 / (9 × 3) = 70.370… → 70.37 → mutu C.
    assert data["summary"]["respondents"] == 3 == data["received"]
    assert data["summary"]["nrr"] == {**{f"u{i}": 3.0 for i in range(1, 5)}, **{f"u{i}": 2.667 for i in range(5, 10)}}
    assert data["summary"]["ikm"] == 70.37 and data["summary"]["mutu"] == "C"
    assert data["summary"]["weakest"] == ["u5", "u6", "u7"]
    services = {r["code"]: r for r in data["tables"]["layanan"]["rows"]}
    # kk: two respondents, Σ = 36 + 27 = 63 → 25 × 63 / 18 = 87.50 → B; ktp-el: Σ = 13 → 25 × 13 / 9 = 36.11 → D.
    assert (services["kk"]["respondents"], services["kk"]["ikm"], services["kk"]["mutu"]) == (2, 87.5, "B")
    assert (services["ktp-el"]["ikm"], services["ktp-el"]["mutu"]) == (36.11, "D")
    months = {r["period"]: r["respondents"] for r in data["tables"]["months"]["rows"]}
    assert months["2026-03"] == 3 and months["2026-04"] == 0
    # The month report holds the same three answers; the next semester holds none.
    assert build(runner, "2026-03")["summary"]["ikm"] == 70.37
    assert build(runner, "2026-S2")["summary"]["respondents"] == 0
    # Suggestions appear nowhere before a moderator approves them.
    assert data["tables"]["saran"]["rows"] == []
    assert KEPT not in build(runner, "2026-S1", "csv")


def test_empty_period_is_a_clear_empty_report(runner):
    data = build(runner, "2026-S1")
    assert data["summary"]["respondents"] == 0 and data["summary"]["ikm"] is None and data["summary"]["mutu"] is None
    assert any("Belum ada responden" in note for note in data["notes"])
    assert "Belum ada responden" in build(runner, "2026-01", "csv")


def test_published_semester_report_equals_the_cli(app, runner, client, as_role, answered, periods_ended):
    team = as_role("complaints")
    moderate(team, KEPT, "approve")
    moderate(team, DROPPED, "reject")
    page = team.get("/kantor/survei").get_data(as_text=True)
    assert team.post("/kantor/survei/pengguna-layanan",
                     data={"csrf_token": csrf(page), "period": "2026-S1", "users": "100"}).status_code == 302

    cli = build(runner, "2026-S1")
    # N = 100 service users → Krejcie–Morgan minimum 80; 3 respondents are not enough.
    assert (cli["summary"]["population"], cli["summary"]["sample_min"], cli["summary"]["sample_adequate"]) == (
        100, 80, False)
    assert [r["suggestion"] for r in cli["tables"]["saran"]["rows"]] == [KEPT]

    publisher = Publisher(app, as_role)
    publisher.clients["complaints"] = team
    draft = publisher.draft_id(publisher.prepare("skm", "2026-S1", plan="Memasang kipas angin di ruang tunggu "
                                                 "dan menjelaskan prosedur di papan informasi (Sekretariat, Juli 2026).",
                                                 role="complaints"))
    approved = publisher.approve(draft)
    assert approved.status_code == 302, approved.get_data(as_text=True)[:2000]
    report_id = int(re.search(r"/laporan/(\d+)$", approved.headers["Location"])[1])

    published = client.get(f"/api/v1/reports/{report_id}").get_json()["report"]
    assert published["summary"] == cli["summary"]
    assert published["tables"] == cli["tables"]
    html = client.get(f"/laporan/{report_id}").get_data(as_text=True)
    assert "70.37" in html or "70,37" in html
    assert KEPT in html and DROPPED not in html
    assert "Memasang kipas angin" in html
    assert f"/laporan/{report_id}" in client.get("/laporan").get_data(as_text=True)


def test_leader_sees_results_but_cannot_moderate(app, as_role, answered):
    leader = as_role("leader")
    page = leader.get("/kantor/survei")
    assert page.status_code == 200 and DROPPED not in page.get_data(as_text=True)
    assert leader.post("/kantor/survei/saran/1", data={"csrf_token": csrf(page.get_data(as_text=True)),
                                                       "decision": "approve"}).status_code == 403
    assert as_role("admin").get("/kantor/survei").status_code == 403


def test_next_semester_report_shows_the_published_follow_up_plan(app, runner, as_role, answered, periods_ended):
    plan = "Memasang kipas angin di ruang tunggu paling lambat Agustus 2026 (Sekretariat)."
    publisher = Publisher(app, as_role)
    draft = publisher.draft_id(publisher.prepare("skm", "2026-S1", plan=plan, role="complaints"))
    assert publisher.approve(draft).status_code == 302
    rows = build(runner, "2026-S2")["tables"]["rtl_sebelumnya"]["rows"]
    assert rows == [{"period": "2026-S1", "label": "Semester I 2026", "plan": plan}]
    assert build(runner, "2026-S1")["tables"]["rtl_sebelumnya"]["rows"] == []


def test_empty_semester_publishes_readable_tables(app, client, as_role, periods_ended):
    publisher = Publisher(app, as_role)
    draft = publisher.draft_id(publisher.prepare("skm", "2026-S1", role="complaints"))
    response = publisher.approve(draft)
    assert response.status_code == 302
    report_id = int(re.search(r"/laporan/(\d+)$", response.headers["Location"])[1])
    html = client.get(f"/laporan/{report_id}").get_data(as_text=True)
    assert "Belum ada responden" in html and "Persyaratan" in html
    assert "None" not in html
    assert client.get(f"/laporan/{report_id}.csv").status_code == 200
    assert client.get(f"/laporan/{report_id}.pdf").status_code == 200
