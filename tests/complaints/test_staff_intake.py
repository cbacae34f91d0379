"""Staff intake: the complaints team records a complaint received by letter, WhatsApp, LAPOR!… with its
channel, reference and the day it was received; the citizen gets the same ticket and access code."""
from __future__ import annotations

import io
import re
from datetime import timedelta

from PIL import Image
from sqlalchemy import func, select

from portal.clock import local_today
from portal.complaints import services
from portal.extensions import db
from portal.models import AuditEntry, Complaint, OutboxMail
from portal.workflow import COMPLAINTS

from samples import COMPLAINT
from staff import csrf

LETTER = {**COMPLAINT, "channel": "surat", "channel_ref": "045/PGD/XI/2026", "subject": "Akta kematian ditolak"}


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(out, "PNG")
    return out.getvalue()


def record(client, data: dict, files=None):
    token = csrf(client.get("/kantor/pengaduan/catat").get_data(as_text=True))
    body = {"csrf_token": token, **data}
    if files:
        body["files"] = files
    return client.post("/kantor/pengaduan/catat", data=body, content_type="multipart/form-data")


def codes_on(page: str) -> tuple[str, str]:
    ticket = re.search(r'id="nomor-tiket">([^<]+)<', page).group(1).strip()
    code = re.search(r'id="kode-akses">([^<]+)<', page).group(1).strip()
    return ticket, code


def today(app):
    with app.app_context():
        return local_today()


def count(app, model=Complaint) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_a_letter_lands_with_its_channel_reference_and_received_day(app, as_role):
    received = today(app) - timedelta(days=9)
    letter_date = received - timedelta(days=2)
    client = as_role("complaints")
    response = record(client, {**LETTER, "received_on": received.isoformat(),
                               "channel_ref_date": letter_date.isoformat()},
                      files=[(io.BytesIO(png()), "pindaian-surat.png")])
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    page = response.get_data(as_text=True)
    ticket, code = codes_on(page)
    assert "Tanda terima pengaduan" in page and "Surat" in page
    with app.app_context():
        row = db.session.scalar(select(Complaint).where(Complaint.ticket == ticket))
        assert (row.channel, row.channel_ref, row.channel_ref_date) == ("surat", "045/PGD/XI/2026", letter_date)
        assert row.submitted_on == received and row.status == "unverified"
        # The verification deadline runs from the day the letter arrived, not from today's typing.
        assert row.due_on == COMPLAINTS.due("unverified", entered_on=received)
        assert row.due_on != COMPLAINTS.due("unverified", entered_on=today(app))
        assert received < row.due_on <= received + timedelta(days=9)
        assert [a.original_name for a in row.attachments] == ["pindaian-surat.png"]
        assert row.name == "Siti Aminah" and row.recorded_by_id is not None
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "complaint_recorded"))
        assert entry.case_ref == ticket and entry.actor_id == row.recorded_by_id
        # The citizen follows it with the same ticket and code as a web complaint.
        assert services.lookup(ticket, code).id == row.id
        mail = db.session.scalar(select(OutboxMail))
        assert mail is not None and mail.recipient == "siti@example.org"
    case = client.get(f"/kantor/pengaduan/{ticket}").get_data(as_text=True)
    assert "045/PGD/XI/2026" in case


def test_whatsapp_number_is_kept_masked_only(app, as_role):
    client = as_role("complaints")
    data = {k: v for k, v in COMPLAINT.items() if k not in ("email", "phone")}
    response = record(client, {**data, "channel": "whatsapp", "received_on": today(app).isoformat(),
                               "wa_number": "0812-3456-7890"})
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    ticket, _code = codes_on(response.get_data(as_text=True))
    with app.app_context():
        row = db.session.scalar(select(Complaint).where(Complaint.ticket == ticket))
        assert row.channel == "whatsapp" and row.channel_ref == "0812*****890"
        assert "34567" not in (row.channel_ref or "")


def test_a_letter_without_number_or_date_is_refused_and_stores_nothing(app, as_role):
    client = as_role("complaints")
    response = record(client, {**COMPLAINT, "channel": "surat", "received_on": today(app).isoformat()})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Isi nomor referensi kanal ini." in page and "Isi tanggal surat." in page
    assert count(app) == 0


def test_same_validation_as_the_public_form_and_no_future_received_day(app, as_role):
    client = as_role("complaints")
    tomorrow = (today(app) + timedelta(days=1)).isoformat()
    response = record(client, {**COMPLAINT, "description": "pendek", "channel": "tatap-muka",
                               "received_on": tomorrow, "nik": "123"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "NIK harus 16 angka." in page and "Tanggal tidak boleh di masa depan." in page
    assert count(app) == 0


def test_web_is_not_a_staff_channel_and_other_roles_cannot_record(app, as_role):
    response = record(as_role("complaints"), {**COMPLAINT, "channel": "web", "received_on": today(app).isoformat()})
    assert response.status_code == 422 and count(app) == 0
    for role in ("gratification", "wbs", "leader", "admin"):
        assert as_role(role).get("/kantor/pengaduan/catat").status_code == 403


def test_a_double_submit_shows_the_same_receipt(app, as_role):
    client = as_role("complaints")
    page = client.get("/kantor/pengaduan/catat").get_data(as_text=True)
    key = re.search(r'name="submission_key" value="([^"]+)"', page).group(1)
    data = {"csrf_token": csrf(page), "submission_key": key, **COMPLAINT, "channel": "telepon",
            "received_on": today(app).isoformat()}
    first = client.post("/kantor/pengaduan/catat", data=data)
    second = client.post("/kantor/pengaduan/catat", data=data)
    assert codes_on(first.get_data(as_text=True)) == codes_on(second.get_data(as_text=True))
    assert count(app) == 1
