"""Malformed input answers 4xx, never 5xx: deep JSON, control characters in `next`, Unicode digits."""
from __future__ import annotations

import pytest

from samples import COMPLAINT
from staff import ROLE_EMAILS, csrf
from wbs_helpers import submit_api, team  # noqa: F401  (fixture)

DEEP_JSON = "[" * 2000 + "]" * 2000
DEEP_OBJECT = '{"a":' * 2000 + "1" + "}" * 2000
UNICODE_DIGITS = ["²", "٣", "１２", "¹⁰", "𝟗", "-1", "1e3", "9" * 40]


def _api_posts(app) -> list[str]:
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/") and "POST" in rule.methods:
            with app.test_request_context():
                urls.append(rule.rule.replace("<ticket>", "PGD-2026-000001"))
    return sorted(urls)


@pytest.mark.parametrize("body", [DEEP_JSON, DEEP_OBJECT], ids=["array", "object"])
def test_deeply_nested_json_is_a_400_on_every_api_post(app, client, team, body):
    receipt = submit_api(client)
    urls = _api_posts(app)
    assert "/api/v1/complaints" in urls and "/api/v1/wbs/tips/me/messages" in urls
    for url in urls:
        response = client.post(url, data=body, content_type="application/json", headers={"X-Receipt": receipt})
        assert 400 <= response.status_code < 500, (url, response.status_code)
    # The public submission endpoints say why.
    response = client.post("/api/v1/complaints", data=body, content_type="application/json")
    assert response.status_code == 400 and response.get_json()["error"] == "malformed JSON"


@pytest.mark.parametrize("nxt", ["/laporan\r\nSet-Cookie: a=b", "/laporan\n", "/\x1bx", "/\\evil.example",
                                 "/laporan\tx", "https://evil.example/", "//evil.example"])
def test_language_switch_with_hostile_next_goes_home(client, nxt):
    response = client.get("/bahasa/en", query_string={"next": nxt})
    assert response.status_code == 302
    assert response.headers["Location"] in ("/", "http://localhost/")
    assert "\n" not in str(response.headers) .replace("\r\n", "")


def test_language_switch_keeps_a_plain_path(client):
    response = client.get("/bahasa/en", query_string={"next": "/laporan?kanal=wbs"})
    assert response.headers["Location"].endswith("/laporan?kanal=wbs")


def test_sign_in_with_crlf_in_next_lands_on_the_dashboard(app, staff):
    client = app.test_client()
    email = ROLE_EMAILS["complaints"]
    nxt = "/kantor/pengaduan\r\nSet-Cookie: injected=1"
    page = client.get("/kantor/masuk", query_string={"next": nxt}).get_data(as_text=True)
    response = client.post("/kantor/masuk", query_string={"next": nxt},
                           data={"csrf_token": csrf(page), "email": email, "password": staff_password()})
    assert response.status_code == 302
    page = client.get("/kantor/masuk/verifikasi").get_data(as_text=True)
    response = client.post("/kantor/masuk/verifikasi", data={"csrf_token": csrf(page), "code": staff.code(email)})
    assert response.status_code == 302
    assert "injected" not in response.headers["Location"]
    assert "Set-Cookie" not in response.headers or "injected" not in response.headers.get("Set-Cookie", "")


def staff_password() -> str:
    from staff import PASSWORD
    return PASSWORD


def _backoffice_pages(app) -> list[str]:
    pages = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/kantor") and "GET" in rule.methods and not rule.arguments:
            pages.append(rule.rule)
    return sorted(pages)


@pytest.mark.parametrize("digits", UNICODE_DIGITS)
def test_unicode_digits_in_query_parameters_never_500(app, as_role, digits):
    pages = _backoffice_pages(app)
    assert "/kantor/pengaduan" in pages and "/kantor/admin/audit" in pages
    query = {name: digits for name in ("page", "tahun", "year", "id", "actor", "handler", "bulan", "limit")}
    for role in ROLE_EMAILS:
        client = as_role(role)
        for url in pages:
            if url.endswith(("/keluar", "/logout")):
                continue
            response = client.get(url, query_string=query)
            assert response.status_code < 500, (role, url, response.status_code)


def test_unicode_digit_page_falls_back_to_the_first_page(as_role):
    client = as_role("complaints")
    for value in ("²", "٣"):
        response = client.get("/kantor/pengaduan", query_string={"page": value})
        assert response.status_code == 200


def test_unicode_digit_year_is_reported_not_used(as_role):
    client = as_role("admin")
    response = client.get("/kantor/admin/libur", query_string={"tahun": "２０２６"})
    assert response.status_code == 200
    assert "Tahun tidak valid" in response.get_data(as_text=True)


def test_unicode_digit_handler_id_is_a_form_error(app, as_role, client):
    receipt = client.post("/api/v1/complaints", json=COMPLAINT).get_json()
    staff_client = as_role("complaints")
    page = f"/kantor/pengaduan/{receipt['ticket']}"
    token = csrf(staff_client.get(page).get_data(as_text=True))
    response = staff_client.post(page + "/penugasan", data={"csrf_token": token, "handler": "²"})
    assert response.status_code < 500
