"""Forwarding: a complaint outside the office's authority (Bukan Kewenangan) goes to the agency that can
act, recorded with that agency and the day, and the citizen gets a letter saying where it went."""
from __future__ import annotations

from datetime import date

from flask import current_app

from .. import audit, notify
from ..cases import CaseError, clean_text
from ..clock import local_today
from ..database import write_transaction
from ..models import User
from ..models.types import utcnow
from ..validation import PastDate, check_value
from . import casework
from .mailing import queue_step

AGENCY_MAX = 150


def letter_text(ticket: str, agency: str, forwarded_on: date, reason: str | None) -> str:
    """The letter to the citizen, in the office's language: also the public line of the case's timeline."""
    lines = [
        f"Pengaduan Anda dengan nomor tiket {ticket} bukan kewenangan "
        f"{current_app.config['PORTAL_OFFICE_NAME']}.",
        f"Pada {forwarded_on.strftime('%d-%m-%Y')} pengaduan tersebut telah kami teruskan kepada {agency} "
        "untuk ditindaklanjuti sesuai kewenangannya.",
    ]
    if reason:
        lines.append(f"Alasan: {reason}")
    lines.append("Untuk perkembangan selanjutnya silakan menghubungi instansi tersebut.")
    return "\n".join(lines)


def forward(complaint_id: int, agency: str | None, forwarded_on: str | date | None, reason: str | None,
            actor: User) -> None:
    """Close the case as Bukan Kewenangan, naming the receiving agency and the day it was forwarded; the
    letter is the public reason of that step (the citizen's timeline) and goes by mail when asked for."""
    agency = clean_text(agency, "agency", required=True, max_len=AGENCY_MAX, multiline=False)
    reason = clean_text(reason, "reason", required=False, max_len=2000)
    today = local_today()
    if isinstance(forwarded_on, date):
        forwarded_on = forwarded_on.isoformat()
    day, problem = check_value(PastDate(required=True, max_age_days=365), forwarded_on, {"today": today})
    if problem:
        raise CaseError("forwarded_on", problem)
    with write_transaction() as session:
        complaint = casework._load(session, complaint_id)
        letter = letter_text(complaint.ticket, agency, day, reason)
        casework.enter_status(complaint, "not_authority", letter, actor_id=actor.id, now=utcnow(), today=today)
        complaint.forwarded_to, complaint.forwarded_on = agency, day
        audit.log("complaint_forward", actor=actor, channel=casework.CHANNEL, case_ref=complaint.ticket,
                  detail={"instansi": agency[:100], "tanggal": day.isoformat()})
        item = queue_step(complaint, "status")
        session.flush()
        mail_ids = [item.id] if item else []
    notify.deliver_soon(mail_ids)
