"""`zi evidence`: the Zona Integritas evidence pack of a semester, built from demo data, the portal's
published reports (through the real publication flow) and a document uploaded in the back office."""
from __future__ import annotations

import csv
import io
import zipfile

import pytest
from fpdf import FPDF
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from portal.extensions import db
from portal.models import RenjaRow
from portal.whistle.demo import SAMPLES as WBS_SAMPLES
from publish_support import Publisher
from staff import csrf

# The ten indicators of rows E (Penguatan Pengawasan) and F (Peningkatan Kualitas Pelayanan Publik)
# of the Renja seed, with the portal report each must carry when one is published.
ROWS_E_F = {
    "E.1": "gratification", "E.2": None, "E.3": "complaints", "E.4": "wbs", "E.5": None,
    "F.1": None, "F.2": None, "F.3": "complaints", "F.4": None, "F.5": None,
}
ALL_CODES = ["A.1", "B.1", "C.1", "D.1", *ROWS_E_F]
AUTHOR = "Budi Santoso NIP 198001012005011001"


def _notulen_pdf() -> bytes:
    pdf = FPDF()
    pdf.set_author(AUTHOR)
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(0, 10, "Notulen sosialisasi penanganan benturan kepentingan")
    return bytes(pdf.output())


def _texts(pack: zipfile.ZipFile) -> dict[str, str]:
    """Every member opened with the library its format needs; its text, for content checks."""
    texts = {}
    for name in pack.namelist():
        data = pack.read(name)
        if name.endswith(".pdf"):
            reader = PdfReader(io.BytesIO(data))
            texts[name] = "\n".join(page.extract_text() or "" for page in reader.pages)
            assert reader.pages, name
        elif name.endswith(".xlsx"):
            book = load_workbook(io.BytesIO(data))
            texts[name] = "\n".join(str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True)
                                    for c in row if c is not None)
        elif name.endswith(".csv"):
            text = data.decode("utf-8-sig")
            list(csv.reader(io.StringIO(text)))
            texts[name] = text
        else:
            assert name.endswith(".html"), name
            texts[name] = data.decode("utf-8")
    return texts


def _index(pack: zipfile.ZipFile) -> dict[str, list]:
    sheet = load_workbook(io.BytesIO(pack.read("index.xlsx"))).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[1]
    return {r[0]: dict(zip(header, r)) for r in rows[2:]}


@pytest.mark.usefixtures("periods_ended")
def test_semester_pack_maps_every_indicator_to_its_files(app, runner, as_role, tmp_path):
    assert runner.invoke(args=["demo", "seed", "--months", "12", "--per-month", "5"]).exit_code == 0
    publisher = Publisher(app, as_role)
    for channel in ("complaints", "gratification", "wbs"):
        publisher.publish(channel, "2026-S1")
    publisher.publish("complaints", "2026-03")
    assert runner.invoke(args=["zi", "seed-renja", "--year", "2026"]).exit_code == 0

    admin = as_role("admin")
    with app.app_context():
        row_id = db.session.scalar(select(RenjaRow.id).where(RenjaRow.year == 2026, RenjaRow.code == "E.5"))
    token = csrf(admin.get("/kantor/zi?tahun=2026&periode=2026-S1").get_data(as_text=True))
    response = admin.post(f"/kantor/zi/renja/{row_id}/eviden", content_type="multipart/form-data",
                          data={"csrf_token": token, "period": "2026-03", "kind": "notulen",
                                "file": (io.BytesIO(_notulen_pdf()), "notulen sosialisasi BK.pdf")})
    assert response.status_code == 303
    response = admin.post(f"/kantor/zi/renja/{row_id}/status",
                          data={"csrf_token": token, "period": "2026-S1", "status": "selesai", "note": ""})
    assert response.status_code == 303

    output = tmp_path / "zi-2026-S1.zip"
    result = runner.invoke(args=["zi", "evidence", "--period", "2026-S1", "--output", str(output)])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(output) as pack:
        texts = _texts(pack)
        index = _index(pack)
        html = texts["index.html"]
        names = pack.namelist()
        uploaded = [n for n in names if n.startswith("E5_benturan_kepentingan/dokumen/")]
        assert len(uploaded) == 1
        document = pack.read(uploaded[0])  # decrypted, cleaned on upload: no author left in it
        assert (PdfReader(io.BytesIO(document)).metadata or {}).get("/Author") is None
        assert b"Budi Santoso" not in document and "benturan kepentingan" in texts[uploaded[0]]

    assert list(index) == ALL_CODES
    for code, channel in ROWS_E_F.items():
        entry = index[code]
        assert entry["Indikator"] and entry["Indikator"] in html
        files = (entry["Berkas"] or "").split("\n")
        if channel:
            for ext in ("pdf", "xlsx", "csv"):
                assert any(f.endswith(f"laporan-{channel}-2026-S1-v1.{ext}") for f in files), (code, files)
        for name in files:
            if name != "belum ada berkas":
                assert name in names and name in html
    assert any("laporan-complaints-2026-03-v1.pdf" in f for f in index["E.3"]["Berkas"].split("\n"))
    assert uploaded[0] in index["E.5"]["Berkas"]
    assert index["E.5"]["Status"] == "Selesai"
    # F.1 (Standar Pelayanan) carries the standards per service the ZI team keeps in the portal.
    assert index["F.1"]["Berkas"].split("\n") == ["F1_standar_pelayanan/standar-pelayanan.csv",
                                                  "F1_standar_pelayanan/standar-pelayanan.xlsx"]

    for _category, what, *_rest in WBS_SAMPLES:
        for name, text in texts.items():
            assert what not in text, name


def test_pack_on_a_fresh_instance_lists_every_indicator(app, runner, tmp_path):
    output = tmp_path / "pack.zip"
    result = runner.invoke(args=["zi", "evidence", "--period", "2026-S1", "--output", str(output)])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(output) as pack:
        _texts(pack)
        index = _index(pack)
    assert list(index) == ALL_CODES
    for code in ALL_CODES:
        # The conflict-of-interest recap and the standards per service exist even when nothing is recorded.
        if code not in ("E.5", "F.1"):
            assert index[code]["Berkas"] == "belum ada berkas", code
    assert index["E.5"]["Berkas"].split("\n")[0].endswith("rekap-benturan-kepentingan-2026-S1.csv")
    assert index["F.1"]["Berkas"].split("\n")[0].endswith("standar-pelayanan.csv")


def test_bad_period_is_refused_without_a_file(runner, tmp_path):
    output = tmp_path / "pack.zip"
    result = runner.invoke(args=["zi", "evidence", "--period", "2026-S3", "--output", str(output)])
    assert result.exit_code == 2 and "--period" in result.output
    assert not output.exists()
