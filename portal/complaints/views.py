"""Public complaint pages: the form, the receipt, and the status page (ticket + access code)."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import lazy_gettext as _l

from .. import uploads
from ..publicforms import TicketedPages
from ..crypto import codes
from ..auth.access import public
from ..extensions import limiter
from ..clock import local_today
from . import services
from .validation import ComplaintInput

bp = public(Blueprint("complaints", __name__, url_prefix="/pengaduan"))  # every route is for the public


def lookup_limit() -> str:
    return current_app.config["RATELIMIT_LOOKUP"]


pages = TicketedPages(
    channel="complaints", folder="complaints", services=services, case_name="complaint",
    validate=lambda form: ComplaintInput.check(form, today=local_today()),
    declaration=_l("Centang pernyataan bahwa isi pengaduan benar dan persetujuan pengolahan data."),
    status_context=lambda complaint: {"answer": services.final_answer(complaint), "rating_error": None})


pages.add_routes(bp, lookup_limit, form_rule="/baru", new="new_complaint", submit="submit_complaint")


@bp.post("/status/lampiran")
@limiter.limit(lookup_limit)
@pages.with_case
def download_attachment(complaint, _code):
    """A file of the case, for the holder of the access code (POSTed: the code never goes in a URL)."""
    item = next((a for a in complaint.attachments if str(a.id) == request.form.get("attachment")), None)
    if item is None:
        abort(404)
    return uploads.download_response(uploads.load(item.storage_name), item.content_type,
                                     f"{complaint.ticket}-{item.id}{uploads.extension_for(item.content_type)}")


@bp.post("/status/nilai")
@limiter.limit(lookup_limit)
@pages.with_case
def rate_answer(complaint, code):
    from .casework import CaseError, rate

    try:
        rate(complaint, request.form.get("rating"), request.form.get("comment"))
    except CaseError as exc:
        return pages.status_page(complaint, code, 422, context={"rating_error": exc.message})
    return pages.status_page(services.lookup(complaint.ticket, code), code)


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
