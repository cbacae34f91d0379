"""Back-office accounts for tests: one per role, real TOTP secrets, sign-in through the real pages."""
from __future__ import annotations

import re

import pyotp
from portal.auth import services

PASSWORD = "kata sandi yang panjang sekali 2026"


def csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


class Accounts:
    def __init__(self, app):
        self.app = app
        self.secrets: dict[str, str] = {}

    def create(self, email: str, roles, name: str | None = None):
        with self.app.app_context():
            user, uri = services.create_user(email, name or email.split("@")[0].title(), set(roles), PASSWORD,
                                             enrolled_secret=True)
            self.secrets[email] = pyotp.parse_uri(uri).secret
            return user.id

    def code(self, email: str, offset_steps: int = 0) -> str:
        totp = pyotp.TOTP(self.secrets[email])
        import time
        return totp.at(time.time() + offset_steps * 30)

    def login(self, client, email: str, *, password: str = PASSWORD):
        page = client.get("/kantor/masuk").get_data(as_text=True)
        response = client.post("/kantor/masuk", data={"csrf_token": csrf(page), "email": email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        page = client.get("/kantor/masuk/verifikasi").get_data(as_text=True)
        response = client.post("/kantor/masuk/verifikasi", data={"csrf_token": csrf(page), "code": self.code(email)})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return client


ROLE_EMAILS = {
    "admin": "admin@serangkab.go.id",
    "complaints": "pengaduan@serangkab.go.id",
    "gratification": "upg@serangkab.go.id",
    "wbs": "wbs@serangkab.go.id",
    "leader": "kadis@serangkab.go.id",
    "liaison": "dafduk@serangkab.go.id",  # pejabat penghubung; its unit is set by the tests that need one
}
