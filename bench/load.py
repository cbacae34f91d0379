"""Load test: 64 concurrent clients on the public pages and the submission APIs of `gunicorn -w 2`.

    .venv/bin/python bench/load.py [--seconds 20] [--clients 64] [--database-url URL]

1. A throw-away instance and database (`flask db upgrade`), served by `gunicorn -w 2` with
   RATELIMIT_ENABLED=0 (the limits would otherwise be what is measured).
2. CLIENTS threads, each with its own keep-alive http.client connection (reopened when the
   server closes it), cycle through the public pages (/, /pengaduan/baru, /prosedur-pengaduan)
   and the submission APIs: POST /api/v1/complaints, and POST /api/v1/gratifications and
   /api/v1/wbs/tips when this build serves them. Every submission is a valid case (201 expected);
   anything else, and any connection error, counts as an error.
3. After a warm-up, for SECONDS seconds: prints requests/s, p50/p99 latency and errors per
   endpoint and in total, then the resident memory (VmRSS from /proc/<pid>/status) of each
   gunicorn worker after the run. Exits 1 on any error.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from complaint_submit import COMPLAINT  # noqa: E402
from crash_safety import Deployment, Gunicorn, SchemaLag, add_init_option  # noqa: E402

PAGES = ["/", "/pengaduan/baru", "/prosedur-pengaduan"]


def get_json(port: int, path: str):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"null")
    finally:
        conn.close()


def post_json(port: int, path: str, body: dict):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("POST", path, body=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def submissions(port: int) -> list[tuple[str, bytes]]:
    """(path, JSON body) of each submission API this build serves, each checked once for a 201."""
    _status, spec = get_json(port, "/api/v1/openapi.json")
    paths = set((spec or {}).get("paths", {}))
    _status, categories = get_json(port, "/api/v1/categories")
    out = [("/api/v1/complaints", dict(COMPLAINT))]
    if "/gratifications" in paths:
        body = {"reporter_name": "Andi Pratama", "reporter_nip": "198703152010011002",
                "reporter_position": "Pengadministrasi Kependudukan", "reporter_unit": "Bidang Pelayanan Dafduk",
                "reporter_phone": "0812 7777 1234", "giver_name": "Pemohon layanan KK", "estimated_value": 250000,
                "received_on": time.strftime("%Y-%m-%d"), "action": "refused",
                "description": "Amplop berisi uang diberikan setelah pelayanan KK selesai; langsung ditolak."}
        out.append(("/api/v1/gratifications", with_required_choices(spec, "/gratifications", body)))
    if "/wbs/tips" in paths:
        codes = [o["code"] for o in categories.get("wbs", [])] or ["lainnya"]
        out.append(("/api/v1/wbs/tips", {
            "what": "Oknum petugas loket meminta uang tambahan agar berkas KTP-el didahulukan.",
            "who": "petugas loket 3", "where": "Kantor Disdukcapil", "when": "setiap pagi",
            "category": codes[0]}))
    checked = []
    for path, body in out:
        status, payload = post_json(port, path, body)
        if status != 201:
            raise SystemExit(f"the load mix needs a valid {path} body; it answered {status}: {payload[:500]!r}")
        checked.append((path, json.dumps(body).encode()))
    return checked


def with_required_choices(spec: dict, path: str, body: dict) -> dict:
    """Fill each required code-list field (an enum in the OpenAPI document) the body does not set."""
    schema = spec["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]
    filled = dict(body)
    for name in schema.get("required", []):
        options = schema.get("properties", {}).get(name, {}).get("enum")
        if name not in filled and options:
            filled[name] = "lainnya" if "lainnya" in options else options[0]
    return filled


class Stats:
    def __init__(self):
        self.latencies: dict[str, list[float]] = {}
        self.errors: dict[str, dict[str, int]] = {}
        self.lock = threading.Lock()

    def add(self, name: str, latencies: list[float], errors: dict[str, int]) -> None:
        with self.lock:
            self.latencies.setdefault(name, []).extend(latencies)
            bucket = self.errors.setdefault(name, {})
            for kind, n in errors.items():
                bucket[kind] = bucket.get(kind, 0) + n


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] * 1000


def drive(port: int, mix: list[tuple[str, str, bytes | None, int]], clients: int, seconds: float, warmup: float) -> Stats:
    stats = Stats()
    start_measure = time.monotonic() + warmup
    stop_at = start_measure + seconds

    def client(offset: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        latencies: dict[str, list[float]] = {}
        errors: dict[str, dict[str, int]] = {}
        i = offset
        while True:
            began = time.monotonic()
            if began >= stop_at:
                break
            method, path, body, expected = mix[i % len(mix)]
            name = f"{method} {path}"
            i += 1
            headers = {"Content-Type": "application/json"} if body is not None else {}
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
                if response.will_close:
                    conn.close()  # gunicorn's sync workers close after each answer; reopened next time
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                if began >= start_measure:
                    errors.setdefault(name, {})[type(exc).__name__] = errors.get(name, {}).get(type(exc).__name__, 0) + 1
                continue
            ended = time.monotonic()
            if began < start_measure or ended > stop_at:
                continue
            if status == expected:
                latencies.setdefault(name, []).append(ended - began)
            else:
                errors.setdefault(name, {})[f"HTTP {status}"] = errors.get(name, {}).get(f"HTTP {status}", 0) + 1
        conn.close()
        for name in set(latencies) | set(errors):
            stats.add(name, latencies.get(name, []), errors.get(name, {}))

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return stats


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database-url", help="PostgreSQL URL (postgresql://…); default SQLite in a temp dir")
    add_init_option(parser)
    args = parser.parse_args(argv)

    deployment = Deployment(args.database_url)
    server = None
    try:
        try:
            deployment.migrate(args.init)
        except SchemaLag as lag:
            print(f"cannot run: {lag}")
            return 2
        server = Gunicorn(deployment.env, deployment.workdir, workers=args.workers, name="load").start()
        server.wait_ready()
        mix = [("GET", page, None, 200) for page in PAGES]
        mix += [("POST", path, body, 201) for path, body in submissions(server.port)]
        print(f"# load: {args.clients} clients (threads, http.client), {args.seconds:g} s after {args.warmup:g} s "
              f"warm-up, gunicorn -w {args.workers}, {deployment.backend}, RATELIMIT_ENABLED=0, "
              f"{os.cpu_count()} CPUs; mix: {', '.join(f'{m} {p}' for m, p, _b, _e in mix)}", flush=True)
        stats = drive(server.port, mix, args.clients, args.seconds, args.warmup)
        rss = server.rss_kib()
        master_rss = None
        try:
            for line in Path(f"/proc/{server.process.pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    master_rss = int(line.split()[1])
        except OSError:
            pass
    finally:
        if server is not None:
            server.stop()
        deployment.close()

    print(f"{'endpoint':<32} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    all_latencies: list[float] = []
    total_errors = 0
    for method, path, _body, _expected in mix:
        name = f"{method} {path}"
        lat = stats.latencies.get(name, [])
        errs = sum(stats.errors.get(name, {}).values())
        total_errors += errs
        all_latencies += lat
        detail = f"  {stats.errors[name]}" if errs else ""
        print(f"{name:<32} {len(lat):9d} {len(lat) / args.seconds:8.1f} {percentile(lat, 50):8.1f} "
              f"{percentile(lat, 99):8.1f} {errs:7d}{detail}")
    print(f"{'total':<32} {len(all_latencies):9d} {len(all_latencies) / args.seconds:8.1f} "
          f"{percentile(all_latencies, 50):8.1f} {percentile(all_latencies, 99):8.1f} {total_errors:7d}")
    workers = ", ".join(f"pid {pid}: {kib / 1024:.1f} MiB" for pid, kib in sorted(rss.items()))
    print(f"worker RSS after the run (VmRSS): {workers}"
          + (f"; master {master_rss / 1024:.1f} MiB" if master_rss else ""))
    print(f"requests/s={len(all_latencies) / args.seconds:.1f} p50_ms={percentile(all_latencies, 50):.1f} "
          f"p99_ms={percentile(all_latencies, 99):.1f} errors={total_errors} "
          f"worker_rss_mib={'/'.join(f'{kib / 1024:.0f}' for _pid, kib in sorted(rss.items()))}")
    return 0 if total_errors == 0 and all_latencies else 1


if __name__ == "__main__":
    sys.exit(main())
