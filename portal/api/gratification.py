"""API endpoints of the gratification channel: thin wrappers around portal.gratification.services."""
from __future__ import annotations

from flask import jsonify, request, url_for

from .. import intake
from ..extensions import limiter
from ..gratification import services
from ..gratification.validation import validate
from . import bp
from .common import idempotency_key
from .views import lookup_limit, submit_with_key


@bp.post("/gratifications")
@intake.submission_limits("gratification")
def create_gratification():
    idempotency_key()  # a malformed key is refused before any work
    clean, files, refusal = intake.api_input(validate)
    if refusal is not None:
        return refusal
    receipt, conflict = submit_with_key(services.submit, clean, files)
    if conflict is not None:
        return conflict
    body = {
        "ticket": receipt.ticket,
        "access_code": receipt.access_code,
        "status": receipt.status,
        "submitted_at": receipt.submitted_at.isoformat(),
        "received_on": receipt.received_on.isoformat(),
        "report_deadline": receipt.report_deadline.isoformat(),
        "late": receipt.late,
        "exemption_hint": receipt.hint.message if receipt.hint else None,
        "exemption_rule": receipt.hint.code if receipt.hint else None,
        "replayed": receipt.replayed,
    }
    status = 200 if receipt.replayed else 201
    return jsonify(body), status, {"Location": url_for("api.get_gratification", ticket=receipt.ticket)}


@bp.get("/gratifications/<ticket>")
@limiter.limit(lookup_limit)
def get_gratification(ticket: str):
    report = services.lookup(ticket, request.headers.get("X-Access-Code"))
    if report is None:
        return jsonify({"error": "not found", "message": "Unknown ticket or wrong access code."}), 404
    return jsonify(services.as_api_dict(report))
