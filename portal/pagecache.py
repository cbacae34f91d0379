"""Public pages that do not depend on the visitor, rendered once per change (issue 20).

The home page (its "latest reports" box), the report list, a published report and the Atom feed
show the same bytes to every visitor of one language until a report is published or a setting
changes. `@cached_page` keeps the rendered response in this worker, keyed by the *generation*: one
row in the database (page_generation) that every publication and settings change bumps in its own
write transaction (`bump`), so every gunicorn worker and every host stops using its copy at the
commit. Each request reads that one integer instead of running the page's queries.

A response is kept only when it was made for a visitor who is not signed in and rendering it did
not read the visitor's session, set a cookie or make a CSRF token, and carries no rate-limit notice: a cached page can never hold another
visitor's session data or token. The security headers are added per response as for any other
page (portal.security); `Cache-Control: no-cache` lets the browser keep the page and ask again
with `If-None-Match`, answered 304 without rendering. Pages are gzipped once, when stored (nginx
leaves a response that already has a Content-Encoding alone, so nothing is compressed twice);
pages with forms and tokens are never compressed by the portal (BREACH).
"""
from __future__ import annotations

import gzip
import hashlib
import secrets
from collections import OrderedDict
from functools import wraps
from pathlib import Path
from threading import Lock

from flask import Response, current_app, g, request, session
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import select, update
from werkzeug.http import http_date

from .extensions import db
from .models.settings import PageGeneration
from .models.types import utcnow

MAX_ENTRIES = 256
MAX_BYTES = 16 * 1024 * 1024  # raw + gzipped bytes kept per worker
MAX_PAGE = 2 * 1024 * 1024  # a larger page is rendered per request
GZIP_MIN = 256
GZIP_TYPES = ("text/html", "application/atom+xml")

_lock = Lock()
_build_id: list[str] = []


class _Store:
    """This worker's copies (one per app: a test process runs many apps over copied databases)."""

    def __init__(self):
        self.entries: OrderedDict[tuple, tuple[str, bytes, bytes | None]] = OrderedDict()
        self.generation = None
        self.bytes = 0


def _store() -> _Store:
    store = current_app.extensions.get("pagecache")
    if store is None:
        store = current_app.extensions.setdefault("pagecache", _Store())
    return store


def bump() -> None:
    """Invalidate every cached page on every worker and host; call inside the write transaction of
    the change (a publication, a settings change) so the pages change at its commit."""
    session = db.session
    token = secrets.token_hex(16)
    done = session.execute(update(PageGeneration).where(PageGeneration.id == 1)
                           .values(token=token, changed_at=utcnow()))
    if done.rowcount == 0:
        session.add(PageGeneration(id=1, token=token, changed_at=utcnow()))
    session.flush()


def generation():
    """(token, changed_at) of the invalidation key; (None, None) before the row exists."""
    row = db.session.execute(select(PageGeneration.token, PageGeneration.changed_at)
                             .where(PageGeneration.id == 1)).first()
    return (row.token, row.changed_at) if row else (None, None)


def _build() -> str:
    """A fingerprint of the code, templates and catalogues: a deployment changes every ETag."""
    if not _build_id:
        digest = hashlib.sha256()
        root = Path(current_app.root_path)
        for folder, pattern in ((root, "*.py"), (root, "*.mo"), (Path(current_app.template_folder)
                                                                  if Path(current_app.template_folder).is_absolute()
                                                                  else root / current_app.template_folder, "*.html")):
            for path in sorted(folder.rglob(pattern)):
                digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
        _build_id.append(digest.hexdigest()[:16])
    return _build_id[0]


def _get(key):
    store = _store()
    with _lock:
        entry = store.entries.get(key)
        if entry is not None:
            store.entries.move_to_end(key)
        return entry


def _put(key, entry) -> None:
    store, size = _store(), len(entry[1]) + len(entry[2] or b"")
    with _lock:
        if key[0] != store.generation:  # a publication or settings change: the old copies go
            store.entries.clear()
            store.bytes = 0
            store.generation = key[0]
        store.entries[key] = entry
        store.bytes += size
        while len(store.entries) > MAX_ENTRIES or store.bytes > MAX_BYTES:
            _, old = store.entries.popitem(last=False)
            store.bytes -= len(old[1]) + len(old[2] or b"")


def _keepable(response, read_session: bool) -> bool:
    """Kept only when made for a visitor without a signed-in session, and the view itself neither read
    nor wrote the session, nor made a CSRF token, nor set a cookie or a rate-limit notice."""
    return (response.status_code == 200 and not response.direct_passthrough and not response.is_streamed
            and "Set-Cookie" not in response.headers and not read_session and not session.modified
            and g.get("user_session") is None and "csrf_token" not in g and not g.get("limit_notice"))


def _wants_gzip() -> bool:
    return "gzip" in request.headers.get("Accept-Encoding", "").lower()


def _respond(etag: str, changed_at, content_type: str, body: bytes, zipped: bytes | None) -> Response:
    use_gzip = zipped is not None and _wants_gzip()
    response = Response(zipped if use_gzip else body, headers={"Content-Type": content_type})
    if use_gzip:
        response.headers["Content-Encoding"] = "gzip"
    _validators(response, etag + ("-gz" if use_gzip else ""), changed_at)
    return response


def _validators(response: Response, etag: str, changed_at) -> None:
    response.set_etag(etag)
    if changed_at is not None:
        response.headers["Last-Modified"] = http_date(changed_at)
    response.headers["Vary"] = "Accept-Encoding, Accept-Language, Cookie"
    response.public_cache = True  # portal.security: a public page, stored by the browser …
    response.headers["Cache-Control"] = "no-cache"  # … and asked for again each time (ETag)


def cached_page(view):
    """Serve `view` from this worker's copy while the generation is unchanged (see module doc)."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        if (request.method not in ("GET", "HEAD") or g.get("limit_notice")
                or not current_app.config.get("PORTAL_PAGE_CACHE", True)):
            return view(*args, **kwargs)
        token, changed_at = generation()
        if token is None:  # before `db upgrade` made the key: nothing could invalidate a copy
            return view(*args, **kwargs)
        key = (token, request.endpoint, request.host_url, request.full_path, str(get_locale() or ""))
        etag = hashlib.sha256(repr((key, _build())).encode()).hexdigest()[:32]
        if request.if_none_match.contains(etag) or request.if_none_match.contains(etag + "-gz"):
            response = Response(status=304)
            _validators(response, etag + ("-gz" if request.if_none_match.contains(etag + "-gz") else ""),
                        changed_at)
            return response
        entry = _get(key)
        if entry is not None:
            return _respond(etag, changed_at, *entry)
        # Who is signed in is looked up now (Flask-Login's template context would do it during the
        # render); what matters is whether rendering this page read the session beyond that.
        signed_in = current_user.is_authenticated
        visitor = session._get_current_object()  # (every use of the proxy marks the session read)
        accessed_before, visitor.accessed = visitor.accessed, False
        try:
            response = current_app.make_response(view(*args, **kwargs))
        finally:
            read_session = visitor.accessed
            visitor.accessed = True
        if signed_in or not _keepable(response, read_session):
            return response
        body = response.get_data()
        content_type = response.headers["Content-Type"]
        if len(body) > MAX_PAGE:
            return response
        zipped = (gzip.compress(body, 6, mtime=0)
                  if len(body) >= GZIP_MIN and content_type.split(";")[0] in GZIP_TYPES else None)
        _put(key, (content_type, body, zipped))
        return _respond(etag, changed_at, content_type, body, zipped)
    return wrapper
