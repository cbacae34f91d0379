"""Publication at scale, each figure beside its baseline measured in the same run.

    .venv/bin/python bench/publish.py [--rows 1000000] [--month 2026-10] [--keep PATH] [--requests 200]

Loads ROWS complaints with bench/report_build.py's loader (or reuses --keep), then measures:

* approval of the month's report: before = the old way (figures, HTML, CSV, XLSX and a PDF of
  every T6 row built inside one write transaction, rolled back), after = publication.approve
  (build on a consistent read, render outside any write transaction, one short write); during
  each, a client submits a complaint every 0.25 s: count, statuses, median and worst latency;
* the PDF: every T6 row (before) and capped at render.PDF_MAX_ROWS (after); the XLSX (write-only);
* the home page (requests/s through the test client) with one version, then after a corrected
  version is published: the ratio shows whether a correction still costs the home page anything.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from sqlalchemy import select, text  # noqa: E402

from portal import create_app  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.reports.periods import Period  # noqa: E402
from report_build import load  # noqa: E402

COMPLAINT = {"category": "ktp-el", "problem": "sistem", "privacy": "open", "name": "Siti Aminah",
             "description": "KTP-el sudah direkam di UPT Kec. Kramatwatu Januari, 6 minggu belum dicetak.",
             "nik": "3604015203900001", "email": "siti@example.org", "incident_date": "2026-01-15"}
PLAN = "Menambah petugas verifikasi di loket pengaduan dan memantau tenggat setiap minggu."


class Submitter(threading.Thread):
    """Submits a complaint every `every` seconds until stopped; records (status, seconds)."""

    def __init__(self, app, every: float = 0.25):
        super().__init__(daemon=True)
        self.app, self.every, self.results = app, every, []
        self.stop = threading.Event()

    def run(self):
        client = self.app.test_client()
        while not self.stop.is_set():
            t0 = time.perf_counter()
            status = client.post("/api/v1/complaints", json=COMPLAINT).status_code
            self.results.append((status, time.perf_counter() - t0))
            self.stop.wait(self.every)

    def summary(self) -> str:
        if not self.results:
            return "no submission"
        times = sorted(s for _, s in self.results)
        statuses: dict[int, int] = {}
        for status, _ in self.results:
            statuses[status] = statuses.get(status, 0) + 1
        return (f"{len(times)} submissions {statuses}, median {statistics.median(times) * 1000:.0f} ms, "
                f"worst {times[-1] * 1000:.0f} ms")


def during(app, work):
    """(seconds of work(), the submitter that ran meanwhile)."""
    submitter = Submitter(app)
    submitter.start()
    time.sleep(0.3)
    t0 = time.perf_counter()
    try:
        work()
    finally:
        seconds = time.perf_counter() - t0
        time.sleep(0.3)
        submitter.stop.set()
        submitter.join(60)
    return seconds, submitter


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
    result = fn(*args)
    return time.perf_counter() - t0, result


def ratio(before: float, after: float) -> str:
    return f"{before / after:.1f}× faster" if after else "∞"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--month", default="2026-10")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", help="keep the database at this path (reused when it exists)")
    parser.add_argument("--requests", type=int, default=200, help="home page requests per measurement")
    args = parser.parse_args()
    month = Period.parse(args.month)
    now = month.end + timedelta(days=5)

    import portal.reports.periods as periods
    periods.office_today = lambda: now  # the month has ended: it may be published

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(args.keep) if args.keep else Path(tmp) / "bench.db"
        app = create_app({
            "PORTAL_ENV": "testing", "instance_path": str(Path(tmp) / "instance"),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": "bench-" + "x" * 32,
            "RATELIMIT_ENABLED": False,
        })
        if not path.exists() or path.stat().st_size == 0:
            print(f"loaded {args.rows:,} complaints in {load(app, args.rows, month, now, args.seed):.1f} s", flush=True)
        with app.app_context():
            db.create_all()  # the tables report_build's loader does not fill (users, reports, …)
            n = db.session.scalar(text("SELECT count(*) FROM complaints"))
            print(f"database: {n:,} complaints; month {month.code}", flush=True)
            run(app, month, args.requests)
            db.session.remove()
            db.engine.dispose()


def _users():
    from portal.models import User

    users = {}
    for role in ("complaints", "leader"):
        email = f"bench-{role}@example.org"
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            user = User(email=email, name=role, password_hash="x", roles_csv=role)
            db.session.add(user)
            db.session.commit()
        users[role] = user
    return users


def run(app, month: Period, requests: int) -> None:
    import json

    from flask_babel import force_locale

    from portal.database import write_transaction
    from portal.models.publication import PublishedReport
    from portal.reports import build_report, render
    from portal.reports import publication as pub

    users = _users()
    team, leader = users["complaints"], users["leader"]
    version = pub.latest_version("complaints", month.code) + 1
    correction = "Koreksi uji beban: satu pengaduan tercatat pada bulan yang salah." if version > 1 else None

    class Rollback(Exception):
        pass

    def old_approval():
        """Build and render everything (a PDF of every row) inside one write transaction, as before."""
        try:
            with unlimited(render), write_transaction():
                report = build_report("complaints", month)
                snap = pub.snapshot_of(json.loads(report.to_json(indent=None)), {
                    "channel": "complaints", "channel_label": "Pengaduan", "period": month.code,
                    "period_label": month.label, "version": version, "published_at": "2026-11-05T02:00:00+00:00",
                    "title": report.title, "follow_up_plan": PLAN, "correction_note": correction})
                with force_locale("id"):
                    render.render_body(snap), render.render_csv(snap), render.render_xlsx(snap), render.render_pdf(snap)
                raise Rollback
        except Rollback:
            pass

    with app.test_request_context():
        before_s, before_sub = during(app, old_approval)
        draft = pub.prepare(team, "complaints", month.code, PLAN, correction)
        after_s, after_sub = during(app, lambda: pub.approve(leader, draft.id))
    print(f"approval: before {before_s:.2f} s, after {after_s:.2f} s ({ratio(before_s, after_s)})")
    print(f"  submissions during it, before: {before_sub.summary()}")
    print(f"  submissions during it, after:  {after_sub.summary()}")

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
    draft = pub.prepare(team, "complaints", month.code, PLAN,
                        "Koreksi uji beban: satu pengaduan tercatat pada bulan yang salah.")
    db.session.commit()
    with app.test_request_context():
        pub.approve(leader, draft.id)
    corrected = home_rate()
    print(f"home page: {one:.0f} req/s with one version, {corrected:.0f} req/s after a corrected version "
          f"(ratio {corrected / one:.2f}; was 139/537 = 0.26 at 1M before this change)")


if __name__ == "__main__":
    main()
