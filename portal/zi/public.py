"""Public Zona Integritas pages: what the admin wrote, shown as escaped plain text."""
from flask import Blueprint, abort, render_template

from ..auth.access import public
from . import pages

bp = Blueprint("zi_public", __name__)


@bp.get("/zona-integritas")
@public
def zi_index():
    return render_template("zi/public_index.html", pages=pages.published())


@bp.get("/zona-integritas/<slug>")
@public
def zi_page(slug: str):
    page = pages.get(slug)
    if page is None or not page.body.strip():
        abort(404)
    return render_template("zi/public_page.html", page=page, title=pages.PAGES[slug],
                           paragraphs=[p for p in page.body.split("\n\n") if p.strip()])
