"""Public gratification pages: the campaign page, the report form, the receipt and the status page."""
from __future__ import annotations

import secrets

from flask import Blueprint, current_app, render_template, request
from flask_babel import gettext as _

from .. import secrets_util, uploads
from ..errors import render_error
from ..extensions import limiter
from . import exemptions, services
from .validation import validate

bp = Blueprint("gratification", __name__, url_prefix="/gratifikasi")
HONEYPOT_FIELD = "website"


def submit_limit() -> str:
    return current_app.config["RATELIMIT_SUBMIT"]


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
        max_files=current_app.config["ATTACHMENT_MAX_FILES"],
        max_mb=current_app.config["ATTACHMENT_MAX_BYTES"] // (1024 * 1024),
        working_days=services.REPORT_WORKING_DAYS,
    ), status


@bp.get("/lapor")
def new_report():
    return _form()


@bp.post("/lapor")
@limiter.limit(submit_limit)
def submit_report():
    form = request.form
    if form.get(HONEYPOT_FIELD):
        return render_error(400, _("Formulir tidak dapat diproses"),
                            _("Kolom tersembunyi terisi, sehingga kiriman ini dianggap otomatis. Jika Anda manusia, kosongkan kolom tersebut lalu kirim ulang."))
    submission_key = secrets_util.valid_submission_key(form.get("submission_key"))
    replay = services.find_replay(submission_key)
    if replay:
        return render_template("gratification/receipt.html", receipt=replay)
    clean, errors = validate(form)
    if form.get("declaration") != "yes":
        errors.setdefault("declaration", []).append(
            _("Centang pernyataan bahwa laporan ini benar dan persetujuan pengolahan data."))
    status = 422
    files = []
    try:
        files = uploads.inspect_uploads(
            [(f.filename or "", f.stream) for f in request.files.getlist("files")],
            current_app.config["ATTACHMENT_MAX_FILES"], current_app.config["ATTACHMENT_MAX_BYTES"])
    except uploads.UploadRefused as refused:
        errors.setdefault("files", []).append(refused.message)
        status = refused.status
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
    return render_template("gratification/status.html", report=report, timeline=services.public_timeline(report))
