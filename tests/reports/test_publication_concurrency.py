"""Publishing never blocks intake: the report's files are built outside any write transaction,
and only one of two concurrent approvals of a draft publishes."""
from __future__ import annotations

import re
import threading

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Complaint
from portal.models.publication import PublishedReport
from portal.reports import render
from publish_support import Publisher
from samples import COMPLAINT
from staff import csrf
pytestmark = pytest.mark.usefixtures("periods_ended")

MONTH = "2026-10"
WAIT = 20  # seconds: far above a submission's time, far below SQLite's 30 s busy timeout


@pytest.fixture
def pub(app, as_role):
    return Publisher(app, as_role)


class Paused:
    """A renderer of portal.reports.render whose first call after arm() waits (in its thread) until
    the test releases it; calls before arm() (the draft page renders the body too) run through."""

    def __init__(self, monkeypatch, name: str):
        self.started, self.release, self.armed = threading.Event(), threading.Event(), threading.Event()
        original, calls = getattr(render, name), []

        def paused(*args, **kwargs):
            if self.armed.is_set():
                calls.append(1)
                if len(calls) == 1:
                    self.started.set()
                    assert self.release.wait(WAIT), f"the test never released the paused {name}"
            return original(*args, **kwargs)

        monkeypatch.setattr(render, name, paused)

    def arm(self) -> "Paused":
        self.armed.set()
        return self


@pytest.fixture
def paused_render(monkeypatch):
    made: list[Paused] = []

    def pause(name: str) -> Paused:
        made.append(Paused(monkeypatch, name))
        return made[-1]

    yield pause
    for paused in made:
        paused.release.set()


@pytest.fixture
def paused_pdf(paused_render):
    paused = paused_render("render_pdf").arm()
    return paused.started, paused.release


def _approve_in_thread(client, draft_id: int, token: str, out: dict) -> threading.Thread:
    def run():
        out["response"] = client.post(f"/kantor/laporan/draf/{draft_id}/setujui", data={"csrf_token": token})

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


@pytest.mark.parametrize("renderer", ["render_body", "render_csv", "render_xlsx", "render_pdf"])
def test_a_complaint_is_accepted_while_a_publication_is_being_built(app, pub, paused_render, renderer):
    """Whichever stored file the approval is rendering (the report page, CSV, XLSX, PDF), a citizen's
    complaint is answered 201 meanwhile, and the approval then publishes."""
    paused = paused_render(renderer)
    draft = pub.draft_id(pub.prepare("complaints", MONTH))
    leader = pub.client("leader")
    token = csrf(leader.get(f"/kantor/laporan/draf/{draft}").get_data(as_text=True))
    paused.arm()
    approval: dict = {}
    approving = _approve_in_thread(leader, draft, token, approval)
    assert paused.started.wait(WAIT), f"the approval never reached {renderer}"

    submitted: dict = {}

    def submit():
        submitted["response"] = app.test_client().post("/api/v1/complaints", json=COMPLAINT)

    submitting = threading.Thread(target=submit, daemon=True)
    submitting.start()
    submitting.join(5)
    blocked = submitting.is_alive()
    paused.release.set()
    submitting.join(WAIT)
    approving.join(WAIT)
    assert not blocked, f"the complaint waited for the publication's {renderer}"
    assert submitted["response"].status_code == 201, submitted["response"].get_data(as_text=True)[:500]
    assert approval["response"].status_code == 302
    assert re.search(r"/laporan/\d+$", approval["response"].headers["Location"])
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PublishedReport)) == 1
        assert db.session.scalar(select(func.count()).select_from(Complaint)) == 1


def test_two_approvals_of_one_draft_publish_once(app, pub, paused_pdf):
    started, release = paused_pdf
    draft = pub.draft_id(pub.prepare("complaints", MONTH))
    leader = pub.client("leader")
    page = f"/kantor/laporan/draf/{draft}"
    token = csrf(leader.get(page).get_data(as_text=True))
    first: dict = {}
    approving = _approve_in_thread(leader, draft, token, first)
    assert started.wait(WAIT)
    # A second approval (a double click, a second tab) finishes while the first is still rendering.
    second = leader.post(page + "/setujui", data={"csrf_token": token})
    assert second.status_code == 302
    release.set()
    approving.join(WAIT)
    assert first["response"].status_code == 422
    assert "sudah diterbitkan" in first["response"].get_data(as_text=True)
    with app.app_context():
        rows = db.session.execute(select(PublishedReport.version, PublishedReport.draft_id)).all()
        assert rows == [(1, draft)]
