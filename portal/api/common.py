"""Request parsing and error answers shared by every API endpoint."""
from __future__ import annotations

import hashlib
import json

from flask import abort, jsonify, make_response, request

from ..crypto import codes

JSON_TYPES = {"application/json"}
FORM_TYPES = {"multipart/form-data", "application/x-www-form-urlencoded"}


def read_input():
    """(data mapping, list of (filename, stream)) from JSON or multipart; 400/415 otherwise."""
    mimetype = request.mimetype
    if mimetype in JSON_TYPES or mimetype.endswith("+json"):
        try:
            data = request.get_json(silent=True)
        except RecursionError:
            # json.loads gives up on very deep nesting with RecursionError, which silent=True lets through.
            data = None
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


def idempotency_key() -> str | None:
    """The Idempotency-Key header, or None without one; a key outside 16-128 printable ASCII is a 422."""
    value = request.headers.get("Idempotency-Key")
    if value is None:
        return None
    key = codes.valid_submission_key(value)
    if key is None:
        abort(make_response(invalid({"Idempotency-Key": [
            f"Use {codes.SUBMISSION_KEY_MIN} to {codes.SUBMISSION_KEY_MAX} printable ASCII "
            "characters without spaces (a random UUID fits)."]})))
    return key


def body_digest() -> bytes:
    """A hash of what the request says (fields and file bytes), independent of JSON spacing or multipart boundary."""
    digest = hashlib.sha256()
    if request.mimetype in JSON_TYPES or request.mimetype.endswith("+json"):
        fields = request.get_json(silent=True)
        files = []
    else:
        # A part whose name could not be decoded comes back as None: order by text, keep the values.
        fields = sorted(request.form.items(multi=True), key=lambda item: (item[0] or "", item[1] or ""))
        files = []
        for name, upload in sorted(request.files.items(multi=True), key=lambda item: item[0] or ""):
            upload.stream.seek(0)
            files.append([name, upload.filename or "", hashlib.sha256(upload.stream.read()).hexdigest()])
            upload.stream.seek(0)
    try:
        canonical = json.dumps([fields, files], sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    except RecursionError:
        abort(make_response(jsonify({"error": "malformed JSON", "message": "Body nests too deeply."}), 400))
    digest.update(canonical.encode())
    return digest.digest()


def idempotency_conflict():
    return invalid({"Idempotency-Key": [
        "This key was already used with another request body; send a new key for a new submission."]})
