"""Complaint submissions per second under `gunicorn -w 2`, beside a bare Flask + SQLAlchemy insert.

    .venv/bin/python bench/complaint_submit.py [--seconds 10] [--clients 16] [--database-url URL]

1. Makes a throw-away instance folder (PORTAL_INSTANCE_PATH) and database (SQLite in that
   folder, or a fresh schema in the PostgreSQL database given by --database-url), runs
   `flask --app wsgi db upgrade` for it, and serves wsgi:app with `gunicorn -w 2`
   (RATELIMIT_ENABLED=0: the limits are what this measures around, not what it measures).
2. CLIENTS threads, each with its own keep-alive http.client connection, POST JSON complaints
   (the sample case with name, NIK, phone: encrypted personal data, ticket allocation,
   access code, timeline row) for SECONDS seconds after a short warm-up, in ROUNDS windows
   that alternate with the bare app's so background load on the machine hits both alike.
3. The same with bench/bare_app.py (one model, one POST route, insert + commit, the same
   SQLite settings) under the same `gunicorn -w 2`.
4. Prints submissions/s, p50/p99 latency and errors for both, and their ratio (target >= 0.5);
   also the gunicorn workers' CPU per request of each side (utime+stime from /proc, read before and
   after each window), the load-independent figure on a shared machine, and RESULT lines
   (submit_ratio, submit_cpu_ms_per_submission) for bench/table.py.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TARGET_RATIO = 0.5

COMPLAINT = {
    "category": "ktp-el",
    "problem": "sistem",
    "description": "KTP-el sudah direkam di UPT Kec. Kramatwatu bulan Januari, sudah 6 minggu belum dicetak "
                   "dengan alasan blangko habis. Mohon kepastian kapan dapat diambil.",
    "privacy": "open",
    "name": "Siti Aminah",
    "nik": "3604015203900001",
    "phone": "0812 3456 7890",
    "location": "UPT Kec. Kramatwatu",
    "incident_date": "2026-01-15",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`gunicorn -w 2` serving one WSGI app on a free port, stopped by its own process id."""

    def __init__(self, app: str, env: dict, workdir: Path, chdir: Path, workers: int, health: str, name: str):
        self.port = free_port()
        self.log = workdir / f"gunicorn-{name}.log"
        self.health = health
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{self.port}",
             "--chdir", str(chdir), "--error-logfile", str(self.log), "--log-level", "warning",
             "--graceful-timeout", "5", app],
            env=env, cwd=str(chdir), stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited early:\n{self.log.read_text()[-3000:]}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", self.health)
                if conn.getresponse().status == 200:
                    conn.close()
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer in time")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def workers_cpu_seconds(master_pid: int) -> float:
    """utime+stime of the gunicorn workers (children of the master), from /proc: the machine may be
    shared, so CPU per request is the load-independent figure next to the wall-clock rate."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master_pid:  # ppid
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def result_line(figure: str, value, unit: str, backend: str, note: str, baseline=None, ratio=None) -> str:
    """One figure for bench/table.py (the contract in issue 20: JSON after the word RESULT)."""
    return "RESULT " + json.dumps({"figure": figure, "value": value, "baseline": baseline, "ratio": ratio,
                                   "unit": unit, "backend": backend, "note": note})


class Result:
    def __init__(self, name: str):
        self.name = name
        self.latencies: list[float] = []
        self.ok = 0
        self.errors: dict[str, int] = {}
        self.seconds = 0.0
        self.cpu_seconds = 0.0
        self.answered = 0  # every answer in the CPU window (warm-up and errors included)
        self.lock = threading.Lock()

    def merge(self, other: "Result") -> None:
        self.latencies.extend(other.latencies)
        self.ok += other.ok
        self.seconds += other.seconds
        self.cpu_seconds += other.cpu_seconds
        self.answered += other.answered
        for kind, n in other.errors.items():
            self.errors[kind] = self.errors.get(kind, 0) + n

    def error(self, kind: str) -> None:
        with self.lock:
            self.errors[kind] = self.errors.get(kind, 0) + 1

    @property
    def rate(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] * 1000

    @property
    def cpu_ms_per_request(self) -> float | None:
        return self.cpu_seconds / self.answered * 1000 if self.answered and self.cpu_seconds else None

    def line(self) -> str:
        errors = sum(self.errors.values())
        detail = f" {self.errors}" if errors else ""
        cpu = f"   CPU {self.cpu_ms_per_request:5.2f} ms/req" if self.cpu_ms_per_request else ""
        return (f"{self.name:<10} {self.rate:8.1f} submissions/s   p50 {self.percentile(50):7.1f} ms   "
                f"p99 {self.percentile(99):7.1f} ms   ok {self.ok:6d}   errors {errors}{detail}{cpu}")


def drive(port: int, path: str, body: bytes, clients: int, seconds: float, warmup: float, name: str,
          master_pid: int | None = None) -> Result:
    """CLIENTS threads POSTing BODY as fast as answers come; only the measured window counts.

    With `master_pid` the workers' CPU over the measured window (read when it opens and closes, so the
    first requests' one-time costs in the warm-up stay out) goes into `result.cpu_seconds`, and the
    answers completed in that window, errors included, into `result.answered`."""
    result = Result(name)
    answered = [0]
    start_measure = time.monotonic() + warmup
    stop_at = start_measure + seconds
    headers = {"Content-Type": "application/json", "Connection": "keep-alive"}

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        latencies, ok = [], 0
        while True:
            began = time.monotonic()
            if began >= stop_at:
                break
            try:
                conn.request("POST", path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
                if response.will_close:
                    conn.close()
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                if began >= start_measure:
                    result.error(type(exc).__name__)
                continue
            ended = time.monotonic()
            with result.lock:
                answered[0] += 1
            if began < start_measure or ended > stop_at:
                continue
            if status in (200, 201):
                ok += 1
                latencies.append(ended - began)
            else:
                result.error(f"HTTP {status}")
        conn.close()
        with result.lock:
            result.ok += ok
            result.latencies.extend(latencies)

    samples: list[tuple[float, int]] = []

    def sample() -> None:
        for moment in (start_measure, stop_at):
            time.sleep(max(0.0, moment - time.monotonic()))
            with result.lock:
                count = answered[0]
            samples.append((workers_cpu_seconds(master_pid), count))

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    if master_pid:
        threads.append(threading.Thread(target=sample, daemon=True))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if master_pid and len(samples) == 2:
        result.cpu_seconds = samples[1][0] - samples[0][0]
        result.answered = samples[1][1] - samples[0][1]
    result.seconds = seconds
    return result


def pg_schema(url: str):
    import psycopg

    name = "bench_" + secrets.token_hex(5)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{name}"')
    sep = "&" if "?" in url else "?"
    return name, f"{url}{sep}options=-csearch_path%3D{name}"


def drop_pg_schema(url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2, help="alternating measurement windows per side")
    parser.add_argument("--database-url", help="PostgreSQL URL (postgresql://…); default SQLite in a temp dir")
    parser.add_argument("--only", choices=["portal", "bare"], help="run one side only (for profiling)")
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="portal-bench-"))
    schemas = []
    results: dict[str, Result] = {}
    try:
        if args.database_url:
            schema, portal_url = pg_schema(args.database_url)
            schemas.append(schema)
            schema, bare_url = pg_schema(args.database_url)
            schemas.append(schema)
            backend = "PostgreSQL"
        else:
            portal_url = "sqlite:///" + str(workdir / "instance" / "portal.db")
            bare_url = "sqlite:///" + str(workdir / "bare.db")
            backend = "SQLite (WAL, synchronous=FULL)"
        base_env = {k: v for k, v in os.environ.items() if not k.startswith(("PORTAL_", "DATABASE_URL", "RATELIMIT_"))}
        portal_env = {**base_env, "PORTAL_INSTANCE_PATH": str(workdir / "instance"), "DATABASE_URL": portal_url,
                      "RATELIMIT_ENABLED": "0"}
        bare_env = {**base_env, "BARE_DATABASE_URL": bare_url}
        print(f"# {args.clients} clients, {args.seconds:g} s (+{args.warmup:g} s warm-up), "
              f"gunicorn -w {args.workers}, {backend}, {os.cpu_count()} CPUs", flush=True)

        sides = [side for side in ("portal", "bare") if args.only in (None, side)]
        servers: dict[str, Server] = {}
        try:
            if "portal" in sides:
                subprocess.run([str(BIN / "flask"), "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=portal_env,
                               check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                servers["portal"] = Server("wsgi:app", portal_env, workdir, ROOT, args.workers,
                                           "/api/v1/categories", "portal")
            if "bare" in sides:
                subprocess.run([sys.executable, str(ROOT / "bench" / "bare_app.py"), "--init"], cwd=workdir,
                               env=bare_env, check=True)
                servers["bare"] = Server("bare_app:app", bare_env, workdir, ROOT / "bench", args.workers,
                                         "/health", "bare")
            for server in servers.values():
                server.wait_ready()
            body = json.dumps(COMPLAINT).encode()
            paths = {"portal": "/api/v1/complaints", "bare": "/items"}
            # Alternate short windows so that load from elsewhere on the machine hits both alike.
            for _round in range(args.rounds):
                for side in sides:
                    warmup = args.warmup if _round == 0 else min(args.warmup, 0.5)
                    part = drive(servers[side].port, paths[side], body, args.clients, args.seconds / args.rounds,
                                 warmup, side, master_pid=servers[side].process.pid)
                    results.setdefault(side, Result(side)).merge(part)
        finally:
            for server in servers.values():
                server.stop()
        for side in sides:
            print(results[side].line(), flush=True)
    finally:
        for schema in schemas:
            drop_pg_schema(args.database_url, schema)
        if os.environ.get("BENCH_KEEP") != "1":
            import shutil
            shutil.rmtree(workdir, ignore_errors=True)

    if "portal" in results and "bare" in results:
        ratio = results["portal"].rate / results["bare"].rate if results["bare"].rate else 0.0
        verdict = "OK" if ratio >= TARGET_RATIO else "BELOW TARGET"
        print(f"ratio      {ratio:8.2f}   (portal / bare; target >= {TARGET_RATIO}) {verdict}")
        errors = sum(sum(r.errors.values()) for r in results.values())
        backend_key = "postgresql" if args.database_url else "sqlite"
        note = f"{args.clients} clients, gunicorn -w {args.workers}, {args.seconds:g} s, errors {errors}"
        print(result_line("submit_ratio", round(ratio, 3), "ratio", backend_key, note,
                          baseline=round(results["bare"].rate, 1)))
        portal_cpu, bare_cpu = results["portal"].cpu_ms_per_request, results["bare"].cpu_ms_per_request
        if portal_cpu:
            print(result_line("submit_cpu_ms_per_submission", round(portal_cpu, 2), "ms", backend_key,
                              "gunicorn workers' CPU per answered submission; baseline = bare insert",
                              baseline=round(bare_cpu, 2) if bare_cpu else None,
                              ratio=round(bare_cpu / portal_cpu, 3) if bare_cpu else None))
        return 0 if ratio >= TARGET_RATIO and errors == 0 else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
