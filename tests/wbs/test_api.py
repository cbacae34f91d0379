"""The WBS API (CONTRACT.md) and the form: one service, clear 4xx answers, nothing stored on refusal."""
from __future__ import annotations

import io

from sqlalchemy import func, select

from portal.extensions import db
from portal.models.wbs import WbsTip
from wbs_helpers import TIP, form_post, png_with_text, submit_api
from wbs_helpers import team  # noqa: F401  (fixture)


def _tips(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(WbsTip))


def test_contract_round_trip(app, team):
    client = app.test_client()
    created = client.post("/api/v1/wbs/tips", json=TIP)
    assert created.status_code == 201 and set(created.get_json()) == {"receipt"}
    assert "Set-Cookie" not in created.headers
    receipt = created.get_json()["receipt"]
    mailbox = client.get("/api/v1/wbs/tips/me", headers={"X-Receipt": receipt})
    body = mailbox.get_json()
    assert mailbox.status_code == 200 and body["status"] == "received" and body["messages"] == []
    assert body["status_label"] == "Diterima" and body["category"] == "suap-pungli"
    assert "what" not in body  # the mailbox never echoes the report itself
    posted = client.post("/api/v1/wbs/tips/me/messages", json={"body": "Saya punya rekaman."},
                         headers={"X-Receipt": receipt})
    assert posted.status_code == 201
    files = client.post("/api/v1/wbs/tips/me/files", headers={"X-Receipt": receipt},
                        data={"files": [(io.BytesIO(png_with_text("x")), "rekaman.png")]},
                        content_type="multipart/form-data")
    assert files.status_code == 201 and files.get_json() == {"stored": 1}
    body = client.get("/api/v1/wbs/tips/me", headers={"X-Receipt": receipt}).get_json()
    assert [m["body"] for m in body["messages"]] == ["Saya punya rekaman."]
    assert body["messages"][0]["from"] == "reporter" and body["attachments"][0]["name"] == "rekaman.png"
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"/wbs/tips", "/wbs/tips/me", "/wbs/tips/me/messages"} <= set(paths)


def test_refusals_are_4xx_and_store_nothing(app, team):
    client = app.test_client()
    short = client.post("/api/v1/wbs/tips", json={"what": "terlalu pendek"})
    assert short.status_code == 422 and "what" in short.get_json()["errors"]
    assert client.post("/api/v1/wbs/tips", json={**TIP, "category": "tidak-ada"}).status_code == 422
    assert client.post("/api/v1/wbs/tips", data="{not json", content_type="application/json").status_code == 400
    assert client.post("/api/v1/wbs/tips", data="x", content_type="text/plain").status_code == 415
    assert client.post("/api/v1/wbs/tips", json={**TIP, "what": ["list"]}).status_code == 422
    bad_file = client.post("/api/v1/wbs/tips", data={**TIP, "files": [(io.BytesIO(b"MZ\x90\x00exe"), "a.exe")]},
                           content_type="multipart/form-data")
    assert bad_file.status_code == 415
    receipt = submit_api(client)
    assert client.post("/api/v1/wbs/tips/me/messages", json={"body": "  "},
                       headers={"X-Receipt": receipt}).status_code == 422
    assert _tips(app) == 1

    # The HTML form: validation in the page, honeypot refused, nothing stored.
    page = form_post(client, "/wbs/kirim", "/wbs/kirim", {"what": "pendek", "website": ""})
    assert page.status_code == 422 and "minimal 20 karakter" in page.get_data(as_text=True)
    bot = form_post(client, "/wbs/kirim", "/wbs/kirim", {**TIP, "website": "http://spam"})
    assert bot.status_code == 400
    refused = form_post(client, "/wbs/kirim", "/wbs/kirim",
                        {**TIP, "files": [(io.BytesIO(b"not an image"), "x.png")]}, content_type="multipart/form-data")
    assert refused.status_code == 415 and "bukan foto" in refused.get_data(as_text=True)
    assert _tips(app) == 1


def test_public_pages_are_private_and_self_contained(app):
    client = app.test_client()
    for url in ("/wbs", "/wbs/kirim", "/wbs/kotak"):
        response = client.get(url)
        html = response.get_data(as_text=True)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "no-store"
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert "<script" not in html
        assert 'src="http' not in html and 'href="http' not in html.replace('href="http://portal.test', "")
    assert "/wbs" in client.get("/").get_data(as_text=True)
