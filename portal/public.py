"""Public information pages: home, procedures and deadlines, privacy notice."""
from flask import Blueprint, current_app, render_template

from . import settings
from .pagecache import cached_page
from .auth.access import public

bp = public(Blueprint("public", __name__))  # every route is for the public


@bp.get("/")
@cached_page
def home():
    return render_template("public/home.html")


@bp.get("/prosedur-pengaduan")
def procedure():
    return render_template("public/procedure.html")


@bp.get("/privasi")
def privacy():
    # The notice states the operator's actual settings, not placeholders.
    return render_template("public/privacy.html", wbs_retention_days=settings.value("WBS_RETENTION_DAYS"),
                           pdp_email=settings.value("PDP_OFFICER_EMAIL"),
                           pdp_address=settings.value("PDP_OFFICER_ADDRESS"),
                           office_name=current_app.config["PORTAL_OFFICE_NAME"])
