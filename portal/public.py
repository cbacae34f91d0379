"""Public information pages: home, procedures and deadlines, privacy notice."""
from flask import Blueprint, render_template

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
    # The notice states the rules the code enforces and the operator's settings (portal.privacy.notice).
    from .privacy import notice

    return render_template("public/privacy.html", **notice.context())
