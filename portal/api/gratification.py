"""API endpoints of the gratification channel: thin wrappers around portal.gratification.services."""
from __future__ import annotations

from .. import intake
from ..extensions import limiter
from ..gratification import services
from ..gratification.validation import validate
from . import bp
from .views import create_case, lookup_limit, show_case


@bp.post("/gratifications")
@intake.submission_limits("gratification")
def create_gratification():
    return create_case(validate, services.submit, lambda receipt: {
        "received_on": receipt.received_on.isoformat(),
        "report_deadline": receipt.report_deadline.isoformat(),
        "late": receipt.late,
        "exemption_hint": receipt.hint.message if receipt.hint else None,
        "exemption_rule": receipt.hint.code if receipt.hint else None,
    }, "api.get_gratification")


@bp.get("/gratifications/<ticket>")
@limiter.limit(lookup_limit)
def get_gratification(ticket: str):
    return show_case(services, ticket)
