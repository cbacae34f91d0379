"""Public JSON API v1 (CONTRACT.md): no cookies, no CSRF, rate-limited, described by OpenAPI."""
from flask import Blueprint

from ..auth.access import public

bp = public(Blueprint("api", __name__, url_prefix="/api/v1"))  # every route is for the public

from . import views  # noqa: E402,F401
from . import wbs  # noqa: E402,F401
from . import gratification  # noqa: E402,F401
from . import reports  # noqa: E402,F401
from . import surveys  # noqa: E402,F401
