"""The portal as deployed: PORTAL_ENV=production with a real SECRET_KEY, gunicorn with several
workers (deploy/gunicorn.conf.py) on a fresh SQLite instance made by `flask db upgrade`, over
HTTPS with a throw-away certificate — first gunicorn's own TLS, then through the shipped nginx
site file (deploy/nginx/portal-integritas.conf). Debian's Chromium, JavaScript off, on a phone
screen, files a complaint, a gratification report and a WBS tip and reaches the staff sign-in's
answer. Behind nginx, a tip's text never lands in nginx's temporary files and no log line names
the client."""
from __future__ import annotations

import atexit
import gzip
import re
import secrets
import shutil
import ssl
import socket
import tempfile
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from served import (CLIENT_ADDRESS, NGINX, USER_AGENT, flask, fresh_env, gunicorn, nginx, production_env, request,
                    self_signed_certificate)
from support import BROWSER_CONTEXT, free_port
from test_gratification_browser import file_report

pytestmark = pytest.mark.browser

ADMIN_EMAIL = "admin@serangkab.go.id"
ADMIN_PASSWORD = "Sandi-Uji-Produksi-" + secrets.token_hex(6)
COMPLAINT_TEXT = "KTP-el sudah direkam di UPT Kec. Kramatwatu bulan Januari, enam minggu belum dicetak."
TIP_TEXT = "Operator SIAK mencetak KTP-el di luar jam dinas untuk calo dengan imbalan Rp300.000 per keping."


def nginx_missing_reason() -> str | None:
    if not Path(NGINX).exists():
        return f"nginx not installed at {NGINX} (Debian package 'nginx'; .ci/run installs it)"
    return None


_made: dict[str, object] = {}


def fresh_production_instance(tmp_path: Path, **extra: str) -> dict:
    """A production instance made by `flask db upgrade` and `flask users create` (real processes),
    once per test process; each test serves its own copy of it (the tests only read the admin and
    add their own submissions), with the same SECRET_KEY."""
    if "instance" not in _made:
        folder = Path(tempfile.mkdtemp(prefix="portal-production-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        env = production_env(folder / "instance")
        flask(env, "db", "upgrade")
        flask(env, "users", "create", "--email", ADMIN_EMAIL, "--name", "Admin Uji", "--role", "admin",
              "--password-stdin", stdin=ADMIN_PASSWORD + "\n")
        _made.update(instance=folder / "instance", secret=env["SECRET_KEY"])
    shutil.copytree(_made["instance"], tmp_path / "instance", symlinks=True)
    return fresh_env(tmp_path / "instance", PORTAL_ENV="production", SECRET_KEY=_made["secret"], **extra)


@pytest.fixture
def phone(chromium):
    """A phone-sized Chromium window with JavaScript off that accepts the throw-away certificate."""
    context = chromium.new_context(**BROWSER_CONTEXT, viewport={"width": 390, "height": 844},
                                   java_script_enabled=False, ignore_https_errors=True)
    yield context.new_page()
    context.close()


def walk_every_public_form(page, base: str) -> None:
    expired = "Formulir sudah kedaluwarsa"

    # Complaint: the ticket and access code are shown.
    page.goto(base + "/pengaduan/baru")
    page.get_by_label("Klasifikasi").select_option("pengaduan")
    page.get_by_label("Layanan yang diadukan").select_option("ktp-el")
    page.get_by_label("Jenis masalah").select_option("sistem")
    page.get_by_label("Judul").fill("KTP-el belum dicetak")
    page.get_by_label("Isi pengaduan / kronologi").fill(COMPLAINT_TEXT)
    page.get_by_role("radio", name=re.compile(r"^Anonim")).check()
    page.get_by_label("Saya menyatakan isi pengaduan ini benar").check()
    page.get_by_role("button", name="Kirim pengaduan").click()
    page.wait_for_load_state()
    assert expired not in page.content()
    assert page.get_by_role("heading", name="Pengaduan Anda diterima").is_visible(), page.content()[:3000]
    assert re.fullmatch(r"PGD-\d{4}-\d{6}", page.locator("#nomor-tiket").inner_text().strip())

    # Gratification report (the helper asserts the ticket page), received today at the office.
    file_report(page, base, datetime.now(ZoneInfo("Asia/Jakarta")).date())

    # WBS tip: the 16-digit receipt is shown.
    page.goto(base + "/wbs/kirim")
    page.get_by_label("Apa yang terjadi?").fill(TIP_TEXT)
    page.get_by_label("Siapa yang terlibat?").fill("Operator SIAK berinisial R")
    page.get_by_label("Jenis pelanggaran").select_option("suap-pungli")
    page.get_by_role("button", name="Kirim laporan").click()
    page.wait_for_load_state()
    assert expired not in page.content()
    assert page.get_by_role("heading", name="Laporan Anda diterima").is_visible(), page.content()[:3000]
    assert re.fullmatch(r"\d{4} \d{4} \d{4} \d{4}", page.locator("#nomor-resi").inner_text().strip())

    # Staff sign-in: the right password leads to the second-factor step.
    page.goto(base + "/kantor/masuk")
    page.get_by_label("Surel").fill(ADMIN_EMAIL)
    page.get_by_label("Kata sandi").fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="Lanjut").click()
    page.wait_for_load_state()
    assert expired not in page.content()
    assert re.search(r"/kantor/masuk/verifikasi$", page.url), page.content()[:3000]
    assert page.get_by_label("Kode dari aplikasi autentikator").is_visible()

    session = [c for c in page.context.cookies() if c["name"] == "portal_session"]
    assert session and all(c["secure"] and c["httpOnly"] for c in session)


def test_every_public_form_works_over_https_under_gunicorn(tmp_path, phone):
    env = fresh_production_instance(tmp_path)
    cert, key = self_signed_certificate(tmp_path / "tls")
    server = gunicorn(env, tmp_path / "gunicorn.log", "--certfile", str(cert), "--keyfile", str(key), tls=True)
    server.env["PORTAL_BASE_URL"] = f"https://127.0.0.1:{server.port}"
    server.start()
    try:
        assert len(server.processes()) >= 3, server.processes()  # the master and several workers
        walk_every_public_form(phone, f"https://127.0.0.1:{server.port}")
    finally:
        server.stop()
    output = server.output()
    assert '"POST /wbs/kirim HTTP/1.1" 200' in output  # the access log, without the browser's name
    assert "HeadlessChrome" not in output and "Mozilla" not in output


# --- through the shipped nginx site file ------------------------------------------------------------


def _multipart(fields: dict[str, str]) -> tuple[str, bytes]:
    boundary = "----portal" + secrets.token_hex(8)
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
             for name, value in fields.items()]
    return boundary, ("".join(parts) + f"--{boundary}--\r\n").encode()


def _open_temp_files(nginx_server, temp_root: Path) -> dict[str, bytes]:
    """Contents of every file under nginx's temp folders that an nginx process holds open (nginx
    unlinks its temporary files at once, so they never show in a directory listing)."""
    found = {}
    for pid in nginx_server.pids():
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                target = str(fd.readlink())
                if target.startswith(str(temp_root)):
                    found[target] = fd.read_bytes()
            except OSError:
                continue
    for path in temp_root.rglob("*"):
        if path.is_file():
            found[str(path)] = path.read_bytes()
    return found


def slow_tip_through(nginx_server, temp_root: Path, marker: str) -> tuple[int, dict[str, bytes]]:
    """Send a large tip (over nginx's default 16 KiB body buffer) in two halves over HTTPS,
    looking at nginx's temporary files in between; returns the status and what was found."""
    text = (marker + " ") * (9_000 // (len(marker) + 1))
    boundary, body = _multipart({"what": text, "how": text, "who": "Operator SIAK", "category": "suap-pungli"})
    head = (f"POST /api/v1/wbs/tips HTTP/1.1\r\nHost: 127.0.0.1:{nginx_server.port}\r\n"
            f"User-Agent: {USER_AGENT}\r\nContent-Type: multipart/form-data; boundary={boundary}\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode()
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    seen: dict[str, bytes] = {}
    with socket.create_connection(("127.0.0.1", nginx_server.port), source_address=(CLIENT_ADDRESS, 0)) as raw:
        with context.wrap_socket(raw) as tls:
            tls.sendall(head + body[: len(body) * 3 // 4])
            for _ in range(10):  # while the rest is still on its way
                time.sleep(0.2)
                seen.update(_open_temp_files(nginx_server, temp_root))
            tls.sendall(body[len(body) * 3 // 4:])
            answer = b""
            while chunk := tls.recv(65536):
                answer += chunk
    seen.update(_open_temp_files(nginx_server, temp_root))
    return int(answer.split(b" ", 2)[1]), seen


@pytest.fixture(scope="module")
def upstream(tmp_path_factory):
    """gunicorn behind nginx, started once for the nginx tests of this module (each starting gunicorn
    cost a master and two workers importing the portal, about six seconds of CPU); each test has its
    own nginx, logs and temporary folders, on the HTTPS port the app was told is its address."""
    reason = nginx_missing_reason()
    if reason:
        pytest.skip(reason)
    folder = tmp_path_factory.mktemp("upstream")
    env = fresh_production_instance(folder, PROXY_FIX_X_FOR="1")
    https_port = free_port()
    app_server = gunicorn(env, folder / "gunicorn.log")
    app_server.env["PORTAL_BASE_URL"] = f"https://127.0.0.1:{https_port}"
    app_server.start()
    try:
        yield app_server, https_port
    finally:
        app_server.stop()


@pytest.fixture
def behind_nginx(upstream, tmp_path):
    app_server, https_port = upstream
    cert, key = self_signed_certificate(tmp_path / "tls")
    front = nginx(tmp_path / "nginx", upstream_port=app_server.port, cert=cert, key=key, https_port=https_port)
    try:
        front.start()
        yield front, tmp_path / "nginx"
    finally:
        front.stop()


def test_every_public_form_works_through_the_shipped_nginx(behind_nginx, phone):
    front, prefix = behind_nginx
    base = f"https://127.0.0.1:{front.port}"
    walk_every_public_form(phone, base)

    # Plain HTTP is sent to HTTPS.
    status, headers, _ = request(front.http_port, "GET", "/wbs", source=CLIENT_ADDRESS)
    assert status == 301 and headers["location"].startswith("https://")

    # HTML and CSS travel compressed; the app's own security headers pass through.
    for path in ("/", "/static/css/portal.css"):
        status, headers, body = request(front.port, "GET", path, headers={"Accept-Encoding": "gzip"}, tls=True,
                                        source=CLIENT_ADDRESS)
        assert status == 200 and headers.get("content-encoding") == "gzip", (path, headers)
        assert gzip.decompress(body)
    assert headers.get("strict-transport-security")

    # The app knows it is served over HTTPS (X-Forwarded-Proto from nginx, trusted for one hop):
    # Flask-WTF's strict check refuses a form posted from another site.
    status, headers, page = request(front.port, "GET", "/wbs/kirim", tls=True, source=CLIENT_ADDRESS)
    cookie = headers["set-cookie"].split(";", 1)[0]
    token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page).group(1).decode()
    form = f"csrf_token={token}&what=x".encode()
    for referer, refused in (("https://attacker.example/wbs/kirim", True), (base + "/wbs/kirim", False)):
        status, _, body = request(front.port, "POST", "/wbs/kirim", body=form, tls=True, source=CLIENT_ADDRESS,
                                  headers={"Cookie": cookie, "Referer": referer,
                                           "Content-Type": "application/x-www-form-urlencoded"})
        assert (status == 400 and "Formulir sudah kedaluwarsa" in body.decode()) is refused, (referer, status)

    logs = assert_nginx_logs_name_no_client(front, prefix)
    assert "POST /wbs/kirim" in logs["portal-integritas.access.log"]


def assert_nginx_logs_name_no_client(front, prefix: Path) -> dict[str, str]:
    front.stop()
    logs = {path.name: path.read_text(errors="replace") for path in (prefix / "logs").iterdir()}
    logs["nginx.out"] = front.output()
    for name, text in logs.items():
        assert CLIENT_ADDRESS not in text and "127.0.0.1" not in text, (name, text[-2000:])
        assert USER_AGENT not in text and "HeadlessChrome" not in text, (name, text[-2000:])
    return logs


def test_a_tip_never_lands_in_nginx_temp_files_and_logs_name_no_client(behind_nginx):
    front, prefix = behind_nginx
    marker = "RAHASIA" + secrets.token_hex(6)
    status, seen = slow_tip_through(front, prefix / "temp", marker)
    assert status == 201
    assert not [path for path, data in seen.items() if marker.encode() in data], list(seen)

    # Garbage and a refused request too: nothing nginx writes names the client or its browser.
    request(front.port, "GET", "/tidak-ada", tls=True, source=CLIENT_ADDRESS)
    with socket.create_connection(("127.0.0.1", front.port), source_address=(CLIENT_ADDRESS, 0)) as raw:
        raw.sendall(b"NOT TLS AT ALL\r\n\r\n")
        raw.recv(100)
    logs = assert_nginx_logs_name_no_client(front, prefix)
    assert "POST /api/v1/wbs/tips" in logs["portal-integritas.access.log"]  # the log is kept, without names


def test_nginx_accepts_every_upload_the_app_accepts():
    """client_max_body_size in the shipped site file covers the app's MAX_CONTENT_LENGTH."""
    from portal.config import ProductionConfig
    from served import NGINX_SITE

    size = re.search(r"^\s*client_max_body_size\s+(\d+)m;", NGINX_SITE.read_text(), flags=re.M)
    buffer = re.search(r"^\s*client_body_buffer_size\s+(\d+)m;", NGINX_SITE.read_text(), flags=re.M)
    assert size and int(size.group(1)) * 1024 * 1024 >= ProductionConfig.MAX_CONTENT_LENGTH
    assert int(size.group(1)) * 1024 * 1024 < ProductionConfig.MAX_CONTENT_LENGTH + 2 * 1024 * 1024
    assert buffer and int(buffer.group(1)) >= int(size.group(1))
