"""The gratification workflow table of DOMAIN.md §3, its deadlines with legal basis, and the demo seed."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.gratification.services import next_statuses
from portal.models import GratificationReport
from portal.workflow import GRATIFICATION, WORKFLOWS, ReasonRequired, TransitionRefused, sla


def walk(path: list[str], reasons: dict | None = None) -> None:
    for current, target in zip(path, path[1:]):
        GRATIFICATION.check(current, target, (reasons or {}).get(target, "alasan"))


def test_registered_and_starts_at_reported():
    assert WORKFLOWS["gratification"] is GRATIFICATION
    assert GRATIFICATION.initial == "reported"


@pytest.mark.parametrize("path", [
    ["reported", "analysis", "forwarded", "decided", "follow_up", "done"],   # milik negara
    ["reported", "analysis", "forwarded", "decided", "done"],                # milik penerima
    ["reported", "incomplete", "analysis", "archived"],                      # tidak wajib lapor
    ["reported", "incomplete", "stopped"],                                   # not completed in 20 HK
    ["reported", "recorded", "done"],                                        # refusal
])
def test_paths_of_domain_section_3_are_allowed(path):
    walk(path)


@pytest.mark.parametrize("current, target", [
    ("reported", "forwarded"), ("reported", "done"), ("analysis", "decided"), ("forwarded", "done"),
    ("recorded", "analysis"), ("done", "reported"), ("archived", "analysis"), ("stopped", "analysis"),
])
def test_skipping_steps_is_refused(current, target):
    with pytest.raises(TransitionRefused):
        GRATIFICATION.check(current, target, "alasan")


@pytest.mark.parametrize("target, source", [("incomplete", "reported"), ("archived", "analysis"), ("stopped", "incomplete")])
def test_reporter_is_told_why_when_asked_to_complete_archived_or_stopped(target, source):
    with pytest.raises(ReasonRequired):
        GRATIFICATION.check(source, target, "  ")
    GRATIFICATION.check(source, target, "Lengkapi nama pemberi.")


def test_every_status_is_reachable_and_terminal_ones_lead_nowhere():
    reached, frontier = {GRATIFICATION.initial}, [GRATIFICATION.initial]
    while frontier:
        for target in GRATIFICATION.transitions.get(frontier.pop(), ()):
            if target not in reached:
                reached.add(target)
                frontier.append(target)
    assert reached == set(GRATIFICATION.statuses)
    for code, status in GRATIFICATION.statuses.items():
        assert status.terminal == (code not in GRATIFICATION.transitions), code


def test_deadlines_carry_their_legal_basis(app):
    with app.app_context():
        assert sla("gratification", "reported")[0] == 10 and "10 hari kerja" in sla("gratification", "reported")[1]
        assert sla("gratification", "incomplete")[0] == 20 and "PerKPK 1/2026" in sla("gratification", "incomplete")[1]
        assert sla("gratification", "forwarded")[0] == 30 and "UU 30/2002" in sla("gratification", "forwarded")[1]
    for status in GRATIFICATION.statuses.values():
        assert (status.sla_days is None) == (status.sla_basis == ""), status.code


@pytest.mark.parametrize("action, expected", [("refused", {"incomplete", "recorded"}), ("accepted", {"incomplete", "analysis"})])
def test_refusals_keep_to_their_short_path(action, expected):
    report = GratificationReport(action=action, status="reported")
    assert {s.code for s in next_statuses(report)} == expected


def test_demo_seed_covers_the_channel(app):
    result = app.test_cli_runner().invoke(args=["demo", "seed", "--months", "4", "--per-month", "30", "--seed", "3"])
    assert result.exit_code == 0, (result.output, result.exception)
    count = int(re.search(r"^gratification: (\d+)$", result.output, re.M).group(1))
    with app.app_context():
        reports = db.session.scalars(select(GratificationReport)).all()
        assert len(reports) == count > 0
        assert {r.action for r in reports} == {"accepted", "refused"}
        for report in reports:
            assert report.ticket.startswith("GRT-") and report.status in GRATIFICATION.statuses
            assert report.events[0].kind == "submitted" and report.events[-1].status_to == report.status
            assert report.late == (report.submitted_on > report.report_deadline)
            if report.action == "refused":
                assert report.status in {"reported", "recorded", "done"}
            if report.status in {"decided", "follow_up", "done"} and report.action == "accepted":
                assert report.gol_number and report.kpk_decree_number and report.kpk_decision
