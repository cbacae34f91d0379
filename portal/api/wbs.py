"""WBS API (CONTRACT.md): submit a tip, read the mailbox and answer with the receipt header."""
from __future__ import annotations

from flask import jsonify, request

from .. import intake, uploads
from ..whistle import services
from ..whistle.validation import MessageInput, TipInput
from ..whistle.views import receipt_limit
from . import bp
from .common import invalid, read_input


def _not_found():
    return jsonify({"error": "not found", "message": "Unknown receipt."}), 404


def _broken():
    return jsonify({"error": "integrity", "message": "The stored tip failed its integrity check.",
                    "status": 409}), 409


def _opened():
    try:
        return services.lookup(request.headers.get("X-Receipt"))
    except services.TipIntegrityError:
        return "broken"


@bp.post("/wbs/tips")
@intake.submission_limits("wbs")
def create_wbs_tip():
    clean, files, refusal = intake.api_input(TipInput.check)
    if refusal is not None:
        return refusal
    receipt = services.submit(clean, files)
    return jsonify({"receipt": receipt}), 201


@bp.get("/wbs/tips/me")
@receipt_limit
def get_wbs_tip():
    opened = _opened()
    if opened == "broken":
        return _broken()
    if opened is None:
        return _not_found()
    return jsonify(services.as_api_dict(opened))


@bp.post("/wbs/tips/me/messages")
@receipt_limit
def post_wbs_message():
    opened = _opened()
    if opened == "broken":
        return _broken()
    if opened is None:
        return _not_found()
    data, _files = read_input()
    clean, errors = MessageInput.check(data)
    if errors:
        return invalid(errors)
    message_id = services.add_message(opened.tip.id, opened.data_key, clean["body"], services.REPORTER)
    return jsonify({"id": message_id, "status": opened.tip.status}), 201


@bp.post("/wbs/tips/me/files")
@receipt_limit
def post_wbs_files():
    opened = _opened()
    if opened == "broken":
        return _broken()
    if opened is None:
        return _not_found()
    _data, raw_files = read_input()
    try:
        files = intake.inspect(raw_files)
    except uploads.UploadRefused as refused:
        return invalid({"files": [refused.message]}, refused.status if refused.status in (413, 415) else 422)
    if not files:
        return invalid({"files": ["Send at least one file in the multipart field `files`."]})
    count = services.add_files(opened.tip.id, opened.data_key, files, services.REPORTER)
    return jsonify({"stored": count}), 201
