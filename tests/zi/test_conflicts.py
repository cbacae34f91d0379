"""Benturan kepentingan: a staff member declares, the superior (leader) decides, the declarant reads
the decision; other staff never see someone else's declaration; counts reach the semester recap."""
from __future__ import annotations

import re

from staff import csrf

LIST = "/kantor/benturan-kepentingan"
SECRET = "Saya diminta melayani pembuatan KK untuk adik ipar saya, Siti Rahmawati, di loket 2."


def _post(client, page: str, data: dict):
    return client.post(page, data={"csrf_token": csrf(client.get(page).get_data(as_text=True)), **data})


def _declare(client) -> int:
    response = _post(client, LIST, {"kind": "ad_hoc", "has_conflict": "yes", "position": "",
                                    "description": SECRET})
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return int(re.search(r"/benturan-kepentingan/(\d+)$", response.headers["Location"])[1])


def test_declaration_goes_from_staff_to_the_superiors_decision(as_role):
    counter = as_role("complaints")
    number = _declare(counter)
    page = f"{LIST}/{number}"
    own = counter.get(page).get_data(as_text=True)
    assert SECRET in own and "Menunggu keputusan atasan" in own
    assert "Simpan keputusan" not in own  # the declarant does not decide

    leader = as_role("leader")
    listing = leader.get(LIST).get_data(as_text=True)
    assert f"BK-{number}" in listing
    assert SECRET in leader.get(page).get_data(as_text=True)
    refused = _post(leader, page, {"decision": "reassignment", "note": ""})
    assert refused.status_code == 422  # handing the counter to someone else needs a note saying to whom
    decided = _post(leader, page, {"decision": "reassignment",
                                   "note": "Loket 2 diambil alih Budi selama permohonan tersebut diproses."})
    assert decided.status_code == 303

    seen = counter.get(page).get_data(as_text=True)
    assert "Tugas dialihkan kepada pegawai lain" in seen
    assert "Loket 2 diambil alih Budi" in seen
    assert "Menunggu keputusan atasan" not in seen


def test_staff_cannot_read_or_decide_another_members_declaration(as_role):
    number = _declare(as_role("complaints"))
    hostile = as_role("gratification")
    assert hostile.get(f"{LIST}/{number}").status_code == 404
    listing = hostile.get(LIST).get_data(as_text=True)
    assert SECRET not in listing and f"BK-{number}" not in listing
    token = csrf(listing)
    response = hostile.post(f"{LIST}/{number}", data={"csrf_token": token, "decision": "no_conflict", "note": ""})
    assert response.status_code == 404
    assert hostile.get(f"{LIST}/peta").status_code == 403  # the map is the ZI team's

    leader_view = as_role("leader").get(f"{LIST}/{number}").get_data(as_text=True)
    assert "Menunggu keputusan atasan" in leader_view  # nothing was decided by the hostile request


def test_a_superior_does_not_decide_their_own_declaration(as_role):
    leader = as_role("leader")
    number = _declare(leader)
    response = _post(leader, f"{LIST}/{number}", {"decision": "no_conflict", "note": ""})
    assert response.status_code == 422
    assert "Menunggu keputusan atasan" in leader.get(f"{LIST}/{number}").get_data(as_text=True)


def test_the_description_is_not_stored_in_clear(app, as_role):
    _declare(as_role("complaints"))
    from sqlalchemy import text

    from portal.extensions import db
    with app.app_context():
        raw = db.session.execute(text("SELECT description FROM zi_conflict_declarations")).scalar_one()
    assert SECRET.encode() not in bytes(raw)


def test_semester_recap_in_the_evidence_pack_counts_without_names(app, as_role):
    import csv
    import io
    import zipfile

    from portal.templating import local_today
    counter = as_role("complaints")
    number = _declare(counter)
    leader = as_role("leader")
    _post(leader, f"{LIST}/{number}", {"decision": "recusal", "note": "Permohonan dilayani petugas loket 3."})

    with app.app_context():
        today = local_today()
    semester = f"{today.year}-S{1 if today.month <= 6 else 2}"
    response = leader.get(f"/kantor/zi/paket?periode={semester}")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.data)) as pack:
        recap = pack.read(f"E5_benturan_kepentingan/rekap-benturan-kepentingan-{semester}.csv").decode("utf-8-sig")
        everything = b"".join(pack.read(n) for n in pack.namelist())
    rows = list(csv.reader(io.StringIO(recap)))
    header, total = rows[1], rows[-1]
    assert total[header.index("Jumlah pernyataan")] == "1"
    assert total[header.index("Pegawai menarik diri dari pelayanan/keputusan tersebut")] == "1"
    assert b"Siti Rahmawati" not in everything and b"loket 3" not in everything


def test_the_map_of_prone_positions_feeds_declarations_and_the_pack(app, as_role):
    import io
    import zipfile

    leader = as_role("leader")
    response = _post(leader, f"{LIST}/peta", {"unit": "Bidang Pelayanan Pendaftaran Penduduk",
                                             "position": "Petugas loket KK dan KTP-el",
                                             "risk": "Melayani permohonan kerabat sendiri",
                                             "control": "Permohonan kerabat dialihkan ke loket lain"})
    assert response.status_code == 303
    page = leader.get(f"{LIST}/peta").get_data(as_text=True)
    assert "Petugas loket KK dan KTP-el" in page
    counter = as_role("complaints")
    form = counter.get(LIST).get_data(as_text=True)
    position_id = form.split('Petugas loket KK dan KTP-el')[0].rsplit('option value="', 1)[1].split('"')[0]
    response = _post(counter, LIST, {"kind": "periodic", "has_conflict": "no", "position": position_id,
                                     "description": "Tidak ada kerabat yang dilayani semester ini."})
    assert response.status_code == 303
    assert "Petugas loket KK dan KTP-el" in counter.get(response.headers["Location"]).get_data(as_text=True)

    pack = zipfile.ZipFile(io.BytesIO(leader.get("/kantor/zi/paket").data))
    mapping = pack.read("E5_benturan_kepentingan/peta-jabatan-rawan-benturan-kepentingan.csv").decode("utf-8-sig")
    assert "Permohonan kerabat dialihkan ke loket lain" in mapping
