"""`privacy breach`: for a breach window, counts of the subjects to notify first; their contacts
only with --details, into a new 0600 file; every run audited."""
from __future__ import annotations

import json
import os
import stat
from datetime import date, datetime, timezone

from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEntry, Complaint, GratificationReport

from privacy_helpers import BUDI, RINA, SITI, submit_complaint, submit_gratification

ANON = {**BUDI, "name": "", "nik": "", "email": "", "phone": "", "address": "", "privacy": "anonymous"}


def _at(app, model, ticket, when):
    with app.app_context():
        row = db.session.scalar(select(model).where(model.ticket == ticket))
        row.submitted_at = when
        db.session.commit()


def _cases(app):
    siti, _ = submit_complaint(app, SITI)
    budi, _ = submit_complaint(app, BUDI)
    anon, _ = submit_complaint(app, ANON)
    rina, _ = submit_gratification(app, RINA)
    _at(app, Complaint, siti, datetime(2026, 3, 1, 3, tzinfo=timezone.utc))
    _at(app, Complaint, budi, datetime(2026, 5, 20, 3, tzinfo=timezone.utc))  # after the window
    _at(app, Complaint, anon, datetime(2026, 3, 2, 3, tzinfo=timezone.utc))
    _at(app, GratificationReport, rina, datetime(2026, 2, 20, 3, tzinfo=timezone.utc))
    return siti, budi, anon, rina


def _audit(app):
    with app.app_context():
        return [json.loads(e.detail) if isinstance(e.detail, str) else e.detail
                for e in db.session.scalars(select(AuditEntry).where(AuditEntry.action == "pdp_breach_list"))]


def test_counts_first_and_no_contact_without_the_flag(app, tmp_path):
    _cases(app)
    result = app.test_cli_runner().invoke(args=["privacy", "breach", "--from", "2026-04-01", "--to", "2026-04-30"])
    assert result.exit_code == 0, result.output
    assert "complaints\tsubjek 2\tsurel 1\ttelepon saja 0\ttanpa kontak 1\tsudah dihapus 0" in result.output
    assert "gratification\tsubjek 1\tsurel 1" in result.output
    assert "dapat dihubungi: 2 subjek" in result.output
    for secret in ("siti@example.org", "Siti Aminah", "rina@example.org", "0812", "budi"):
        assert secret not in result.output.lower()
    (entry,) = _audit(app)
    assert entry["details"] is False and entry["complaints_cases"] == 2 and entry["complaints_reachable"] == 1
    assert entry["gratification_reachable"] == 1
    assert "siti" not in json.dumps(entry).lower()
    assert list(tmp_path.glob("*.tsv")) == []


def test_details_go_to_a_new_owner_only_file_and_are_audited(app, tmp_path):
    siti, budi, anon, rina = _cases(app)
    target = tmp_path / "breach.tsv"
    result = app.test_cli_runner().invoke(args=["privacy", "breach", "--from", "2026-04-01", "--to", "2026-04-30",
                                                "--details", str(target)])
    assert result.exit_code == 0, result.output
    assert "siti@example.org" not in result.output
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    rows = [line.split("\t") for line in target.read_text().splitlines()]
    assert rows[0] == ["channel", "ticket", "name", "email", "phone"]
    assert sorted(rows[1:]) == sorted([["complaints", siti, "Siti Aminah", "siti@example.org", SITI["phone"]],
                                       ["gratification", rina, "Rina Marlina", "rina@example.org",
                                        RINA["reporter_phone"]]])
    assert budi not in target.read_text() and anon not in target.read_text()
    (entry,) = _audit(app)
    assert entry["details"] is True
    again = app.test_cli_runner().invoke(args=["privacy", "breach", "--from", "2026-04-01", "--to", "2026-04-30",
                                               "--details", str(target)])
    assert again.exit_code != 0 and "sudah ada" in again.output
    assert len(_audit(app)) == 1


def test_a_case_erased_before_the_window_is_not_counted_one_erased_during_it_is(app):
    from portal.privacy import services
    from portal.privacy.channels import CHANNELS
    from portal.privacy.models import PrivacyErasure

    siti, budi, anon, rina = _cases(app)
    _at(app, Complaint, budi, datetime(2026, 3, 5, 3, tzinfo=timezone.utc))  # inside the window now
    with app.app_context():
        for ticket, when in ((siti, datetime(2026, 3, 31, tzinfo=timezone.utc)),
                             (budi, datetime(2026, 4, 10, tzinfo=timezone.utc))):
            row = db.session.scalar(select(Complaint).where(Complaint.ticket == ticket))
            row.status, row.closed_on = "completed", date(2026, 3, 30)
            services.erase(CHANNELS["complaints"], row, cause="request")
            db.session.flush()
            db.session.scalar(select(PrivacyErasure).where(PrivacyErasure.case_id == row.id)).at = when
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["privacy", "breach", "--from", "2026-04-01", "--to", "2026-04-30"])
    assert result.exit_code == 0, result.output
    # Siti erased before the window: not exposed; Budi erased during it: exposed, no contact left.
    assert "complaints\tsubjek 2\tsurel 0\ttelepon saja 0\ttanpa kontak 1\tsudah dihapus 1" in result.output
