"""Retention of complaints and gratification reports: the purge anonymises exactly the cases its
schedule (channel, status, days after closing) names — and nothing else; the dry run changes nothing."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEntry, Complaint, GratificationReport
from portal.privacy import retention

import report_dataset
from privacy_helpers import RINA, submit_gratification

TODAY = date(2026, 11, 1)


def names(app) -> dict[str, str | None]:
    with app.app_context():
        rows = {c.ticket: c.name for c in db.session.scalars(select(Complaint))}
        rows |= {g.ticket: g.reporter_name for g in db.session.scalars(select(GratificationReport))}
        return rows


def test_the_purge_removes_what_the_schedule_says_and_nothing_else(app, monkeypatch):
    monkeypatch.setattr("portal.privacy.retention.local_today", lambda: TODAY)
    app.config["COMPLAINTS_RETENTION_DAYS"] = 60       # Selesai/Ditutup closed before 2 September 2026
    app.config["COMPLAINTS_DROPPED_RETENTION_DAYS"] = 200  # Arsip/Bukan Kewenangan closed before 15 April 2026
    app.config["GRATIFICATION_RETENTION_DAYS"] = 90    # closed before 3 August 2026
    cases = report_dataset.load(app)
    old_report, recent_report, open_report = (submit_gratification(app, RINA)[0] for _ in range(3))
    with app.app_context():
        for ticket, closed in ((old_report, date(2026, 8, 2)), (recent_report, date(2026, 8, 3))):
            row = db.session.scalar(select(GratificationReport).where(GratificationReport.ticket == ticket))
            row.status, row.closed_on = "done", closed
        db.session.commit()
    # The recount from the data set itself, not from the purge's query.
    limits = {("completed", "closed"): TODAY - timedelta(days=60), ("archived", "not_authority"): TODAY - timedelta(days=200)}
    expected = {c.ticket for c in cases for statuses, cutoff in limits.items()
                if c.status in statuses and c.closed_on is not None and c.closed_on < cutoff} | {old_report}
    assert 3 < len(expected) < len(cases)  # the schedule keeps some cases and removes others
    before = names(app)

    dry = app.test_cli_runner().invoke(args=["privacy", "purge", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert {line.split("\t")[0] for line in dry.output.splitlines() if "\t" in line} == expected
    assert f"akan dihapus: {len(expected)} kasus" in dry.output
    assert names(app) == before

    result = app.test_cli_runner().invoke(args=["privacy", "purge"])
    assert result.exit_code == 0, result.output
    after = names(app)
    assert {t for t, name in after.items() if name != before[t]} == expected
    assert {after[t] for t in expected} <= {None, "[dihapus]"}
    assert recent_report not in expected and open_report not in expected
    with app.app_context():
        logged = db.session.scalars(select(AuditEntry.case_ref).where(AuditEntry.action == "pdp_purge")).all()
    assert sorted(logged) == sorted(expected)
    again = app.test_cli_runner().invoke(args=["privacy", "purge"])
    assert "dihapus: 0 kasus" in again.output


def test_the_admin_sees_what_the_next_purge_removes(app, as_role, monkeypatch):
    monkeypatch.setattr("portal.privacy.retention.local_today", lambda: TODAY)
    app.config["GRATIFICATION_RETENTION_DAYS"] = 90
    tickets = [submit_gratification(app, RINA)[0] for _ in range(2)]
    with app.app_context():
        for row in db.session.scalars(select(GratificationReport).where(GratificationReport.ticket.in_(tickets))):
            row.status, row.closed_on = "done", date(2026, 5, 1)
        db.session.commit()
    page = as_role("admin").get("/kantor/privasi").get_data(as_text=True)
    row = next(line for line in page.split("<tr>") if "Laporan gratifikasi" in line).split("</tr>")[0]
    assert "<td>90</td>" in row and "JRA" in row and row.endswith("<td>2</td>")
    assert tickets[0] not in page  # counts only: the admin does not see the cases
