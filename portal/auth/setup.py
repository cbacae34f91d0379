"""First administrator of a new installation: a one-time link printed on the server's console."""
from __future__ import annotations

import json
import time
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from ..crypto import hashing, tokens
from ..extensions import db
from ..fsutil import atomic_write
from ..models import User

TOKEN_FILE = "setup-token.json"
TOKEN_SECONDS = 24 * 3600


def _path() -> Path:
    return Path(current_app.instance_path) / TOKEN_FILE


def admin_exists() -> bool:
    return any("admin" in u.roles for u in db.session.scalars(select(User).where(User.active.is_(True))))


def issue_token() -> str:
    """A new one-time token; only its hash is kept (in instance/, readable by the server alone)."""
    token = tokens.setup_token()
    record = {"hash": hashing.token_hash(token), "expires": time.time() + TOKEN_SECONDS}
    atomic_write(_path(), json.dumps(record))
    return token


def token_valid(token: str | None) -> bool:
    if not token or admin_exists():
        return False
    try:
        record = json.loads(_path().read_text())
    except (FileNotFoundError, ValueError):
        return False
    digest = hashing.token_hash(token)
    return hashing.equal(digest, str(record.get("hash", ""))) and time.time() < record.get("expires", 0)


def consume_token() -> None:
    _path().unlink(missing_ok=True)
