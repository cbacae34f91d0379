"""WBS test helpers and the `team` fixture: an appointed Tim WBS of two handlers with endorsed key
pairs, a recovery key, sign-in helpers — built the way a real office does it (README)."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from staff import PASSWORD, ROLE_EMAILS, csrf

HANDLER_A = ROLE_EMAILS["wbs"]
HANDLER_B = "wbs.dua@serangkab.go.id"
# The password a handler picks for themselves at the first sign-in (the admin chose PASSWORD).
HANDLER_PASSWORD = "kata sandi pilihan pengelola sendiri 2026"

TIP = {
    "what": "Operator SIAK mencetak KTP-el di luar jam dinas untuk calo dengan imbalan Rp300.000 per keping.",
    "who": "Operator SIAK berinisial R, bagian pencetakan",
    "where": "Ruang cetak KTP-el lantai 2",
    "when": "Setiap Sabtu sejak Maret 2026",
    "how": "Calo mengirim daftar NIK lewat WhatsApp, operator mencetak dan menyerahkan di parkiran.",
    "category": "suap-pungli",
}


def login(app, accounts, email: str, password: str = PASSWORD, client=None):
    """Sign in through the real pages; the used TOTP step is forgotten first so that one test
    can sign the same account in several times within 30 seconds."""
    from portal.extensions import db
    from portal.models import User

    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        user.totp_last_step = None
        db.session.commit()
    return accounts.login(client or app.test_client(), email, password=password)


def form_post(client, page_url: str, post_url: str, data: dict, **kwargs):
    token = csrf(client.get(page_url).get_data(as_text=True))
    return client.post(post_url, data={"csrf_token": token, **data}, **kwargs)


class Team:
    def __init__(self, app, accounts, recovery_key: str):
        self.app, self.accounts, self.recovery_key = app, accounts, recovery_key
        self.passwords: dict[str, str] = {}

    def login(self, email: str, password: str | None = None, client=None):
        return login(self.app, self.accounts, email, password or self.passwords.get(email, PASSWORD), client)

    def choose_password(self, email: str, new: str = HANDLER_PASSWORD, client=None):
        """The handler signs in fully and replaces the admin's password with their own: the key
        pair is born here. Returns the signed-in client."""
        client = self.login(email, client=client)
        old = self.passwords.get(email, PASSWORD)
        response = form_post(client, "/kantor/akun/sandi", "/kantor/akun/sandi",
                             {"current": old, "new": new, "confirm": new})
        assert response.status_code == 200, response.get_data(as_text=True)[:1000]
        self.passwords[email] = new
        return client

    def endorse(self, email: str):
        """The head of office endorses the key with the recovery key, on the command line."""
        result = self.app.test_cli_runner().invoke(
            args=["wbs", "endorse", "--email", email, "--recovery-key-stdin"], input=self.recovery_key + "\n")
        assert result.exit_code == 0, (result.output, result.exception)
        return result

    def user_id(self, email: str) -> int:
        from portal.extensions import db
        from portal.models import User

        with self.app.app_context():
            return db.session.scalar(select(User.id).where(User.email == email))

    def appoint(self, *emails: str) -> None:
        from portal.whistle import keys

        with self.app.app_context():
            keys.appoint("800/123/SK-WBS/2026", "2026-01-05", [self.user_id(e) for e in emails])


def build_team(app, accounts=None, *, all_roles: bool = True) -> Team:
    """The organisation recovery key (its printable half kept by the test, as on paper); handlers
    A (wbs@) and B appointed by SK; each signs in and sets their own password (key pair born);
    the head of office endorses both keys with the recovery key."""
    from staff import Accounts

    from portal.whistle import keys

    app.config["RATELIMIT_LOGIN"] = "10000 per minute"
    if accounts is None:
        accounts = Accounts(app)
        for role, email in ROLE_EMAILS.items():
            if all_roles or role == "wbs":
                accounts.create(email, {role})
    accounts.create(HANDLER_B, {"wbs"}, name="Handler Dua")
    with app.app_context():
        recovery = keys.create_recovery_key()
    t = Team(app, accounts, recovery)
    t.appoint(HANDLER_A, HANDLER_B)
    for email in (HANDLER_A, HANDLER_B):
        t.choose_password(email)
        t.endorse(email)
    return t


@pytest.fixture
def team(app, staff):
    return build_team(app, staff)


def submit_api(client, **overrides) -> str:
    response = client.post("/api/v1/wbs/tips", json={**TIP, **overrides})
    assert response.status_code == 201, response.get_data(as_text=True)
    receipt = response.get_json()["receipt"]
    assert re.fullmatch(r"\d{16}", receipt)
    return receipt


def tip_id_for(app, receipt: str) -> int:
    from portal.whistle import services

    with app.test_request_context():
        return services.lookup(receipt).tip.id


# --------------------------------------------------------------------------- searching for plaintext


def needle_forms(secret: str) -> list[bytes]:
    """The ways a string could sit in a file: UTF-8, UTF-16, hex (PostgreSQL bytea in a dump),
    and base64 at each of the three alignments."""
    import base64

    raw = secret.encode("utf-8")
    forms = [raw, secret.encode("utf-16-le"), secret.encode("utf-16-be"), raw.hex().encode(), raw.hex().upper().encode()]
    for pad in range(3):
        encoded = base64.b64encode(b"\0" * pad + raw)
        start = (pad * 4 + 2) // 3 + 1
        forms.append(encoded[start:-4])
    return [f for f in forms if len(f) >= 8]


def hits_in_bytes(data: bytes, forms: list[bytes]) -> list[bytes]:
    return [form for form in forms if form in data]


def search_tree(root, forms: list[bytes], files=None) -> dict[str, list[bytes]]:
    """{path: forms found} for every regular file under root (or for the given file list)."""
    import os
    from pathlib import Path

    found = {}
    paths = files if files is not None else [Path(d) / f for d, _, names in os.walk(root) for f in names]
    for path in paths:
        try:
            data = Path(path).read_bytes()
        except (FileNotFoundError, IsADirectoryError, PermissionError):
            continue
        hits = hits_in_bytes(data, forms)
        if hits:
            found[str(path)] = hits
    return found


def temp_snapshot(exclude) -> dict[str, float]:
    """Files in the system temp dir (path -> mtime), leaving out pytest's own base directory."""
    import os
    import tempfile
    from pathlib import Path

    out = {}
    exclude = str(exclude)
    for directory, dirs, names in os.walk(tempfile.gettempdir()):
        if directory.startswith(exclude):
            dirs[:] = []
            continue
        for name in names:
            path = Path(directory) / name
            try:
                out[str(path)] = path.stat().st_mtime
            except OSError:
                continue
    return out


def pg_dump(app) -> bytes | None:
    """The plain SQL dump of this test's PostgreSQL schema, or None on SQLite."""
    import subprocess

    schema = app.extensions.get("test_pg_schema")
    if schema is None:
        return None
    result = subprocess.run(["pg_dump", f"--schema={schema.name}", "-h", "127.0.0.1", "-U", "postgres", "test"],
                            capture_output=True, check=True, timeout=120)
    assert schema.name.encode() in result.stdout  # the dump really is of this schema
    return result.stdout


def png_with_text(text: str) -> bytes:
    """A PNG whose pixel bytes and tEXt chunk carry `text`."""
    import io

    from PIL import Image
    from PIL.PngImagePlugin import PngInfo

    raw = text.encode("ascii")
    image = Image.frombytes("L", (len(raw), 4), raw * 4)
    info = PngInfo()
    info.add_text("Comment", text)
    out = io.BytesIO()
    image.save(out, "PNG", pnginfo=info)
    return out.getvalue()


def pdf_with_text(text: str) -> bytes:
    """A PDF whose (uncompressed) page text and author carry `text`."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_compression(False)
    pdf.set_author(text)
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text=text)
    return bytes(pdf.output())


def private_key_of(app, email: str, password: str = HANDLER_PASSWORD) -> bytes:
    """A handler's private key, unwrapped with their password the way sign-in does it."""
    from portal.crypto import envelope
    from portal.extensions import db
    from portal.models import User
    from portal.models.wbs import WbsHandler

    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        row = db.session.get(WbsHandler, user.id)
        assert row is not None and row.wrapped_private_key is not None
        return envelope.unwrap_private_key(bytes(row.wrapped_private_key), password)


def sealed_copies(app, tip_id: int) -> list[tuple[str, int | None, bytes]]:
    from portal.extensions import db
    from portal.models.wbs import WbsTipKey

    with app.app_context():
        return [(k.holder, k.user_id, bytes(k.wrapped)) for k in
                db.session.scalars(select(WbsTipKey).where(WbsTipKey.tip_id == tip_id))]


def tip_ids_in_queue(client) -> set[int]:
    return {int(n) for n in re.findall(r'href="/kantor/wbs/(\d+)"', client.get("/kantor/wbs").get_data(as_text=True))}

LATE_HANDLER = "wbs.baru@serangkab.go.id"
