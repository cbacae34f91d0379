"""The OpenAPI 3.1 document of API v1, generated: paths from the app's url_map, bodies from the input
schemas the handlers validate with (portal.*.validation), answers from portal.api.answers, and this
small route table for what only a person can say (summary, headers, response codes)."""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from pydantic import TypeAdapter
from pydantic.json_schema import GenerateJsonSchema

from ..crypto import codes
from ..complaints.validation import ComplaintInput
from ..gratification.validation import GratificationInput
from ..replies import ReplyInput
from ..surveys.validation import SkmInput
from ..whistle.validation import MessageInput, TipInput
from . import answers as a

PREFIX = "/api/v1"
JSON = "application/json"
MULTIPART = "multipart/form-data"


@dataclass(frozen=True)
class Route:
    """One endpoint of the blueprint `api`: what the document says about it beyond its schemas."""

    summary: Any  # Indonesian in the code, English in the catalogue: the document speaks the request's language
    answers: dict[str, tuple[str, Any]]
    body: type | None = None  # the input Schema the handler validates with
    media: tuple[str, ...] = (JSON,)
    headers: tuple[dict, ...] = ()
    query: tuple[dict, ...] = ()
    description: Any = None
    files_only: bool = False  # a multipart body of `files` alone


def _header(name: str, schema: dict, description: str | None = None, required: bool = True) -> dict:
    header = {"name": name, "in": "header", "required": required, "schema": schema}
    if description:
        header["description"] = description
    return header


IDEMPOTENCY_KEY = _header(
    "Idempotency-Key", {"type": "string", "minLength": codes.SUBMISSION_KEY_MIN,
                        "maxLength": codes.SUBMISSION_KEY_MAX,
                        "pattern": f"^[!-~]{{{codes.SUBMISSION_KEY_MIN},{codes.SUBMISSION_KEY_MAX}}}$"},
    "Repeat a request with the same key and the same body to get the same ticket (no duplicate); the same key "
    "with another body is refused (422), and so is a key outside 16-128 printable ASCII characters.", required=False)
ACCESS_CODE = _header("X-Access-Code", {"type": "string"})
RECEIPT = _header("X-Receipt", {"type": "string", "pattern": "^[0-9 -]{16,39}$"},
                  "The 16-digit receipt (spaces and hyphens ignored).")

ERRORS = {
    "400": ("Malformed body", a.ApiError),
    "413": ("Body or attachment too large", a.ApiError | a.ValidationErrors),
    "415": ("Unsupported body or attachment type", a.ApiError | a.ValidationErrors),
    "422": ("Invalid fields", a.ValidationErrors),
    "429": ("Rate limited", a.ApiError),
}
LIMITED = {"429": ERRORS["429"]}
NOT_FOUND_CASE = {"404": ("Unknown ticket or wrong access code (indistinguishable)", a.ApiError)}
NOT_FOUND_TIP = {"404": ("Unknown receipt", a.ApiError)}

# Endpoint → what the document says about it. Every route of the blueprint has an entry (tests/foundation).
ROUTES: dict[str, Route] = {
    "api.openapi": Route(_l("Dokumen ini (OpenAPI 3.1)"), {"200": ("The document", dict[str, Any]), **LIMITED}),
    "api.categories": Route(_l("Daftar kode untuk setiap kanal"), {"200": ("Code lists", a.Categories), **LIMITED}),
    "api.create_complaint": Route(
        _l("Menyampaikan pengaduan"), body=ComplaintInput, media=(JSON, MULTIPART), headers=(IDEMPOTENCY_KEY,),
        answers={"201": ("Stored", a.ComplaintReceipt),
                 "200": ("Already stored with this Idempotency-Key", a.ComplaintReceipt), **ERRORS}),
    "api.get_complaint": Route(
        _l("Status dan linimasa publik sebuah pengaduan"), headers=(ACCESS_CODE,),
        answers={"200": ("The complaint", a.ComplaintView), **NOT_FOUND_CASE, **LIMITED}),
    "api.post_complaint_message": Route(
        _l("Warga menjawab kantor: melengkapi permintaan pada status Tertunda atau menambah bukti"),
        description=_l("Kasus berstatus Tertunda kembali ke tahap asalnya, dan tenggat tahap itu dihitung lagi "
                       "mulai hari ini."),
        body=ReplyInput, media=(JSON, MULTIPART), headers=(ACCESS_CODE,),
        answers={"201": ("Stored", a.CaseReply), **NOT_FOUND_CASE, "409": ("The case is closed", a.ApiError),
                 **ERRORS}),
    "api.create_gratification": Route(
        _l("Melaporkan gratifikasi yang diterima atau ditolak"), body=GratificationInput, media=(JSON, MULTIPART),
        headers=(IDEMPOTENCY_KEY,),
        answers={"201": ("Stored", a.GratificationReceipt),
                 "200": ("Already stored with this Idempotency-Key", a.GratificationReceipt), **ERRORS}),
    "api.get_gratification": Route(
        _l("Status dan linimasa publik sebuah laporan gratifikasi"), headers=(ACCESS_CODE,),
        answers={"200": ("The report", a.GratificationView), **NOT_FOUND_CASE, **LIMITED}),
    "api.create_wbs_tip": Route(
        _l("Mengirim laporan WBS (4W1H); tanda terima ditampilkan sekali dan tidak pernah disimpan terbuka"),
        body=TipInput, media=(JSON, MULTIPART), answers={"201": ("Stored", a.TipReceipt), **ERRORS}),
    "api.get_wbs_tip": Route(
        _l("Status dan pesan laporan WBS yang ditunjuk tanda terima"), headers=(RECEIPT,),
        answers={"200": ("The mailbox", a.Mailbox), **NOT_FOUND_TIP,
                 "409": ("Stored data failed its integrity check", a.ApiError), **LIMITED}),
    "api.post_wbs_message": Route(
        _l("Menjawab Tim WBS"), body=MessageInput, headers=(RECEIPT,),
        answers={"201": ("Stored", a.MessageStored), **NOT_FOUND_TIP, **ERRORS}),
    "api.post_wbs_files": Route(
        _l("Menambah bukti (kolom multipart `files`)"), media=(MULTIPART,), files_only=True, headers=(RECEIPT,),
        answers={"201": ("Stored", a.FilesStored), **NOT_FOUND_TIP, **ERRORS}),
    "api.create_skm_response": Route(
        _l("Mengisi Survei Kepuasan Masyarakat (SKM, PermenPANRB 14/2017); tanpa data pribadi"), body=SkmInput,
        answers={"201": ("Stored", a.SkmStored), **{k: v for k, v in ERRORS.items() if k != "413"}}),
    "api.reports_list": Route(
        _l("Laporan bulanan dan semester yang terbit, terbaru lebih dulu"),
        query=({"name": "channel", "in": "query", "required": False,
                "schema": {"type": "string", "enum": ["complaints", "gratification", "wbs"]}},),
        answers={"200": ("Published reports", list[a.ReportSummary]), "422": ERRORS["422"], **LIMITED}),
    "api.report_detail": Route(
        _l("Satu laporan terbit: angka-angkanya yang dibekukan"),
        answers={"200": ("The report", a.ReportDetail), "404": ("Unknown or unpublished report", a.ApiError),
                 **LIMITED}),
}


class _Generator(GenerateJsonSchema):
    """pydantic's JSON Schema without per-field titles and without `"default": null` on optional fields
    (a rule that has a default states it itself)."""

    def field_title_should_be_set(self, schema) -> bool:
        return False

    def default_schema(self, schema):
        if "default" in schema and schema["default"] is None:
            return self.generate_inner(schema["schema"])
        return super().default_schema(schema)


def json_schema(tp) -> dict:
    """The JSON Schema of a model or type, every $ref inlined (clients and tests read it in place)."""
    schema = TypeAdapter(tp).json_schema(schema_generator=_Generator)
    defs = schema.pop("$defs", {})

    def inline(node):
        if isinstance(node, dict):
            if "$ref" in node:
                target = inline(copy.deepcopy(defs[node["$ref"].rsplit("/", 1)[1]]))
                return {**target, **{k: inline(v) for k, v in node.items() if k != "$ref"}}
            return {k: inline(v) for k, v in node.items()}
        if isinstance(node, list):
            return [inline(v) for v in node]
        return node

    return inline(schema)


def _files(max_files: int) -> dict:
    return {"type": "array", "maxItems": max_files, "items": {"type": "string", "format": "binary"}}


def _request_body(route: Route) -> dict:
    max_files = current_app.config["ATTACHMENT_MAX_FILES"]
    if route.files_only:
        return {"required": True, "content": {MULTIPART: {"schema": {
            "type": "object", "properties": {"files": _files(max_files)}}}}}
    body = json_schema(route.body)
    content = {}
    for media in route.media:
        if media == MULTIPART:
            content[media] = {"schema": {**body, "properties": {**body["properties"], "files": _files(max_files)}}}
        else:
            content[media] = {"schema": body}
    return {"required": True, "content": content}


def _path_of(rule) -> tuple[str, list[dict]]:
    """/api/v1/reports/<int:report_id> → (/reports/{report_id}, its path parameters)."""
    parameters = []
    for converter, name in re.findall(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>", rule.rule):
        schema = {"type": "integer", "minimum": 1} if converter == "int" else {"type": "string"}
        parameters.append({"name": name, "in": "path", "required": True, "schema": schema})
    path = re.sub(r"<(?:[^:>]+:)?(\w+)>", r"{\1}", rule.rule)
    return path[len(PREFIX):], parameters


def _operation(route: Route, path_parameters: list[dict]) -> dict:
    operation: dict = {"summary": str(route.summary)}
    if route.description:
        operation["description"] = str(route.description)
    parameters = [*path_parameters, *route.headers, *route.query]
    if parameters:
        operation["parameters"] = parameters
    if route.body is not None or route.files_only:
        operation["requestBody"] = _request_body(route)
    operation["responses"] = {status: {"description": text, "content": {JSON: {"schema": json_schema(tp)}}}
                              for status, (text, tp) in route.answers.items()}
    return operation


def api_rules() -> list:
    """The rules of the API blueprint in the running app (HEAD/OPTIONS aside)."""
    return [rule for rule in current_app.url_map.iter_rules() if rule.endpoint.startswith("api.")]


def document() -> dict:
    """The document in the request's language (descriptions from the catalog), built once per language."""
    from flask_babel import get_locale

    cache = current_app.extensions.setdefault("openapi_documents", {})
    key = str(get_locale())
    if key not in cache:
        cache[key] = _build()
    return cache[key]


def _build() -> dict:
    paths: dict[str, dict] = {}
    for rule in sorted(api_rules(), key=lambda r: r.rule):
        route = ROUTES[rule.endpoint]
        path, parameters = _path_of(rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation(route, parameters)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Portal Integritas API",
            "version": "1",
            "description": "Public API of Portal Integritas: complaints (pengaduan), gratification reports, WBS "
                           "tips and the SKM survey. No cookies, no CSRF; rate-limited per client.",
        },
        "servers": [{"url": PREFIX}],
        "paths": paths,
    }


