"""The status sets every queue, dashboard, digest and report asks the workflow table for, written
out here by hand from DOMAIN.md §3 so the table cannot drift from them."""
from __future__ import annotations

from portal.workflow import COMPLAINTS, GRATIFICATION, WBS


def test_complaint_status_sets():
    assert set(COMPLAINTS.open) == {"unverified", "pending", "dispositioned", "in_progress"}
    # Selesai leaves the open balance but may reopen; Ditutup, Arsip, Bukan Kewenangan are final.
    assert COMPLAINTS.terminal == {"closed", "archived", "not_authority"}
    assert COMPLAINTS.resolved == {"completed", "closed"}
    assert COMPLAINTS.closing == {"completed", "closed", "archived", "not_authority"}
    assert set(COMPLAINTS.dropped) == {"archived", "not_authority"}


def test_gratification_status_sets():
    assert set(GRATIFICATION.open) == {"reported", "incomplete", "analysis", "forwarded", "decided", "follow_up",
                                       "recorded"}
    assert GRATIFICATION.closing == GRATIFICATION.terminal == {"done", "archived", "stopped"}
    # One UPG → KPK clock from the report date through verification and analysis.
    assert GRATIFICATION.on_clock("analysis") == {"reported", "analysis"}


def test_wbs_status_sets():
    assert WBS.terminal == WBS.closing == {"done", "closed"}
    assert "closed" not in WBS.open and "telaah" in WBS.open
