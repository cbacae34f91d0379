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
