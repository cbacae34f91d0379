"""The OpenAPI 3 description of API v1; schemas here are what the endpoints really answer."""
from __future__ import annotations

from flask import current_app

from .. import catalog
from ..complaints.validation import DESCRIPTION_MAX, DESCRIPTION_MIN


def _codes(mapping) -> list[str]:
    return list(mapping.keys())


ERROR = {"type": "object", "properties": {"error": {"type": "string"}, "message": {"type": "string"},
                                           "status": {"type": "integer"}}}
VALIDATION = {"type": "object", "required": ["errors"], "properties": {"errors": {
    "type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}}}}


def _err(description: str, schema=None) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema or ERROR}}}


COMMON_ERRORS = {
    "400": _err("Malformed body"),
    "413": _err("Body or attachment too large", {"anyOf": [ERROR, VALIDATION]}),
    "415": _err("Unsupported body or attachment type", {"anyOf": [ERROR, VALIDATION]}),
    "422": _err("Invalid fields", VALIDATION),
    "429": _err("Rate limited"),
}


def _complaint_input() -> dict:
    text = {"type": "string"}
    return {
        "type": "object",
        "required": ["category", "description"],
        "properties": {
            "category": {"type": "string", "enum": _codes(catalog.COMPLAINT_SERVICES),
                         "description": "Service complained about (GET /categories → complaints)"},
            "problem": {"type": "string", "enum": _codes(catalog.COMPLAINT_PROBLEMS)},
            "classification": {"type": "string", "enum": _codes(catalog.COMPLAINT_CLASSIFICATIONS)},
            "privacy": {"type": "string", "enum": _codes(catalog.PRIVACY_MODES), "default": "open"},
            "subject": {"type": "string", "maxLength": 200},
            "description": {"type": "string", "minLength": DESCRIPTION_MIN, "maxLength": DESCRIPTION_MAX},
            "location": {"type": "string", "maxLength": 200},
            "incident_date": {"type": "string", "format": "date"},
            "requested_resolution": {"type": "string", "maxLength": 2000},
            "name": {"type": "string", "maxLength": 120},
            "nik": {"type": "string", "pattern": "^[0-9]{16}$"},
            "email": {"type": "string", "format": "email"},
            "phone": text,
            "address": {"type": "string", "maxLength": 300},
            "notify": {"type": "boolean", "description": "Mail the citizen at every public step (needs email)"},
        },
    }


def document() -> dict:
    receipt = {
        "type": "object",
        "required": ["ticket", "access_code", "status", "submitted_at"],
        "properties": {
            "ticket": {"type": "string", "pattern": "^PGD-[0-9]{4}-[0-9]{6,}$"},
            "access_code": {"type": ["string", "null"], "description": "Shown once; null on a replay after the replay window"},
            "status": {"type": "string"},
            "submitted_at": {"type": "string", "format": "date-time"},
            "verification_due": {"type": ["string", "null"], "format": "date"},
            "replayed": {"type": "boolean"},
        },
    }
    timeline_entry = {"type": "object", "properties": {
        "at": {"type": "string", "format": "date-time"}, "kind": {"type": "string"},
        "status": {"type": ["string", "null"]}, "status_label": {"type": ["string", "null"]},
        "body": {"type": ["string", "null"]}}}
    complaint_view = {
        "type": "object",
        "required": ["ticket", "status", "category", "submitted_at", "subject", "description", "attachments",
                     "deadline", "answer", "timeline"],
        "properties": {
            "ticket": {"type": "string"}, "status": {"type": "string"}, "status_label": {"type": "string"},
            "category": {"type": "string"}, "problem": {"type": "string"},
            "classification": {"type": "string"}, "privacy": {"type": "string"},
            "submitted_at": {"type": "string", "format": "date-time"},
            "subject": {"type": ["string", "null"]},
            "description": {"type": "string"},
            "attachments": {"type": "array", "items": {"type": "object", "required": ["name", "size"], "properties": {
                "name": {"type": "string"}, "size": {"type": "integer"}}}},
            "deadline": {"type": ["string", "null"], "format": "date", "description": "Due date of the current step"},
            "due_on": {"type": ["string", "null"], "format": "date", "description": "Same as deadline (older name)"},
            "rating": {"type": ["integer", "null"]},
            "answer": {"type": ["string", "null"], "description": "The office's final answer (jawaban resmi)"},
            "timeline": {"type": "array", "items": timeline_entry},
        },
    }
    option_list = {"type": "array", "items": {"type": "object", "required": ["code", "label"], "properties": {
        "code": {"type": "string"}, "label": {"type": "string"}}}}
    max_files = current_app.config["ATTACHMENT_MAX_FILES"]
    message_input = {"type": "object", "required": ["body"], "properties": {
        "body": {"type": "string", "minLength": 1, "maxLength": 10_000}}}
    multipart = {"type": "object", "properties": {
        **_complaint_input()["properties"],
        "files": {"type": "array", "maxItems": max_files, "items": {"type": "string", "format": "binary"}}}}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Portal Integritas API",
            "version": "1",
            "description": "Public API of Portal Integritas: complaints (pengaduan), gratification reports and WBS tips. "
                           "No cookies, no CSRF; rate-limited per client.",
        },
        "servers": [{"url": "/api/v1"}],
        "paths": {
            "/categories": {"get": {
                "summary": "Code lists for every channel",
                "responses": {"200": {"description": "Code lists", "content": {"application/json": {"schema": {
                    "type": "object", "required": ["complaints", "gratification_items", "wbs"],
                    "properties": {"complaints": option_list, "gratification_items": option_list, "wbs": option_list},
                    "additionalProperties": option_list}}}}, "429": COMMON_ERRORS["429"]},
            }},
            "/complaints": {"post": {
                "summary": "File a complaint",
                "parameters": [{"name": "Idempotency-Key", "in": "header", "required": False,
                                "schema": {"type": "string", "minLength": 16, "maxLength": 128, "pattern": "^[!-~]{16,128}$"},
                                "description": "Repeat a request with the same key and the same body to get the same ticket "
                                "(no duplicate); the same key with another body is refused (422), and so is a "
                                "key outside 16-128 printable ASCII characters."}],
                "requestBody": {"required": True, "content": {
                    "application/json": {"schema": _complaint_input()},
                    "multipart/form-data": {"schema": multipart}}},
                "responses": {
                    "201": {"description": "Stored", "content": {"application/json": {"schema": receipt}}},
                    "200": {"description": "Already stored with this Idempotency-Key", "content": {"application/json": {"schema": receipt}}},
                    **COMMON_ERRORS,
                },
            }},
            "/complaints/{ticket}": {"get": {
                "summary": "Status and public timeline of a complaint",
                "parameters": [
                    {"name": "ticket", "in": "path", "required": True, "schema": {"type": "string"}},
                    {"name": "X-Access-Code", "in": "header", "required": True, "schema": {"type": "string"}},
                ],
                "responses": {
                    "200": {"description": "The complaint", "content": {"application/json": {"schema": complaint_view}}},
                    "404": _err("Unknown ticket or wrong access code (indistinguishable)"),
                    "429": COMMON_ERRORS["429"],
                },
            }},
            "/complaints/{ticket}/messages": {"post": {
                "summary": "The citizen answers the office: completes a Tertunda request or adds evidence",
                "description": "A case in Tertunda (pending) returns to the step it came from, whose deadline "
                               "runs again from today.",
                "parameters": [
                    {"name": "ticket", "in": "path", "required": True, "schema": {"type": "string"}},
                    {"name": "X-Access-Code", "in": "header", "required": True, "schema": {"type": "string"}},
                ],
                "requestBody": {"required": True, "content": {
                    "application/json": {"schema": message_input},
                    "multipart/form-data": {"schema": {"type": "object", "required": ["body"], "properties": {
                        **message_input["properties"],
                        "files": {"type": "array", "maxItems": max_files,
                                  "items": {"type": "string", "format": "binary"}}}}}}},
                "responses": {
                    "201": {"description": "Stored", "content": {"application/json": {"schema": {
                        "type": "object", "required": ["ticket", "status", "deadline"], "properties": {
                            "ticket": {"type": "string"}, "status": {"type": "string"},
                            "resumed": {"type": ["string", "null"]},
                            "deadline": {"type": ["string", "null"], "format": "date"}}}}}},
                    "404": _err("Unknown ticket or wrong access code (indistinguishable)"),
                    "409": _err("The case is closed"),
                    **COMMON_ERRORS,
                },
            }},
            **wbs_paths(),
            **gratification_paths(),
            **reports_paths(),
            **skm_paths(),
        },
    }


def wbs_paths() -> dict:
    """The WBS endpoints (portal/api/wbs.py); the receipt travels only in the X-Receipt header."""
    from ..whistle.validation import CONTACT_MAX, MESSAGE_MAX, SHORT_MAX, TEXT_MAX, WHAT_MIN

    receipt_header = {"name": "X-Receipt", "in": "header", "required": True,
                      "schema": {"type": "string", "pattern": "^[0-9 -]{16,39}$"},
                      "description": "The 16-digit receipt (spaces and hyphens ignored)."}
    tip_input = {
        "type": "object",
        "required": ["what"],
        "properties": {
            "what": {"type": "string", "minLength": WHAT_MIN, "maxLength": TEXT_MAX, "description": "What happened"},
            "who": {"type": "string", "maxLength": SHORT_MAX, "description": "Who is involved"},
            "where": {"type": "string", "maxLength": SHORT_MAX},
            "when": {"type": "string", "maxLength": SHORT_MAX},
            "how": {"type": "string", "maxLength": TEXT_MAX},
            "category": {"type": "string", "enum": _codes(catalog.WBS_CATEGORIES), "default": "lainnya"},
            "contact": {"type": "string", "maxLength": CONTACT_MAX, "description": "Optional; kept encrypted"},
        },
    }
    multipart = {"type": "object", "properties": {**tip_input["properties"], "files": {
        "type": "array", "items": {"type": "string", "format": "binary"}}}, "required": ["what"]}
    message = {"type": "object", "properties": {
        "id": {"type": "integer"}, "from": {"type": "string", "enum": ["reporter", "handler"]},
        "on": {"type": "string", "format": "date"}, "body": {"type": ["string", "null"]},
        "intact": {"type": "boolean"}}}
    mailbox = {"type": "object", "required": ["status", "messages"], "properties": {
        "status": {"type": "string"}, "status_label": {"type": "string"}, "category": {"type": ["string", "null"]},
        "submitted_on": {"type": "string", "format": "date"}, "messages": {"type": "array", "items": message},
        "attachments": {"type": "array", "items": {"type": "object"}},
        "closing_message": {"type": ["string", "null"],
                            "description": "The handlers' closing words, once the tip is closed"}}}
    not_found = _err("Unknown receipt")
    return {
        "/wbs/tips": {"post": {
            "summary": "Send a whistleblowing tip (4W1H); the receipt is shown once and never stored in clear",
            "requestBody": {"required": True, "content": {"application/json": {"schema": tip_input},
                                                          "multipart/form-data": {"schema": multipart}}},
            "responses": {"201": {"description": "Stored", "content": {"application/json": {"schema": {
                "type": "object", "required": ["receipt"],
                "properties": {"receipt": {"type": "string", "pattern": "^[0-9]{16}$"}}}}}}, **COMMON_ERRORS},
        }},
        "/wbs/tips/me": {"get": {
            "summary": "Status and messages of the tip named by the receipt",
            "parameters": [receipt_header],
            "responses": {"200": {"description": "The mailbox", "content": {"application/json": {"schema": mailbox}}},
                          "404": not_found, "409": _err("Stored data failed its integrity check"),
                          "429": COMMON_ERRORS["429"]},
        }},
        "/wbs/tips/me/messages": {"post": {
            "summary": "Answer the handlers",
            "parameters": [receipt_header],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["body"],
                "properties": {"body": {"type": "string", "minLength": 1, "maxLength": MESSAGE_MAX}}}}}},
            "responses": {"201": {"description": "Stored", "content": {"application/json": {"schema": {
                "type": "object", "properties": {"id": {"type": "integer"}, "status": {"type": "string"}}}}}},
                "404": not_found, **COMMON_ERRORS},
        }},
        "/wbs/tips/me/files": {"post": {
            "summary": "Add evidence (multipart field `files`)",
            "parameters": [receipt_header],
            "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
                "type": "object", "properties": {"files": {"type": "array", "items": {
                    "type": "string", "format": "binary"}}}}}}},
            "responses": {"201": {"description": "Stored", "content": {"application/json": {"schema": {
                "type": "object", "properties": {"stored": {"type": "integer"}}}}}},
                "404": not_found, **COMMON_ERRORS},
        }},
    }


def gratification_paths() -> dict:
    """The gratification endpoints (portal/api/gratification.py)."""
    from ..gratification.validation import CONFIRM_FIELD, DESCRIPTION_MAX, DESCRIPTION_MIN, VALUE_MAX

    report_input = {
        "type": "object",
        "required": ["action", "reporter_name", "reporter_position", "reporter_unit", "giver_relation",
                     "item_type", "description", "received_on", "occasion"],
        "description": "Give reporter_phone or reporter_email (at least one).",
        "properties": {
            "action": {"type": "string", "enum": _codes(catalog.GRATIFICATION_ACTIONS)},
            "reporter_name": {"type": "string", "maxLength": 120},
            "reporter_nip": {"type": "string", "pattern": "^[0-9 ]{18,}$", "description": "18 digits (NIP)"},
            "reporter_nik": {"type": "string", "pattern": "^[0-9]{16}$",
                             "description": "16 digits (NIK); stored encrypted, shown only to the UPG"},
            "reporter_position": {"type": "string", "maxLength": 150},
            "reporter_unit": {"type": "string", "maxLength": 200},
            "reporter_phone": {"type": "string"},
            "reporter_email": {"type": "string", "format": "email"},
            "giver_name": {"type": "string", "maxLength": 120},
            "giver_institution": {"type": "string", "maxLength": 200, "description": "Giver's agency or occupation"},
            "giver_address": {"type": "string", "maxLength": 300, "description": "Stored encrypted"},
            "conflict_of_interest": {"type": "boolean",
                                     "description": "Whether the giver has business with the reporter's office "
                                                    "(benturan kepentingan); omit when unknown"},
            "giver_relation": {"type": "string", "enum": _codes(catalog.GRATIFICATION_RELATIONS)},
            "item_type": {"type": "string", "enum": _codes(catalog.GRATIFICATION_ITEMS),
                          "description": "Object type (GET /categories → gratification_items)"},
            "description": {"type": "string", "minLength": DESCRIPTION_MIN, "maxLength": DESCRIPTION_MAX},
            "estimated_value": {"type": "integer", "minimum": 1, "maximum": VALUE_MAX,
                                "description": "Whole rupiah; omit when unknown"},
            "received_on": {"type": "string", "format": "date", "description": "Not in the future"},
            "place_received": {"type": "string", "maxLength": 200},
            "occasion": {"type": "string", "enum": _codes(catalog.GRATIFICATION_OCCASIONS)},
            "perishable": {"type": "boolean", "default": False},
            "deposited_with_upg": {"type": "boolean", "default": False},
            CONFIRM_FIELD: {"type": "boolean", "default": False,
                            "description": "Confirms a receipt date more than two years back"},
        },
    }
    multipart = {"type": "object", "properties": {**report_input["properties"], "files": {
        "type": "array", "items": {"type": "string", "format": "binary"}}}}
    receipt = {
        "type": "object",
        "required": ["ticket", "access_code", "status", "submitted_at", "report_deadline", "late", "exemption_hint"],
        "properties": {
            "ticket": {"type": "string", "pattern": "^GRT-[0-9]{4}-[0-9]{6,}$"},
            "access_code": {"type": ["string", "null"], "description": "Shown once; null on a replay after the replay window"},
            "status": {"type": "string"},
            "submitted_at": {"type": "string", "format": "date-time"},
            "received_on": {"type": "string", "format": "date"},
            "report_deadline": {"type": "string", "format": "date",
                                "description": "30 working days after receipt (UU 20/2001 Ps 12C)"},
            "late": {"type": "boolean", "description": "Reported after report_deadline"},
            "exemption_hint": {"type": ["string", "null"],
                               "description": "Plain-language hint that the gift looks exempt; never a refusal"},
            "exemption_rule": {"type": ["string", "null"]},
            "replayed": {"type": "boolean"},
        },
    }
    timeline_entry = {"type": "object", "properties": {
        "at": {"type": "string", "format": "date-time"}, "kind": {"type": "string"},
        "status": {"type": ["string", "null"]}, "status_label": {"type": ["string", "null"]},
        "body": {"type": ["string", "null"]}}}
    view = {
        "type": "object",
        "required": ["ticket", "status", "category", "submitted_at", "report_deadline", "late", "timeline"],
        "properties": {
            "ticket": {"type": "string"}, "status": {"type": "string"}, "status_label": {"type": "string"},
            "category": {"type": "string", "description": "item_type"},
            "action": {"type": "string"}, "submitted_at": {"type": "string", "format": "date-time"},
            "received_on": {"type": "string", "format": "date"},
            "report_deadline": {"type": "string", "format": "date"}, "late": {"type": "boolean"},
            "kpk_decision": {"type": ["string", "null"], "enum": [*_codes(catalog.GRATIFICATION_KPK_DECISIONS), None]},
            "gol_number": {"type": ["string", "null"], "description": "KPK Gratifikasi Online number, once forwarded"},
            "kpk_decree_number": {"type": ["string", "null"]},
            "kpk_decree_date": {"type": ["string", "null"], "format": "date"},
            "description": {"type": ["string", "null"]},
            "attachments": {"type": "array", "items": {"type": "object", "required": ["name", "size"], "properties": {
                "name": {"type": "string"}, "size": {"type": "integer"}}}},
            "deadline": {"type": ["string", "null"], "format": "date", "description": "Due date of the current step"},
            "timeline": {"type": "array", "items": timeline_entry},
        },
    }
    return {
        "/gratifications": {"post": {
            "summary": "Report a gratification received or refused",
            "parameters": [{"name": "Idempotency-Key", "in": "header", "required": False,
                            "schema": {"type": "string", "minLength": 16, "maxLength": 128, "pattern": "^[!-~]{16,128}$"},
                            "description": "Repeat a request with the same key and the same body to get the same ticket "
                                "(no duplicate); the same key with another body is refused (422), and so is a "
                                "key outside 16-128 printable ASCII characters."}],
            "requestBody": {"required": True, "content": {"application/json": {"schema": report_input},
                                                          "multipart/form-data": {"schema": multipart}}},
            "responses": {
                "201": {"description": "Stored", "content": {"application/json": {"schema": receipt}}},
                "200": {"description": "Already stored with this Idempotency-Key",
                        "content": {"application/json": {"schema": receipt}}},
                **COMMON_ERRORS,
            },
        }},
        "/gratifications/{ticket}": {"get": {
            "summary": "Status and public timeline of a gratification report",
            "parameters": [
                {"name": "ticket", "in": "path", "required": True, "schema": {"type": "string"}},
                {"name": "X-Access-Code", "in": "header", "required": True, "schema": {"type": "string"}},
            ],
            "responses": {
                "200": {"description": "The report", "content": {"application/json": {"schema": view}}},
                "404": _err("Unknown ticket or wrong access code (indistinguishable)"),
                "429": COMMON_ERRORS["429"],
            },
        }},
    }


def skm_paths() -> dict:
    from ..surveys.ikm import MAX_SCORE, MIN_SCORE
    from ..surveys.validation import SUGGESTION_MAX

    score = {"type": "integer", "minimum": MIN_SCORE, "maximum": MAX_SCORE}
    optional = lambda mapping: {"type": ["string", "null"], "enum": _codes(mapping) + [None]}  # noqa: E731
    body = {
        "type": "object", "required": ["service", "answers"],
        "properties": {
            "service": {"type": "string", "enum": _codes(catalog.COMPLAINT_SERVICES),
                        "description": "The service used: a code of /categories → complaints"},
            "answers": {"type": "object", "required": list(catalog.SKM_UNSUR_KEYS), "additionalProperties": False,
                        "properties": {key: {**score, "description": str(name)}
                                       for key, name, *_ in catalog.SKM_UNSUR},
                        "description": "The nine unsur of PermenPANRB 14/2017 in its order, each scored 1 (worst) "
                                       "to 4 (best); labels in /categories → skm_unsur"},
            "sex": optional(catalog.SKM_SEX), "age": optional(catalog.SKM_AGE),
            "education": optional(catalog.SKM_EDUCATION), "occupation": optional(catalog.SKM_OCCUPATION),
            "suggestion": {"type": ["string", "null"], "maxLength": SUGGESTION_MAX,
                           "description": "Published only after staff moderation"},
        },
    }
    stored = {"type": "object", "properties": {"service": {"type": "string"},
                                                "submitted_on": {"type": "string", "format": "date"}}}
    return {"/surveys/skm": {"post": {
        "summary": "Answer the service satisfaction survey (SKM, PermenPANRB 14/2017); no personal data",
        "requestBody": {"required": True, "content": {"application/json": {"schema": body}}},
        "responses": {"201": {"description": "Stored", "content": {"application/json": {"schema": stored}}},
                      **{k: v for k, v in COMMON_ERRORS.items() if k != "413"}},
    }}}


def reports_paths() -> dict:
    """The published reports (portal/api/reports.py): frozen snapshots, newest first."""
    channels = ["complaints", "gratification", "wbs"]
    summary = {
        "type": "object",
        "required": ["id", "channel", "period", "version", "published_at", "title"],
        "properties": {
            "id": {"type": "integer"},
            "channel": {"type": "string", "enum": channels},
            "period": {"type": "string", "description": "Month YYYY-MM or semester YYYY-S1 / YYYY-S2"},
            "period_kind": {"type": "string", "enum": ["month", "semester"]},
            "version": {"type": "integer", "minimum": 1},
            "published_at": {"type": "string", "format": "date-time"},
            "title": {"type": "string"},
            "superseded_by": {"type": ["integer", "null"],
                              "description": "Id of the correction that replaced this version, if any"},
        },
    }
    count = {"type": ["integer", "number", "string", "boolean", "null"],
             "description": "A figure; WBS counts of 1 or 2 are the string \"< 3\" (suppressed)"}
    table = {"type": "object", "required": ["title", "columns", "rows"], "properties": {
        "title": {"type": "string"}, "note": {"type": "string"},
        "columns": {"type": "array", "items": {"type": "object", "properties": {
            "key": {"type": "string"}, "label": {"type": "string"}}}},
        "rows": {"type": "array", "items": {"type": "object", "additionalProperties": count}},
        "total": {"type": ["object", "null"], "additionalProperties": count}}}
    report = {"type": "object", "required": ["channel", "period", "title", "received", "summary", "tables"],
              "properties": {
                  "schema": {"type": "integer"}, "channel": {"type": "string"},
                  "period": {"type": "object", "properties": {
                      "code": {"type": "string"}, "kind": {"type": "string"}, "label": {"type": "string"},
                      "start": {"type": "string", "format": "date"}, "end": {"type": "string", "format": "date"}}},
                  "title": {"type": "string"}, "received": count, "summary": {"type": "object"},
                  "tables": {"type": "object", "additionalProperties": table},
                  "table_order": {"type": "array", "items": {"type": "string"}},
                  "notes": {"type": "array", "items": {"type": "string"}}}}
    detail = {"type": "object", "required": [*summary["required"], "report"], "properties": {
        **summary["properties"],
        "follow_up_plan": {"type": ["string", "null"], "description": "Rencana tindak lanjut"},
        "correction_note": {"type": ["string", "null"], "description": "What this version corrects"},
        "report": report}}
    return {
        "/reports": {"get": {
            "summary": "Published monthly and semester reports, newest first",
            "parameters": [{"name": "channel", "in": "query", "required": False,
                            "schema": {"type": "string", "enum": channels}}],
            "responses": {
                "200": {"description": "Published reports", "content": {"application/json": {"schema": {
                    "type": "array", "items": summary}}}},
                "422": COMMON_ERRORS["422"],
                "429": COMMON_ERRORS["429"],
            },
        }},
        "/reports/{report_id}": {"get": {
            "summary": "One published report: its frozen figures",
            "parameters": [{"name": "report_id", "in": "path", "required": True,
                            "schema": {"type": "integer", "minimum": 1}}],
            "responses": {
                "200": {"description": "The report", "content": {"application/json": {"schema": detail}}},
                "404": _err("Unknown or unpublished report"),
                "429": COMMON_ERRORS["429"],
            },
        }},
    }
