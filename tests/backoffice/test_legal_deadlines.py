"""Complaint deadlines as UU 25/2009 writes them (issue 13): "hari" is a calendar day, "hari kerja"
a working day; every verification outcome has its date; Selesai needs the final answer."""
from __future__ import annotations

import html
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Complaint
from samples import COMPLAINT
from staff import csrf

SUNDAY = date(2026, 11, 29)


def _pin(monkeypatch, day: date) -> None:
    """The back office's day and clock: 10:00 WIB (03:00 UTC) on `day`."""
    monkeypatch.setattr("portal.complaints.casework.local_today", lambda: day)
    at = datetime(day.year, day.month, day.day, 3, 0, tzinfo=timezone.utc)
    monkeypatch.setattr("portal.complaints.casework.utcnow", lambda: at)


@pytest.fixture
def handler(as_role, monkeypatch):
    _pin(monkeypatch, SUNDAY)
    return as_role("complaints")


def _file(app) -> str:
    response = app.test_client().post("/api/v1/complaints", json=COMPLAINT)
    assert response.status_code == 201
    return response.get_json()["ticket"]


def _post(client, ticket, path, **data) -> str:
    token = csrf(client.get(f"/kantor/pengaduan/{ticket}").get_data(as_text=True))
    response = client.post(f"/kantor/pengaduan/{ticket}/{path}", data={"csrf_token": token, **data})
    assert response.status_code == 303
    return html.unescape(client.get(response.headers["Location"]).get_data(as_text=True))


def _case(app, ticket) -> Complaint:
    with app.app_context():
        complaint = db.session.scalar(select(Complaint).where(Complaint.ticket == ticket))
        db.session.expunge(complaint)
        return complaint


def test_sixty_days_to_decide_are_calendar_days(app, handler):
    ticket = _file(app)
    _post(handler, ticket, "status", status="dispositioned")
    # A working-day rule stays one: first follow-up within 5 hari kerja of the disposition (SP4N-LAPOR!):
    # Mon 30 Nov, 1, 2, 3, Fri 4 Dec.
    assert _case(app, ticket).due_on == date(2026, 12, 4)
    _post(handler, ticket, "catatan", visibility="public", body="Berkas lengkap, sedang kami proses.")
    complaint = _case(app, ticket)
    assert complaint.status == "in_progress"
    # UU 25/2009 Ps 50: "paling lambat 60 (enam puluh) hari". From Sunday 29 November 2026:
    # 30 Nov (1), 1–31 Dec (2–32), 1–28 Jan 2027 (33–60). Weekends, Christmas and New Year count.
    assert complaint.due_on == date(2027, 1, 28)


def test_thirty_days_to_complete_the_file_are_calendar_days_and_verification_is_dated(app, handler):
    ticket = _file(app)
    _post(handler, ticket, "status", status="pending", reason="Mohon lampirkan bukti perekaman KTP-el.")
    complaint = _case(app, ticket)
    # UU 25/2009 Ps 45: the complainant completes the file "paling lambat 30 (tiga puluh) hari":
    # 30 Nov (1), 1–29 Dec (2–30).
    assert complaint.due_on == date(2026, 12, 29)
    assert complaint.verified_on == SUNDAY  # verified into Tertunda: a verification outcome too


@pytest.mark.parametrize("target", ["archived", "not_authority"])
def test_every_verification_outcome_has_its_date(app, handler, target):
    ticket = _file(app)
    _post(handler, ticket, "status", status=target, reason="Bukan layanan Dukcapil / pesan berulang.")
    complaint = _case(app, ticket)
    assert complaint.status == target and complaint.verified_on == SUNDAY


def test_selesai_needs_the_final_answer(app, handler):
    ticket = _file(app)
    _post(handler, ticket, "status", status="dispositioned")
    _post(handler, ticket, "catatan", visibility="public", body="Sedang kami periksa ke UPT Kramatwatu.")
    page = _post(handler, ticket, "status", status="completed")
    assert "Tulis dulu tanggapan final" in page
    assert _case(app, ticket).status == "in_progress"
    _post(handler, ticket, "catatan", visibility="answer",
          body="KTP-el Anda sudah dicetak dan dapat diambil di UPT Kramatwatu.")
    page = _post(handler, ticket, "status", status="completed")
    assert 'id="status-kasus">Selesai<' in page
    assert _case(app, ticket).completed_on == SUNDAY


def test_reopening_a_completed_complaint_does_not_restart_the_sixty_days(app, handler, monkeypatch):
    ticket = _file(app)
    _post(handler, ticket, "status", status="dispositioned")
    _post(handler, ticket, "catatan", visibility="public", body="Berkas lengkap, sedang kami proses.")
    _post(handler, ticket, "catatan", visibility="answer", body="KTP-el Anda sudah dicetak.")
    _post(handler, ticket, "status", status="completed")
    # Twenty days later the citizen says the card has a typo: the case is reopened.
    _pin(monkeypatch, date(2026, 12, 19))
    _post(handler, ticket, "status", status="in_progress")
    complaint = _case(app, ticket)
    # Still 60 calendar days from entering Sedang Diproses on 29 November: 28 January 2027 (not 17 February).
    assert complaint.status == "in_progress" and complaint.due_on == date(2027, 1, 28)
