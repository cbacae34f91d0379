"""The semester monev of conflicts of interest (channel "coi"): counts of the register's declarations
per type and decision and of the mapped positions per unit, prepared by the ZI team (admin), approved
by the leader, published on /laporan and the API with the CLI's figures, and carried by the evidence
pack (folder E5) — never a declarant's name, a declaration's text or a position's description."""
from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import date

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from publish_support import Publisher, public_urls
from staff import csrf

DECLARANT = ("rahmat.hidayat@serangkab.go.id", "Rahmat Hidayat")
SECRET = "Pemohon KK di loket 2 adalah adik ipar saya, Siti Rahmawati."
NOTE = "Loket 2 diambil alih Budi Santoso selama permohonan tersebut diproses."
POSITIONS = (("Pelayanan Pendaftaran Penduduk", "Verifikator berkas KK", "Keluarga sendiri sebagai pemohon"),
             ("Pelayanan Pendaftaran Penduduk", "Petugas perekaman KTP-el", "Permintaan mendahulukan kenalan"),
             ("Sekretariat", "Pejabat pengadaan barang", "Penyedia milik kerabat"),
             ("Sekretariat", "Bendahara pengeluaran", "Pembayaran kepada kerabat"))  # the last one deactivated
PLAN = "Sosialisasi ulang kewajiban pernyataan insidental di setiap bidang pada Februari 2027 (Sekretariat)."


def _post(client, page: str, data: dict):
    return client.post(page, data={"csrf_token": csrf(client.get(page).get_data(as_text=True)), **data})


@pytest.fixture
def register(app, staff, as_role, monkeypatch):
    """Through the back-office pages: the map of four positions (one made inactive) and four
    declarations of one staff member around Semester II 2026, two of them decided by the leader."""
    admin = as_role("admin")
    for unit, position, risk in POSITIONS:
        response = _post(admin, "/kantor/benturan-kepentingan/peta",
                         {"unit": unit, "position": position, "risk": risk, "control": "Pernyataan insidental"})
        assert response.status_code == 303
    page = admin.get("/kantor/benturan-kepentingan/peta").get_data(as_text=True)
    last = max(int(n) for n in re.findall(r"/benturan-kepentingan/peta/(\d+)/aktif", page))
    assert admin.post(f"/kantor/benturan-kepentingan/peta/{last}/aktif",
                      data={"csrf_token": csrf(page), "active": "0"}).status_code in (302, 303)

    staff.create(DECLARANT[0], {"complaints"}, name=DECLARANT[1])
    declarant = staff.login(app.test_client(), DECLARANT[0])
    numbers = []
    for day, kind, conflict in ((date(2026, 6, 30), "periodic", "no"),   # Semester I: not counted
                                (date(2026, 7, 1), "periodic", "no"),    # first day of Semester II
                                (date(2026, 8, 3), "ad_hoc", "yes"),
                                (date(2026, 12, 31), "ad_hoc", "yes")):  # last day, left undecided
        monkeypatch.setattr("portal.zi.conflicts.local_today", lambda day=day: day)
        response = _post(declarant, "/kantor/benturan-kepentingan",
                         {"kind": kind, "has_conflict": conflict, "position": "", "description": SECRET})
        assert response.status_code == 303
        numbers.append(int(re.search(r"/(\d+)$", response.headers["Location"])[1]))
    leader = as_role("leader")
    for number, decision, note in ((numbers[1], "no_conflict", ""), (numbers[2], "reassignment", NOTE)):
        assert _post(leader, f"/kantor/benturan-kepentingan/{number}",
                     {"decision": decision, "note": note}).status_code == 303
    return {"admin": admin, "leader": leader}  # signed in (a second sign-in would replay the TOTP code)


def build(runner, period: str, fmt: str = "json"):
    result = runner.invoke(args=["reports", "build", "--channel", "coi", "--period", period, "--format", fmt])
    assert result.exit_code == 0, result.output
    return json.loads(result.output) if fmt == "json" else result.output


def _public_texts(client, report_id: int) -> dict[str, str]:
    html, csv_url, xlsx_url, pdf_url, api = public_urls(report_id)
    book = load_workbook(io.BytesIO(client.get(xlsx_url).data))
    cells = " ".join(str(v) for ws in book for row in ws.iter_rows(values_only=True) for v in row if v is not None)
    pdf = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(client.get(pdf_url).data)).pages)
    return {"html": client.get(html).get_data(as_text=True), "csv": client.get(csv_url).get_data(as_text=True),
            "xlsx": cells, "pdf": pdf, "api": client.get(api).get_data(as_text=True)}


def test_cli_counts_the_semester_by_type_and_decision(runner, register):
    data = build(runner, "2026-S2")
    rows = {r["code"]: r for r in data["tables"]["pernyataan"]["rows"]}
    # Semester II = 1 July – 31 December 2026: the 30 June declaration stays out.
    # Berkala: the 1 July one, decided "no conflict". Insidental: 3 August (reassigned) and 31 December (pending).
    assert rows["periodic"] == {"code": "periodic", "label": "Berkala", "declared": 1, "conflict": 0,
                                "no_conflict": 1, "recusal": 0, "reassignment": 0, "relinquish": 0, "pending": 0}
    assert rows["ad_hoc"] == {"code": "ad_hoc", "label": "Insidental", "declared": 2, "conflict": 2,
                              "no_conflict": 0, "recusal": 0, "reassignment": 1, "relinquish": 0, "pending": 1}
    assert data["summary"] == {"declarations": 3, "with_conflict": 2, "decided": 2, "pending": 1,
                               "decisions": {"no_conflict": 1, "recusal": 0, "reassignment": 1, "relinquish": 0},
                               "positions_mapped": 3, "units": 2}
    # Active positions per unit: two in Pelayanan, one in Sekretariat (the bendahara was deactivated).
    assert data["tables"]["peta"]["rows"] == [{"unit": "Pelayanan Pendaftaran Penduduk", "positions": 2},
                                              {"unit": "Sekretariat", "positions": 1}]
    assert build(runner, "2026-S1")["summary"]["declarations"] == 1
    refused = runner.invoke(args=["reports", "build", "--channel", "coi", "--period", "2026-08"])
    assert refused.exit_code != 0 and "hanya tersedia semester" in refused.output


@pytest.mark.usefixtures("periods_ended")
def test_published_monev_equals_the_cli_and_names_no_one(app, runner, client, as_role, register, tmp_path):
    cli = build(runner, "2026-S2")
    publisher = Publisher(app, as_role)
    publisher.clients.update(register)
    refused = publisher.prepare("coi", "2026-S2", plan=PLAN, role="complaints")
    assert refused.status_code == 422 and "kanal yang Anda tangani" in refused.get_data(as_text=True)

    draft = publisher.draft_id(publisher.prepare("coi", "2026-S2", plan=PLAN, role="admin"))
    leader_view = publisher.client("leader").get(f"/kantor/laporan/draf/{draft}").get_data(as_text=True)
    assert "Benturan Kepentingan" in leader_view and SECRET not in leader_view
    approved = publisher.approve(draft)
    assert approved.status_code == 302, approved.get_data(as_text=True)[:2000]
    report_id = int(re.search(r"/laporan/(\d+)$", approved.headers["Location"])[1])

    published = client.get(f"/api/v1/reports/{report_id}").get_json()["report"]
    assert published["summary"] == cli["summary"]
    assert published["tables"] == cli["tables"]
    assert f"/laporan/{report_id}" in client.get("/laporan").get_data(as_text=True)
    listed = client.get("/api/v1/reports?channel=coi").get_json()
    assert report_id in [item["id"] for item in listed]

    texts = _public_texts(client, report_id)
    assert "Benturan Kepentingan" in texts["html"] and "Sosialisasi ulang" in texts["html"]
    for name, text in texts.items():
        for private in (SECRET, "Siti Rahmawati", NOTE, "Budi Santoso", DECLARANT[1], DECLARANT[0],
                        *(p[1] for p in POSITIONS), *(p[2] for p in POSITIONS)):
            assert private not in text, (name, private)

    english = client.get(f"/api/v1/reports/{report_id}", headers={"Accept-Language": "en"}).get_json()["report"]
    assert english["tables"]["pernyataan"]["title"] == "Declarations by type and handling decision"
    assert english["summary"] == cli["summary"]

    # The evidence pack carries the published report in the E5 folder.
    output = tmp_path / "pack.zip"
    result = runner.invoke(args=["zi", "evidence", "--period", "2026-S2", "--output", str(output)])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(output) as pack:
        names = pack.namelist()
        assert pack.read("E5_benturan_kepentingan/laporan-coi-2026-S2-v1.csv").decode("utf-8-sig") \
            == client.get(f"/laporan/{report_id}.csv").get_data(as_text=True).lstrip("\ufeff")
    for ext in ("pdf", "xlsx"):
        assert f"E5_benturan_kepentingan/laporan-coi-2026-S2-v1.{ext}" in names
