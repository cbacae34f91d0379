"""Public gratification pages: the campaign page, the report form, the receipt and the status page."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask_babel import lazy_gettext as _l

from ..publicforms import TicketedPages
from ..auth.access import public
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


pages = TicketedPages(
    channel="gratification", folder="gratification", services=services, case_name="report", validate=validate,
    declaration=_l("Centang pernyataan bahwa laporan ini benar dan persetujuan pengolahan data."),
    status_context=lambda report: {"next_step": services.decision_next_step(report)},
    form_context=lambda: {"working_days": services.REPORT_WORKING_DAYS})


# /status/pesan: the reporter completes the report or answers the UPG, with text and files.
pages.add_routes(bp, lookup_limit, form_rule="/lapor", new="new_report", submit="submit_report")
