"""Public report pages (/laporan): the list, one report, its downloads and the Atom feed.

Everything served here comes from the frozen PublishedReport rows (the rendered HTML body and the
CSV/XLSX/PDF bytes stored at approval), never from the case tables: what was published stays
byte-identical whatever happens to the cases later. A visitor who chose English gets the frozen
snapshot rendered again with translated labels (portal.reports.translate); figures never change.
No JavaScript; charts are inline SVG.
"""
from __future__ import annotations

import json
import threading
from collections import OrderedDict
from datetime import timezone
from xml.sax.saxutils import escape as xml_escape

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup

from ..auth.access import public
from .. import pagecache
from ..pagecache import cached_page
from ..params import parse_int
from . import publication as pub
from . import render, translate
from .render import CSV_TYPE, PDF_TYPE, XLSX_TYPE, ZIP_TYPE

bp = public(Blueprint("reports_public", __name__, url_prefix="/laporan"))  # every route is for the public

FEED_SIZE = 50
DOWNLOADS = {"csv": ("csv_data", CSV_TYPE), "xlsx": ("xlsx_data", XLSX_TYPE), "pdf": ("pdf_data", PDF_TYPE)}


@bp.app_template_global("latest_published_reports")
def latest_published_reports(limit: int = 3):
    """The newest current publications, for the home page's report section."""
    return pub.latest(limit)


@bp.get("/")
@bp.get("")
@cached_page
def index():
    channel = request.args.get("kanal") or None
    known = pub.channels()
    if channel not in known:
        channel = None
    items = pub.published(channel)
    groups = [(c, pub.channel_label(c), [i for i in items if i.report.channel == c]) for c in known
              if channel in (None, c)]
    return render_template("reports/index.html", groups=groups, channel=channel,
                           channel_labels={c: pub.channel_label(c) for c in known})


def _found(report_id: int, *keep: str) -> pub.Listed:
    item = pub.get_published(report_id, *keep)
    if item is None:
        abort(404)
    return item


def _translated_snapshot(row) -> dict | None:
    """The snapshot with its labels in the visitor's language; None for Indonesian (stored bytes)."""
    if translate.language() == translate.DEFAULT_LANGUAGE:
        return None
    return translate.snapshot(json.loads(row.snapshot))


def table_page() -> int:
    """?halaman=N: the page of a report's long tables (T6); anything else is the first page."""
    return parse_int(request.args.get("halaman"), lo=1, hi=pub.MAX_ID) or 1


@bp.get("/<int:report_id>")
@cached_page
def show(report_id: int):
    item = _found(report_id, "body_html")
    page = table_page()
    snap = _translated_snapshot(item.report)
    if snap is None and page == 1:
        body = item.report.body_html  # the stored official rendering (its long tables show their first page)
    else:
        snap = snap or json.loads(item.report.snapshot)
        body = render.render_body(snap, translate.language(), page)
    return render_template("reports/show.html", item=item, report=item.report,
                           title=snap["report"]["title"] if snap else item.report.title,
                           previous=pub.previous_version(item.report),
                           channel_label=pub.channel_label(item.report.channel),
                           body=Markup(body))


RENDERERS = {"csv": render.render_csv, "xlsx": render.render_xlsx, "pdf": render.render_pdf}


def _download(report_id: int, fmt: str) -> Response:
    column, mimetype = DOWNLOADS[fmt]
    item = _found(report_id, column)
    r = item.report
    name = f"laporan-{r.channel}-{r.period}-v{r.version}.{fmt}"
    # Indonesian visitors get the stored official bytes; others the same figures with translated labels.
    snap = _translated_snapshot(r)
    data = getattr(r, column) if snap is None else RENDERERS[fmt](snap)
    if snap is not None:
        name = f"laporan-{r.channel}-{r.period}-v{r.version}-{translate.language()}.{fmt}"
    response = Response(data, mimetype=mimetype.split(";")[0])
    response.headers["Content-Type"] = mimetype
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.get("/<int:report_id>.csv")
def download_csv(report_id: int):
    return _download(report_id, "csv")


# The zip is made from the frozen snapshot (0.6 s for a month of 25k T6 rows at a million cases): each
# worker keeps the last few it made, keyed by the page cache's generation (a publication or a settings
# change starts afresh), the version and the language; PORTAL_PAGE_CACHE=0 keeps none.
ZIPS_KEPT = 4
_zips: OrderedDict[tuple, bytes] = OrderedDict()
_zips_lock = threading.Lock()


def _kept_zip(key: tuple, make) -> bytes:
    if key[0] is None or not current_app.config.get("PORTAL_PAGE_CACHE", True):
        return make()
    with _zips_lock:
        data = _zips.get(key)
        if data is not None:
            _zips.move_to_end(key)
            return data
    data = make()
    with _zips_lock:
        _zips[key] = data
        while len(_zips) > ZIPS_KEPT:
            _zips.popitem(last=False)
    return data


@bp.get("/<int:report_id>.zip")
def download_zip(report_id: int):
    """One CSV per table, zipped (render.render_csv_zip): made from the frozen snapshot, in Indonesian
    from the stored one, so it needs no stored column and says what the CSV says (kept per worker,
    _kept_zip). `/laporan/<id>.csv` keeps answering with the single CSV for links made before."""
    r = _found(report_id).report  # the snapshot is loaded only when the zip is made
    name = f"laporan-{r.channel}-{r.period}-v{r.version}"
    language = translate.language()
    if language != translate.DEFAULT_LANGUAGE:
        name += f"-{language}"

    def make() -> bytes:
        snap = _translated_snapshot(r)
        if snap is None:
            with force_locale(translate.DEFAULT_LANGUAGE):
                return render.render_csv_zip(json.loads(r.snapshot))
        return render.render_csv_zip(snap)

    data = _kept_zip((pagecache.generation()[0], r.id, language), make)
    response = Response(data, mimetype=ZIP_TYPE)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.zip"'
    return response


@bp.get("/<int:report_id>.xlsx")
def download_xlsx(report_id: int):
    return _download(report_id, "xlsx")


@bp.get("/<int:report_id>.pdf")
def download_pdf(report_id: int):
    return _download(report_id, "pdf")


# --- Atom feed ---------------------------------------------------------------------------------


def _base_url() -> str:
    return (current_app.config.get("PORTAL_BASE_URL") or request.url_root).rstrip("/")


def _atom_time(value) -> str:
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@bp.get("/feed.atom")
@cached_page
def feed():
    base = _base_url()
    items = pub.published(order="published", limit=FEED_SIZE)
    updated = _atom_time(items[0].report.published_at) if items else "2000-01-01T00:00:00Z"
    feed_url = base + url_for("reports_public.feed")
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="id">',
        f"<id>{xml_escape(feed_url)}</id>",
        f"<title>{xml_escape(_('Laporan terbit — Portal Integritas'))}</title>",
        f"<subtitle>{xml_escape(current_app.config.get('PORTAL_OFFICE_NAME') or '')}</subtitle>",
        f"<updated>{updated}</updated>",
        f'<link rel="self" type="application/atom+xml" href="{xml_escape(feed_url)}"/>',
        f'<link rel="alternate" type="text/html" href="{xml_escape(base + url_for("reports_public.index"))}"/>',
        f"<author><name>{xml_escape(current_app.config.get('PORTAL_OFFICE_NAME') or 'Portal Integritas')}</name></author>",
    ]
    for item in items:
        r = item.report
        link = base + url_for("reports_public.show", report_id=r.id)
        summary = _("%(channel)s, %(period)s, versi %(version)s.", channel=pub.channel_label(r.channel),
                    period=r.period, version=r.version)
        if r.correction_note:
            summary += " " + _("Koreksi: %(note)s", note=r.correction_note)
        title = r.title + (" " + _("(versi %(n)s)", n=r.version) if r.version > 1 else "")
        lines += [
            "<entry>",
            f"<id>{xml_escape(link)}</id>",
            f"<title>{xml_escape(title)}</title>",
            f"<updated>{_atom_time(r.published_at)}</updated>",
            f"<published>{_atom_time(r.published_at)}</published>",
            f'<link rel="alternate" type="text/html" href="{xml_escape(link)}"/>',
            f"<summary>{xml_escape(summary)}</summary>",
            "</entry>",
        ]
    lines.append("</feed>")
    return Response("\n".join(lines) + "\n", mimetype="application/atom+xml",
                    headers={"Content-Type": "application/atom+xml; charset=utf-8"})
