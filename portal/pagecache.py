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
import json
import os
import re
import secrets
from collections import OrderedDict
from functools import wraps
from pathlib import Path
import threading
from threading import Lock

from flask import Response, current_app, g, request, session
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import event, select, update
from werkzeug.http import http_date

from .crypto import tokens as crypto_tokens
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
        self.fast: OrderedDict[tuple, object] = OrderedDict()  # FastPath's final responses (below)
        self.fast_generation = None
        self.fast_bytes = 0


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
            _mark_shareable(token)
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
        _mark_shareable(token)
        return _respond(etag, changed_at, content_type, body, zipped)
    return wrapper


def _mark_shareable(token: str) -> None:
    """Tell FastPath (below) that this page, made or kept for a visitor without a session, may be stored."""
    if FAST_ASKED in request.environ and g.get("user_session") is None:
        request.environ[FAST_MARK] = ("page", token)


# --- the fast path: a stored response served before Flask's request machinery ----------------------------------
#
# A cached page still paid for the whole request machinery: a request context, Flask-Login, the limiter,
# Babel, an ORM session to read the generation, the after_request hooks and the session save (≈ 1.6 ms of
# a 0.2 ms "hello"). `FastPath` wraps the WSGI app and keeps, per worker, the *final* WSGI response (status,
# every header the normal path emitted, body) that the normal path produced for a visitor without a session,
# keyed by the generation, the URL as received (scheme, host, path, query), the language and whether gzip was
# asked for. Later such visitors get those bytes after one read of the generation (a plain DB-API cursor, no
# ORM; on PostgreSQL a statement prepared once and run through libpq), so the headers (security headers,
# Content-Language, Vary, ETag, Cache-Control) are those the normal path emitted, by construction.
#
# It only stores what a view marked as shareable (`cached_page` when it kept or served its copy; `token_form`
# for a form page) and only for a request it would itself serve: GET, no conditional or range header, no
# cookie but the language choice and a session that holds nothing but a CSRF token (a citizen who opened a
# form before; kept apart from visitors without a session). Anything else — any other session (a signed-in
# staff member, flash messages, kept form input), HEAD, If-None-Match, /static, /kantor, /api — goes the
# normal way.
#
# A form page (`token_form`) is kept as its bytes around the CSRF token and the submission key; each visitor
# gets a fresh raw token in a new session cookie, the token signed from it and a fresh submission key,
# made the way Flask-WTF, Flask's cookie session and portal.publicforms make them (the two signatures by
# portal.crypto.tokens.PresignedSerializer: the libraries' bytes, their key derived once). Forms are never gzipped.

FAST_ASKED = "portal.pagecache.fast"  # environ: the fast path would serve this request; views may mark it
FAST_MARK = "portal.pagecache.mark"  # environ: what the view found shareable
SKIPPED_PREFIXES = ("/static/", "/kantor", "/api/", "/healthz")
_SUBMISSION_KEY = re.compile(rb'name="submission_key" value="([^"]+)"')


class _Page:
    """A stored final response: the same bytes for every visitor."""

    __slots__ = ("status", "headers", "body")

    def __init__(self, status: str, headers: list, body: bytes):
        self.status, self.headers, self.body = status, headers, body

    def size(self) -> int:
        return len(self.body)

    def serve(self, app, start_response, raw=None):
        start_response(self.status, list(self.headers))
        return [self.body]


class _Form:
    """A stored form page: its bytes around the visitor's own CSRF token and submission key. `cookie` is the
    Set-Cookie header around a new session's value for a visitor without one; None for a visitor whose
    session holds only a raw token (`raw`), whose page carries the token signed from it and sets no cookie."""

    __slots__ = ("status", "headers", "cookie", "parts")

    def __init__(self, status: str, headers: list, cookie: tuple[str, str] | None, parts: list):
        self.status, self.headers, self.cookie, self.parts = status, headers, cookie, parts

    def size(self) -> int:
        return sum(len(p) for p in self.parts if isinstance(p, bytes))

    def serve(self, app, start_response, raw=None):
        if self.cookie is None:
            signed, set_cookie = _signers(app).sign_token(raw), None
        else:
            _raw, signed, cookie = _fresh_csrf(app)
            set_cookie = self.cookie[0] + cookie + self.cookie[1]
        values = {"csrf": signed.encode("ascii"), "key": crypto_tokens.submission_key().encode("ascii")}
        body = b"".join(values[p] if isinstance(p, str) else p for p in self.parts)
        filled = {"content-length": str(len(body)), "set-cookie": set_cookie}
        start_response(self.status, [(k, filled[k.lower()]) if v is None else (k, v) for k, v in self.headers])
        return [body]


def _csrf_settings(app) -> tuple:
    return app.config.get("WTF_CSRF_SECRET_KEY", app.secret_key), app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")


_serializers: dict = {}


class _Signers:
    """Flask-WTF's token serializer and Flask's session serializer for one app and secret, with their
    PresignedSerializer (portal.crypto.tokens: the same bytes, the key derivation and HMAC keying done once)."""

    __slots__ = ("tokens", "cookies", "field", "_tokens", "_cookies", "_cookie_json")

    def __init__(self, app, secret, field):
        self.tokens = crypto_tokens.csrf_token_signer(secret)
        self.cookies = app.session_interface.get_signing_serializer(app)
        self.field = field
        self._tokens = crypto_tokens.PresignedSerializer(self.tokens)
        self._cookies = crypto_tokens.PresignedSerializer(self.cookies)
        # The session {field: raw} as Flask's tagged JSON writes it, when that is plain JSON (checked on a
        # sample: a field name that is one of its tags would be written otherwise); else the library signs.
        plain = json.dumps({field: ""}, separators=(",", ":"))
        self._cookie_json = (plain[:-3].encode("utf-8")
                             if self.cookies.serializer.dumps({field: "0" * 40}) == plain[:-3] + '"' + "0" * 40 + '"}'
                             else None)

    def sign_token(self, raw: str) -> str:
        """Flask-WTF's signed form token for the raw token `raw`."""
        tokens = self.tokens
        return self._tokens.dumps(raw, tokens.serializer.dumps(raw, **tokens.serializer_kwargs).encode("utf-8"))

    def session_cookie(self, raw: str) -> str:
        """Flask's session cookie value of a session holding only the raw CSRF token `raw`."""
        if self._cookie_json is None:
            return self._cookies.dumps({self.field: raw})
        return self._cookies.dumps({self.field: raw},
                                   self._cookie_json + json.dumps(raw, separators=(",", ":")).encode("utf-8") + b"}")


def _signers(app) -> _Signers:
    """The serializers of forms and sessions, made once per app and secret."""
    secret, field = _csrf_settings(app)
    key = (id(app), secret, app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()), field)
    found = _serializers.get(key)
    if found is None:
        if len(_serializers) > 64:  # test processes make many apps
            _serializers.clear()
        found = _serializers[key] = _Signers(app, secret, field)
    return found


def _fresh_csrf(app) -> tuple[str, str, str]:
    """(raw token, signed token, session cookie value) for a visitor without a session, as Flask-WTF's
    generate_csrf and Flask's SecureCookieSessionInterface make them."""
    signers = _signers(app)
    raw = crypto_tokens.raw_csrf_token()
    return raw, signers.sign_token(raw), signers.session_cookie(raw)


def token_form(view):
    """A public form page for visitors without a session: marks the page for the fast path (see above)."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        response = current_app.make_response(view(*args, **kwargs))
        if FAST_ASKED in request.environ and request.method == "GET":
            mark = _form_mark(response)
            if mark is not None:
                request.environ[FAST_MARK] = mark
        return response
    return wrapper


def _form_mark(response):
    """("form", generation, signed token, raw token, submission key) when this render can serve anyone
    without a session with their own token and key spliced in; else None."""
    _secret, field = _csrf_settings(current_app)
    visitor = session._get_current_object()
    raw, signed = visitor.get(field), g.get(field)
    if (response.status_code != 200 or response.is_streamed or response.direct_passthrough or not raw or not signed
            or set(visitor.keys()) != {field} or visitor.permanent or g.get("user_session") is not None
            or g.get("limit_notice") or current_user.is_authenticated):
        return None
    body = response.get_data()
    keys = _SUBMISSION_KEY.findall(body)
    if len(keys) != 1 or len(keys[0]) != len(crypto_tokens.submission_key()) or signed.encode() not in body:
        return None
    token = generation()[0]
    return None if token is None else ("form", token, signed, raw, keys[0].decode("ascii"))


class _GenerationReader:
    """Reads the generation token over a connection of its own, one per thread and process, taken out of
    the pool once: one statement per request, never a transaction left open; closed when the engine is
    disposed. A broken connection is dropped and the request goes the normal way; the next one opens a new
    connection.

    On PostgreSQL the statement is prepared once on that connection and run with libpq's own call
    (PQexecPrepared through psycopg's pq layer): one Bind/Execute/Sync round trip in autocommit, so each read
    sees every transaction committed before it (READ COMMITTED, a snapshot per statement) — the same answer
    as a psycopg cursor, without its Python machinery (issue 20: a third of the fast path's CPU)."""

    _STATEMENT = b"portal_pagecache_generation"

    def __init__(self, app):
        self.app = app
        self.sql = f"SELECT token FROM {PageGeneration.__tablename__} WHERE id = 1"
        self.engine = None
        self.local = threading.local()
        self.opened: list = []
        self._tuples_ok = None

    def read(self):
        local = self.local
        conn = getattr(local, "conn", None)
        if conn is None or local.pid != os.getpid():
            conn = self._open()
            local = self.local
        # The connection's own lock: close_all (engine disposed, e.g. by another thread) waits for a read in
        # progress instead of closing the connection under it (a closed SQLite handle mid-statement crashes
        # the process); a read that finds it closed raises, is dropped, and the request goes the normal way.
        with local.lock:
            try:
                pgconn = local.pgconn
                if pgconn is not None:
                    result = pgconn.exec_prepared(self._STATEMENT, None)
                    if result.status != self._tuples_ok:
                        message = (result.error_message or b"").decode(errors="replace")
                        raise OSError(f"the generation read failed: {message}")
                    value = result.get_value(0, 0) if result.ntuples else None
                    return None if value is None else value.decode("utf-8")
                cursor = conn.cursor()
                try:
                    cursor.execute(self.sql)
                    row = cursor.fetchone()
                finally:
                    cursor.close()
            except Exception:
                self._drop(local, conn)
                raise
        return row[0] if row else None

    def _open(self):
        if self.engine is None:
            with self.app.app_context():
                self.engine = db.engine
            event.listen(self.engine, "engine_disposed", self.close_all)
        fairy = self.engine.raw_connection()
        fairy.detach()  # ours now: the pool neither resets nor recycles it
        conn = fairy.dbapi_connection
        pgconn = None
        try:
            if self.engine.dialect.name == "postgresql" and self.engine.dialect.driver == "psycopg":
                from psycopg import pq

                self._tuples_ok = pq.ExecStatus.TUPLES_OK
                conn.autocommit = True
                pgconn = conn.pgconn
                prepared = pgconn.prepare(self._STATEMENT, self.sql.encode("utf-8"))
                if prepared.status != pq.ExecStatus.COMMAND_OK:
                    raise OSError("could not prepare the generation read: "
                                  + (prepared.error_message or b"").decode(errors="replace"))
            elif self.engine.dialect.name == "postgresql":
                conn.autocommit = True
        except Exception:
            conn.close()
            raise
        lock = threading.Lock()
        local = self.local
        local.conn, local.pgconn, local.pid, local.lock = conn, pgconn, os.getpid(), lock
        with _lock:
            self.opened.append((conn, lock))
        return conn

    def _drop(self, local, conn) -> None:
        """Forget and close this thread's connection (called holding its lock)."""
        local.conn = local.pgconn = None
        with _lock:
            self.opened = [(c, lock) for c, lock in self.opened if c is not conn]
        try:
            conn.close()
        except Exception:
            pass

    def close_all(self, _engine=None) -> None:
        with _lock:
            opened, self.opened = self.opened, []
            self.local = threading.local()
        for conn, lock in opened:
            with lock:  # never under a read in progress on another thread
                try:
                    conn.close()
                except Exception:
                    pass


class FastPath:
    """WSGI middleware in front of the Flask app: serves the stored responses (see above)."""

    def __init__(self, app, wsgi_app):
        self.app, self.wsgi_app = app, wsgi_app
        self._generation = _GenerationReader(app).read

    def _key(self, environ):
        """(the request's key without the generation, the raw CSRF token of a session that holds only that);
        (None, None) when the fast path must not serve it."""
        if environ.get("REQUEST_METHOD") != "GET":
            return None, None
        path = environ.get("PATH_INFO", "")
        if path.startswith(SKIPPED_PREFIXES):
            return None, None
        for header in ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE",
                       "HTTP_IF_RANGE", "HTTP_RANGE", "HTTP_AUTHORIZATION"):
            if header in environ:
                return None, None
        config = self.app.config
        language, raw = config["BABEL_DEFAULT_LOCALE"], None
        if environ.get("HTTP_COOKIE"):
            from werkzeug.http import parse_cookie

            from .i18n import LANG_COOKIE

            cookies = parse_cookie(environ)
            name = config["SESSION_COOKIE_NAME"]
            if set(cookies) - {LANG_COOKIE, name}:
                return None, None  # a cookie the fast path knows nothing about: the normal way
            if name in cookies:
                raw = self._token_only(cookies[name])
                if raw is None:
                    return None, None  # a session with more (staff, flash messages, form input): the normal way
            if cookies.get(LANG_COOKIE) in config["PORTAL_LANGUAGES"]:
                language = cookies[LANG_COOKIE]
        return (environ.get("wsgi.url_scheme"), environ.get("HTTP_HOST"), environ.get("SERVER_NAME"),
                environ.get("SERVER_PORT"), environ.get("SCRIPT_NAME", ""), path, environ.get("QUERY_STRING", ""),
                language, "gzip" in environ.get("HTTP_ACCEPT_ENCODING", "").lower(), raw is not None), raw

    def _token_only(self, value: str):
        """The raw CSRF token of a valid, non-permanent session cookie that holds nothing else; else None."""
        signers = _signers(self.app)
        cookies, field = signers.cookies, signers.field
        try:
            data = cookies.loads(value, max_age=int(self.app.permanent_session_lifetime.total_seconds()))
        except Exception:  # forged, expired, or made under another key: Flask would start an empty session
            return None
        if isinstance(data, dict) and set(data) == {field} and isinstance(data[field], str) and data[field]:
            return data[field]
        return None

    def __call__(self, environ, start_response):
        if not self.app.config.get("PORTAL_PAGE_CACHE", True):
            return self.wsgi_app(environ, start_response)
        key, raw = self._key(environ)
        if key is None:
            return self.wsgi_app(environ, start_response)
        try:
            token = self._generation()
        except Exception:  # the database is unreachable: the normal path answers as it would
            token = None
        if token is None:
            return self.wsgi_app(environ, start_response)
        store = self.app.extensions.get("pagecache") or self.app.extensions.setdefault("pagecache", _Store())
        with _lock:
            entry = store.fast.get((token, key))
            if entry is not None:
                store.fast.move_to_end((token, key))
        if entry is not None:
            return entry.serve(self.app, start_response, raw)
        return self._record(environ, start_response, store, key, raw)

    def _record(self, environ, start_response, store, key, raw):
        environ[FAST_ASKED] = True
        seen = []

        def capture(status, headers, exc_info=None):
            seen[:] = [status, list(headers)]
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        body_iter = self.wsgi_app(environ, capture)
        mark = environ.get(FAST_MARK)
        if mark is None or not seen or not seen[0].startswith("200 "):
            return body_iter
        try:
            body = b"".join(body_iter)
        finally:
            if hasattr(body_iter, "close"):
                body_iter.close()
        entry = self._entry(mark, seen[0], seen[1], body, raw)
        if entry is not None and entry.size() <= MAX_PAGE:
            _put_fast(store, (mark[1], key), entry)
        return [body]

    def _entry(self, mark, status: str, headers: list, body: bytes, visitor_raw: str | None):
        cookies = [v for k, v in headers if k.lower() == "set-cookie"]
        if any(k.lower().startswith(("x-ratelimit", "retry-after")) for k, _ in headers):
            return None  # a rate-limit count belongs to one client
        if mark[0] == "page":
            return None if cookies else _Page(status, headers, body)
        _, _token, signed, raw, submission_key = mark
        if any(k.lower() == "content-encoding" for k, _ in headers):
            return None
        if visitor_raw is not None:
            # A session that already held its token: the page carries that token and sets no cookie.
            if cookies or raw != visitor_raw:
                return None
            set_cookie = None
        else:
            # The form's one cookie must be the fresh session holding the raw token and nothing else.
            if len(cookies) != 1:
                return None
            prefix = self.app.config["SESSION_COOKIE_NAME"] + "="
            if not cookies[0].startswith(prefix):
                return None
            value, _, rest = cookies[0][len(prefix):].partition(";")
            signers = _signers(self.app)
            try:
                if signers.cookies.loads(value) != {signers.field: raw}:
                    return None
            except Exception:
                return None
            set_cookie = (prefix, (";" + rest) if rest else "")
        if raw.encode() in body:
            return None
        parts: list = []
        for i, piece in enumerate(body.split(signed.encode("ascii"))):
            if i:
                parts.append("csrf")
            for j, bit in enumerate(piece.split(submission_key.encode("ascii"))):
                if j:
                    parts.append("key")
                parts.append(bit)
        if parts.count("key") != 1:
            return None
        if sum(k.lower() == "content-length" for k, _ in headers) != 1:
            return None
        kept = [(k, None) if k.lower() in ("set-cookie", "content-length") else (k, v) for k, v in headers]
        return _Form(status, kept, set_cookie, parts)


def _put_fast(store: _Store, key, entry) -> None:
    with _lock:
        if key[0] != store.fast_generation:
            store.fast.clear()
            store.fast_bytes = 0
            store.fast_generation = key[0]
        old = store.fast.pop(key, None)
        if old is not None:
            store.fast_bytes -= old.size()
        store.fast[key] = entry
        store.fast_bytes += entry.size()
        while len(store.fast) > MAX_ENTRIES or store.fast_bytes > MAX_BYTES:
            _, dropped = store.fast.popitem(last=False)
            store.fast_bytes -= dropped.size()


def init_app(app) -> None:
    """Put the fast path in front of the app (inside ProxyFix, so it sees the forwarded scheme)."""
    app.wsgi_app = FastPath(app, app.wsgi_app)
