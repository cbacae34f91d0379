"""Template helpers: dates in WIB, labels of code lists, the current language."""
from __future__ import annotations

from datetime import datetime

from flask import Flask, current_app, request
from flask_babel import format_date, get_locale

from . import catalog
# Office time lives in portal/clock.py; re-exported here until every module imports it from there.
from .clock import local_today, local_tz, to_local  # noqa: F401


def init_app(app: Flask) -> None:
    @app.template_filter("tanggal")
    def _tanggal(value):
        if value is None:
            return "—"
        if isinstance(value, datetime):
            value = to_local(value)
            return format_date(value.date(), "long") + " " + value.strftime("%H:%M") + " WIB"
        return format_date(value, "long")

    @app.context_processor
    def _globals():
        return {
            "catalog": catalog,
            "label": catalog.label,
            "current_lang": str(get_locale() or "id"),
            "office_name": current_app.config["PORTAL_OFFICE_NAME"],
            "office_short": current_app.config["PORTAL_OFFICE_SHORT"],
            "current_path": request.full_path.rstrip("?") if request else "/",
        }

    app.jinja_env.globals["workflow_label"] = workflow_label
    app.jinja_env.globals["chosen_files"] = _chosen_files


def _chosen_files() -> list[str]:
    """The files a refused form carried: a browser never keeps a file field's choice, so the form
    names them to be chosen again."""
    from .intake import chosen_file_names

    return chosen_file_names() if request and request.method == "POST" else []


def workflow_label(channel: str, code: str) -> str:
    from .workflow import WORKFLOWS

    return WORKFLOWS[channel].public_label(code)
