"""The semester Lembar Monev ZI: progress and findings per area with the weights of DOMAIN.md §4,
and the follow-up plans (RTL) that every later sheet carries until they are done."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import or_, select

from .. import audit
from ..database import write_transaction
from ..extensions import db
from ..models import FollowUpPlan, MonevEntry
from ..models.types import utcnow
from ..params import parse_int
from ..reports.periods import Period
from . import AREAS, text_field
from .renja import RenjaError, parse_period

OPEN, DONE = "open", "done"


@dataclass
class SheetLine:
    area: str
    label: str
    weight: int
    progress: int | None
    findings: str

    @property
    def score(self) -> float | None:
        """The area's share of the 60 pengungkit points earned so far."""
        return None if self.progress is None else round(self.weight * self.progress / 100, 2)


def semester(text: str | None) -> Period:
    period = parse_period(text)
    if not period.is_semester:
        raise RenjaError("period", _("Monev ZI dibuat per semester: tulis 2026-S1 atau 2026-S2."))
    return period


def sheet(period: Period) -> list[SheetLine]:
    entries = {e.area: e for e in db.session.scalars(select(MonevEntry).where(MonevEntry.period == period.code))}
    return [SheetLine(code, str(label), weight, entries[code].progress if code in entries else None,
                      (entries[code].findings or "") if code in entries else "")
            for code, (label, weight) in AREAS.items()]


def follow_ups(period: Period) -> list[FollowUpPlan]:
    """The RTL of this sheet: those made in it, those of earlier sheets still open, and those of
    earlier sheets done during it (the proof the previous monev's follow-up was done)."""
    earlier = [p.code for p in _earlier_semesters(period)]
    query = select(FollowUpPlan).where(or_(
        FollowUpPlan.period == period.code,
        (FollowUpPlan.period.in_(earlier)) & ((FollowUpPlan.status == OPEN) | (FollowUpPlan.done_period == period.code)),
    )).order_by(FollowUpPlan.period, FollowUpPlan.id)
    return list(db.session.scalars(query))


def _earlier_semesters(period: Period, back: int = 20) -> list[Period]:
    found, current = [], period
    for _i in range(back):
        current = current.previous()
        found.append(current)
    return found


def save_area(period_text: str, area: str, progress_text: str | None, findings: str | None, actor) -> MonevEntry:
    period = semester(period_text)
    if area not in AREAS:
        raise RenjaError("area", _("Area tidak dikenal."))
    progress = parse_int(progress_text, lo=0, hi=100)
    if progress is None:
        raise RenjaError("progress", _("Capaian diisi bilangan bulat 0–100."))
    findings = text_field(findings, "findings", 4000, RenjaError, required=False)
    with write_transaction():
        entry = db.session.scalar(select(MonevEntry).where(MonevEntry.period == period.code, MonevEntry.area == area))
        if entry is None:
            entry = MonevEntry(period=period.code, area=area, progress=progress)
            db.session.add(entry)
        entry.progress, entry.findings = progress, findings or None
        entry.updated_by_id, entry.updated_at = actor.id if actor else None, utcnow()
        audit.log("zi_monev_area", actor=actor, case_ref=f"monev:{period.code}", detail={"area": area,
                                                                                         "progress": progress})
    return entry


def add_follow_up(period_text: str, area: str, action: str | None, owner: str | None, due_text: str | None,
                  actor) -> FollowUpPlan:
    period = semester(period_text)
    if area not in AREAS:
        raise RenjaError("area", _("Area tidak dikenal."))
    action, owner = (action or "").strip(), " ".join((owner or "").split())
    if not action or len(action) > 2000:
        raise RenjaError("action", _("Tulis tindak lanjutnya (paling banyak 2000 karakter)."))
    if not owner or len(owner) > 120:
        raise RenjaError("owner", _("Tulis penanggung jawabnya (paling banyak 120 karakter)."))
    try:
        due = date.fromisoformat((due_text or "").strip())
    except ValueError:
        raise RenjaError("due_on", _("Tulis batas waktu sebagai tanggal (2026-09-30).")) from None
    with write_transaction():
        plan = FollowUpPlan(period=period.code, area=area, action=action, owner=owner, due_on=due, status=OPEN,
                            created_by_id=actor.id if actor else None)
        db.session.add(plan)
        db.session.flush()
        audit.log("zi_rtl_add", actor=actor, case_ref=f"rtl:{plan.id}", detail={"period": period.code})
    return plan


def close_follow_up(plan_id: int, period_text: str, note: str | None, actor) -> FollowUpPlan:
    """Mark an RTL done during the semester `period_text` (the sheet that proves it)."""
    period = semester(period_text)
    note = (note or "").strip()
    if not note or len(note) > 2000:
        raise RenjaError("done_note", _("Tulis bukti penyelesaiannya (paling banyak 2000 karakter)."))
    with write_transaction():
        plan = db.session.get(FollowUpPlan, plan_id)
        if plan is None:
            raise RenjaError("plan", _("Rencana tindak lanjut tidak ditemukan."))
        if plan.status == DONE:
            raise RenjaError("plan", _("Rencana tindak lanjut ini sudah selesai."))
        if Period.parse(plan.period).start > period.start:
            raise RenjaError("period", _("Tindak lanjut tidak dapat selesai sebelum semester monev-nya."))
        plan.status, plan.done_period, plan.done_note = DONE, period.code, note
        audit.log("zi_rtl_done", actor=actor, case_ref=f"rtl:{plan.id}", detail={"period": period.code})
    return plan


def table(period: Period) -> list[list]:
    """The sheet as rows for the CSV/XLSX of the evidence pack."""
    rows: list[list] = [[_("Lembar Monev Zona Integritas"), period.label],
                        [_("Area"), _("Bobot") + " (%)", _("Capaian") + " (%)", _("Nilai"), _("Temuan")]]
    lines = sheet(period)
    for line in lines:
        rows.append([line.label, line.weight, line.progress, line.score, line.findings])
    rows.append([_("Jumlah (pengungkit)"), sum(x.weight for x in lines), None,
                 round(sum(x.score or 0 for x in lines), 2), None])
    rows.append([])
    rows.append([_("Rencana tindak lanjut"), _("Semester asal"), _("Penanggung jawab"), _("Batas waktu"),
                 _("Status"), _("Bukti penyelesaian")])
    for plan in follow_ups(period):
        rows.append([f"{AREAS[plan.area][0] if plan.area in AREAS else plan.area}: {plan.action}", plan.period,
                     plan.owner, plan.due_on, _("Selesai") if plan.status == DONE else _("Belum selesai"),
                     plan.done_note])
    return rows
