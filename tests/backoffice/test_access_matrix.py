"""Every route of the app walked by an anonymous visitor and by each role: nobody reaches what is not theirs.

No route is exempt: each declares `public` (on the view or on its blueprint) or its roles, public
routes answer anonymous visitors, and role routes refuse anonymous visitors and every other role and
admit their own. A route that declares nothing is refused to everyone.
"""
from __future__ import annotations

import os

import pytest
from flask import Blueprint
from werkzeug.routing import BuildError

from portal.auth.access import ANY_ACCOUNT, PUBLIC, declaration
from staff import ROLE_EMAILS, csrf

ROLES = list(ROLE_EMAILS)
MISSING_ID = 2**31 - 1  # POSTs by the admitted roles aim at nothing, so the walk changes no record


def _url(app, rule, values, integer):
    args = {}
    for name in rule.arguments:
        converter = rule._converters[name].__class__.__name__
        args[name] = integer if "Integer" in converter else values.get(name, "x")
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
    static = sorted(os.listdir(os.path.join(app.static_folder, "css")))[0]
    return {"ticket": ticket, "survey": "ipak", "code": "en", "filename": f"css/{static}"}


def _token(client, signed_in: bool) -> str:
    return csrf(client.get("/kantor/akun/sandi" if signed_in else "/kantor/masuk").get_data(as_text=True))


def _sends_to_sign_in(response) -> bool:
    """The role guard's answer to an anonymous GET: the sign-in page, coming back here afterwards."""
    location = response.headers.get("Location", "")
    return response.status_code == 302 and "/kantor/masuk" in location and "next=" in location


def test_every_route_declares_public_or_its_roles(app):
    undeclared = [rule.rule for rule in app.url_map.iter_rules() if declaration(app, rule.endpoint) is None]
    assert undeclared == []


def test_an_undeclared_route_is_refused_to_everyone(app, staff):
    app.add_url_rule("/tanpa-deklarasi", "undeclared", lambda: "isi rahasia")
    extra = Blueprint("tambahan", __name__, url_prefix="/tambahan")
    extra.add_url_rule("/halaman", "page", lambda: "isi rahasia")
    app.register_blueprint(extra)
    assert declaration(app, "undeclared") is None and declaration(app, "tambahan.page") is None
    visitors = {"anonymous": app.test_client(), "admin": staff.login(app.test_client(), ROLE_EMAILS["admin"])}
    for who, client in visitors.items():
        for url in ("/tanpa-deklarasi", "/tambahan/halaman"):
            response = client.get(url)
            assert response.status_code == 403, (who, url)
            assert "isi rahasia" not in response.get_data(as_text=True)


def test_role_route_matrix(app, staff, known):
    clients = {"anonymous": app.test_client()}
    for role in ROLES:
        clients[role] = staff.login(app.test_client(), ROLE_EMAILS[role])
    tokens = {who: _token(client, who != "anonymous") for who, client in clients.items()}
    admitted_posts: dict[str, list[str]] = {who: [] for who in ROLES}
    checked = {"public": 0, "refused": 0, "admitted": 0}
    for rule in app.url_map.iter_rules():
        declared = declaration(app, rule.endpoint)
        url = _url(app, rule, known, 1)
        assert declared is not None and url is not None, rule.rule
        if declared == PUBLIC:
            anonymous = clients["anonymous"]
            response = anonymous.get(url) if "GET" in rule.methods else \
                anonymous.post(url, data={"csrf_token": tokens["anonymous"]})
            assert response.status_code not in (401, 403) and not _sends_to_sign_in(response), \
                (url, response.status_code)
            checked["public"] += 1
            continue
        for who, client in clients.items():
            allowed = who != "anonymous" and (ANY_ACCOUNT in declared or who in declared)
            if "GET" in rule.methods:
                response = client.get(url)
                if allowed:
                    assert response.status_code in (200, 404), (who, url, response.status_code)
                else:
                    assert response.status_code in (302, 401, 403), (who, url, response.status_code)
                    if response.status_code == 302:
                        assert _sends_to_sign_in(response), (who, url)
            elif allowed:
                admitted_posts[who].append(_url(app, rule, known, MISSING_ID))
                continue
            else:
                response = client.post(url, data={"csrf_token": tokens[who]})
                assert response.status_code in (401, 403), (who, url, response.status_code)
            checked["admitted" if allowed else "refused"] += 1
    # POST-only routes admit their roles (signing out last: it ends the session the others need).
    for who, urls in admitted_posts.items():
        for url in sorted(urls, key=lambda u: u == "/kantor/keluar"):
            response = clients[who].post(url, data={"csrf_token": tokens[who]})
            assert response.status_code not in (401, 403), (who, url, response.status_code)
            checked["admitted"] += 1
    assert checked["public"] > 40 and checked["refused"] > 200 and checked["admitted"] > 60, checked


def test_a_handler_of_one_channel_never_sees_another_channels_case(app, staff, known):
    for role in ("gratification", "wbs", "leader", "admin"):
        client = staff.login(app.test_client(), ROLE_EMAILS[role])
        response = client.get(f"/kantor/pengaduan/{known['ticket']}")
        assert response.status_code == 403, role
        assert "Siti" not in response.get_data(as_text=True)
