"""The complaint API of CONTRACT.md: submission, look-up, categories, OpenAPI, bad input."""
from __future__ import annotations

import io
import json
import re

from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Complaint

from samples import COMPLAINT as GOOD


def count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Complaint))


def test_submit_returns_ticket_and_access_code_once(client, app):
    response = client.post("/api/v1/complaints", json=GOOD)
    assert response.status_code == 201
    body = response.get_json()
    assert re.fullmatch(r"PGD-\d{4}-\d{6}", body["ticket"])
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", body["access_code"])
    assert body["status"] == "unverified"
    assert response.headers["Location"].endswith(body["ticket"])
    with app.app_context():
        complaint = db.session.scalar(select(Complaint))
        # Only a hash of the access code is stored.
        assert body["access_code"] not in complaint.access_code_hash
        assert complaint.name == "Siti Aminah"


def test_lookup_with_code_shows_status_and_timeline(client):
    receipt = client.post("/api/v1/complaints", json=GOOD).get_json()
    response = client.get(f"/api/v1/complaints/{receipt['ticket']}", headers={"X-Access-Code": receipt["access_code"]})
    assert response.status_code == 200
    body = response.get_json()
    assert body["ticket"] == receipt["ticket"]
    assert body["category"] == "ktp-el"
    assert body["status"] == "unverified"
    assert body["timeline"][0]["kind"] == "submitted"
    # Personal data never comes back through the public API.
    assert "Siti" not in response.get_data(as_text=True)
    assert "3604015203900001" not in response.get_data(as_text=True)


def test_access_code_is_forgiving_about_case_and_dashes(client):
    receipt = client.post("/api/v1/complaints", json=GOOD).get_json()
    typed = receipt["access_code"].replace("-", " ").lower()
    response = client.get(f"/api/v1/complaints/{receipt['ticket'].lower()}", headers={"X-Access-Code": typed})
    assert response.status_code == 200


def test_wrong_access_code_and_unknown_ticket_look_the_same(client):
    receipt = client.post("/api/v1/complaints", json=GOOD).get_json()
    wrong = client.get(f"/api/v1/complaints/{receipt['ticket']}", headers={"X-Access-Code": "AAAA-BBBB-CCCC"})
    unknown = client.get("/api/v1/complaints/PGD-2026-999999", headers={"X-Access-Code": receipt["access_code"]})
    missing = client.get(f"/api/v1/complaints/{receipt['ticket']}")
    assert wrong.status_code == unknown.status_code == missing.status_code == 404
    assert wrong.get_json() == unknown.get_json() == missing.get_json()


def test_categories_lists_codes_for_every_channel(client):
    body = client.get("/api/v1/categories").get_json()
    codes = {item["code"] for item in body["complaints"]}
    assert {"ktp-el", "kk", "akta-lahir", "pindah-datang"} <= codes
    assert body["gratification_items"] and body["wbs"]
    assert all(item["label"] for item in body["complaints"])


def test_openapi_document_describes_the_endpoints(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    assert "/complaints" in doc["paths"] and "/complaints/{ticket}" in doc["paths"]
    enum = doc["paths"]["/complaints"]["post"]["requestBody"]["content"]["application/json"]["schema"]["properties"]["category"]["enum"]
    assert "ktp-el" in enum


def test_api_sets_no_cookie(client):
    response = client.post("/api/v1/complaints", json=GOOD)
    assert "Set-Cookie" not in response.headers


def test_invalid_fields_get_422_with_messages_and_store_nothing(client, app):
    bad = dict(GOOD, category="nope", description="pendek", nik="12345", email="bukan-surel",
               incident_date="2999-01-01", privacy="public")
    response = client.post("/api/v1/complaints", json=bad)
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert set(errors) >= {"category", "description", "nik", "email", "incident_date", "privacy"}
    assert "20" in errors["description"][0]
    assert count(app) == 0


def test_wrong_types_and_control_characters_are_refused(client, app):
    for body in (
        dict(GOOD, description=12345),
        dict(GOOD, description=["a" * 30]),
        dict(GOOD, name={"x": 1}),
        dict(GOOD, description="Teks dengan NUL \x00 karakter yang cukup panjang"),
        dict(GOOD, incident_date="15/01/2026"),
        dict(GOOD, incident_date="2026-02-30"),
        dict(GOOD, description="x" * 10_001),
    ):
        response = client.post("/api/v1/complaints", json=body)
        assert response.status_code == 422, body
    assert count(app) == 0


def test_malformed_json_is_400(client, app):
    for raw in (b"{not json", b"[1, 2]", b'"text"', b"", b"\xff\xfe"):
        response = client.post("/api/v1/complaints", data=raw, content_type="application/json")
        assert response.status_code == 400, raw
        assert response.is_json
    assert count(app) == 0


def test_unsupported_media_type_is_415(client, app):
    response = client.post("/api/v1/complaints", data="category=ktp-el", content_type="text/plain")
    assert response.status_code == 415
    assert count(app) == 0


def test_oversized_body_is_413(client, app):
    huge = json.dumps(dict(GOOD, description="x" * (30 * 1024 * 1024)))
    response = client.post("/api/v1/complaints", data=huge, content_type="application/json")
    assert response.status_code == 413
    assert response.is_json
    assert count(app) == 0


def test_multipart_with_a_refused_file_type_is_415(client, app):
    data = dict(GOOD)
    data["files"] = [(io.BytesIO(b"#!/bin/sh\necho owned\n"), "foto.jpg")]
    response = client.post("/api/v1/complaints", data=data, content_type="multipart/form-data")
    assert response.status_code == 415
    assert "files" in response.get_json()["errors"]
    assert count(app) == 0


def test_multipart_with_a_real_photo_is_accepted(client, app):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, "JPEG")
    data = dict(GOOD)
    data["files"] = [(io.BytesIO(buffer.getvalue()), "bukti.jpg")]
    response = client.post("/api/v1/complaints", data=data, content_type="multipart/form-data")
    assert response.status_code == 201
    with app.app_context():
        complaint = db.session.scalar(select(Complaint))
        assert len(complaint.attachments) == 1
        assert complaint.attachments[0].content_type == "image/jpeg"


def test_idempotency_key_gives_the_same_ticket(client, app):
    headers = {"Idempotency-Key": "retry-key-0123456789abcdef"}
    first = client.post("/api/v1/complaints", json=GOOD, headers=headers)
    second = client.post("/api/v1/complaints", json=GOOD, headers=headers)
    assert first.status_code == 201 and second.status_code == 200
    assert first.get_json()["ticket"] == second.get_json()["ticket"]
    assert first.get_json()["access_code"] == second.get_json()["access_code"]
    assert count(app) == 1


def test_tickets_are_sequential_per_year(client):
    tickets = [client.post("/api/v1/complaints", json=GOOD).get_json()["ticket"] for _ in range(3)]
    numbers = [int(t.rsplit("-", 1)[1]) for t in tickets]
    assert numbers == [numbers[0], numbers[0] + 1, numbers[0] + 2]
