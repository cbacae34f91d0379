"""First administrator of a new installation: a one-time link printed on the server's console."""
from __future__ import annotations

import hashlib
import json
import secrets
import time
from pathlib import Path

from flask import current_app
from sqlalchemy import select

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
    token = secrets.token_urlsafe(24)
    record = {"hash": hashlib.sha256(token.encode()).hexdigest(), "expires": time.time() + TOKEN_SECONDS}
    atomic_write(_path(), json.dumps(record))
    return token


def token_valid(token: str | None) -> bool:
    if not token or admin_exists():
        return False
    try:
        record = json.loads(_path().read_text())
    except (FileNotFoundError, ValueError):
        return False
    digest = hashlib.sha256(token.encode()).hexdigest()
    return secrets.compare_digest(digest, record.get("hash", "")) and time.time() < record.get("expires", 0)


def consume_token() -> None:
    _path().unlink(missing_ok=True)
