"""Cached public pages (portal.pagecache): rendered once per publication or settings change, with
ETag/304 and gzip, never holding one visitor's session or CSRF token for another."""
from __future__ import annotations

import gzip
import re

import pytest
from sqlalchemy import update

from publish_support import Publisher
from staff import csrf

import report_dataset

pytestmark = pytest.mark.usefixtures("periods_ended")


def _another_host_bumps(app) -> None:
    """What a publication on another worker or host does: a new key in the database."""
    from portal.extensions import db
    from portal.models.settings import PageGeneration

    with app.app_context():
        db.session.execute(update(PageGeneration).values(token="from-another-host"))
        db.session.commit()


def test_home_is_rendered_once_until_the_key_changes(app, client, monkeypatch):
    import portal.reports.publication as pub

    calls = []
    real = pub.latest
    monkeypatch.setattr(pub, "latest", lambda limit=3: calls.append(limit) or real(limit))
    first = client.get("/")
    assert first.status_code == 200 and len(calls) == 1
    assert first.headers["Cache-Control"] == "no-cache" and first.headers["ETag"]
    assert first.headers["Last-Modified"]
    assert "frame-ancestors 'none'" in first.headers["Content-Security-Policy"]
    assert first.headers["X-Frame-Options"] == "DENY"
    second = client.get("/")
    assert second.get_data() == first.get_data() and len(calls) == 1  # from the cache
    assert second.headers["ETag"] == first.headers["ETag"]
    again = client.get("/", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and not again.get_data() and len(calls) == 1
    assert "frame-ancestors 'none'" in again.headers["Content-Security-Policy"]
    _another_host_bumps(app)
    fresh = client.get("/", headers={"If-None-Match": first.headers["ETag"]})
    assert fresh.status_code == 200 and len(calls) == 2
    assert fresh.headers["ETag"] != first.headers["ETag"]


def test_each_language_has_its_own_copy(client):
    indonesian = client.get("/").get_data(as_text=True)
    client.get("/bahasa/en?next=/")
    english = client.get("/").get_data(as_text=True)
    assert 'lang="id"' in indonesian and 'lang="en"' in english


def test_gzip_is_made_once_and_matches(client):
    plain = client.get("/")
    zipped = client.get("/", headers={"Accept-Encoding": "gzip, deflate"})
    assert zipped.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in zipped.headers["Vary"]
    assert gzip.decompress(zipped.get_data()) == plain.get_data()
    assert zipped.headers["ETag"] != plain.headers["ETag"]  # one validator per representation
    assert client.get("/", headers={"Accept-Encoding": "gzip", "If-None-Match": zipped.headers["ETag"]}).status_code == 304


def test_forms_are_never_cached_or_compressed(client):
    form = client.get("/pengaduan/baru", headers={"Accept-Encoding": "gzip"})
    assert form.headers["Cache-Control"] == "no-store"
    assert "ETag" not in form.headers and "Content-Encoding" not in form.headers


def test_a_cached_page_never_carries_another_visitors_token_or_session(app, monkeypatch):
    """Visitor A's render reads the session (a CSRF token): it is not kept, B gets a page of its own."""
    import portal.public as public
    from flask_wtf.csrf import generate_csrf

    real = public.render_template
    monkeypatch.setattr(public, "render_template",
                        lambda name, **kw: real(name, **kw).replace("</main>", f'<p id="t">{generate_csrf()}</p></main>'))
    a, b = app.test_client(), app.test_client()
    page_a = a.get("/")
    token_a = re.search(r'<p id="t">([^<]+)</p>', page_a.get_data(as_text=True))[1]
    assert "ETag" not in page_a.headers and page_a.headers["Cache-Control"] == "no-store"
    page_b = b.get("/")
    token_b = re.search(r'<p id="t">([^<]+)</p>', page_b.get_data(as_text=True))[1]
    assert token_b != token_a and token_a not in page_b.get_data(as_text=True)


def test_a_signed_in_visitor_and_a_stranger_share_only_the_public_bytes(app, as_role):
    staff_client = as_role("leader")
    token = csrf(staff_client.get("/kantor/laporan").get_data(as_text=True))
    staff_home = staff_client.get("/")
    stranger = app.test_client().get("/")
    assert token not in stranger.get_data(as_text=True)
    assert "Set-Cookie" not in stranger.headers
    assert stranger.get_data() == staff_home.get_data()  # the home page shows nothing of the visitor


def test_a_publication_changes_the_cached_pages(app, client, as_role):
    report_dataset.load(app)
    before = {path: client.get(path) for path in ("/", "/laporan", "/laporan/feed.atom")}
    for response in before.values():
        assert response.status_code == 200 and response.headers["ETag"]
    report_id = Publisher(app, as_role).publish("complaints", "2026-10")
    for path, old in before.items():
        new = client.get(path, headers={"If-None-Match": old.headers["ETag"]})
        assert new.status_code == 200, path
        assert f"/laporan/{report_id}" in new.get_data(as_text=True), path
    page = client.get(f"/laporan/{report_id}")
    assert page.headers["ETag"] and client.get(
        f"/laporan/{report_id}", headers={"If-None-Match": page.headers["ETag"]}).status_code == 304


def test_a_settings_change_changes_the_key(app, staff):
    from portal import pagecache, settings
    from portal.models.user import User
    from sqlalchemy import select
    from portal.extensions import db

    with app.test_request_context("/"):
        before = pagecache.generation()
        actor = db.session.scalars(select(User)).first()
        settings.save("PDP_OFFICER_EMAIL", "ppid@example.go.id", actor)
        middle = pagecache.generation()
        settings.reset("PDP_OFFICER_EMAIL", actor)
        after = pagecache.generation()
    assert before[0] != middle[0] != after[0] and before[0] is not None
