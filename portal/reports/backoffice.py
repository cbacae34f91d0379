"""Back-office pages of report publication (/kantor/laporan).

Channel teams (roles complaints, gratification, wbs) prepare drafts of their own channel; a
leader sees the figures of every draft and approves it or sends it back. No page here links to
or shows a case: the leader reads aggregates only.
"""
from __future__ import annotations

import json

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from ..auth.access import roles_required
from ..backoffice import Area, MenuItem
from ..extensions import db
from ..models.publication import DRAFT_PENDING, DRAFT_RETURNED, ReportDraft
from ..models.types import utcnow
from . import ReportError, build_report
from . import publication as pub
from . import render
from .public import table_page
from .periods import Period

TEAM_ROLES = ("complaints", "gratification", "wbs", "admin", pub.LEADER)  # admin, leader: the "coi" channel
VIEW_ROLES = TEAM_ROLES

bp = Blueprint("reports", __name__, url_prefix="/laporan")


def reports_numbers(user, today) -> dict | None:
    if not user.has_role(pub.LEADER):
        return None
    from sqlalchemy import func

    waiting = db.session.scalar(select(func.count()).select_from(ReportDraft)
                                .where(ReportDraft.status == DRAFT_PENDING))
    return {"title": "Laporan", "endpoint": "backoffice.reports.index", "open": waiting, "new": waiting,
            "overdue": 0, "mine": None}


AREA = Area(bp, menu=(MenuItem("backoffice.reports.index", _l("Laporan"), VIEW_ROLES),), widgets=(reports_numbers,))


def _me():
    return current_user._get_current_object()


def _visible_drafts(user, statuses) -> list[ReportDraft]:
    stmt = select(ReportDraft).where(ReportDraft.status.in_(statuses)).order_by(ReportDraft.prepared_at.desc())
    if not user.has_role(pub.LEADER):
        stmt = stmt.where(ReportDraft.channel.in_(pub.channels_for(user) or [""]))
    return list(db.session.scalars(stmt))


def _index(errors=None, values=None, status=200):
    user = _me()
    return render_template(
        "backoffice/reports_index.html",
        channels=pub.channels_for(user),
        channel_options={c: pub.channel_label(c) for c in pub.channels_for(user)}, labels={c: pub.channel_label(c) for c in pub.channels()},
        preview_options={c: pub.channel_label(c) for c in pub.channels()
                         if user.has_role(pub.LEADER) or c in pub.channels_for(user)},
        drafts=_visible_drafts(user, (DRAFT_PENDING, DRAFT_RETURNED)),
        published=pub.published(order="published", limit=30),
        errors=errors or {}, values=values or {}), status


@bp.get("")
@roles_required(*VIEW_ROLES)
def index():
    return _index()


@bp.post("")
@roles_required(*TEAM_ROLES)
def prepare():
    form = request.form
    try:
        draft = pub.prepare(_me(), form.get("channel", ""), form.get("period", ""), form.get("follow_up_plan"),
                            form.get("correction_note"))
    except pub.PublicationError as exc:
        return _index(exc.errors, form, 422)
    flash(_("Draf laporan disimpan dan menunggu persetujuan pimpinan."), "success")
    return redirect(url_for("backoffice.reports.draft", draft_id=draft.id))


@bp.get("/pratinjau")
@roles_required(*VIEW_ROLES)
def preview():
    """The figures of a period so far, never stored: a running period is marked "sementara"."""
    args = request.args
    if not args.get("period"):
        return _index()
    try:
        report = pub.preview(_me(), args.get("channel", ""), args.get("period", ""))
    except pub.PublicationError as exc:
        return _index(exc.errors, args, 422)
    return render_template("backoffice/reports_preview.html", report=report, body=_body(report, 0),
                           label=pub.channel_label(report.channel))


def _body(report, version: int, follow_up_plan=None, correction_note=None) -> Markup:
    """The figures (a built Report or its stored dict) rendered as a published version would show them."""
    figures = report if isinstance(report, dict) else json.loads(report.to_json(indent=None))
    snap = pub.snapshot_of(figures, {
        "channel": figures["channel"], "channel_label": pub.channel_label(figures["channel"]),
        "period": figures["period"]["code"], "period_label": figures["period"]["label"], "version": version,
        "published_at": utcnow().isoformat(), "title": figures["title"], "follow_up_plan": follow_up_plan,
        "correction_note": correction_note})
    return Markup(render.render_body(snap, page=table_page()))


def _draft_or_404(draft_id: int) -> ReportDraft:
    draft = db.session.get(ReportDraft, draft_id) if 0 < draft_id <= pub.MAX_ID else None
    if draft is None:
        abort(404)
    if not pub.may_view_draft(_me(), draft):
        abort(403)
    return draft


def _preview(draft: ReportDraft) -> tuple[Markup | None, str | None]:
    """The figures as they will be published: those stored when the draft was prepared or rebuilt
    (a draft from before they were stored: built now)."""
    report = pub.stored_figures(draft)
    if report is None:
        try:
            report = build_report(draft.channel, Period.parse(draft.period))
        except ReportError as exc:
            return None, str(exc)
    version = pub.latest_version(draft.channel, draft.period) + 1
    return _body(report, version, draft.follow_up_plan, draft.correction_note if version > 1 else None), None


def _draft_page(draft: ReportDraft, errors=None, values=None, status=200):
    body, problem = _preview(draft)
    return render_template("backoffice/reports_draft.html", draft=draft, body=body, problem=problem,
                           label=pub.channel_label(draft.channel), period=Period.parse(draft.period),
                           published_version=pub.latest_version(draft.channel, draft.period),
                           is_leader=_me().has_role(pub.LEADER), is_team=pub.is_team(_me(), draft.channel),
                           errors=errors or {}, values=values or {}), status


@bp.get("/draf/<int:draft_id>")
@roles_required(*VIEW_ROLES)
def draft(draft_id: int):
    return _draft_page(_draft_or_404(draft_id))


def _draft_step(draft: ReportDraft, step, done, back):
    """Run one step on a draft: a refusal re-renders the draft page with its errors (422), success
    flashes `done(result)` and goes to `back(result)`."""
    try:
        result = step()
    except pub.PublicationError as exc:
        return _draft_page(draft, exc.errors, request.form, 422)
    flash(done(result), "success")
    return redirect(back(result))


@bp.post("/draf/<int:draft_id>")
@roles_required(*TEAM_ROLES)
def resubmit(draft_id: int):
    draft, form = _draft_or_404(draft_id), request.form
    if not pub.is_team(_me(), draft.channel):
        abort(403)
    return _draft_step(draft, lambda: pub.resubmit(_me(), draft.id, form.get("follow_up_plan"),
                                                   form.get("correction_note")),
                       lambda _result: _("Draf diperbaiki dan diajukan kembali kepada pimpinan."),
                       lambda _result: url_for("backoffice.reports.draft", draft_id=draft.id))


@bp.post("/draf/<int:draft_id>/hitung-ulang")
@roles_required(*VIEW_ROLES)
def rebuild(draft_id: int):
    draft = _draft_or_404(draft_id)
    return _draft_step(draft, lambda: pub.rebuild(_me(), draft.id),
                       lambda _result: _("Angka draf dihitung ulang dari data terkini."),
                       lambda _result: url_for("backoffice.reports.draft", draft_id=draft.id))


@bp.post("/draf/<int:draft_id>/setujui")
@roles_required(pub.LEADER)
def approve(draft_id: int):
    draft = _draft_or_404(draft_id)
    return _draft_step(draft, lambda: pub.approve(_me(), draft.id),
                       lambda row: _("Laporan disetujui dan diterbitkan sebagai versi %(n)s.", n=row.version),
                       lambda row: url_for("reports_public.show", report_id=row.id))


@bp.post("/draf/<int:draft_id>/kembalikan")
@roles_required(pub.LEADER)
def send_back(draft_id: int):
    draft = _draft_or_404(draft_id)
    return _draft_step(draft, lambda: pub.send_back(_me(), draft.id, request.form.get("reason")),
                       lambda _result: _("Draf dikembalikan kepada penyusun."),
                       lambda _result: url_for("backoffice.reports.index"))
