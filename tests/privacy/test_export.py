"""Data-subject access (UU PDP 27/2022): the holder of a ticket and its access code downloads
everything the portal holds about them — and nothing about anyone else."""
from __future__ import annotations

import io
import json

from pypdf import PdfReader
from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEntry

from privacy_helpers import BUDI, RINA, SITI, post_form, scan_file, submit_complaint, submit_gratification

OTHERS = [BUDI["name"], BUDI["nik"], BUDI["email"], BUDI["phone"], BUDI["address"], BUDI["description"][:40],
          RINA["reporter_name"], RINA["reporter_nip"], RINA["reporter_email"], RINA["giver_name"]]


def export(client, ticket, code, kind="json"):
    return post_form(client, "/privasi/data", f"/privasi/data.{kind}", {"ticket": ticket, "access_code": code})


def test_a_complainant_receives_exactly_their_own_data(app, client):
    siti = submit_complaint(app, SITI, [scan_file()])
    budi = submit_complaint(app, BUDI)
    submit_gratification(app, RINA)

    response = export(client, *siti)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.get_data())
    assert data["ticket"] == siti[0] and data["channel"] == "complaints"
    assert data["personal_data"] == {k: SITI[k] for k in ("name", "nik", "email", "phone", "address")}
    assert data["your_text"]["description"] == SITI["description"]
    assert [a["name"] for a in data["attachments"]] == ["ktp-siti.png"]
    assert [e["kind"] for e in data["timeline"]] == ["submitted"]
    text = response.get_data(as_text=True)
    assert budi[0] not in text
    assert [value for value in OTHERS if value in text] == []
    with app.app_context():
        logged = db.session.scalars(select(AuditEntry.case_ref).where(AuditEntry.action == "pdp_export")).all()
    assert logged == [siti[0]]


def test_a_gratification_reporter_receives_their_report_and_not_a_complaint(app, client):
    submit_complaint(app, SITI)
    rina = submit_gratification(app, RINA)
    data = json.loads(export(client, *rina).get_data())
    assert data["channel"] == "gratification"
    assert data["personal_data"]["name"] == RINA["reporter_name"]
    assert data["personal_data"]["nip"] == RINA["reporter_nip"]
    assert data["third_party"]["giver_name"] == RINA["giver_name"]
    assert data["case"]["reporter_unit"] == RINA["reporter_unit"]
    text = json.dumps(data)
    assert [v for v in (SITI["name"], SITI["nik"], SITI["email"]) if v in text] == []


def test_the_pdf_is_readable_and_holds_only_the_subject(app, client):
    siti = submit_complaint(app, SITI)
    submit_complaint(app, BUDI)
    response = export(client, *siti, kind="pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.get_data())).pages)
    assert SITI["name"] in text and SITI["nik"] in text and siti[0] in text
    assert [value for value in OTHERS if value in text] == []


def test_a_wrong_code_gets_nothing(app, client):
    siti = submit_complaint(app, SITI)
    rina = submit_gratification(app, RINA)
    for ticket, code in ((siti[0], rina[1]), (rina[0], siti[1]), ("PGD-2026-999999", siti[1])):
        response = export(client, ticket, code)
        assert response.status_code == 404
        assert SITI["name"] not in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(AuditEntry.id).where(AuditEntry.action == "pdp_export")) is None
