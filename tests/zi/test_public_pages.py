"""Public ZI pages: the admin writes them in the back office; the public reads them escaped."""
from __future__ import annotations

from staff import csrf

MAKLUMAT = ("Dengan ini kami menyatakan sanggup menyelenggarakan pelayanan sesuai standar pelayanan "
            "yang telah ditetapkan.\n\nApabila tidak menepati janji ini, kami siap menerima sanksi <b>tegas</b>.")


def test_admin_publishes_the_maklumat_and_the_public_reads_it(client, as_role):
    assert client.get("/zona-integritas/maklumat-pelayanan").status_code == 404  # nothing written yet
    admin = as_role("admin")
    token = csrf(admin.get("/kantor/zi/halaman").get_data(as_text=True))
    response = admin.post("/kantor/zi/halaman", data={"csrf_token": token, "slug": "maklumat-pelayanan",
                                                      "body": MAKLUMAT})
    assert response.status_code == 303

    index = client.get("/zona-integritas").get_data(as_text=True)
    assert "Maklumat Pelayanan" in index and "Pakta Integritas" not in index  # only pages with text
    page = client.get("/zona-integritas/maklumat-pelayanan").get_data(as_text=True)
    assert "sanggup menyelenggarakan pelayanan" in page
    assert "<b>tegas</b>" not in page and "&lt;b&gt;tegas&lt;/b&gt;" in page
    assert "/zona-integritas" in client.get("/").get_data(as_text=True)


def test_only_the_admin_edits_public_pages(as_role):
    assert as_role("leader").get("/kantor/zi/halaman").status_code == 403


PERSYARATAN = "Fotokopi KK; surat keterangan lahir dari bidan/rumah sakit <asli>."
BIAYA = "Tidak dipungut biaya (gratis)."
DASAR = "Perpres 96/2018 tentang Persyaratan dan Tata Cara Pendaftaran Penduduk."


def test_standar_pelayanan_per_service_from_the_team_to_the_site_and_the_evidence_pack(app, runner, client,
                                                                                        as_role, tmp_path):
    import csv
    import io
    import zipfile

    assert client.get("/zona-integritas/standar-pelayanan").status_code == 404  # nothing written yet
    assert client.get("/zona-integritas/standar-pelayanan/akta-lahir").status_code == 404
    assert as_role("complaints").get("/kantor/zi/standar-pelayanan").status_code == 403

    leader = as_role("leader")  # the ZI team (admin, leader) writes the standards
    form_page = "/kantor/zi/standar-pelayanan/akta-lahir"
    form = leader.get(form_page).get_data(as_text=True)
    assert "Penanganan pengaduan, saran, dan masukan" in form and "Evaluasi kinerja pelaksana" in form
    too_long = leader.post(form_page, data={"csrf_token": csrf(form), "persyaratan": "x" * 10_001})
    assert too_long.status_code == 422
    # Only an internal component: kept for the evaluators, not yet on the website.
    assert leader.post(form_page, data={"csrf_token": csrf(form), "dasar_hukum": DASAR}).status_code == 303
    assert client.get("/zona-integritas/standar-pelayanan/akta-lahir").status_code == 404
    response = leader.post(form_page, data={"csrf_token": csrf(form), "persyaratan": PERSYARATAN, "biaya": BIAYA,
                                            "dasar_hukum": DASAR})
    assert response.status_code == 303
    assert leader.get("/kantor/zi/standar-pelayanan/tidak-ada").status_code == 404
    listing = leader.get("/kantor/zi/standar-pelayanan").get_data(as_text=True)
    assert "3/14" in listing

    index = client.get("/zona-integritas").get_data(as_text=True)
    assert "/zona-integritas/standar-pelayanan/akta-lahir" in index and "Akta kelahiran" in index
    assert "/zona-integritas/standar-pelayanan/kk" not in index  # a service with nothing written is not listed
    overview = client.get("/zona-integritas/standar-pelayanan").get_data(as_text=True)
    assert "/zona-integritas/standar-pelayanan/akta-lahir" in overview
    page = client.get("/zona-integritas/standar-pelayanan/akta-lahir").get_data(as_text=True)
    assert "Persyaratan" in page and "Biaya/tarif" in page and BIAYA in page
    assert "&lt;asli&gt;" in page and "<asli>" not in page  # escaped
    assert DASAR not in page and "Jangka waktu pelayanan" not in page  # internal and empty components stay off

    # Clearing a field removes it; the edit is audited.
    form = leader.get(form_page).get_data(as_text=True)
    assert PERSYARATAN.replace("<", "&lt;").replace(">", "&gt;") in form
    assert leader.post(form_page, data={"csrf_token": csrf(form), "biaya": BIAYA,
                                        "dasar_hukum": DASAR}).status_code == 303
    assert "Fotokopi KK" not in client.get("/zona-integritas/standar-pelayanan/akta-lahir").get_data(as_text=True)
    with app.app_context():
        from sqlalchemy import select

        from portal.extensions import db
        from portal.models import AuditEntry
        refs = db.session.scalars(select(AuditEntry.case_ref).where(AuditEntry.action == "zi_standard_edit")).all()
        assert refs == ["zi-standar:akta-lahir"] * 3

    # The evidence pack carries every service's fourteen components in the Renja row F.1 folder.
    output = tmp_path / "pack.zip"
    result = runner.invoke(args=["zi", "evidence", "--period", "2026-S2", "--output", str(output)])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(output) as pack:
        rows = list(csv.reader(io.StringIO(
            pack.read("F1_standar_pelayanan/standar-pelayanan.csv").decode("utf-8-sig"))))
        assert "F1_standar_pelayanan/standar-pelayanan.xlsx" in pack.namelist()
        assert "F1_standar_pelayanan/standar-pelayanan.csv" in pack.read("index.html").decode()
    akta = {r[2]: r[4] for r in rows[1:] if r[0] == "akta-lahir"}
    assert len(akta) == 14 and akta["Dasar hukum"] == DASAR and akta["Biaya/tarif"] == BIAYA
    assert akta["Persyaratan"] == ""
    assert len(rows) == 1 + 14 * 13  # every service of the catalogue × every component
