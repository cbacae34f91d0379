"""Back-office pages at scale (issue 20): each page of the complaint queue, the dashboard and a report
draft, whole (signed in, through the app: routing, queries, template), beside the old query shapes
(`ticket = ? OR subject LIKE '%x%' OR description LIKE '%x%'`, OFFSET pages) in the same run.

    .venv/bin/python bench/backoffice.py [--rows 1000000] [--data-dir DIR] [--rounds 5] [--quick]
    .venv/bin/python bench/backoffice.py --rows 1000000 --database-url postgresql://postgres@127.0.0.1:5432/test
    .venv/bin/python bench/backoffice.py --only draft      # one figure (keys of --only: ticket, search_hit, …, draft)

Uses the kept dataset of bench/report_build.py (built once when missing: SQLite DIR/complaints-1m.db,
or schema bench_1m on PostgreSQL; a real install's schema with the full-text index). For each queue
page it times the page (GET through the test client as a signed-in complaints officer), the
page's database work as the queue does it now (portal.casequery: count + 25 rows) and the old query
shapes' database work; then the dashboard page, and "draft preparation + its page" (POST
/kantor/laporan for the month, then GET the draft page; the draft is deleted after each round).
Times are medians of ROUNDS runs after a first one. Prints RESULT lines (bench/_result.py):
backoffice_<page>_ms, the baseline being the old query shapes' database work.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from sqlalchemy import delete, func, or_, select, text  # noqa: E402
from werkzeug.datastructures import MultiDict  # noqa: E402

from portal import casequery  # noqa: E402
from portal.backoffice import dashboard  # noqa: E402
from portal.backoffice.complaints import DESK  # noqa: E402
from portal.clock import local_today  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.models import Complaint  # noqa: E402
from portal.models.publication import ReportDraft  # noqa: E402
from _result import result  # noqa: E402
from _staff import account, csrf, signed_in  # noqa: E402
from report_build import DEFAULT_DATA_DIR, dataset_app, dataset_instance, ensure_dataset  # noqa: E402

PER_PAGE = 25
MONTH = "2026-10"
PLAN = "Menambah petugas verifikasi di loket pengaduan dan memantau tenggat setiap minggu."
NOTE = "Koreksi uji beban: angka dihitung ulang dari data terkini (bench)."
# Issue 20's goals at 1M (ms) and the figures measured there before this work (old shapes, 1M).
GOALS = {"ticket": 20, "search_hit": 100, "search_miss": 100, "overdue": 50, "service": 50, "last_page": 50,
         "dashboard": 50, "draft": 500}


# --- the old shapes (before casequery) ------------------------------------------------------------

def old_search(raw: str):
    like = f"%{raw}%"
    return or_(Complaint.ticket == raw.upper(), Complaint.subject.ilike(like), Complaint.description.ilike(like))


def old_page(query, number: int):
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = db.session.scalars(query.order_by(Complaint.id.desc()).limit(PER_PAGE)
                              .offset((number - 1) * PER_PAGE)).all()
    return total, [r.id for r in rows]


def new_page(args: dict, user, today):
    query = DESK.queue_query(MultiDict(args), user, today)
    window = casequery.keyset_page(query, Complaint, casequery.Cursor.from_args(MultiDict(args)), PER_PAGE)
    return window.total, [r.id for r in window.rows]


def old_query(args: dict, user, today):
    """The queue's query with the old search clause."""
    rest = {k: v for k, v in args.items() if k != "q"}
    query = DESK.queue_query(MultiDict(rest), user, today)
    return query.where(old_search(args["q"])) if "q" in args else query


def timed(fn, rounds: int) -> tuple[float, object]:
    """(median wall ms of ROUNDS runs after a first, warm-up one; the last result)."""
    walls, out = [], None
    for _ in range(rounds + 1):
        t0 = time.perf_counter()
        out = fn()
        walls.append((time.perf_counter() - t0) * 1000)
    return statistics.median(walls[1:]), out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR, help="where the kept dataset is")
    parser.add_argument("--database-url", help="PostgreSQL: the kept dataset in schema bench_<rows> there")
    parser.add_argument("--rounds", type=int, default=5, help="timed runs per figure (the median is printed)")
    parser.add_argument("--quick", action="store_true", help="3 rounds, no old query shapes")
    parser.add_argument("--only", default="", help="comma-separated figures to measure (ticket, search_hit, search_miss, "
                                                   "overdue, service, last_page, dashboard, draft); default all")
    args = parser.parse_args()
    rounds = 3 if args.quick else args.rounds
    url = ensure_dataset(args.rows, args.data_dir, args.database_url, MONTH, args.seed)
    app = dataset_app(url, dataset_instance(url, args.data_dir))
    only = {k.strip() for k in args.only.split(",") if k.strip()}
    unknown = only - set(GOALS)
    if unknown:
        parser.error(f"--only: unknown figure(s) {', '.join(sorted(unknown))}")
    measure(app, rounds, old=not args.quick, only=only or set(GOALS))


def _get(client, url: str) -> int:
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url}: {response.status_code}")
    return len(response.data)


def measure(app, rounds: int, old: bool = True, only: set[str] = frozenset(GOALS)) -> None:
    backend = "postgresql" if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql") else "sqlite"
    user_id, _secret = account(app, "complaints")
    client = signed_in(app, "complaints")
    with app.test_request_context():
        today = local_today()
        n = db.session.scalar(text("SELECT count(*) FROM complaints"))
        middle = db.session.scalar(select(Complaint.ticket).order_by(Complaint.id.desc()).offset(n // 2).limit(1))
        user = SimpleNamespace(id=user_id, has_role=lambda role: role == "complaints")
        db.session.remove()
    cases = [
        ("ticket", "exact ticket search", {"q": middle}),
        ("search_hit", "word search, 1 row in 7 (blangko)", {"q": "blangko"}),
        ("search_miss", "word search, no match (zzqxw)", {"q": "zzqxw"}),
        ("overdue", "overdue filter", {"overdue": "1"}),
        ("service", "service filter (kk)", {"category": "kk"}),
        ("last_page", "last page", {"terakhir": "1"}),
    ]
    print(f"database ({backend}): {n:,} complaints; medians of {rounds} runs, wall ms: page | its database work "
          "now | old query shapes (database work only) | goal", flush=True)
    for key, label, args in cases:
        if key not in only:
            continue
        page_ms, size = timed(lambda: _get(client, "/kantor/pengaduan?" + urlencode(args)), rounds)
        with app.test_request_context():
            new_ms, new_result = timed(lambda: new_page(args, user, today), rounds)
            old_ms, old_result = None, None
            if old:
                old_args = {k: v for k, v in args.items() if k != "terakhir"}
                last = -(-new_result[0] // PER_PAGE) if "terakhir" in args else 1
                old_ms, old_result = timed(lambda: old_page(old_query(old_args, user, today), last), rounds)
            db.session.rollback()
        same = "" if old_result is None or new_result[0] == old_result[0] else \
            f"  (counts differ: {new_result[0]} vs {old_result[0]})"
        old_text = f"{old_ms:8.1f}" if old_ms is not None else "       -"
        print(f"  {label:<36} {page_ms:8.1f} | {new_ms:8.1f} | {old_text} | <= {GOALS[key]} "
              f"({new_result[0]:,} rows, page {size / 1000:.0f} kB){same}", flush=True)
        result(f"backoffice_{key}_ms", page_ms, baseline=old_ms, unit="ms", backend=backend,
               note=f"{label}: whole page; baseline = old query shapes' database work; goal <= {GOALS[key]}")

    if "dashboard" in only:
        _dashboard(app, client, rounds, user, today, backend)
    if "draft" in only:
        _draft(app, client, rounds, backend)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _dashboard(app, client, rounds: int, user, today, backend: str) -> None:
    page_ms, size = timed(lambda: _get(client, "/kantor/"), rounds)
    with app.test_request_context():
        db_ms, numbers = timed(lambda: dashboard.complaint_numbers(user, today), rounds)
        db.session.rollback()
    print(f"  {'dashboard':<36} {page_ms:8.1f} | {db_ms:8.1f} |        - | <= {GOALS['dashboard']} "
          f"(open {numbers['open']:,}, overdue {numbers['overdue']:,})", flush=True)
    result("backoffice_dashboard_ms", page_ms, unit="ms", backend=backend,
           note=f"dashboard page (its complaint counts {db_ms:.1f} ms); goal <= {GOALS['dashboard']}")


def _draft(app, client, rounds: int, backend: str) -> None:
    draft_ms, prepare_ms, view_ms, size, cpu_ms = draft_round(app, client, rounds)
    print(f"  {'draft preparation + its page':<36} {draft_ms:8.1f} | prepare {prepare_ms:.1f} + page {view_ms:.1f} "
          f"| <= {GOALS['draft']} (page {size / 1000:.0f} kB; CPU of this process {cpu_ms:.0f} ms)", flush=True)
    result("backoffice_draft_ms", draft_ms, unit="ms", backend=backend,
           note=f"POST /kantor/laporan ({MONTH}) {prepare_ms:.0f} ms + GET the draft page {view_ms:.0f} ms; "
                f"CPU of the bench process {cpu_ms:.0f} ms; goal <= {GOALS['draft']}")


def _drop_bench_drafts(app) -> None:
    with app.app_context():
        db.session.execute(delete(ReportDraft).where(ReportDraft.channel == "complaints",
                                                     ReportDraft.period == MONTH, ReportDraft.status != "published"))
        db.session.commit()
        db.session.remove()


def draft_round(app, client, rounds: int) -> tuple[float, float, float, int, float]:
    """(median ms of prepare + page, of prepare, of the page; the page's size; median CPU ms of this
    process for both) over ROUNDS + 1 runs. On SQLite the CPU is all of it (the database runs in the
    process): on a loaded machine it tells what the wall time would be on a quiet one."""
    totals, prepares, views, cpus, size = [], [], [], [], 0
    _drop_bench_drafts(app)
    for _ in range(rounds + 1):
        token = csrf(client.get("/kantor/laporan").get_data(as_text=True))
        c0 = time.process_time()
        t0 = time.perf_counter()
        response = client.post("/kantor/laporan", data={"csrf_token": token, "channel": "complaints",
                                                         "period": MONTH, "follow_up_plan": PLAN,
                                                         "correction_note": NOTE})
        t1 = time.perf_counter()
        if response.status_code != 302:
            raise RuntimeError(f"draft preparation: {response.status_code} "
                               f"{response.get_data(as_text=True)[:300]}")
        size = _get(client, response.headers["Location"])
        t2 = time.perf_counter()
        cpus.append((time.process_time() - c0) * 1000)
        totals.append((t2 - t0) * 1000)
        prepares.append((t1 - t0) * 1000)
        views.append((t2 - t1) * 1000)
        _drop_bench_drafts(app)
    return (statistics.median(totals[1:]), statistics.median(prepares[1:]), statistics.median(views[1:]), size,
            statistics.median(cpus[1:]))


if __name__ == "__main__":
    main()
