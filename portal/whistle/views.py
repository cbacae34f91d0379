"""Public WBS pages: guidance, the form, the receipt (shown once) and the receipt mailbox.

No JavaScript, nothing from another host, Cache-Control: no-store (portal.security). The receipt
travels only in POST bodies: never in a URL, a cookie or a log line.
"""
from __future__ import annotations

import functools

from flask import Blueprint, current_app, g, render_template, request
from flask_babel import gettext as _

from .. import intake, publicforms, uploads
from ..auth.access import public
from ..crypto import envelope
from ..errors import render_error
from ..extensions import limiter
from . import services
from .validation import MessageInput, TipInput

bp = public(Blueprint("whistle", __name__, url_prefix="/wbs"))  # every route is for the public
RECEIPT_SCOPE = "wbs-receipt"


def lookup_limit() -> str:
    return current_app.config["RATELIMIT_LOOKUP"]


# Every use of a receipt (page or API) counts against one budget per client address.
receipt_limit = limiter.shared_limit(lookup_limit, scope=RECEIPT_SCOPE)


def inspect_files():
    """(clean files, error message or None, status) from the multipart field `files`."""
    try:
        return intake.inspect(intake.request_files()), None, 200
    except uploads.UploadRefused as refused:
        return [], refused.message, refused.status


@bp.get("")
@bp.get("/")
def guide():
    return render_template("whistle/guide.html")


def _form(values=None, errors=None, status=200, submission_key=None):
    return publicforms.form_page("whistle/form.html", values, errors, status, submission_key,
                                 **intake.upload_limits())


def _already_sent():
    # A repeat of the same form: no second tip, and the receipt (never stored) cannot be shown again.
    g.submission_replayed = True
    return render_template("whistle/receipt.html", receipt=None, already_sent=True)


@bp.get("/kirim")
def new_tip():
    return _form()


@bp.post("/kirim")
@publicforms.submission("wbs", _form)
def submit_tip(form, submission_key):
    if services.already_sent(submission_key):
        return _already_sent()
    clean, errors = TipInput.check(form)
    files, status = intake.form_files(errors)
    if errors:
        # Never echo the attachment back, and keep the 4xx of the refusal (413/415) if any.
        return _form(form, errors, status, submission_key)
    try:
        receipt = services.submit(clean, files, submission_key)
    except services.AlreadySent:
        return _already_sent()
    return render_template("whistle/receipt.html", receipt=envelope.format_receipt(receipt))


@bp.get("/kotak")
def mailbox_form():
    return render_template("whistle/mailbox_form.html", not_found=False)


def _not_found():
    return render_template("whistle/mailbox_form.html", not_found=True), 404


def _integrity_page():
    return render_error(409, _("Data laporan tidak utuh"),
                        _("Data laporan ini gagal diperiksa keutuhannya (kemungkinan rusak atau diubah). Tidak ada "
                          "isi yang ditampilkan. Sampaikan kepada Tim WBS melalui kanal lain bahwa kotak pesan Anda "
                          "tidak dapat dibuka."))


def with_opened_tip(view):
    """Open the tip named by the posted receipt; an unknown receipt or a damaged tip never reaches the view."""
    @functools.wraps(view)
    def wrapper():
        try:
            opened = services.lookup(request.form.get("receipt"))
        except services.TipIntegrityError:
            return _integrity_page()
        if opened is None:
            return _not_found()
        return view(opened, request.form.get("receipt", ""))
    return wrapper


def _mailbox(opened, receipt: str, *, errors=None, notice=None, status=200):
    case = services.view(opened.tip, opened.data_key, with_fields=False)
    return render_template("whistle/mailbox.html", case=case, tip=opened.tip, receipt=receipt, errors=errors or {},
                           notice=notice, closing=services.closing_message(opened.tip, case),
                           **intake.upload_limits()), status


@bp.post("/kotak")
@receipt_limit
@with_opened_tip
def mailbox(opened, receipt: str):
    return _mailbox(opened, receipt)


@bp.post("/kotak/pesan")
@receipt_limit
@with_opened_tip
def mailbox_reply(opened, receipt: str):
    clean, errors = MessageInput.check(request.form)
    if errors:
        return _mailbox(opened, receipt, errors=errors, status=422)
    services.add_message(opened.tip.id, opened.data_key, clean["body"], services.REPORTER)
    return _mailbox(opened, receipt, notice=_("Pesan Anda terkirim kepada Tim WBS."))


@bp.post("/kotak/bukti")
@receipt_limit
@with_opened_tip
def mailbox_evidence(opened, receipt: str):
    files, problem, status = inspect_files()
    if problem or not files:
        return _mailbox(opened, receipt, errors={"files": [problem or _("Pilih minimal satu berkas.")]},
                        status=status if problem and status != 200 else 422)
    services.add_files(opened.tip.id, opened.data_key, files, services.REPORTER)
    return _mailbox(opened, receipt, notice=_("Bukti tambahan tersimpan terenkripsi."))
