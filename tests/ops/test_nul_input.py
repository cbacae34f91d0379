"""NUL characters (which PostgreSQL text columns refuse) in sign-in, look-ups and submissions answer 4xx."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Complaint
from samples import COMPLAINT
from staff import PASSWORD, ROLE_EMAILS, csrf

NUL = "\x00"


def test_nul_in_the_sign_in_email_is_a_plain_refusal(app, staff):
    """Found on PostgreSQL: the e-mail look-up raised DataError (500)."""
    client = app.test_client()
    for email in (ROLE_EMAILS["complaints"] + NUL, NUL, "a" + NUL + "@serangkab.go.id"):
        page = client.get("/kantor/masuk").get_data(as_text=True)
        response = client.post("/kantor/masuk", data={"csrf_token": csrf(page), "email": email, "password": PASSWORD})
        assert 400 <= response.status_code < 500, (email, response.status_code)
    page = client.get("/kantor/masuk").get_data(as_text=True)
    response = client.post("/kantor/masuk", data={"csrf_token": csrf(page), "email": ROLE_EMAILS["complaints"],
                                                  "password": PASSWORD + NUL})
    assert 400 <= response.status_code < 500
    assert "kantor" not in response.headers.get("Location", "")


@pytest.mark.parametrize("path", ["/pengaduan/status", "/gratifikasi/status"])
def test_nul_in_a_ticket_or_code_on_the_status_pages_is_not_found(client, path):
    receipt = client.post("/api/v1/complaints", json=COMPLAINT).get_json()
    html = client.get(path).get_data(as_text=True)
    for ticket, code in ((receipt["ticket"] + NUL, receipt["access_code"]), (NUL, NUL)):
        response = client.post(path, data={"csrf_token": csrf(html), "ticket": ticket, "access_code": code})
        assert 400 <= response.status_code < 500, (ticket, response.status_code)
    # The code is compared on its letters and digits only (like its dashes, a NUL is ignored).
    response = client.post(path, data={"csrf_token": csrf(html), "ticket": receipt["ticket"],
                                       "access_code": receipt["access_code"] + NUL})
    assert response.status_code < 500


@pytest.mark.parametrize("kind", ["complaints", "gratifications"])
def test_nul_in_a_ticket_on_the_api_is_a_json_4xx(client, kind):
    response = client.get(f"/api/v1/{kind}/PGD-2026-000001%00", headers={"X-Access-Code": "AAAA-BBBB-CCCC"})
    assert 400 <= response.status_code < 500 and response.is_json


def test_nul_in_a_submitted_text_is_refused_or_dropped_never_stored_raw(app, client):
    response = client.post("/api/v1/complaints", json={**COMPLAINT, "description": COMPLAINT["description"] + NUL,
                                                       "name": "Siti" + NUL})
    assert response.status_code in (201, 400, 422), response.status_code
    with app.app_context():
        for complaint in db.session.scalars(select(Complaint)):
            assert NUL not in complaint.description and NUL not in (complaint.name or "")
        assert db.session.scalar(select(func.count()).select_from(Complaint)) == (1 if response.status_code == 201 else 0)


def test_nul_in_a_back_office_search_is_not_a_500(as_role):
    client = as_role("complaints")
    response = client.get("/kantor/pengaduan", query_string={"q": "loket" + NUL})
    assert response.status_code < 500
