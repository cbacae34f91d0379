"""Public pages served before the request machinery (portal.pagecache.FastPath): the same bytes and headers
as the normal path, a change made by another worker or host seen at once, never a page kept for one
visitor shown to another, a form that still works and refuses a foreign token, hostile requests harmless."""
from __future__ import annotations

import gzip
import re

import pytest

from staff import ROLE_EMAILS, csrf

import report_dataset

pytestmark = pytest.mark.usefixtures("periods_ended")

FORM = {
    "classification": "pengaduan",
    "category": "akta-lahir",
    "problem": "pungli",
    "privacy": "anonymous",
    "description": "Petugas loket meminta Rp150.000 supaya akta kelahiran anak cepat selesai.",
    "location": "Kec. Cikande",
    "declaration": "yes",
}
TOKENS = re.compile(r'(name="(?:csrf_token|submission_key)" value=")[^"]+"')


@pytest.fixture
def dispatched(app, monkeypatch):
    """How many requests went through Flask's request machinery (the fast path skips it)."""
    from flask import request

    calls = []
    real = app.full_dispatch_request
    monkeypatch.setattr(app, "full_dispatch_request", lambda: calls.append((request.method, request.path)) or real())
    return calls


@pytest.fixture
def published(app, as_role):
    from publish_support import Publisher

    report_dataset.load(app)
    return Publisher(app, as_role).publish("complaints", "2026-10")


def _visitor(app, lang: str | None = None):
    client = app.test_client()
    if lang:
        client.set_cookie("lang", lang)
    return client


def _complaints(app) -> int:
    from sqlalchemy import func, select

    from portal.extensions import db
    from portal.models import Complaint

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Complaint))


@pytest.mark.parametrize("lang", [None, "id", "en"])
@pytest.mark.parametrize("encoding", [None, "gzip"])
def test_fast_path_serves_the_normal_paths_bytes_and_headers(app, dispatched, published, lang, encoding):
    headers = {"Accept-Encoding": encoding} if encoding else {}
    for path in ("/", "/laporan", f"/laporan/{published}", "/laporan/feed.atom", "/laporan?kanal=complaints"):
        normal = _visitor(app, lang).get(path, headers=headers)
        before = len(dispatched)
        fast = _visitor(app, lang).get(path, headers=headers)
        assert len(dispatched) == before, f"{path} went through the request machinery again"
        assert normal.status_code == fast.status_code == 200
        assert fast.get_data() == normal.get_data(), path
        assert fast.headers.to_wsgi_list() == normal.headers.to_wsgi_list(), path
        assert "frame-ancestors 'none'" in fast.headers["Content-Security-Policy"]
        assert fast.headers["Cache-Control"] == "no-cache" and fast.headers["ETag"]
        assert "Set-Cookie" not in fast.headers
        body = gzip.decompress(fast.get_data()) if encoding else fast.get_data()
        if path != "/laporan/feed.atom":
            assert f'lang="{lang or "id"}"'.encode() in body, path


def test_languages_and_encodings_never_mix(app, published):
    english = _visitor(app, "en").get(f"/laporan/{published}").get_data()
    indonesian = _visitor(app).get(f"/laporan/{published}").get_data()
    assert b'lang="en"' in english and b'lang="id"' in indonesian
    assert _visitor(app, "en").get(f"/laporan/{published}").get_data() == english
    assert _visitor(app, "xx").get(f"/laporan/{published}").get_data() == indonesian  # unknown: the default
    assert "Content-Encoding" not in _visitor(app).get("/").headers
    assert _visitor(app).get("/", headers={"Accept-Encoding": "gzip"}).headers["Content-Encoding"] == "gzip"


def test_a_change_made_by_another_host_is_seen_at_once(app, app_factory, staff, dispatched):
    """Another app instance on the same database (another gunicorn worker or host) publishes and changes a
    setting: the next visitor here gets the new pages, not this worker's stored copy."""
    from sqlalchemy import select

    from portal import settings
    from portal.extensions import db
    from portal.models import User
    from portal.reports import publication as pub

    report_dataset.load(app)
    other = app_factory(instance_path=app.instance_path, SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                        SECRET_KEY=app.config["SECRET_KEY"])
    for path in ("/", "/laporan"):
        _visitor(app).get(path)
    home = _visitor(app).get("/")
    with other.test_request_context():
        team = db.session.scalar(select(User).where(User.email == ROLE_EMAILS["complaints"]))
        leader = db.session.scalar(select(User).where(User.email == ROLE_EMAILS["leader"]))
        report_id = pub.approve(leader, pub.prepare(team, "complaints", "2026-10", "Rencana tindak lanjut bulan ini.").id).id
    before = len(dispatched)
    for path in ("/", "/laporan"):
        fresh = _visitor(app).get(path)
        assert f"/laporan/{report_id}" in fresh.get_data(as_text=True), path
    assert len(dispatched) == before + 2  # rendered again for the new generation, then stored
    etag = _visitor(app).get("/").headers["ETag"]
    assert etag != home.headers["ETag"]
    with other.test_request_context():
        admin = db.session.scalar(select(User).where(User.email == ROLE_EMAILS["admin"]))
        settings.save("PDP_OFFICER_EMAIL", "ppid@example.go.id", admin)
    assert _visitor(app).get("/").headers["ETag"] != etag


def test_signed_in_staff_and_a_visitor_with_a_session_go_the_normal_way(app, as_role, dispatched):
    _visitor(app).get("/")
    _visitor(app).get("/")  # stored
    staff = as_role("leader")
    before = len(dispatched)
    staff.get("/")
    form = staff.get("/pengaduan/baru")
    assert len(dispatched) == before + 2
    assert "Set-Cookie" not in form.headers  # the staff session is kept, not replaced by a visitor's
    assert staff.get("/kantor/laporan").status_code == 200
    flashed = _visitor(app)
    with flashed.session_transaction() as visitor_session:
        visitor_session["_flashes"] = [("message", "Terima kasih")]
    before = len(dispatched)
    flashed.get("/")
    assert len(dispatched) == before + 1


def test_form_from_the_fast_path_submits_and_a_foreign_token_is_refused(app, dispatched):
    app.config["WTF_CSRF_ENABLED"] = True
    first = _visitor(app)
    normal = first.get("/pengaduan/baru")
    second = _visitor(app)
    before = len(dispatched)
    fast = second.get("/pengaduan/baru")
    assert len(dispatched) == before
    for response in (normal, fast):
        assert response.headers["Cache-Control"] == "no-store"
        assert "Content-Encoding" not in response.headers and "ETag" not in response.headers
    assert [k for k, _ in fast.headers.to_wsgi_list()] == [k for k, _ in normal.headers.to_wsgi_list()]
    assert [v for k, v in fast.headers.to_wsgi_list() if k not in ("Set-Cookie", "Content-Length")] == \
        [v for k, v in normal.headers.to_wsgi_list() if k not in ("Set-Cookie", "Content-Length")]
    assert fast.headers["Set-Cookie"].split(";", 1)[1] == normal.headers["Set-Cookie"].split(";", 1)[1]
    html, normal_html = fast.get_data(as_text=True), normal.get_data(as_text=True)
    assert TOKENS.sub(r'\1"', html) == TOKENS.sub(r'\1"', normal_html)
    token, key = csrf(html), re.search(r'name="submission_key" value="([^"]+)"', html)[1]
    assert token != csrf(normal_html) and key not in normal_html
    assert fast.headers["Set-Cookie"] != normal.headers["Set-Cookie"]
    # A third visitor gets yet another token and key; the gzip-asking one gets no compression.
    third = _visitor(app).get("/pengaduan/baru", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in third.headers
    assert csrf(third.get_data(as_text=True)) not in (token, csrf(normal_html))

    # Visitor 1's token with visitor 2's session, and no token at all: refused, nothing stored.
    stolen = second.post("/pengaduan/baru", data={**FORM, "csrf_token": csrf(normal_html), "submission_key": key})
    missing = _visitor(app).post("/pengaduan/baru", data={**FORM, "submission_key": key})
    assert stolen.status_code == 400 and missing.status_code == 400
    assert _complaints(app) == 0
    done = second.post("/pengaduan/baru", data={**FORM, "csrf_token": token, "submission_key": key})
    assert done.status_code == 200 and _complaints(app) == 1
    assert re.search(r"PGD-\d{4}-\d+", done.get_data(as_text=True))


@pytest.mark.parametrize("path", ["/gratifikasi/lapor", "/pengaduan/baru"])
def test_every_visitor_of_a_form_gets_their_own_session(app, path):
    pages = [_visitor(app).get(path) for _ in range(3)]
    cookies = {p.headers["Set-Cookie"].split(";")[0] for p in pages}
    tokens = {csrf(p.get_data(as_text=True)) for p in pages}
    assert len(cookies) == len(tokens) == 3


HOSTILE = [
    ("GET", "/%00", {}), ("GET", "//", {}), ("GET", "/..%2f..%2fetc%2fpasswd", {}), ("GET", "/laporan/99999999999999999999", {}),
    ("GET", "/laporan?kanal=%3Cscript%3E", {}), ("GET", "/?" + "x=1&" * 2000, {}), ("GET", "/laporan/%ff", {}),
    ("GET", "/", {"Accept-Language": "en;q=\x7f,,;;;*"}), ("GET", "/", {"Accept-Encoding": "gzip;q=0, x" * 50}),
    ("GET", "/", {"If-None-Match": "*"}), ("GET", "/", {"If-None-Match": '"bogus", W/"x"'}),
    ("GET", "/", {"If-Modified-Since": "yesterday"}), ("GET", "/", {"Range": "bytes=0-10"}),
    ("GET", "/", {"Cookie": "lang=../../etc; lang=en"}), ("GET", "/", {"Cookie": "portal_session=forged.value.sig"}),
    ("GET", "/", {"Cookie": "\x00=\x01"}), ("GET", "/pengaduan/baru", {"Cookie": "portal_session=x"}),
    ("HEAD", "/", {}), ("HEAD", "/pengaduan/baru", {}), ("GET", "/laporan/feed.atom", {"Host": "evil.example"}),
    ("GET", "/", {"Host": "evil.example"}),
]


def test_hostile_requests_never_fail_nor_poison_the_stored_pages(app, published):
    paths = ("/", "/laporan", f"/laporan/{published}", "/laporan/feed.atom", "/pengaduan/baru")
    clean = {path: _visitor(app).get(path) for path in paths}
    for method, path, headers in HOSTILE:
        response = _visitor(app).open(path, method=method, headers=headers)
        assert response.status_code < 500, (method, path, headers)
        if method == "HEAD":
            assert not response.get_data()
    for path, before in clean.items():
        after = _visitor(app).get(path)
        assert after.status_code == 200 and b"evil.example" not in after.get_data()
        if path != "/pengaduan/baru":
            assert after.get_data() == before.get_data(), path
        else:
            assert TOKENS.sub(r'\1"', after.get_data(as_text=True)) == TOKENS.sub(r'\1"', before.get_data(as_text=True))


@pytest.mark.browser
def test_the_form_from_the_fast_path_works_in_chromium_without_javascript(app, live_server, page_nojs, dispatched):
    app.config["WTF_CSRF_ENABLED"] = True
    # An earlier visitor, on the same host and asking for gzip as Chromium does: the form is stored.
    _visitor(app).get("/pengaduan/baru", base_url=live_server.url, headers={"Accept-Encoding": "gzip, deflate, br"})
    before = len(dispatched)
    page_nojs.goto(live_server.url + "/pengaduan/baru")
    assert ("GET", "/pengaduan/baru") not in dispatched[before:]  # served by the fast path
    page_nojs.get_by_label("Klasifikasi").select_option("pengaduan")
    page_nojs.get_by_label("Layanan yang diadukan").select_option("ktp-el")
    page_nojs.get_by_label("Jenis masalah").select_option("sistem")
    page_nojs.get_by_label("Isi pengaduan / kronologi").fill(
        "KTP-el sudah direkam di UPT Kec. Kramatwatu bulan Januari, sudah 6 minggu belum dicetak.")
    page_nojs.get_by_label("Saya menyatakan isi pengaduan ini benar").check()
    page_nojs.get_by_role("button", name="Kirim pengaduan").click()
    page_nojs.wait_for_load_state()
    assert page_nojs.get_by_role("heading", name="Pengaduan Anda diterima").is_visible()
    assert ("POST", "/pengaduan/baru") in dispatched[before:]
    assert _complaints(app) == 1


def _returning(app):
    """A citizen who opened a form before: a session holding only their CSRF token."""
    client = _visitor(app)
    client.get("/pengaduan/baru")
    return client


def test_a_returning_visitor_with_only_a_token_gets_stored_pages_and_keeps_their_token(app, dispatched):
    app.config["WTF_CSRF_ENABLED"] = True
    a, b = _returning(app), _returning(app)
    home_a = a.get("/")
    before = len(dispatched)
    home_b = b.get("/")
    assert len(dispatched) == before  # served by the fast path
    assert home_b.get_data() == home_a.get_data() and home_b.headers.to_wsgi_list() == home_a.headers.to_wsgi_list()
    assert "Set-Cookie" not in home_b.headers

    form_a = a.get("/pengaduan/baru")
    before = len(dispatched)
    form_b = b.get("/pengaduan/baru")
    assert len(dispatched) == before
    assert "Set-Cookie" not in form_a.headers and "Set-Cookie" not in form_b.headers  # each keeps their session
    assert [k for k, _ in form_b.headers.to_wsgi_list()] == [k for k, _ in form_a.headers.to_wsgi_list()]
    html_a, html_b = form_a.get_data(as_text=True), form_b.get_data(as_text=True)
    assert TOKENS.sub(r'\1"', html_a) == TOKENS.sub(r'\1"', html_b)
    key = re.search(r'name="submission_key" value="([^"]+)"', html_b)[1]
    refused = b.post("/pengaduan/baru", data={**FORM, "csrf_token": csrf(html_a), "submission_key": key})
    assert refused.status_code == 400 and _complaints(app) == 0
    done = b.post("/pengaduan/baru", data={**FORM, "csrf_token": csrf(html_b), "submission_key": key})
    assert done.status_code == 200 and _complaints(app) == 1


def test_a_session_holding_more_than_a_token_goes_the_normal_way(app, dispatched):
    client = _returning(app)
    _returning(app).get("/")
    with client.session_transaction() as visitor_session:
        visitor_session["kept"] = "something of this visitor"
    before = len(dispatched)
    client.get("/")
    client.get("/pengaduan/baru")
    assert len(dispatched) == before + 2


@pytest.mark.parametrize("fallbacks", [None, ["an-older-session-secret-that-was-rotated-out"]])
def test_the_fast_paths_tokens_and_cookies_are_byte_for_byte_flasks_own(app, monkeypatch, fallbacks):
    """portal.crypto.tokens.PresignedSerializer signs with the key derived once: what it makes for a new visitor
    is exactly what Flask-WTF's generate_csrf and Flask's session would make at the same second, including
    tokens whose payload the library compresses, and under a rotated secret (signed with the current one)."""
    import hashlib
    import os
    import time

    from flask import session
    from flask_wtf.csrf import generate_csrf

    from portal import pagecache

    app.config["SECRET_KEY_FALLBACKS"] = fallbacks or []
    monkeypatch.setattr(time, "time", lambda: 1_790_000_000.5)
    signers = pagecache._signers(app)
    raws = [hashlib.sha1(os.urandom(64)).hexdigest() for _ in range(200)] + ["0" * 40, "ab" * 20, "x", "é\"<"]
    compressed = 0
    for raw in raws:
        with app.test_request_context("/pengaduan/baru"):
            session["csrf_token"] = raw
            token = generate_csrf()
            cookie = app.session_interface.get_signing_serializer(app).dumps(dict(session))
        assert signers.sign_token(raw) == token, raw
        assert signers.session_cookie(raw) == cookie, raw
        compressed += cookie.startswith(".")
    assert compressed  # the zlib branch was taken and matched too


def test_a_lost_database_connection_sends_one_visitor_the_normal_way_and_no_one_an_error(app, dispatched):
    """The fast path's own connection (PostgreSQL: a prepared statement run through libpq) is lost — the server
    ended it, or it was closed: that request is answered by the normal path, the next ones by the fast path again."""
    import time

    from sqlalchemy import text

    from portal.extensions import db
    from portal.pagecache import FastPath

    fast = app.wsgi_app
    while not isinstance(fast, FastPath):
        fast = fast.app
    reader = fast._generation.__self__
    _visitor(app).get("/pengaduan/baru")
    _visitor(app).get("/pengaduan/baru")
    before = len(dispatched)
    assert _visitor(app).get("/pengaduan/baru").status_code == 200 and len(dispatched) == before
    conn = reader.local.conn
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pid = conn.info.backend_pid
        with app.app_context():
            assert db.session.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            for _ in range(100):  # the server ends it asynchronously
                if not db.session.scalar(text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}):
                    break
                time.sleep(0.05)
            db.session.remove()
    else:
        conn.close()
    lost = _visitor(app).get("/pengaduan/baru")
    assert lost.status_code == 200 and len(dispatched) == before + 1
    assert csrf(lost.get_data(as_text=True)) and "Set-Cookie" in lost.headers
    again = _visitor(app).get("/pengaduan/baru")
    assert again.status_code == 200 and len(dispatched) == before + 1
    assert reader.local.conn is not conn


def test_disposing_the_engine_while_other_threads_read_never_crashes_a_page(app, dispatched):
    """The engine is disposed (a test's teardown, a worker's shutdown) while other threads of the same process
    serve public pages: each reader's connection is closed only between its reads, never under a statement in
    progress (a closed SQLite handle mid-statement crashed the whole process with a segmentation fault), and
    every visitor still gets the page."""
    import threading
    import time

    from portal.pagecache import FastPath

    fast = app.wsgi_app
    while not isinstance(fast, FastPath):
        fast = fast.app
    reader = fast._generation.__self__
    _visitor(app).get("/pengaduan/baru")
    statuses, stop = [], threading.Event()

    def visit():
        while not stop.is_set():
            statuses.append(_visitor(app).get("/").status_code)

    threads = [threading.Thread(target=visit) for _ in range(3)]
    for thread in threads:
        thread.start()
    try:
        end = time.monotonic() + 2
        while time.monotonic() < end:
            reader.close_all()
    finally:
        stop.set()
        for thread in threads:
            thread.join(30)
    assert statuses and set(statuses) == {200}
    assert _visitor(app).get("/").status_code == 200
