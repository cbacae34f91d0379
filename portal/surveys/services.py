"""SKM services: store an answer, moderate a suggestion, record the service users of a period.

Each function owns its transaction; staff actions are audited in it.
"""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import audit
from ..crypto import codes
from ..database import write_transaction
from ..extensions import db
from ..models.survey import (RTL_DONE, RTL_IN_PROGRESS, RTL_PLANNED, RTL_STATUSES, SUGGESTION_APPROVED, SUGGESTION_PENDING,
                             SUGGESTION_REJECTED, SkmFollowUp, SkmPopulation, SkmResponse)
from ..models.types import utcnow
from ..params import parse_int
from ..reports.periods import Period, PeriodError
from ..clock import local_today

CHANNEL = "skm"
MAX_ID = 2**31 - 1
MAX_USERS = 100_000_000


class SurveyError(ValueError):
    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(m for ms in errors.values() for m in ms))
        self.errors = errors


def submit(clean: dict, submission_key: str | None = None, on: date | None = None) -> SkmResponse:
    """Store one validated answer (validation.SkmForm / SkmInput); a repeated key stores nothing.

    `on` is the day the questionnaire was filled in when it is not today (the demo data, a paper form
    typed in later); by default the office's today.
    """
    def build(session, key_hash):
        row = SkmResponse(submitted_on=on or local_today(), submission_key_hash=key_hash,
                          suggestion_status=SUGGESTION_PENDING if clean.get("suggestion") else None,
                          **{k: clean.get(k) for k in ("service", "u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8", "u9",
                                                       "sex", "age", "education", "occupation", "suggestion")})
        session.add(row)
        session.flush()
        return row

    return store_once(SkmResponse, submission_key, build)


def store_once(model, submission_key: str | None, build):
    """Store one questionnaire of `model` with `build(session, key_hash)` (adds and returns the row), unless
    its submission key stored one already: a repeated key stores nothing and answers the first row."""
    key_hash = codes.submission_key_hash(submission_key) if submission_key else None

    def earlier():
        return db.session.scalar(select(model).where(model.submission_key_hash == key_hash)) if key_hash else None

    found = earlier()
    if found is not None:
        return found
    try:
        with write_transaction() as session:
            return build(session, key_hash)
    except IntegrityError:
        # The same form sent twice at once (double click on two workers): the first one counts.
        found = earlier()
        if found is None:
            raise
        return found


def pending_suggestions(limit: int = 200) -> list[SkmResponse]:
    return list(db.session.scalars(select(SkmResponse).where(SkmResponse.suggestion_status == SUGGESTION_PENDING)
                                   .order_by(SkmResponse.id).limit(limit)))


DECISIONS = {"approve": SUGGESTION_APPROVED, "reject": SUGGESTION_REJECTED}


def moderate(user, response_id: int, decision: str) -> SkmResponse:
    """Approve a suggestion for publication or keep it out; only a pending one can be decided."""
    row = db.session.get(SkmResponse, response_id) if 0 < response_id <= MAX_ID else None
    if row is None or row.suggestion_status != SUGGESTION_PENDING:
        raise SurveyError({"suggestion": ["Saran ini tidak sedang menunggu moderasi."]})
    if decision not in DECISIONS:
        raise SurveyError({"decision": ["Keputusan tidak dikenal."]})
    with write_transaction():
        row.suggestion_status = DECISIONS[decision]
        row.moderated_by_id = user.id
        row.moderated_at = utcnow()
        audit.log(f"skm_suggestion_{row.suggestion_status}", actor=user, channel=CHANNEL,
                  case_ref=f"skm:{row.id}", detail={"response_id": row.id})
    return row


def set_population(user, period_code: str, users) -> SkmPopulation:
    """Record (or correct) the number of service users of a month or semester."""
    errors: dict[str, list[str]] = {}
    try:
        period = Period.parse((period_code or "").strip())
    except PeriodError as exc:
        errors["period"] = [str(exc)]
        period = None
    count = parse_int((users or "").strip() if isinstance(users, str) else str(users), lo=1, hi=MAX_USERS)
    if count is None:
        errors["users"] = [f"Isi jumlah pengguna layanan dengan angka bulat 1 sampai {MAX_USERS:,}.".replace(",", ".")]
    if errors:
        raise SurveyError(errors)
    with write_transaction() as session:
        row = session.scalar(select(SkmPopulation).where(SkmPopulation.period == period.code))
        before = row.users if row else None
        if row is None:
            row = SkmPopulation(period=period.code, users=count, entered_by_id=user.id, entered_at=utcnow())
            session.add(row)
        else:
            row.users, row.entered_by_id, row.entered_at = count, user.id, utcnow()
        session.flush()
        audit.log("skm_population_set", actor=user, channel=CHANNEL, case_ref=f"skm:{period.code}",
                  detail={"period": period.code, "users": count, "before": before})
    return row


def population(period: Period) -> int | None:
    return db.session.scalar(select(SkmPopulation.users).where(SkmPopulation.period == period.code))


MAX_ACTION = 2000
RTL_STATUS_LABELS = {RTL_PLANNED: _l("Direncanakan"), RTL_IN_PROGRESS: _l("Sedang berjalan"), RTL_DONE: _l("Selesai")}
MAX_OWNER = 120


def _semester(period_code) -> Period:
    try:
        period = Period.parse((period_code or "").strip())
    except PeriodError as exc:
        raise SurveyError({"period": [str(exc)]}) from None
    if not period.is_semester:
        raise SurveyError({"period": ["Rencana tindak lanjut disusun per semester (YYYY-S1 atau YYYY-S2)."]})
    return period


def add_follow_up(user, period_code: str, action: str | None, owner: str | None, due: str | None) -> SkmFollowUp:
    """Add one row (action, owner, due date) to the follow-up plan (RTL) of an SKM semester."""
    errors: dict[str, list[str]] = {}
    try:
        period = _semester(period_code)
    except SurveyError as exc:
        errors.update(exc.errors)
        period = None
    action = (action or "").strip()
    owner = " ".join((owner or "").split())
    if not action or len(action) > MAX_ACTION:
        errors["action"] = [f"Tulis tindak lanjutnya (paling banyak {MAX_ACTION} karakter)."]
    if not owner or len(owner) > MAX_OWNER:
        errors["owner"] = [f"Tulis penanggung jawabnya (paling banyak {MAX_OWNER} karakter)."]
    try:
        due_on = date.fromisoformat((due or "").strip())
    except ValueError:
        errors["due_on"] = ["Tulis batas waktu sebagai tanggal (2026-09-30)."]
        due_on = None
    if period is not None and due_on is not None and due_on < period.start:
        errors["due_on"] = ["Batas waktu tidak boleh sebelum awal semester rencana ini."]
    if errors:
        raise SurveyError(errors)
    with write_transaction() as session:
        row = SkmFollowUp(period=period.code, action=action, owner=owner, due_on=due_on, status=RTL_PLANNED,
                          updated_by_id=user.id, updated_at=utcnow())
        session.add(row)
        session.flush()
        audit.log("skm_rtl_add", actor=user, channel=CHANNEL, case_ref=f"skm-rtl:{row.id}",
                  detail={"period": period.code})
    return row


def set_follow_up_status(user, row_id: int, status: str) -> SkmFollowUp:
    """Move an RTL row to planned / in progress / done (a correction back is allowed and audited)."""
    row = db.session.get(SkmFollowUp, row_id) if 0 < row_id <= MAX_ID else None
    if row is None:
        raise SurveyError({"rtl": ["Rencana tindak lanjut tidak ditemukan."]})
    if status not in RTL_STATUSES:
        raise SurveyError({"status": ["Status tidak dikenal."]})
    with write_transaction():
        before = row.status
        row.status, row.updated_by_id, row.updated_at = status, user.id, utcnow()
        audit.log("skm_rtl_status", actor=user, channel=CHANNEL, case_ref=f"skm-rtl:{row.id}",
                  detail={"period": row.period, "status": status, "before": before})
    return row


def follow_ups(period: Period) -> list[SkmFollowUp]:
    """The RTL rows of a semester, in the order they were entered."""
    return list(db.session.scalars(select(SkmFollowUp).where(SkmFollowUp.period == period.code)
                                   .order_by(SkmFollowUp.due_on, SkmFollowUp.id)))
