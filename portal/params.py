"""Parsing of request parameters every page shares: whole numbers and the `next` address.

`str.isdigit()` is true for '²' and '٣', which `int()` refuses or reads as another number, and a
`next` carrying CR/LF or a backslash would break the Location header or leave the site; so each
of these is decided here, once.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

_ASCII_INT = re.compile(r"[0-9]{1,18}")


def parse_int(raw, *, lo: int | None = None, hi: int | None = None) -> int | None:
    """An ASCII whole number within [lo, hi], or None for anything else (absent, '²', '٣', '-1', '1e3')."""
    if not isinstance(raw, str):
        return None
    raw = raw.strip()
    if not _ASCII_INT.fullmatch(raw):
        return None
    value = int(raw)
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        return None
    return value


def safe_next(target: str | None, default: str = "/") -> str:
    """A path on this site to go back to; anything else (another host, control characters) is `default`."""
    if not target or not isinstance(target, str) or len(target) > 2000:
        return default
    # Control characters would split the Location header (a 500 or a header injection); a backslash
    # is read as a slash by browsers, so "/\\evil.example" would leave the site.
    if any(ch < " " or ch == "\x7f" or ch == "\\" for ch in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


class NulInQuery(ValueError):
    """A query parameter held a NUL character (answered 400 by portal.errors)."""


def _params_with_nul(parameters) -> bool:
    batches = parameters if isinstance(parameters, (list, tuple)) and parameters and \
        isinstance(parameters[0], (dict, list, tuple)) else [parameters]
    for batch in batches:
        values = batch.values() if isinstance(batch, dict) else (batch or ())
        if any(isinstance(value, str) and "\x00" in value for value in values):
            return True
    return False


def _refuse_nul(conn, cursor, statement, parameters, context, executemany):
    if _params_with_nul(parameters):
        raise NulInQuery("NUL in a query parameter")


def install_nul_guard() -> None:
    """Refuse any SQL parameter that holds a NUL, on every engine: PostgreSQL text cannot hold one
    (psycopg raises DataError, a 500) and nothing stored anywhere contains one, so a login e-mail,
    a ticket or a search term with a NUL can match nothing. One check at the database boundary
    instead of one in every look-up; validators still explain a NUL in a submitted field first."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    if not event.contains(Engine, "before_cursor_execute", _refuse_nul):
        event.listen(Engine, "before_cursor_execute", _refuse_nul)
