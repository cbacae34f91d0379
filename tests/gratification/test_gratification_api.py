"""The gratification API of CONTRACT.md: contract fields, look-up, bad input that stores nothing."""
from __future__ import annotations

import io
import json
import re
from datetime import date

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import GratificationReport


def jpeg(size=(40, 30)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, "JPEG")
    return buffer.getvalue()


def test_submit_answers_the_contract_fields(client, app, today, report_data):
    response = client.post("/api/v1/gratifications", json=report_data)
    assert response.status_code == 201
    body = response.get_json()
    assert {"ticket", "access_code", "report_deadline", "late", "exemption_hint", "status", "submitted_at"} <= set(body)
    assert re.fullmatch(r"GRT-2026-\d{6}", body["ticket"])
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", body["access_code"])
    assert body["status"] == "reported"
    assert body["report_deadline"] == "2026-03-31"  # 7 Feb + 30 working days: Imlek 16-17 Feb, Nyepi and Lebaran 18-24 Mar
    assert body["late"] is False
    assert response.headers["Location"].endswith(body["ticket"])
    assert "Set-Cookie" not in response.headers
    with app.app_context():
        report = db.session.scalar(select(GratificationReport))
        assert body["access_code"] not in report.access_code_hash
        assert (report.reporter_name, report.reporter_nip, report.estimated_value) == (
            "Rina Marlina", "198705122010012003", 1_200_000)
        assert report.exemption_rule == "pernikahan-adat"
        assert report.forward_due_on is not None and report.due_on is not None


def test_refusal_reports_start_as_reported_too(client, today, report_data):
    body = client.post("/api/v1/gratifications", json=dict(report_data, action="refused")).get_json()
    assert body["status"] == "reported" and body["exemption_hint"] is None


def test_lookup_with_code_shows_status_deadline_and_timeline_without_personal_data(client, today, report_data):
    receipt = client.post("/api/v1/gratifications", json=report_data).get_json()
    response = client.get(f"/api/v1/gratifications/{receipt['ticket'].lower()}",
                          headers={"X-Access-Code": receipt["access_code"].replace("-", " ").lower()})
    assert response.status_code == 200
    body = response.get_json()
    assert {"ticket", "status", "category", "submitted_at", "report_deadline", "late", "timeline"} <= set(body)
    assert body["category"] == "uang" and body["status"] == "reported"
    assert body["report_deadline"] == receipt["report_deadline"] and body["late"] is False
    assert body["timeline"][0]["kind"] == "submitted"
    raw = response.get_data(as_text=True)
    for secret in ("Rina", "198705122010012003", "0812", "rina@example.org", "Teman SMA"):
        assert secret not in raw


def test_wrong_code_unknown_ticket_and_missing_code_look_the_same(client, today, report_data):
    receipt = client.post("/api/v1/gratifications", json=report_data).get_json()
    wrong = client.get(f"/api/v1/gratifications/{receipt['ticket']}", headers={"X-Access-Code": "AAAA-BBBB-CCCC"})
    unknown = client.get("/api/v1/gratifications/GRT-2026-999999", headers={"X-Access-Code": receipt["access_code"]})
    missing = client.get(f"/api/v1/gratifications/{receipt['ticket']}")
    assert wrong.status_code == unknown.status_code == missing.status_code == 404
    assert wrong.get_json() == unknown.get_json() == missing.get_json()


def test_a_complaint_code_does_not_open_a_gratification_report(client, today, report_data):
    from samples import COMPLAINT

    complaint = client.post("/api/v1/complaints", json=COMPLAINT).get_json()
    assert client.get(f"/api/v1/gratifications/{complaint['ticket']}",
                      headers={"X-Access-Code": complaint["access_code"]}).status_code == 404


@pytest.mark.parametrize("change, field", [
    ({"reporter_nip": "19870512201001200"}, "reporter_nip"),              # 17 digits
    ({"reporter_nip": "1987051220100120031"}, "reporter_nip"),            # 19 digits
    ({"reporter_nip": "19870512201001200A"}, "reporter_nip"),
    ({"reporter_nip": "198713122010012003"}, "reporter_nip"),             # month 13 in the birth date
    ({"estimated_value": -750_000}, "estimated_value"),
    ({"estimated_value": 0}, "estimated_value"),
    ({"estimated_value": 10 ** 15}, "estimated_value"),
    ({"estimated_value": 1.5}, "estimated_value"),
    ({"estimated_value": "satu juta"}, "estimated_value"),
    ({"estimated_value": True}, "estimated_value"),
    ({"received_on": "2026-02-21"}, "received_on"),                       # tomorrow
    ({"received_on": "1979-12-31"}, "received_on"),                       # before the earliest date
    ({"received_on": "2009-12-31"}, "received_on"),                       # before the NIP's appointment (2010-01)
    ({"received_on": "07/02/2026"}, "received_on"),
    ({"received_on": "2026-02-30"}, "received_on"),
    ({"received_on": None}, "received_on"),
    ({"item_type": "emas"}, "item_type"),
    ({"giver_relation": "atasan"}, "giver_relation"),
    ({"occasion": "natal"}, "occasion"),
    ({"action": "diterima"}, "action"),
    ({"action": None}, "action"),
    ({"reporter_name": ""}, "reporter_name"),
    ({"reporter_name": {"x": 1}}, "reporter_name"),
    ({"reporter_phone": None, "reporter_email": None}, "reporter_phone"),
    ({"reporter_email": "bukan-surel"}, "reporter_email"),
    ({"description": "pendek"}, "description"),
    ({"description": "Teks dengan NUL \x00 yang cukup panjang"}, "description"),
    ({"deposited_with_upg": "mungkin"}, "deposited_with_upg"),
])
def test_bad_fields_get_422_with_a_message_and_store_nothing(client, today, stored, report_data, change, field):
    response = client.post("/api/v1/gratifications", json={**report_data, **change})
    assert response.status_code == 422, response.get_json()
    errors = response.get_json()["errors"]
    assert field in errors and all(errors[field]), errors
    assert stored() == (0, 0)


def test_absurd_value_message_says_what_is_wrong(client, today, report_data):
    errors = client.post("/api/v1/gratifications", json=dict(report_data, estimated_value=10 ** 15)).get_json()["errors"]
    assert "Rp100.000.000.000" in errors["estimated_value"][0]
    errors = client.post("/api/v1/gratifications", json=dict(report_data, estimated_value=-1)).get_json()["errors"]
    assert "lebih dari Rp0" in errors["estimated_value"][0]


def test_value_may_be_written_the_indonesian_way_or_left_out(client, app, today, report_data):
    assert client.post("/api/v1/gratifications", json=dict(report_data, estimated_value="Rp 1.200.000")).status_code == 201
    unknown = dict(report_data)
    del unknown["estimated_value"], unknown["giver_name"]  # DOMAIN.md sample 10: the UPG asks later
    assert client.post("/api/v1/gratifications", json=unknown).status_code == 201
    with app.app_context():
        values = db.session.scalars(select(GratificationReport.estimated_value).order_by(GratificationReport.id)).all()
    assert values == [1_200_000, None]


def test_a_receipt_more_than_two_years_back_needs_a_confirmation(client, today, stored, report_data):
    old = dict(report_data, received_on="2023-06-01", occasion="lainnya")
    response = client.post("/api/v1/gratifications", json=old)
    assert response.status_code == 422
    message = response.get_json()["errors"]["received_on_confirmed"][0]
    assert "2023-06-01" in message and "2 tahun" in message
    assert stored() == (0, 0)
    confirmed = client.post("/api/v1/gratifications", json=dict(old, received_on_confirmed=True))
    assert confirmed.status_code == 201
    assert confirmed.get_json()["late"] is True


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", b'"text"', b"", b"\xff\xfe", b"NaN"])
def test_malformed_json_is_400(client, stored, raw):
    response = client.post("/api/v1/gratifications", data=raw, content_type="application/json")
    assert response.status_code == 400 and response.is_json
    assert stored() == (0, 0)


def test_unsupported_media_type_is_415(client, stored):
    response = client.post("/api/v1/gratifications", data="action=accepted", content_type="text/plain")
    assert response.status_code == 415
    assert stored() == (0, 0)


def _multipart(report_data, files):
    data = {k: str(v) for k, v in report_data.items()}
    data["files"] = files
    return data


def test_multipart_with_a_refused_file_type_is_415_and_stores_nothing(client, app, today, stored, report_data):
    files = [(io.BytesIO(jpeg()), "parsel.jpg"), (io.BytesIO(b"#!/bin/sh\necho owned\n"), "foto.jpg")]
    response = client.post("/api/v1/gratifications", data=_multipart(report_data, files), content_type="multipart/form-data")
    assert response.status_code == 415
    assert "files" in response.get_json()["errors"]
    assert stored() == (0, 0)
    uploads = app.instance_path + "/uploads"
    import os
    assert not os.path.exists(uploads) or not any(files for _root, _dirs, files in os.walk(uploads))


def test_oversized_attachment_is_413_and_stores_nothing(client, app, today, stored, report_data):
    app.config["ATTACHMENT_MAX_BYTES"] = 1024
    files = [(io.BytesIO(jpeg((400, 400)) + b"\0" * 2048), "besar.jpg")]
    response = client.post("/api/v1/gratifications", data=_multipart(report_data, files), content_type="multipart/form-data")
    assert response.status_code == 413
    assert stored() == (0, 0)


def test_multipart_with_a_photo_stores_the_attachment(client, app, today, stored, report_data):
    files = [(io.BytesIO(jpeg()), "amplop.jpg")]
    response = client.post("/api/v1/gratifications", data=_multipart(report_data, files), content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    assert stored() == (1, 1)
    with app.app_context():
        report = db.session.scalar(select(GratificationReport))
        assert report.attachments[0].content_type == "image/jpeg"
        assert report.deposited_with_upg is False and report.estimated_value == 1_200_000


def test_idempotency_key_gives_the_same_ticket_once(client, today, stored, report_data):
    headers = {"Idempotency-Key": "grt-retry-0123456789abcdef"}
    first = client.post("/api/v1/gratifications", json=report_data, headers=headers)
    second = client.post("/api/v1/gratifications", json=report_data, headers=headers)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.get_json()["ticket"] == second.get_json()["ticket"]
    assert first.get_json()["access_code"] == second.get_json()["access_code"]
    assert first.get_json()["exemption_hint"] == second.get_json()["exemption_hint"]
    assert stored() == (1, 0)


def test_receipt_mail_is_queued_with_ticket_and_deadline(client, app, today, report_data):
    from portal.models import OutboxMail

    receipt = client.post("/api/v1/gratifications", json=report_data).get_json()
    with app.app_context():
        mail = db.session.scalar(select(OutboxMail))
        assert mail.recipient == "rina@example.org" and mail.kind == "gratification-receipt"
        assert receipt["ticket"] in mail.body and receipt["access_code"] in mail.body
        assert "2026-03-31" in mail.body and "/gratifikasi/status" in mail.body


def test_openapi_document_describes_the_gratification_endpoints(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    post = doc["paths"]["/gratifications"]["post"]
    schema = post["requestBody"]["content"]["application/json"]["schema"]
    assert {"reporter_name", "reporter_nip", "reporter_position", "giver_name", "giver_relation", "item_type",
            "estimated_value", "received_on", "action", "description"} <= set(schema["properties"])
    assert "uang" in schema["properties"]["item_type"]["enum"]
    assert "pernikahan-adat" in schema["properties"]["occasion"]["enum"]
    receipt = post["responses"]["201"]["content"]["application/json"]["schema"]
    assert {"ticket", "access_code", "report_deadline", "late", "exemption_hint"} <= set(receipt["required"])
    assert "/gratifications/{ticket}" in doc["paths"]
    json.dumps(doc)


def test_lone_surrogates_in_json_are_422_not_a_crash(client, today, stored, report_data):
    body = json.dumps(dict(report_data, reporter_name="PLACEHOLDER")).replace("PLACEHOLDER", "Rina \\ud800")
    response = client.post("/api/v1/gratifications", data=body, content_type="application/json")
    assert response.status_code == 422
    assert "reporter_name" in response.get_json()["errors"]
    assert stored() == (0, 0)
