"""Address hashes (rate limits, sign-in throttle) use a random key that rotates and is never stored
beside the data; every worker of a deployment uses the same key; stored throttle rows expire."""
from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from portal import ratelimit
from portal.extensions import db
from portal.models import LoginThrottle
from portal.models.types import utcnow

from staff import csrf

REDIS_URL = os.environ.get("TEST_REDIS_URL")
IP = "203.0.113.88"
needs_redis = pytest.mark.skipif(not REDIS_URL, reason="TEST_REDIS_URL not set (.ci/run sets it when Redis answers)")


def fail_sign_in(app, address=IP, email="siapa@example.org"):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    page = client.get("/kantor/masuk").get_data(as_text=True)
    return client.post("/kantor/masuk", data={"csrf_token": csrf(page), "email": email,
                                              "password": "tebakan yang salah sekali"})


def stored_keys(app) -> set[str]:
    with app.app_context():
        return set(db.session.scalars(select(LoginThrottle.key)))


def second_worker(app_factory, first, **overrides):
    """Another process of the same deployment: same database, instance folder and secret."""
    return app_factory(instance_path=first.instance_path, SECRET_KEY=first.config["SECRET_KEY"],
                       SQLALCHEMY_DATABASE_URI=first.config["SQLALCHEMY_DATABASE_URI"], **overrides)


def instance_secrets(app) -> list[bytes]:
    """Every key an attacker holding instance/ could try: SECRET_KEY and each file, raw and stripped."""
    found = [app.config["SECRET_KEY"].encode()]
    for path in Path(app.instance_path).rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            found += [data, data.strip()]
    return found


def recomputable(app, stored: set[str], address: str) -> bool:
    """Whether a stored hash can be recomputed from instance/ for `address` (old and current formulas)."""
    hashes = {key.split(":", 1)[-1] for key in stored}
    for key in instance_secrets(app):
        for message in (b"ratelimit:" + address.encode(), b"login-address\0" + address.encode(),
                        b"ratelimit\0" + address.encode()):
            if hmac.new(key, message, hashlib.sha256).hexdigest()[:32] in hashes:
                return True
    return False


def test_stored_address_hashes_cannot_be_recomputed_from_the_instance_folder(app):
    assert fail_sign_in(app).status_code == 401
    stored = stored_keys(app)
    assert stored
    assert not recomputable(app, stored, IP)
    # The rotating key itself is nowhere in instance/ or the database.
    with app.test_request_context():
        key = ratelimit.current_key()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    for path in Path(app.instance_path).rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert key not in data and key.hex().encode() not in data


def test_the_key_rotates_and_every_worker_uses_the_same_one(app_factory, monkeypatch):
    one = app_factory(LOGIN_MAX_FAILURES_PER_ADDRESS=3)
    two = second_worker(app_factory, one, LOGIN_MAX_FAILURES_PER_ADDRESS=3)
    assert fail_sign_in(one).status_code == 401
    assert fail_sign_in(two).status_code == 401
    today = stored_keys(one)
    assert len([key for key in today if key.startswith("addr:")]) == 1  # both workers wrote the same row
    assert fail_sign_in(one).status_code == 401
    assert fail_sign_in(two).status_code == 429  # and both count the same address
    # A day later the same address hashes to something else: yesterday's rows cannot be linked to it.
    later = time.time() + 24 * 3600
    monkeypatch.setattr(ratelimit, "clock", lambda: later)
    assert fail_sign_in(two).status_code == 401
    tomorrow = stored_keys(one) - today
    assert len([key for key in tomorrow if key.startswith("addr:")]) == 1
    assert fail_sign_in(one).status_code == 401


def test_stored_throttle_rows_expire_and_are_purged(app):
    for address in ("203.0.113.90", "203.0.113.91"):
        assert fail_sign_in(app, address).status_code == 401
    old = stored_keys(app)
    assert len(old) == 5  # one address and one pair row per address, one account row for both
    with app.app_context():
        db.session.execute(update(LoginThrottle).values(window_start=utcnow() - timedelta(hours=1)))
        db.session.commit()
    assert fail_sign_in(app, "198.51.100.92", "lain@example.org").status_code == 401
    assert not (stored_keys(app) & old)
    assert len(stored_keys(app)) == 3


@needs_redis
def test_with_redis_the_key_lives_in_redis_with_an_expiry_and_hosts_agree(app_factory):
    import redis

    prefix = "portal-test-" + secrets.token_hex(6)
    client = redis.Redis.from_url(REDIS_URL)
    try:
        shared = {"RATELIMIT_STORAGE_URI": REDIS_URL, "RATELIMIT_KEY_PREFIX": prefix,
                  "LOGIN_MAX_FAILURES_PER_ADDRESS": 2}
        one = app_factory(**shared)
        # Another host: its own instance folder, the same database and Redis.
        two = app_factory(SQLALCHEMY_DATABASE_URI=one.config["SQLALCHEMY_DATABASE_URI"], **shared)
        assert fail_sign_in(one).status_code == 401
        assert fail_sign_in(two).status_code == 401
        assert fail_sign_in(one).status_code == 429
        names = list(client.scan_iter(match=f"{prefix}:address-key:*"))
        assert len(names) == 1
        assert 0 < client.ttl(names[0]) <= 24 * 3600 + 60
        assert not recomputable(one, stored_keys(one), IP)
    finally:
        for name in client.scan_iter(match=f"*{prefix}*"):
            client.delete(name)
        client.close()


@pytest.mark.skipif(not ratelimit.SHARED_MEMORY_DIR.is_dir(), reason="no /dev/shm on this system")
def test_the_key_file_of_an_instance_that_is_gone_does_not_stay_in_memory(app_factory):
    gone = app_factory()
    assert fail_sign_in(gone).status_code == 401
    files = set(ratelimit.SHARED_MEMORY_DIR.glob(f"portal-integritas-{os.getuid()}-*.key"))
    with gone.app_context():
        path = ratelimit._shared_memory_path(gone)
    assert path in files and path.stat().st_mode & 0o777 == 0o600
    # Nothing has used it for three days (its portal was removed): the next new key sweeps it away.
    three_days_ago = time.time() - 3 * 24 * 3600
    os.utime(path, (three_days_ago, three_days_ago))
    live = app_factory()
    assert fail_sign_in(live).status_code == 401
    assert not path.exists()
    with live.app_context():
        assert ratelimit._shared_memory_path(live).exists()
