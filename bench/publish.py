"""Publication at scale, each figure beside its baseline measured in the same run.

    .venv/bin/python bench/publish.py [--rows 1000000] [--month 2026-10] [--data-dir DIR] [--rounds 5] [--quick]
    .venv/bin/python bench/publish.py --database-url postgresql://postgres@127.0.0.1:5432/test

Uses the kept dataset of bench/report_build.py (built once when missing; SQLite DIR/complaints-1m.db or
schema bench_1m on PostgreSQL), then measures:

* approval of the month's report (ROUNDS times, median): a draft prepared, then publication.approve
  (build on a consistent read, render outside any write transaction, one short write); during each,
  a client submits a complaint every 0.25 s: count, statuses, median, p99 and worst latency. The
  baseline (once, not with --quick): the old way, figures, HTML, CSV, XLSX and a PDF of every T6 row
  built inside one write transaction (rolled back), with the same submitter;
* with --documents: the PDF of every T6 row (before) and capped at render.PDF_MAX_ROWS (after), the
  XLSX, the report HTML in one page and paged; the home page (requests/s through the test client)
  with one version and after a corrected version.

What a run publishes (drafts, versions) is deleted at its end, so every run starts from the same data.
RESULT lines (bench/_result.py): approval_25k_s, approval_submissions_p99_ms, approval_submissions_non201.
"""
from __future__ import annotations

import argparse
import logging
import statistics
import sys
import threading
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from flask import current_app  # noqa: E402
from sqlalchemy import delete, func, select, text  # noqa: E402

from portal import create_app  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.reports.periods import Period  # noqa: E402
from _result import result  # noqa: E402
from report_build import DEFAULT_DATA_DIR, dataset_app, dataset_instance, ensure_dataset  # noqa: E402

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
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR, help="where the kept dataset is")
    parser.add_argument("--database-url", help="PostgreSQL: the kept dataset in schema bench_<rows> there")
    parser.add_argument("--rounds", type=int, default=5, help="approvals timed (the median is printed)")
    parser.add_argument("--quick", action="store_true", help="3 rounds, no baseline (the old approval)")
    parser.add_argument("--no-baseline", action="store_true",
                        help="skip the old approval (minutes at 1M on a loaded machine)")
    parser.add_argument("--documents", action="store_true", help="also the PDF/HTML/XLSX and home page figures")
    parser.add_argument("--requests", type=int, default=200, help="home page requests per measurement")
    args = parser.parse_args()
    month = Period.parse(args.month)
    now = month.end + timedelta(days=5)

    logging.getLogger("fontTools").setLevel(logging.WARNING)  # the PDF font subsetter's INFO lines
    import portal.reports.periods as periods
    periods.office_today = lambda: now  # the month has ended: it may be published

    url = ensure_dataset(args.rows, args.data_dir, args.database_url, args.month, args.seed)
    app = dataset_app(url, dataset_instance(url, args.data_dir))
    with app.app_context():
        n = db.session.scalar(text("SELECT count(*) FROM complaints"))
        print(f"database ({db.engine.dialect.name}): {n:,} complaints; month {month.code}", flush=True)
        marks = _marks()
        try:
            run(app, month, 3 if args.quick else args.rounds, baseline=not (args.quick or args.no_baseline),
                documents=args.documents, requests=args.requests, marks=marks)
        finally:
            _forget_published(marks)
            db.session.remove()
            db.engine.dispose()


def _marks() -> tuple[int, int]:
    """The largest published report and draft ids before this run (what comes after is the run's)."""
    from portal.models.publication import PublishedReport, ReportDraft

    return (db.session.scalar(select(func.coalesce(func.max(PublishedReport.id), 0))),
            db.session.scalar(select(func.coalesce(func.max(ReportDraft.id), 0))))


def _forget_published(marks: tuple[int, int]) -> None:
    """Delete the drafts and versions this run made, so the next run starts from the same data."""
    from portal.models.publication import PublishedReport, ReportDraft

    db.session.rollback()
    db.session.execute(delete(ReportDraft).where(ReportDraft.id > marks[1]))
    db.session.execute(delete(PublishedReport).where(PublishedReport.id > marks[0]))
    db.session.commit()


def _users():
    """The bench's complaints officer and leader (bench/_staff.py: the accounts backoffice.py signs in with)."""
    from portal.models import User

    from _staff import account

    ids = {role: account(current_app._get_current_object(), role)[0] for role in ("complaints", "leader")}
    return {role: db.session.get(User, user_id) for role, user_id in ids.items()}


def run(app, month: Period, rounds: int, baseline: bool, documents: bool, requests: int, marks) -> None:
    import json

    from flask_babel import force_locale

    from portal.database import write_transaction
    from portal.models.publication import PublishedReport
    from portal.reports import build_report, render
    from portal.reports import publication as pub

    backend = db.engine.dialect.name
    users = _users()
    team, leader = users["complaints"], users["leader"]
    version = pub.latest_version("complaints", month.code) + 1
    correction = "Koreksi uji beban: satu pengaduan tercatat pada bulan yang salah."

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

    before_s = before_sub = None
    if baseline:
        with app.test_request_context():
            before_s, before_sub = during(app, old_approval)
        db.session.rollback()
        print(f"approval, before (one run): {before_s:.2f} s; submissions during it: {before_sub.summary()}",
              flush=True)

    seconds, submissions, received = [], [], 0
    for i in range(rounds + 1):  # the first one warms up (templates, fonts, connections) and is not counted
        with app.test_request_context():
            draft = pub.prepare(team, "complaints", month.code, PLAN, correction)
            took, submitter = during(app, lambda: pub.approve(leader, draft.id))
        db.session.rollback()
        if not received:
            received = json.loads(db.session.scalar(select(PublishedReport.snapshot).order_by(
                PublishedReport.id.desc()).limit(1)))["report"]["received"]
        print(f"approval {'warm-up' if i == 0 else i}: {took:.2f} s; submissions during it: {submitter.summary()}",
              flush=True)
        if i:
            seconds.append(took)
            submissions.extend(submitter.results)
        _forget_published(marks)
    after_s = statistics.median(seconds)
    times = [t for _, t in submissions]
    non201 = sum(1 for status, _ in submissions if status != 201)
    print(f"approval of {month.code} ({received:,} complaints received in the month): median {after_s:.2f} s of "
          f"{rounds}" + (f"; before {before_s:.2f} s ({ratio(before_s, after_s)})" if before_s else ""))
    print(f"  submissions during the approvals: {summary(submissions)}")
    note = f"{month.code}: {received:,} complaints in the month; median of {rounds}; goal < 10 s"
    result("approval_25k_s", after_s, baseline=before_s, unit="s", backend=backend,
           note=note + ("; baseline = old approval in one write transaction (one run)" if before_s else ""))
    before_p99 = p99([t for _, t in before_sub.results]) * 1000 if before_sub and before_sub.results else None
    result("approval_submissions_p99_ms", p99(times) * 1000, baseline=before_p99, unit="ms", backend=backend,
           note=f"{len(times)} submissions (one per 0.25 s) during the approvals; goal < 1000")
    before_non201 = (sum(1 for status, _ in before_sub.results if status != 201) if before_sub else None)
    result("approval_submissions_non201", non201, baseline=before_non201, unit="count", backend=backend,
           note=f"of {len(times)} submissions during the approvals; goal 0")
    if documents:
        with app.test_request_context():
            draft = pub.prepare(team, "complaints", month.code, PLAN, correction)
            pub.approve(leader, draft.id)
        documents_and_home(app, month, requests, team, leader, correction)


def documents_and_home(app, month: Period, requests: int, team, leader, correction: str) -> None:
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
