"""`make run` and `make dev` as the README gives them: a fresh instance, several gunicorn workers
(or Flask's debug server), links that carry the port served on, and no line the server writes
holding a client's address or user agent (SECURITY.md promise 4)."""
from __future__ import annotations

import json
import re
import shutil
import socket
import time

import pytest

from samples import COMPLAINT
from served import BIN, CLIENT_ADDRESS, TEST_GUNICORN_WORKERS, USER_AGENT, Server, fresh_env, request
from support import flask_in_process, free_port

TIP = {"what": "Pungutan Rp50.000 untuk percepatan akta kelahiran di loket 3 setiap pagi.",
       "who": "Petugas loket 3", "category": "suap-pungli"}


def make(target: str, tmp_path, port: int, **env_extra: str) -> Server:
    if not shutil.which("make"):
        pytest.skip("`make` is not installed")
    # -o: the virtualenv is already installed (`make test` made it); never reinstall from a test.
    argv = ["make", "--no-print-directory", "-o", str(BIN.parent / ".installed"), target]
    env = fresh_env(tmp_path / "instance", PORT=str(port), **env_extra)
    return Server(argv, env, tmp_path / f"make-{target}.log", port)


def use_like_a_citizen(port: int) -> None:
    """A complaint and a WBS tip from another loopback address, with a recognisable browser name."""
    json_headers = {"Content-Type": "application/json"}
    status, _, body = request(port, "POST", "/api/v1/complaints", json.dumps(COMPLAINT).encode(),
                              json_headers, source=CLIENT_ADDRESS)
    assert status == 201, body
    status, _, body = request(port, "POST", "/api/v1/wbs/tips", json.dumps(TIP).encode(), json_headers,
                              source=CLIENT_ADDRESS)
    assert status == 201, body
    assert request(port, "GET", "/wbs/kirim", source=CLIENT_ADDRESS)[0] == 200
    assert request(port, "GET", "/tidak-ada", source=CLIENT_ADDRESS)[0] == 404
    # A request line no server can parse, which servers like to log with the sender's address.
    with socket.create_connection(("127.0.0.1", port), source_address=(CLIENT_ADDRESS, 0)) as raw:
        raw.sendall(b"\x16\x03\x01 GARBAGE\r\n\r\n")
        raw.settimeout(5)
        try:
            raw.recv(100)
        except OSError:
            pass


def assert_no_client_in(output: str) -> None:
    assert CLIENT_ADDRESS not in output, [line for line in output.splitlines() if CLIENT_ADDRESS in line]
    assert USER_AGENT not in output, [line for line in output.splitlines() if USER_AGENT in line]


def test_make_run_serves_with_gunicorn_workers_and_logs_no_client(tmp_path, smtp_server):
    port = free_port()
    server = make("run", tmp_path, port, MAIL_SERVER="127.0.0.1", MAIL_PORT=str(smtp_server.port),
                  GUNICORN_WORKERS=TEST_GUNICORN_WORKERS).start()
    try:
        gunicorns = [cmd for cmd in server.processes() if "gunicorn" in cmd]
        assert len(gunicorns) >= 3, server.processes()  # a master and several workers
        assert all("deploy/gunicorn.conf.py" in cmd for cmd in gunicorns)
        use_like_a_citizen(port)
        status, _, feed = request(port, "GET", "/laporan/feed.atom")
        assert status == 200
    finally:
        server.stop()
    output = server.output()
    assert_no_client_in(output)
    # The access log is there, it just names no one.
    assert re.search(r'"POST /api/v1/wbs/tips HTTP/1\.1" 201', output), output[-3000:]
    # The one-time setup link and the feed's links carry the port served on.
    assert re.search(rf"^http://127\.0\.0\.1:{port}/kantor/pasang/\S+$", output, flags=re.M), output[:3000]
    links = re.findall(rb'href="([^"]+)"', feed)
    assert links and all(link.startswith(f"http://127.0.0.1:{port}/".encode()) for link in links), links
    # So does the complainant's acknowledgement mail.
    deadline = time.monotonic() + 20
    while not smtp_server.messages and time.monotonic() < deadline:
        time.sleep(0.2)
    mail = b"".join(m.content for m in smtp_server.messages).decode(errors="replace")
    assert f"http://127.0.0.1:{port}/pengaduan/status" in mail, mail


def test_make_dev_request_log_names_no_client(tmp_path):
    port = free_port()
    server = make("dev", tmp_path, port).start()
    try:
        use_like_a_citizen(port)
    finally:
        server.stop()
    output = re.sub(r"\x1b\[[0-9;]*m", "", server.output())  # the debug server colours its lines
    assert_no_client_in(output)
    assert '"POST /api/v1/wbs/tips HTTP/1.1" 201' in output, output[-3000:]
    assert f"http://127.0.0.1:{port}/kantor/pasang/" in output


def setup_link(monkeypatch, env: dict) -> str:
    """The make run / make dev tests above run the real processes; this one is about what the
    configuration derives from the environment, so the commands run in process."""
    result = flask_in_process(monkeypatch, env, "setup", "link")
    assert result.exit_code == 0, result.output
    return result.stdout


def test_printed_links_follow_port(tmp_path, monkeypatch):
    """`PORT=8123 make run` prints a setup link for port 8123 (PORTAL_BASE_URL derives from PORT)."""

    env = fresh_env(tmp_path / "instance", PORT="8123")
    assert flask_in_process(monkeypatch, env, "db", "upgrade").exit_code == 0
    assert "http://127.0.0.1:8123/kantor/pasang/" in setup_link(monkeypatch, env)
    explicit = {**env, "PORTAL_BASE_URL": "https://integritas.example.go.id"}
    assert "https://integritas.example.go.id/kantor/pasang/" in setup_link(monkeypatch, explicit)
