"""The office's back office: queues, case pages and administration; every route declares its roles."""
from dataclasses import dataclass

from flask import Blueprint


@dataclass(frozen=True)
class MenuItem:
    endpoint: str
    label: object
    roles: tuple


bp = Blueprint("backoffice", __name__, url_prefix="/kantor")
# Other channels and admin pages add their entries (endpoint, label, roles) here.
MENU: list[MenuItem] = []


@bp.app_context_processor
def _office_menu():
    return {"office_menu": MENU}


from . import admin, complaints, dashboard, digest  # noqa: E402,F401
