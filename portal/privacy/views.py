"""Public privacy pages (/privasi): the holder of a ticket and its access code downloads what the
portal holds about them and asks for its correction or deletion. Plain forms, no JavaScript."""
from __future__ import annotations

import json

from flask import Blueprint, Response, current_app, render_template, request

from ..auth.access import public
from ..extensions import limiter
from . import render, services
from .channels import FIELD_LABELS, find_case
from .validation import KINDS, PrivacyRequestInput, SubjectLookup

bp = public(Blueprint("privacy", __name__, url_prefix="/privasi"))  # every route is for the public


def lookup_limit() -> str:
    return current_app.config["RATELIMIT_LOOKUP"]


def _data_page(values=None, errors=None, not_found=False, status=200):
    return render_template("privacy/data.html", values=values or {}, errors=errors or {},
                           not_found=not_found), status


@bp.get("/data")
def data_form():
    return _data_page()


def _subject():
    clean, errors = SubjectLookup.check(request.form)
    if errors:
        return None, None, _data_page({"ticket": request.form.get("ticket", "")}, errors, status=400)
    channel, row = find_case(clean["ticket"], clean["access_code"])
    if row is None:
        return None, None, _data_page({"ticket": clean["ticket"]}, not_found=True, status=404)
    return channel, row, None


def _download(body: bytes, mimetype: str, name: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.post("/data.json")
@limiter.limit(lookup_limit)
def export_json():
    channel, row, refused = _subject()
    if refused:
        return refused
    data = services.export(channel, row)
    return _download(json.dumps(data, ensure_ascii=False, indent=2).encode(), "application/json",
                     f"data-pribadi-{row.ticket}.json")


@bp.post("/data.pdf")
@limiter.limit(lookup_limit)
def export_pdf():
    channel, row, refused = _subject()
    if refused:
        return refused
    return _download(render.render_pdf(services.export(channel, row)), "application/pdf",
                     f"data-pribadi-{row.ticket}.pdf")


def _request_page(values=None, errors=None, not_found=False, status=200):
    return render_template("privacy/request.html", values=values or {}, errors=errors or {}, kinds=KINDS,
                           fields=FIELD_LABELS, not_found=not_found), status


@bp.get("/permintaan")
def request_form():
    return _request_page()


@bp.post("/permintaan")
@limiter.limit(lookup_limit)
def submit_request():
    form = request.form
    kept = {k: form.get(k, "") for k in ("ticket", "kind", "field", "new_value", "details")}
    clean, errors = PrivacyRequestInput.check(form)
    if errors:
        return _request_page(kept, errors, status=400)
    channel, row = find_case(clean["ticket"], clean["access_code"])
    if row is None:
        return _request_page(kept, not_found=True, status=404)
    filed = services.file_request(channel, row, clean)
    return render_template("privacy/request_received.html", filed=filed, kinds=KINDS)
