"""Idempotency-Key (CONTRACT.md): the same key and body replays, another body is a 422, a bad key is refused."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Complaint, GratificationReport

from gratification_samples import REPORT
from samples import COMPLAINT

KEY = "retry-key-0123456789abcdef"


def count(app, model=Complaint) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_same_key_with_another_body_is_refused_and_reveals_nothing(client, app):
    first = client.post("/api/v1/complaints", json=COMPLAINT, headers={"Idempotency-Key": KEY})
    assert first.status_code == 201
    stranger = {**COMPLAINT, "name": "Orang Lain", "description": "Isi pengaduan lain yang cukup panjang sekali."}
    second = client.post("/api/v1/complaints", json=stranger, headers={"Idempotency-Key": KEY})
    assert second.status_code == 422
    text = second.get_data(as_text=True)
    assert first.get_json()["ticket"] not in text and first.get_json()["access_code"] not in text
    assert "Idempotency-Key" in second.get_json()["errors"]
    assert count(app) == 1


def test_same_key_and_same_body_in_another_key_order_replays(client, app):
    first = client.post("/api/v1/complaints", json=COMPLAINT, headers={"Idempotency-Key": KEY})
    reordered = dict(reversed(list(COMPLAINT.items())))
    second = client.post("/api/v1/complaints", json=reordered, headers={"Idempotency-Key": KEY})
    assert second.status_code == 200
    assert second.get_json()["ticket"] == first.get_json()["ticket"]
    assert second.get_json()["access_code"] == first.get_json()["access_code"]
    assert count(app) == 1


def _multipart(photo: bytes) -> dict:
    return {**COMPLAINT, "files": [(io.BytesIO(photo), "bukti.png")]}


def _png(colour: str) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), colour).save(out, "PNG")
    return out.getvalue()


def test_multipart_replay_is_bound_to_the_file_bytes(client, app):
    headers = {"Idempotency-Key": KEY}
    first = client.post("/api/v1/complaints", data=_multipart(_png("red")), headers=headers,
                        content_type="multipart/form-data")
    assert first.status_code == 201
    again = client.post("/api/v1/complaints", data=_multipart(_png("red")), headers=headers,
                        content_type="multipart/form-data")
    assert again.status_code == 200 and again.get_json()["ticket"] == first.get_json()["ticket"]
    other = client.post("/api/v1/complaints", data=_multipart(_png("blue")), headers=headers,
                        content_type="multipart/form-data")
    assert other.status_code == 422
    assert count(app) == 1


@pytest.mark.parametrize("key", ["short", "x" * 129, "kunci dengan spasi 0123456789", "kunci-é-0123456789abc"])
def test_key_outside_the_allowed_form_is_refused_not_ignored(client, app, key):
    response = client.post("/api/v1/complaints", json=COMPLAINT, headers={"Idempotency-Key": key})
    assert response.status_code == 422
    assert "Idempotency-Key" in response.get_json()["errors"]
    assert count(app) == 0


def test_gratification_key_with_another_body_is_refused(client, app):
    report_data = dict(REPORT)
    headers = {"Idempotency-Key": "grt-" + KEY}
    first = client.post("/api/v1/gratifications", json=report_data, headers=headers)
    assert first.status_code == 201
    second = client.post("/api/v1/gratifications", json={**report_data, "reporter_name": "Orang Lain"},
                         headers=headers)
    assert second.status_code == 422
    assert first.get_json()["access_code"] not in second.get_data(as_text=True)
    assert client.post("/api/v1/gratifications", json=report_data, headers=headers).status_code == 200
    assert count(app, GratificationReport) == 1
