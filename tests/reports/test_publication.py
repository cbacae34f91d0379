"""Publication workflow: draft → leader approval → immutable snapshot; send back; corrections."""
from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEntry, Complaint
from portal.models.publication import ImmutableReport, PublishedReport, ReportDraft
from publish_support import PLAN, Publisher, public_urls
from staff import ROLE_EMAILS, csrf

import report_dataset

# Publishing is only for periods that have ended (tests/reports/conftest.py).
pytestmark = pytest.mark.usefixtures("periods_ended")

MONTH = "2026-10"


@pytest.fixture
def seeded(app):
    return report_dataset.load(app)


@pytest.fixture
def pub(app, as_role):
    return Publisher(app, as_role)


def _audit_actions(app) -> list[tuple[str, str | None]]:
    with app.app_context():
        return [(a, ref) for a, ref in db.session.execute(
            select(AuditEntry.action, AuditEntry.case_ref).order_by(AuditEntry.id))]


def test_draft_approved_is_published_and_audited(app, seeded, pub, client):
    draft = pub.draft_id(pub.prepare("complaints", MONTH, plan=None))
    # Not public yet: neither in the list, nor the API, nor the feed.
    assert client.get("/api/v1/reports").get_json() == []
    assert b"<entry>" not in client.get("/laporan/feed.atom").data

    leader_page = pub.client("leader").get(f"/kantor/laporan/draf/{draft}")
    assert leader_page.status_code == 200
    assert "Setujui dan terbitkan" in leader_page.get_data(as_text=True)

    response = pub.approve(draft)
    assert response.status_code == 302
    report_id = int(response.headers["Location"].rsplit("/", 1)[1])
    listed = client.get("/api/v1/reports").get_json()
    assert [(r["id"], r["channel"], r["period"], r["version"]) for r in listed] == [
        (report_id, "complaints", MONTH, 1)]
    assert listed[0]["title"].startswith("Laporan Bulanan Tindak Lanjut Pengaduan")
    for url in public_urls(report_id):
        assert client.get(url).status_code == 200, url

    with app.app_context():
        row = db.session.get(PublishedReport, report_id)
        stored = db.session.get(ReportDraft, draft)
        assert stored.status == "published" and stored.published_id == report_id
        frozen = json.loads(row.snapshot)
        from portal.reports import build_report
        assert frozen["report"] == json.loads(build_report("complaints", MONTH).to_json())
    actions = _audit_actions(app)
    assert ("report_draft_prepared", f"laporan:complaints:{MONTH}") in actions
    assert ("report_published", f"laporan:complaints:{MONTH}") in actions


@pytest.mark.parametrize("role", ["complaints", "gratification", "wbs", "admin"])
def test_only_a_leader_approves_or_sends_back(app, seeded, pub, role):
    draft = pub.draft_id(pub.prepare("complaints", MONTH))
    client = pub.client(role)
    token = csrf(client.get("/kantor/akun/sandi").get_data(as_text=True))
    for action in ("setujui", "kembalikan"):
        response = client.post(f"/kantor/laporan/draf/{draft}/{action}", data={"csrf_token": token, "reason": "x" * 20})
        assert response.status_code == 403, (role, action)
    anonymous = app.test_client()
    assert anonymous.post(f"/kantor/laporan/draf/{draft}/setujui").status_code in (400, 401)
    with app.app_context():
        assert db.session.get(ReportDraft, draft).status == "pending"
        assert db.session.scalar(select(PublishedReport.id)) is None


def test_channel_teams_prepare_and_see_only_their_channel(app, seeded, pub):
    refused = pub.prepare("complaints", MONTH, role="gratification")
    assert refused.status_code == 422
    assert "kanal yang Anda tangani" in refused.get_data(as_text=True)
    for role in ("leader", "admin"):
        client = pub.client(role)
        token = csrf(client.get("/kantor/akun/sandi").get_data(as_text=True))
        # The ZI team (leader, admin) prepares the conflict-of-interest monev only, not a channel's report.
        refused = client.post("/kantor/laporan", data={"csrf_token": token, "channel": "complaints", "period": MONTH})
        assert refused.status_code == 422 and "kanal yang Anda tangani" in refused.get_data(as_text=True)
    draft = pub.draft_id(pub.prepare("complaints", MONTH))
    assert pub.client("gratification").get(f"/kantor/laporan/draf/{draft}").status_code == 403
    assert pub.client("wbs").get(f"/kantor/laporan/draf/{draft}").status_code == 403
    assert pub.client("admin").get(f"/kantor/laporan/draf/{draft}").status_code == 403
    assert pub.client("complaints").get(f"/kantor/laporan/draf/{draft}").status_code == 200
    assert pub.client("leader").get("/kantor/laporan/draf/999999").status_code == 404


def test_semester_needs_a_follow_up_plan_and_wbs_no_months(app, seeded, pub):
    response = pub.prepare("complaints", "2026-S2", plan="")
    assert response.status_code == 422
    assert "Rencana tindak lanjut wajib diisi" in response.get_data(as_text=True)
    assert pub.prepare("complaints", "2026-S2", plan=PLAN).status_code == 302
    monthly_wbs = pub.prepare("wbs", "2026-10")
    assert monthly_wbs.status_code == 422
    assert "hanya diterbitkan per semester" in monthly_wbs.get_data(as_text=True)
    bad = pub.prepare("gratification", "2026-13")
    assert bad.status_code == 422 and "bulan harus 01–12" in bad.get_data(as_text=True)
    # One open draft per channel and period.
    again = pub.prepare("complaints", "2026-S2", plan=PLAN)
    assert again.status_code == 422 and "Sudah ada draf" in again.get_data(as_text=True)


def test_sent_back_with_a_reason_then_resubmitted_and_approved(app, seeded, pub):
    draft = pub.draft_id(pub.prepare("gratification", "2026-S2"))
    no_reason = pub.send_back(draft, "")
    assert no_reason.status_code == 422 and "alasan" in no_reason.get_data(as_text=True).lower()
    assert pub.send_back(draft, "Rencana tindak lanjut belum memuat target waktu.").status_code == 302
    with app.app_context():
        stored = db.session.get(ReportDraft, draft)
        assert stored.status == "returned" and "target waktu" in stored.return_reason
    page = pub.client("gratification").get(f"/kantor/laporan/draf/{draft}").get_data(as_text=True)
    assert "target waktu" in page and "Ajukan kembali" in page
    # A returned draft cannot be approved until it is resubmitted.
    assert pub.approve(draft).status_code == 422
    assert pub.resubmit(draft, "x", role="gratification").status_code == 422  # too short for a semester
    assert pub.resubmit(draft, PLAN + " Target: Desember 2026.", role="gratification").status_code == 302
    response = pub.approve(draft)
    assert response.status_code == 302
    report_id = int(response.headers["Location"].rsplit("/", 1)[1])
    page = app.test_client().get(f"/laporan/{report_id}").get_data(as_text=True)
    assert "Target: Desember 2026." in page
    assert ("report_draft_returned", "laporan:gratification:2026-S2") in _audit_actions(app)
    assert ("report_draft_resubmitted", "laporan:gratification:2026-S2") in _audit_actions(app)


def test_a_correction_is_a_new_version_and_the_old_one_stays(app, seeded, pub, client):
    first = pub.publish("complaints", MONTH)
    missing = pub.prepare("complaints", MONTH)
    assert missing.status_code == 422
    assert "Penjelasan perubahan dari versi 1 wajib diisi" in missing.get_data(as_text=True)
    second = pub.publish("complaints", MONTH, correction="Dua pengaduan yang salah kanal dipindahkan ke kanal LAPOR!.")

    old = client.get(f"/laporan/{first}").get_data(as_text=True)
    assert "diganti oleh versi 2" in old and f'href="/laporan/{second}"' in old
    new = client.get(f"/laporan/{second}").get_data(as_text=True)
    assert "Koreksi atas versi 1" in new and "salah kanal dipindahkan" in new
    listing = client.get("/laporan").get_data(as_text=True)
    assert "diganti oleh versi 2" in listing
    api = {r["id"]: r for r in client.get("/api/v1/reports").get_json()}
    assert api[first]["superseded_by"] == second and api[second]["superseded_by"] is None
    assert api[second]["version"] == 2
    detail = client.get(f"/api/v1/reports/{second}").get_json()
    assert detail["correction_note"].startswith("Dua pengaduan")


def test_published_report_never_changes(app, seeded, pub, client):
    report_id = pub.publish("complaints", MONTH)
    urls = public_urls(report_id)
    before = {url: client.get(url).data for url in urls}
    with app.app_context():
        # Cases change afterwards: one completed, one new in the same month.
        complaint = db.session.scalar(select(Complaint).where(Complaint.status == "unverified",
                                                              Complaint.submitted_on >= date(2026, 10, 1)))
        complaint.status = "archived"
        extra = Complaint(ticket="PGD-2026-999999", access_code_hash="0" * 64, channel="web", category="kk",
                          problem="lambat", privacy="open", subject="Pengaduan baru", description="x" * 30,
                          status="unverified", submitted_on=date(2026, 10, 15),
                          submitted_at=report_dataset.when("10-15"), status_changed_at=report_dataset.when("10-15"))
        db.session.add(extra)
        db.session.commit()
        from portal.reports import build_report
        assert build_report("complaints", MONTH).received == 21  # the live figure moved
    after = {url: client.get(url).data for url in urls}
    for url in urls:
        assert after[url] == before[url], url
    assert b"PGD-2026-999999" not in after[f"/laporan/{report_id}"]

    with app.app_context():
        row = db.session.get(PublishedReport, report_id)
        row.title = "diubah"
        with pytest.raises(ImmutableReport):
            db.session.commit()
        db.session.rollback()
        db.session.delete(db.session.get(PublishedReport, report_id))
        with pytest.raises(ImmutableReport):
            db.session.commit()
        db.session.rollback()


def test_leader_sees_figures_but_no_case(app, seeded, pub):
    draft = pub.draft_id(pub.prepare("complaints", MONTH))
    page = pub.client("leader").get(f"/kantor/laporan/draf/{draft}").get_data(as_text=True)
    assert "T1. Rekapitulasi pengaduan per kanal" in page
    for case in seeded:
        assert case.name not in page and case.nik not in page and case.description not in page
    assert "/kantor/pengaduan/" not in page
    ticket = seeded[0].ticket
    assert pub.client("leader").get(f"/kantor/pengaduan/{ticket}").status_code == 403


def test_the_preparer_cannot_approve_their_own_draft(app, seeded, staff):
    email = "kabid@serangkab.go.id"
    staff.create(email, {"complaints", "leader"})
    client = staff.login(app.test_client(), email)
    token = csrf(client.get("/kantor/laporan").get_data(as_text=True))
    response = client.post("/kantor/laporan", data={"csrf_token": token, "channel": "complaints", "period": MONTH})
    draft = int(response.headers["Location"].rsplit("/", 1)[1])
    token = csrf(client.get(f"/kantor/laporan/draf/{draft}").get_data(as_text=True))
    refused = client.post(f"/kantor/laporan/draf/{draft}/setujui", data={"csrf_token": token})
    assert refused.status_code == 422
    assert "penyusunnya sendiri" in refused.get_data(as_text=True)
    leader = staff.login(app.test_client(), ROLE_EMAILS["leader"])
    token = csrf(leader.get(f"/kantor/laporan/draf/{draft}").get_data(as_text=True))
    assert leader.post(f"/kantor/laporan/draf/{draft}/setujui", data={"csrf_token": token}).status_code == 302


def test_unknown_reports_are_404_everywhere(client):
    for url in public_urls(12345) + public_urls(2**64) + public_urls(2**40):
        assert client.get(url).status_code == 404, url
    assert client.get("/api/v1/reports/12345").get_json()["error"] == "not found"
