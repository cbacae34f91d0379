"""How the back-office queues ask the database (issue 20): with its own tools, so a queue costs the
same at a thousand cases and at a million.

- A query shaped like a ticket (PGD-2026-000123) goes to the unique index on `ticket` and nowhere else.
- Words go to the full-text index: SQLite FTS5 (`complaints_search`, kept in step by triggers) or
  PostgreSQL's GIN index on `to_tsvector('simple', …)` (an expression index, always in step); both
  made by migration 0017. The 'simple' configuration / unicode61 tokenizer lower-case and strip
  accents but do not stem, so Indonesian words are matched as written; every word is a prefix
  ("kelurah" finds "kelurahan") and all words must occur.
- The index covers exactly what the queue's search covered before: the complaint's subject and
  description (never the reporter's encrypted identity, never WBS). Gratification search stays on
  the ticket.
- Paging is by keyset (the case id, newest first): `?setelah=<id>` (older than), `?sebelum=<id>`
  (newer than), `?terakhir=1` (the oldest page); no OFFSET, so the last page costs what the first does.
- A word search counts its matches up to COUNT_CAP: a common word at a million cases matches a
  hundred thousand of them, and counting them all (PostgreSQL visits every matching row) costs more
  than the page; the page then says "more than 1000" and pages through every match as before.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import event, exists, false, func, literal_column, select, table, text, true
from sqlalchemy.orm import Session

from .extensions import db
from .params import parse_int

# The full-text index's objects (migration 0017): the FTS5 table and its shadow tables (SQLite), the
# GIN expression index (PostgreSQL). The schema comparison leaves them out: no model declares them.
SEARCH_TABLE = "complaints_search"
SEARCH_TABLES = frozenset({SEARCH_TABLE} | {f"{SEARCH_TABLE}_{part}" for part in ("data", "idx", "docsize", "config")})
SEARCH_INDEX = "ix_complaints_search"
# PostgreSQL: the indexed expression, written out so the planner recognises it (no bound parameters).
PG_DOCUMENT = "to_tsvector('simple', coalesce(complaints.subject, '') || ' ' || complaints.description)"

# What the complaint queue's search looks in, as the page says it (Indonesian; English in messages.po).
COMPLAINT_SEARCH_FIELDS = _l("Pencarian mencakup nomor tiket (persis), judul dan isi pengaduan (kata atau awal "
                             "kata). Identitas pelapor tidak ikut dicari.")

TICKET = re.compile(r"[A-Z]{2,5}-\d{4}-\d{6,9}")  # tickets.allocate: 6 digits, more past a million
MAX_WORDS = 8


def is_schema_object(name: str | None) -> bool:
    """A full-text object of migration 0017 (for the migrations' schema comparison to skip)."""
    return bool(name) and (name in SEARCH_TABLES or name == SEARCH_INDEX)


def ticket_shaped(text: str) -> str | None:
    """The ticket the text is (upper-cased), or None."""
    candidate = text.strip().upper()
    return candidate if TICKET.fullmatch(candidate) else None


def words(text: str) -> list[str]:
    """The words of a search, lower-cased: letters and digits only, so nothing in them is syntax."""
    return [w for w in re.findall(r"[^\W_]+", text.lower())][:MAX_WORDS]


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def text_match(model, terms: list[str]):
    """The complaints whose subject or description holds every term (each as a word prefix)."""
    if not terms:
        return false()
    if _dialect() == "postgresql":
        query = " & ".join(f"{term}:*" for term in terms)
        return literal_column(PG_DOCUMENT).bool_op("@@")(func.to_tsquery(literal_column("'simple'"), query))
    query = " ".join(f'"{term}"*' for term in terms)
    fts = table(SEARCH_TABLE)
    matched = select(literal_column("rowid")).select_from(fts).where(literal_column(SEARCH_TABLE).op("MATCH")(query))
    clause = model.id.in_(matched)
    clause._casequery_fts = query  # read by keyset_page when the search is the queue's only condition
    return clause


def complaint_search(model, raw: str):
    """The complaint queue's search: a ticket exactly, else words in subject and description."""
    text = (raw or "").strip()[:100]
    if not text:
        return None
    ticket = ticket_shaped(text)
    if ticket:
        return model.ticket == ticket
    return text_match(model, words(text))


def ticket_search(model, raw: str):
    """A queue searched by ticket only (gratification): exactly through the unique index when the text
    is a whole ticket, else the tickets that contain it (as before)."""
    text = (raw or "").strip()[:30].upper()
    if not text:
        return None
    if TICKET.fullmatch(text):
        return model.ticket == text
    return model.ticket.contains(text, autoescape=True)


# --- keyset paging -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Cursor:
    """Where a page starts: after (older than) an id, before (newer than) an id, the oldest page, or
    the newest page (all None). The old `?page=` is ignored: it lands on the newest page."""

    after: int | None = None
    before: int | None = None
    last: bool = False

    @classmethod
    def from_args(cls, args) -> "Cursor":
        after = parse_int(args.get("setelah"), lo=1)
        before = parse_int(args.get("sebelum"), lo=1)
        if after is not None:
            return cls(after=after)
        if before is not None:
            return cls(before=before)
        return cls(last=args.get("terakhir") == "1")


@dataclass(frozen=True)
class Window:
    rows: list
    total: int
    has_prev: bool
    has_next: bool
    capped: bool = False  # total is COUNT_CAP and the result holds more


    @property
    def first_id(self):
        return self.rows[0].id if self.rows else None

    @property
    def last_id(self):
        return self.rows[-1].id if self.rows else None


# PostgreSQL, word search: a result at most this large is fetched whole through the GIN index and
# sorted, rather than found by walking the primary key backwards, which the planner prefers when it
# overestimates the matches (a rare word: to_tsvector computed for every row, seconds at 100k).
# Above it the matches are dense enough (≥ 5 % at a million) for that walk to stop early.
FENCE_BELOW = 50_000
# A word search's matches are counted up to this many (Window.capped above it).
COUNT_CAP = 1000


class _Keys:
    """Where a page's ids come from: `query`'s rows keyed by `key`, newest (largest) first."""

    def __init__(self, query, key):
        self.query, self.key = query.with_only_columns(key).order_by(None), key
        self.fenced = False

    def ids(self, condition, descending: bool, limit: int) -> list[int]:
        query = self.query.where(condition)
        if self.fenced:  # OFFSET 0 keeps PostgreSQL from pulling the ORDER BY … LIMIT into the subquery
            inner = query.offset(literal_column("0")).subquery()
            key = inner.c[0]
            order = key.desc() if descending else key.asc()
            return list(db.session.scalars(select(key).order_by(order).limit(limit)))
        order = self.key.desc() if descending else self.key.asc()
        return list(db.session.scalars(query.order_by(order).limit(limit)))

    def exists(self, condition) -> bool:
        return bool(db.session.scalar(select(exists(self.query.where(condition).limit(1)))))

    def count(self, cap: int | None = None) -> int:
        """The number of keys, or cap + 1 when there are more than `cap`."""
        query = self.query if cap is None else self.query.limit(cap + 1)
        return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0


def _keys(query, model) -> _Keys:
    """The queue's keys; a query whose only condition is a word search (SQLite) is read from the FTS5
    table alone (its rowid is the case id): counting and paging there cost a few ms at a million rows,
    where probing `complaints` for every match costs a hundred."""
    words_only = getattr(query.whereclause, "_casequery_fts", None)
    if words_only is None:
        return _Keys(query, model.id)
    rowid = literal_column(f"{SEARCH_TABLE}.rowid")
    return _Keys(select(rowid).select_from(table(SEARCH_TABLE)).where(
        literal_column(SEARCH_TABLE).op("MATCH")(words_only)), rowid)


def keyset_page(query, model, cursor: Cursor, size: int, *, count: bool = True) -> Window:
    """One page of `query` (a select of `model`), newest id first, from `cursor`; `total` counts the
    whole result (0 when count is False)."""
    keys = _keys(query, model)
    key = keys.key
    words = _is_word_search(query)
    total = keys.count(COUNT_CAP if words else None) if count else 0
    capped = words and total > COUNT_CAP
    total = min(total, COUNT_CAP) if capped else total
    # PostgreSQL: a small word search is fetched whole through the GIN index; a large one (capped)
    # walks the primary key, where matches are dense enough for the walk to stop early.
    keys.fenced = count and not capped and total < FENCE_BELOW and words and _dialect() == "postgresql"
    if cursor.after is not None:
        ids = keys.ids(key < cursor.after, True, size + 1)
        has_next, ids = len(ids) > size, ids[:size]
        has_prev = keys.exists(key > ids[0] if ids else key >= cursor.after)
    elif cursor.before is not None or cursor.last:
        newer = key > cursor.before if cursor.before is not None else true()
        ids = keys.ids(newer, False, size + 1)
        has_prev, ids = len(ids) > size, list(reversed(ids[:size]))
        if ids:
            has_next = keys.exists(key < ids[-1])
        else:
            has_next = cursor.before is not None and keys.exists(key <= cursor.before)
    else:
        ids = keys.ids(true(), True, size + 1)
        has_next, has_prev, ids = len(ids) > size, False, ids[:size]
    found = {row.id: row for row in db.session.scalars(select(model).where(model.id.in_(ids)))} if ids else {}
    return Window(rows=[found[i] for i in ids if i in found], total=total,
                  has_prev=has_prev, has_next=has_next, capped=capped)


def _is_word_search(query) -> bool:
    """Whether the query holds a full-text condition (text_match)."""
    where = query.whereclause
    if where is None:
        return False
    if getattr(where, "_casequery_fts", None) is not None:
        return True
    return SEARCH_TABLE in str(where) or "to_tsvector" in str(where)


def forget_erased_words() -> None:
    """Ask the full-text index to drop, when this transaction commits, the words of rows it no longer
    indexes. FTS5 keeps a deleted row's terms in its older segments until they are merged, so a NIK
    quoted in an erased complaint would stay readable in the database file; an `optimize` merges every
    segment without them (secure_delete then zeroes the freed pages; the erasure's WAL step follows).
    PostgreSQL's expression index holds no copy beyond the row's own (VACUUM: docs/security.md)."""
    db.session.info["search_forget"] = True


@event.listens_for(Session, "before_commit")
def _merge_search_segments(session) -> None:
    if not session.info.pop("search_forget", False):
        return
    bind = session.get_bind()
    if bind.dialect.name == "sqlite":
        session.execute(text(f"INSERT INTO {SEARCH_TABLE}({SEARCH_TABLE}) VALUES ('optimize')"))
