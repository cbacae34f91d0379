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
    "413": _err("Body or attachment too large", {"oneOf": [ERROR, VALIDATION]}),
    "415": _err("Unsupported body or attachment type", {"oneOf": [ERROR, VALIDATION]}),
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
        "required": ["ticket", "status", "category", "submitted_at", "timeline"],
        "properties": {
            "ticket": {"type": "string"}, "status": {"type": "string"}, "status_label": {"type": "string"},
            "category": {"type": "string"}, "problem": {"type": "string"},
            "classification": {"type": "string"}, "privacy": {"type": "string"},
            "submitted_at": {"type": "string", "format": "date-time"},
            "due_on": {"type": ["string", "null"], "format": "date"},
            "rating": {"type": ["integer", "null"]},
            "timeline": {"type": "array", "items": timeline_entry},
        },
    }
    option_list = {"type": "array", "items": {"type": "object", "required": ["code", "label"], "properties": {
        "code": {"type": "string"}, "label": {"type": "string"}}}}
    max_files = current_app.config["ATTACHMENT_MAX_FILES"]
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
                                "schema": {"type": "string", "minLength": 16, "maxLength": 128},
                                "description": "Repeat a request with the same key to get the same ticket (no duplicate)."}],
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
        },
    }
