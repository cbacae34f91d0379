"""The perception surveys' semester report (channel "perception"): hand-computed IPAK and IPKP indexes
with the NRR of every statement from the CLI, and the report published through draft → leader
approval with the CLI's figures on /laporan, the API, CSV, XLSX and PDF, frozen against later edits
of the questionnaire."""
from __future__ import annotations

import io
import json
import re
from datetime import date

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from publish_support import Publisher, public_urls
from staff import csrf

PLAN = "Sosialisasi larangan pungutan di setiap loket dan pemasangan papan biaya layanan gratis (Juli 2026)."


@pytest.fixture
def answered(app):
    """IPAK (6 statements): three respondents on 10 March 2026 and one on 1 July 2026 (next semester);
    IPKP (8 statements): one respondent on 30 June 2026, the last day of Semester I."""
    from portal.surveys import perception

    with app.app_context():
        ipak = [q.id for q in perception.questions("ipak")]
        ipkp = [q.id for q in perception.questions("ipkp")]
        for scores, day in (({q: 4 for q in ipak}, date(2026, 3, 10)),
                            ({**{q: 3 for q in ipak}, ipak[0]: 1}, date(2026, 3, 10)),
                            ({q: 2 for q in ipak}, date(2026, 3, 10)),
                            ({q: 1 for q in ipak}, date(2026, 7, 1))):
            perception.submit("ipak", scores, on=day)
        perception.submit("ipkp", {**{q: 4 for q in ipkp}, ipkp[-1]: 2}, on=date(2026, 6, 30))
    return {"ipak": ipak, "ipkp": ipkp}


def build(runner, period: str):
    result = runner.invoke(args=["reports", "build", "--channel", "perception", "--period", period])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_cli_gives_the_hand_computed_indexes(runner, answered):
    data = build(runner, "2026-S1")
    # IPAK, 3 respondents: statement 1 = (4 + 1 + 2) ÷ 3 = 2.333; the other five = (4 + 3 + 2) ÷ 3 = 3.000.
    # Index = (7/3 + 5 × 3) ÷ 6 = 52/18 = 2.888… → 2.889; × 25 = 72.222… → 72.22 (the 1 July answer is in S2).
    # IPKP, 1 respondent: seven statements 4, the last 2 → index 30 ÷ 8 = 3.750; × 25 = 93.75.
    assert data["summary"] == {"respondents": 4,
                               "ipak": {"respondents": 3, "index": 2.889, "converted": 72.22},
                               "ipkp": {"respondents": 1, "index": 3.75, "converted": 93.75}}
    assert data["received"] == 4
    ipak = data["tables"]["ipak"]["rows"]
    assert [r["code"] for r in ipak] == [f"q{q}" for q in answered["ipak"]]
    assert [r["nrr"] for r in ipak] == [2.333, 3.0, 3.0, 3.0, 3.0, 3.0]
    assert [r["answers"] for r in ipak] == [3] * 6
    assert ipak[0]["converted"] == 58.33 and ipak[1]["converted"] == 75.0
    assert data["tables"]["ipak"]["total"]["nrr"] == 2.889
    assert [r["nrr"] for r in data["tables"]["ipkp"]["rows"]] == [4.0] * 7 + [2.0]
    indexes = {r["code"]: (r["respondents"], r["index"], r["converted"]) for r in data["tables"]["indeks"]["rows"]}
    assert indexes == {"ipak": (3, 2.889, 72.22), "ipkp": (1, 3.75, 93.75)}

    second = build(runner, "2026-S2")
    assert second["summary"]["ipak"] == {"respondents": 1, "index": 1.0, "converted": 25.0}
    assert second["summary"]["ipkp"] == {"respondents": 0, "index": None, "converted": None}
    refused = runner.invoke(args=["reports", "build", "--channel", "perception", "--period", "2026-03"])
    assert refused.exit_code != 0 and "hanya tersedia semester" in refused.output


@pytest.mark.usefixtures("periods_ended")
def test_published_report_equals_the_cli_and_stays_frozen(app, runner, client, as_role, answered):
    cli = build(runner, "2026-S1")
    publisher = Publisher(app, as_role)
    refused = publisher.prepare("perception", "2026-S1", plan=PLAN, role="gratification")
    assert refused.status_code == 422
    draft = publisher.draft_id(publisher.prepare("perception", "2026-S1", plan=PLAN, role="complaints"))
    assert "72.22" not in client.get("/laporan").get_data(as_text=True)  # a draft is not public
    approved = publisher.approve(draft)
    assert approved.status_code == 302, approved.get_data(as_text=True)[:2000]
    report_id = int(re.search(r"/laporan/(\d+)$", approved.headers["Location"])[1])

    published = client.get(f"/api/v1/reports/{report_id}").get_json()["report"]
    assert published["summary"] == cli["summary"] and published["tables"] == cli["tables"]
    html_url, csv_url, xlsx_url, pdf_url, _api = public_urls(report_id)
    html = client.get(html_url).get_data(as_text=True)
    assert "Survei Persepsi" in html and "Sosialisasi larangan pungutan" in html
    assert 'id="fig-nrr-ipak"' in html and 'id="fig-indeks"' in html and "Jumlah responden" in html
    assert f"/laporan/{report_id}" in client.get("/laporan").get_data(as_text=True)
    assert report_id in [r["id"] for r in client.get("/api/v1/reports?channel=perception").get_json()]
    assert "72.22" in client.get(csv_url).get_data(as_text=True)
    book = load_workbook(io.BytesIO(client.get(xlsx_url).data))
    assert 72.22 in [v for ws in book for row in ws.iter_rows(values_only=True) for v in row]
    pdf = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(client.get(pdf_url).data)).pages)
    assert "72.22" in pdf or "72,22" in pdf

    # The admin rewords the first IPAK statement afterwards: the published report keeps the old text.
    admin = as_role("admin")
    page = admin.get("/kantor/survei/persepsi").get_data(as_text=True)
    first = answered["ipak"][0]
    assert admin.post(f"/kantor/survei/persepsi/pertanyaan/{first}",
                      data={"csrf_token": csrf(page), "text": "Pernyataan baru.", "active": "1"}).status_code == 302
    again = client.get(f"/api/v1/reports/{report_id}").get_json()["report"]
    assert again["tables"]["ipak"]["rows"][0]["text"] == cli["tables"]["ipak"]["rows"][0]["text"] != "Pernyataan baru."
    assert build(runner, "2026-S1")["tables"]["ipak"]["rows"][0]["text"] == "Pernyataan baru."


@pytest.mark.usefixtures("periods_ended")
def test_english_visitor_gets_english_labels_and_the_admins_wording(app, client, as_role, answered):
    publisher = Publisher(app, as_role)
    approved = publisher.approve(publisher.draft_id(publisher.prepare("perception", "2026-S1", plan=PLAN,
                                                                      role="complaints")))
    report_id = int(re.search(r"/laporan/(\d+)$", approved.headers["Location"])[1])
    english = client.get(f"/api/v1/reports/{report_id}", headers={"Accept-Language": "en"}).get_json()["report"]
    indonesian = client.get(f"/api/v1/reports/{report_id}").get_json()["report"]
    assert english["tables"]["indeks"]["title"] == "Perception index"
    assert english["tables"]["indeks"]["rows"][0]["label"] == "Anti-Corruption Perception Index (IPAK)"
    assert english["tables"]["ipak"]["title"] == "Average score (NRR) per statement — IPAK"
    assert [r["text"] for r in english["tables"]["ipak"]["rows"]] == \
        [r["text"] for r in indonesian["tables"]["ipak"]["rows"]]
    assert english["summary"] == indonesian["summary"]
