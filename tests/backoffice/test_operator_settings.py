"""Operator settings: the cuti bersama choice, WBS_RETENTION_DAYS and the PDP officer's contact come from
the environment (README's configuration table) and the admin settings page, which overrides the
environment and is audited. The cuti bersama choice changes the deadlines computed afterwards."""
from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEntry, CalendarDay
from portal.whistle import retention

from staff import csrf

SETTINGS_PAGE = "/kantor/admin/pengaturan"
CUTI = "WORKDAYS_CUTI_BERSAMA_NON_WORKING"

# A gift received on Wednesday 13 May 2026; the report is due 30 working days later (UU 20/2001 Ps 12C).
REPORT = {
    "action": "accepted", "reporter_name": "Dedi Supriadi", "reporter_position": "Operator SIAK",
    "reporter_unit": "Bidang PIAK", "reporter_phone": "0812 1111 2222", "giver_relation": "pengguna-layanan",
    "item_type": "barang", "description": "Jam tangan dari pemohon KK setelah dokumen terbit.",
    "estimated_value": 450_000, "received_on": "2026-05-13", "occasion": "lainnya",
}
# Non-working days between 13 May and early July 2026, from Keppres/SKB 3 Menteri 2026:
NATIONAL = {date(2026, 5, 14),  # Kenaikan Yesus Kristus
            date(2026, 5, 27),  # Idul Adha
            date(2026, 5, 31),  # Waisak (a Sunday)
            date(2026, 6, 1),   # Hari Lahir Pancasila
            date(2026, 6, 16)}  # Tahun Baru Islam
CUTI_BERSAMA = {date(2026, 5, 15),  # cuti bersama Kenaikan Yesus Kristus
                date(2026, 5, 28)}  # cuti bersama Idul Adha


def _by_hand(start: date, n: int, closed: set[date]) -> date:
    """n working days after start: Monday–Friday that are not in `closed`."""
    day = start
    while n:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in closed:
            n -= 1
    return day


# Counted by hand: with cuti bersama off work, 30 HK end on Thu 2 July 2026; when cuti bersama
# counts as working, the two cuti bersama days are working days and the deadline is Tue 30 June.
DUE_CUTI_OFF = _by_hand(date(2026, 5, 13), 30, NATIONAL | CUTI_BERSAMA)
DUE_CUTI_WORKING = _by_hand(date(2026, 5, 13), 30, NATIONAL)
assert (DUE_CUTI_OFF, DUE_CUTI_WORKING) == (date(2026, 7, 2), date(2026, 6, 30))


def _deadline(client) -> str:
    response = client.post("/api/v1/gratifications", json=REPORT)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["report_deadline"]


def _save(admin, key: str, value: str):
    token = csrf(admin.get(SETTINGS_PAGE).get_data(as_text=True))
    return admin.post(SETTINGS_PAGE, data={"csrf_token": token, "key": key, "value": value})


def test_environment_variable_makes_cuti_bersama_working_days(app_factory, monkeypatch):
    monkeypatch.setenv(CUTI, "0")
    app = app_factory()
    assert _deadline(app.test_client()) == DUE_CUTI_WORKING.isoformat()


def test_admin_page_overrides_the_environment_and_is_audited(app, client, as_role, monkeypatch):
    admin = as_role("admin")
    page = admin.get(SETTINGS_PAGE)
    assert page.status_code == 200 and CUTI in page.get_data(as_text=True)
    assert _deadline(client) == DUE_CUTI_OFF.isoformat()

    response = _save(admin, CUTI, "0")
    assert response.status_code == 303
    assert _deadline(client) == DUE_CUTI_WORKING.isoformat()
    with app.app_context():
        # The SQL reports' calendar table follows the choice too.
        assert db.session.get(CalendarDay, date(2026, 5, 15)).working is True
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "setting_change")).one()
        assert CUTI in entry.detail

    # Back to the environment/default: cuti bersama off work again.
    token = csrf(admin.get(SETTINGS_PAGE).get_data(as_text=True))
    assert admin.post(SETTINGS_PAGE + "/bawaan", data={"csrf_token": token, "key": CUTI}).status_code == 303
    assert _deadline(client) == DUE_CUTI_OFF.isoformat()
    with app.app_context():
        assert db.session.get(CalendarDay, date(2026, 5, 15)).working is False


def test_only_the_admin_changes_settings(as_role):
    for role in ("complaints", "gratification", "wbs", "leader"):
        assert as_role(role).get(SETTINGS_PAGE).status_code == 403


def test_wbs_retention_from_the_environment(app_factory, monkeypatch):
    monkeypatch.setenv("WBS_RETENTION_DAYS", "400")
    app = app_factory()
    with app.test_request_context():
        assert retention.retention_days() == 400
    page = app.test_client().get("/privasi").get_data(as_text=True)
    assert "setelah 400 hari" in page


def test_admin_sets_retention_and_pdp_contact_shown_in_privacy_notice(app, client, as_role):
    before = client.get("/privasi").get_data(as_text=True)
    assert "contoh" not in before and "setelah 730 hari" in before
    admin = as_role("admin")
    assert _save(admin, "WBS_RETENTION_DAYS", "1095").status_code == 303
    assert _save(admin, "PDP_OFFICER_EMAIL", "pdp@dukcapil.serangkab.go.id").status_code == 303
    with app.test_request_context():
        assert retention.retention_days() == 1095
    page = client.get("/privasi").get_data(as_text=True)
    assert "setelah 1095 hari" in page
    assert re.search(r'id="pdp-email"[^>]*>.*pdp@dukcapil\.serangkab\.go\.id', page)


def test_bad_setting_values_are_refused_and_change_nothing(app, as_role):
    admin = as_role("admin")
    for key, value in (("WBS_RETENTION_DAYS", "0"), ("WBS_RETENTION_DAYS", "dua tahun"),
                       ("PDP_OFFICER_EMAIL", "bukan surel"), (CUTI, "mungkin")):
        response = _save(admin, key, value)
        assert response.status_code == 422, (key, value)
    with app.app_context():
        assert db.session.scalars(select(AuditEntry).where(AuditEntry.action == "setting_change")).all() == []
    with app.test_request_context():
        assert retention.retention_days() == 730
