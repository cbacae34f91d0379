"""Rate limits on submission and status look-ups (Flask-Limiter), switchable off only by
RATELIMIT_ENABLED, shared between workers through Redis, and never keyed on a stored IP."""
from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Complaint
from samples import COMPLAINT

REDIS_URL = os.environ.get("TEST_REDIS_URL")
PG_URL = os.environ.get("TEST_DATABASE_URL")
LIMITS = {"RATELIMIT_SUBMIT": "3 per minute", "RATELIMIT_LOOKUP": "3 per minute"}
IP = "203.0.113.77"
FORM = {
    "classification": "pengaduan",
    "category": "akta-lahir",
    "problem": "pungli",
    "privacy": "open",
    "name": "Rina Marlina",
    "email": "rina@example.org",
    "description": "Petugas loket meminta Rp150.000 supaya akta kelahiran anak cepat selesai.",
    "location": "Kec. Cikande",
    "declaration": "yes",
}

needs_redis = pytest.mark.skipif(not REDIS_URL, reason="TEST_REDIS_URL not set (.ci/run sets it when Redis answers)")


def count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Complaint))


def hidden_fields(client) -> dict:
    html = client.get("/pengaduan/baru").get_data(as_text=True)
    return {
        "csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', html).group(1),
        "submission_key": re.search(r'name="submission_key" value="([^"]+)"', html).group(1),
    }


def status_csrf(client) -> str:
    html = client.get("/pengaduan/status").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def post_form(client, environ_base=None, **extra):
    return client.post("/pengaduan/baru", data={**FORM, **hidden_fields(client), **extra},
                       environ_base=environ_base or {})


def assert_friendly_429(response) -> None:
    assert response.status_code == 429
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert "Terlalu banyak permintaan" in html
    assert "tunggu beberapa saat" in html
    assert "Too Many Requests" not in html and "Traceback" not in html
    assert int(response.headers["Retry-After"]) > 0


def assert_json_429(response) -> None:
    assert response.status_code == 429
    assert response.is_json
    assert response.get_json()["status"] == 429
    assert int(response.headers["Retry-After"]) > 0


# --- submissions -----------------------------------------------------------------------------

def test_fourth_api_submission_is_refused_with_json_429_and_stores_nothing(app_factory):
    app = app_factory(**LIMITS)
    client = app.test_client()
    for _ in range(3):
        assert client.post("/api/v1/complaints", json=COMPLAINT).status_code == 201
    refused = client.post("/api/v1/complaints", json={**COMPLAINT, "description": "Kiriman keempat " * 3})
    assert_json_429(refused)
    assert count(app) == 3
    # Another address is not affected: the limit is per client, not global.
    other = client.post("/api/v1/complaints", json=COMPLAINT, environ_base={"REMOTE_ADDR": "198.51.100.4"})
    assert other.status_code == 201
    assert count(app) == 4


def test_fourth_form_submission_gets_a_friendly_page_and_stores_nothing(app_factory):
    app = app_factory(**LIMITS)
    client = app.test_client()
    for _ in range(3):
        response = post_form(client)
        assert response.status_code == 200
        assert 'id="nomor-tiket"' in response.get_data(as_text=True)
    assert_friendly_429(post_form(client))
    assert count(app) == 3
    # The form itself (GET) still opens, so the citizen can come back later.
    assert client.get("/pengaduan/baru").status_code == 200


def test_failed_validations_do_not_use_up_the_limit(app_factory):
    """Many people behind one address (a kiosk, an office NAT) make mistakes: only accepted submissions count."""
    app = app_factory(**LIMITS)
    client = app.test_client()
    for _ in range(10):
        assert client.post("/api/v1/complaints", json={"category": "ktp-el"}).status_code == 422
        assert post_form(client, description="terlalu pendek").status_code == 422
    assert client.post("/api/v1/complaints", json=COMPLAINT).status_code == 201
    assert post_form(client).status_code == 200
    assert count(app) == 2


def test_a_double_click_counts_once(app_factory):
    app = app_factory(**LIMITS)
    client = app.test_client()
    fields = hidden_fields(client)
    first = client.post("/pengaduan/baru", data={**FORM, **fields})
    again = client.post("/pengaduan/baru", data={**FORM, **fields})  # the same form sent twice
    ticket = re.search(r'id="nomor-tiket"[^>]*>([^<]+)<', first.get_data(as_text=True)).group(1)
    assert ticket in again.get_data(as_text=True)
    assert post_form(client).status_code == 200
    assert post_form(client).status_code == 200
    assert count(app) == 3


def test_every_attempt_still_counts_against_a_looser_limit(app_factory):
    """A bot cannot probe the validation endlessly: refused attempts count against RATELIMIT_SUBMIT_ATTEMPTS."""
    app = app_factory(RATELIMIT_SUBMIT="100 per minute", RATELIMIT_SUBMIT_ATTEMPTS="5 per minute")
    client = app.test_client()
    for _ in range(5):
        assert client.post("/api/v1/complaints", json={"category": "ktp-el"}).status_code == 422
    assert_json_429(client.post("/api/v1/complaints", json=COMPLAINT))
    assert count(app) == 0


def test_a_refused_form_keeps_what_the_visitor_typed(app_factory):
    app = app_factory(**LIMITS)
    client = app.test_client()
    for _ in range(3):
        assert post_form(client).status_code == 200
    typed = "Petugas kecamatan meminta uang rokok Rp50.000 untuk KK baru saya, hari Senin pagi."
    refused = post_form(client, description=typed, name="Budi Santoso", category="kk")
    assert_friendly_429(refused)
    html = refused.get_data(as_text=True)
    assert typed in html and 'value="Budi Santoso"' in html
    assert 'action="/pengaduan/baru"' in html and 'name="csrf_token"' in html
    assert re.search(r'<option value="kk"[^>]* selected', html)
    assert count(app) == 3


def test_a_refused_wbs_tip_keeps_what_the_whistleblower_typed(app_factory):
    app = app_factory(**LIMITS)
    client = app.test_client()
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/wbs/kirim").get_data(as_text=True)).group(1)
    tip = {"csrf_token": csrf, "what": "Pengadaan blangko KTP-el digelembungkan dua kali lipat dari harga pasar.",
           "who": "Kepala seksi pengadaan"}
    for _ in range(3):
        assert client.post("/wbs/kirim", data=tip).status_code == 200
    refused = client.post("/wbs/kirim", data={**tip, "what": "Uang lembur fiktif dibayarkan tiap bulan sejak Maret."})
    assert_friendly_429(refused)
    html = refused.get_data(as_text=True)
    assert "Uang lembur fiktif dibayarkan tiap bulan sejak Maret." in html
    assert "Kepala seksi pengadaan" in html


# --- the channel budget: all addresses together --------------------------------------------------

def test_the_channel_budget_refuses_when_many_addresses_together_exceed_it(app_factory):
    app = app_factory(**LIMITS, RATELIMIT_CHANNEL_BUDGET="4 per minute")
    client = app.test_client()
    for i in range(3):
        response = client.post("/api/v1/complaints", json=COMPLAINT, environ_base={"REMOTE_ADDR": f"198.51.100.{i + 1}"})
        assert response.status_code == 201
    # Refused input does not eat the budget.
    assert client.post("/api/v1/complaints", json={"category": "ktp-el"},
                       environ_base={"REMOTE_ADDR": "198.51.100.9"}).status_code == 422
    # The form and the API share the channel's budget.
    assert post_form(client, environ_base={"REMOTE_ADDR": "198.51.100.4"}).status_code == 200
    assert_json_429(client.post("/api/v1/complaints", json=COMPLAINT, environ_base={"REMOTE_ADDR": "198.51.100.5"}))
    refused = post_form(client, description="Kiriman dari alamat keenam yang tetap harus tersimpan di formulir.",
                        environ_base={"REMOTE_ADDR": "198.51.100.6"})
    assert_friendly_429(refused)
    assert "Kiriman dari alamat keenam yang tetap harus tersimpan di formulir." in refused.get_data(as_text=True)
    assert count(app) == 4
    # Another channel has its own budget.
    from gratification_samples import REPORT

    assert client.post("/api/v1/gratifications", json=REPORT,
                       environ_base={"REMOTE_ADDR": "198.51.100.7"}).status_code == 201


# --- IPv6 -------------------------------------------------------------------------------------------

def test_ipv6_clients_are_counted_per_64(app_factory):
    app = app_factory(**LIMITS)
    client = app.test_client()
    for address in ("2001:db8:aa:1::10", "2001:db8:aa:1::11", "2001:db8:aa:1:8000::1"):
        assert client.post("/api/v1/complaints", json=COMPLAINT, environ_base={"REMOTE_ADDR": address}).status_code == 201
    # Rotating inside the same /64 escapes nothing.
    assert_json_429(client.post("/api/v1/complaints", json=COMPLAINT, environ_base={"REMOTE_ADDR": "2001:db8:aa:1::99"}))
    # The next /64 is another client.
    assert client.post("/api/v1/complaints", json=COMPLAINT,
                       environ_base={"REMOTE_ADDR": "2001:db8:aa:2::10"}).status_code == 201


# --- status look-ups ---------------------------------------------------------------------------

def test_access_code_guessing_on_the_api_is_stopped(app_factory):
    app = app_factory(**LIMITS)
    client = app.test_client()
    created = client.post("/api/v1/complaints", json=COMPLAINT, environ_base={"REMOTE_ADDR": "198.51.100.1"}).get_json()
    ticket, code = created["ticket"], created["access_code"]
    url = f"/api/v1/complaints/{ticket}"
    for guess in ("AAAA-AAAA-AAAA", "BBBB-BBBB-BBBB", "CCCC-CCCC-CCCC"):
        assert client.get(url, headers={"X-Access-Code": guess}).status_code == 404
    # Even the right code is refused now: the guesser learns nothing more this minute.
    assert_json_429(client.get(url, headers={"X-Access-Code": code}))
    # The real citizen from another address still gets in.
    ok = client.get(url, headers={"X-Access-Code": code}, environ_base={"REMOTE_ADDR": "198.51.100.1"})
    assert ok.status_code == 200 and ok.get_json()["status"] == "unverified"


def test_status_form_guessing_is_stopped_with_a_friendly_page(app_factory):
    app = app_factory(**LIMITS)
    client = app.test_client()
    created = client.post("/api/v1/complaints", json=COMPLAINT, environ_base={"REMOTE_ADDR": "198.51.100.1"}).get_json()
    for guess in ("AAAA-AAAA-AAAA", "BBBB-BBBB-BBBB", "CCCC-CCCC-CCCC"):
        response = client.post("/pengaduan/status", data={
            "csrf_token": status_csrf(client), "ticket": created["ticket"], "access_code": guess})
        assert response.status_code == 404
    assert_friendly_429(client.post("/pengaduan/status", data={
        "csrf_token": status_csrf(client), "ticket": created["ticket"], "access_code": created["access_code"]}))


# --- switching off -------------------------------------------------------------------------------

def test_ratelimit_enabled_false_turns_limits_off(app_factory):
    app = app_factory(RATELIMIT_ENABLED=False, **LIMITS)
    client = app.test_client()
    for _ in range(6):
        assert client.post("/api/v1/complaints", json=COMPLAINT).status_code == 201
        assert post_form(client).status_code == 200
    for _ in range(6):
        assert client.get("/api/v1/complaints/PGD-2026-999999", headers={"X-Access-Code": "AAAA-AAAA-AAAA"}).status_code == 404
    assert count(app) == 12


@pytest.mark.parametrize("value, limited", [("0", False), ("false", False), ("1", True), ("", True)])
def test_ratelimit_enabled_environment_variable(app_factory, monkeypatch, value, limited):
    monkeypatch.setenv("RATELIMIT_ENABLED", value)
    app = app_factory(**LIMITS)
    assert app.config["RATELIMIT_ENABLED"] is limited
    client = app.test_client()
    codes = [client.post("/api/v1/complaints", json=COMPLAINT).status_code for _ in range(4)]
    assert codes == ([201, 201, 201, 429] if limited else [201] * 4)


def test_limits_are_set_from_the_environment(app_factory, monkeypatch):
    """An operator tunes the limits without code, e.g. high per-address limits for an onion service."""
    monkeypatch.setenv("RATELIMIT_SUBMIT", "2 per minute")
    monkeypatch.setenv("RATELIMIT_CHANNEL_BUDGET", "3 per minute")
    app = app_factory()
    client = app.test_client()
    assert [client.post("/api/v1/complaints", json=COMPLAINT).status_code for _ in range(3)] == [201, 201, 429]
    other = {"REMOTE_ADDR": "198.51.100.30"}
    assert client.post("/api/v1/complaints", json=COMPLAINT, environ_base=other).status_code == 201
    assert_json_429(client.post("/api/v1/complaints", json=COMPLAINT, environ_base=other))


def test_apps_in_one_process_keep_their_own_limits(app_factory):
    """Building a second app (limits off, or its own memory store) must not change the first."""
    limited = app_factory(**LIMITS)
    unlimited = app_factory(RATELIMIT_ENABLED=False, **LIMITS)
    other = app_factory(**LIMITS)
    a, b, c = limited.test_client(), unlimited.test_client(), other.test_client()
    assert [a.post("/api/v1/complaints", json=COMPLAINT).status_code for _ in range(4)] == [201, 201, 201, 429]
    assert [b.post("/api/v1/complaints", json=COMPLAINT).status_code for _ in range(5)] == [201] * 5
    # memory:// is one process's memory: a separate app counts on its own.
    assert [c.post("/api/v1/complaints", json=COMPLAINT).status_code for _ in range(4)] == [201, 201, 201, 429]


# --- several workers -----------------------------------------------------------------------------

def second_worker(app_factory, first, **overrides):
    """Another process of the same deployment: same database, instance folder and secret."""
    return app_factory(
        instance_path=first.instance_path,
        SQLALCHEMY_DATABASE_URI=first.config["SQLALCHEMY_DATABASE_URI"],
        SECRET_KEY=first.config["SECRET_KEY"],
        **overrides,
    )


def test_workers_with_memory_storage_count_separately(app_factory):
    """The control for the Redis test below: without shared storage each worker counts alone."""
    one = app_factory(**LIMITS)
    two = second_worker(app_factory, one, **LIMITS)
    c1, c2 = one.test_client(), two.test_client()
    assert [c1.post("/api/v1/complaints", json=COMPLAINT).status_code for _ in range(3)] == [201] * 3
    assert c2.post("/api/v1/complaints", json=COMPLAINT).status_code == 201


@pytest.fixture
def redis_prefix():
    import redis

    prefix = "portal-test-" + secrets.token_hex(6)
    client = redis.Redis.from_url(REDIS_URL)
    yield prefix, client
    for key in client.scan_iter(match=f"*{prefix}*"):
        client.delete(key)
    client.close()


@needs_redis
def test_two_workers_share_the_count_through_redis(app_factory, redis_prefix):
    prefix, redis_client = redis_prefix
    shared = {**LIMITS, "RATELIMIT_STORAGE_URI": REDIS_URL, "RATELIMIT_KEY_PREFIX": prefix}
    one = app_factory(**shared)
    two = second_worker(app_factory, one, **shared)
    c1, c2 = one.test_client(), two.test_client()
    assert c1.post("/api/v1/complaints", json=COMPLAINT).status_code == 201
    assert c2.post("/api/v1/complaints", json=COMPLAINT).status_code == 201
    assert c1.post("/api/v1/complaints", json=COMPLAINT).status_code == 201
    assert_json_429(c2.post("/api/v1/complaints", json=COMPLAINT))
    assert_json_429(c1.post("/api/v1/complaints", json=COMPLAINT))
    assert count(one) == 3
    # The counters really live in Redis, under this test's prefix, and expire.
    keys = list(redis_client.scan_iter(match=f"*{prefix}*"))
    counters = [key for key in keys if b"address-key" not in key]
    assert counters
    assert all(0 < redis_client.ttl(key) <= 60 for key in counters)
    # The key that hashes addresses lives there too, until the end of its day at most.
    address_keys = [key for key in keys if b"address-key" in key]
    assert len(address_keys) == 1
    assert 0 < redis_client.ttl(address_keys[0]) <= 24 * 3600 + 60


@needs_redis
def test_form_and_status_limits_are_shared_through_redis(app_factory, redis_prefix):
    prefix, _ = redis_prefix
    shared = {**LIMITS, "RATELIMIT_STORAGE_URI": REDIS_URL, "RATELIMIT_KEY_PREFIX": prefix}
    one = app_factory(**shared)
    two = second_worker(app_factory, one, **shared)
    c1, c2 = one.test_client(), two.test_client()
    assert post_form(c1).status_code == 200
    assert post_form(c2).status_code == 200
    assert post_form(c1).status_code == 200
    assert_friendly_429(post_form(c2))
    for client in (c1, c2, c1):
        response = client.post("/pengaduan/status", data={
            "csrf_token": status_csrf(client), "ticket": "PGD-2026-000001", "access_code": "AAAA-AAAA-AAAA"})
        assert response.status_code == 404
    assert_friendly_429(c2.post("/pengaduan/status", data={
        "csrf_token": status_csrf(c2), "ticket": "PGD-2026-000001", "access_code": "AAAA-AAAA-AAAA"}))


# --- no reporter IP stored -----------------------------------------------------------------------

def act_as_reporter(app) -> None:
    """Everything a reporter can do from one address: API and form submissions, look-ups, a 429."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = IP
    assert client.environ_base["REMOTE_ADDR"] == IP
    created = client.post("/api/v1/complaints", json=COMPLAINT)
    assert created.status_code == 201
    body = created.get_json()
    assert post_form(client).status_code == 200
    assert client.get(f"/api/v1/complaints/{body['ticket']}", headers={"X-Access-Code": body["access_code"]}).status_code == 200
    response = client.post("/pengaduan/status", data={
        "csrf_token": status_csrf(client), "ticket": body["ticket"], "access_code": body["access_code"]})
    assert response.status_code == 200
    # API and form are counted separately: two more API submissions fill the API's three.
    assert client.post("/api/v1/complaints", json=COMPLAINT).status_code == 201
    assert client.post("/api/v1/complaints", json=COMPLAINT).status_code == 201
    assert client.post("/api/v1/complaints", json=COMPLAINT).status_code == 429
    assert count(app) == 4


def stored_bytes(app) -> bytes:
    """Everything the database holds: raw SQLite files, or a pg_dump of the test schema."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    with app.app_context():
        db.session.remove()
        db.engine.dispose()  # SQLite: let the WAL reach the files we read
    if url.startswith("sqlite"):
        return b"".join(p.read_bytes() for p in sorted(Path(app.instance_path).rglob("*")) if p.is_file())
    schema = app.extensions["test_pg_schema"]
    assert shutil.which("pg_dump"), "pg_dump (postgresql-client) is needed to read what PostgreSQL stored"
    dump = subprocess.run(["pg_dump", "--schema", schema.name, "--data-only", PG_URL],
                          capture_output=True, check=True, timeout=60)
    assert b"COPY " in dump.stdout
    return dump.stdout


def test_database_scan_would_find_an_address(app_factory):
    """The scanner below is real: an address typed into a plaintext field is found."""
    app = app_factory(**LIMITS)
    client = app.test_client()
    assert client.post("/api/v1/complaints", json={**COMPLAINT, "location": "Loket 198.51.100.23"}).status_code == 201
    assert b"198.51.100.23" in stored_bytes(app)


def test_no_reporter_ip_is_stored_in_the_database(app_factory):
    app = app_factory(**LIMITS)
    act_as_reporter(app)
    data = stored_bytes(app)
    assert b"PGD-" in data  # the scan did see the stored complaints
    assert IP.encode() not in data
    assert IP.encode("utf-16-le") not in data


@needs_redis
def test_no_reporter_ip_is_stored_in_redis(app_factory, redis_prefix):
    prefix, redis_client = redis_prefix
    app = app_factory(RATELIMIT_STORAGE_URI=REDIS_URL, RATELIMIT_KEY_PREFIX=prefix, **LIMITS)
    act_as_reporter(app)
    keys = list(redis_client.scan_iter(match=f"*{prefix}*"))
    assert len(keys) >= 3  # submit (API and form) and look-up counters
    for key in keys:
        assert IP.encode() not in key
        assert IP.encode() not in (redis_client.dump(key) or b"")
    assert IP.encode() not in stored_bytes(app)
