"""Operations: the /healthz probe, and consistent backups of the database plus instance/ (and their restore)."""
from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import shutil
import sqlite3
import subprocess
import tarfile
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import click
from flask import Blueprint, current_app, jsonify
from flask.cli import AppGroup
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from .auth.access import public
from .extensions import db, limiter
from .fsutil import atomic_writer, fsync_dir

# --------------------------------------------------------------------------- health check

bp = Blueprint("ops", __name__)


@bp.get("/healthz")
@limiter.exempt
@public
def healthz():
    """Database reachability for a load balancer or monitor; nothing else (no version, path or error)."""
    try:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1")).scalar_one()
    except Exception:  # noqa: BLE001 - any failure means "unreachable", and its text stays in here
        current_app.logger.warning("healthz: database unreachable")
        body, status = {"status": "error", "database": "unreachable"}, 503
    else:
        body, status = {"status": "ok", "database": "ok"}, 200
    response = jsonify(body)
    response.status_code = status
    response.headers.pop("Set-Cookie", None)
    return response


# --------------------------------------------------------------------------- backups

BACKUP_FORMAT = "portal-integritas-backup"
BACKUP_VERSION = 1
MANIFEST = "manifest.json"
SQLITE_MAGIC = b"SQLite format 3\x00"
# Rebuilt from the .po files at every start, so not worth keeping.
INSTANCE_SKIP_DIRS = {"translations"}
SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")
# Half-written temp files of instance_files.read_or_create and uploads.store.
_TEMP_NAME = re.compile(r"^\..+\.(tmp|\d+\.[0-9a-f]{8})$")
_SAFE_MEMBER = re.compile(r"^[A-Za-z0-9._\-]+(/[A-Za-z0-9._\-]+)*$")


class BackupError(click.ClickException):
    """A backup or restore that cannot go on; the message says why and what to do."""


@dataclass
class BackupResult:
    path: Path
    database: str
    files: int
    counts: dict = field(default_factory=dict)


def _utc_stamp() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _fsync_tree(root: Path) -> None:
    for path in sorted(root.rglob("*"), reverse=True):
        fsync_dir(path)  # an open(O_RDONLY) + fsync works on files as on directories
    fsync_dir(root)


def _is_sqlite_file(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read(16) == SQLITE_MAGIC
    except OSError:
        return False


def sqlite_snapshot(source: Path, target: Path) -> None:
    """A consistent copy of a live SQLite database (online backup API), as one self-contained file."""
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with closing(sqlite3.connect(source, timeout=60)) as src, closing(sqlite3.connect(target)) as dst:
        src.execute("PRAGMA busy_timeout = 60000")
        # pages=-1: one step under one read transaction, so the copy is one point in time even
        # while gunicorn workers keep writing (WAL lets them).
        src.backup(dst, pages=-1)
        dst.execute("PRAGMA journal_mode = DELETE")  # no -wal file needed beside the copy
        result = dst.execute("PRAGMA integrity_check").fetchone()[0]
        if result != "ok":
            raise BackupError(f"the database copy failed its integrity check: {result}")
    os.chmod(target, 0o600)


def sqlite_counts(path: Path) -> dict[str, int]:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        names = [row[0] for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        return {name: conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names}


def _libpq(url) -> tuple[str, dict]:
    """(libpq URI without the password, environment carrying it) — no password on a command line."""
    url = make_url(str(url)) if not hasattr(url, "set") else url
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} not found: install the PostgreSQL client (Debian: apt install postgresql-client)")
    return found


def _pg_counts(conn, schema: str) -> dict[str, int]:
    names = conn.execute(text(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = :s AND table_type = 'BASE TABLE' "
        "ORDER BY table_name"), {"s": schema}).scalars().all()
    return {name: conn.execute(text(f'SELECT count(*) FROM "{schema}"."{name}"')).scalar_one() for name in names}


def pg_snapshot(engine, target: Path) -> tuple[str, dict]:
    """pg_dump (custom format) of the app's schema, with row counts taken in the very same snapshot."""
    pg_dump = _pg_tool("pg_dump")
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    uri, env = _libpq(engine.url)
    with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
        with conn.begin():
            snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            schema = conn.execute(text("SELECT current_schema()")).scalar_one() or "public"
            counts = _pg_counts(conn, schema)
            command = [pg_dump, "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
                       f"--file={target}", f"--dbname={uri}"]
            if schema != "public":
                command.append(f"--schema={schema}")
            done = subprocess.run(command, env=env, capture_output=True, text=True)
            if done.returncode != 0:
                raise BackupError("pg_dump failed: " + done.stderr.strip()[-500:])
    os.chmod(target, 0o600)
    return schema, counts


def _instance_files(instance: Path, skip: set[Path]) -> list[Path]:
    """Everything in instance/ worth keeping: keys, secret key, uploads, stores; not caches or temp files."""
    chosen = []
    for dirpath, dirnames, filenames in os.walk(instance):
        here = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames
                             if not (here == instance and d in INSTANCE_SKIP_DIRS) and (here / d).resolve() not in skip)
        for name in sorted(filenames):
            path = here / name
            if path.resolve() in skip or _TEMP_NAME.match(name) or not path.is_file() or path.is_symlink():
                continue
            chosen.append(path)
    return chosen


def _keys_fingerprint(instance: Path) -> str:
    """Hash of the key material; a rotation during the backup would pair data with the wrong keys."""
    digest = hashlib.sha256()
    for rel in ("secret_key",):
        path = instance / rel
        if path.is_file():
            digest.update(rel.encode() + b"\0" + path.read_bytes())
    keys = instance / "keys"
    if keys.is_dir():
        for path in sorted(keys.rglob("*")):
            if path.is_file() and not _TEMP_NAME.match(path.name):
                digest.update(str(path.relative_to(instance)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _alembic_revision(read) -> str | None:
    try:
        return read()
    except Exception:  # noqa: BLE001 - a database made without migrations (tests) has no version table
        return None


def create_backup(output: Path, *, as_tar: bool = True) -> BackupResult:
    """Snapshot the database, then copy instance/, into one timestamped directory or .tar.gz.

    Order matters: attachments are written before the transaction that references them commits,
    so every file the database snapshot points at already exists when instance/ is copied after it.
    """
    app = current_app._get_current_object()
    instance = Path(app.instance_path).resolve()
    output = Path(output).resolve()
    output.mkdir(mode=0o700, parents=True, exist_ok=True)
    name = f"portal-backup-{_utc_stamp()}"
    while (output / name).exists() or (output / f"{name}.tar.gz").exists():
        name = f"portal-backup-{_utc_stamp()}-{secrets.token_hex(2)}"
    staging = output / f".{name}.partial"
    staging.mkdir(mode=0o700)
    try:
        for attempt in range(3):
            if attempt:
                shutil.rmtree(staging)
                staging.mkdir(mode=0o700)
            keys_before = _keys_fingerprint(instance)
            manifest = _snapshot_into(app, instance, output, staging)
            if _keys_fingerprint(instance) == keys_before:
                break
        else:
            raise BackupError("the keys in instance/keys changed during every attempt (a key rotation is running?); "
                              "try again when it has finished")
        files = {}
        for path in sorted(p for p in staging.rglob("*") if p.is_file()):
            rel = path.relative_to(staging).as_posix()
            files[rel] = {"sha256": _sha256_file(path), "size": path.stat().st_size}
        manifest["files"] = files
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
        os.chmod(staging / MANIFEST, 0o600)
        _fsync_tree(staging)
        if as_tar:
            final = output / f"{name}.tar.gz"
            with atomic_writer(final) as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
                tar.add(staging, arcname=name, recursive=True)
            shutil.rmtree(staging)
        else:
            final = output / name
            os.replace(staging, final)
            fsync_dir(output)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return BackupResult(final, manifest["database"]["kind"], len(files), manifest["database"].get("counts", {}))


def _snapshot_into(app, instance: Path, output: Path, staging: Path) -> dict:
    engine = db.engine
    manifest: dict = {
        "format": BACKUP_FORMAT,
        "version": BACKUP_VERSION,
        "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    skip = {output}
    dialect = engine.dialect.name
    revision = None
    if dialect == "sqlite":
        database = engine.url.database
        if not database or database == ":memory:" or database.startswith("file:"):
            raise BackupError("only a file SQLite database can be backed up")
        live = Path(database).resolve()
        skip |= {Path(str(live) + suffix) for suffix in ("",) + SQLITE_SIDE_FILES}
        target = staging / "database" / live.name
        sqlite_snapshot(live, target)
        counts = sqlite_counts(target)
        with closing(sqlite3.connect(f"file:{target}?mode=ro", uri=True)) as conn:
            revision = _alembic_revision(lambda: conn.execute("SELECT version_num FROM alembic_version").fetchone()[0])
        manifest["database"] = {"kind": "sqlite", "file": f"database/{live.name}", "name": live.name,
                                "in_instance": live.parent == instance, "counts": counts}
    elif dialect == "postgresql":
        target = staging / "database" / "portal.pgdump"
        schema, counts = pg_snapshot(engine, target)
        manifest["database"] = {"kind": "postgresql", "file": "database/portal.pgdump", "format": "pg_dump custom",
                                "schema": schema, "counts": counts}
        with engine.connect() as conn:
            revision = _alembic_revision(lambda: conn.execute(text("SELECT version_num FROM alembic_version")).scalar())
    else:
        raise BackupError(f"no backup method for the {dialect} database")
    manifest["database"]["alembic_revision"] = revision
    # Database store: the encrypted files are rows of that same snapshot. Local store: they are
    # copied from instance/ below, after the snapshot, so every file it refers to is there.
    manifest["file_store"] = app.config.get("PORTAL_FILE_STORE") or "local"

    # Other SQLite files kept in instance/ (a store of another channel) get the online backup too,
    # and their -wal/-shm are then not copied.
    (staging / "instance").mkdir(mode=0o700)
    files = _instance_files(instance, skip)
    extra_sqlite = {p for p in files if _is_sqlite_file(p)}
    side = {Path(str(p) + suffix) for p in extra_sqlite for suffix in SQLITE_SIDE_FILES}
    for path in files:
        if path in side:
            continue
        dest = staging / "instance" / path.relative_to(instance)
        dest.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        try:
            if path in extra_sqlite:
                sqlite_snapshot(path, dest)
            else:
                shutil.copyfile(path, dest)
                os.chmod(dest, 0o600)
        except FileNotFoundError:
            continue  # removed while we walked (a discarded upload): nothing the snapshot refers to
    # Several hosts (PORTAL_SHARED_SECRETS): the shared key ring, pepper, session secret and recovery
    # pin take the place of this host's own, so the restore runs as one host with the right keys.
    from .hosts import backup_sources

    for source, place in backup_sources(app).items():
        dest = staging / "instance" / place
        dest.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        shutil.copyfile(source, dest)
        os.chmod(dest, 0o600)
    manifest["shared_secrets"] = sorted(place.as_posix() for place in backup_sources(app).values())
    return manifest


# --------------------------------------------------------------------------- restore


def _read_backup(path: Path, staging: Path) -> dict:
    """Unpack (tar.gz) or copy (directory) into staging, checking every file against the manifest."""
    if path.is_dir():
        root = path
        manifest = _load_manifest((root / MANIFEST).read_bytes() if (root / MANIFEST).is_file() else None)
        for rel, meta in manifest["files"].items():
            _check_member_name(rel)
            src = root / rel
            if not src.is_file() or src.is_symlink():
                raise BackupError(f"the backup lacks {rel}")
            dest = staging / rel
            dest.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            shutil.copyfile(src, dest)
            _check_digest(dest, rel, meta)
        return manifest
    if not tarfile.is_tarfile(path):
        raise BackupError(f"{path} is neither a backup directory nor a .tar.gz backup")
    with tarfile.open(path, mode="r:gz") as tar:
        members = tar.getmembers()
        tops = {m.name.split("/", 1)[0] for m in members}
        if len(tops) != 1:
            raise BackupError("the archive does not hold exactly one backup directory")
        top = tops.pop()
        by_name = {}
        for member in members:
            if member.name == top:
                continue
            rel = member.name[len(top) + 1:]
            _check_member_name(rel)
            if member.isdir():
                continue
            if not member.isfile():
                raise BackupError(f"the archive holds something that is not a plain file: {rel}")
            by_name[rel] = member
        if MANIFEST not in by_name:
            raise BackupError("the archive has no manifest.json")
        manifest = _load_manifest(tar.extractfile(by_name[MANIFEST]).read())
        extra = set(by_name) - set(manifest["files"]) - {MANIFEST}
        if extra:
            raise BackupError(f"the archive holds files the manifest does not list: {sorted(extra)[:3]}")
        for rel, meta in manifest["files"].items():
            _check_member_name(rel)
            if rel not in by_name:
                raise BackupError(f"the backup lacks {rel}")
            dest = staging / rel
            dest.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as out, tar.extractfile(by_name[rel]) as src:
                shutil.copyfileobj(src, out)
            _check_digest(dest, rel, meta)
    return manifest


def _load_manifest(raw: bytes | None) -> dict:
    if raw is None:
        raise BackupError("not a Portal Integritas backup: manifest.json is missing")
    try:
        manifest = json.loads(raw)
    except ValueError:
        raise BackupError("manifest.json is not valid JSON") from None
    if not isinstance(manifest, dict) or manifest.get("format") != BACKUP_FORMAT:
        raise BackupError("not a Portal Integritas backup (manifest format)")
    if manifest.get("version") != BACKUP_VERSION:
        raise BackupError(f"backup version {manifest.get('version')} is not supported by this release")
    if not isinstance(manifest.get("files"), dict) or not isinstance(manifest.get("database"), dict):
        raise BackupError("manifest.json is incomplete")
    return manifest


def _check_member_name(rel: str) -> None:
    if not isinstance(rel, str) or not _SAFE_MEMBER.fullmatch(rel) or any(p in ("", ".", "..") for p in rel.split("/")):
        raise BackupError(f"unsafe file name in the backup: {rel!r}")


def _check_digest(path: Path, rel: str, meta: dict) -> None:
    if _sha256_file(path) != meta.get("sha256"):
        raise BackupError(f"checksum mismatch for {rel}: the backup is damaged or was altered; nothing was restored")


def _empty_pg_target(url: str, schema: str) -> None:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            tables = conn.execute(text(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = :s"), {"s": schema}).scalar_one()
    finally:
        engine.dispose()
    if tables:
        raise BackupError(f"the target database already has {tables} table(s) in schema {schema!r}; "
                          "restore only into a new, empty database")


@dataclass
class RestoreResult:
    instance: Path
    database: str
    database_location: str | None
    counts: dict
    pending_command: str | None = None


def restore_backup(path: Path, instance: Path, database_url: str | None = None) -> RestoreResult:
    """Bring a backup back into an EMPTY instance directory (and the SQLite file / an empty PostgreSQL database)."""
    from .config import normalise_database_url

    path = Path(path)
    instance = Path(instance).absolute()
    if not path.exists():
        raise BackupError(f"no backup at {path}")
    if instance.exists() and (not instance.is_dir() or any(instance.iterdir())):
        raise BackupError(f"refusing to restore into {instance}: it is not an empty directory. "
                          "Restore into a new, empty directory, then point PORTAL_INSTANCE_PATH at it.")
    instance.parent.mkdir(parents=True, exist_ok=True)
    staging = instance.parent / f".restore-{secrets.token_hex(6)}"
    staging.mkdir(mode=0o700)
    try:
        manifest = _read_backup(path, staging)
        database = manifest["database"]
        kind = database.get("kind")
        expected = database.get("counts") or {}
        pending = None
        location = None
        if kind == "sqlite":
            name = database.get("name") or "portal.db"
            _check_member_name(name)
            restored_db = staging / "instance" / name
            restored_db.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            os.replace(staging / database["file"], restored_db)
            counts = sqlite_counts(restored_db)
            location = str(instance / name)
        elif kind == "postgresql":
            counts = None
            if database_url:
                url = normalise_database_url(database_url)
                schema = database.get("schema") or "public"
                _empty_pg_target(url, schema)
                uri, env = _libpq(make_url(url))
                done = subprocess.run([_pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error",
                                       "--single-transaction", f"--dbname={uri}", str(staging / database["file"])],
                                      env=env, capture_output=True, text=True)
                if done.returncode != 0:
                    raise BackupError("pg_restore failed: " + done.stderr.strip()[-500:])
                engine = create_engine(url)
                try:
                    with engine.connect() as conn:
                        counts = _pg_counts(conn, schema)
                finally:
                    engine.dispose()
                location = "the PostgreSQL database given by --database-url"
            else:
                dump = instance / "restore" / "portal.pgdump"
                pending = f"pg_restore --no-owner --no-privileges --exit-on-error --single-transaction " \
                          f"--dbname=postgresql://USER@HOST/NEW_EMPTY_DB {dump}"
                keep = staging / "instance" / "restore" / "portal.pgdump"
                keep.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                os.replace(staging / database["file"], keep)
        else:
            raise BackupError(f"unknown database kind in the backup: {kind!r}")
        if counts is not None and counts != expected:
            differ = sorted(k for k in set(counts) | set(expected) if counts.get(k) != expected.get(k))
            raise BackupError(f"restored row counts differ from the backup's for: {', '.join(differ)}")
        source = staging / "instance"
        source.mkdir(mode=0o700, exist_ok=True)
        for path in [source, *source.rglob("*")]:
            os.chmod(path, 0o700 if path.is_dir() else 0o600)
        _fsync_tree(source)
        if instance.exists():
            instance.rmdir()  # empty, checked above
        os.replace(source, instance)
        fsync_dir(instance.parent)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return RestoreResult(instance, kind, location, counts or expected, pending)


# --------------------------------------------------------------------------- command line

backup_cli = AppGroup("backup", help="Cadangan basis data dan instance/ (buat, pulihkan).")


@backup_cli.command("create")
@click.option("--output", default=None, type=click.Path(file_okay=False, path_type=Path),
              help="Directory the backup is written into [default: backups/ inside the instance folder, "
                   "which later backups leave out].")
@click.option("--format", "fmt", type=click.Choice(["tar", "dir"]), default="tar", show_default=True,
              help="One .tar.gz file, or a plain directory.")
def backup_create(output: Path, fmt: str):
    """Write a consistent snapshot of the database and instance/ (keys, uploads, stores) with a manifest."""
    result = create_backup(output or Path(current_app.instance_path) / "backups", as_tar=fmt == "tar")
    click.echo(f"backup written: {result.path}")
    click.echo(f"database: {result.database}; files: {result.files}; "
               + ", ".join(f"{k}={v}" for k, v in sorted(result.counts.items()) if v))
    click.echo("It holds the keys to the personal data: keep it encrypted and off this server.")


@backup_cli.command("restore")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--instance", "instance", required=True, type=click.Path(path_type=Path),
              help="A new, empty directory that becomes the restored instance/.")
@click.option("--database-url", default=None,
              help="PostgreSQL backups: an EMPTY database to pg_restore into (else the command is printed).")
def backup_restore(path: Path, instance: Path, database_url: str | None):
    """Restore PATH (a .tar.gz or a backup directory) into an empty instance directory."""
    result = restore_backup(path, instance, database_url)
    click.echo(f"instance restored: {result.instance}")
    if result.database_location:
        click.echo(f"database ({result.database}) restored: {result.database_location}")
    if result.database == "sqlite" and result.database_location and Path(result.database_location).name != "portal.db":
        click.echo(f"set DATABASE_URL=sqlite:///{result.database_location}")
    if result.pending_command:
        click.echo("PostgreSQL: restore the dump into a new, empty database with:")
        click.echo(f"  {result.pending_command}")
    click.echo(f"Start the portal with PORTAL_INSTANCE_PATH={result.instance}")
