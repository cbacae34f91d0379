"""Request parsing and error answers shared by every API endpoint."""
from __future__ import annotations

from flask import abort, jsonify, make_response, request

JSON_TYPES = {"application/json"}
FORM_TYPES = {"multipart/form-data", "application/x-www-form-urlencoded"}


def read_input():
    """(data mapping, list of (filename, stream)) from JSON or multipart; 400/415 otherwise."""
    mimetype = request.mimetype
    if mimetype in JSON_TYPES or mimetype.endswith("+json"):
        data = request.get_json(silent=True)
        if not isinstance(data, dict):
            abort(make_response(jsonify({"error": "malformed JSON", "message": "Body must be a JSON object."}), 400))
        return data, []
    if mimetype in FORM_TYPES:
        files = [(f.filename or "", f.stream) for f in request.files.getlist("files")]
        return request.form, files
    abort(make_response(jsonify({"error": "unsupported media type",
                                 "message": "Send application/json or multipart/form-data."}), 415))


def invalid(errors: dict, status: int = 422):
    return jsonify({"errors": errors}), status
