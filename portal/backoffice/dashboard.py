"""The first page after sign-in: what is waiting, due and overdue, per channel the account may see."""
from __future__ import annotations

from flask import render_template
from flask_login import current_user
from sqlalchemy import func, select

from ..auth.access import roles_required
from ..extensions import db
from ..models import Complaint, GratificationReport
from ..clock import local_today
from ..workflow import COMPLAINTS, GRATIFICATION
from . import bp, checklist

# Channels add a function(user, today) -> dict to show their numbers on the dashboard.
WIDGETS = []


def complaint_numbers(user, today) -> dict | None:
    if not user.has_role("complaints"):
        return None
    base = select(func.count()).select_from(Complaint).where(Complaint.status.in_(COMPLAINTS.open))
    return {
        "title": "Pengaduan",
        "endpoint": "backoffice.complaint_queue",
        "open": db.session.scalar(base),
        "new": db.session.scalar(select(func.count()).select_from(Complaint).where(Complaint.status == "unverified")),
        "overdue": db.session.scalar(base.where(Complaint.due_on < today)),
        "mine": db.session.scalar(base.where(Complaint.assigned_to_id == user.id)),
    }


WIDGETS.append(complaint_numbers)


def gratification_numbers(user, today) -> dict | None:
    if not user.has_role("gratification"):
        return None
    base = select(func.count()).select_from(GratificationReport).where(GratificationReport.status.in_(GRATIFICATION.open))
    return {
        "title": "Gratifikasi",
        "endpoint": "backoffice.gratification_queue",
        "open": db.session.scalar(base),
        "new": db.session.scalar(base.where(GratificationReport.status == GRATIFICATION.initial)),
        "overdue": db.session.scalar(base.where(GratificationReport.due_on < today)),
        "mine": db.session.scalar(base.where(GratificationReport.assigned_to_id == user.id)),
    }


WIDGETS.append(gratification_numbers)


@bp.get("/")
@roles_required()
def dashboard():
    today = local_today()
    user = current_user._get_current_object()
    panels = [panel for panel in (widget(user, today) for widget in WIDGETS) if panel]
    first_run = checklist.items() if user.has_role("admin") else None
    return render_template("backoffice/dashboard.html", panels=panels, checklist=first_run)
