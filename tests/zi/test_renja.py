"""The Renja as data: the seed loads once per year (command and back-office button), the ZI team
edits a row and a later load keeps the edit; other roles do not reach the Renja."""
from __future__ import annotations

import io

from sqlalchemy import select

from portal.extensions import db
from portal.models import RenjaEvidence, RenjaRow
from staff import csrf


def test_seed_is_idempotent_and_keeps_the_teams_edits(app, runner, as_role):
    first = runner.invoke(args=["zi", "seed-renja", "--year", "2027"])
    assert first.exit_code == 0 and "14 baris ditambahkan" in first.output
    with app.app_context():
        row_id = db.session.scalar(select(RenjaRow.id).where(RenjaRow.year == 2027, RenjaRow.code == "E.5"))

    leader = as_role("leader")
    page = f"/kantor/zi/renja/{row_id}"
    form = leader.get(page).get_data(as_text=True)
    assert "Penanganan Benturan Kepentingan" in form
    response = leader.post(page, data={
        "csrf_token": csrf(form), "component": "Penanganan Benturan Kepentingan",
        "indicator": "Peta jabatan rawan benturan kepentingan diperbarui setiap semester",
        "action": "Reviu peta bersama kepala bidang", "evidence": "Notulen reviu, peta jabatan",
        "timing": "Juni; Desember", "sources": ["coi"]})
    assert response.status_code == 303

    again = runner.invoke(args=["zi", "seed-renja", "--year", "2027"])
    assert again.exit_code == 0 and "0 baris ditambahkan, 14 baris sudah ada" in again.output
    listing = leader.get("/kantor/zi?tahun=2027").get_data(as_text=True)
    assert "Peta jabatan rawan benturan kepentingan diperbarui setiap semester" in listing

    # The button does what the command does: nothing more for a year already loaded.
    response = leader.post("/kantor/zi/muat-renja", data={"csrf_token": csrf(listing), "year": "2027"})
    assert response.status_code == 303
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(RenjaRow)) == 14


def test_the_button_loads_the_renja_for_the_team(app, as_role):
    admin = as_role("admin")
    page = admin.get("/kantor/zi?tahun=2026").get_data(as_text=True)
    assert "Belum ada baris Renja" in page
    response = admin.post("/kantor/zi/muat-renja", data={"csrf_token": csrf(page), "year": "2026"})
    assert response.status_code == 303
    page = admin.get("/kantor/zi?tahun=2026").get_data(as_text=True)
    assert "Whistle-Blowing System" in page and "Penilaian Kepuasan terhadap Pelayanan" in page


def test_renja_is_for_the_zi_team_only(as_role):
    for role in ("complaints", "gratification", "wbs"):
        client = as_role(role)
        assert client.get("/kantor/zi").status_code == 403
        assert client.get("/kantor/zi/paket?periode=2026-S1").status_code == 403


def test_evidence_upload_refuses_what_is_not_a_document(app, runner, as_role):
    runner.invoke(args=["zi", "seed-renja", "--year", "2026"])
    with app.app_context():
        row_id = db.session.scalar(select(RenjaRow.id).where(RenjaRow.code == "E.1"))
    admin = as_role("admin")
    token = csrf(admin.get("/kantor/zi?tahun=2026").get_data(as_text=True))
    response = admin.post(f"/kantor/zi/renja/{row_id}/eviden", content_type="multipart/form-data",
                          data={"csrf_token": token, "period": "2026-S1", "kind": "sk",
                                "file": (io.BytesIO(b"<script>alert(1)</script>"), "sk.pdf")})
    assert response.status_code == 303
    page = admin.get("/kantor/zi?tahun=2026&periode=2026-S1").get_data(as_text=True)
    assert "bukan foto JPEG/PNG/WebP atau PDF" in page
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(RenjaEvidence)) == 0


def test_evidence_pack_and_document_downloads_are_audited(app, runner, as_role, tmp_path):
    from portal.models import AuditEntry
    runner.invoke(args=["zi", "seed-renja", "--year", "2026"])
    assert runner.invoke(args=["zi", "evidence", "--period", "2026-S1",
                               "--output", str(tmp_path / "p.zip")]).exit_code == 0
    leader = as_role("leader")
    assert leader.get("/kantor/zi/paket?periode=2026-03").status_code == 200
    with app.app_context():
        entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "zi_evidence_pack")).all()
        assert [(e.actor_label, e.case_ref) for e in entries] == [
            (None, "zi-pack:2026-S1"), ("kadis@serangkab.go.id", "zi-pack:2026-03")]


def test_uploaded_photo_is_cleaned_and_served_as_a_download(app, runner, as_role):
    from PIL import Image

    from portal.models import AuditEntry
    runner.invoke(args=["zi", "seed-renja", "--year", "2026"])
    with app.app_context():
        row_id = db.session.scalar(select(RenjaRow.id).where(RenjaRow.code == "E.1"))
    photo = io.BytesIO()
    exif = Image.Exif()
    exif[0x013B] = "Budi Santoso"  # Artist
    Image.new("RGB", (40, 30), "red").save(photo, "JPEG", exif=exif)
    admin = as_role("admin")
    token = csrf(admin.get("/kantor/zi?tahun=2026").get_data(as_text=True))
    admin.post(f"/kantor/zi/renja/{row_id}/eviden", content_type="multipart/form-data",
               data={"csrf_token": token, "period": "2026-S1", "kind": "foto",
                     "file": (io.BytesIO(photo.getvalue()), "banner gratifikasi.jpg")})
    with app.app_context():
        item_id = db.session.scalar(select(RenjaEvidence.id))
    response = admin.get(f"/kantor/zi/eviden/{item_id}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    served = Image.open(io.BytesIO(response.data))
    assert served.size == (40, 30) and not served.getexif()
    with app.app_context():
        assert db.session.scalar(select(AuditEntry.case_ref).where(AuditEntry.action == "zi_evidence_download")) \
            == f"zi-evidence:{item_id}"
