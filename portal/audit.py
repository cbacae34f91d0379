"""The audit trail: who did what to which case, when — append-only and hash-chained.

    with write_transaction():
        complaint.status = "dispositioned"
        audit.log("status_change", actor=user, channel="complaints", case_ref=complaint.ticket,
                  detail={"from": "verified", "to": "dispositioned"})

`log()` appends inside the caller's write transaction, so the action and its audit row commit
together or not at all. Each entry's `hash` is SHA-256 over a canonical JSON of its
id-independent fields and `prev_hash` (the hash of the entry before it; genesis: 64 zeros).
`audit_head` holds the newest hash, the count and the newest id, written in the same
transaction, so that `verify()` notices a changed, removed or reordered row, including the
newest ones.

Appends never fork the chain: on SQLite every write transaction already holds the database's
write lock (BEGIN IMMEDIATE); on PostgreSQL `log()` first takes a transaction-scoped advisory
lock, held until commit, before it reads the head. A UNIQUE index on `prev_hash` backs both.
Because that lock is held until commit, call `log()` as the last step of a transaction.

Limits, on purpose: the chain is plain SHA-256, so someone who can write to the database can
recompute every hash after a change. Record the head hash that `flask audit verify` prints
somewhere else (the monthly report, a printed page) to catch that too. `detail` is for codes and
ids only: never case content or personal data (values are length-limited to discourage it).
"""
from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import IO, Any, Iterator

import click
from flask.cli import AppGroup
from sqlalchemy import func, select, text

from . import exports
from .database import is_postgres, write_transaction
from .extensions import db
from .models.audit import GENESIS_HASH, AuditEntry, AuditHead
from .models.types import utcnow

__all__ = ["log", "verify", "search", "export_csv", "VerifyResult", "AuditError", "AuditChainError",
           "GENESIS_HASH", "CHANNELS", "audit_cli"]

CHANNELS = ("complaints", "gratification", "wbs", "skm", "perception", "coi", "zi_monev")
# pg_advisory_xact_lock key for appends: b"AUDIT_LG" as a signed 64-bit integer.
ADVISORY_LOCK_KEY = int.from_bytes(b"AUDIT_LG", "big", signed=True)
MAX_DETAIL_VALUE = 200   # characters per string value: room for codes and ids, not for prose
MAX_DETAIL_ITEMS = 20    # keys, and items of a list value
MAX_DETAIL_JSON = 1000   # characters of the whole serialised detail
HASH_VERSION = 1

_ACTION_RE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
_KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_CASE_REF_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$")


class AuditError(ValueError):
    """A log() call with an unusable argument (the caller's bug, not the user's)."""


class AuditChainError(RuntimeError):
    """The chain cannot be extended safely (its head is missing while entries exist)."""


# --------------------------------------------------------------------------- hashing

def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def entry_hash(*, at: datetime, actor_id: int | None, actor_label: str | None, action: str,
               channel: str | None, case_ref: str | None, detail: str | None, prev_hash: str) -> str:
    """SHA-256 (hex) of one entry's id-independent fields and the previous entry's hash."""
    if at.tzinfo is None:
        raise AuditError("naive datetime")
    payload = {
        "v": HASH_VERSION,
        "at": at.astimezone(timezone.utc).isoformat(timespec="microseconds"),
        "actor_id": actor_id,
        "actor_label": actor_label,
        "action": action,
        "channel": channel,
        "case_ref": case_ref,
        "detail": detail,
        "prev_hash": prev_hash,
    }
    return hashlib.sha256(_canonical(payload).encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------- validation

def _check_scalar(key: str, value: Any) -> None:
    if value is None or isinstance(value, (bool, int)):
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise AuditError(f"detail[{key!r}]: not a finite number")
        return
    if isinstance(value, str):
        if len(value) > MAX_DETAIL_VALUE:
            raise AuditError(f"detail[{key!r}]: longer than {MAX_DETAIL_VALUE} characters — "
                             "the audit trail holds codes and ids, never case content")
        return
    raise AuditError(f"detail[{key!r}]: unsupported type {type(value).__name__}")


def canonical_detail(detail: dict | None) -> str | None:
    """The stored (and hashed) form of `detail`: compact JSON with sorted keys, or None."""
    if detail is None:
        return None
    if not isinstance(detail, dict):
        raise AuditError("detail must be a dict of short values")
    if len(detail) > MAX_DETAIL_ITEMS:
        raise AuditError(f"detail has more than {MAX_DETAIL_ITEMS} keys")
    for key, value in detail.items():
        if not isinstance(key, str) or not _KEY_RE.match(key):
            raise AuditError(f"detail key {key!r}: use short snake_case names")
        if isinstance(value, (list, tuple)):
            if len(value) > MAX_DETAIL_ITEMS:
                raise AuditError(f"detail[{key!r}]: more than {MAX_DETAIL_ITEMS} items")
            for item in value:
                _check_scalar(key, item)
        else:
            _check_scalar(key, value)
    serialised = _canonical(detail)
    if len(serialised) > MAX_DETAIL_JSON:
        raise AuditError(f"detail longer than {MAX_DETAIL_JSON} characters")
    return serialised


def _check_fields(action: str, channel: str | None, case_ref: str | None) -> None:
    if not isinstance(action, str) or not _ACTION_RE.match(action):
        raise AuditError(f"action {action!r}: a snake_case code of 2–40 characters")
    if channel is not None and channel not in CHANNELS:
        raise AuditError(f"channel {channel!r}: one of {CHANNELS}")
    if case_ref is not None and (not isinstance(case_ref, str) or not _CASE_REF_RE.match(case_ref)):
        raise AuditError(f"case_ref {case_ref!r}: a ticket or tip id")


def _actor_fields(session, actor) -> tuple[int | None, str | None]:
    if actor is None:
        return None, None
    actor_id = getattr(actor, "id", None)
    if actor_id is None:
        session.flush()
        actor_id = getattr(actor, "id", None)
    if not isinstance(actor_id, int):
        raise AuditError("actor must be a saved account (or None for the system)")
    label = getattr(actor, "email", None)
    return actor_id, (str(label)[:254] if label else None)


# --------------------------------------------------------------------------- appending

def _require_write_transaction(session) -> None:
    if not session.in_transaction() or not session.connection().get_execution_options().get("sqlite_immediate"):
        raise RuntimeError("audit.log() must run inside database.write_transaction(): the action and its "
                           "audit entry commit together, and appends must hold the write lock")


def _lock_chain(session) -> None:
    if is_postgres():
        # Two writers must never read the same head; released at commit or rollback.
        # (SQLite: write_transaction's BEGIN IMMEDIATE already holds the database write lock.)
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY})


def log(action: str, *, actor=None, channel: str | None = None, case_ref: str | None = None,
        detail: dict | None = None) -> AuditEntry:
    """Append one entry to the chain inside the current write transaction (not committed here)."""
    _check_fields(action, channel, case_ref)
    detail_text = canonical_detail(detail)
    session = db.session()
    _require_write_transaction(session)
    actor_id, actor_label = _actor_fields(session, actor)
    _lock_chain(session)
    head = session.get(AuditHead, 1, populate_existing=True)
    if head is None:
        if session.scalar(select(AuditEntry.id).limit(1)) is not None:
            raise AuditChainError("audit_head is missing while audit entries exist: the chain was "
                                  "tampered with; run `flask audit verify` and restore the head")
        prev_hash, count = GENESIS_HASH, 0
    else:
        prev_hash, count = head.hash, head.count
    at = utcnow()
    entry = AuditEntry(at=at, actor_id=actor_id, actor_label=actor_label, action=action, channel=channel,
                       case_ref=case_ref, detail=detail_text, prev_hash=prev_hash)
    entry.hash = entry_hash(at=at, actor_id=actor_id, actor_label=actor_label, action=action, channel=channel,
                            case_ref=case_ref, detail=detail_text, prev_hash=prev_hash)
    session.add(entry)
    session.flush()
    if head is None:
        session.add(AuditHead(id=1, hash=entry.hash, count=count + 1, last_id=entry.id))
    else:
        head.hash, head.count, head.last_id = entry.hash, count + 1, entry.id
    session.flush()
    return entry


# --------------------------------------------------------------------------- verifying

@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    first_bad_id: int | None = None
    reason: str | None = None        # "changed" | "deleted" | "reordered"
    message: str = ""
    head_hash: str | None = None     # the newest hash: worth writing down outside the database


_COLUMNS = (AuditEntry.id, AuditEntry.at, AuditEntry.actor_id, AuditEntry.actor_label, AuditEntry.action,
            AuditEntry.channel, AuditEntry.case_ref, AuditEntry.detail, AuditEntry.prev_hash, AuditEntry.hash)


def verify(batch: int = 2000) -> VerifyResult:
    """Walk the chain in id order in one consistent snapshot; the first break wins."""
    engine = db.engine
    conn = engine.connect()
    if engine.dialect.name == "postgresql":
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
    try:
        with conn.begin():  # one snapshot (SQLite: one read transaction) for rows and head
            return _walk(conn, batch)
    finally:
        conn.close()


def _walk(conn, batch: int) -> VerifyResult:
    expected_prev, checked, last_id = GENESIS_HASH, 0, 0
    while True:
        rows = conn.execute(select(*_COLUMNS).where(AuditEntry.id > last_id)
                            .order_by(AuditEntry.id).limit(batch)).all()
        if not rows:
            break
        for row in rows:
            recomputed = entry_hash(at=row.at, actor_id=row.actor_id, actor_label=row.actor_label,
                                    action=row.action, channel=row.channel, case_ref=row.case_ref,
                                    detail=row.detail, prev_hash=row.prev_hash)
            if recomputed != row.hash:
                return VerifyResult(False, checked, row.id, "changed",
                                    f"isi entri #{row.id} tidak cocok dengan hash-nya")
            if row.prev_hash != expected_prev:
                elsewhere = conn.scalar(select(AuditEntry.id).where(AuditEntry.hash == row.prev_hash))
                if elsewhere is not None:
                    return VerifyResult(False, checked, row.id, "reordered",
                                        f"entri #{row.id} seharusnya tepat sesudah entri #{elsewhere}")
                return VerifyResult(False, checked, row.id, "deleted",
                                    f"entri sebelum #{row.id} hilang (prev_hash tidak ditemukan)")
            expected_prev, checked, last_id = row.hash, checked + 1, row.id
    head = conn.execute(select(AuditHead.hash, AuditHead.count, AuditHead.last_id)
                        .where(AuditHead.id == 1)).first()
    if head is None:
        if checked:
            return VerifyResult(False, checked, last_id, "deleted", "kepala rantai (audit_head) hilang")
        return VerifyResult(True, 0, head_hash=GENESIS_HASH)
    if head.count > checked or head.last_id > last_id:
        return VerifyResult(False, checked, head.last_id, "deleted",
                            f"entri terbaru hilang: kepala mencatat {head.count} entri sampai #{head.last_id}, "
                            f"tersisa {checked}")
    if head.count != checked or head.last_id != last_id or head.hash != expected_prev:
        return VerifyResult(False, checked, last_id, "changed",
                            "kepala rantai tidak cocok dengan entri terakhir")
    return VerifyResult(True, checked, head_hash=expected_prev)


# --------------------------------------------------------------------------- browsing

def _local_bound(value: date | datetime, *, end: bool) -> datetime:
    """A date means the whole local (WIB) day; `until` is inclusive of that day."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise AuditError("naive datetime")
        return value
    from .clock import local_tz

    day = value + timedelta(days=1) if end else value
    return datetime.combine(day, time.min, tzinfo=local_tz())


def _filtered(stmt, *, actor_id=None, action=None, channel=None, case_ref=None, since=None, until=None):
    if actor_id is not None:
        stmt = stmt.where(AuditEntry.actor_id == actor_id)
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    if channel:
        stmt = stmt.where(AuditEntry.channel == channel)
    if case_ref:
        stmt = stmt.where(AuditEntry.case_ref == case_ref)
    if since is not None:
        stmt = stmt.where(AuditEntry.at >= _local_bound(since, end=False))
    if until is not None:
        bound = _local_bound(until, end=True)
        stmt = stmt.where(AuditEntry.at < bound if not isinstance(until, datetime) else AuditEntry.at <= bound)
    return stmt


def search(actor_id: int | None = None, action: str | None = None, channel: str | None = None,
           case_ref: str | None = None, since: date | datetime | None = None,
           until: date | datetime | None = None, page: int = 1,
           per_page: int = 50) -> tuple[list[AuditEntry], int]:
    """Entries matching every given filter, newest first, one page; and how many match in all."""
    page = max(int(page), 1)
    per_page = min(max(int(per_page), 1), 500)
    filters = dict(actor_id=actor_id, action=action, channel=channel, case_ref=case_ref, since=since, until=until)
    total = db.session.scalar(_filtered(select(func.count(AuditEntry.id)), **filters))
    entries = db.session.scalars(_filtered(select(AuditEntry), **filters)
                                 .order_by(AuditEntry.id.desc())
                                 .offset((page - 1) * per_page).limit(per_page)).all()
    return list(entries), int(total or 0)


# --------------------------------------------------------------------------- exporting

CSV_HEADER = ("id", "at", "actor_id", "actor_label", "action", "channel", "case_ref", "detail",
              "prev_hash", "hash")


def export_csv(out: IO[str], *, since: date | datetime | None = None, until: date | datetime | None = None,
               actor=None, via: str = "cli") -> int:
    """Write matching entries as CSV (oldest first). The export is itself audited first."""
    filters = dict(since=since, until=until)
    with write_transaction() as session:
        _lock_chain(session)  # the count and the marker see the same chain
        count = session.scalar(_filtered(select(func.count(AuditEntry.id)), **filters))
        marker = log("audit_export", actor=actor, detail={
            "since": since.isoformat() if since else None,
            "until": until.isoformat() if until else None,
            "rows": int(count or 0), "via": via})
        marker_id = marker.id
    writer = exports.csv_writer(out)
    writer.writerow(CSV_HEADER)
    written = 0
    for row in _iter_rows(filters, marker_id):
        writer.writerow(row)
        written += 1
    db.session.rollback()
    return written


def _iter_rows(filters: dict, before_id: int, batch: int = 1000) -> Iterator[tuple]:
    last_id = 0
    while True:
        rows = db.session.execute(_filtered(select(*_COLUMNS), **filters)
                                  .where(AuditEntry.id > last_id, AuditEntry.id < before_id)
                                  .order_by(AuditEntry.id).limit(batch)).all()
        if not rows:
            return
        yield from (tuple(r) for r in rows)
        last_id = rows[-1].id


# --------------------------------------------------------------------------- CLI

audit_cli = AppGroup("audit", help="Jejak audit: periksa keutuhan rantai, ekspor CSV.")


@audit_cli.command("verify")
def audit_verify():
    """Check that no entry was changed, deleted or reordered (exit 1 if the chain is broken)."""
    result = verify()
    if result.ok:
        click.echo(f"OK: {result.checked} entri, rantai utuh")
        click.echo(f"hash kepala: {result.head_hash}")
        return
    click.echo(f"RUSAK: entri #{result.first_bad_id} {result.reason}")
    click.echo(result.message, err=True)
    raise SystemExit(1)


class _EchoStream:
    def write(self, data: str) -> None:
        click.echo(data, nl=False)


@audit_cli.command("export")
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Tanggal awal (WIB), YYYY-MM-DD.")
@click.option("--until", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Tanggal akhir (WIB, inklusif), YYYY-MM-DD.")
def audit_export(since: datetime | None, until: datetime | None):
    """Print entries as CSV; the export itself is recorded as `audit_export`."""
    export_csv(_EchoStream(), since=since.date() if since else None,
               until=until.date() if until else None, via="cli")
