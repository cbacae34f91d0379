"""Public information pages: home, procedures and deadlines, privacy notice."""
from flask import Blueprint, render_template

bp = Blueprint("public", __name__)


@bp.get("/")
def home():
    return render_template("public/home.html")


@bp.get("/prosedur-pengaduan")
def procedure():
    return render_template("public/procedure.html")


@bp.get("/privasi")
def privacy():
    return render_template("public/privacy.html")
