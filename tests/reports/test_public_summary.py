"""What the monthly complaint report publishes and counts (issue 13): T6 shows staff's neutral
words, never the citizen's; T3 per bidang; T4 counts each deadline in its own unit."""
from __future__ import annotations

import html
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select, update

from portal.extensions import db
from portal.models import Complaint
from portal.reports import build_report
from publish_support import Publisher, public_urls
from samples import COMPLAINT
from staff import csrf

CITIZEN_SUBJECT = "Petugas loket Bapak Slamet Riyadi minta Rp150.000"
HANDLER_SUMMARY = "Dugaan pungutan di loket akta kelahiran"


def _file(app, submitted_on: date, **changes) -> str:
    response = app.test_client().post("/api/v1/complaints", json={**COMPLAINT, **changes})
    assert response.status_code == 201
    ticket = response.get_json()["ticket"]
    # Arrange the filing day (a factory, not the behaviour under test): 09:00 WIB that day.
    at = datetime(submitted_on.year, submitted_on.month, submitted_on.day, 2, 0, tzinfo=timezone.utc)
    with app.app_context():
        db.session.execute(update(Complaint).where(Complaint.ticket == ticket)
                           .values(submitted_on=submitted_on, submitted_at=at, status_changed_at=at))
        db.session.commit()
    return ticket


def test_t6_publishes_no_word_the_citizen_typed(app, as_role, office_day, monkeypatch):
    office_day(date(2026, 11, 29))
    bribe = _file(app, date(2026, 10, 12), category="akta-lahir", problem="pungli", subject=CITIZEN_SUBJECT,
                  description="Petugas loket Bapak Slamet Riyadi meminta Rp150.000 agar akta kelahiran anak "
                              "saya cepat selesai. Kejadian di Cikande 3604,0112,7788.")
    written = _file(app, date(2026, 10, 13), category="akta-lahir", problem="pungli",
                     subject="Bu Wartini di loket 2 minta uang rokok 3604 0112 7788")
    # A handler writes the neutral line for the second complaint on the case page.
    handler = as_role("complaints")
    token = csrf(handler.get(f"/kantor/pengaduan/{written}").get_data(as_text=True))
    response = handler.post(f"/kantor/pengaduan/{written}/ringkasan-publik",
                            data={"csrf_token": token, "public_summary": HANDLER_SUMMARY})
    assert response.status_code == 303
    page = html.unescape(handler.get(f"/kantor/pengaduan/{bribe}").get_data(as_text=True))
    assert "Akta kelahiran — Pungutan liar / calo" in page.split('id="ringkasan-tampil"')[1][:200]

    pub = Publisher(app, as_role)
    pub.clients["complaints"] = handler  # one sign-in per account (a TOTP code is used once)
    draft = pub.draft_id(pub.prepare("complaints", "2026-10"))
    leader_page = html.unescape(pub.client("leader").get(f"/kantor/laporan/draf/{draft}").get_data(as_text=True))
    assert HANDLER_SUMMARY in leader_page  # the leader reads the staff's words before approving
    response = pub.approve(draft)
    assert response.status_code == 302
    report_id = int(response.headers["Location"].rsplit("/", 1)[1])

    rows = app.test_client().get(f"/api/v1/reports/{report_id}").get_json()["report"]["tables"]["t6"]["rows"]
    summaries = {row["ticket"]: row["summary"] for row in rows}
    assert summaries == {bribe: "Akta kelahiran — Pungutan liar / calo", written: HANDLER_SUMMARY}
    client = app.test_client()
    for url in [u for u in public_urls(report_id) if not u.endswith((".xlsx", ".pdf"))]:
        text = html.unescape(client.get(url).get_data(as_text=True))
        for word in ("Slamet", "Riyadi", "Rp150", "150.000", "Wartini", "rokok", "3604", "Cikande"):
            assert word not in text, (url, word)


def test_t3_counts_per_bidang_with_one_row_until_units_exist(app, office_day):
    office_day(date(2026, 11, 29))
    for day in (date(2026, 10, 5), date(2026, 10, 20), date(2026, 11, 2)):
        _file(app, day)
    with app.app_context():
        t3 = build_report("complaints", "2026-10").table("t3")
    assert [(r["label"], r["received"], r["completed"]) for r in t3.rows] == [("Belum didisposisikan ke bidang", 2, 0)]
    assert t3.total["received"] == 2


def test_t4_counts_sixty_days_in_calendar_days_and_every_verification_outcome(app, as_role, office_day, monkeypatch):
    office_day(date(2026, 11, 29))
    late = _file(app, date(2026, 8, 3))
    on_time = _file(app, date(2026, 8, 20))
    archived = _file(app, date(2026, 10, 5))
    with app.app_context():
        for ticket in (late, on_time):
            db.session.execute(update(Complaint).where(Complaint.ticket == ticket).values(
                status="completed", verified_on=date(2026, 8, 21), first_response_on=date(2026, 8, 24),
                completed_on=date(2026, 10, 12), closed_on=date(2026, 10, 12)))
        db.session.commit()
    # Verified straight into Arsip on 6 October, through the case page.
    monkeypatch.setattr("portal.complaints.casework.local_today", lambda: date(2026, 10, 6))
    handler = as_role("complaints")
    token = csrf(handler.get(f"/kantor/pengaduan/{archived}").get_data(as_text=True))
    handler.post(f"/kantor/pengaduan/{archived}/status",
                 data={"csrf_token": token, "status": "archived", "reason": "Pesan berulang."})
    with app.app_context():
        report = build_report("complaints", "2026-10")
    t4 = {row["measure"]: row for row in report.table("t4").rows}
    # Both completed on 12 October 2026. From 3 August: 28 (Aug) + 30 (Sep) + 12 (Oct) = 70 calendar
    # days > 60: late (in working days it would be 48 HK, "on time"). From 20 August: 11 + 30 + 12 = 53.
    assert (t4["completion"]["total"], t4["completion"]["on_time"], t4["completion"]["late"]) == (2, 1, 1)
    assert t4["completion"]["sla_unit"] == "hari kalender" and t4["verification"]["sla_unit"] == "hari kerja"
    # The complaint verified into Arsip is a verification of October (filed 5 Oct, 1 HK: on time).
    assert (t4["verification"]["total"], t4["verification"]["on_time"]) == (1, 1)
    assert report.summary["verified"] == 1
