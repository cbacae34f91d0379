"""Back-office queue cost at scale (issue 20): the queue's queries now (portal.casequery: exact ticket
through the unique index, FTS5 words, indexed filters, keyset pages) beside the old query shapes
(`ticket = ? OR subject LIKE '%x%' OR description LIKE '%x%'`, OFFSET pages) in the same run.

    .venv/bin/python bench/backoffice.py [--rows 100000] [--keep PATH]
    .venv/bin/python bench/backoffice.py --database-url postgresql://postgres@127.0.0.1:5432/test

Loads ROWS complaints with bench/report_build.py's loader into a temporary SQLite file, gives the
open ones a deadline, builds the full-text index exactly as migration 0017 does (on PostgreSQL: the
real migrations in a throw-away schema, the same generated rows through COPY), then times each
queue page's database work (the count shown above the list + the 25 rows of the page) and the
dashboard's counts. Times are medians of 5 runs after a first one; "ratio" is old ÷ new.
The default is 100,000 rows so it fits a shared 2-core machine; the issue's goals are at 1,000,000
(`--rows 1000000`).
"""
from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from sqlalchemy import func, or_, select, text  # noqa: E402
from werkzeug.datastructures import MultiDict  # noqa: E402

from portal import casequery, create_app  # noqa: E402
from portal.backoffice import dashboard  # noqa: E402
from portal.backoffice.complaints import DESK  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.models import Complaint  # noqa: E402
from portal.reports.periods import Period  # noqa: E402
from portal.workflow import COMPLAINTS  # noqa: E402
from report_build import COMPLAINT_SQL, generate, load, timed  # noqa: E402

PER_PAGE = 25
MIGRATION = ROOT / "migrations" / "versions" / "0019_search.py"


def migration_0017():
    spec = importlib.util.spec_from_file_location("migration_0017", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def prepare(app) -> None:
    """What the loader leaves out: deadlines of the open cases (a tenth of them already past on
    `today`), and the full-text index of migration 0017 ('rebuild' indexes the loaded rows)."""
    with app.app_context(), db.engine.begin() as conn:
        open_statuses = ", ".join(f"'{s}'" for s in COMPLAINTS.open)
        conn.exec_driver_sql(f"UPDATE complaints SET due_on = date(submitted_on, '+' || (id % 200) || ' days') "
                             f"WHERE status IN ({open_statuses})")
        for statement in migration_0017().SQLITE_UP:
            conn.exec_driver_sql(statement)


def load_postgresql(app, rows: int, last: Period, now: date, seed: int) -> float:
    """The schema by the migrations (with 0017's GIN index), then report_build's rows through COPY."""
    import time

    import flask_migrate

    t0 = time.perf_counter()
    with app.app_context():
        flask_migrate.upgrade()
        columns = COMPLAINT_SQL.split("(", 1)[1].split(")", 1)[0]
        raw = db.engine.raw_connection()
        try:
            cur = raw.cursor()
            with cur.copy(f"COPY complaints ({columns}) FROM STDIN") as copy:
                for complaint, _events in generate(rows, last, now, seed):
                    copy.write_row(complaint)
            open_statuses = ", ".join(f"'{s}'" for s in COMPLAINTS.open)
            cur.execute(f"UPDATE complaints SET due_on = submitted_on + (id % 200) WHERE status IN ({open_statuses})")
            cur.execute("ANALYZE complaints")
            raw.commit()
        finally:
            raw.close()
    return time.perf_counter() - t0


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", help="keep the database at this path (reused when it exists)")
    parser.add_argument("--database-url", help="PostgreSQL server to use instead of SQLite (a throw-away schema)")
    args = parser.parse_args()
    month = Period.parse("2026-10")
    today = month.end + timedelta(days=5)

    with tempfile.TemporaryDirectory() as tmp:
        schema = None
        if args.database_url:
            from sqlalchemy import create_engine

            from portal.config import normalise_database_url

            base = normalise_database_url(args.database_url)
            schema = f"bench_backoffice_{os.getpid()}"
            admin = create_engine(base, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
            url = f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
        else:
            path = Path(args.keep) if args.keep else Path(tmp) / "bench.db"
            url = f"sqlite:///{path}"
        app = create_app({
            "PORTAL_ENV": "testing", "instance_path": str(Path(tmp) / "instance"),
            "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-" + "x" * 32,
        })
        try:
            if schema:
                seconds = load_postgresql(app, args.rows, month, today, args.seed)
                print(f"loaded {args.rows:,} complaints in {seconds:.1f} s (PostgreSQL, migrations + COPY)")
            elif not path.exists() or path.stat().st_size == 0:
                seconds = load(app, args.rows, month, today, args.seed)
                prepare(app)
                print(f"loaded {args.rows:,} complaints and the full-text index in {seconds:.1f} s (SQLite)")
            measure(app, today)
        finally:
            if schema:
                with admin.connect() as conn:
                    conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
                admin.dispose()


def measure(app, today) -> None:
    with app.app_context():
        n = db.session.scalar(text("SELECT count(*) FROM complaints"))
        last = db.session.scalar(select(Complaint.ticket).order_by(Complaint.id.desc()).offset(n // 2).limit(1))
        user = SimpleNamespace(id=1, has_role=lambda role: role == "complaints")
        last_page = -(-n // PER_PAGE)
        cases = [
            ("exact ticket search", {"q": last}, None),
            ("word search, 1 row in 7 (blangko)", {"q": "blangko"}, None),
            ("word search, no match", {"q": "zzqxw"}, None),
            ("overdue filter", {"overdue": "1"}, None),
            ("service filter (kk)", {"category": "kk"}, None),
            ("last page", {"terakhir": "1"}, last_page),
        ]
        print(f"database ({db.engine.dialect.name}): {n:,} complaints; medians of 5 runs, wall ms: new | old | "
          "ratio old/new (CPU of this process; PostgreSQL's own CPU is in the wall time)")
        for label, new_args, page_no in cases:
            _, new_ms, new_cpu, new_result = timed(lambda: new_page(new_args, user, today))
            old_args = {k: v for k, v in new_args.items() if k != "terakhir"}
            _, old_ms, old_cpu, old_result = timed(lambda: old_page(old_query(old_args, user, today), page_no or 1))
            same = "" if new_result[0] == old_result[0] else f"  (counts differ: {new_result[0]} vs {old_result[0]})"
            print(f"  {label:<36} {new_ms:8.1f} | {old_ms:8.1f} | {old_ms / max(new_ms, 1e-3):6.1f}x "
                  f"(CPU {new_cpu:.1f} | {old_cpu:.1f}; {new_result[0]:,} rows){same}")
        _, dash_ms, dash_cpu, numbers = timed(lambda: dashboard.complaint_numbers(user, today))
        print(f"  {'dashboard counts':<36} {dash_ms:8.1f} | (same query shapes, indexes of 0014) "
              f"CPU {dash_cpu:.1f}; open {numbers['open']:,}, overdue {numbers['overdue']:,}")
        db.session.rollback()
        db.session.remove()
        db.engine.dispose()


if __name__ == "__main__":
    main()
