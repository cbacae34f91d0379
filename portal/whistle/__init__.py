"""Whistleblowing System (WBS): tips encrypted at rest, readable only by the appointed handlers.

Importing the package registers the key hooks (sign-in, password change/reset, role change) and
the back-office routes; portal.register_blueprints imports it before the back office is registered.
"""
from . import keys  # noqa: F401  (hooks)
from . import backoffice  # noqa: F401  (routes on the back-office blueprint)
from .views import bp  # noqa: F401
