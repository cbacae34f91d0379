"""The office's back office (/kantor): queues, case pages and administration; every route declares its roles.

The case pages and administration live on `bp` itself; every other area (WBS, reports, surveys,
Zona Integritas, conflicts of interest) is its own blueprint, nested under `bp` by `nest` from the
one place that assembles the URL map, `portal.register_blueprints`.
"""
from dataclasses import dataclass

from flask import Blueprint
from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class MenuItem:
    endpoint: str
    label: object
    roles: tuple


@dataclass(frozen=True)
class Area:
    """A back-office area: its blueprint (URLs under /kantor), its menu entries and its dashboard numbers
    (each a function(user, today) -> dict | None)."""

    blueprint: Blueprint
    menu: tuple = ()
    widgets: tuple = ()


bp = Blueprint("backoffice", __name__, url_prefix="/kantor")
# Admin pages add their entries here; nested areas bring theirs through `nest`.
MENU: list[MenuItem] = [MenuItem("backoffice.gratification_queue", _l("Gratifikasi"), ("gratification",))]


@bp.app_context_processor
def _office_menu():
    return {"office_menu": MENU}


from . import admin, complaints, dashboard, digest, gratification, staff_intake  # noqa: E402,F401
from ..units import views as _unit_views  # noqa: E402,F401  (units and liaison pages on this blueprint)
from ..lapor import views as _lapor_views  # noqa: E402,F401  (LAPOR! exchange pages on this blueprint)


def nest(areas) -> Blueprint:
    """The back office with `areas` nested under it (endpoints `backoffice.<area>.<view>`).

    Blueprints record what apps replay, so nesting happens once per process: later calls (one per
    app, e.g. in tests) find it done.
    """
    nested = {child for child, _options in bp._blueprints}
    for area in areas:
        if area.blueprint in nested:
            continue
        bp.register_blueprint(area.blueprint)
        MENU.extend(area.menu)
        dashboard.WIDGETS.extend(area.widgets)
    return bp
