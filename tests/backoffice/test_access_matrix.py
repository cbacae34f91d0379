"""Every route of the app walked by an anonymous visitor and by each role: nobody reaches what is not theirs."""
from __future__ import annotations

import re

import pytest
from werkzeug.routing import BuildError

from portal.auth.access import PUBLIC
from staff import ROLE_EMAILS, csrf

# Blueprints whose every route is for the public (citizens, whistleblowers, API clients).
PUBLIC_BLUEPRINTS = {"public", "complaints", "api", "i18n", "gratification", "whistle", "reports_public", None}
ROLES = list(ROLE_EMAILS)


def _routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        view = app.view_functions[rule.endpoint]
        blueprint = rule.endpoint.rsplit(".", 1)[0] if "." in rule.endpoint else None
        yield rule, view, blueprint


def test_every_back_office_route_declares_its_roles(app):
    undeclared = []
    for rule, view, blueprint in _routes(app):
        roles = getattr(view, "portal_roles", None)
        if blueprint in PUBLIC_BLUEPRINTS and roles is None:
            continue
        if roles is None:
            undeclared.append(rule.rule)
    assert undeclared == []


def _url(app, rule, values):
    args = {}
    for name in rule.arguments:
        converter = rule._converters[name].__class__.__name__
        args[name] = 1 if "Integer" in converter else values.get(name, "x")
    with app.test_request_context():
        from flask import url_for
        try:
            return url_for(rule.endpoint, **args)
        except BuildError:
            return None


@pytest.fixture
def known(app, client):
    """Real identifiers so routes with parameters reach their view, not a 404."""
    from samples import COMPLAINT

    ticket = client.post("/api/v1/complaints", json=COMPLAINT).get_json()["ticket"]
    return {"ticket": ticket}


def test_role_route_matrix(app, staff, known):
    clients = {"anonymous": app.test_client()}
    for role in ROLES:
        clients[role] = staff.login(app.test_client(), ROLE_EMAILS[role])
    checked = 0
    for rule, view, blueprint in _routes(app):
        roles = getattr(view, "portal_roles", None)
        if roles is None or roles == PUBLIC:
            continue
        url = _url(app, rule, known)
        if url is None:
            continue
        for who, client in clients.items():
            allowed = who != "anonymous" and ("*" in roles or who in roles)
            if "GET" in rule.methods:
                response = client.get(url)
                if allowed:
                    assert response.status_code in (200, 404), (who, url, response.status_code)
                else:
                    assert response.status_code in (302, 401, 403), (who, url, response.status_code)
                    if response.status_code == 302:
                        assert "/kantor/masuk" in response.headers["Location"], (who, url)
                checked += 1
            elif "POST" in rule.methods and not allowed:
                token = csrf(client.get("/kantor/masuk").get_data(as_text=True)) if who == "anonymous" else \
                    csrf(client.get("/kantor/akun/sandi").get_data(as_text=True))
                response = client.post(url, data={"csrf_token": token})
                assert response.status_code in (401, 403), (who, url, response.status_code)
                checked += 1
    assert checked > 20


def test_a_handler_of_one_channel_never_sees_another_channels_case(app, staff, known):
    for role in ("gratification", "wbs", "leader", "admin"):
        client = staff.login(app.test_client(), ROLE_EMAILS[role])
        response = client.get(f"/kantor/pengaduan/{known['ticket']}")
        assert response.status_code == 403, role
        assert "Siti" not in response.get_data(as_text=True)
