"""Breach procedure (UU 27/2022 Ps 46; runbook docs/breach.md): for the window of a personal-data
breach, which data subjects the office must notify within 3×24 hours and whether it holds a way to
reach them. Counts come first; the list itself only on request, into a file only its owner reads.

A subject is affected when their case existed during the window: submitted before its end and not
erased before its start (an erasure during the window still exposed the data, but left no contact).
Whistleblowers' contacts are sealed to the WBS team: they are counted, never listed here; the team
notifies them through the WBS mailbox.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select

from .. import audit
from ..database import write_transaction
from ..extensions import db
from ..models import WbsTip
from .channels import CHANNELS, Channel
from .models import PrivacyErasure


@dataclass
class Tally:
    cases: int = 0
    email: int = 0        # reachable by email
    phone_only: int = 0   # reachable by telephone only
    no_contact: int = 0   # gave neither (anonymous or not asked)
    erased: int = 0       # erased during the window: exposed, but no contact left
    rows: list = field(default_factory=list)  # (ticket, name, email, phone) of the reachable ones


def _affected(channel: Channel, start: datetime, end: datetime) -> Tally:
    model = channel.model
    erasures = dict(db.session.execute(select(PrivacyErasure.case_id, PrivacyErasure.at)
                                       .where(PrivacyErasure.channel == channel.code)).all())
    tally = Tally()
    for row in db.session.scalars(select(model).where(model.submitted_at <= end).order_by(model.id)):
        erased_at = erasures.get(row.id)
        if erased_at is not None and erased_at < start:
            continue  # gone before the breach began
        tally.cases += 1
        if erased_at is not None:
            tally.erased += 1
            continue
        email, phone = (getattr(row, channel.personal[k]) for k in ("email", "phone"))
        if email:
            tally.email += 1
        elif phone:
            tally.phone_only += 1
        else:
            tally.no_contact += 1
            continue
        tally.rows.append((row.ticket, getattr(row, channel.personal["name"]) or "", email or "", phone or ""))
    return tally


def _wbs(start: datetime, end: datetime) -> tuple[int, int]:
    """(tips held in the window, of which with a sealed contact); purged tips are gone entirely."""
    held = select(func.count()).select_from(WbsTip).where(WbsTip.submitted_on <= end.date())
    return db.session.scalar(held), db.session.scalar(held.where(WbsTip.contact_ct.is_not(None)))


def write_private(path: str, lines: list[str]) -> None:
    """A new file readable and writable by its owner only (0600), refused if it exists."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.fchmod(fd, 0o600)  # whatever the umask
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")


def survey(start: datetime, end: datetime, details_path: str | None = None) -> dict:
    """Tallies per channel (and the WBS counts); with details_path, the reachable subjects are
    written there. Audited either way: who asked is the operator at the console."""
    tallies = {code: _affected(channel, start, end) for code, channel in CHANNELS.items()}
    wbs_tips, wbs_contacts = _wbs(start, end)
    if details_path:
        lines = ["channel\tticket\tname\temail\tphone"]
        lines += ["\t".join((code, *row)) for code, tally in tallies.items() for row in tally.rows]
        write_private(details_path, lines)
    detail = {"from": start.isoformat(), "to": end.isoformat(), "details": bool(details_path),
              "wbs_tips": wbs_tips, "wbs_contacts": wbs_contacts}
    for code, tally in tallies.items():
        detail[f"{code}_cases"] = tally.cases
        detail[f"{code}_reachable"] = len(tally.rows)
    with write_transaction():
        audit.log("pdp_breach_list", detail=detail)
    return {"tallies": tallies, "wbs_tips": wbs_tips, "wbs_contacts": wbs_contacts}
