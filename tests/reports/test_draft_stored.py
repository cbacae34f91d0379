"""A draft's figures are built once (prepare, or the rebuild button) and stored: the draft page and
the approval use the stored build, never a build per view (issue 20)."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from publish_support import Publisher
from staff import csrf

import report_dataset

pytestmark = pytest.mark.usefixtures("periods_ended")


def _draft_row(app, draft_id):
    from portal.extensions import db
    from portal.models.publication import ReportDraft

    with app.app_context():
        row = db.session.scalar(select(ReportDraft).where(ReportDraft.id == draft_id))
        return json.loads(row.figures), row.built_at


def test_draft_page_and_approval_use_the_stored_build_and_rebuild_refreshes_it(app, as_role, monkeypatch):
    import portal.reports.backoffice as views
    import portal.reports.publication as pub

    report_dataset.load(app)
    publisher = Publisher(app, as_role)
    draft_id = publisher.draft_id(publisher.prepare("complaints", "2026-10"))
    stored, built_at = _draft_row(app, draft_id)
    assert stored["channel"] == "complaints" and stored["period"]["code"] == "2026-10" and built_at

    builds = []
    real = pub.build_report

    def counting(*args, **kwargs):
        builds.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(pub, "build_report", counting)
    monkeypatch.setattr(views, "build_report", counting)
    page = f"/kantor/laporan/draf/{draft_id}"
    for role in ("complaints", "leader", "leader"):
        response = publisher.client(role).get(page)
        assert response.status_code == 200 and 'id="dihitung"' in response.get_data(as_text=True)
    assert builds == []  # three views, no build

    team = publisher.client("complaints")
    response = team.post(page + "/hitung-ulang", data={"csrf_token": csrf(team.get(page).get_data(as_text=True))})
    assert response.status_code == 302 and len(builds) == 1
    _, rebuilt_at = _draft_row(app, draft_id)
    assert rebuilt_at > built_at

    stored, _ = _draft_row(app, draft_id)
    response = publisher.approve(draft_id)
    assert response.status_code == 302 and len(builds) == 1  # the approval builds nothing either
    report_id = int(response.headers["Location"].rsplit("/", 1)[1])
    from portal.extensions import db
    from portal.models.publication import PublishedReport

    with app.app_context():
        snap = json.loads(db.session.get(PublishedReport, report_id).snapshot)
    assert snap["report"] == stored


def test_a_published_draft_is_not_rebuilt(app, as_role):
    report_dataset.load(app)
    publisher = Publisher(app, as_role)
    draft_id = publisher.draft_id(publisher.prepare("complaints", "2026-10"))
    assert publisher.approve(draft_id).status_code == 302
    team, page = publisher.client("complaints"), f"/kantor/laporan/draf/{draft_id}"
    html = team.get(page).get_data(as_text=True)
    assert "hitung-ulang" not in html
    response = team.post(page + "/hitung-ulang", data={"csrf_token": csrf(html)})
    assert response.status_code == 422
