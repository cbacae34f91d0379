"""Perception surveys of the Zona Integritas result component: IPAK (anti-corruption perception) and
IPKP (service quality perception), on the SKM engine.

The questions are data (table perception_questions, seeded by the migration, edited by the admin);
answers use the SKM's 1–4 scale and the index is portal.surveys.ikm.compute over the active
questions, each with an equal weight. Each function owns its transaction; admin edits are audited.
"""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from .. import audit
from ..database import write_transaction
from ..extensions import db
from ..models.survey import PERCEPTION_SURVEYS, PerceptionAnswer, PerceptionQuestion, PerceptionResponse
from ..models.types import utcnow
from ..reports.periods import Period
from ..clock import local_today
from ..validation import Score, check_value
from . import ikm
from .services import MAX_ID, SurveyError, store_once

TITLES = {"ipak": _l("Survei Persepsi Anti Korupsi (IPAK)"), "ipkp": _l("Survei Persepsi Kualitas Pelayanan (IPKP)")}
ANSWERS = (_l("Tidak setuju"), _l("Kurang setuju"), _l("Setuju"), _l("Sangat setuju"))
MAX_TEXT = 1000


def questions(survey: str, include_retired: bool = False) -> list[PerceptionQuestion]:
    stmt = select(PerceptionQuestion).where(PerceptionQuestion.survey == survey)
    if not include_retired:
        stmt = stmt.where(PerceptionQuestion.active.is_(True))
    return list(db.session.scalars(stmt.order_by(PerceptionQuestion.position, PerceptionQuestion.id)))


def validate(survey: str, form) -> tuple[dict[int, int], dict[str, list[str]]]:
    """{question id: score 1–4} of every active question, or errors keyed q<id>."""
    scores: dict[int, int] = {}
    errors: dict[str, list[str]] = {}
    rule = Score(lowest=ikm.MIN_SCORE, highest=ikm.MAX_SCORE)
    for question in questions(survey):
        score, problem = check_value(rule, form.get(f"q{question.id}"))
        if problem:
            errors[f"q{question.id}"] = [problem]
        else:
            scores[question.id] = score
    return scores, errors


def submit(survey: str, scores: dict[int, int], submission_key: str | None = None,
           on: date | None = None) -> PerceptionResponse:
    """Store one validated questionnaire (validate); a repeated key stores nothing."""
    def build(session, key_hash):
        row = PerceptionResponse(survey=survey, submitted_on=on or local_today(), submission_key_hash=key_hash)
        session.add(row)
        session.flush()
        session.add_all([PerceptionAnswer(response_id=row.id, question_id=qid, score=score)
                         for qid, score in scores.items()])
        return row

    return store_once(PerceptionResponse, submission_key, build)


def index(survey: str, period: Period) -> tuple[ikm.Index, list[PerceptionQuestion]]:
    """The index of a survey in a period over its active questions that have answers (ikm.compute, equal
    weights; a question's NRR is over the answers it received, as the set may change mid-period)."""
    result, asked, _counts = index_with_counts(survey, period)
    return result, asked


def index_with_counts(survey: str, period: Period) -> tuple[ikm.Index, list[PerceptionQuestion], dict[str, int]]:
    """index() and the number of answers per active question ({"q<id>": n}), for the published report."""
    asked = questions(survey)
    in_period = (PerceptionResponse.survey == survey) & PerceptionResponse.submitted_on.between(period.start, period.end)
    n = db.session.scalar(select(func.count()).select_from(PerceptionResponse).where(in_period)) or 0
    rows = db.session.execute(
        select(PerceptionAnswer.question_id, func.sum(PerceptionAnswer.score), func.count())
        .join(PerceptionResponse, PerceptionResponse.id == PerceptionAnswer.response_id)
        .where(in_period).group_by(PerceptionAnswer.question_id)).all()
    keys = tuple(f"q{q.id}" for q in asked)
    sums = {f"q{qid}": int(total) for qid, total, _count in rows}
    counts = {f"q{qid}": count for qid, _total, count in rows}
    return ikm.compute(sums, n, keys, counts), asked, {k: counts.get(k, 0) for k in keys}


def _check_text(text: str | None) -> str:
    text = " ".join((text or "").split())
    if not text or len(text) > MAX_TEXT:
        raise SurveyError({"text": [_("Tulis pernyataannya (paling banyak %(n)d karakter).", n=MAX_TEXT)]})
    return text


def add_question(user, survey: str, text: str | None) -> PerceptionQuestion:
    if survey not in PERCEPTION_SURVEYS:
        raise SurveyError({"survey": [_("Survei tidak dikenal.")]})
    text = _check_text(text)
    with write_transaction() as session:
        last = session.scalar(select(func.max(PerceptionQuestion.position))
                              .where(PerceptionQuestion.survey == survey)) or 0
        row = PerceptionQuestion(survey=survey, position=last + 1, text=text, active=True, updated_by_id=user.id,
                                 updated_at=utcnow())
        session.add(row)
        session.flush()
        audit.log("perception_question_add", actor=user, channel="skm", case_ref=f"{survey}:q{row.id}",
                  detail={"survey": survey, "question_id": row.id})
    return row


def update_question(user, question_id: int, text: str | None, active: bool) -> PerceptionQuestion:
    """Reword a question or retire it (a retired one leaves the form and the index from now on)."""
    row = db.session.get(PerceptionQuestion, question_id) if 0 < question_id <= MAX_ID else None
    if row is None:
        raise SurveyError({"question": [_("Pertanyaan tidak ditemukan.")]})
    text = _check_text(text)
    with write_transaction():
        before = {"text": row.text, "active": row.active}
        row.text, row.active, row.updated_by_id, row.updated_at = text, active, user.id, utcnow()
        audit.log("perception_question_edit", actor=user, channel="skm", case_ref=f"{row.survey}:q{row.id}",
                  detail={"question_id": row.id, "active": active, "before_active": before["active"],
                          "reworded": before["text"] != text})
    return row
