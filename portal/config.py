"""Configuration: defaults, environment variables (twelve-factor) and per-environment classes."""
from __future__ import annotations

import os
from pathlib import Path

DEFAULT_SECRET_MARKERS = {"", "dev", "change-me", "changeme", "secret", "default"}


def _bool(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() not in {"0", "false", "no", "off"}


def normalise_database_url(url: str) -> str:
    """Let operators write the usual postgres URLs; we drive PostgreSQL with psycopg 3."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


class BaseConfig:
    PORTAL_ENV = "development"
    BABEL_DEFAULT_LOCALE = "id"
    BABEL_DEFAULT_TIMEZONE = "Asia/Jakarta"
    PORTAL_TIMEZONE = "Asia/Jakarta"
    PORTAL_LANGUAGES = ("id", "en")
    PORTAL_OFFICE_NAME = "Dinas Kependudukan dan Pencatatan Sipil Kabupaten Serang"
    PORTAL_OFFICE_SHORT = "Disdukcapil Kab. Serang"
    # SP4N-LAPOR! API (portal.lapor.client): unset, the exchange runs on export files only.
    LAPOR_API_URL: str | None = None
    LAPOR_API_TOKEN: str | None = None

    SQLALCHEMY_TRACK_MODIFICATIONS = False
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    SQLITE_BUSY_TIMEOUT_MS = 30_000
    # portal.database: FULL, so an acknowledged submission survives power loss. Only tests lower it.
    SQLITE_SYNCHRONOUS = "FULL"

    # Attachments: at most five photos/PDFs of 5 MB each (shown on the forms).
    ATTACHMENT_MAX_FILES = 5
    ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024
    # The whole request may carry all attachments plus the text fields.
    MAX_CONTENT_LENGTH = 5 * 5 * 1024 * 1024 + 512 * 1024
    MAX_FORM_MEMORY_SIZE = 512 * 1024

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    SESSION_COOKIE_NAME = "portal_session"
    REMEMBER_COOKIE_HTTPONLY = True
    WTF_CSRF_TIME_LIMIT = 4 * 3600
    WTF_CSRF_SSL_STRICT = True

    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_STRATEGY = "fixed-window"
    # Per client address (an IPv4 address or an IPv6 /64, kept only as a keyed hash under a key that
    # rotates every RATELIMIT_ADDRESS_KEY_SECONDS; see portal.ratelimit). A kiosk, an office NAT or
    # an onion service puts many people behind one address, so the submit limit counts only
    # ACCEPTED submissions; every attempt (refused ones too) counts against the looser ATTEMPTS.
    RATELIMIT_SUBMIT = "20 per hour;5 per minute"
    RATELIMIT_SUBMIT_ATTEMPTS = "200 per hour;30 per minute"
    RATELIMIT_LOOKUP = "30 per hour;10 per minute"
    # "Lost my code": per address, and per ticket across all addresses (nobody floods a citizen's mailbox).
    RATELIMIT_CODE_REISSUE = "5 per hour"
    RATELIMIT_API_DEFAULT = "300 per minute"
    RATELIMIT_LOGIN = "30 per 15 minutes"
    # Per channel, across all addresses: accepted submissions the server takes (form and API together).
    RATELIMIT_CHANNEL_BUDGET = "60 per minute;1000 per hour"
    RATELIMIT_ADDRESS_KEY_SECONDS = 24 * 3600
    RATELIMIT_IPV6_PREFIX = 64
    # Sign-in throttle (portal.auth.throttle): failures per address, per (address, account) pair and,
    # much higher so that an attacker cannot lock a handler out, per account from all addresses.
    LOGIN_THROTTLE_WINDOW_SECONDS = 15 * 60
    LOGIN_MAX_FAILURES_PER_ADDRESS = 20
    LOGIN_MAX_FAILURES_PER_PAIR = 5
    LOGIN_MAX_FAILURES_PER_ACCOUNT = 100

    MAIL_SERVER = "localhost"
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USE_SSL = False
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_DEFAULT_SENDER = "portal-integritas@localhost"
    MAIL_SUPPRESS_SEND = False  # tests send through a real SMTP server
    MAIL_TIMEOUT_SECONDS = 10
    MAIL_MAX_ATTEMPTS = 12
    MAIL_SEND_INLINE = True  # try once right after the commit, off the request path

    PORTAL_BASE_URL = "http://127.0.0.1:5000"
    # Sealed access codes let a double-clicked form show the same receipt again; kept briefly.
    RECEIPT_REPLAY_SECONDS = 3600
    # `keys rotate` waits this long after adding the new key so requests begun under the old one commit.
    KEY_ROTATION_GRACE_SECONDS = 1.0
    # A survey kiosk's thank-you page goes back to a blank form after this many seconds (meta refresh).
    KIOSK_RETURN_SECONDS = 8
    # WBS Argon2id costs (time, memory KiB, lanes); None keeps envelope.PASSWORD_KDF / RECEIPT_KDF.
    WBS_PASSWORD_KDF: tuple[int, int, int] | None = None
    WBS_RECEIPT_KDF: tuple[int, int, int] | None = None
    # Where encrypted files live and where the secrets every host shares are (portal/settings.py).
    PORTAL_FILE_STORE = "local"
    PORTAL_SHARED_SECRETS = ""


class DevelopmentConfig(BaseConfig):
    PORTAL_ENV = "development"


class TestingConfig(BaseConfig):
    PORTAL_ENV = "testing"
    TESTING = True
    RATELIMIT_SUBMIT = "1000 per minute"
    RATELIMIT_SUBMIT_ATTEMPTS = "1000 per minute"
    RATELIMIT_CHANNEL_BUDGET = "10000 per minute"
    RATELIMIT_LOOKUP = "1000 per minute"
    RATELIMIT_API_DEFAULT = "10000 per minute"
    MAIL_SEND_INLINE = False
    # Cheap key derivations and no fsync, for the suite's speed only: production keeps Argon2id
    # t=3 (64 MiB logins and handler keys, 24 MiB receipts) and synchronous=FULL, which
    # tests/foundation/test_production_costs.py asserts. Every blob records its own KDF parameters,
    # so the code paths are the same whatever the cost.
    PASSWORD_HASH_TIME_COST = 1
    PASSWORD_HASH_MEMORY_KIB = 1024
    WBS_PASSWORD_KDF = (1, 1024, 1)
    WBS_RECEIPT_KDF = (1, 1024, 1)
    SQLITE_SYNCHRONOUS = "OFF"
    KEY_ROTATION_GRACE_SECONDS = 0.0
    # The kiosk browser tests wait for the thank-you page to go back to the form by itself.
    KIOSK_RETURN_SECONDS = 2


class ProductionConfig(BaseConfig):
    PORTAL_ENV = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def from_environment(instance_path: str) -> dict:
    """Values from the twelve-factor environment; absent variables keep the class defaults."""
    env = os.environ
    values: dict = {}
    db_url = env.get("DATABASE_URL")
    values["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(db_url) if db_url else (
        "sqlite:///" + str(Path(instance_path) / "portal.db")
    )
    if env.get("SECRET_KEY"):
        values["SECRET_KEY"] = env["SECRET_KEY"]
    if env.get("RATELIMIT_STORAGE_URI"):
        values["RATELIMIT_STORAGE_URI"] = env["RATELIMIT_STORAGE_URI"]
    if "RATELIMIT_ENABLED" in env:
        values["RATELIMIT_ENABLED"] = _bool(env["RATELIMIT_ENABLED"], True)
    # Limit strings ("20 per hour;5 per minute") and numbers an operator tunes, e.g. for an onion service.
    for name in ("RATELIMIT_SUBMIT", "RATELIMIT_SUBMIT_ATTEMPTS", "RATELIMIT_CHANNEL_BUDGET", "RATELIMIT_LOOKUP",
                 "RATELIMIT_CODE_REISSUE", "RATELIMIT_API_DEFAULT", "RATELIMIT_LOGIN", "RATELIMIT_KEY_PREFIX"):
        if env.get(name):
            values[name] = env[name]
    for name in ("RATELIMIT_ADDRESS_KEY_SECONDS", "RATELIMIT_IPV6_PREFIX", "LOGIN_MAX_FAILURES_PER_ADDRESS",
                 "LOGIN_MAX_FAILURES_PER_PAIR", "LOGIN_MAX_FAILURES_PER_ACCOUNT"):
        if env.get(name):
            values[name] = int(env[name])
    for name in ("MAIL_SERVER", "MAIL_USERNAME", "MAIL_PASSWORD", "MAIL_DEFAULT_SENDER", "PORTAL_BASE_URL",
                 "LAPOR_API_URL", "LAPOR_API_TOKEN"):
        if env.get(name):
            values[name] = env[name]
    if not env.get("PORTAL_BASE_URL") and env.get("PORT"):
        # `PORT=8080 make run` serves on 8080: the links it prints and mails must say so too.
        values["PORTAL_BASE_URL"] = f"http://127.0.0.1:{int(env['PORT'])}"
    if "PORTAL_PAGE_CACHE" in env:  # 0: render the public pages per request (portal.pagecache; for measuring)
        values["PORTAL_PAGE_CACHE"] = _bool(env["PORTAL_PAGE_CACHE"], True)
    if env.get("PROXY_FIX_X_FOR"):
        values["PROXY_FIX_X_FOR"] = int(env["PROXY_FIX_X_FOR"])
    if env.get("MAIL_PORT"):
        values["MAIL_PORT"] = int(env["MAIL_PORT"])
    if "MAIL_USE_TLS" in env:
        values["MAIL_USE_TLS"] = _bool(env["MAIL_USE_TLS"], False)
    if "MAIL_USE_SSL" in env:
        values["MAIL_USE_SSL"] = _bool(env["MAIL_USE_SSL"], False)
    # Operator settings that the admin page may override (cuti bersama, WBS retention, PDP officer).
    from .settings import from_environment as settings_from_environment

    values.update(settings_from_environment(env))
    return values
