"""API endpoint of the SKM survey: a thin wrapper around portal.surveys.services."""
from __future__ import annotations

from flask import jsonify, request

from .. import intake
from ..surveys import services
from ..surveys.validation import SkmInput
from . import bp
from .common import JSON_TYPES, idempotency_key, invalid, read_input


@bp.post("/surveys/skm")
@intake.submission_limits("skm")
def create_skm_response():
    key = idempotency_key()  # a malformed key is refused before any work
    if not (request.mimetype in JSON_TYPES or request.mimetype.endswith("+json")):
        # Answers are JSON integers (CONTRACT.md); a form body would carry them as text.
        return jsonify({"error": "unsupported media type", "message": "Send application/json."}), 415
    data, _files = read_input()
    clean, errors = SkmInput.check(data)
    if errors:
        return invalid(errors)
    row = services.submit(clean, key)
    return jsonify({"service": row.service, "submitted_on": row.submitted_on.isoformat()}), 201
