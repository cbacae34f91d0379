"""Who may reach what: server-side sessions, idle expiry, and the roles every route declares."""
from __future__ import annotations

import functools
from datetime import timedelta

from flask import abort, current_app, g, redirect, request, session, url_for
from flask_login import current_user
from sqlalchemy import delete, select, update

from ..crypto import sessions as session_crypto
from ..database import write_transaction
from ..extensions import db, login_manager
from ..models import User, UserSession
from ..models.types import utcnow

SESSION_KEY = "sid"
PUBLIC = "public"
ANY_ACCOUNT = "*"  # roles_required(): any signed-in account


_hash = session_crypto.session_token_hash


def start_session(user: User) -> UserSession:
    """A fresh, not yet verified session: whatever the browser held before is thrown away."""
    token = session_crypto.new_session_token()
    record = UserSession(token_hash=_hash(token), user_id=user.id, verified=False)
    db.session.add(record)
    session.clear()
    session[SESSION_KEY] = token
    session.permanent = False
    g.user_session = record
    return record


def verify_session(record: UserSession) -> None:
    """The second factor passed: a new token (new session id) and the session admits its user."""
    token = session_crypto.new_session_token()
    record.token_hash = _hash(token)
    record.verified = True
    record.last_seen = utcnow()
    session[SESSION_KEY] = token


def current_session() -> UserSession | None:
    if "user_session" in g:
        return g.user_session
    token = session.get(SESSION_KEY)
    record = None
    if isinstance(token, str):
        record = db.session.scalar(select(UserSession).where(UserSession.token_hash == _hash(token)))
        idle = timedelta(seconds=current_app.config["SESSION_IDLE_SECONDS"] if record is None or record.verified
                         else current_app.config["LOGIN_PENDING_SECONDS"])
        if record is not None and utcnow() - record.last_seen > idle:
            with write_transaction() as session_:  # (the read above must not turn into a writer: see _load_user)
                session_.execute(delete(UserSession).where(UserSession.id == record.id))
            record = None
            g.session_expired = True
    g.user_session = record
    return record


def end_session() -> None:
    record = current_session()
    if record is not None:
        with write_transaction() as session_:
            session_.execute(delete(UserSession).where(UserSession.id == record.id))
    session.clear()
    g.user_session = None


def end_all_sessions(user_id: int, keep: int | None = None) -> None:
    query = delete(UserSession).where(UserSession.user_id == user_id)
    if keep is not None:
        query = query.where(UserSession.id != keep)
    db.session.execute(query)


@login_manager.request_loader
def _load_user(_request):
    record = current_session()
    if record is None or not record.verified:
        return None
    user = db.session.get(User, record.user_id)
    if user is None or not user.active:
        return None
    # Touch at most once a minute: idle expiry needs minutes, not a write per request. In its own write
    # transaction (BEGIN IMMEDIATE, which waits for the lock): on SQLite the read transaction that found the
    # session cannot become a writer once another request has committed since its first read — it fails at
    # once with "database is locked", without waiting (a GET answered 500 under load, bench/memory.py).
    if utcnow() - record.last_seen > timedelta(seconds=60):
        with write_transaction() as session_:
            session_.execute(update(UserSession).where(UserSession.id == record.id).values(last_seen=utcnow()))
    return user


def public(target):
    """Declare a view, or every view of a blueprint, reachable by anyone (citizens, API clients).

    A blueprint is declared public only when every one of its routes is for the public; a view's
    own declaration wins over its blueprint's.
    """
    target.portal_roles = PUBLIC
    return target


def roles_required(*roles: str):
    """Declare and enforce: signed-in (with second factor) and holding one of `roles`; `()` means any
    signed-in account."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                if request.method == "GET":
                    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
                abort(401)
            if roles and not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        wrapper.portal_roles = frozenset(roles) if roles else frozenset({ANY_ACCOUNT})
        return wrapper

    return decorator


def declaration(app, endpoint: str) -> str | frozenset | None:
    """Who may reach `endpoint`: PUBLIC, a set of roles (ANY_ACCOUNT = any signed-in account), or None
    when nothing was declared, on the view or on the blueprint that holds it."""
    view = app.view_functions.get(endpoint)
    declared = getattr(view, "portal_roles", None)
    if declared is None and "." in endpoint:
        declared = getattr(app.blueprints.get(endpoint.rpartition(".")[0]), "portal_roles", None)
    return declared


def _refuse_undeclared():
    """Deny by default: a route that declares neither `public` nor its roles answers nobody."""
    endpoint = request.endpoint
    if endpoint is not None and declaration(current_app, endpoint) is None:
        current_app.logger.error("route %s declares neither public nor its roles: refused", endpoint)
        abort(403)


def init_app(app) -> None:
    login_manager.init_app(app)
    login_manager.session_protection = None  # our own server-side sessions do this job
    app.config.setdefault("SESSION_IDLE_SECONDS", 30 * 60)
    app.config.setdefault("LOGIN_PENDING_SECONDS", 5 * 60)
    if "static" in app.view_functions:
        public(app.view_functions["static"])  # the portal's own CSS, images and fonts
    app.before_request(_refuse_undeclared)
