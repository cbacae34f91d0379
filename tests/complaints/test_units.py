"""Units (bidang/UPT) as data, disposition to a unit, liaison officers scoped to their unit, and the
monthly report's T1 (per channel) and T3 (per unit) against a count made here by hand."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select, update

from portal import catalog
from portal.complaints import staff_intake
from portal.extensions import db
from portal.models import AuditEntry, Complaint, ComplaintEvent, Unit, User
from portal.reports import build_report
from portal.reports.periods import Period
from portal.units import services as units

from samples import COMPLAINT
from staff import ROLE_EMAILS, csrf


def unit_id(app, code: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Unit.id).where(Unit.code == code))


def user(app, role: str) -> User:
    return db.session.scalar(select(User).where(User.email == ROLE_EMAILS[role]))


def recorded(app, channel: str, received_on: date, ref: str | None = None) -> str:
    with app.test_request_context():  # the receipt mail carries the status page's address
        clean = {**COMPLAINT, "incident_date": None, "channel": channel, "received_on": received_on,
                 "channel_ref": ref}
        return staff_intake.record(clean, [], user(app, "complaints")).ticket


def dispose(app, ticket: str, code: str) -> None:
    with app.app_context():
        complaint_id = db.session.scalar(select(Complaint.id).where(Complaint.ticket == ticket))
        units.dispose(complaint_id, unit_id(app, code), user(app, "complaints"))


def test_units_are_seeded_from_the_catalogue_by_the_migration(app):
    with app.app_context():
        assert {u.code for u in units.units()} == set(catalog.COMPLAINT_UNITS)


def test_disposition_names_the_unit_and_moves_the_case_on(app, staff):
    ticket = recorded(app, "surat", date(2026, 11, 2), "12/XI/2026")
    dispose(app, ticket, "capil")
    with app.app_context():
        row = db.session.scalar(select(Complaint).where(Complaint.ticket == ticket))
        assert row.unit_id == unit_id(app, "capil") and row.status == "dispositioned"
        assert any(e.kind == "disposition" and not e.public for e in row.events)
        assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "disposition")).case_ref == ticket


def test_a_liaison_officer_of_one_unit_cannot_open_another_units_case(app, staff, as_role):
    own = recorded(app, "whatsapp", date(2026, 11, 3), "0812*****890")
    other = recorded(app, "tatap-muka", date(2026, 11, 3))
    dispose(app, own, "dafduk")
    dispose(app, other, "capil")
    with app.app_context():
        units.appoint_liaison(user(app, "liaison").id, unit_id(app, "dafduk"), user(app, "admin"))
    client = as_role("liaison")
    queue = client.get("/kantor/unit-kerja").get_data(as_text=True)
    assert own in queue and other not in queue
    page = client.get(f"/kantor/unit-kerja/{own}")
    assert page.status_code == 200 and "Siti Aminah" not in page.get_data(as_text=True)
    # Another unit's case: the same 404 as a ticket that does not exist; nor the complaints desk.
    assert client.get(f"/kantor/unit-kerja/{other}").status_code == 404
    assert client.get("/kantor/unit-kerja/PGD-2026-999999").status_code == 404
    assert client.get(f"/kantor/pengaduan/{other}").status_code == 403
    token = csrf(client.get(f"/kantor/unit-kerja/{own}").get_data(as_text=True))
    assert client.post(f"/kantor/unit-kerja/{other}/tindak-lanjut",
                       data={"csrf_token": token, "body": "Sudah kami cek."}).status_code == 404
    # Its own case: the unit's follow-up feeds the case as an internal line.
    response = client.post(f"/kantor/unit-kerja/{own}/tindak-lanjut",
                           data={"csrf_token": token, "body": "Blangko datang, KK dicetak ulang."})
    assert response.status_code == 303
    with app.app_context():
        notes = db.session.scalars(select(ComplaintEvent.body).join(Complaint).where(
            Complaint.ticket == other, ComplaintEvent.kind == "note")).all()
        assert notes == []
        body = db.session.scalar(select(ComplaintEvent.body).join(Complaint).where(
            Complaint.ticket == own, ComplaintEvent.kind == "note", ComplaintEvent.public.is_(False)))
        assert body == "Blangko datang, KK dicetak ulang."


def test_admin_adds_a_unit_on_its_page(app, as_role):
    client = as_role("admin")
    token = csrf(client.get("/kantor/admin/unit").get_data(as_text=True))
    assert client.post("/kantor/admin/unit", data={"csrf_token": token, "code": "upt-cikande",
                                                   "name": "UPT Kec. Cikande"}).status_code == 303
    assert "UPT Kec. Cikande" in client.get("/kantor/admin/unit").get_data(as_text=True)
    assert client.post("/kantor/admin/unit", data={"csrf_token": token, "code": "upt-cikande",
                                                   "name": "lagi"}).status_code == 303
    with app.app_context():
        assert db.session.scalar(select(Unit.name).where(Unit.code == "upt-cikande")) == "UPT Kec. Cikande"


def test_t1_and_t3_of_a_month_equal_a_count_by_hand(app, staff):
    # October 2026: received through four channels; one letter from September stays out of "received".
    rows = [("surat", date(2026, 10, 5), "dafduk"), ("surat", date(2026, 10, 12), "capil"),
            ("lapor", date(2026, 10, 6), "dafduk"), ("whatsapp", date(2026, 10, 20), None),
            ("tatap-muka", date(2026, 10, 21), "dafduk"), ("surat", date(2026, 9, 28), "capil")]
    tickets = []
    for n, (channel, day, unit) in enumerate(rows):
        ticket = recorded(app, channel, day, f"REF-{n}")
        tickets.append(ticket)
        if unit:
            dispose(app, ticket, unit)
    # One dafduk case completed in October (arranged directly: the figure, not the steps, is under test).
    with app.app_context():
        db.session.execute(update(Complaint).where(Complaint.ticket == tickets[0]).values(
            status="completed", completed_on=date(2026, 10, 28)))
        db.session.commit()
        report = build_report("complaints", Period.parse("2026-10"))
    # By hand from the rows above.
    received_by_channel = {"surat": 2, "lapor": 1, "whatsapp": 1, "tatap-muka": 1}
    t3_by_hand = {"dafduk": {"received": 3, "completed": 1}, "capil": {"received": 1, "completed": 0},
                  "": {"received": 1, "completed": 0}}
    t1 = {r["channel"]: r["received"] for r in report.table("t1").rows if r["received"]}
    assert t1 == received_by_channel
    t3 = {r["unit"]: {"received": r["received"], "completed": r["completed"]} for r in report.table("t3").rows
          if r["received"] or r["completed"] or r["unit"] == ""}
    assert t3 == t3_by_hand
    labels = {r["unit"]: r["label"] for r in report.table("t3").rows}
    assert labels["dafduk"] == "Bidang Pelayanan Pendaftaran Penduduk"
