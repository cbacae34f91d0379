"""Public gratification pages: the campaign page, the report form, the receipt and the status page."""
from __future__ import annotations

import secrets

from flask import Blueprint, current_app, render_template, request
from flask_babel import gettext as _

from .. import intake, replies
from ..crypto import codes
from ..auth.access import public
from ..extensions import limiter
from . import exemptions, services
from .validation import validate

bp = public(Blueprint("gratification", __name__, url_prefix="/gratifikasi"))  # every route is for the public


def lookup_limit() -> str:
    return current_app.config["RATELIMIT_LOOKUP"]


@bp.app_template_filter("rupiah")
def _rupiah(value):
    return exemptions.rupiah(value)


@bp.get("")
def campaign():
    return render_template("gratification/index.html", table=exemptions.campaign_table(),
                           versions=exemptions.VERSIONS, others=exemptions.OTHER_EXEMPTIONS,
                           working_days=services.REPORT_WORKING_DAYS)


def _form(values=None, errors=None, status=200, submission_key=None):
    return render_template(
        "gratification/form.html",
        values=values or {},
        errors=errors or {},
        submission_key=submission_key or secrets.token_urlsafe(24),
        **intake.upload_limits(),
        working_days=services.REPORT_WORKING_DAYS,
    ), status


@bp.get("/lapor")
def new_report():
    return _form()


def _form_again():
    form = request.form
    return _form(form, None, 429, codes.valid_submission_key(form.get("submission_key")))


@bp.post("/lapor")
@intake.submission_limits("gratification", keep_input=_form_again)
def submit_report():
    form = request.form
    early, submission_key = intake.screen_form(form, services.find_replay, "gratification/receipt.html")
    if early is not None:
        return early
    clean, errors = validate(form)
    if form.get("declaration") != "yes":
        errors.setdefault("declaration", []).append(
            _("Centang pernyataan bahwa laporan ini benar dan persetujuan pengolahan data."))
    files, status = intake.form_files(errors)
    if errors:
        return _form(form, errors, status, submission_key)
    receipt = services.submit(clean, files, submission_key)
    return render_template("gratification/receipt.html", receipt=receipt)


@bp.get("/status")
def status():
    return render_template("gratification/status_form.html", values={}, not_found=False)


@bp.post("/status")
@limiter.limit(lookup_limit)
def show_status():
    ticket = (request.form.get("ticket") or "").strip()
    report = services.lookup(ticket, request.form.get("access_code"))
    if report is None:
        return render_template("gratification/status_form.html", values={"ticket": ticket}, not_found=True), 404
    return _status_page(report, request.form.get("access_code"))


def _status_page(report, access_code, status=200, **reply):
    return render_template("gratification/status.html", report=report, timeline=services.public_timeline(report),
                           next_step=services.decision_next_step(report), access_code=access_code,
                           closed=services.is_closed(report), reply=replies.form_state(**reply),
                           **intake.upload_limits()), status


@bp.post("/status/pesan")
@limiter.limit(lookup_limit)
def send_reply():
    """The reporter completes the report or answers the UPG, with text and files."""
    code = request.form.get("access_code")
    report = services.lookup(request.form.get("ticket"), code)
    if report is None:
        return render_template("gratification/status_form.html", values={}, not_found=True), 404
    return replies.form_reply(report, closed=services.is_closed(report), send=services.reply,
                              page=lambda status=200, **reply: _status_page(services.lookup(report.ticket, code), code,
                                                                            status=status, **reply))
