"""Public Zona Integritas pages: what the admin wrote, shown as escaped plain text, and the standar
pelayanan of each service (portal.zi.standards)."""
from flask import Blueprint, abort, render_template

from ..auth.access import public
from . import pages, standards

bp = Blueprint("zi_public", __name__)
STANDARDS_SLUG = "standar-pelayanan"


def _paragraphs(page) -> list[str]:
    return [p for p in (page.body if page else "").split("\n\n") if p.strip()]


@bp.get("/zona-integritas")
@public
def zi_index():
    return render_template("zi/public_index.html", pages=[(s, t) for s, t in pages.published() if s != STANDARDS_SLUG],
                           standards=standards.published())


@bp.get("/zona-integritas/<slug>")
@public
def zi_page(slug: str):
    page = pages.get(slug)
    if slug == STANDARDS_SLUG:
        published = standards.published()
        if not published and not _paragraphs(page):
            abort(404)
        return render_template("zi/public_standards.html", title=pages.PAGES[slug], paragraphs=_paragraphs(page),
                               standards=published)
    if page is None or not page.body.strip():
        abort(404)
    return render_template("zi/public_page.html", page=page, title=pages.PAGES[slug], paragraphs=_paragraphs(page))


@bp.get("/zona-integritas/standar-pelayanan/<service>")
@public
def zi_standard(service: str):
    standard = standards.get(service)
    if standard is None or not standard.published:
        abort(404)
    return render_template("zi/public_standard.html", standard=standard)
