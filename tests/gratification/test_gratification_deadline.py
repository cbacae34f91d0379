"""The 30-working-day report deadline (UU 20/2001 Ps 12C) on real dates around Lebaran and cuti bersama."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from portal import workdays
from portal.extensions import db
from portal.gratification.services import is_late, report_deadline, submit
from portal.gratification.validation import validate
from portal.models import GratificationReport


@pytest.mark.parametrize("received, deadline", [
    # Nyepi 19 Mar + cuti bersama 18 Mar; Idul Fitri 21-22 Mar + cuti bersama 20, 23, 24 Mar;
    # Wafat Yesus Kristus 3 Apr; Hari Buruh 1 May.
    (date(2026, 3, 13), date(2026, 5, 5)),
    # Cuti bersama Nyepi 28 Mar; Idul Fitri 31 Mar-1 Apr + cuti bersama 2-4 and 7 Apr; Wafat Yesus
    # Kristus 18 Apr; Hari Buruh 1 May; Waisak 12 May + cuti bersama 13 May.
    (date(2025, 3, 27), date(2025, 5, 23)),
    # DOMAIN.md §6 sample 9: Isra Mikraj 16 Jan, cuti bersama Imlek 16 Feb, Imlek 17 Feb.
    (date(2026, 1, 2), date(2026, 2, 18)),
])
def test_deadline_skips_weekends_holidays_and_cuti_bersama(app, received, deadline):
    with app.app_context():
        assert report_deadline(received) == deadline
        assert workdays.working_days_between(received, deadline) == 30


def test_cuti_bersama_counts_as_working_when_the_office_decides_so(app):
    app.config[workdays.CONFIG_CUTI_BERSAMA] = False
    with app.app_context():
        # The five cuti bersama days of Nyepi/Lebaran 2026 now count: one week earlier.
        assert report_deadline(date(2026, 3, 13)) == date(2026, 4, 28)
        assert report_deadline(date(2025, 3, 27)) == date(2025, 5, 15)


def test_a_decreed_holiday_moves_the_deadline(app):
    with app.app_context():
        workdays.set_override(date(2026, 4, 30), False, "Libur daerah (keputusan bupati)")
        assert report_deadline(date(2026, 3, 13)) == date(2026, 5, 6)


def test_sample_9_reported_after_30_working_days_is_late(app):
    received = date(2026, 1, 2)
    with app.app_context():
        assert not is_late(received, date(2026, 2, 18))  # the last day still counts
        assert is_late(received, date(2026, 2, 19))
        assert is_late(received, date(2026, 2, 20))


def test_submission_stores_deadline_and_late_flag_of_its_own_day(app, report_data):
    report_data.update(received_on="2026-01-02", occasion="kedinasan", giver_relation="pengguna-layanan")
    with app.app_context():
        clean, errors = validate(report_data, today=date(2026, 2, 20))
        assert errors == {}
        receipt = submit(clean, [], today=date(2026, 2, 20))
        assert (receipt.report_deadline, receipt.late) == (date(2026, 2, 18), True)
        on_time = submit(clean, [], today=date(2026, 2, 18))
        assert on_time.late is False
        rows = db.session.execute(select(GratificationReport.ticket, GratificationReport.report_deadline,
                                         GratificationReport.late, GratificationReport.submitted_on)
                                  .order_by(GratificationReport.id)).all()
        assert [tuple(r)[1:] for r in rows] == [(date(2026, 2, 18), True, date(2026, 2, 20)),
                                                (date(2026, 2, 18), False, date(2026, 2, 18))]
        assert all(r.ticket.startswith("GRT-2026-") for r in rows)


def test_api_reports_sample_9_as_late(client, today, report_data):
    today(date(2026, 2, 20))
    body = client.post("/api/v1/gratifications", json=dict(report_data, received_on="2026-01-02")).get_json()
    assert body["report_deadline"] == "2026-02-18"
    assert body["late"] is True
    today(date(2026, 2, 13))
    body = client.post("/api/v1/gratifications", json=dict(report_data, received_on="2026-01-02")).get_json()
    assert body["late"] is False
