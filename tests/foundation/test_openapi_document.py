"""The OpenAPI document is generated: it names every API route of the app, and the body schema it
documents for a route is the very input schema that route's handler validates with."""
from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from portal.api import spec
from portal.validation import Schema


def _documented(client) -> set[tuple[str, str]]:
    doc = client.get("/api/v1/openapi.json").get_json()
    return {(path, method.upper()) for path, item in doc["paths"].items() for method in item}


def test_every_api_route_is_documented_and_nothing_else(app, client):
    routes = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)[len("/api/v1"):]
        routes |= {(path, method) for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert len(routes) >= 14
    assert _documented(client) == routes


def test_every_route_of_the_table_exists(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1/")}
    assert set(spec.ROUTES) == endpoints


def test_path_parameters_follow_the_url_map(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    report = doc["paths"]["/reports/{report_id}"]["get"]["parameters"]
    assert report == [{"name": "report_id", "in": "path", "required": True,
                       "schema": {"type": "integer", "minimum": 1}}]
    ticket = doc["paths"]["/complaints/{ticket}"]["get"]["parameters"]
    assert [(p["name"], p["in"]) for p in ticket] == [("ticket", "path"), ("X-Access-Code", "header")]


def test_documented_limits_come_from_the_schemas(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    complaint = doc["paths"]["/complaints"]["post"]["requestBody"]["content"]
    description = complaint["application/json"]["schema"]["properties"]["description"]
    assert (description["minLength"], description["maxLength"]) == (20, 10_000)
    assert complaint["multipart/form-data"]["schema"]["properties"]["files"]["maxItems"] == 5
    assert set(complaint["application/json"]["schema"]["required"]) == {"category", "description"}
    tip = doc["paths"]["/wbs/tips"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert tip["required"] == ["what"] and tip["properties"]["what"]["minLength"] == 20
    assert tip["properties"]["category"]["default"] == "lainnya"
    value = doc["paths"]["/gratifications"]["post"]["requestBody"]["content"]["application/json"]["schema"][
        "properties"]["estimated_value"]
    assert (value["type"], value["minimum"], value["maximum"]) == ("integer", 1, 100_000_000_000)


@pytest.fixture
def handlers_open_any_case(monkeypatch):
    """Lookups that find a case, so a message route reaches its validation with any ticket or receipt."""
    from portal.api import views, wbs
    from portal.complaints import services as complaint_services

    case = SimpleNamespace(ticket="PGD-2026-000001", status="verification")
    monkeypatch.setattr(complaint_services, "lookup", lambda *_args: case)
    monkeypatch.setattr(complaint_services, "is_closed", lambda _case: False)
    monkeypatch.setattr(wbs, "_opened", lambda: SimpleNamespace(tip=SimpleNamespace(id=1, status="new"), data_key=b""))
    assert views.complaint_services is complaint_services


def test_each_documented_body_is_what_the_handler_validates_with(app, client, monkeypatch, handlers_open_any_case):
    checked: list[type] = []
    original = Schema.check.__func__

    def spy(cls, data, **context):
        checked.append(cls)
        return original(cls, data, **context)

    monkeypatch.setattr(Schema, "check", classmethod(spy))
    with app.test_request_context():
        endpoints = {rule.endpoint: rule for rule in spec.api_rules()}
    with_body = {endpoint: route for endpoint, route in spec.ROUTES.items() if route.body is not None}
    assert len(with_body) >= 6
    for endpoint, route in with_body.items():
        rule = endpoints[endpoint]
        url = re.sub(r"<(?:\w+:)?(\w+)>", "PGD-2026-000001", rule.rule)
        checked.clear()
        response = client.post(url, json={}, headers={"X-Access-Code": "x", "X-Receipt": "1" * 16})
        assert response.status_code == 422, (endpoint, response.status_code, response.get_data(as_text=True))
        assert checked and checked[0] is route.body, (endpoint, checked)


def test_route_summaries_speak_the_request_language(client):
    def summaries(headers):
        doc = client.get("/api/v1/openapi.json", headers=headers).get_json()
        return {(path, method): op["summary"] for path, item in doc["paths"].items() for method, op in item.items()}

    default, indonesian, english = summaries({}), summaries({"Accept-Language": "id"}), summaries(
        {"Accept-Language": "en-GB,en;q=0.9"})
    assert default == indonesian
    assert indonesian[("/complaints", "post")] == "Menyampaikan pengaduan"
    assert english[("/complaints", "post")] == "File a complaint"
    # Every summary has its English in the catalogue.
    assert all(english[key] != indonesian[key] for key in indonesian)
    doc = client.get("/api/v1/openapi.json", headers={"Accept-Language": "en"}).get_json()
    assert doc["paths"]["/complaints/{ticket}/messages"]["post"]["description"].startswith("A case in Tertunda")
