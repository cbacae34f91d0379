"""Public pages ÷ a bare Flask "hello" (issue 20: ≥ 0.5 for /, /pengaduan/baru, /laporan, /laporan/<id>).

    .venv/bin/python bench/public_pages.py [--rounds 5] [--seconds 4] [--connections 16] [--database-url URL]

1. A throw-away instance the way an office makes one: `flask --app wsgi db upgrade`, two accounts with
   `flask --app wsgi users create` (complaints team, leader), `flask --app wsgi demo seed`, then last
   month's complaints report prepared and approved with the publication service (portal.reports.publication),
   the same calls the back-office pages make.
2. Two servers, each `gunicorn -w 2` (sync workers) on a port of its own: bench/_hello_app.py (Flask
   answering "Hello, World!") and wsgi:app (rate limits on, as in production: memory://).
3. ROUNDS interleaved rounds; in each round the hello app and every page are hit in turn for SECONDS
   with CONNECTIONS keep-alive connections (wrk when installed — `apt-get install wrk` — since a load
   generator in C leaves the 2 cores to the servers; otherwise Python client processes). A visitor
   without cookies, like a first visit; one more figure with `Accept-Encoding: gzip` for the home page.
4. Prints the median requests/s of each, page ÷ hello per round and the ratio of the medians, and one
   `RESULT {...}` line per page (public_ratio_home/form/list/report, bench/table.py reads them).

Exits 1 on any non-2xx answer or connection error.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from complaint_submit import BIN, ROOT  # noqa: E402
from crash_safety import Deployment, Gunicorn  # noqa: E402

PASSWORD = "bench-public-pages-Sandi-2026!"
FIGURES = (("home", "/"), ("form", "/pengaduan/baru"), ("list", "/laporan"), ("report", None))


class Server(Gunicorn):
    """crash_safety.Gunicorn serving any WSGI module (the hello app lives in bench/)."""

    def __init__(self, *args, app: str = "wsgi:app", **kwargs):
        super().__init__(*args, **kwargs)
        self.app = app

    def start(self) -> "Server":
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [str(BIN / "gunicorn"), "-w", str(self.workers), "-b", f"127.0.0.1:{self.port}",
                 "--pythonpath", str(HERE), "--error-logfile", "-", "--log-level", "warning", self.app],
                env=self.env, cwd=str(ROOT), stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        return self

    def wait_up(self, path: str, timeout: float = 60) -> None:
        began = time.monotonic()
        while time.monotonic() - began < timeout:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited early:\n{self.log.read_text()[-3000:]}")
            try:
                if get(self.port, path)[0] == 200 and len(self.worker_pids()) >= self.workers:
                    return
            except (OSError, http.client.HTTPException):
                pass
            time.sleep(0.05)
        raise RuntimeError(f"{self.app} did not answer {path} in time")


def get(port: int, path: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def flask_cli(deployment: Deployment, *args: str, stdin: str | None = None) -> str:
    done = subprocess.run([str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=deployment.env, input=stdin,
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def publish_last_month(deployment: Deployment) -> int:
    """Accounts and demo cases through the CLI, then last month's complaints report prepared by the
    complaints team and approved by the leader through the publication service."""
    flask_cli(deployment, "users", "create", "--email", "tim@bench.example", "--name", "Tim Pengaduan",
              "--role", "complaints", "--password-stdin", stdin=PASSWORD + "\n")
    flask_cli(deployment, "users", "create", "--email", "pimpinan@bench.example", "--name", "Pimpinan",
              "--role", "leader", "--password-stdin", stdin=PASSWORD + "\n")
    flask_cli(deployment, "demo", "seed", "--months", "3", "--per-month", "40")
    app = deployment.app()
    with app.test_request_context():
        from sqlalchemy import select

        from portal.clock import local_today
        from portal.extensions import db
        from portal.models import User
        from portal.reports import publication as pub

        team = db.session.scalar(select(User).where(User.email == "tim@bench.example"))
        leader = db.session.scalar(select(User).where(User.email == "pimpinan@bench.example"))
        today = local_today()
        month = f"{today.year - 1}-12" if today.month == 1 else f"{today.year}-{today.month - 1:02d}"
        draft = pub.prepare(team, "complaints", month,
                            "Menambah petugas verifikasi di loket pengaduan dan memantau tenggat setiap minggu.")
        report = pub.approve(leader, draft.id)
        report_id = report.id
        db.session.remove()
        db.engine.dispose()
    return report_id


def wrk_rate(port: int, path: str, seconds: float, connections: int, headers: dict) -> tuple[float, int]:
    """(requests/s, errors) from wrk: 2 threads, CONNECTIONS keep-alive connections."""
    command = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{max(1, round(seconds))}s", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run(command + [f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])
    errors = 0
    if m := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        errors += int(m[1])
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out):
        errors += sum(int(x) for x in m.groups())
    return rate, errors


def _python_client(args: tuple) -> tuple[int, int]:
    port, path, seconds, headers = args
    count = errors = 0
    stop = time.monotonic() + seconds
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while time.monotonic() < stop:
        try:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            count += 1
            errors += response.status >= 400
        except (OSError, http.client.HTTPException):
            errors += 1
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.close()
    return count, errors


def python_rate(port: int, path: str, seconds: float, connections: int, headers: dict) -> tuple[float, int]:
    """Without wrk: one keep-alive client per process (the GIL would make threads the bottleneck)."""
    from multiprocessing import Pool

    with Pool(connections) as pool:
        began = time.monotonic()
        done = pool.map(_python_client, [(port, path, seconds, headers)] * connections)
        elapsed = time.monotonic() - began
    return sum(c for c, _ in done) / elapsed, sum(e for _, e in done)


def rate(port: int, path: str, seconds: float, connections: int, headers: dict | None = None) -> tuple[float, int]:
    measure = wrk_rate if shutil.which("wrk") else python_rate
    return measure(port, path, seconds, connections, headers or {})


def result(figure: str, value: float, baseline: float | None, backend: str, note: str, unit: str = "req/s") -> None:
    print("RESULT " + json.dumps({"figure": figure, "value": round(value, 3), "baseline": baseline and round(baseline, 3),
                                  "ratio": round(value / baseline, 3) if baseline else None, "unit": unit,
                                  "backend": backend, "note": note}))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=4)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--database-url", help="PostgreSQL URL; a fresh schema is made and dropped")
    parser.add_argument("--page-cache", choices=("on", "off"), default="on",
                        help="off: PORTAL_PAGE_CACHE=0, every page rendered per request (for comparison)")
    args = parser.parse_args(argv)
    deployment = Deployment(args.database_url, ratelimit=True,
                            extra_env={"PORTAL_PAGE_CACHE": "0"} if args.page_cache == "off" else None)
    backend = "postgresql" if args.database_url else "sqlite"
    servers: list[Server] = []
    errors = 0
    try:
        deployment.migrate()
        report_id = publish_last_month(deployment)
        paths = {name: path or f"/laporan/{report_id}" for name, path in FIGURES}
        hello = Server(dict(os.environ), deployment.workdir, workers=2, name="hello", app="_hello_app:app")
        portal = Server(deployment.env, deployment.workdir, workers=2, name="portal")
        servers += [hello.start(), portal.start()]
        hello.wait_up("/")
        portal.wait_up("/")
        for name, path in paths.items():
            status, headers, body = get(portal.port, path)
            if status != 200:
                raise RuntimeError(f"{path} answered {status}")
            print(f"{name:<7} {path:<22} {len(body):>7,} bytes, Cache-Control: {headers.get('Cache-Control')}")
        targets = [("hello", hello.port, "/", None)] + [(n, portal.port, p, None) for n, p in paths.items()]
        targets.append(("home_gzip", portal.port, "/", {"Accept-Encoding": "gzip"}))
        for _, port, path, headers in targets:  # warm-up: templates compiled, caches filled, connections open
            rate(port, path, 1, 4, headers)
        rates: dict[str, list[float]] = {name: [] for name, *_ in targets}
        for round_no in range(args.rounds):
            for name, port, path, headers in targets:
                value, failed = rate(port, path, args.seconds, args.connections, headers)
                rates[name].append(value)
                errors += failed
            line = "  ".join(f"{n} {rates[n][-1]:.0f}" for n in rates)
            print(f"round {round_no + 1}: {line} req/s", flush=True)
    finally:
        for server in servers:
            server.stop()
        deployment.close()
    load = os.getloadavg()
    client = "wrk" if shutil.which("wrk") else "python processes"
    print(f"backend: {deployment.backend}; gunicorn -w 2 (sync) each; {args.connections} keep-alive connections "
          f"({client}); {args.rounds} rounds × {args.seconds:.0f} s; page cache {args.page_cache}; "
          f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    base = statistics.median(rates["hello"])
    print(f"{'page':<10} {'median req/s':>12} {'÷ hello':>8} {'median of rounds':>17}   ÷ hello per round")
    for name in rates:
        ratios = [v / h for v, h in zip(rates[name], rates["hello"])]
        print(f"{name:<10} {statistics.median(rates[name]):>12.0f} {statistics.median(rates[name]) / base:>8.2f} "
              f"{statistics.median(ratios):>17.2f}   {' '.join(f'{r:.2f}' for r in ratios)}")
    note = (f"gunicorn -w 2, {args.connections} conns ({client}), median of {args.rounds} interleaved rounds, "
            f"page cache {args.page_cache}, load {load[0]:.1f}")
    for name, _ in FIGURES:
        result(f"public_ratio_{name}", statistics.median(rates[name]), base, backend, note)
    if errors:
        print(f"errors: {errors}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
