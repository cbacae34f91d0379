"""Units register, liaison officers and disposition: the services the admin, the complaints team and the
liaison pages call. A liaison officer reaches a complaint only through `case_for_liaison`."""
from __future__ import annotations

import re

from flask_babel import gettext as _
from sqlalchemy import select

from .. import audit, notify
from ..cases import CaseError, clean_text
from ..clock import local_today
from ..complaints import casework
from ..complaints.mailing import queue_step
from ..database import write_transaction
from ..extensions import db
from ..models import Complaint, ComplaintEvent, Unit, User
from ..models.types import utcnow
from ..workflow import COMPLAINTS

LIAISON = "liaison"
_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{1,29}$")


def units(active_only: bool = False) -> list[Unit]:
    query = select(Unit).order_by(Unit.name)
    if active_only:
        query = query.where(Unit.active.is_(True))
    return list(db.session.scalars(query))


def add_unit(code: str | None, name: str | None, actor: User) -> Unit:
    code = (code or "").strip().lower()
    if not _CODE.match(code):
        raise CaseError("code", _("Kode unit: 2–30 huruf kecil, angka atau tanda hubung."))
    name = clean_text(name, "name", required=True, max_len=150, multiline=False)
    with write_transaction() as session:
        if session.scalar(select(Unit.id).where(Unit.code == code)) is not None:
            raise CaseError("code", _("Kode unit sudah dipakai."))
        unit = Unit(code=code, name=name, active=True)
        session.add(unit)
        audit.log("unit_add", actor=actor, detail={"kode": code, "nama": name})
    return unit


def set_active(unit_id: int, active: bool, actor: User) -> None:
    with write_transaction() as session:
        unit = session.get(Unit, unit_id, with_for_update=True)
        if unit is None:
            raise CaseError("unit", _("Unit tidak ditemukan."))
        unit.active = active
        audit.log("unit_activate" if active else "unit_deactivate", actor=actor, detail={"kode": unit.code})


def appoint_liaison(user_id: int, unit_id: int | None, actor: User) -> None:
    """Make `user_id` the liaison officer of `unit_id` (None: no longer a liaison officer)."""
    with write_transaction() as session:
        user = session.get(User, user_id, with_for_update=True)
        if user is None:
            raise CaseError("user", _("Akun tidak ditemukan."))
        unit = session.get(Unit, unit_id) if unit_id is not None else None
        if unit_id is not None and (unit is None or not unit.active):
            raise CaseError("unit", _("Unit tidak ditemukan."))
        roles = set(user.roles)
        if unit is None:
            roles.discard(LIAISON)
        else:
            roles.add(LIAISON)
        user.roles, user.unit_id = roles, unit_id
        audit.log("liaison_appoint" if unit else "liaison_remove", actor=actor,
                  detail={"akun": user.email, "unit": unit.code if unit else None})


def unit_for_new_account(roles, code: str | None) -> Unit | None:
    """The unit a new account belongs to (`flask users create --unit`): a liaison officer names an active
    unit by its code, and no other account names one. Refused as a CaseError before anything is stored."""
    if LIAISON not in roles:
        if code is not None:
            raise CaseError("unit", _("Opsi --unit hanya untuk peran liaison (pejabat penghubung)."))
        return None
    unit = db.session.scalar(select(Unit).where(Unit.code == (code or "").strip().lower(), Unit.active.is_(True)))
    if unit is None:
        known = ", ".join(u.code for u in units(active_only=True))
        if code is None:
            raise CaseError("unit", _("Pejabat penghubung memerlukan unitnya: --unit KODE (%(known)s).", known=known))
        raise CaseError("unit", _("Unit «%(code)s» tidak dikenal. Kode unit yang ada: %(known)s.", code=code,
                                  known=known))
    return unit


def dispose(complaint_id: int, unit_id: int | None, actor: User) -> None:
    """Disposition to a unit: the case names its unit (an internal history line), a case still waiting
    for verification becomes Terdisposisi with that step's deadline, and the citizen who asked for the
    step mails is told the unit's name (only its name). Needs a request context (the mail's links)."""
    with write_transaction() as session:
        complaint = casework._load(session, complaint_id)
        unit = session.get(Unit, unit_id) if unit_id is not None else None
        if unit is None or not unit.active:
            raise CaseError("unit", _("Pilih unit tujuan disposisi."))
        if complaint.status in COMPLAINTS.terminal:
            raise CaseError("unit", _("Pengaduan ini sudah ditutup."))
        now, today = utcnow(), local_today()
        complaint.unit_id = unit.id
        complaint.events.append(ComplaintEvent(at=now, kind="disposition", public=False, actor_id=actor.id,
                                               body=f"Didisposisikan ke {unit.name}."))  # stored in the office language
        if COMPLAINTS.allowed(complaint.status, "dispositioned"):
            casework.enter_status(complaint, "dispositioned", None, actor_id=actor.id, now=now, today=today)
        audit.log("disposition", actor=actor, channel=casework.CHANNEL, case_ref=complaint.ticket,
                  detail={"unit": unit.code})
        item = queue_step(complaint, "disposition", unit=unit.name)
        session.flush()
        mail_ids = [item.id] if item else []
    notify.deliver_soon(mail_ids)


# --- the liaison officer's side: only what is dispositioned to their own unit ----------------------------

def liaison_queue(user: User) -> list[Complaint]:
    if user.unit_id is None:
        return []
    return list(db.session.scalars(select(Complaint).where(Complaint.unit_id == user.unit_id)
                                   .order_by(Complaint.due_on.is_(None), Complaint.due_on, Complaint.id)))


def case_for_liaison(ticket: str, user: User) -> Complaint | None:
    """The complaint when it is dispositioned to `user`'s unit; None otherwise (the same for an unknown ticket)."""
    if user.unit_id is None or not isinstance(ticket, str):
        return None
    return db.session.scalar(select(Complaint).where(Complaint.ticket == ticket.strip().upper(),
                                                     Complaint.unit_id == user.unit_id))


def liaison_follow_up(ticket: str, body: str | None, actor: User) -> None:
    """The unit reports its follow-up: an internal line of the case for the complaints team to answer from."""
    text = clean_text(body, "body", required=True, max_len=10_000)
    with write_transaction() as session:
        complaint = session.scalar(select(Complaint).where(Complaint.ticket == ticket,
                                                           Complaint.unit_id == actor.unit_id).with_for_update())
        if complaint is None or actor.unit_id is None:
            raise CaseError("case", _("Pengaduan tidak ditemukan."))
        if complaint.status in COMPLAINTS.terminal:
            raise CaseError("body", _("Pengaduan ini sudah ditutup."))
        casework.append_note(complaint, text, public=False, final_answer=False, actor_id=actor.id, now=utcnow(),
                             today=local_today())
        audit.log("unit_followup_add", actor=actor, channel=casework.CHANNEL, case_ref=complaint.ticket)
