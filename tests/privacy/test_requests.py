"""Correction and deletion requests (UU PDP 27/2022): filed by the holder of ticket + access code on
a plain form, answered by the channel's team in the back office within 3×24 hours, every step audited."""
from __future__ import annotations

import json
from datetime import datetime, timezone

from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEntry, Complaint, PrivacyRequest

from privacy_helpers import BUDI, RINA, SITI, post_form, submit_complaint, submit_gratification
from staff import csrf


def file(client, ticket, code, **fields):
    return post_form(client, "/privasi/permintaan", "/privasi/permintaan",
                     {"ticket": ticket, "access_code": code, **fields})


def decide(office, request_id, **fields):
    page = office.get(f"/kantor/privasi/{request_id}")
    assert page.status_code == 200
    return office.post(f"/kantor/privasi/{request_id}", data={"csrf_token": csrf(page.get_data(as_text=True)),
                                                              **fields})


def only_request(app) -> PrivacyRequest:
    with app.app_context():
        (row,) = db.session.scalars(select(PrivacyRequest)).all()
        db.session.expunge(row)
        return row


def actions(app) -> list[tuple[str, str]]:
    with app.app_context():
        return [(e.action, e.case_ref) for e in db.session.scalars(
            select(AuditEntry).where(AuditEntry.action.like("pdp_%")).order_by(AuditEntry.id))]


def test_the_form_is_indonesian_and_works_without_javascript(client):
    page = client.get("/privasi/permintaan").get_data(as_text=True)
    assert "Perbaikan atau penghapusan data pribadi" in page and "3×24 jam" in page
    assert "<script" not in page


def test_the_deadline_is_72_hours_from_receipt(app, client, monkeypatch):
    siti = submit_complaint(app, SITI)
    # Friday 27 November 2026, 16:30 WIB: the answer is due Monday 30 November, 16:30 WIB — counted
    # in hours, weekend included (3×24 jam, not three working days).
    monkeypatch.setattr("portal.privacy.services.utcnow", lambda: datetime(2026, 11, 27, 9, 30, tzinfo=timezone.utc))
    response = file(client, *siti, kind="deletion", details="Saya tidak ingin data saya disimpan.")
    assert response.status_code == 200
    assert "30 November 2026 16:30 WIB" in response.get_data(as_text=True)
    assert only_request(app).due_at == datetime(2026, 11, 30, 9, 30, tzinfo=timezone.utc)
    assert actions(app) == [("pdp_request", siti[0])]


def test_bad_input_is_refused_and_stores_nothing(app, client):
    siti = submit_complaint(app, SITI)
    response = file(client, *siti, kind="correction", field="email", new_value="bukan surel")
    assert response.status_code == 400
    assert "tidak valid" in response.get_data(as_text=True)
    response = file(client, siti[0], "SALAH-KODE-1234", kind="deletion")
    assert response.status_code == 404
    with app.app_context():
        assert db.session.scalar(select(PrivacyRequest.id)) is None


def test_a_deletion_of_an_open_case_is_refused_with_the_reason(app, client, as_role):
    siti = submit_complaint(app, SITI)
    file(client, *siti, kind="deletion")
    request_id = only_request(app).id
    office = as_role("complaints")
    accepted = decide(office, request_id, decision="accept")
    assert accepted.status_code == 409 and "Kasus masih berjalan" in accepted.get_data(as_text=True)
    assert decide(office, request_id, decision="refuse").status_code == 422  # a refusal needs its reason
    reason = "Pengaduan masih ditangani; data dihapus setelah kasus selesai."
    assert decide(office, request_id, decision="refuse", reason=reason).status_code == 302
    done = only_request(app)
    assert (done.status, done.reason) == ("refused", reason)
    with app.app_context():
        assert db.session.scalar(select(Complaint.name).where(Complaint.ticket == siti[0])) == SITI["name"]
    # The subject reads the answer in their own export.
    data = json.loads(post_form(client, "/privasi/data", "/privasi/data.json",
                                {"ticket": siti[0], "access_code": siti[1]}).get_data())
    assert [(r["kind"], r["status"], r["reason"]) for r in data["requests"]] == [("deletion", "refused", reason)]
    assert [a for a, _ in actions(app)] == ["pdp_request", "pdp_refuse", "pdp_export"]


def test_an_accepted_correction_changes_only_that_field(app, client, as_role):
    siti = submit_complaint(app, SITI)
    budi = submit_complaint(app, BUDI)
    file(client, *siti, kind="correction", field="email", new_value="siti.aminah@example.org")
    assert decide(as_role("complaints"), only_request(app).id, decision="accept").status_code == 302
    with app.app_context():
        rows = {c.ticket: c for c in db.session.scalars(select(Complaint))}
        assert rows[siti[0]].email == "siti.aminah@example.org"
        assert (rows[siti[0]].name, rows[siti[0]].phone) == (SITI["name"], SITI["phone"])
        assert rows[budi[0]].email == BUDI["email"]
        assert only_request(app).new_value is None  # not kept once carried out
    assert actions(app) == [("pdp_request", siti[0]), ("pdp_accept", siti[0])]


def test_each_team_sees_only_its_channel(app, client, as_role):
    rina = submit_gratification(app, RINA)
    file(client, *rina, kind="correction", field="phone", new_value="0812 0000 1111")
    request_id = only_request(app).id
    office = as_role("complaints")
    assert office.get(f"/kantor/privasi/{request_id}").status_code == 404
    assert rina[0] not in office.get("/kantor/privasi").get_data(as_text=True)
    upg = as_role("gratification")
    assert rina[0] in upg.get("/kantor/privasi").get_data(as_text=True)
    assert decide(upg, request_id, decision="accept").status_code == 302
    assert as_role("wbs").get("/kantor/privasi").status_code == 403
    assert app.test_client().get("/kantor/privasi").status_code == 302  # to the sign-in page
