"""Answering the SKM survey: the form without JavaScript, the kiosk, and the API; bad answers store nothing."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import SkmResponse

ANSWERS = {f"u{i}": 3 for i in range(1, 10)}
API_BODY = {"service": "ktp-el", "answers": ANSWERS, "sex": "perempuan", "age": "26-35", "education": "sma",
            "occupation": "wirausaha"}


def count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(SkmResponse))


def hidden(html: str) -> dict:
    return {name: re.search(rf'name="{name}" value="([^"]+)"', html).group(1)
            for name in ("csrf_token", "submission_key")}


def test_form_asks_the_nine_unsur_with_their_four_labels(client):
    html = client.get("/survei").get_data(as_text=True)
    for name in ("Persyaratan", "Sistem, mekanisme dan prosedur", "Waktu penyelesaian", "Biaya/tarif",
                 "Produk spesifikasi jenis pelayanan", "Kompetensi pelaksana", "Perilaku pelaksana",
                 "Penanganan pengaduan, saran dan masukan", "Sarana dan prasarana"):
        assert name in html
    assert html.index("Persyaratan") < html.index("Waktu penyelesaian") < html.index("Sarana dan prasarana")
    for label in ("Tidak sesuai", "Kurang sesuai", "Sangat sesuai", "Sangat mahal", "Gratis",
                  "Dikelola dengan baik", "Tidak sopan dan ramah"):
        assert label in html
    assert html.count('type="radio"') == 36
    assert "<script" not in html
    # No personal data is asked: no name, phone, e-mail or NIK field.
    for field in ("name", "phone", "email", "nik"):
        assert f'name="{field}"' not in html


def test_citizen_answers_and_only_the_day_is_kept(client, app):
    page = client.get("/survei").get_data(as_text=True)
    form = {**hidden(page), "service": "akta-lahir", **{k: str(v) for k, v in ANSWERS.items()}, "u4": "4",
            "suggestion": "Mohon tambah kursi di ruang tunggu."}
    response = client.post("/survei", data=form)
    assert response.status_code == 200
    assert "Terima kasih" in response.get_data(as_text=True)
    with app.app_context():
        row = db.session.scalar(select(SkmResponse))
        assert (row.service, row.u1, row.u4, row.suggestion_status) == ("akta-lahir", 3, 4, "pending")
        assert not hasattr(row, "submitted_at")
    # The same form sent again (double click) counts once.
    client.post("/survei", data=form)
    assert count(app) == 1


def test_form_error_keeps_the_input_and_stores_nothing(client, app):
    page = client.get("/survei").get_data(as_text=True)
    form = {**hidden(page), "service": "kk", **{k: str(v) for k, v in ANSWERS.items()}, "suggestion": "Antrean lama"}
    del form["u7"]
    response = client.post("/survei", data=form)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Perilaku pelaksana" in html and 'id="e-u7"' in html
    assert '<option value="kk" selected>' in html and "Antrean lama" in html
    assert html.count("checked") == 8
    assert count(app) == 0


def test_form_refuses_without_csrf_and_with_the_honeypot(client, app):
    form = {"service": "kk", **{k: str(v) for k, v in ANSWERS.items()}}
    assert client.post("/survei", data=form).status_code == 400
    page = client.get("/survei").get_data(as_text=True)
    assert client.post("/survei", data={**form, **hidden(page), "website": "http://spam"}).status_code == 400
    assert count(app) == 0


def test_kiosk_thanks_returns_to_a_blank_kiosk_form(client, app):
    page = client.get("/survei/kiosk").get_data(as_text=True)
    assert 'name="kiosk" value="1"' in page
    form = {**hidden(page), "kiosk": "1", "service": "kia", **{k: str(v) for k, v in ANSWERS.items()}}
    html = client.post("/survei", data=form).get_data(as_text=True)
    seconds = app.config["KIOSK_RETURN_SECONDS"]  # 8 on a real install (test_production_costs.py)
    assert f'<meta http-equiv="refresh" content="{seconds};url=/survei/kiosk">' in html
    assert 'href="/survei/kiosk"' in html
    assert 'name="kiosk" value="1"' in client.get("/survei?kiosk=1").get_data(as_text=True)
    assert count(app) == 1


def test_api_stores_one_answer(client, app):
    response = client.post("/api/v1/surveys/skm", json=API_BODY)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["service"] == "ktp-el"
    with app.app_context():
        row = db.session.scalar(select(SkmResponse))
        assert [getattr(row, k) for k in ANSWERS] == [3] * 9
        assert (row.sex, row.age, row.education, row.occupation, row.suggestion) == (
            "perempuan", "26-35", "sma", "wirausaha", None)


@pytest.mark.parametrize("change, field", [
    ({"answers": {**ANSWERS, "u3": 0}}, "answers.u3"),
    ({"answers": {**ANSWERS, "u9": 5}}, "answers.u9"),
    ({"answers": {**ANSWERS, "u1": "3"}}, "answers.u1"),
    ({"answers": {**ANSWERS, "u2": 2.5}}, "answers.u2"),
    ({"answers": {**ANSWERS, "u2": True}}, "answers.u2"),
    ({"answers": {k: v for k, v in ANSWERS.items() if k != "u5"}}, "answers.u5"),
    ({"answers": [3] * 9}, "answers"),
    ({"service": "paspor"}, "service"),
    ({"service": None}, "service"),
    ({"sex": "x"}, "sex"),
    ({"suggestion": "s" * 1001}, "suggestion"),
])
def test_api_refuses_bad_answers_with_422_and_stores_nothing(client, app, change, field):
    response = client.post("/api/v1/surveys/skm", json={**API_BODY, **change})
    assert response.status_code == 422
    assert field in response.get_json()["errors"]
    assert count(app) == 0


def test_api_and_categories_describe_the_survey(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    body = doc["paths"]["/surveys/skm"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body["properties"]["answers"]["required"] == [f"u{i}" for i in range(1, 10)]
    categories = client.get("/api/v1/categories").get_json()
    assert [u["code"] for u in categories["skm_unsur"]] == [f"u{i}" for i in range(1, 10)]
    assert [a["label"] for a in categories["skm_unsur"][3]["answers"]] == ["Sangat mahal", "Cukup mahal", "Murah",
                                                                          "Gratis"]
    assert {"skm_sex", "skm_age", "skm_education", "skm_occupation"} <= set(categories)


def test_survey_shares_the_submission_limits_and_keeps_the_input(app_factory):
    app = app_factory(RATELIMIT_SUBMIT="3 per minute")
    client = app.test_client()
    for i in range(3):
        page = client.get("/survei").get_data(as_text=True)
        form = {**hidden(page), "service": "kk", **{k: str(v) for k, v in ANSWERS.items()}}
        assert client.post("/survei", data=form).status_code == 200
    page = client.get("/survei").get_data(as_text=True)
    refused = client.post("/survei", data={**hidden(page), "service": "ikd", **{k: "2" for k in ANSWERS},
                                           "suggestion": "Antrean daring sering gagal."})
    assert refused.status_code == 429
    html = refused.get_data(as_text=True)
    assert "Terlalu banyak permintaan" in html and "Antrean daring sering gagal." in html
    assert '<option value="ikd" selected>' in html
    assert count(app) == 3
