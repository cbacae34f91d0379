"""A worker's memory: RSS (and PSS/USS) of `gunicorn -c deploy/gunicorn.conf.py` workers before and
after 10,000 mixed requests, beside a bare Flask "hello" worker measured in the same run.

    .venv/bin/python bench/memory.py [--requests 10000] [--clients 4] [--database-url URL]
                                     [--gunicorn-args "--preload"] [--recycle]

1. A fresh instance: `flask --app wsgi db upgrade`, `flask --app wsgi demo seed` (cases of every
   channel through the services), two accounts made with `flask --app wsgi users create` (a
   complaints/leader pair), and the last month's complaints, SKM and WBS reports published
   through portal.reports.publication (prepare, then approve) as the office does.
2. `gunicorn -c deploy/gunicorn.conf.py wsgi:app`, 2 workers (GUNICORN_WORKERS=2,
   RATELIMIT_ENABLED=0). Without --recycle the worker recycling (max_requests) is switched off
   (GUNICORN_MAX_REQUESTS=0), so the figure is what a worker grows to; with --recycle the
   shipped setting stays and the figure is what the office sees.
3. REQUESTS requests from CLIENTS keep-alive clients in a fixed shuffled order: public pages,
   report pages and their CSV/ZIP/XLSX/PDF downloads, the Atom feed, complaint forms (GET and
   POST) and API complaints, about 200 WBS tips, SKM answers, static files, 304 revalidations,
   and back-office pages of the signed-in complaints team (password + TOTP over HTTP).
4. Prints each worker's VmRSS (/proc/<pid>/status), PSS and USS (/proc/<pid>/smaps_rollup) at
   start and after, and the same for `gunicorn -w 2 _hello:app` (bench/_hello.py) after 1,000
   hellos; then RESULT lines (common.md): rss_start_mb, rss_after_10k_mb (the largest worker),
   each with the bare worker's RSS as baseline. Exits 1 when any request got an unexpected status.
"""
from __future__ import annotations

import argparse
import http.client
import json
import random
import re
import shlex
import subprocess
import sys
import threading
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode, urlsplit

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from complaint_submit import BIN, COMPLAINT, ROOT, free_port  # noqa: E402
from crash_safety import Deployment  # noqa: E402

GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"
TEAM_EMAIL, LEADER_EMAIL, PASSWORD = "tim.pengaduan@example.go.id", "kadis@example.go.id", "Bench-sandi-yang-panjang-7"
PLAN = "Menambah petugas verifikasi di loket pengaduan dan memantau tenggat setiap minggu."
SKM = {"service": "ktp-el", "answers": {f"u{i}": 3 for i in range(1, 10)}, "sex": "perempuan", "age": "26-35",
       "education": "sma", "occupation": "wirausaha"}
TIP = {"what": "Oknum petugas loket meminta uang tambahan agar berkas KTP-el didahulukan.",
       "who": "petugas loket 3", "where": "Kantor Disdukcapil", "when": "setiap pagi"}
HIDDEN = re.compile(r'name="(csrf_token|submission_key)"[^>]*value="([^"]+)"')
FORM = {"classification": "pengaduan", "category": "akta-lahir", "problem": "pungli", "privacy": "anonymous",
        "description": "Petugas loket meminta Rp150.000 supaya akta kelahiran anak cepat selesai.",
        "location": "Kec. Cikande", "declaration": "yes"}


# --- memory of a process ------------------------------------------------------------------------


def memory_kib(pid: int) -> dict[str, int]:
    """rss (VmRSS), pss and uss (private clean + dirty) of one process, in KiB."""
    out = {"rss": 0, "pss": 0, "uss": 0}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                out["rss"] = int(line.split()[1])
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key == "Pss":
                out["pss"] = int(rest.split()[0])
            elif key in ("Private_Clean", "Private_Dirty"):
                out["uss"] += int(rest.split()[0])
    except OSError:
        pass
    return out


class Server:
    """gunicorn in its own session; the workers are the master's children."""

    def __init__(self, env: dict, workdir: Path, args: list[str], name: str):
        self.env, self.args, self.port = env, args, free_port()
        self.log = workdir / f"gunicorn-{name}.log"
        self.process: subprocess.Popen | None = None

    def start(self, workers: int = 2) -> "Server":
        env = {**self.env, "PORT": str(self.port), "GUNICORN_WORKERS": str(workers)}
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen([str(BIN / "gunicorn"), "-b", f"127.0.0.1:{self.port}", *self.args],
                                            env=env, cwd=str(ROOT), stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        self.workers = workers
        return self

    def worker_pids(self) -> list[int]:
        try:
            pid = self.process.pid
            return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        except OSError:
            return []

    def wait_ready(self, path: str, timeout: float = 60) -> None:
        began = time.monotonic()
        while time.monotonic() - began < timeout:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited early:\n{self.log.read_text()[-3000:]}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", path)
                status = conn.getresponse().status
                conn.close()
                if status == 200 and len(self.worker_pids()) >= self.workers:
                    return
            except (OSError, http.client.HTTPException):
                pass
            time.sleep(0.1)
        raise RuntimeError("gunicorn did not answer in time")

    def settle(self, path: str) -> None:
        """Every worker booted and has answered: a few requests per worker, then a short pause."""
        self.wait_ready(path)
        for _ in range(4 * self.workers):
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            conn.request("GET", path)
            conn.getresponse().read()
            conn.close()
        time.sleep(0.5)

    def memory(self) -> dict[int, dict[str, int]]:
        return {pid: memory_kib(pid) for pid in self.worker_pids()}

    def stop(self) -> None:
        import os
        import signal

        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


# --- the instance ---------------------------------------------------------------------------------


def flask(env: dict, *args: str, stdin: str | None = None) -> str:
    done = subprocess.run([str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=env, input=stdin,
                          capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    return done.stdout


def prepare_instance(deployment: Deployment, months: int, per_month: int) -> tuple[str, list[str]]:
    """Seed, accounts, published reports; returns (the team account's TOTP secret, published report paths)."""
    env = deployment.env
    print(flask(env, "demo", "seed", "--months", str(months), "--per-month", str(per_month)).strip().replace("\n", ", "))
    out = flask(env, "users", "create", "--email", TEAM_EMAIL, "--name", "Tim Pengaduan", "--role", "complaints",
                "--password-stdin", stdin=PASSWORD + "\n")
    secret = re.search(r"secret=([A-Z2-7]+)", out).group(1)
    flask(env, "users", "create", "--email", LEADER_EMAIL, "--name", "Kepala Dinas", "--role", "leader",
          "--password-stdin", stdin=PASSWORD + "\n")
    app = deployment.app()
    published = []
    with app.app_context():
        from portal.auth.services import find_user
        from portal.extensions import db
        from portal.reports import publication as pub

        team, leader = find_user(TEAM_EMAIL), find_user(LEADER_EMAIL)
        last_month = (date.today().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
        for channel in ("complaints", "skm", "wbs"):
            if channel not in pub.channels_for(team):
                continue
            try:
                draft = pub.prepare(team, channel, last_month, PLAN)
                report = pub.approve(leader, draft.id)
                published.append(f"/laporan/{report.id}")
            except Exception as exc:  # a channel this build cannot publish monthly: say so, go on
                print(f"  not published: {channel} {last_month}: {exc}")
        db.session.remove()
        db.engine.dispose()
    return secret, published


# --- HTTP -------------------------------------------------------------------------------------------


class Client:
    """One keep-alive connection; cookies shared through `jar` (one signed-in session for all)."""

    def __init__(self, port: int, jar: dict):
        self.port, self.jar, self.conn = port, jar, None

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        headers = dict(headers or {})
        if self.jar:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.jar.items())
        for attempt in (1, 2):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                payload = response.read()
                break
            except (OSError, http.client.HTTPException):
                if self.conn is not None:
                    self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.jar[name] = rest.split(";", 1)[0]
        if response.will_close:
            self.conn.close()
            self.conn = None
        return response.status, response, payload

    def form(self, path: str, fields: dict, page: str | None = None):
        """GET the form page (for its CSRF token and submission key), then POST the fields."""
        _status, _r, html = self.request("GET", page or path)
        hidden = dict(HIDDEN.findall(html.decode("utf-8", "replace")))
        data = urlencode({**fields, **hidden}).encode()
        return self.request("POST", path, data, {"Content-Type": "application/x-www-form-urlencoded"})


def sign_in(port: int, jar: dict, secret: str) -> None:
    import pyotp

    client = Client(port, jar)
    status, response, _ = client.form("/kantor/masuk", {"email": TEAM_EMAIL, "password": PASSWORD})
    if status not in (302, 303) or "verifikasi" not in (response.getheader("Location") or ""):
        raise RuntimeError(f"sign-in: password step answered {status}")
    status, response, _ = client.form("/kantor/masuk/verifikasi", {"code": pyotp.TOTP(secret).now()})
    if status not in (302, 303):
        raise RuntimeError(f"sign-in: second factor answered {status}")


def etag_and_date(port: int, path: str) -> tuple[str, str]:
    status, response, _ = Client(port, {}).request("GET", path)
    return response.getheader("ETag") or "", response.getheader("Last-Modified") or ""


def the_mix(port: int, total: int, reports: list[str], tickets: list[str], wbs_codes: list[str]) -> list[tuple]:
    """(kind, method, path, body, headers, expected statuses) × total, shuffled with a fixed seed."""
    json_type = {"Content-Type": "application/json"}
    home_tag, _ = etag_and_date(port, "/")
    css_tag, css_date = etag_and_date(port, "/static/css/portal.css")
    weights: list[tuple[int, tuple]] = []

    def add(weight, kind, method, path, body=None, headers=None, ok=(200,)):
        weights.append((weight, (kind, method, path, body, headers or {}, ok)))

    for path, w in [("/", 1000), ("/pengaduan/baru", 400), ("/prosedur-pengaduan", 150), ("/privasi", 100),
                    ("/zona-integritas", 150), ("/survei", 200), ("/wbs", 150), ("/wbs/kirim", 150),
                    ("/pengaduan/status", 150), ("/api/v1/categories", 150), ("/api/v1/reports", 150),
                    ("/laporan", 500), ("/laporan/feed.atom", 300)]:
        add(w, "public page", "GET", path)
    for path in reports:
        add(500 // max(1, len(reports)), "report page", "GET", path)
        for ext in (".csv", ".zip", ".xlsx", ".pdf"):
            add(100 // max(1, len(reports)), "report download", "GET", path + ext)
        tag, _ = etag_and_date(port, path)
        if tag:
            add(100 // max(1, len(reports)), "304", "GET", path, headers={"If-None-Match": tag}, ok=(304,))
    for path in ("/static/css/portal.css", "/static/css/office.css"):
        add(400, "static", "GET", path)
    if home_tag:
        add(600, "304", "GET", "/", headers={"If-None-Match": home_tag}, ok=(304,))
    if css_tag or css_date:
        add(400, "304", "GET", "/static/css/portal.css",
            headers={"If-None-Match": css_tag} if css_tag else {"If-Modified-Since": css_date}, ok=(304,))
    add(400, "complaint API", "POST", "/api/v1/complaints", json.dumps(COMPLAINT).encode(), json_type, (201,))
    add(150, "complaint form", "FORM", "/pengaduan/baru", FORM, ok=(200, 302, 303))
    add(300, "SKM answer", "POST", "/api/v1/surveys/skm", json.dumps(SKM).encode(), json_type, (201,))
    if wbs_codes:
        add(200, "WBS tip", "POST", "/api/v1/wbs/tips", json.dumps({**TIP, "category": wbs_codes[0]}).encode(),
            json_type, (201,))
    for path, w in [("/kantor/", 250), ("/kantor/pengaduan", 300), ("/kantor/pengaduan?q=KTP", 100),
                    ("/kantor/laporan", 100), ("/kantor/survei", 60), ("/kantor/pengaduan/catat", 40)]:
        add(w, "back office", "GET", path)
    for ticket in tickets[:50]:
        add(6, "back office", "GET", f"/kantor/pengaduan/{ticket}")
    scale = total / sum(w for w, _ in weights)
    mix = [item for w, item in weights for _ in range(max(1, round(w * scale)))]
    rng = random.Random(2026)
    while len(mix) < total:
        mix.append(mix[rng.randrange(len(mix))])
    rng.shuffle(mix)
    return mix[:total]


def run_mix(port: int, mix: list[tuple], clients: int, jar: dict) -> tuple[dict, dict, float]:
    """(requests per kind, unexpected statuses per kind+status, seconds)."""
    counts: dict[str, int] = {}
    bad: dict[str, int] = {}
    lock = threading.Lock()

    def work(part: list[tuple]) -> None:
        client = Client(port, jar)
        for kind, method, path, body, headers, ok in part:
            try:
                if method == "FORM":
                    status, _r, _p = client.form(path, body)
                else:
                    status, _r, _p = client.request(method, path, body, headers)
            except (OSError, http.client.HTTPException) as exc:
                status = type(exc).__name__
            with lock:
                counts[kind] = counts.get(kind, 0) + 1
                if status not in ok:
                    key = f"{kind} {urlsplit(path).path} → {status}"
                    bad[key] = bad.get(key, 0) + 1

    began = time.monotonic()
    threads = [threading.Thread(target=work, args=(mix[i::clients],)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return counts, bad, time.monotonic() - began


def mb(kib: int) -> float:
    return kib / 1024


def show(label: str, before: dict, after: dict) -> None:
    print(f"{label}:")
    for pid in sorted(set(before) | set(after)):
        b, a = before.get(pid), after.get(pid)
        fmt = lambda m: f"RSS {mb(m['rss']):6.1f}  PSS {mb(m['pss']):6.1f}  USS {mb(m['uss']):6.1f} MB" if m else "(not running)"  # noqa: E731
        print(f"  worker {pid:>7}  start: {fmt(b)}   after: {fmt(a)}")


def result(figure: str, value: float, baseline: float | None, unit: str, backend: str, note: str) -> None:
    ratio = round(value / baseline, 2) if baseline else None
    print("RESULT " + json.dumps({"figure": figure, "value": round(value, 1),
                                  "baseline": round(baseline, 1) if baseline is not None else None, "ratio": ratio,
                                  "unit": unit, "backend": backend, "note": note}))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--months", type=int, default=3)
    parser.add_argument("--per-month", type=int, default=30)
    parser.add_argument("--database-url")
    parser.add_argument("--gunicorn-args", default="", help='extra gunicorn arguments, e.g. "--preload"')
    parser.add_argument("--recycle", action="store_true",
                        help="keep the shipped max_requests (default: off, to measure growth)")
    args = parser.parse_args(argv)

    deployment = Deployment(args.database_url)
    backend = "postgresql" if args.database_url else "sqlite"
    portal = hello = None
    try:
        began = time.monotonic()
        deployment.migrate()
        secret, reports = prepare_instance(deployment, args.months, args.per_month)
        print(f"instance ready in {time.monotonic() - began:.0f} s; published: {', '.join(reports) or 'none'}")

        env = {**deployment.env, **({} if args.recycle else {"GUNICORN_MAX_REQUESTS": "0"})}
        portal = Server(env, deployment.workdir, ["-c", str(GUNICORN_CONF), *shlex.split(args.gunicorn_args),
                                                  "wsgi:app"], "portal").start()
        portal.settle("/healthz")
        start = portal.memory()

        jar: dict = {}
        sign_in(portal.port, jar, secret)
        _s, _r, body = Client(portal.port, {}).request("GET", "/api/v1/categories")
        wbs_codes = [c["code"] for c in json.loads(body).get("wbs", [])]
        app = deployment.app()
        with app.app_context():
            from sqlalchemy import select

            from portal.extensions import db
            from portal.models import Complaint

            tickets = list(db.session.scalars(select(Complaint.ticket).order_by(Complaint.id.desc()).limit(50)))
            db.session.remove()
            db.engine.dispose()
        mix = the_mix(portal.port, args.requests, reports, tickets, wbs_codes)
        counts, bad, seconds = run_mix(portal.port, mix, args.clients, jar)
        time.sleep(0.5)
        after = portal.memory()
        portal.stop()
        errors = [block for block in portal.log.read_text(errors="replace").split("\n[") if "Traceback" in block]

        hello = Server({k: v for k, v in deployment.env.items()}, deployment.workdir,
                       ["-w", "2", "--pythonpath", str(HERE), "_hello:app"], "hello").start()
        hello.settle("/")
        hello_start = hello.memory()
        run_mix(hello.port, [("hello", "GET", "/", None, {}, (200,))] * 1000, 2, {})
        hello_after = hello.memory()
        hello.stop()
    finally:
        for server in (portal, hello):
            if server is not None:
                server.stop()
        deployment.close()

    print(f"backend: {deployment.backend}; gunicorn -c deploy/gunicorn.conf.py {args.gunicorn_args} with 2 workers, "
          f"max_requests {'as shipped' if args.recycle else 'off'}; {len(mix)} requests from {args.clients} clients "
          f"in {seconds:.0f} s")
    print("requests: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    show("portal", start, after)
    show("bare Flask hello", hello_start, hello_after)
    for key, n in sorted(bad.items()):
        print(f"  unexpected: {key} × {n}")
    for block in errors[:3]:
        lines = block.strip().splitlines()
        ours = [line.strip() for line in lines if "/portal/" in line or "/wsgi.py" in line][-4:]
        print("  server error: " + lines[-1].strip() + "".join(f"\n      at {line}" for line in ours))
    rss_start = max(m["rss"] for m in start.values()) / 1024
    rss_after = max((m["rss"] for m in after.values()), default=0) / 1024
    bare = max(m["rss"] for m in hello_after.values()) / 1024
    note = ("recycling as shipped" if args.recycle else "max_requests off") + (
        f"; {args.gunicorn_args}" if args.gunicorn_args else "") + "; baseline = bare Flask hello worker"
    result("rss_start_mb", rss_start, bare, "MB", backend, note)
    result("rss_after_10k_mb", rss_after, bare, "MB", backend, note + f"; {len(mix)} requests")
    result("pss_after_10k_mb", max((m["pss"] for m in after.values()), default=0) / 1024, None, "MB", backend, note)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
