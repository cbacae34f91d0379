"""SP4N-LAPOR! exchange: an export file lands as complaints of channel "lapor" with their tracking IDs;
importing it again adds nothing; the follow-ups of those cases export with the tracking ID."""
from __future__ import annotations

import io
import json
from datetime import timedelta

from openpyxl import Workbook
from sqlalchemy import func, select

from portal.clock import local_today
from portal.extensions import db
from portal.models import Complaint

from staff import csrf

DESCRIPTION = "Pindah datang dari Kota Cilegon, SKPWNI tidak terbaca di sistem, disuruh kembali ke daerah asal."


def export_csv(day) -> bytes:
    # The LAPOR! admin panel writes semicolons and a BOM; headers in its own words (portal/lapor/columns.py).
    lines = ["ID Laporan;Tanggal Laporan;Judul;Isi Laporan;Nama Pelapor;Anonim",
             f"LPR-1001;{day.isoformat()} 08:12:00;SKPWNI tidak terbaca;{DESCRIPTION};Budi;Tidak",
             f"LPR-1002;{day.strftime('%d/%m/%Y')};Antrean penuh;Antrean online penuh sejak jam 06.00, kuota tidak diumumkan.;;Ya"]
    return ("\ufeff" + "\n".join(lines) + "\n").encode("utf-8")


def upload(client, data: bytes, name: str):
    token = csrf(client.get("/kantor/pengaduan/lapor").get_data(as_text=True))
    return client.post("/kantor/pengaduan/lapor", data={"csrf_token": token, "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def lapor_rows(app):
    with app.app_context():
        return db.session.execute(select(Complaint.channel_ref, Complaint.channel, Complaint.submitted_on,
                                         Complaint.privacy).order_by(Complaint.channel_ref)).all()


def test_a_lapor_export_lands_with_channel_and_tracking_id_and_a_reimport_adds_nothing(app, as_role):
    with app.app_context():
        day = local_today() - timedelta(days=3)
    client = as_role("complaints")
    first = upload(client, export_csv(day), "lapor-oktober.csv")
    assert first.status_code == 200, first.get_data(as_text=True)[:1500]
    assert "2 laporan baru" in first.get_data(as_text=True)
    assert lapor_rows(app) == [("LPR-1001", "lapor", day, "open"), ("LPR-1002", "lapor", day, "anonymous")]
    again = upload(client, export_csv(day), "lapor-oktober.csv")
    assert "0 laporan baru" in again.get_data(as_text=True) and "2 sudah pernah diimpor" in again.get_data(as_text=True)
    assert len(lapor_rows(app)) == 2


def test_xlsx_export_and_refusals(app, as_role):
    with app.app_context():
        day = local_today() - timedelta(days=1)
    book = Workbook()
    sheet = book.active
    sheet.append(["Tracking ID", "Tanggal", "Isi", "Email"])
    sheet.append(["LPR-2001", day, DESCRIPTION, "warga@example.org"])
    sheet.append(["LPR-2002", day, "pendek", None])  # refused by the complaint schema: stores nothing
    out = io.BytesIO()
    book.save(out)
    client = as_role("complaints")
    page = upload(client, out.getvalue(), "lapor.xlsx").get_data(as_text=True)
    assert "1 laporan baru" in page and "Baris 3" in page
    assert [r[0] for r in lapor_rows(app)] == ["LPR-2001"]
    assert upload(client, b"PK\x03\x04rusak", "lapor.xlsx").status_code == 422
    assert upload(client, b"Judul;Isi\nx;y\n", "lapor.csv").status_code == 422
    assert upload(client, b"bukan", "lapor.txt").status_code == 422
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Complaint)) == 1


def test_follow_ups_of_lapor_cases_export_with_their_tracking_id(app, as_role):
    with app.app_context():
        day = local_today() - timedelta(days=3)
    client = as_role("complaints")
    upload(client, export_csv(day), "lapor.csv")
    web = app.test_client().post("/api/v1/complaints", json={"category": "ktp-el", "description": DESCRIPTION})
    with app.app_context():
        ticket = db.session.scalar(select(Complaint.ticket).where(Complaint.channel_ref == "LPR-1001"))
    token = csrf(client.get(f"/kantor/pengaduan/{ticket}").get_data(as_text=True))
    for target in (web.get_json()["ticket"], ticket):
        client.post(f"/kantor/pengaduan/{target}/catatan", data={
            "csrf_token": token, "visibility": "public", "body": "=HYPERLINK(\"x\") Kami koordinasikan dengan Cilegon."})
    csv_text = client.get("/kantor/pengaduan/lapor/tindak-lanjut.csv").get_data(as_text=True)
    lines = csv_text.strip().splitlines()
    assert lines[0].startswith("ID Laporan,Nomor Tiket")
    assert len(lines) == 2 and lines[1].startswith(f"LPR-1001,{ticket},")
    assert "'=HYPERLINK" in lines[1]


class FakeLapor:
    """A local stand-in for the LAPOR! API in its documented shape (docs/lapor.md): no network."""

    def __init__(self, reports):
        self.reports, self.requests = reports, []

    def __call__(self, request, timeout):
        body = json.loads(request.data) if request.data else None
        self.requests.append((request.get_method(), request.full_url, request.get_header("Authorization"), body))
        answer = {"data": self.reports} if request.get_method() == "GET" else {"ok": True}
        return _Response(json.dumps(answer).encode())


class _Response(io.BytesIO):
    status = 200


def test_the_api_client_pulls_reports_once_and_pushes_follow_ups(app, staff):
    from portal.lapor import client as lapor_client
    from portal.models import User

    with app.app_context():
        day = local_today() - timedelta(days=2)
    fake = FakeLapor([{"Tracking ID": "LPR-3001", "Tanggal Laporan": day.isoformat(), "Isi Laporan": DESCRIPTION}])
    api = lapor_client.HttpLaporClient("https://lapor.example.invalid/api", "rahasia", opener=fake)
    with app.test_request_context():
        actor = db.session.scalar(select(User).where(User.email == "pengaduan@serangkab.go.id"))
        assert len(lapor_client.pull(api, day, actor).added) == 1
        assert lapor_client.pull(api, day, actor).skipped == ["LPR-3001"]
        assert lapor_client.configured() is None  # off until the office sets URL and token
    method, url, auth, _body = fake.requests[0]
    assert (method, auth) == ("GET", "Bearer rahasia") and url.endswith(f"/reports?since={day.isoformat()}")
    with app.app_context():
        ticket = db.session.scalar(select(Complaint.ticket).where(Complaint.channel_ref == "LPR-3001"))
    from portal.complaints import casework
    with app.test_request_context():
        casework.add_note(db.session.scalar(select(Complaint.id).where(Complaint.ticket == ticket)),
                          "Data SKPWNI sudah kami perbaiki.", True,
                          db.session.scalar(select(User).where(User.email == "pengaduan@serangkab.go.id")))
        assert lapor_client.push(api) == 1
    method, url, _auth, body = fake.requests[-1]
    assert method == "POST" and url.endswith("/reports/LPR-3001/followups")
    assert body["content"] == "Data SKPWNI sudah kami perbaiki." and body["status"]
