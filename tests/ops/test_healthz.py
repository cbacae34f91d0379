"""GET /healthz: database reachability for a load balancer, and not one word more."""
from __future__ import annotations

import secrets

import pytest

from support import free_port
from portal import create_app
from portal.extensions import db, limiter

OK = {"status": "ok", "database": "ok"}
DOWN = {"status": "error", "database": "unreachable"}


def test_healthz_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == OK
    assert response.mimetype == "application/json"
    assert "Set-Cookie" not in response.headers
    assert not [h for h in response.headers.keys() if h.lower().startswith(("x-ratelimit", "server", "x-powered"))]


@pytest.fixture
def unreachable_app(tmp_path, backend):
    """The app as a worker builds it, pointed at a database that is not there."""
    if backend == "postgresql":
        url = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/test"  # nothing listens there
        secret_bit = str(url.rsplit(":", 1)[1].split("/")[0])
    else:
        missing = tmp_path / "no-such-dir" / "deeper"
        url = "sqlite:///" + str(missing / "portal.db")
        secret_bit = "no-such-dir"
    app = create_app({"PORTAL_ENV": "testing", "instance_path": str(tmp_path / "instance"),
                      "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "test-" + secrets.token_hex(16)})
    app.extensions["test_secret_bit"] = secret_bit
    yield app
    with app.app_context():
        db.engine.dispose()


def test_healthz_answers_503_and_nothing_else_when_the_database_is_unreachable(unreachable_app):
    response = unreachable_app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == DOWN
    body = response.get_data(as_text=True)
    # Neither the error text, the driver, the path nor the port leaks.
    for word in ("sqlite", "psycopg", "OperationalError", "Traceback", unreachable_app.extensions["test_secret_bit"]):
        assert word.lower() not in body.lower()
    assert "Set-Cookie" not in response.headers


@pytest.fixture
def isolated_application_limits():
    """Flask-Limiter keeps application-wide limits on the one shared limiter object (PortalLimiter
    makes only storage, switch and key prefix per app), so an app built with RATELIMIT_APPLICATION
    would impose it on every app built after it in this process. Put the old list back."""
    manager = limiter.limit_manager
    saved = manager._application_limits
    manager.set_application_limits([])
    yield
    manager.set_application_limits(saved)


def test_healthz_is_not_rate_limited(app_factory, isolated_application_limits):
    app = app_factory(RATELIMIT_ENABLED=True, RATELIMIT_APPLICATION="3 per minute")
    client = app.test_client()
    assert [client.get("/healthz").status_code for _ in range(25)] == [200] * 25
    # The same limit does hold on an ordinary page, so the check above is not vacuous.
    assert [client.get("/prosedur-pengaduan").status_code for _ in range(4)] == [200, 200, 200, 429]


def test_healthz_sets_no_cookie_even_for_a_visitor_with_a_session(client):
    client.get("/pengaduan/baru")  # a form page: this visitor now holds a session cookie
    response = client.get("/healthz")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
