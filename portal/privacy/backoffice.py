"""Back-office pages of data-subject requests (/kantor/privasi): each channel's team answers the
requests on its own cases within 3×24 hours, accepting or refusing with a reason."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select

from ..auth.access import roles_required
from ..backoffice import Area, MenuItem
from ..extensions import db
from ..models.types import utcnow
from . import retention, services
from .channels import CHANNELS, FIELD_LABELS
from .models import PrivacyRequest
from .validation import DECISIONS, KINDS, PrivacyDecisionInput

ROLES = tuple(sorted({c.role for c in CHANNELS.values()}))
SCHEDULE_ROLES = (*ROLES, "admin")  # the admin sees the retention schedule and what the next purge removes

bp = Blueprint("privacy", __name__, url_prefix="/privasi")


def _channels(user) -> list[str]:
    return [c.code for c in CHANNELS.values() if user.has_role(c.role)]


def privacy_numbers(user, today) -> dict | None:
    channels = _channels(user)
    if not channels:
        return None
    open_ = select(func.count()).select_from(PrivacyRequest).where(
        PrivacyRequest.channel.in_(channels), PrivacyRequest.status == services.OPEN)
    waiting = db.session.scalar(open_)
    overdue = db.session.scalar(open_.where(PrivacyRequest.due_at < utcnow()))
    return {"title": _("Permintaan data pribadi"), "endpoint": "backoffice.privacy.queue", "open": waiting,
            "new": waiting, "overdue": overdue, "mine": None}


AREA = Area(bp, menu=(MenuItem("backoffice.privacy.queue", _l("Data pribadi"), SCHEDULE_ROLES),), widgets=(privacy_numbers,))


def _me():
    return current_user._get_current_object()


@bp.get("")
@roles_required(*SCHEDULE_ROLES)
def queue():
    rows = db.session.scalars(select(PrivacyRequest).where(PrivacyRequest.channel.in_(_channels(_me())))
                              .order_by(PrivacyRequest.status != services.OPEN, PrivacyRequest.due_at).limit(200)).all()
    pending = retention.due()
    schedule = [(rule, sum(1 for item in pending if item.rule is rule)) for rule in retention.RULES]
    return render_template("privacy/office_queue.html", rows=rows, kinds=KINDS, channels=CHANNELS, now=utcnow(),
                           schedule=schedule)


def _own(request_id: int) -> PrivacyRequest:
    item = db.session.get(PrivacyRequest, request_id)
    if item is None or item.channel not in _channels(_me()):
        abort(404)
    return item


def _page(item, errors=None, values=None, status=200):
    channel, row = services.case_of(item)
    return render_template("privacy/office_request.html", item=item, case=row, channel=channel, kinds=KINDS,
                           fields=FIELD_LABELS, decisions=DECISIONS, errors=errors or {}, values=values or {},
                           now=utcnow()), status


@bp.get("/<int:request_id>")
@roles_required(*ROLES)
def show(request_id: int):
    return _page(_own(request_id))


@bp.post("/<int:request_id>")
@roles_required(*ROLES)
def decide(request_id: int):
    item = _own(request_id)
    clean, errors = PrivacyDecisionInput.check(request.form)
    if errors:
        return _page(item, errors, request.form, 422)
    try:
        services.decide(item.id, clean["decision"], clean.get("reason"), _me())
    except services.PrivacyError as exc:
        return _page(item, {"decision": [str(exc)]}, request.form, 409)
    flash(_("Keputusan disimpan dan dicatat di jejak audit."), "success")
    return redirect(url_for("backoffice.privacy.show", request_id=item.id))
