"""Public pages cached (portal.pagecache) vs rendered per request, and a worker's memory.

    .venv/bin/python bench/public_cache.py [--seconds 8] [--clients 8] [--database-url URL]

One throw-away instance (`flask db upgrade`), three `gunicorn -w 1` servers on it, one after
another: the portal (page cache on), the portal with PORTAL_PAGE_CACHE=0, and the portal with the
heavy libraries loaded at start as before the lazy imports (bench/_eager_wsgi.py). For each:
the worker's RSS (`ps -o rss`) after start, home page requests/s over SECONDS with CLIENTS
keep-alive clients, and the RSS after a mixed round (home, /laporan, the feed, forms, static,
a 304 revalidation). Prints the ratios from this one run.
"""
from __future__ import annotations

import argparse
import http.client
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from crash_safety import Deployment, Gunicorn  # noqa: E402

MIXED = ["/", "/laporan", "/laporan/feed.atom", "/pengaduan/baru", "/prosedur-pengaduan", "/privasi",
         "/pengaduan/status", "/static/css/portal.css", "/api/v1/categories"]


def rss_mb(pid: int) -> float:
    return int(subprocess.run(["ps", "-o", "rss=", "-p", str(pid)], capture_output=True, text=True).stdout) / 1024


def hammer(port: int, paths: list[str], seconds: float, clients: int, headers: dict | None = None) -> tuple[float, int]:
    """(requests/s, errors) of CLIENTS keep-alive clients cycling through PATHS for SECONDS."""
    counts, errors, stop = [0] * clients, [0] * clients, time.monotonic() + seconds

    def client(i: int) -> None:
        conn, n = http.client.HTTPConnection("127.0.0.1", port, timeout=30), 0
        while time.monotonic() < stop:
            try:
                conn.request("GET", paths[n % len(paths)], headers=headers or {})
                response = conn.getresponse()
                response.read()
                if response.status not in (200, 304):
                    errors[i] += 1
                counts[i] += 1
            except (OSError, http.client.HTTPException):
                errors[i] += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            n += 1
        conn.close()

    began = time.monotonic()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts) / (time.monotonic() - began), sum(errors)


def etag_of(port: int, path: str) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path)
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.getheader("ETag") or ""


class Served(Gunicorn):
    """crash_safety.Gunicorn serving another WSGI module (bench/_eager_wsgi.py)."""

    def __init__(self, *args, app: str = "wsgi:app", **kwargs):
        super().__init__(*args, **kwargs)
        self.app = app

    def start(self) -> "Served":
        from complaint_submit import BIN, ROOT

        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [str(BIN / "gunicorn"), "-w", "1", "-b", f"127.0.0.1:{self.port}", "--pythonpath", str(HERE),
                 "--error-logfile", "-", "--log-level", "warning", self.app],
                env=self.env, cwd=str(ROOT), stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        return self


def measure(deployment: Deployment, label: str, env: dict, app: str, seconds: float, clients: int) -> dict:
    server = Served({**deployment.env, **env}, deployment.workdir, workers=1, name=label, app=app)
    server.start()
    try:
        server.wait_ready()
        worker = server.worker_pids()[0]
        started = rss_mb(worker)
        hammer(server.port, ["/"], 1, 2)  # warm-up
        home, errors = hammer(server.port, ["/"], seconds, clients)
        tag = etag_of(server.port, "/")
        _, more = hammer(server.port, MIXED, seconds, clients)
        revalidated, more304 = hammer(server.port, ["/"], seconds / 2, clients, {"If-None-Match": tag}) if tag else (0.0, 0)
        return {"label": label, "rss_start": started, "home_rps": home, "rss_after": rss_mb(worker),
                "errors": errors + more + more304, "etag": bool(tag), "revalidated_rps": revalidated}
    finally:
        server.stop()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--database-url")
    args = parser.parse_args(argv)
    deployment = Deployment(args.database_url)
    try:
        deployment.migrate()
        runs = [measure(deployment, "cached", {}, "wsgi:app", args.seconds, args.clients),
                measure(deployment, "uncached", {"PORTAL_PAGE_CACHE": "0"}, "wsgi:app", args.seconds, args.clients),
                measure(deployment, "eager-imports", {"PORTAL_PAGE_CACHE": "0"}, "_eager_wsgi:app", args.seconds,
                        args.clients)]
    finally:
        deployment.close()
    print(f"backend: {deployment.backend}; gunicorn -w 1, {args.clients} clients, {args.seconds:.0f} s per figure")
    print(f"{'server':<14} {'home req/s':>10} {'304 req/s':>10} {'RSS start MB':>13} {'RSS after MB':>13} {'errors':>7}")
    for r in runs:
        print(f"{r['label']:<14} {r['home_rps']:>10.0f} {r['revalidated_rps']:>10.0f} {r['rss_start']:>13.1f} "
              f"{r['rss_after']:>13.1f} {r['errors']:>7}")
    cached, uncached, eager = runs
    print(f"home cached / uncached: {cached['home_rps'] / uncached['home_rps']:.2f}")
    print(f"worker RSS at start, lazy / eager imports: {uncached['rss_start']:.1f} / {eager['rss_start']:.1f} MB "
          f"({uncached['rss_start'] - eager['rss_start']:+.1f} MB)")
    return 1 if any(r["errors"] for r in runs) or not cached["etag"] else 0


if __name__ == "__main__":
    sys.exit(main())
