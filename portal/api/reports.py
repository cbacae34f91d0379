"""Published reports as JSON (CONTRACT.md): the frozen figures of every published version."""
from __future__ import annotations

import json

from flask import jsonify, request

from ..extensions import limiter
from ..reports import publication as pub
from ..reports import translate
from . import bp
from .views import default_limit


@bp.get("/reports")
@limiter.limit(default_limit)
def reports_list():
    channel = request.args.get("channel") or None
    if channel is not None and channel not in pub.channels():
        return jsonify({"errors": {"channel": [f"kanal tidak dikenal: pilih salah satu dari {', '.join(pub.channels())}"]}}), 422
    items = pub.published(channel, order="published")
    return jsonify([pub.api_summary(item) for item in items])


@bp.get("/reports/<int:report_id>")
@limiter.limit(default_limit)
def report_detail(report_id: int):
    item = pub.get_published(report_id)
    if item is None:
        return jsonify({"error": "not found", "message": "Unknown or unpublished report."}), 404
    # Labels in the client's Accept-Language (Indonesian by default); figures as published.
    snapshot = translate.snapshot(json.loads(item.report.snapshot))
    publication = snapshot["publication"]
    return jsonify({
        **pub.api_summary(item),
        "follow_up_plan": publication.get("follow_up_plan"),
        "correction_note": publication.get("correction_note"),
        "report": snapshot["report"],
    })
