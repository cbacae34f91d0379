"""Forwarding: Bukan Kewenangan names the receiving agency and day, with a letter to the citizen; a
complaint forwarded to this office is recorded with its origin."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from portal.clock import local_today
from portal.extensions import db
from portal.models import AuditEntry, Complaint

from samples import COMPLAINT
from staff import csrf

PLN = {**COMPLAINT,
       "description": "Tagihan listrik PLN bulan ini naik dua kali lipat tanpa penjelasan dari petugas."}


def test_bukan_kewenangan_records_agency_day_and_letter(app, as_role):
    filed = app.test_client().post("/api/v1/complaints", json=PLN).get_json()
    ticket, code = filed["ticket"], filed["access_code"]
    client = as_role("complaints")
    with app.app_context():
        day = local_today() - timedelta(days=1)
    token = csrf(client.get(f"/kantor/pengaduan/{ticket}").get_data(as_text=True))
    refused = client.post(f"/kantor/pengaduan/{ticket}/teruskan",
                          data={"csrf_token": token, "forwarded_on": day.isoformat()})
    assert refused.status_code == 303 and "#f-agency" in refused.headers["Location"]
    response = client.post(f"/kantor/pengaduan/{ticket}/teruskan",
                           data={"csrf_token": token, "agency": "PT PLN (Persero) UP3 Banten Utara",
                                 "forwarded_on": day.isoformat(), "reason": "Tagihan listrik."})
    assert response.status_code == 303
    with app.app_context():
        row = db.session.scalar(select(Complaint).where(Complaint.ticket == ticket))
        assert row.status == "not_authority" and row.forwarded_on == day
        assert row.forwarded_to == "PT PLN (Persero) UP3 Banten Utara" and row.closed_on is not None
        assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "complaint_forward")).case_ref == ticket
    # The citizen reads the letter on their timeline, and the office prints it.
    timeline = app.test_client().get(f"/api/v1/complaints/{ticket}", headers={"X-Access-Code": code}).get_json()
    assert any("PT PLN (Persero) UP3 Banten Utara" in (entry.get("body") or "") for entry in timeline["timeline"])
    letter = client.get(f"/kantor/pengaduan/{ticket}/surat-penerusan").get_data(as_text=True)
    assert "PT PLN (Persero) UP3 Banten Utara" in letter and "Pemberitahuan penerusan pengaduan" in letter
    assert "Siti Aminah" in letter


def test_no_letter_for_a_case_never_forwarded(app, as_role):
    ticket = app.test_client().post("/api/v1/complaints", json=COMPLAINT).get_json()["ticket"]
    assert as_role("complaints").get(f"/kantor/pengaduan/{ticket}/surat-penerusan").status_code == 404


def test_a_complaint_forwarded_to_this_office_keeps_its_origin(app, as_role):
    client = as_role("complaints")
    with app.app_context():
        today = local_today().isoformat()
    token = csrf(client.get("/kantor/pengaduan/catat").get_data(as_text=True))
    response = client.post("/kantor/pengaduan/catat", data={
        "csrf_token": token, **COMPLAINT, "channel": "surat", "channel_ref": "800/77/Setda/2026",
        "channel_ref_date": today, "received_on": today, "origin": "Sekretariat Daerah Kabupaten Serang"})
    assert response.status_code == 200
    with app.app_context():
        row = db.session.scalar(select(Complaint))
        assert row.origin == "Sekretariat Daerah Kabupaten Serang" and row.channel == "surat"
    page = client.get(f"/kantor/pengaduan/{row.ticket}").get_data(as_text=True)
    assert "Sekretariat Daerah Kabupaten Serang" in page
