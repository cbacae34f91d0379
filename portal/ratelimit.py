"""Client-address keys: a keyed hash of the client's network under a key that rotates, never the address.

The key is random, changes every `RATELIMIT_ADDRESS_KEY_SECONDS` (a day by default) and is never
stored beside the data (not in `instance/`, the database or a backup), so a stolen copy cannot turn a
stored hash back into an address by trying all 2^32 IPv4 addresses. Every worker of one deployment
must use the same key, or the sign-in throttle (kept in the database) would count per worker:

- with Redis limiter storage (`RATELIMIT_STORAGE_URI=redis://…`) the key lives in Redis with an
  expiry at the end of its period, created once with SET NX;
- otherwise it lives in shared memory (`/dev/shm`, a RAM file readable only by the portal's user,
  named after the instance), so the workers of one machine agree; with `memory://` storage each
  worker counts its own rate limits anyway. Without `/dev/shm` the key stays in the process.

A new period overwrites the old key, so earlier hashes cannot be recomputed afterwards.
"""
from __future__ import annotations

import fcntl
import ipaddress
import os
import time
from pathlib import Path

from flask import Flask, current_app, g, has_request_context, request

from .crypto import hashing, tokens

SHARED_MEMORY_DIR = Path("/dev/shm")
KEY_BYTES = 32
# Tests move this clock forward to see a rotation without waiting for it.
clock = time.time


def client_network(address: str | None) -> str:
    """The unit a limit counts: an IPv4 address, or the /64 an IPv6 client can roam inside."""
    try:
        ip = ipaddress.ip_address((address or "").split("%")[0])
    except ValueError:
        return "unknown"
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        prefix = int(current_app.config.get("RATELIMIT_IPV6_PREFIX", 64))
        return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))
    return str(ip)


def keyed_hash(purpose: str, *parts: str) -> str:
    """HMAC of `parts` under the current rotating key; `purpose` keeps different uses apart."""
    message = "\0".join((purpose, *parts)).encode("utf-8", "surrogatepass")
    return hashing.hmac_hex(current_key(), message)[:32]


def address_hash(purpose: str, *parts: str) -> str:
    """The keyed hash of this request's client network (plus `parts`, e.g. an account)."""
    return keyed_hash(purpose, client_network(request.remote_addr), *parts)


def client_key() -> str:
    """Flask-Limiter's key function: one value per client network and key period."""
    return address_hash("ratelimit")


# --- the rotating key -------------------------------------------------------------------------------------

def period_seconds(app: Flask | None = None) -> int:
    return int((app or current_app).config.get("RATELIMIT_ADDRESS_KEY_SECONDS", 24 * 3600))


def current_key() -> bytes:
    period_length = period_seconds()
    now = clock()
    period = int(now // period_length)
    cache = g.setdefault("_address_keys", {}) if has_request_context() else {}
    if period not in cache:
        remaining = period_length - (now % period_length)
        cache[period] = _store(current_app).key_for(period, int(remaining) + 60)
    return cache[period]


def _store(app: Flask):
    store = app.extensions.get("portal_address_keys")
    if store is None:
        uri = app.config.get("RATELIMIT_STORAGE_URI") or "memory://"
        if uri.split(":", 1)[0] in {"redis", "rediss", "unix"}:
            store = RedisKeys(uri, app.config.get("RATELIMIT_KEY_PREFIX") or "portal")
        elif SHARED_MEMORY_DIR.is_dir() and os.access(SHARED_MEMORY_DIR, os.W_OK):
            store = SharedMemoryKeys(_shared_memory_path(app), period_seconds(app))
        else:
            store = ProcessKeys()
        app.extensions["portal_address_keys"] = store
    return store


def _shared_memory_path(app: Flask) -> Path:
    # Named after the deployment (instance folder and database), so two portals on one machine differ.
    identity = f"{os.path.realpath(app.instance_path)}\0{app.config.get('SQLALCHEMY_DATABASE_URI', '')}"
    digest = hashing.sha256_hex(identity.encode())[:24]
    return SHARED_MEMORY_DIR / f"portal-integritas-{os.getuid()}-{digest}.key"


class RedisKeys:
    def __init__(self, uri: str, prefix: str):
        import redis

        self.client = redis.Redis.from_url(uri)
        self.prefix = prefix

    def name(self, period: int) -> str:
        return f"{self.prefix}:address-key:{period}"

    def key_for(self, period: int, ttl: int) -> bytes:
        name = self.name(period)
        value = self.client.get(name)
        if value is None:
            self.client.set(name, tokens.random_bytes(KEY_BYTES), nx=True, ex=ttl)
            value = self.client.get(name)
        return value


class SharedMemoryKeys:
    """One record (period, key) in a RAM file; an exclusive lock makes the workers agree."""

    def __init__(self, path: Path, period_length: int):
        self.path = path
        self.period_length = period_length

    def key_for(self, period: int, ttl: int) -> bytes:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            record = os.pread(fd, 8 + KEY_BYTES, 0)
            if len(record) == 8 + KEY_BYTES and int.from_bytes(record[:8], "big") == period:
                return record[8:]
            key = tokens.random_bytes(KEY_BYTES)
            # Overwrite in place: the previous period's key is gone once the new one is written.
            os.pwrite(fd, period.to_bytes(8, "big") + key, 0)
        finally:
            os.close(fd)
        self.sweep(2 * self.period_length)
        return key

    def sweep(self, older_than: float) -> None:
        """Remove key files of instances that are gone (not rewritten for two periods), at each new key."""
        limit = time.time() - older_than
        for path in self.path.parent.glob(f"portal-integritas-{os.getuid()}-*.key"):
            try:
                if path != self.path and path.lstat().st_mtime < limit:
                    path.unlink()
            except OSError:
                pass

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)


class ProcessKeys:
    """Last resort without Redis or /dev/shm: each process its own key (and so its own counts)."""

    def __init__(self):
        self.keys: dict[int, bytes] = {}

    def key_for(self, period: int, ttl: int) -> bytes:
        if period not in self.keys:
            self.keys = {period: tokens.random_bytes(KEY_BYTES)}
        return self.keys[period]

    def discard(self) -> None:
        self.keys.clear()


def discard_key(app: Flask) -> None:
    """Remove the shared-memory key file of `app` (a test app going away); Redis keys expire alone."""
    store = app.extensions.pop("portal_address_keys", None) or _store(app)
    app.extensions.pop("portal_address_keys", None)
    if not isinstance(store, RedisKeys):
        store.discard()
