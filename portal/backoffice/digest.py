"""The daily deadline digest (cron): counts of what is due, mailed to each active handler.

Channels register a section: a function (user, today) -> list of (label, count), or an empty
list when the account does not work on that channel. A digest holds numbers only — no ticket,
no subject, no name — so that a mailbox is never a copy of a case file (SECURITY.md).
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import click
from flask import current_app, url_for
from flask.cli import AppGroup
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from .. import notify, workdays
from ..database import write_transaction
from ..extensions import db
from ..models import Complaint, GratificationReport, User
from ..clock import local_today
from ..workflow import COMPLAINTS, GRATIFICATION

Line = tuple[str, int]
Section = Callable[[User, date], list[Line]]
SECTIONS: list[tuple[object, Section]] = []


def section(title):
    """Register a digest section under `title` (the heading shown above its lines)."""
    def decorator(func: Section) -> Section:
        SECTIONS.append((title, func))
        return func
    return decorator


def _due_lines(model, status_column, due_column, assigned_column, open_statuses, user: User, today: date) -> list[Line]:
    """Overdue / due today / due next working day, for the user's own cases and the unassigned ones."""
    tomorrow = workdays.next_working_day(today)
    base = select(func.count()).select_from(model).where(status_column.in_(open_statuses))
    lines = []
    for owner, who in ((assigned_column == user.id, _("ditugaskan kepada Anda")),
                       (assigned_column.is_(None), _("belum ditugaskan"))):
        mine = base.where(owner)
        lines += [
            (_("Lewat tenggat, %(who)s", who=who), db.session.scalar(mine.where(due_column < today))),
            (_("Jatuh tempo hari ini, %(who)s", who=who), db.session.scalar(mine.where(due_column == today))),
            (_("Jatuh tempo hari kerja berikutnya (%(day)s), %(who)s", day=format_date(tomorrow, "medium"), who=who),
             db.session.scalar(mine.where(due_column > today, due_column <= tomorrow))),
        ]
    return lines


@section(_l("Pengaduan"))
def complaint_lines(user: User, today: date) -> list[Line]:
    if not user.has_role("complaints"):
        return []
    return _due_lines(Complaint, Complaint.status, Complaint.due_on, Complaint.assigned_to_id,
                      COMPLAINTS.open, user, today)


@section(_l("Gratifikasi"))
def gratification_lines(user: User, today: date) -> list[Line]:
    if not user.has_role("gratification"):
        return []
    return _due_lines(GratificationReport, GratificationReport.status, GratificationReport.due_on,
                      GratificationReport.assigned_to_id, GRATIFICATION.open, user, today)


def compose(user: User, today: date) -> tuple[str, str] | None:
    """(subject, body) of one handler's digest, or None when nothing is due for them."""
    parts = []
    for title, func in SECTIONS:
        lines = func(user, today)
        if any(count for _label, count in lines):
            parts.append((title, lines))
    if not parts:
        return None
    base = current_app.config["PORTAL_BASE_URL"].rstrip("/")
    body = [_("Yth. petugas,"), "",
            _("Ringkasan tenggat kasus per %(day)s (angka saja; buka portal untuk rinciannya):",
              day=format_date(today, "long")), ""]
    for title, lines in parts:
        body.append(str(title))
        body += [f"  {label}: {count}" for label, count in lines]
        body.append("")
    body += [_("Masuk: %(url)s", url=base + url_for("backoffice.dashboard")), "",
             current_app.config["PORTAL_OFFICE_NAME"]]
    return _("Ringkasan tenggat kasus %(day)s", day=format_date(today, "medium")), "\n".join(body)


def queue_digests(today: date | None = None) -> int:
    """Queue one digest per active handler with something due; returns how many were queued."""
    today = today or local_today()
    users = db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.id)).all()
    messages = []
    for user in users:
        composed = compose(user, today)
        if composed:
            messages.append((user.email, *composed))
    with write_transaction():
        for recipient, subject, body in messages:
            notify.queue_mail("case-digest", recipient, subject, body)
    return len(messages)


cases_cli = AppGroup("cases", help="Kasus: ringkasan tenggat untuk petugas.")


@cases_cli.command("digest")
@click.option("--date", "day", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Tanggal acuan (WIB), YYYY-MM-DD; bawaan: hari ini.")
def cases_digest(day: datetime | None):
    """Mail each active handler the counts of cases due today, next working day, and overdue."""
    # A request context for url_for and the default language; links use PORTAL_BASE_URL.
    with current_app.test_request_context():
        queued = queue_digests(day.date() if day else None)
    sent, failed = notify.deliver_pending()
    click.echo(f"queued={queued} sent={sent} failed={failed}")
