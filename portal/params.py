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


def _has_nul(value) -> bool:
    """True if a NUL hides anywhere in a parsed JSON value (iterative: the value may nest deeply)."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


def nul_in_request(request) -> bool:
    """A NUL in the path, query, form fields or JSON body: no text the portal keeps can hold one
    (PostgreSQL text refuses it with an error), so such a request is malformed wherever it goes."""
    if "\x00" in request.path:
        return True
    sources = [request.args] + ([request.form] if request.method in ("POST", "PUT", "PATCH") else [])
    for multi in sources:
        for key, value in multi.items(multi=True):
            # A multipart part may come without a name (key None).
            if any(isinstance(text, str) and "\x00" in text for text in (key, value)):
                return True
    if request.is_json:
        try:
            body = request.get_json(silent=True)
        except RecursionError:
            return False  # the API's body reader answers 400 for that
        return _has_nul(body)
    return False
