"""Complaint submissions per second through one portal host, then through two, in the same run.

    TEST_DATABASE_URL=postgresql://… TEST_REDIS_URL=redis://… \
        .venv/bin/python bench/two_hosts.py [--seconds 10] [--clients 16] [--workers 2]

1. Sets up what README "Several hosts" describes (tests/multihost/cluster.py, which the two-host
   test uses too): a fresh PostgreSQL schema, `db upgrade`, the shared secrets directory, the
   database file store, Redis for the limits (RATELIMIT_ENABLED=0: limits are not measured here).
2. Starts two gunicorn hosts (separate instance folders, WORKERS workers each).
3. CLIENTS threads POST the sample JSON complaint for SECONDS seconds: first all to host A only,
   then spread over A and B (client i talks to host i % 2); both windows after a short warm-up.
4. Prints submissions/s and errors of each, and the two-host / one-host ratio.

On one machine the two hosts share its CPU cores and the one database, so the ratio shows what a
second host costs or gains here, not what a second machine would add.
"""
from __future__ import annotations

import argparse
import http.client
import json
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for folder in ("tests", "tests/ops", "tests/multihost"):
    sys.path.insert(0, str(ROOT / folder))

from cluster import Cluster  # noqa: E402
from samples import COMPLAINT  # noqa: E402
from support import PG_URL, REDIS_URL  # noqa: E402


def fire(ports: list[int], clients: int, seconds: float) -> tuple[int, int]:
    """(created, errors) of CLIENTS keep-alive clients posting complaints for SECONDS."""
    body = json.dumps(COMPLAINT).encode()
    stop = time.monotonic() + seconds
    counts = [[0, 0] for _ in range(clients)]

    def run(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", ports[i % len(ports)], timeout=60)
        while time.monotonic() < stop:
            try:
                conn.request("POST", "/api/v1/complaints", body=body, headers={"Content-Type": "application/json"})
                response = conn.getresponse()
                response.read()
                counts[i][0 if response.status == 201 else 1] += 1
            except (OSError, http.client.HTTPException):
                counts[i][1] += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", ports[i % len(ports)], timeout=60)
        conn.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(c[0] for c in counts), sum(c[1] for c in counts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if not (PG_URL and REDIS_URL):
        print("set TEST_DATABASE_URL (PostgreSQL) and TEST_REDIS_URL: several hosts share one of each")
        return 2
    with tempfile.TemporaryDirectory(prefix="two-hosts-") as folder:
        cluster = Cluster(Path(folder))
        cluster.envs = [{**env, "RATELIMIT_ENABLED": "0", "GUNICORN_WORKERS": str(args.workers)}
                        for env in cluster.envs]
        try:
            cluster.prepare()
            servers = cluster.start()
            ports = [server.port for server in servers]
            results = {}
            for label, chosen in (("one host", ports[:1]), ("two hosts", ports)):
                fire(chosen, args.clients, 2.0)  # warm-up: connections, caches, first tickets
                created, errors = fire(chosen, args.clients, args.seconds)
                results[label] = created / args.seconds
                print(f"{label:10s}: {created / args.seconds:8.1f} submissions/s  ({created} in {args.seconds:g}s, "
                      f"{errors} errors, {args.clients} clients, {args.workers} workers per host)")
            print(f"ratio two hosts / one host: {results['two hosts'] / results['one host']:.2f}")
        finally:
            cluster.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
