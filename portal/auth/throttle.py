"""Sign-in throttle: failures per address, per (address, account) pair and per account, that reveal nothing.

Counters are keyed by the rotating address hash of portal.ratelimit (never the address) and by the
typed e-mail, whether or not an account has it: an unknown and a real account are throttled alike,
so a lock tells an attacker nothing. The pair and the address stop an attacker after a few tries
while the real handler, from another address, still signs in; the account-wide count across all
addresses only stops a spread-out attack, at a much higher threshold. Rows expire after the window
and are purged whenever the table is written.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite

from ..models import LoginThrottle
from ..models.types import utcnow
from ..ratelimit import address_hash, keyed_hash


@dataclass(frozen=True)
class Keys:
    address: str
    pair: str
    account: str


def window() -> timedelta:
    return timedelta(seconds=current_app.config["LOGIN_THROTTLE_WINDOW_SECONDS"])


def normalise(email) -> str:
    return email.strip().lower()[:254] if isinstance(email, str) else ""


def keys_for(email) -> Keys:
    account = normalise(email)
    return Keys(address="addr:" + address_hash("login-address"),
                pair="pair:" + address_hash("login-pair", account),
                account="acct:" + keyed_hash("login-account", account))


def _limits(keys: Keys) -> list[tuple[str, int]]:
    cfg = current_app.config
    return [(keys.address, cfg["LOGIN_MAX_FAILURES_PER_ADDRESS"]), (keys.pair, cfg["LOGIN_MAX_FAILURES_PER_PAIR"]),
            (keys.account, cfg["LOGIN_MAX_FAILURES_PER_ACCOUNT"])]


def blocked(session, keys: Keys) -> bool:
    since = utcnow() - window()
    for key, limit in _limits(keys):
        row = session.get(LoginThrottle, key)
        if row is not None and row.window_start > since and row.failures >= limit:
            return True
    return False


def record_failure(session, keys: Keys) -> None:
    purge(session)
    now = utcnow()
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    for key, _limit in _limits(keys):
        # One statement per counter: two failures at the same moment neither collide nor lose a count.
        statement = insert(LoginThrottle).values(key=key, failures=1, window_start=now)
        session.execute(statement.on_conflict_do_update(index_elements=[LoginThrottle.key],
                                                        set_={"failures": LoginThrottle.failures + 1}))


def signed_in(session, keys: Keys) -> None:
    """The right password from this address: its pair starts afresh (the address count stays)."""
    purge(session)
    session.execute(delete(LoginThrottle).where(LoginThrottle.key == keys.pair))


def purge(session) -> None:
    session.execute(delete(LoginThrottle).where(LoginThrottle.window_start <= utcnow() - window()))
    session.flush()
