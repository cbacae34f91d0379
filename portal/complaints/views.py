"""Public complaint pages: the form, the receipt, and the status page (ticket + access code)."""
from __future__ import annotations

import secrets

from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import gettext as _

from .. import intake, replies, uploads
from ..crypto import codes
from ..auth.access import public
from ..extensions import limiter
from ..clock import local_today
from . import services
from .validation import ComplaintInput

bp = public(Blueprint("complaints", __name__, url_prefix="/pengaduan"))  # every route is for the public


def lookup_limit() -> str:
    return current_app.config["RATELIMIT_LOOKUP"]


def _form(values=None, errors=None, status=200, submission_key=None):
    return render_template(
        "complaints/form.html",
        values=values or {},
        errors=errors or {},
        submission_key=submission_key or secrets.token_urlsafe(24),
        **intake.upload_limits(),
    ), status


@bp.get("/baru")
def new_complaint():
    return _form()


def _form_again():
    form = request.form
    return _form(form, None, 429, codes.valid_submission_key(form.get("submission_key")))


@bp.post("/baru")
@intake.submission_limits("complaints", keep_input=_form_again)
def submit_complaint():
    form = request.form
    early, submission_key = intake.screen_form(form, services.find_replay, "complaints/receipt.html")
    if early is not None:
        return early
    clean, errors = ComplaintInput.check(form, today=local_today())
    if form.get("declaration") != "yes":
        errors.setdefault("declaration", []).append(
            _("Centang pernyataan bahwa isi pengaduan benar dan persetujuan pengolahan data."))
    files, status = intake.form_files(errors)
    if errors:
        return _form(form, errors, status, submission_key)
    receipt = services.submit(clean, files, submission_key)
    return render_template("complaints/receipt.html", receipt=receipt)


@bp.get("/status")
def status():
    return render_template("complaints/status_form.html", values={}, not_found=False)


@bp.post("/status")
@limiter.limit(lookup_limit)
def show_status():
    ticket = (request.form.get("ticket") or "").strip()
    complaint = services.lookup(ticket, request.form.get("access_code"))
    if complaint is None:
        return render_template("complaints/status_form.html", values={"ticket": ticket}, not_found=True), 404
    return _status_page(complaint, request.form.get("access_code"))


def _status_page(complaint, access_code, rating_error=None, status=200, **reply):
    return render_template("complaints/status.html", complaint=complaint, access_code=access_code,
                           timeline=services.public_timeline(complaint), answer=services.final_answer(complaint),
                           rating_error=rating_error, closed=services.is_closed(complaint),
                           reply=replies.form_state(**reply), **intake.upload_limits()), status


@bp.post("/status/pesan")
@limiter.limit(lookup_limit)
def send_reply():
    code = request.form.get("access_code")
    complaint = services.lookup(request.form.get("ticket"), code)
    if complaint is None:
        return render_template("complaints/status_form.html", values={}, not_found=True), 404
    return replies.form_reply(complaint, closed=services.is_closed(complaint), send=services.reply,
                              page=lambda status=200, **reply: _status_page(services.lookup(complaint.ticket, code),
                                                                            code, status=status, **reply))


@bp.post("/status/lampiran")
@limiter.limit(lookup_limit)
def download_attachment():
    """A file of the case, for the holder of the access code (POSTed: the code never goes in a URL)."""
    complaint = services.lookup(request.form.get("ticket"), request.form.get("access_code"))
    if complaint is None:
        return render_template("complaints/status_form.html", values={}, not_found=True), 404
    item = next((a for a in complaint.attachments if str(a.id) == request.form.get("attachment")), None)
    if item is None:
        abort(404)
    return uploads.download_response(uploads.load(item.storage_name), item.content_type,
                                     f"{complaint.ticket}-{item.id}{uploads.extension_for(item.content_type)}")


@bp.post("/status/nilai")
@limiter.limit(lookup_limit)
def rate_answer():
    from .casework import CaseError, rate

    code = request.form.get("access_code")
    complaint = services.lookup(request.form.get("ticket"), code)
    if complaint is None:
        return render_template("complaints/status_form.html", values={}, not_found=True), 404
    try:
        rate(complaint, request.form.get("rating"), request.form.get("comment"))
    except CaseError as exc:
        return _status_page(complaint, code, exc.message, 422)
    return _status_page(services.lookup(complaint.ticket, code), code)


def code_reissue_limit() -> str:
    return current_app.config["RATELIMIT_CODE_REISSUE"]


def _ticket_key() -> str:
    # Per ticket across every address: hashed so the limiter's store holds no ticket.
    return "reissue-" + codes.submission_key_hash((request.form.get("ticket") or "").strip().upper()[:30])


@bp.get("/kode-hilang")
def lost_code():
    return render_template("complaints/lost_code.html", sent=False)


@bp.post("/kode-hilang")
@limiter.limit(code_reissue_limit)
@limiter.limit(code_reissue_limit, key_func=_ticket_key, scope="reissue-ticket")
def reissue_code():
    services.reissue_code(request.form.get("ticket"))
    # The same answer whether or not the ticket exists or has an address: nothing to enumerate.
    return render_template("complaints/lost_code.html", sent=True)


@bp.get("/berhenti-surel/<token>")
def unsubscribe(token: str):
    from .mailing import ticket_from_token

    if ticket_from_token(token) is None:
        abort(404)
    return render_template("complaints/unsubscribe.html", token=token, done=False)


@bp.post("/berhenti-surel/<token>")
@limiter.limit(lookup_limit)
def confirm_unsubscribe(token: str):
    from .mailing import ticket_from_token

    ticket = ticket_from_token(token)
    if ticket is None:
        abort(404)
    services.stop_mail(ticket)
    return render_template("complaints/unsubscribe.html", token=token, done=True)
