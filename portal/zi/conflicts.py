"""Benturan kepentingan (PermenPANRB 37/2012): the map of conflict-prone positions per unit, staff
declarations (periodic and ad hoc), the superior's handling decision, and the semester counts."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from .. import audit
from ..database import write_transaction
from ..extensions import db
from ..models import ConflictDeclaration, ConflictPosition, User
from ..models.types import utcnow
from ..params import parse_int
from ..reports.periods import Period
from ..clock import local_today
from . import TEAM_ROLES, ZiError, text_field

KINDS = {"periodic": _l("Berkala"), "ad_hoc": _l("Insidental")}
DECISIONS = {
    "no_conflict": _l("Tidak terdapat benturan kepentingan; tugas dilanjutkan"),
    "recusal": _l("Pegawai menarik diri dari pelayanan/keputusan tersebut"),
    "reassignment": _l("Tugas dialihkan kepada pegawai lain"),
    "relinquish": _l("Pegawai melepaskan kepentingan pribadinya"),
}
SUBMITTED, DECIDED = "submitted", "decided"
MAX_TEXT = 4000


class ConflictError(ZiError):
    pass


def is_team(user) -> bool:
    return user.has_role(*TEAM_ROLES)


def _text(form, field: str, required: bool = True, limit: int = MAX_TEXT) -> str:
    return text_field(form.get(field), field, limit, ConflictError, required=required)


# --------------------------------------------------------------------------- the map

def positions(active_only: bool = False) -> list[ConflictPosition]:
    query = select(ConflictPosition).order_by(ConflictPosition.unit, ConflictPosition.position)
    if active_only:
        query = query.where(ConflictPosition.active.is_(True))
    return list(db.session.scalars(query))


def add_position(actor, form) -> ConflictPosition:
    values = {"unit": _text(form, "unit", limit=120), "position": _text(form, "position", limit=200),
              "risk": _text(form, "risk"), "control": _text(form, "control")}
    with write_transaction():
        item = ConflictPosition(**values)
        db.session.add(item)
        db.session.flush()
        audit.log("coi_position_add", actor=actor, case_ref=f"coi-map:{item.id}")
    return item


def set_position_active(actor, position_id: int, active: bool) -> ConflictPosition:
    with write_transaction():
        item = db.session.get(ConflictPosition, position_id)
        if item is None:
            raise ConflictError("position", _("Jabatan/kegiatan tidak ditemukan."))
        item.active = active
        audit.log("coi_position_active", actor=actor, case_ref=f"coi-map:{item.id}", detail={"active": active})
    return item


# --------------------------------------------------------------------------- declarations

def declare(actor, form) -> ConflictDeclaration:
    kind = form.get("kind")
    if kind not in KINDS:
        raise ConflictError("kind", _("Pilih jenis pernyataan."))
    conflict = form.get("has_conflict")
    if conflict not in ("yes", "no"):
        raise ConflictError("has_conflict", _("Nyatakan apakah ada benturan kepentingan."))
    position_id = None
    raw = form.get("position") or ""
    if raw:
        number = parse_int(raw, lo=1, hi=2**31 - 1)
        position = db.session.get(ConflictPosition, number) if number is not None else None
        if position is None or not position.active:
            raise ConflictError("position", _("Jabatan/kegiatan tidak ditemukan."))
        position_id = position.id
    description = _text(form, "description")
    with write_transaction():
        item = ConflictDeclaration(declarant_id=actor.id, kind=kind, declared_on=local_today(),
                                   position_id=position_id, has_conflict=conflict == "yes",
                                   description=description, status=SUBMITTED)
        db.session.add(item)
        db.session.flush()
        audit.log("coi_declare", actor=actor, case_ref=f"coi:{item.id}", detail={"kind": kind})
    return item


def visible_declarations(user) -> list[ConflictDeclaration]:
    """Staff see their own declarations; the ZI team (admin, leader) sees all of them."""
    query = select(ConflictDeclaration).order_by(ConflictDeclaration.id.desc())
    if not is_team(user):
        query = query.where(ConflictDeclaration.declarant_id == user.id)
    return list(db.session.scalars(query))


def declaration_for(user, declaration_id: int) -> ConflictDeclaration | None:
    """The declaration if `user` may read it, else None (the same answer as for a missing one)."""
    item = db.session.get(ConflictDeclaration, declaration_id)
    if item is None or not (is_team(user) or item.declarant_id == user.id):
        return None
    return item


def decide(actor, declaration_id: int, decision: str | None, note: str | None) -> ConflictDeclaration:
    if not is_team(actor):
        raise ConflictError("decision", _("Hanya atasan (pimpinan atau admin) yang memutuskan penanganan."))
    if decision not in DECISIONS:
        raise ConflictError("decision", _("Pilih keputusan penanganan."))
    note = _text({"note": note}, "note", required=decision != "no_conflict")
    with write_transaction():
        item = db.session.get(ConflictDeclaration, declaration_id)
        if item is None:
            raise ConflictError("declaration", _("Pernyataan tidak ditemukan."))
        if item.declarant_id == actor.id:
            raise ConflictError("decision", _("Pernyataan Anda sendiri diputuskan oleh atasan lain."))
        if item.status == DECIDED:
            raise ConflictError("decision", _("Pernyataan ini sudah diputuskan."))
        item.status, item.decision, item.decision_note = DECIDED, decision, note or None
        item.decided_by_id, item.decided_at = actor.id, utcnow()
        audit.log("coi_decide", actor=actor, case_ref=f"coi:{item.id}", detail={"decision": decision})
    return item


def names(ids) -> dict[int, str]:
    ids = {i for i in ids if i}
    if not ids:
        return {}
    return {u.id: u.name for u in db.session.scalars(select(User).where(User.id.in_(ids)))}


# --------------------------------------------------------------------------- counts

PENDING = "pending"


def declaration_counts(period: Period) -> dict[tuple[str, str, bool], int]:
    """{(kind, decision or "pending", has_conflict): number} of the declarations made in the period: the
    one count behind the back-office recap, the evidence pack and the published monev (channel "coi")."""
    decision = func.coalesce(ConflictDeclaration.decision, PENDING)
    stmt = (select(ConflictDeclaration.kind, ConflictDeclaration.status, decision, ConflictDeclaration.has_conflict,
                   func.count())
            .where(ConflictDeclaration.declared_on.between(period.start, period.end))
            .group_by(ConflictDeclaration.kind, ConflictDeclaration.status, decision, ConflictDeclaration.has_conflict))
    counts: dict[tuple[str, str, bool], int] = {}
    for kind, status, code, conflict, n in db.session.execute(stmt):
        key = (kind, code if status == DECIDED else PENDING, bool(conflict))
        counts[key] = counts.get(key, 0) + n
    return counts


def positions_per_unit() -> dict[str, int]:
    """{unit: number of active conflict-prone positions}, units in alphabetical order."""
    stmt = (select(ConflictPosition.unit, func.count()).where(ConflictPosition.active.is_(True))
            .group_by(ConflictPosition.unit).order_by(ConflictPosition.unit))
    return {unit: n for unit, n in db.session.execute(stmt)}


def period_counts(period: Period) -> dict:
    """Counts only (no names, no descriptions): the recap the back office and the evidence pack show,
    from declaration_counts."""
    counts = declaration_counts(period)
    header = [_("Jenis pernyataan"), _("Jumlah pernyataan"), _("Menyatakan ada benturan"),
              _("Sudah diputuskan"), _("Menunggu keputusan")] + [str(label) for label in DECISIONS.values()]
    table = []
    for kind, label in list(KINDS.items()) + [("total", _l("Jumlah"))]:
        chosen = {(d, c): n for (k, d, c), n in counts.items() if kind == "total" or k == kind}
        pending = sum(n for (d, _c), n in chosen.items() if d == PENDING)
        table.append([str(label), sum(chosen.values()), sum(n for (_d, c), n in chosen.items() if c),
                      sum(chosen.values()) - pending, pending]
                     + [sum(n for (d, _c), n in chosen.items() if d == code) for code in DECISIONS])
    return {"period": period.code, "label": period.label, "header": header, "rows": table,
            "positions": sum(positions_per_unit().values())}
