"""API endpoints: thin wrappers around the same services as the HTML forms."""
from __future__ import annotations

from flask import current_app, jsonify, request, url_for

from .. import catalog, intake, replies
from ..complaints import services as complaint_services
from ..complaints.validation import ComplaintInput
from ..extensions import limiter
from ..clock import local_today
from . import bp
from .common import body_digest, idempotency_conflict, idempotency_key
from .spec import document


def lookup_limit() -> str:
    return current_app.config["RATELIMIT_LOOKUP"]


def default_limit() -> str:
    return current_app.config["RATELIMIT_API_DEFAULT"]


def submit_with_key(submit, clean: dict, files: list):
    """Run a channel's submit under the request's Idempotency-Key (bound to the body); 422 on reuse."""
    key = idempotency_key()
    try:
        return submit(clean, files, key, body_digest=body_digest() if key else None), None
    except intake.IdempotencyConflict:
        return None, idempotency_conflict()


def create_case(validate, submit, receipt_fields, endpoint: str):
    """POST of a ticketed channel: 201 with the receipt and its Location, 200 for a replay of the same key.

    `receipt_fields(receipt)` gives the channel's own fields of the answer; `endpoint` its GET."""
    idempotency_key()  # a malformed key is refused before any work
    clean, files, refusal = intake.api_input(validate)
    if refusal is not None:
        return refusal
    receipt, conflict = submit_with_key(submit, clean, files)
    if conflict is not None:
        return conflict
    body = {"ticket": receipt.ticket, "access_code": receipt.access_code, "status": receipt.status,
            "submitted_at": receipt.submitted_at.isoformat(), **receipt_fields(receipt), "replayed": receipt.replayed}
    return jsonify(body), 200 if receipt.replayed else 201, {"Location": url_for(endpoint, ticket=receipt.ticket)}


def lookup_case(services, ticket: str):
    """The case named by the URL's ticket and the X-Access-Code header, or None."""
    return services.lookup(ticket, request.headers.get("X-Access-Code"))


def case_not_found():
    return jsonify({"error": "not found", "message": "Unknown ticket or wrong access code."}), 404


def show_case(services, ticket: str):
    case = lookup_case(services, ticket)
    if case is None:
        return case_not_found()
    return jsonify(services.as_api_dict(case))


@bp.after_request
def _no_cookies(response):
    # The API is cookie-less: never hand a session to an API client.
    response.headers.pop("Set-Cookie", None)
    response.headers["Vary"] = "Accept-Language"
    return response


@bp.get("/openapi.json")
@limiter.limit(default_limit)
def openapi():
    return jsonify(document())


@bp.get("/categories")
@limiter.limit(default_limit)
def categories():
    return jsonify({
        "complaints": catalog.as_options(catalog.COMPLAINT_SERVICES),
        "complaint_problems": catalog.as_options(catalog.COMPLAINT_PROBLEMS),
        "complaint_classifications": catalog.as_options(catalog.COMPLAINT_CLASSIFICATIONS),
        "privacy_modes": catalog.as_options(catalog.PRIVACY_MODES),
        "gratification_items": catalog.as_options(catalog.GRATIFICATION_ITEMS),
        "gratification_relations": catalog.as_options(catalog.GRATIFICATION_RELATIONS),
        "gratification_occasions": catalog.as_options(catalog.GRATIFICATION_OCCASIONS),
        "wbs": catalog.as_options(catalog.WBS_CATEGORIES),
        "skm_unsur": [{"code": key, "label": str(name), "question": str(question),
                       "answers": [{"score": i, "label": str(text)} for i, text in enumerate(answers, 1)]}
                      for key, name, question, answers in catalog.SKM_UNSUR],
        "skm_sex": catalog.as_options(catalog.SKM_SEX),
        "skm_age": catalog.as_options(catalog.SKM_AGE),
        "skm_education": catalog.as_options(catalog.SKM_EDUCATION),
        "skm_occupation": catalog.as_options(catalog.SKM_OCCUPATION),
    })


@bp.post("/complaints")
@intake.submission_limits("complaints")
def create_complaint():
    return create_case(lambda data: ComplaintInput.check(data, today=local_today()), complaint_services.submit,
                       lambda receipt: {"verification_due": receipt.verification_due.isoformat()
                                        if receipt.verification_due else None},
                       "api.get_complaint")


@bp.get("/complaints/<ticket>")
@limiter.limit(lookup_limit)
def get_complaint(ticket: str):
    return show_case(complaint_services, ticket)


@bp.post("/complaints/<ticket>/messages")
@limiter.limit(lookup_limit)
def post_complaint_message(ticket: str):
    complaint = lookup_case(complaint_services, ticket)
    if complaint is None:
        return case_not_found()
    if complaint_services.is_closed(complaint):
        return _closed()
    clean, files, refusal = intake.api_input(reply_input)
    if refusal is not None:
        return refusal
    try:
        resumed = complaint_services.reply(complaint, clean["body"], files)
    except replies.CaseClosed:
        return _closed()
    fresh = lookup_case(complaint_services, ticket)
    return jsonify({"ticket": fresh.ticket, "status": fresh.status, "resumed": resumed,
                    "deadline": fresh.due_on.isoformat() if fresh.due_on else None}), 201


def _closed():
    return jsonify({"error": "closed", "message": "This case is closed; it takes no more messages."}), 409


def reply_input(data) -> tuple[dict, dict]:
    return replies.ReplyInput.check(data)
