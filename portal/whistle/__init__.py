"""Whistleblowing System (WBS): tips encrypted at rest, readable only by the appointed handlers.

Importing the package registers the key hooks (sign-in, password change/reset, role change); its
public pages are `views.bp`, its back office `backoffice.AREA` (nested by portal.register_blueprints).
"""
from . import keys  # noqa: F401  (hooks)
from .views import bp  # noqa: F401
