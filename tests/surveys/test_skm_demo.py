"""`demo seed` also fills the SKM, so a demo (and a benchmark) shows an IKM in the report."""
from __future__ import annotations

import json
import re

from sqlalchemy import select

from portal.extensions import db
from portal.models import SkmResponse
from portal.reports.periods import Period, office_today

SEED_ARGS = ["demo", "seed", "--months", "3", "--per-month", "10", "--seed", "7"]


def invoke(app, *args) -> str:
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, (result.output, result.exception)
    return result.output


def answers(app) -> list[tuple]:
    with app.app_context():
        return [tuple(r) for r in db.session.execute(
            select(SkmResponse.service, SkmResponse.submitted_on, SkmResponse.u1, SkmResponse.u5, SkmResponse.u9,
                   SkmResponse.sex, SkmResponse.suggestion).order_by(SkmResponse.id))]


def test_demo_seed_gives_the_last_month_an_ikm(app):
    output = invoke(app, *SEED_ARGS)
    assert re.search(r"^skm: 30$", output, re.M), output
    with app.app_context():
        last_month = Period.containing(office_today()).previous()
        rows = db.session.scalars(select(SkmResponse)).all()
        # Ten answers in each of the three months, every score on the 1–4 scale.
        assert sum(1 for r in rows if last_month.contains(r.submitted_on)) == 10
        assert all(1 <= getattr(r, f"u{i}") <= 4 for r in rows for i in range(1, 10))
        # Suggestions wait for moderation like any sent through the form.
        assert all(r.suggestion_status == ("pending" if r.suggestion else None) for r in rows)
    report = json.loads(invoke(app, "reports", "build", "--channel", "skm", "--period", last_month.code,
                               "--format", "json"))
    assert report["summary"]["respondents"] == 10
    assert 25 <= report["summary"]["ikm"] <= 100 and report["summary"]["mutu"] in {"A", "B", "C", "D"}


def test_demo_skm_answers_are_reproducible(app_factory):
    first, second, other = app_factory(), app_factory(), app_factory()
    invoke(first, *SEED_ARGS)
    invoke(second, *SEED_ARGS)
    invoke(other, *SEED_ARGS[:-1], "8")
    assert answers(first) == answers(second)
    assert answers(first) != answers(other)
