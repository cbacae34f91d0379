"""An accepted deletion anonymises a closed case: the published figures stay true, and the personal
data is in no file of the instance (database, WAL, upload store) afterwards."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, text

from portal import uploads
from portal.extensions import db
from portal.models import Complaint, ComplaintAttachment
from portal.privacy import services
from portal.privacy.channels import CHANNELS
from portal.reports import build_report
from portal.reports.periods import Period

import report_dataset
from privacy_helpers import FILE_BYTES
from staff import csrf

MONTHS = ["2025-12", "2026-01", "2026-02", "2026-03", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11",
          "2026-12"]
PERSONAL = ("name", "nik", "email", "phone", "address")


def figures(app) -> dict:
    with app.app_context():
        return {code: build_report("complaints", Period.parse(code)).as_dict() for code in MONTHS}


def closed_case_with_a_file(app) -> dict:
    """A closed case of the report data set, given an attachment; its personal values and bytes."""
    with app.app_context():
        row = db.session.scalars(select(Complaint).where(Complaint.closed_on.is_not(None))
                                 .order_by(Complaint.id)).first()
        name = uploads.store(FILE_BYTES)
        row.attachments.append(ComplaintAttachment(storage_name=name, original_name="ktp-warga.png",
                                                   content_type="image/png", size=len(FILE_BYTES)))
        db.session.commit()
        plain = [getattr(row, c) for c in PERSONAL]
        raw = db.session.execute(text("SELECT name, nik, email, phone, address FROM complaints WHERE id = :id"),
                                 {"id": row.id}).one()
        stored = (Path(app.instance_path) / uploads.UPLOAD_DIR / name[:2] / name)
        request = services.file_request(CHANNELS["complaints"], row, {"kind": "deletion"})
        return {"id": row.id, "ticket": row.ticket, "plain": plain, "cipher": [bytes(v) for v in raw],
                "file": stored, "file_token": stored.read_bytes(), "request": request.id}


def accept(as_role, request_id):
    office = as_role("complaints")
    page = office.get(f"/kantor/privasi/{request_id}").get_data(as_text=True)
    response = office.post(f"/kantor/privasi/{request_id}", data={"csrf_token": csrf(page), "decision": "accept"})
    assert response.status_code == 302, response.get_data(as_text=True)[:400]


def test_the_monthly_figures_are_unchanged_by_a_deletion(app, as_role):
    report_dataset.load(app)
    case = closed_case_with_a_file(app)
    before = figures(app)
    assert any(case["ticket"] in str(report) for report in before.values())  # the case counts somewhere
    accept(as_role, case["request"])
    assert figures(app) == before
    with app.app_context():
        row = db.session.get(Complaint, case["id"])
        assert [getattr(row, c) for c in PERSONAL] == [None] * 5
        assert row.description == "[dihapus]" and row.attachments == []
        assert (row.status, row.closed_on, len(row.events)) != (None, None, 0)
        assert not any(value in (e.body or "") for e in row.events for value in case["plain"])


def test_the_personal_data_is_in_no_file_afterwards(app, as_role, backend):
    if backend != "sqlite":
        pytest.skip("on PostgreSQL the data is not in instance/ and dead tuples wait for VACUUM (docs/security.md)")
    report_dataset.load(app)
    case = closed_case_with_a_file(app)
    needles = [v.encode() for v in case["plain"]] + case["cipher"] + [case["file_token"]]
    instance = Path(app.instance_path)

    def found() -> dict:
        files = {str(p): p.read_bytes() for p in instance.rglob("*") if p.is_file()}
        assert any(name.endswith("portal.db") for name in files)
        hits = {name: [i for i, n in enumerate(needles) if n in data] for name, data in files.items()}
        return {name: found for name, found in hits.items() if found}

    alive = found()
    # The search finds each one while alive: the ciphertexts, the stored file, and the name and NIK that
    # the description and the staff's history lines quote in clear; email, phone and address were
    # only ever stored encrypted.
    assert set(range(len(needles))) - set().union(*alive.values()) == {2, 3, 4}
    accept(as_role, case["request"])
    assert not case["file"].exists()
    assert found() == {}
