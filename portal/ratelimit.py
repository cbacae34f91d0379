"""Rate-limit keys: a keyed hash of the client address, so no reporter IP is ever stored."""
from __future__ import annotations

import hashlib
import hmac

from flask import current_app, request


def client_key() -> str:
    address = request.remote_addr or "unknown"
    secret = current_app.config["SECRET_KEY"]
    if isinstance(secret, str):
        secret = secret.encode()
    digest = hmac.new(secret, b"ratelimit:" + address.encode(), hashlib.sha256).hexdigest()
    return digest[:32]
