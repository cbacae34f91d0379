"""The office's back office: queues, case pages and administration; every route declares its roles."""
from dataclasses import dataclass

from flask import Blueprint
from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class MenuItem:
    endpoint: str
    label: object
    roles: tuple


bp = Blueprint("backoffice", __name__, url_prefix="/kantor")
# Other channels and admin pages add their entries (endpoint, label, roles) here.
MENU: list[MenuItem] = [MenuItem("backoffice.gratification_queue", _l("Gratifikasi"), ("gratification",))]


@bp.app_context_processor
def _office_menu():
    return {"office_menu": MENU}


from . import admin, complaints, dashboard, digest, gratification  # noqa: E402,F401
