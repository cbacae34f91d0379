"""Build time of a monthly complaint report over a large SQLite database.

    .venv/bin/python bench/report_build.py [--rows 1000000] [--month 2026-10] [--keep PATH]

Bulk-inserts ROWS complaints (and their status history) spread over the 24 months that end
with MONTH into a temporary SQLite file with plain executemany, builds the working-day
calendar, then prints the build time of the monthly report (every table, as a dict) beside the time
of the bare SQL aggregate (received per channel in the same month) on the same data.
Times are medians of 5 runs after a first (cold) one.
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

# Run from anywhere: make the project importable without installing it.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text  # noqa: E402

from portal import create_app  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.models import Complaint, ComplaintEvent  # noqa: E402
from portal.reports import build_report  # noqa: E402
from portal.reports.periods import Period  # noqa: E402

CHANNELS = ["web"] * 12 + ["lapor"] * 3 + ["whatsapp"] * 2 + ["tatap-muka", "email", "surat", "telepon", "medsos"]
SERVICES = ["ktp-el", "kk", "kia", "ikd", "akta-lahir", "akta-mati", "akta-kawin", "akta-cerai", "pindah-datang",
            "perubahan-data", "layanan-online", "jemput-bola", "lainnya"]
PROBLEMS = ["lambat", "persyaratan", "pungli", "perilaku", "sarpras", "sistem", "informasi", "diskriminasi", "lainnya"]
PRIVACY = ["open"] * 6 + ["anonymous"] * 3 + ["confidential"]
SUBJECTS = ["KTP-el belum dicetak", "Antrean online penuh", "Salah ketik nama di KK", "Petugas tidak ramah",
            "Blangko habis", "Persyaratan akta berubah-ubah", None]
REPEATS = 5


def month_starts(last: Period, count: int) -> list[date]:
    months, p = [], last
    for _ in range(count):
        months.append(p.start)
        p = p.previous()
    return months[::-1]


def utc_text(day: date, rng: random.Random) -> str:
    """A time during office hours (07:00–15:59 WIB = 00:00–08:59 UTC, the same day) as stored."""
    return f"{day.isoformat()} {rng.randrange(9):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d}.000000"


def generate(rows: int, last: Period, now: date, seed: int):
    """Yield (complaint tuple, [event tuples]) with a realistic status mix for its age."""
    rng = random.Random(seed)
    starts = month_starts(last, 24)
    first_day, last_day = starts[0], last.end
    span = (last_day - first_day).days + 1
    descr = "Uraian pengaduan untuk uji beban laporan bulanan; tanpa data pribadi. " * 2
    for i in range(1, rows + 1):
        # Ids grow with time, as they do when cases are filed one after another.
        submitted = first_day + timedelta(days=(i - 1) * span // rows)
        sub_at = utc_text(submitted, rng)
        r = rng.random()
        # The path the case will take, and how long each step takes (calendar days).
        if r < 0.04:
            path = ["archived"]
        elif r < 0.08:
            path = ["not_authority"]
        elif r < 0.11:
            path = ["pending"]
        else:
            path = ["dispositioned", "in_progress", "completed"] + (["closed"] if rng.random() < 0.4 else [])
        status, changed_at = "unverified", sub_at
        verified = responded = completed = closed = None
        rating = None
        events = [(i, sub_at, "submitted", 1, None, "unverified")]
        day = submitted
        for step in path:
            day = day + timedelta(days={"dispositioned": rng.randint(0, 5), "in_progress": rng.randint(0, 8),
                                        "completed": rng.randint(3, 80), "closed": rng.randint(1, 14)}.get(
                step, rng.randint(0, 6)))
            if day > now:
                break
            at = utc_text(day, rng)
            events.append((i, at, "status", 1, status, step))
            status, changed_at = step, at
            if step == "dispositioned":
                verified = day
            elif step == "in_progress":
                responded = day
            elif step == "completed":
                completed = closed = day
                rating = rng.choice([None, 2, 3, 3, 4, 4, 4, 5, 5, 5, 5])
            elif step in ("archived", "not_authority"):
                closed = day
        complaint = (
            i, f"PGD-{submitted.year}-{i:07d}", "0" * 64, rng.choice(CHANNELS), "pengaduan", rng.choice(SERVICES),
            rng.choice(PROBLEMS), rng.choice(PRIVACY), rng.choice(SUBJECTS), descr, status, sub_at,
            submitted.isoformat(), changed_at, verified and verified.isoformat(), responded and responded.isoformat(),
            completed and completed.isoformat(), closed and closed.isoformat(), rating,
        )
        yield complaint, events


COMPLAINT_SQL = (
    "INSERT INTO complaints (id, ticket, access_code_hash, channel, classification, category, problem, privacy, "
    "subject, description, status, submitted_at, submitted_on, status_changed_at, verified_on, first_response_on, "
    "completed_on, closed_on, rating) VALUES (" + ", ".join(["?"] * 19) + ")"
)
EVENT_SQL = ("INSERT INTO complaint_events (complaint_id, at, kind, public, status_from, status_to) "
             "VALUES (?, ?, ?, ?, ?, ?)")


def _insert_generated(cur, generated, batch_size: int = 50_000) -> None:
    """Insert generated (complaint, events) pairs with executemany, BATCH_SIZE complaints at a time."""
    batch, events = [], []
    for complaint, evs in generated:
        batch.append(complaint)
        events.extend(evs)
        if len(batch) >= batch_size:
            cur.executemany(COMPLAINT_SQL, batch)
            cur.executemany(EVENT_SQL, events)
            batch, events = [], []
    if batch:
        cur.executemany(COMPLAINT_SQL, batch)
        cur.executemany(EVENT_SQL, events)


def load(app, rows: int, last: Period, now: date, seed: int) -> float:
    t0 = time.perf_counter()
    tables = [Complaint.__table__, ComplaintEvent.__table__]
    with app.app_context():
        db.create_all()
        indexes = [ix for table in tables for ix in table.indexes]
        with db.engine.begin() as conn:
            for ix in indexes:  # bulk load first, index afterwards (much faster)
                conn.exec_driver_sql(f'DROP INDEX IF EXISTS "{ix.name}"')
        raw = db.engine.raw_connection()
        try:
            cur = raw.cursor()
            cur.execute("PRAGMA synchronous = OFF")
            cur.execute("BEGIN")
            _insert_generated(cur, generate(rows, last, now, seed))
            cur.execute("COMMIT")
            cur.close()
        finally:
            raw.close()
        with db.engine.begin() as conn:
            for ix in indexes:
                ix.create(conn)
        from portal import workdays
        workdays.rebuild_calendar_table()
    return time.perf_counter() - t0


DEFAULT_DATA_DIR = Path("/work/bench-data") if Path("/work").is_dir() else Path("/var/tmp/portal-bench")
SECRET = "bench-" + "x" * 32


def dataset_name(rows: int) -> str:
    """complaints-1m, complaints-100k, complaints-12345 (file stem and PostgreSQL schema)."""
    for unit, size in (("m", 1_000_000), ("k", 1_000)):
        if rows >= size and rows % size == 0:
            return f"complaints-{rows // size}{unit}"
    return f"complaints-{rows}"


def dataset_url(rows: int, data_dir: Path | None = None, database_url: str | None = None) -> tuple[str, str]:
    """(SQLAlchemy URL, a human description) of the kept dataset of ROWS complaints.

    SQLite: DATA_DIR/complaints-1m.db; PostgreSQL: schema bench_1m in DATABASE_URL's database."""
    if database_url:
        from portal.config import normalise_database_url

        base = normalise_database_url(database_url)
        schema = "bench_" + dataset_name(rows).split("-", 1)[1]
        return f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}", f"schema {schema}"
    path = Path(data_dir or DEFAULT_DATA_DIR) / f"{dataset_name(rows)}.db"
    return f"sqlite:///{path}", str(path)


def dataset_instance(url: str, data_dir: Path | None = None) -> str:
    """The kept instance folder of a dataset (its key ring: what the benches encrypt stays readable)."""
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        folder = path.with_name(path.stem + ".instance")
    else:
        schema = url.rsplit("search_path%3D", 1)[-1]
        folder = Path(data_dir or DEFAULT_DATA_DIR) / f"{schema}.instance"
    folder.mkdir(parents=True, exist_ok=True)
    return str(folder)


def dataset_app(url: str, instance: str | None = None, **config):
    """An app on a kept dataset (testing configuration, no rate limits)."""
    return create_app({"PORTAL_ENV": "testing", "instance_path": instance or dataset_instance(url),
                       "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET, "RATELIMIT_ENABLED": False,
                       **config})


def dataset_ready(app, rows: int) -> bool:
    """The kept dataset exists and was completed (its marker row in bench_dataset)."""
    from sqlalchemy import inspect

    with app.app_context():
        try:
            if "bench_dataset" not in inspect(db.engine).get_table_names():
                return False
            return db.session.scalar(text("SELECT rows FROM bench_dataset")) == rows
        finally:
            db.session.remove()


def _upgrade_kept(app, log) -> None:
    """A kept dataset follows the code: migrations added since it was built (new indexes, say) are
    applied to it as `flask db upgrade` applies them to a real install (nothing runs at head)."""
    import flask_migrate
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from portal.extensions import db

    with app.app_context():
        with db.engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
        migrate = app.extensions["migrate"]
        config = (migrate.migrate if hasattr(migrate, "migrate") else migrate).get_config()
        head = ScriptDirectory.from_config(config).get_current_head()
        if current != head:
            log(f"kept dataset at {current}: applying the migrations up to {head} ...")
            flask_migrate.upgrade()


def ensure_dataset(rows: int = 1_000_000, data_dir: Path | None = None, database_url: str | None = None,
                   month: str = "2026-10", seed: int = 2026, log=print) -> str:
    """The URL of a complete kept dataset of ROWS complaints, built first if it is missing.

    Built as a real install is (`db upgrade`: every table, index, the full-text index and its
    triggers), then the generated complaints and their history bulk-loaded with the indexes and
    search triggers set aside, the open cases given deadlines, and everything rebuilt. A marker table
    (bench_dataset) is written last, so an interrupted build is started again, not reused."""
    import flask_migrate

    url, where = dataset_url(rows, data_dir, database_url)
    period = Period.parse(month)
    now = period.end + timedelta(days=5)
    if database_url:
        from sqlalchemy import create_engine

        schema = where.split()[-1]
        admin = create_engine(url.split("?")[0] if "options=" in url else url, isolation_level="AUTOCOMMIT")
        app = dataset_app(url, dataset_instance(url, data_dir))
        if dataset_ready_pg(admin, schema, rows):
            admin.dispose()
            _upgrade_kept(app, log)
            return url
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        admin.dispose()
    else:
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        app = dataset_app(url, dataset_instance(url))
        if path.exists() and dataset_ready(app, rows):
            _upgrade_kept(app, log)
            return url
        for stale in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            stale.unlink(missing_ok=True)
    log(f"building the {rows:,}-complaint dataset in {where} (minutes) ...")
    t0 = time.perf_counter()
    with app.app_context():
        flask_migrate.upgrade()
        if database_url:
            _bulk_postgresql(rows, period, now, seed)
        else:
            _bulk_sqlite(rows, period, now, seed)
        from portal import workdays
        workdays.rebuild_calendar_table()
        with db.engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE bench_dataset (rows integer NOT NULL, month varchar(7) NOT NULL, "
                                 "seed integer NOT NULL)")
            conn.exec_driver_sql(f"INSERT INTO bench_dataset VALUES ({int(rows)}, '{period.code}', {int(seed)})")
        db.session.remove()
        db.engine.dispose()
    log(f"built {rows:,} complaints (+ history, deadlines, full-text index) in {where} in "
        f"{time.perf_counter() - t0:.0f} s")
    return url


def dataset_ready_pg(admin, schema: str, rows: int) -> bool:
    with admin.connect() as conn:
        found = conn.exec_driver_sql(
            "SELECT 1 FROM information_schema.tables WHERE table_schema = %s AND table_name = 'bench_dataset'",
            (schema,)).first()
        if not found:
            return False
        return conn.exec_driver_sql(f'SELECT rows FROM "{schema}".bench_dataset').scalar() == rows


def _open_statuses() -> str:
    from portal.workflow import COMPLAINTS

    return ", ".join(f"'{s}'" for s in COMPLAINTS.open)


def _bulk_sqlite(rows: int, period: Period, now: date, seed: int) -> None:
    """Indexes and the search triggers of complaints/complaint_events set aside, rows inserted in
    large transactions, then indexes, triggers and the FTS5 index rebuilt from their own DDL."""
    raw = db.engine.raw_connection()
    try:
        cur = raw.cursor()
        saved = cur.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE tbl_name IN ('complaints', 'complaint_events') "
            "AND type IN ('index', 'trigger') AND sql IS NOT NULL").fetchall()
        for kind, name, _sql in saved:
            cur.execute(f'DROP {kind.upper()} "{name}"')
        cur.execute("PRAGMA synchronous = OFF")
        cur.execute("BEGIN")
        _insert_generated(cur, generate(rows, period, now, seed))
        cur.execute(f"UPDATE complaints SET due_on = date(submitted_on, '+' || (id % 200) || ' days') "
                    f"WHERE status IN ({_open_statuses()})")
        cur.execute("COMMIT")
        for _kind, _name, sql in saved:
            cur.execute(sql)
        cur.execute("INSERT INTO complaints_search(complaints_search) VALUES ('rebuild')")
        cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        cur.close()
    finally:
        raw.close()


def _bulk_postgresql(rows: int, period: Period, now: date, seed: int) -> None:
    """Rows through COPY (the indexes, GIN included, kept: PostgreSQL builds them as it goes)."""
    columns = COMPLAINT_SQL.split("(", 1)[1].split(")", 1)[0]
    event_columns = EVENT_SQL.split("(", 1)[1].split(")", 1)[0]
    raw = db.engine.raw_connection()
    try:
        cur = raw.cursor()
        with cur.copy(f"COPY complaints ({columns}) FROM STDIN") as copy:
            for complaint, _evs in generate(rows, period, now, seed):
                copy.write_row(complaint)
        with cur.copy(f"COPY complaint_events ({event_columns}) FROM STDIN") as copy:
            for _complaint, evs in generate(rows, period, now, seed):  # the same rows again (same seed)
                for ev in evs:
                    copy.write_row(ev)
        cur.execute(f"UPDATE complaints SET due_on = submitted_on + (id % 200) WHERE status IN ({_open_statuses()})")
        cur.execute("SELECT setval(pg_get_serial_sequence('complaints', 'id'), (SELECT max(id) FROM complaints))")
        raw.commit()
        raw.commit()
        # What autovacuum does to a table that has grown to a million rows over two years: the
        # visibility map set (index-only scans), the dead tuples of the deadline UPDATE gone, statistics.
        raw.driver_connection.autocommit = True
        cur.execute("VACUUM (ANALYZE) complaints")
        cur.execute("VACUUM (ANALYZE) complaint_events")
        raw.driver_connection.autocommit = False
    finally:
        raw.close()


def timed(fn, repeats: int = REPEATS) -> tuple[float, float, float, object]:
    """(first run ms, median wall ms and median CPU ms of the following runs, last result).

    CPU time is shown beside wall time because a busy host inflates the latter."""
    walls, cpus, result = [], [], None
    for _ in range(repeats + 1):
        w0, c0 = time.perf_counter(), time.process_time()
        result = fn()
        walls.append((time.perf_counter() - w0) * 1000)
        cpus.append((time.process_time() - c0) * 1000)
    return walls[0], statistics.median(walls[1:]), statistics.median(cpus[1:]), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--month", default="2026-10", help="the reported month (the last of the 24 seeded)")
    parser.add_argument("--also", default="", help="comma-separated extra months to time, e.g. 2025-06")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", help="keep the database at this path (reused when it exists)")
    parser.add_argument("--data-dir", type=Path, help=f"build (once) and use the kept dataset of a real install's "
                        f"schema in this folder (default {DEFAULT_DATA_DIR} when --dataset is given)")
    parser.add_argument("--dataset", action="store_true", help="use the kept dataset (built when missing)")
    parser.add_argument("--database-url", help="PostgreSQL: the kept dataset in schema bench_<rows> there")
    parser.add_argument("--build-only", action="store_true", help="build the kept dataset and stop")
    args = parser.parse_args()
    month = Period.parse(args.month)
    now = month.end + timedelta(days=5)
    kept = args.dataset or args.data_dir or args.database_url or args.build_only
    if kept:
        url = ensure_dataset(args.rows, args.data_dir, args.database_url, args.month, args.seed)
        if args.build_only:
            print(f"dataset ready: {url}")
            return

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(args.keep) if args.keep else Path(tmp) / "bench.db"
        app = create_app({
            "PORTAL_ENV": "testing", "instance_path": str(Path(tmp) / "instance"),
            "SQLALCHEMY_DATABASE_URI": url if kept else f"sqlite:///{path}", "SECRET_KEY": "bench-" + "x" * 32,
        })
        if not kept and (not path.exists() or path.stat().st_size == 0):
            seconds = load(app, args.rows, month, now, args.seed)
            print(f"loaded {args.rows:,} complaints (+ history) and the calendar in {seconds:.1f} s")
        with app.app_context():
            n = db.session.scalar(text("SELECT count(*) FROM complaints"))
            events = db.session.scalar(text("SELECT count(*) FROM complaint_events"))
            size = f", {path.stat().st_size / 1e6:.0f} MB" if not kept else ""
            print(f"database ({db.engine.dialect.name}): {n:,} complaints, {events:,} events{size}")
            for code in [args.month] + [m for m in args.also.split(",") if m]:
                period = Period.parse(code)
                bare = text("SELECT channel, count(*) FROM complaints WHERE submitted_on BETWEEN :s AND :e "
                            "GROUP BY channel")
                params = {"s": period.start.isoformat(), "e": period.end.isoformat()}
                first_bare, bare_ms, bare_cpu, _ = timed(lambda: db.session.execute(bare, params).all())
                first_build, build_ms, build_cpu, report = timed(
                    lambda: build_report("complaints", period).as_dict())
                _, json_ms, _, _ = timed(lambda: json.dumps(report, ensure_ascii=False))
                db.session.rollback()
                print(f"{period.code}: report build {build_ms:.0f} ms (CPU {build_cpu:.0f} ms, first run "
                      f"{first_build:.0f} ms); bare aggregate query {bare_ms:.1f} ms (CPU {bare_cpu:.1f} ms, first run "
                      f"{first_bare:.1f} ms); JSON rendering {json_ms:.0f} ms more; received {report['received']:,}, "
                      f"opening {report['summary']['opening']:,}, T6 rows {len(report['tables']['t6']['rows']):,}")
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
