"""Admin operations (role `admin`): each change and its audit entry in one write transaction, with
the acting admin passed in. The views in portal.backoffice.admin parse forms, call these, render."""
from __future__ import annotations

from datetime import date

from . import audit, hooks, workdays
from .auth import passwords
from .auth.access import end_all_sessions
from .database import write_transaction
from .models import SlaSetting, User
from .models.types import utcnow
from .workflow import WORKFLOWS, forget_sla_settings, sla


def reset_password(user_id: int, new_password: str, actor: User) -> None:
    """Set a new initial password chosen by an admin: sessions end, locks lift, listeners drop
    whatever the old password protected (the WBS key pair), all in one audited transaction."""
    password_hash = passwords.hash_password(new_password)  # slow: outside the write lock
    with write_transaction() as session:
        user = session.get(User, user_id)
        user.password_hash = password_hash
        user.password_changed_at = utcnow()
        user.failed_logins = 0
        user.locked_until = None
        user.session_version += 1
        end_all_sessions(user.id)
        hooks.password_reset(user)
        audit.log("password_reset", actor=actor, detail={"user_id": user.id})


def set_holiday_override(day: date, working: bool, note: str, actor: User) -> None:
    """Declare `day` a working day or a holiday (decree); the calendar and the audit entry together."""
    workdays.set_override(day, working, note, audit_entry=lambda: audit.log(
        "holiday_override_set", actor=actor, detail={"day": day.isoformat(), "working": working}))


def remove_holiday_override(day: date, actor: User) -> bool:
    """Drop the override of `day`; audited when there was one."""
    return workdays.remove_override(day, audit_entry=lambda: audit.log(
        "holiday_override_remove", actor=actor, detail={"day": day.isoformat()}))


def save_sla(channel: str, status: str, days: int, basis: str, unit: str, actor: User) -> None:
    """The admin's deadline of one workflow step (checked by the caller against the table)."""
    with write_transaction() as session:
        before = sla(channel, status)
        session.merge(SlaSetting(channel=channel, status=status, days=days, basis=basis, unit=unit,
                                 updated_at=utcnow(), updated_by_id=actor.id))
        forget_sla_settings()
        audit.log("sla_change", actor=actor, detail={"workflow": channel, "status": status,
                                                      "from": before.days, "to": days,
                                                      "unit_from": before.unit, "unit_to": unit})
    forget_sla_settings()


def reset_sla(channel: str, status: str, actor: User) -> bool:
    """Back to the workflow's default deadline; False when the step had no setting."""
    with write_transaction() as session:
        row = session.get(SlaSetting, (channel, status))
        if row is None:
            return False
        before = row.days
        session.delete(row)
        forget_sla_settings()
        audit.log("sla_change", actor=actor, detail={"workflow": channel, "status": status, "from": before,
                                                      "to": WORKFLOWS[channel].statuses[status].sla_days})
    forget_sla_settings()
    return True
