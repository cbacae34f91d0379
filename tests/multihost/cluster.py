"""Several portal hosts for tests and bench/two_hosts.py: gunicorn processes with their own instance
folders, one PostgreSQL schema, one Redis, the secrets shared through PORTAL_SHARED_SECRETS and
the files through the database store — what README "Several hosts" says a deployment needs."""
from __future__ import annotations

import io
import secrets
import subprocess
import time
from pathlib import Path

import requests

from served import BIN, ROOT, fresh_env, gunicorn
from support import PG_URL, REDIS_URL, PgSchema


def host_env(instance: Path, schema: PgSchema, shared: Path, secret_key: str, prefix: str, **extra) -> dict:
    """One host's environment: its own instance/, everything else the same on every host."""
    return fresh_env(instance, PORTAL_ENV="testing", DATABASE_URL=schema.url, SECRET_KEY=secret_key,
                     PORTAL_SHARED_SECRETS=str(shared), PORTAL_FILE_STORE="database",
                     RATELIMIT_STORAGE_URI=REDIS_URL, RATELIMIT_KEY_PREFIX=prefix, GUNICORN_WORKERS="2",
                     **{k: str(v) for k, v in extra.items()})


def flask_cli(env: dict, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    done = subprocess.run([str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=env, input=stdin,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"flask {' '.join(args)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done


class Cluster:
    """`n` hosts over one fresh database; the first host's `flask` prepares the database and the secrets."""

    def __init__(self, root: Path, hosts: int = 2):
        self.root = root
        self.schema = PgSchema(PG_URL)
        self.shared = root / "shared"
        self.secret_key = secrets.token_hex(32)
        self.prefix = "mh-" + secrets.token_hex(4)
        self.envs = [self.env(i) for i in range(hosts)]
        self.servers = []

    def env(self, i: int, shared: Path | None = None) -> dict:
        return host_env(self.root / f"host{i}" / "instance", self.schema, shared or self.shared,
                        self.secret_key, self.prefix)

    def prepare(self) -> None:
        """`db upgrade` and the shared secrets, made on host 0 and copied for the others."""
        first = {**self.envs[0], "PORTAL_SHARED_SECRETS": ""}
        flask_cli(first, "db", "upgrade")
        flask_cli(first, "hosts", "export-secrets", "--to", str(self.shared))

    def start(self):
        for i, env in enumerate(self.envs):
            self.servers.append(gunicorn(env, self.root / f"host{i}.log").start())
        return self.servers

    def url(self, i: int) -> str:
        return f"http://127.0.0.1:{self.servers[i].port}"

    def stop(self) -> None:
        for server in self.servers:
            server.stop()
        self.servers = []

    def close(self) -> None:
        self.stop()
        self.schema.drop()


def start_should_fail(env: dict, log: Path, timeout: float = 90) -> tuple[int, str]:
    """Start gunicorn expecting it to refuse: (exit code, what it wrote)."""
    server = gunicorn(env, log)
    with open(log, "ab") as out:
        process = subprocess.Popen(server.argv, cwd=ROOT, env=server.env, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    try:
        code = process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        import os
        import signal

        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        code = None
    return code, log.read_text(errors="replace")


class Response:
    def __init__(self, raw: requests.Response):
        self.raw, self.status_code, self.headers, self.data = raw, raw.status_code, raw.headers, raw.content

    def get_data(self, as_text: bool = False):
        return self.raw.text if as_text else self.data

    def get_json(self):
        return self.raw.json()


class HttpClient:
    """The Flask test client's get/post, over real HTTP to one host (so the staff and WBS helpers work)."""

    def __init__(self, base: str):
        self.base = base
        self.session = requests.Session()

    def get(self, path: str, headers: dict | None = None) -> Response:
        return Response(self.session.get(self.base + path, headers=headers, allow_redirects=False, timeout=60))

    def post(self, path: str, data: dict | None = None, json=None, content_type: str | None = None,
             headers: dict | None = None) -> Response:
        fields, files = {}, []
        for key, value in (data or {}).items():
            items = value if isinstance(value, list) else [value]
            if items and all(isinstance(v, tuple) for v in items):
                files += [(key, (name, stream.read() if isinstance(stream, io.IOBase) else stream))
                          for stream, name in items]
            else:
                fields[key] = value
        raw = self.session.post(self.base + path, data=fields or None, files=files or None, json=json,
                                headers=headers, allow_redirects=False, timeout=120)
        return Response(raw)


def wait_for(predicate, timeout: float = 30.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    return predicate()
