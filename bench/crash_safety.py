"""Crash safety: every complaint answered 201 survives a SIGKILL of the whole gunicorn (master and workers).

    .venv/bin/python bench/crash_safety.py [--seconds 20] [--clients 16] [--kills 2] [--database-url URL]

1. Makes a throw-away instance folder and database (SQLite in that folder, or a fresh schema in
   the PostgreSQL database given by --database-url), runs `flask --app wsgi db upgrade`, and
   serves wsgi:app with `gunicorn -w 2` (RATELIMIT_ENABLED=0) in its own process group.
2. CLIENTS threads POST JSON complaints as fast as answers come, each with a unique marker in
   its description and its name (personal data, stored encrypted). A 201 answer is an
   acknowledgement: ticket + access code + marker are recorded.
3. KILLS times during the run, SIGKILL goes to the master and every worker at once (the process
   group), with requests in flight; gunicorn is started again on the same port and the clients
   carry on. Requests cut by the kill are never answered 201 and are only counted.
4. At the end a fresh gunicorn serves the same database: every acknowledged complaint must open
   with its access code (GET /api/v1/complaints/<ticket>, X-Access-Code → 200) and its stored
   description and name, read directly from the database, must be exactly what was sent.

Prints acknowledged / present / missing / corrupted; exits 1 unless missing = corrupted = 0.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from complaint_submit import BIN, COMPLAINT, ROOT, drop_pg_schema, free_port, pg_schema  # noqa: E402

SECRET_KEY = "bench-" + secrets.token_hex(24)


class Gunicorn:
    """`gunicorn -w N wsgi:app` in its own process group, so one killpg hits master and workers at once."""

    def __init__(self, env: dict, workdir: Path, port: int | None = None, workers: int = 2,
                 extra_args: tuple[str, ...] = (), name: str = "portal"):
        self.env = env
        self.port = port or free_port()
        self.workers = workers
        self.extra_args = list(extra_args)
        self.log = workdir / f"gunicorn-{name}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> "Gunicorn":
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [str(BIN / "gunicorn"), "-w", str(self.workers), "-b", f"127.0.0.1:{self.port}",
                 "--error-logfile", "-", "--log-level", "warning", "--graceful-timeout", "5",
                 *self.extra_args, "wsgi:app"],
                env=self.env, cwd=str(ROOT), stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        return self

    def wait_ready(self, timeout: float = 60) -> float:
        began = time.monotonic()
        while time.monotonic() - began < timeout:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited early:\n{self.log.read_text()[-3000:]}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/healthz")
                status = conn.getresponse().status
                conn.close()
                if status == 200 and len(self.worker_pids()) >= self.workers:
                    return time.monotonic() - began
            except (OSError, http.client.HTTPException):
                pass
            time.sleep(0.05)
        raise RuntimeError("gunicorn did not answer /healthz in time")

    def worker_pids(self) -> list[int]:
        if self.process is None or self.process.poll() is not None:
            return []
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        except OSError:
            return []
        return [int(pid) for pid in children]

    def rss_kib(self) -> dict[int, int]:
        """VmRSS of each worker, from /proc/<pid>/status."""
        sizes = {}
        for pid in self.worker_pids():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        sizes[pid] = int(line.split()[1])
            except OSError:
                continue
        return sizes

    def kill9(self) -> list[int]:
        """SIGKILL the master and all its workers at once (they share the group we created)."""
        victims = [self.process.pid, *self.worker_pids()]
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        # Workers are re-parented to init when the master dies; wait until the kernel has reaped them.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() and _alive(pid) for pid in victims):
            time.sleep(0.02)
        return victims

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


class SchemaLag(RuntimeError):
    def __init__(self, lag: list[str]):
        shown = ", ".join(lag[:6]) + (f" and {len(lag) - 6} more" if len(lag) > 6 else "")
        super().__init__(f"the migrations lag the models: after `flask db upgrade` the database lacks {shown}. "
                         "Add the missing migration; to measure this tree anyway, pass --init create-all.")


class Deployment:
    """A throw-away instance/ + database, migrated with `flask db upgrade`, removed afterwards."""

    def __init__(self, database_url: str | None, ratelimit: bool = False, extra_env: dict | None = None):
        self.workdir = Path(tempfile.mkdtemp(prefix="portal-ops-"))
        self.instance = self.workdir / "instance"
        self.base_url = database_url
        self.schema = None
        if database_url:
            self.schema, self.url = pg_schema(database_url)
            self.backend = "PostgreSQL"
        else:
            self.url = "sqlite:///" + str(self.instance / "portal.db")
            self.backend = "SQLite (WAL, synchronous=FULL)"
        base = {k: v for k, v in os.environ.items()
                if not k.startswith(("PORTAL_", "DATABASE_URL", "RATELIMIT_", "MAIL_", "SECRET_KEY"))}
        self.env = {**base, "PORTAL_INSTANCE_PATH": str(self.instance), "DATABASE_URL": self.url,
                    "SECRET_KEY": SECRET_KEY, "RATELIMIT_ENABLED": "1" if ratelimit else "0",
                    "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": "1", **(extra_env or {})}

    def migrate(self, init: str = "upgrade") -> None:
        """`flask db upgrade` (the real path); `create-all` only for a tree whose migrations lag its models."""
        if init == "create-all":
            app = self.app()
            with app.app_context():
                from portal import workdays
                from portal.extensions import db

                db.create_all()
                workdays.rebuild_calendar_table()
                db.session.remove()
                db.engine.dispose()
            return
        done = subprocess.run([str(BIN / "flask"), "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=self.env,
                              capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError("flask db upgrade failed:\n" + done.stderr[-3000:])
        lag = self.schema_lag()
        if lag:
            raise SchemaLag(lag)

    def schema_lag(self) -> list[str]:
        """Tables and columns the models have and the migrated database lacks."""
        from sqlalchemy import inspect

        from portal.extensions import db

        app = self.app()
        with app.app_context():
            inspector = inspect(db.engine)
            existing = set(inspector.get_table_names())
            lag = []
            for table in db.metadata.sorted_tables:
                if table.name not in existing:
                    lag.append(table.name)
                    continue
                have = {c["name"] for c in inspector.get_columns(table.name)}
                lag += [f"{table.name}.{c.name}" for c in table.columns if c.name not in have]
            db.engine.dispose()
        return lag

    def app(self):
        """The portal app of this deployment inside this process, for direct database reads."""
        from portal import create_app
        from portal.config import normalise_database_url

        return create_app({"PORTAL_ENV": "development", "instance_path": str(self.instance), "SECRET_KEY": SECRET_KEY,
                           "SQLALCHEMY_DATABASE_URI": normalise_database_url(self.url), "MAIL_PORT": 1})

    def close(self, keep: bool = False) -> None:
        if self.schema:
            drop_pg_schema(self.base_url, self.schema)
        if not keep:
            import shutil
            shutil.rmtree(self.workdir, ignore_errors=True)


class Load:
    """CLIENTS threads submitting marked complaints; 201 answers are recorded as acknowledged."""

    def __init__(self, port: int, clients: int):
        self.port = port
        self.clients = clients
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.acknowledged: list[dict] = []
        self.cut: list[str] = []          # connection cut (the kill): never answered
        self.statuses: dict[int, int] = {}
        self.threads = [threading.Thread(target=self._client, daemon=True) for _ in range(clients)]

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def join(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join()

    def _client(self) -> None:
        conn = None
        while not self.stop.is_set():
            marker = "CRASH-" + secrets.token_hex(8)
            description = (f"Uji ketahanan {marker}: KTP-el sudah direkam bulan Januari tetapi sampai "
                           f"sekarang belum dicetak, petugas menyebut blangko habis.")
            name = f"Warga {marker[-8:]}"
            body = json.dumps({**COMPLAINT, "description": description, "name": name}).encode()
            try:
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                conn.request("POST", "/api/v1/complaints", body=body, headers={"Content-Type": "application/json"})
                response = conn.getresponse()
                payload = response.read()
                if response.will_close:
                    conn.close()
                    conn = None
            except (OSError, http.client.HTTPException):
                if conn is not None:
                    conn.close()
                conn = None
                with self.lock:
                    self.cut.append(marker)
                time.sleep(0.05)
                continue
            with self.lock:
                self.statuses[response.status] = self.statuses.get(response.status, 0) + 1
                if response.status == 201:
                    data = json.loads(payload)
                    self.acknowledged.append({"ticket": data["ticket"], "access_code": data["access_code"],
                                              "marker": marker, "description": description, "name": name})
        if conn is not None:
            conn.close()


def verify(deployment: Deployment, server: Gunicorn, acknowledged: list[dict], cut: list[str]) -> dict:
    """Every acknowledged complaint through the API and straight from the database."""
    def api_ok(item) -> bool:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        try:
            conn.request("GET", f"/api/v1/complaints/{item['ticket']}", headers={"X-Access-Code": item["access_code"]})
            response = conn.getresponse()
            data = response.read()
            return response.status == 200 and json.loads(data)["ticket"] == item["ticket"]
        finally:
            conn.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        via_api = list(pool.map(api_ok, acknowledged))

    from sqlalchemy import select

    from portal.extensions import db
    from portal.models import Complaint

    app = deployment.app()
    with app.app_context():
        stored = {row.ticket: (row.description, row.name)
                  for row in db.session.execute(select(Complaint.ticket, Complaint.description, Complaint.name))}
        db.session.remove()
        db.engine.dispose()
    present = missing = corrupted = 0
    problems = []
    for item, api in zip(acknowledged, via_api):
        row = stored.get(item["ticket"])
        if row is None:
            missing += 1
            problems.append(f"missing {item['ticket']}")
        elif row != (item["description"], item["name"]) or not api:
            corrupted += 1
            problems.append(f"not intact {item['ticket']} (api {'ok' if api else 'refused'})")
        else:
            present += 1
    texts = "\n".join(description for description, _name in stored.values())
    stored_unanswered = sum(1 for marker in cut if marker in texts)
    integrity = None
    if deployment.schema is None:
        with sqlite3.connect(deployment.instance / "portal.db") as conn:
            integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
    return {"acknowledged": len(acknowledged), "present": present, "missing": missing, "corrupted": corrupted,
            "rows": len(stored), "cut": len(cut), "stored_unanswered": stored_unanswered,
            "integrity": integrity, "problems": problems[:10]}


def run(seconds: float, clients: int, kills: int, database_url: str | None, keep: bool = False,
        init: str = "upgrade") -> dict:
    deployment = Deployment(database_url)
    server = None
    try:
        deployment.migrate(init)
        server = Gunicorn(deployment.env, deployment.workdir).start()
        server.wait_ready()
        print(f"# crash safety: {deployment.backend}, gunicorn -w 2, {clients} clients, {seconds:g} s, "
              f"{kills} SIGKILL(s) of master + workers; schema by "
              f"{'flask db upgrade' if init == 'upgrade' else 'create_all (migrations lag the models)'}", flush=True)
        load = Load(server.port, clients)
        began = time.monotonic()
        load.start()
        for k in range(kills):
            time.sleep(max(0.5, began + seconds * (k + 1) / (kills + 1) - time.monotonic()))
            before = len(load.acknowledged)
            victims = server.kill9()
            at = time.monotonic() - began
            server = Gunicorn(deployment.env, deployment.workdir, port=server.port).start()
            ready = server.wait_ready()
            print(f"kill {k + 1} at {at:4.1f} s: SIGKILL to pids {victims} ({before} acknowledged so far); "
                  f"restarted, answering again after {ready:.1f} s", flush=True)
        time.sleep(max(0.0, began + seconds - time.monotonic()))
        load.join()
        server.stop()
        # A fresh start on the same database, as after a real crash and reboot.
        server = Gunicorn(deployment.env, deployment.workdir, port=server.port).start()
        server.wait_ready()
        result = verify(deployment, server, load.acknowledged, load.cut)
        result["statuses"] = dict(sorted(load.statuses.items()))
        return result
    finally:
        if server is not None:
            server.stop()
        deployment.close(keep=keep)


def add_init_option(parser) -> None:
    parser.add_argument("--init", choices=["upgrade", "create-all"], default="upgrade",
                        help="make the schema with `flask db upgrade` (default) or, when the migrations lag the "
                             "models, with the models' create_all (says so in the output)")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--kills", type=int, default=2)
    parser.add_argument("--database-url", help="PostgreSQL URL (postgresql://…); default SQLite in a temp dir")
    parser.add_argument("--keep", action="store_true", help="keep the temporary instance folder (SQLite)")
    add_init_option(parser)
    args = parser.parse_args(argv)
    try:
        r = run(args.seconds, args.clients, args.kills, args.database_url, args.keep, args.init)
    except SchemaLag as lag:
        print(f"cannot run: {lag}")
        return 2
    server_errors = sum(n for status, n in r["statuses"].items() if status >= 500)
    print(f"answers by status: {r['statuses']}")
    print(f"connections cut by the kills (never answered): {r['cut']}, of which stored anyway: "
          f"{r['stored_unanswered']} (allowed: no 201 was promised)")
    if r["integrity"] is not None:
        print(f"SQLite integrity_check: {r['integrity']}")
    print(f"acknowledged={r['acknowledged']} present={r['present']} missing={r['missing']} "
          f"corrupted={r['corrupted']} server_errors={server_errors}")
    for problem in r["problems"]:
        print("  " + problem)
    ok = (r["acknowledged"] > 0 and r["missing"] == 0 and r["corrupted"] == 0 and r["present"] == r["acknowledged"]
          and server_errors == 0 and r["integrity"] in (None, "ok"))
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
