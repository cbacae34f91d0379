"""Publication at scale as the leader and a citizen experience it, each figure beside its baseline.

    .venv/bin/python bench/publish.py [--rows 1000000] [--month 2026-10] [--data-dir DIR] [--rounds 5] [--quick]
    .venv/bin/python bench/publish.py --database-url postgresql://postgres@127.0.0.1:5432/test

1. The kept dataset of bench/report_build.py (built once when missing): on SQLite a copy of
   DIR/complaints-1m.db made for this run (SQLite's backup API: one consistent state) in a throw-away
   instance folder, removed at the end; on PostgreSQL the schema bench_1m itself, and what the run
   adds there (drafts, versions, the complaints submitted, their mail and ticket numbers) is deleted
   at its end, so every run starts from the same data. The dataset's key ring is copied along.
2. The portal served as `make run` serves it: `gunicorn -c deploy/gunicorn.conf.py wsgi:app` (its
   workers, sync, its timeout; RATELIMIT_ENABLED=0, mail to a closed port). This process only
   drives it over HTTP (and reads/cleans the database between rounds); it never serves a request.
3. Per round (ROUNDS + a first one not counted): the bench complaints officer prepares the month's
   draft (POST /kantor/laporan), the bench leader, signed in through the real password and TOTP
   pages, opens the draft and approves it (POST /kantor/laporan/draf/<id>/setujui, timed to its
   302); meanwhile a client (a thread of this process, its own connection per request, as a browser
   of another citizen) submits a complaint through POST /api/v1/complaints every 0.25 s: count,
   statuses, median, p99 and worst latency. The version published is deleted after each round.
   For comparison the same client first submits for 4 s with no approval running.
4. Baseline (once, not with --quick/--no-baseline): the same through bench/_old_approval_wsgi.py,
   the approval as it was before issue 20 (figures built, HTML/CSV/XLSX and a PDF of every T6 row
   rendered inside one write transaction), with GUNICORN_TIMEOUT raised so it can finish.
5. With --documents: the PDF of every T6 row (before) and capped (after), the XLSX, the report
   HTML whole and paged, and the home page rate before/after a corrected version (in this process).

RESULT lines (bench/_result.py): approval_25k_s (median over rounds), approval_submissions_p99_ms
(p99 of all submissions made during the counted approvals), approval_submissions_non201.
"""
from __future__ import annotations

import argparse
import http.client
import json
import logging
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import pyotp  # noqa: E402
import requests  # noqa: E402
from sqlalchemy import delete, func, select, text  # noqa: E402

from portal.extensions import db  # noqa: E402
from portal.reports.periods import Period  # noqa: E402
from _result import result  # noqa: E402
from _staff import PASSWORD, account, csrf  # noqa: E402
from complaint_submit import workers_cpu_seconds  # noqa: E402
from crash_safety import Gunicorn  # noqa: E402
from report_build import DEFAULT_DATA_DIR, SECRET, dataset_app, dataset_instance, ensure_dataset  # noqa: E402

COMPLAINT = {"category": "ktp-el", "problem": "sistem", "privacy": "open", "name": "Siti Aminah",
             "description": "KTP-el sudah direkam di UPT Kec. Kramatwatu Januari, 6 minggu belum dicetak.",
             "nik": "3604015203900001", "email": "siti@example.org", "incident_date": "2026-01-15"}
PLAN = "Menambah petugas verifikasi di loket pengaduan dan memantau tenggat setiap minggu."
CORRECTION = "Koreksi uji beban: satu pengaduan tercatat pada bulan yang salah."
GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"
HEALTH = "/api/v1/categories"


# --- the deployment: a copy of the kept dataset, served by gunicorn -----------------------------------

class Deployment:
    """The kept dataset for this run (SQLite: a copy; PostgreSQL: the kept schema, cleaned at close)
    with a copy of its instance folder, and the environment gunicorn serves it with."""

    def __init__(self, kept_url: str, data_dir: Path, log=print):
        self.workdir = Path(tempfile.mkdtemp(prefix="portal-publish-"))
        self.instance = self.workdir / "instance"
        shutil.copytree(dataset_instance(kept_url, data_dir), self.instance)
        if kept_url.startswith("sqlite:///"):
            kept = kept_url.removeprefix("sqlite:///")
            copy = self.instance / "portal.db"
            t0 = time.perf_counter()
            with sqlite3.connect(kept) as source, sqlite3.connect(copy) as target:
                source.backup(target)  # one step: a consistent state even if another process writes
            source.close()
            target.close()
            log(f"copied {kept} to {copy} ({copy.stat().st_size / 1e9:.1f} GB) in {time.perf_counter() - t0:.0f} s")
            self.url = f"sqlite:///{copy}"
        else:
            self.url = kept_url
        self.backend = "postgresql" if self.url.startswith("postgresql") else "sqlite"
        self.app = dataset_app(self.url, str(self.instance))
        base = {k: v for k, v in os.environ.items()
                if not k.startswith(("PORTAL_", "DATABASE_URL", "RATELIMIT_", "MAIL_", "SECRET_KEY", "GUNICORN_"))}
        self.env = {**base, "PORTAL_INSTANCE_PATH": str(self.instance), "DATABASE_URL": self.url,
                    "SECRET_KEY": SECRET, "RATELIMIT_ENABLED": "0", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": "1"}
        with self.app.app_context():
            self.marks = _marks()

    def close(self) -> None:
        try:
            with self.app.app_context():
                _forget(self.marks, complaints=True)
                db.session.remove()
                db.engine.dispose()
        finally:
            shutil.rmtree(self.workdir, ignore_errors=True)


class Server(Gunicorn):
    """crash_safety.Gunicorn started as `make run` starts it: `gunicorn -c deploy/gunicorn.conf.py <app>`
    (the config's workers and timeout unless given), ready once every worker has answered."""

    def __init__(self, deployment: Deployment, app: str = "wsgi:app", workers: int | None = None,
                 timeout: int | None = None, name: str = "portal"):
        env = dict(deployment.env)
        if workers:
            env["GUNICORN_WORKERS"] = str(workers)
        if timeout:
            env["GUNICORN_TIMEOUT"] = str(timeout)
        super().__init__(env, deployment.workdir, name=name)
        self.app = app
        self.env["PORT"] = str(self.port)
        self.base = f"http://127.0.0.1:{self.port}"
        self.start()

    def start(self) -> "Server":
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [str(BIN / "gunicorn"), "-c", str(GUNICORN_CONF), "--pythonpath", str(ROOT / "bench"), self.app],
                env=self.env, cwd=str(ROOT), stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        return self

    def wait_ready(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited early:\n{self.log.read_text()[-3000:]}")
            try:
                if requests.get(self.base + HEALTH, timeout=5).status_code == 200:
                    for _ in range(12):  # every worker booted and has answered once or more
                        requests.get(self.base + HEALTH, timeout=30)
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer in time")

    def cpu_seconds(self) -> float:
        return workers_cpu_seconds(self.process.pid)


# --- staff over HTTP ------------------------------------------------------------------------------

def signed_in(app, base: str, role: str) -> requests.Session:
    """A browser session of the bench account of `role`, signed in through the real pages (password,
    then the TOTP code; the next step's code when this step's was already used)."""
    _user_id, secret = account(app, role)
    email = f"bench-{role}@example.org"
    for _attempt in range(3):
        browser = requests.Session()
        page = browser.get(base + "/kantor/masuk").text
        answer = browser.post(base + "/kantor/masuk", allow_redirects=False,
                              data={"csrf_token": csrf(page), "email": email, "password": PASSWORD})
        if answer.status_code != 302:
            raise RuntimeError(f"bench sign-in refused the password: {answer.status_code}")
        page = browser.get(base + "/kantor/masuk/verifikasi").text
        answer = browser.post(base + "/kantor/masuk/verifikasi", allow_redirects=False,
                              data={"csrf_token": csrf(page), "code": pyotp.TOTP(secret).now()})
        if answer.status_code == 302:
            return browser
        time.sleep(31 - time.time() % 30)
    raise RuntimeError("bench sign-in refused the TOTP code")


def prepare(team: requests.Session, base: str, month: str) -> int:
    """The complaints officer prepares the month's draft (POST /kantor/laporan): its id."""
    page = team.get(base + "/kantor/laporan").text
    answer = team.post(base + "/kantor/laporan", allow_redirects=False, timeout=600,
                       data={"csrf_token": csrf(page), "channel": "complaints", "period": month,
                             "follow_up_plan": PLAN, "correction_note": CORRECTION})
    found = re.search(r"/kantor/laporan/draf/(\d+)$", answer.headers.get("Location", ""))
    if answer.status_code != 302 or not found:
        raise RuntimeError(f"preparing the draft answered {answer.status_code}: {answer.text[:500]}")
    return int(found.group(1))


def approve(leader: requests.Session, base: str, draft_id: int, submitter: "Submitter") -> float:
    """The leader opens the draft and approves it; seconds from the POST to its answer (302 to the
    published report), while `submitter` submits complaints from 0.3 s before to 0.3 s after."""
    page = leader.get(f"{base}/kantor/laporan/draf/{draft_id}", timeout=600).text
    token = csrf(page)
    submitter.start()
    time.sleep(0.3)
    t0 = time.perf_counter()
    try:
        answer = leader.post(f"{base}/kantor/laporan/draf/{draft_id}/setujui", data={"csrf_token": token},
                             allow_redirects=False, timeout=900)
        took = time.perf_counter() - t0
    finally:
        time.sleep(0.3)
        submitter.stop.set()
        submitter.join(120)
    if answer.status_code != 302 or not re.search(r"/laporan/\d+$", answer.headers.get("Location", "")):
        raise RuntimeError(f"the approval answered {answer.status_code}: {answer.text[:500]}")
    return took


class Submitter(threading.Thread):
    """A citizen submitting a complaint every `every` seconds (a new connection each, as gunicorn's
    sync workers close after an answer); records (status, seconds), status 0 for a failed request."""

    def __init__(self, port: int, every: float = 0.25):
        super().__init__(daemon=True)
        self.port, self.every, self.results = port, every, []
        self.body = json.dumps(COMPLAINT).encode()
        self.stop = threading.Event()

    def post(self) -> int:
        """One submission: its HTTP status, 0 when the request failed."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            conn.request("POST", "/api/v1/complaints", body=self.body, headers={"Content-Type": "application/json"})
            answer = conn.getresponse()
            answer.read()
            return answer.status
        except (OSError, http.client.HTTPException):
            return 0
        finally:
            conn.close()

    def run(self):
        while not self.stop.is_set():
            t0 = time.perf_counter()
            status = self.post()
            self.results.append((status, time.perf_counter() - t0))
            self.stop.wait(max(0.0, self.every - (time.perf_counter() - t0)))

    def summary(self) -> str:
        return summary(self.results)


def p99(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] if ordered else 0.0


def summary(results: list[tuple[int, float]]) -> str:
    if not results:
        return "no submission"
    times = sorted(s for _, s in results)
    statuses: dict[int, int] = {}
    for status, _ in results:
        statuses[status] = statuses.get(status, 0) + 1
    return (f"{len(times)} submissions {statuses}, median {statistics.median(times) * 1000:.0f} ms, "
            f"p99 {p99(times) * 1000:.0f} ms, worst {times[-1] * 1000:.0f} ms")


# --- what a run adds, and taking it away again ---------------------------------------------------------

def _marks() -> dict:
    """The largest ids (and the ticket counters) before this run: what comes after is the run's."""
    from portal.models import Complaint
    from portal.models.publication import PublishedReport, ReportDraft

    def top(column):
        return db.session.scalar(select(func.coalesce(func.max(column), 0)))

    marks = {"report": top(PublishedReport.id), "draft": top(ReportDraft.id), "complaint": top(Complaint.id),
             "mail": db.session.scalar(text("SELECT coalesce(max(id), 0) FROM outbox_mail")),
             "tickets": [tuple(r) for r in db.session.execute(text("SELECT prefix, year, value FROM ticket_counters"))]}
    db.session.rollback()
    return marks


def _forget(marks: dict, complaints: bool = False) -> None:
    """Delete the drafts and versions this run made (and with `complaints` the complaints submitted,
    their history, mail and ticket numbers), so the next round or run starts from the same data."""
    from portal.models import Complaint, ComplaintAttachment, ComplaintEvent
    from portal.models.publication import PublishedReport, ReportDraft

    db.session.rollback()
    db.session.execute(delete(ReportDraft).where(ReportDraft.id > marks["draft"]))
    db.session.execute(delete(PublishedReport).where(PublishedReport.id > marks["report"]))
    if complaints:
        new = select(Complaint.id).where(Complaint.id > marks["complaint"])
        db.session.execute(delete(ComplaintEvent).where(ComplaintEvent.complaint_id.in_(new)))
        db.session.execute(delete(ComplaintAttachment).where(ComplaintAttachment.complaint_id.in_(new)))
        db.session.execute(delete(Complaint).where(Complaint.id > marks["complaint"]))
        db.session.execute(text("DELETE FROM outbox_mail WHERE id > :m"), {"m": marks["mail"]})
        kept = {(prefix, year) for prefix, year, _value in marks["tickets"]}
        for prefix, year, value in marks["tickets"]:
            db.session.execute(text("UPDATE ticket_counters SET value = :v WHERE prefix = :p AND year = :y"),
                               {"v": value, "p": prefix, "y": year})
        for prefix, year in db.session.execute(text("SELECT prefix, year FROM ticket_counters")).all():
            if (prefix, year) not in kept:
                db.session.execute(text("DELETE FROM ticket_counters WHERE prefix = :p AND year = :y"),
                                   {"p": prefix, "y": year})
    db.session.commit()


def _received(app) -> int:
    """Complaints received in the month, from the last published snapshot."""
    from portal.models.publication import PublishedReport

    with app.app_context():
        snap = db.session.scalar(select(PublishedReport.snapshot).order_by(PublishedReport.id.desc()).limit(1))
        db.session.remove()
    return json.loads(snap)["report"]["received"] if snap else 0


# --- the rounds ------------------------------------------------------------------------------------

def approvals(deployment: Deployment, server: Server, month: str, rounds: int, label: str, warm_up: bool = True):
    """(approval seconds per counted round, every submission during them, complaints in the month);
    with `warm_up` a first round before them is not counted."""
    app = deployment.app
    team = signed_in(app, server.base, "complaints")
    leader = signed_in(app, server.base, "leader")
    for _ in range(6):  # every worker has taken a submission (its first loads what intake imports lazily)
        Submitter(server.port).post()
    quiet = Submitter(server.port)
    quiet.start()
    time.sleep(4.0)
    quiet.stop.set()
    quiet.join(120)
    print(f"{label}: submissions with no approval running (4 s): {quiet.summary()}", flush=True)
    seconds, submissions, received = [], [], 0
    for i in range(0 if warm_up else 1, rounds + 1):  # round 0 warms up (imports, fonts) and is not counted
        draft_id = prepare(team, server.base, month)
        submitter = Submitter(server.port)
        cpu0 = server.cpu_seconds()
        took = approve(leader, server.base, draft_id, submitter)
        cpu = server.cpu_seconds() - cpu0
        received = received or _received(app)
        print(f"{label} {'warm-up' if i == 0 else i}: {took:.2f} s (workers' CPU {cpu:.2f} s); "
              f"submissions during it: {submitter.summary()}", flush=True)
        if i:
            seconds.append(took)
            submissions.extend(submitter.results)
        with app.app_context():
            _forget(deployment.marks)
            db.session.remove()
    return seconds, submissions, received


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--month", default="2026-10")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR, help="where the kept dataset is")
    parser.add_argument("--database-url", help="PostgreSQL: the kept dataset in schema bench_<rows> there")
    parser.add_argument("--rounds", type=int, default=5, help="approvals timed (the median is printed)")
    parser.add_argument("--quick", action="store_true", help="3 rounds, no baseline (the old approval)")
    parser.add_argument("--no-baseline", action="store_true",
                        help="skip the old approval (minutes at 1M on a loaded machine)")
    parser.add_argument("--workers", type=int,
                        help="gunicorn workers (default: deploy/gunicorn.conf.py's, as make run uses)")
    parser.add_argument("--documents", action="store_true", help="also the PDF/HTML/XLSX and home page figures")
    parser.add_argument("--requests", type=int, default=200, help="home page requests per measurement")
    args = parser.parse_args()
    month = Period.parse(args.month)
    rounds = 3 if args.quick else args.rounds
    baseline = not (args.quick or args.no_baseline)

    logging.getLogger("fontTools").setLevel(logging.WARNING)  # the PDF font subsetter's INFO lines
    url = ensure_dataset(args.rows, args.data_dir, args.database_url, args.month, args.seed)
    deployment = Deployment(url, args.data_dir)
    try:
        with deployment.app.app_context():
            n = db.session.scalar(text("SELECT count(*) FROM complaints"))
            db.session.remove()
        backend = deployment.backend
        before_s = before_sub = None
        if baseline:
            # The old approval at 1M outlasts the shipped 60 s worker timeout: raised so it can finish.
            server = Server(deployment, "_old_approval_wsgi:app", args.workers, timeout=1800, name="old")
            try:
                server.wait_ready()
                old, before_sub, _r = approvals(deployment, server, month.code, 1, "approval, before (one run)",
                                                 warm_up=False)
            finally:
                server.stop()
        server = Server(deployment, "wsgi:app", args.workers)
        try:
            server.wait_ready()
            print(f"database ({backend}): {n:,} complaints; month {month.code}; gunicorn -c deploy/gunicorn.conf.py "
                  f"wsgi:app, {len(server.worker_pids())} workers, {os.cpu_count()} CPUs", flush=True)
            if baseline:
                before_s = old[0] if old else None
            seconds, submissions, received = approvals(deployment, server, month.code, rounds, "approval")
        finally:
            server.stop()
        report(backend, month, rounds, seconds, submissions, received, before_s, before_sub)
        if args.documents:
            documents_and_home(deployment, month, args.requests)
    finally:
        deployment.close()


def report(backend, month, rounds, seconds, submissions, received, before_s, before_sub) -> None:
    after_s = statistics.median(seconds)
    times = [t for _, t in submissions]
    non201 = sum(1 for status, _ in submissions if status != 201)
    print(f"approval of {month.code} ({received:,} complaints received in the month): median {after_s:.2f} s of "
          f"{rounds}" + (f"; before {before_s:.2f} s ({ratio(before_s, after_s)})" if before_s else ""))
    print(f"  submissions during the approvals: {summary(submissions)}")
    note = f"{month.code}: {received:,} complaints in the month; median of {rounds}; gunicorn; goal < 10 s"
    result("approval_25k_s", after_s, baseline=before_s, unit="s", backend=backend,
           note=note + ("; baseline = old approval in one write transaction (one run)" if before_s else ""))
    before_p99 = p99([t for _, t in before_sub]) * 1000 if before_sub else None
    result("approval_submissions_p99_ms", p99(times) * 1000, baseline=before_p99, unit="ms", backend=backend,
           note=f"{len(times)} submissions (one per 0.25 s, HTTP) during the approvals; goal < 1000")
    before_non201 = sum(1 for status, _ in before_sub if status != 201) if before_sub else None
    result("approval_submissions_non201", non201, baseline=before_non201, unit="count", backend=backend,
           note=f"of {len(times)} submissions during the approvals; goal 0")


def ratio(before: float, after: float) -> str:
    return f"{before / after:.1f}× faster" if after else "∞"


# --- the documents and the home page (in this process) ----------------------------------------------

@contextmanager
def unlimited(render):
    """The renderers as they were before: a PDF of every row, a report page of every row."""
    saved = render.PDF_MAX_ROWS, render.PAGE_ROWS
    render.PDF_MAX_ROWS = render.PAGE_ROWS = 10**9
    try:
        yield
    finally:
        render.PDF_MAX_ROWS, render.PAGE_ROWS = saved


def clocked(fn, *args):
    """(seconds, result) of fn(*args)."""
    t0 = time.perf_counter()
    answer = fn(*args)
    return time.perf_counter() - t0, answer


def _users():
    """The bench's complaints officer and leader (bench/_staff.py: the accounts backoffice.py signs in with)."""
    from flask import current_app

    from portal.models import User

    ids = {role: account(current_app._get_current_object(), role)[0] for role in ("complaints", "leader")}
    return {role: db.session.get(User, user_id) for role, user_id in ids.items()}


def documents_and_home(deployment: Deployment, month: Period, requests_: int) -> None:
    import portal.reports.periods as periods
    from portal.reports import publication as pub

    now = month.end + timedelta(days=5)
    periods.office_today = lambda: now  # the month has ended: it may be published
    app = deployment.app
    with app.app_context():
        try:
            with app.test_request_context():
                users = _users()
                draft = pub.prepare(users["complaints"], "complaints", month.code, PLAN, CORRECTION)
                pub.approve(users["leader"], draft.id)
            _documents_and_home(app, month, requests_, users["complaints"], users["leader"], CORRECTION)
        finally:
            _forget(deployment.marks)
            db.session.remove()


def _documents_and_home(app, month: Period, requests: int, team, leader, correction: str) -> None:
    import json

    from flask_babel import force_locale

    from portal.models.publication import PublishedReport
    from portal.reports import render
    from portal.reports import publication as pub

    row = db.session.scalar(select(PublishedReport).where(PublishedReport.channel == "complaints",
                                                          PublishedReport.period == month.code)
                            .order_by(PublishedReport.version.desc()))
    snap = json.loads(row.snapshot)
    t6 = len(snap["report"]["tables"]["t6"]["rows"])
    with app.test_request_context(), force_locale("id"):
        with unlimited(render):
            pdf_before, full = clocked(render.render_pdf, snap)
            html_before, body_full = clocked(render.render_body, snap)
        pdf_after, capped = clocked(render.render_pdf, snap)
        html_after, body_paged = clocked(render.render_body, snap)
        xlsx_s, _xlsx = clocked(render.render_xlsx, snap)
    print(f"PDF with T6's {t6:,} rows: before {pdf_before:.2f} s ({len(full) / 1e6:.1f} MB), after {pdf_after:.2f} s "
          f"({len(capped) / 1e6:.2f} MB) ({ratio(pdf_before, pdf_after)}); XLSX (write-only) {xlsx_s:.2f} s")
    print(f"report HTML: before (one page) {html_before:.2f} s, {len(body_full) / 1e6:.1f} MB; after (paged) "
          f"{html_after:.3f} s, {len(body_paged) / 1e6:.2f} MB ({ratio(html_before, html_after)})")

    client = app.test_client()

    def home_rate() -> float:
        for _ in range(10):  # warm up (templates compiled, connections open)
            client.get("/")
        t0 = time.perf_counter()
        for _ in range(requests):
            assert client.get("/").status_code == 200
        return requests / (time.perf_counter() - t0)

    one = home_rate()
    with app.test_request_context():
        draft = pub.prepare(team, "complaints", month.code, PLAN, correction)
        pub.approve(leader, draft.id)
    corrected = home_rate()
    print(f"home page: {one:.0f} req/s with one version, {corrected:.0f} req/s after a corrected version "
          f"(ratio {corrected / one:.2f}; was 139/537 = 0.26 at 1M before this change)")



if __name__ == "__main__":
    main()
