"""Sign-in pages: password, second factor (enrolment on first sign-in), sign-out, password change."""
from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import audit
from ..database import write_transaction
from ..extensions import db, limiter
from ..i18n import _safe_next
from . import services, setup, totp
from .. import hooks_login
from .access import (current_session, end_all_sessions, end_session, public, roles_required, start_session,
                     verify_session)

bp = Blueprint("auth", __name__, url_prefix="/kantor")
NEXT = "after_login"


def login_limit() -> str:
    return current_app.config["RATELIMIT_LOGIN"]


def _pending_user_id() -> int | None:
    record = current_session()
    if record is None or record.verified:
        return None
    return record.user_id


@bp.route("/masuk", methods=["GET", "POST"])
@public
@limiter.limit(login_limit, methods=["POST"])
def login():
    error, status = None, 200
    next_url = _safe_next(request.values.get("next"))
    if current_user.is_authenticated:
        return redirect(next_url if next_url != "/" else url_for("backoffice.dashboard"))
    if request.method == "POST":
        try:
            user = services.check_password(request.form.get("email"), request.form.get("password"))
        except services.AuthError as exc:
            error, status = exc.message, exc.status
        else:
            with write_transaction():
                record = start_session(user)  # nothing from before sign-in survives it
                session[NEXT] = next_url
                hooks_login.after_password(user, request.form.get("password") or "", record)
            if user.totp_enrolled_at is None:
                return redirect(url_for("auth.enrol"))
            return redirect(url_for("auth.second_factor"))
    return render_template("auth/login.html", error=error, next_url=next_url), status


@bp.route("/masuk/verifikasi", methods=["GET", "POST"])
@public
@limiter.limit(login_limit, methods=["POST"])
def second_factor():
    user_id = _pending_user_id()
    if user_id is None:
        return redirect(url_for("auth.login"))
    error, status = None, 200
    if request.method == "POST":
        try:
            user = services.check_second_factor(user_id, request.form.get("code"))
        except services.AuthError as exc:
            error, status = exc.message, exc.status
        else:
            return _finish_login(user)
    return render_template("auth/second_factor.html", error=error), status


def _finish_login(user):
    next_url = session.pop(NEXT, None) or "/"
    with write_transaction() as db_session:
        verify_session(db_session.merge(current_session()))
    return redirect(next_url if next_url != "/" else url_for("backoffice.dashboard"))


@bp.route("/masuk/daftar-2fa", methods=["GET", "POST"])
@public
@limiter.limit(login_limit, methods=["POST"])
def enrol():
    user_id = _pending_user_id()
    if user_id is None:
        return redirect(url_for("auth.login"))
    error = None
    if request.method == "POST":
        try:
            codes = services.confirm_enrolment(user_id, request.form.get("code"))
        except services.AuthError as exc:
            error = exc.message
        else:
            user = db.session.get(services.User, user_id)
            response = _finish_login(user)
            return render_template("auth/recovery_codes.html", codes=codes, continue_url=response.location)
    secret, uri = services.begin_enrolment(user_id)
    return render_template("auth/enrol.html", secret=secret, qr=totp.qr_svg(uri), error=error), (422 if error else 200)


@bp.post("/keluar")
@roles_required()
def logout():
    audit_user = current_user._get_current_object()
    with write_transaction():
        audit.log("logout", actor=audit_user)
    end_session()
    return redirect(url_for("auth.login"))


@bp.route("/akun/sandi", methods=["GET", "POST"])
@roles_required()
def change_password():
    errors = {}
    done = False
    if request.method == "POST":
        errors = services.change_password(current_user.id, request.form.get("current"),
                                          request.form.get("new"), request.form.get("confirm"))
        if not errors:
            with write_transaction() as db_session:
                record = db_session.merge(current_session())
                end_all_sessions(current_user.id, keep=record.id)
                verify_session(record)  # and this one continues under a new session id
            done = True
    return render_template("auth/password.html", errors=errors, done=done), (422 if errors else 200)


@bp.route("/akun/kode-pemulihan", methods=["GET", "POST"])
@roles_required()
@limiter.limit(login_limit, methods=["POST"])
def new_recovery_codes():
    error = None
    if request.method == "POST":
        try:
            codes = services.regenerate_recovery_codes(current_user.id, request.form.get("password"))
        except services.AuthError as exc:
            error = exc.message
        else:
            return render_template("auth/recovery_codes.html", codes=codes,
                                   continue_url=url_for("backoffice.dashboard"))
    return render_template("auth/recovery_regenerate.html", error=error), (422 if error else 200)


@bp.route("/pasang/<token>", methods=["GET", "POST"])
@public
@limiter.limit(login_limit, methods=["POST"])
def first_admin(token: str):
    if not setup.token_valid(token):
        return render_template("errors/error.html", code=404, title=_("Tautan tidak berlaku"),
                               message=_("Tautan pemasangan sudah dipakai, kedaluwarsa, atau admin sudah ada. Buat tautan baru dengan perintah: flask --app wsgi setup link")), 404
    errors = {}
    values = request.form
    if request.method == "POST":
        if request.form.get("password") != request.form.get("confirm"):
            errors["confirm"] = [_("Konfirmasi kata sandi tidak sama.")]
        if not (request.form.get("name") or "").strip():
            errors["name"] = [_("Wajib diisi.")]
        if "@" not in (request.form.get("email") or ""):
            errors["email"] = [_("Alamat surel tidak valid, contoh: nama@contoh.id.")]
        if not errors:
            try:
                services.create_user(request.form["email"], request.form["name"], {"admin"}, request.form["password"])
            except services.AuthError as exc:
                errors["password"] = [exc.message]
            else:
                setup.consume_token()
                return redirect(url_for("auth.login"))
    return render_template("auth/first_admin.html", errors=errors, values=values), (422 if errors else 200)
