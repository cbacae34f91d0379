"""Only a period that has ended is prepared, approved and published (issue 13). On Sunday
29 November 2026: November is running, December 2026 and June 2027 lie ahead, October is over."""
from __future__ import annotations

import html
from datetime import date

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import User
from portal.models.publication import DRAFT_PENDING, PublishedReport, ReportDraft
from portal.models.types import utcnow
from portal.reports import build_report
from portal.reports.periods import Period
from publish_support import PLAN, Publisher
from staff import ROLE_EMAILS

TODAY = date(2026, 11, 29)


@pytest.fixture
def pub(app, as_role, office_day):
    office_day(TODAY)
    return Publisher(app, as_role)


def _published(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(PublishedReport))


@pytest.mark.parametrize("channel, period", [("gratification", "2026-12"), ("complaints", "2027-06"),
                                             ("complaints", "2026-11"), ("gratification", "2026-S2")])
def test_a_period_not_yet_over_cannot_be_prepared(app, pub, channel, period):
    response = pub.prepare(channel, period, PLAN)
    assert response.status_code == 422
    assert "belum berakhir" in html.unescape(response.get_data(as_text=True))
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ReportDraft)) == 0
    assert _published(app) == 0


def test_the_running_month_can_be_previewed_marked_sementara_and_not_approved(app, pub):
    preview = pub.client("complaints").get("/kantor/laporan/pratinjau?channel=complaints&period=2026-11")
    page = html.unescape(preview.get_data(as_text=True))
    assert preview.status_code == 200
    assert 'id="sementara"' in page and "Sementara." in page and "(sementara)" in page
    # A draft of November kept from before the rule (or prepared under a wrong clock) is still refused.
    with app.app_context():
        author = db.session.scalar(select(User.id).where(User.email == ROLE_EMAILS["complaints"]))
        draft = ReportDraft(channel="complaints", period="2026-11", status=DRAFT_PENDING, prepared_by_id=author,
                            prepared_at=utcnow())
        db.session.add(draft)
        db.session.commit()
        draft_id = draft.id
    response = pub.approve(draft_id)
    assert response.status_code == 422 and "belum berakhir" in html.unescape(response.get_data(as_text=True))
    assert _published(app) == 0


def test_october_is_over_and_is_published_not_provisional(app, pub):
    preview = pub.client("complaints").get("/kantor/laporan/pratinjau?channel=complaints&period=2026-10")
    assert preview.status_code == 200 and 'id="sementara"' not in preview.get_data(as_text=True)
    report_id = pub.publish("complaints", "2026-10")
    detail = app.test_client().get(f"/api/v1/reports/{report_id}").get_json()["report"]
    assert detail["provisional"] is False and "sementara" not in detail["title"]


def test_nihil_only_once_the_period_has_ended(app, office_day):
    office_day(TODAY)
    with app.app_context():
        running, future = build_report("gratification", "2026-11"), build_report("gratification", "2026-12")
        over = build_report("gratification", "2026-10")
    assert running.received == future.received == over.received == 0
    assert running.provisional and future.provisional and not over.provisional
    assert running.summary["nihil"] is False and future.summary["nihil"] is False
    assert not any("Nihil" in note for note in running.notes + future.notes)
    assert over.summary["nihil"] is True and any("Nihil" in note for note in over.notes)
    # Semester II 2026 so far: only July–October are "nihil" months.
    with app.app_context():
        semester = build_report("gratification", Period.parse("2026-S2"))
    assert semester.summary["nihil"] is False
    assert semester.summary["nihil_months"] == ["2026-07", "2026-08", "2026-09", "2026-10"]
    office_day(date(2026, 12, 1))
    with app.app_context():
        assert build_report("gratification", "2026-11").summary["nihil"] is True
