"""Back-office sign-in for the benches: a bench account per role on the kept dataset (created once,
with a real TOTP secret), signed in through the real pages (password, then the TOTP code)."""
from __future__ import annotations

import re
import time

import pyotp
from sqlalchemy import select

PASSWORD = "kata sandi bench yang panjang sekali 2026"


def csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    if not match:
        raise RuntimeError("no CSRF token on the page")
    return match.group(1)


def account(app, role: str):
    """(user id, TOTP secret) of bench-<role>@example.org, created when missing."""
    from portal.auth import services
    from portal.extensions import db
    from portal.models import User

    email = f"bench-{role}@example.org"
    with app.test_request_context():
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            user, _uri = services.create_user(email, f"Bench {role.title()}", {role}, PASSWORD, enrolled_secret=True)
        found = (user.id, user.totp_secret)
        db.session.remove()
        return found


def signed_in(app, role: str):
    """A test client signed in as the bench account of `role` (waits for the next TOTP step when
    this step's code was already used, e.g. by a run a few seconds ago)."""
    _user_id, secret = account(app, role)
    email = f"bench-{role}@example.org"
    for _attempt in range(3):
        client = app.test_client()
        page = client.get("/kantor/masuk").get_data(as_text=True)
        response = client.post("/kantor/masuk", data={"csrf_token": csrf(page), "email": email, "password": PASSWORD})
        if response.status_code != 302:
            raise RuntimeError(f"bench sign-in refused the password: {response.status_code}")
        page = client.get("/kantor/masuk/verifikasi").get_data(as_text=True)
        response = client.post("/kantor/masuk/verifikasi",
                               data={"csrf_token": csrf(page), "code": pyotp.TOTP(secret).now()})
        if response.status_code == 302:
            return client
        time.sleep(31 - time.time() % 30)  # this step's code was used: the next one
    raise RuntimeError("bench sign-in refused the TOTP code")
