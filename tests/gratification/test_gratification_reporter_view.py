"""What the gratification reporter gives and sees: the DOMAIN.md §2 fields the form lacked (reporter's
NIK, giver's address and agency, conflict of interest), stored encrypted and shown to the UPG; the
GOL number, the KPK decision with its decree and the next step on the status page; refusal wording."""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from sqlalchemy import select, text

from portal.extensions import db
from portal.gratification import casework
from portal.models import GratificationReport, User

from gratification_samples import REPORT
from staff import ROLE_EMAILS, csrf

NIK = "3604014107880002"  # dummy NIK of Kab. Serang (3604), a woman born 01-07-1988
GIVER_ADDRESS = "Jl. Raya Serang-Jakarta Km 5, Kramatwatu"
EXTRA = {"reporter_nik": NIK, "giver_institution": "Biro jasa Amanah", "giver_address": GIVER_ADDRESS,
         "conflict_of_interest": True}
FORM = {**{k: str(v) for k, v in REPORT.items()}, "deposited_with_upg": "tidak", "perishable": "tidak",
        "estimated_value": "1.200.000", "declaration": "yes"}


def _shown(html: str, element_id: str) -> str:
    return " ".join(re.search(rf'id="{element_id}"[^>]*>(.*?)</', html, re.S).group(1).split())


def _post_form(client, data: dict):
    """Fill in the report form as a browser does (CSRF token and one-time submission key included)."""
    page = client.get("/gratifikasi/lapor").get_data(as_text=True)
    hidden = {name: re.search(rf'name="{name}" value="([^"]+)"', page).group(1)
              for name in ("csrf_token", "submission_key")}
    return client.post("/gratifikasi/lapor", data={**data, **hidden})


def _status_page(client, ticket: str, code: str) -> str:
    token = csrf(client.get("/gratifikasi/status").get_data(as_text=True))
    response = client.post("/gratifikasi/status", data={"csrf_token": token, "ticket": ticket, "access_code": code})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_new_fields_reach_the_upg_case_page(client, app, as_role, today):
    receipt = client.post("/api/v1/gratifications", json={**REPORT, **EXTRA}).get_json()
    upg = as_role("gratification")
    page = upg.get(f"/kantor/gratifikasi/{receipt['ticket']}").get_data(as_text=True)
    assert _shown(page, "pelapor-nik") == NIK
    assert _shown(page, "pemberi-alamat") == GIVER_ADDRESS
    assert _shown(page, "benturan-kepentingan") == "Ya"
    assert "Biro jasa Amanah" in page


def test_html_form_takes_the_new_fields(client, app, today):
    form_page = client.get("/gratifikasi/lapor").get_data(as_text=True)
    for name in ("reporter_nik", "giver_address", "conflict_of_interest"):
        assert f'name="{name}"' in form_page, name
    data = {**FORM, "reporter_nik": "3604 0141 0788 0002", "giver_address": GIVER_ADDRESS,
            "conflict_of_interest": "tidak"}
    assert _post_form(client, data).status_code == 200
    with app.app_context():
        report = db.session.scalars(select(GratificationReport)).one()
        assert (report.reporter_nik, report.giver_address, report.conflict_of_interest) == (NIK, GIVER_ADDRESS, False)


def test_unanswered_conflict_of_interest_stays_unknown(client, app, today):
    assert client.post("/api/v1/gratifications", json=REPORT).status_code == 201
    with app.app_context():
        assert db.session.scalars(select(GratificationReport.conflict_of_interest)).one() is None


def test_bad_nik_is_refused_by_api_and_form_and_stores_nothing(client, app, today, stored):
    for bad in ("36040141078800", "3604014107880002123", "3604019913880002"):  # short, long, month 13... day 99
        response = client.post("/api/v1/gratifications", json={**REPORT, "reporter_nik": bad})
        assert response.status_code == 422, bad
        assert "reporter_nik" in response.get_json()["errors"]
    response = client.post("/api/v1/gratifications", json={**REPORT, "conflict_of_interest": "mungkin"})
    assert response.status_code == 422 and "conflict_of_interest" in response.get_json()["errors"]
    page = _post_form(client, {**FORM, "reporter_nik": "12345"})
    assert page.status_code == 422 and "NIK harus 16 angka" in page.get_data(as_text=True)
    assert stored() == (0, 0)


def test_nik_and_giver_address_are_encrypted_at_rest(client, app, backend, today):
    assert client.post("/api/v1/gratifications", json={**REPORT, **EXTRA}).status_code == 201
    with app.app_context():
        row = db.session.execute(text("SELECT reporter_nik, giver_address FROM gratification_reports")).one()
        db.session.rollback()
    for value in row:
        assert bytes(value).startswith(b"gAAAAA")  # a Fernet token
        assert NIK.encode() not in bytes(value) and b"Kramatwatu" not in bytes(value)
    if backend != "sqlite":
        return
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    data = b"".join(path.read_bytes() for path in Path(app.instance_path).glob("portal.db*"))
    assert b"GRT-" in data
    assert NIK.encode() not in data and GIVER_ADDRESS.encode() not in data


def test_openapi_documents_the_new_fields(client):
    schema = client.get("/api/v1/openapi.json").get_json()
    body = schema["paths"]["/gratifications"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    if "$ref" in body:
        body = schema["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]
    for name in ("reporter_nik", "giver_address", "conflict_of_interest", "giver_institution"):
        assert name in body["properties"], name
    assert body["properties"]["reporter_nik"]["pattern"] == "^[0-9]{16}$"


def _decide(app, ticket: str, decision: str) -> None:
    """The UPG's real steps: verified complete, analysed must-report, forwarded via GOL, decree recorded."""
    with app.app_context():
        actor = db.session.scalars(select(User).where(User.email == ROLE_EMAILS["gratification"])).one()
        report_id = db.session.scalars(select(GratificationReport.id).where(GratificationReport.ticket == ticket)).one()
        casework.verify(report_id, "complete", {}, actor, today=date(2026, 2, 23))
        casework.analyse(report_id, "must_report", {"analysis": "Pemberi berurusan dengan layanan."}, actor,
                         today=date(2026, 2, 24))
        casework.transition(report_id, "forwarded", {"forwarded_to": "kpk", "gol_number": "GOL-2026-04567",
                                                     "forwarded_on": "2026-02-27"}, actor, today=date(2026, 3, 2))
        casework.transition(report_id, "decided", {"kpk_decision": decision, "kpk_decree_number": "77/GTF.00/2026",
                                                   "kpk_decree_date": "2026-03-13"}, actor, today=date(2026, 3, 16))


def test_reporter_sees_gol_decision_decree_and_what_to_do_for_state_property(client, app, staff, today):
    receipt = client.post("/api/v1/gratifications", json=REPORT).get_json()
    before = _status_page(client, receipt["ticket"], receipt["access_code"])
    assert 'id="nomor-gol"' not in before and 'id="langkah-berikutnya"' not in before

    _decide(app, receipt["ticket"], "milik_negara")
    html = _status_page(client, receipt["ticket"], receipt["access_code"])
    assert _shown(html, "nomor-gol") == "GOL-2026-04567"
    assert _shown(html, "keputusan-kpk") == "Milik negara"
    assert _shown(html, "nomor-sk") == "77/GTF.00/2026"
    assert "13 Maret 2026" in html
    step = html[html.index('id="langkah-berikutnya"'):]
    assert "Serahkan barangnya atau setorkan uangnya" in step and "7 hari kerja" in step
    # UU 30/2002 Ps 17: hand-over within 7 working days of the decree (Fri 13 March 2026). Counting
    # by hand: Mon 16 (1), Tue 17 (2); Wed 18 cuti bersama Nyepi, Thu 19 Nyepi, Fri 20 cuti bersama
    # Idul Fitri, 21-22 Idul Fitri (weekend), Mon 23 and Tue 24 cuti bersama; Wed 25 (3), Thu 26 (4),
    # Fri 27 (5), Mon 30 (6), Tue 31 (7).
    assert "31 Maret 2026" in step

    api = client.get(f"/api/v1/gratifications/{receipt['ticket']}",
                     headers={"X-Access-Code": receipt["access_code"]}).get_json()
    assert (api["gol_number"], api["kpk_decision"], api["kpk_decree_number"], api["kpk_decree_date"]) == (
        "GOL-2026-04567", "milik_negara", "77/GTF.00/2026", "2026-03-13")


def test_recipient_property_needs_nothing_further(client, app, staff, today):
    receipt = client.post("/api/v1/gratifications", json=REPORT).get_json()
    _decide(app, receipt["ticket"], "milik_penerima")
    html = _status_page(client, receipt["ticket"], receipt["access_code"])
    assert _shown(html, "keputusan-kpk") == "Milik penerima"
    step = html[html.index('id="langkah-berikutnya"'):]
    assert "Tidak ada kewajiban lebih lanjut" in step and "Paling lambat" not in step


def test_refusal_receipt_and_status_speak_of_the_refusal(client, app, as_role, today):
    page = _post_form(client, {**FORM, "action": "refused"}).get_data(as_text=True)
    assert "Tanggal penolakan" in page and "Tanggal gratifikasi diterima" not in page
    assert "30 hari kerja sejak penolakan" in page
    ticket = re.search(r'id="nomor-tiket"[^>]*>([^<]+)<', page).group(1).strip()
    code = re.search(r'id="kode-akses"[^>]*>([^<]+)<', page).group(1).strip()
    status = _status_page(client, ticket, code)
    assert "Tanggal penolakan" in status and "Tanggal gratifikasi diterima" not in status

    accepted = _post_form(client, FORM).get_data(as_text=True)
    assert "Tanggal gratifikasi diterima" in accepted and "Tanggal penolakan" not in accepted
    case = as_role("gratification").get(f"/kantor/gratifikasi/{ticket}").get_data(as_text=True)
    assert "Tanggal penolakan" in case
