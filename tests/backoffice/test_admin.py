"""Administration pages: accounts, the holiday override table, per-status SLAs, the audit log.

Every change is audited in the same transaction; every bad input gets a clear message and
leaves nothing written (no account, no override, no setting, no audit entry)."""
from __future__ import annotations

import csv
import re
import io
from datetime import date, timedelta

import pyotp
import pytest
from sqlalchemy import func, select

from portal import audit, hooks, workdays
from portal.extensions import db
from portal.models import AuditEntry, CalendarOverride, Complaint, SlaSetting, User, UserSession
from portal.workflow import COMPLAINTS

from samples import COMPLAINT
from staff import PASSWORD, ROLE_EMAILS, csrf

NEW_PASSWORD = "sandi awal baru yang panjang 77"


@pytest.fixture
def admin(as_role):
    client = as_role("admin")
    client.token = csrf(client.get("/kantor/admin/pengguna").get_data(as_text=True))
    return client


def post(client, url, data=None, **kwargs):
    return client.post(url, data={"csrf_token": client.token, **(data or {})}, **kwargs)


def audit_count(app, action=None) -> int:
    with app.app_context():
        query = select(func.count(AuditEntry.id))
        if action:
            query = query.where(AuditEntry.action == action)
        return db.session.scalar(query)


def user_by_email(app, email) -> User | None:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        if user is not None:
            db.session.expunge(user)
        return user


def flashes(client, url) -> str:
    return client.get(url).get_data(as_text=True)


def sign_in_again(app, staff, email, password=PASSWORD):
    """A second sign-in within the same 30 s: the next step's code (the current one is spent)."""
    client = app.test_client()
    page = client.get("/kantor/masuk").get_data(as_text=True)
    response = client.post("/kantor/masuk", data={"csrf_token": csrf(page), "email": email, "password": password})
    assert response.status_code == 302, response.status_code
    page = client.get("/kantor/masuk/verifikasi").get_data(as_text=True)
    response = client.post("/kantor/masuk/verifikasi", data={"csrf_token": csrf(page),
                                                            "code": staff.code(email, offset_steps=1)})
    assert response.status_code == 302, response.status_code
    return client


def chain_ok(app) -> bool:
    with app.app_context():
        return audit.verify().ok


# --------------------------------------------------------------------------- accounts

def test_account_list_shows_roles_second_factor_and_last_sign_in(app, admin):
    html = admin.get("/kantor/admin/pengguna").get_data(as_text=True)
    for email in ROLE_EMAILS.values():
        assert email in html
    assert "Tim Pengaduan" in html and "UPG (gratifikasi)" in html
    assert "Terdaftar" in html          # 2FA enrolled (the staff fixture enrols every account)
    assert "Belum pernah" in html       # accounts that never signed in
    assert "WIB" in html                # the admin's own last sign-in time


def test_admin_creates_an_account_that_enrols_totp_at_first_sign_in(app, admin):
    before = audit_count(app, "account_create")
    response = post(admin, "/kantor/admin/pengguna", {
        "name": "Rina Petugas", "email": "rina@serangkab.go.id", "roles": ["complaints", "leader"],
        "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 303
    user = user_by_email(app, "rina@serangkab.go.id")
    assert user.roles == {"complaints", "leader"} and user.active and user.totp_enrolled_at is None
    assert audit_count(app, "account_create") == before + 1
    # The new account signs in with the initial password and is sent to TOTP enrolment.
    client = app.test_client()
    page = client.get("/kantor/masuk").get_data(as_text=True)
    signed = client.post("/kantor/masuk", data={"csrf_token": csrf(page), "email": "rina@serangkab.go.id",
                                               "password": NEW_PASSWORD})
    assert signed.headers["Location"].endswith("/kantor/masuk/daftar-2fa")
    enrol = client.get("/kantor/masuk/daftar-2fa").get_data(as_text=True)
    with app.app_context():
        secret = db.session.get(User, user.id).totp_secret
    assert secret and secret in enrol
    done = client.post("/kantor/masuk/daftar-2fa", data={"csrf_token": csrf(enrol), "code": pyotp.TOTP(secret).now()})
    assert "kode pemulihan" in done.get_data(as_text=True).lower()
    assert client.get("/kantor/pengaduan").status_code == 200
    assert chain_ok(app)


@pytest.mark.parametrize("change, field, message", [
    ({"email": "PENGADUAN@serangkab.go.id"}, "email", "Surel sudah dipakai akun lain."),
    ({"email": "bukan-surel"}, "email", "Alamat surel tidak valid"),
    ({"email": ""}, "email", "Wajib diisi."),
    ({"name": "  "}, "name", "Wajib diisi."),
    ({"password": "pendek", "confirm": "pendek"}, "password", "Kata sandi minimal 12 karakter."),
    ({"password": "aaaaaaaaaaaaaaaa", "confirm": "aaaaaaaaaaaaaaaa"}, "password", "terlalu mudah ditebak"),
    ({"confirm": "lain sekali dari yang tadi"}, "confirm", "Konfirmasi kata sandi tidak sama."),
    ({"roles": []}, "roles", "Pilih sedikitnya satu peran."),
    ({"roles": ["complaints", "superuser"]}, "roles", "Peran tidak dikenal: superuser."),
])
def test_bad_new_account_input_is_refused_with_a_message_and_nothing_saved(app, admin, change, field, message):
    users_before, audit_before = _count_users(app), audit_count(app)
    data = {"name": "Budi", "email": "budi@serangkab.go.id", "roles": ["complaints"],
            "password": NEW_PASSWORD, "confirm": NEW_PASSWORD, **change}
    response = post(admin, "/kantor/admin/pengguna", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    assert f'href="#f-{field}"' in html  # the error summary links to the field
    assert _count_users(app) == users_before and audit_count(app) == audit_before


def _count_users(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(User.id)))


def test_roles_are_edited_and_audited_and_bad_roles_refused(app, admin, staff):
    target = user_by_email(app, ROLE_EMAILS["leader"])
    url = f"/kantor/admin/pengguna/{target.id}/peran"
    assert post(admin, url, {"roles": ["leader", "complaints"]}).status_code == 303
    assert user_by_email(app, ROLE_EMAILS["leader"]).roles == {"leader", "complaints"}
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "role_change"))
        assert entry.detail_data == {"user_id": target.id, "from": ["leader"], "to": ["complaints", "leader"]}
    for bad, message in (([], "Pilih sedikitnya satu peran."), (["root"], "Peran tidak dikenal: root.")):
        before = audit_count(app)
        post(admin, url, {"roles": bad})
        assert message in flashes(admin, f"/kantor/admin/pengguna/{target.id}")
        assert user_by_email(app, ROLE_EMAILS["leader"]).roles == {"leader", "complaints"}
        assert audit_count(app) == before


def test_an_admin_cannot_lock_themselves_out(app, admin):
    me = user_by_email(app, ROLE_EMAILS["admin"])
    post(admin, f"/kantor/admin/pengguna/{me.id}/peran", {"roles": ["leader"]})
    assert "tidak dapat mencabut peran admin" in flashes(admin, f"/kantor/admin/pengguna/{me.id}")
    post(admin, f"/kantor/admin/pengguna/{me.id}/aktif", {"active": "0"})
    assert "tidak dapat menonaktifkan akun Anda sendiri" in flashes(admin, f"/kantor/admin/pengguna/{me.id}")
    me = user_by_email(app, ROLE_EMAILS["admin"])
    assert me.active and "admin" in me.roles


def test_disabling_an_account_ends_its_sessions_at_once(app, admin, staff):
    handler = staff.login(app.test_client(), ROLE_EMAILS["complaints"])
    assert handler.get("/kantor/pengaduan").status_code == 200
    target = user_by_email(app, ROLE_EMAILS["complaints"])
    assert post(admin, f"/kantor/admin/pengguna/{target.id}/aktif", {"active": "0"}).status_code == 303
    assert handler.get("/kantor/pengaduan").status_code == 302  # signed out, to the login page
    assert not user_by_email(app, ROLE_EMAILS["complaints"]).active
    assert audit_count(app, "account_disable") == 1
    post(admin, f"/kantor/admin/pengguna/{target.id}/aktif", {"active": "perhaps"})
    assert "Pilih aktifkan atau nonaktifkan." in flashes(admin, f"/kantor/admin/pengguna/{target.id}")
    post(admin, f"/kantor/admin/pengguna/{target.id}/aktif", {"active": "1"})
    assert user_by_email(app, ROLE_EMAILS["complaints"]).active
    assert audit_count(app, "account_enable") == 1
    sign_in_again(app, staff, ROLE_EMAILS["complaints"])  # and can sign in again


def test_second_factor_reset_needs_confirmation_and_makes_the_account_enrol_again(app, admin, staff):
    handler = staff.login(app.test_client(), ROLE_EMAILS["wbs"])
    target = user_by_email(app, ROLE_EMAILS["wbs"])
    post(admin, f"/kantor/admin/pengguna/{target.id}/2fa", {})
    assert "Centang konfirmasi" in flashes(admin, f"/kantor/admin/pengguna/{target.id}")
    assert user_by_email(app, ROLE_EMAILS["wbs"]).totp_enrolled_at is not None
    assert post(admin, f"/kantor/admin/pengguna/{target.id}/2fa", {"confirm": "yes"}).status_code == 303
    assert user_by_email(app, ROLE_EMAILS["wbs"]).totp_enrolled_at is None
    assert handler.get("/kantor/").status_code == 302
    assert audit_count(app, "totp_reset") == 1
    client = app.test_client()
    page = client.get("/kantor/masuk").get_data(as_text=True)
    response = client.post("/kantor/masuk", data={"csrf_token": csrf(page), "email": ROLE_EMAILS["wbs"],
                                                  "password": PASSWORD})
    assert response.headers["Location"].endswith("/kantor/masuk/daftar-2fa")


@pytest.fixture
def reset_listener():
    calls = []

    def listener(user):
        calls.append(user.id)
        if getattr(listener, "fail", False):
            raise RuntimeError("key store unavailable")

    hooks.on_password_reset(listener)
    yield listener, calls
    hooks._reset_listeners.remove(listener)


def test_password_reset_sets_the_initial_password_ends_sessions_and_tells_listeners(app, admin, staff, reset_listener):
    _listener, calls = reset_listener
    handler = staff.login(app.test_client(), ROLE_EMAILS["gratification"])
    target = user_by_email(app, ROLE_EMAILS["gratification"])
    url = f"/kantor/admin/pengguna/{target.id}/sandi"
    for data, message in (({"password": "pendek", "confirm": "pendek"}, "Kata sandi minimal 12 karakter."),
                          ({"password": NEW_PASSWORD, "confirm": "lain"}, "Konfirmasi kata sandi tidak sama.")):
        post(admin, url, data)
        assert message in flashes(admin, f"/kantor/admin/pengguna/{target.id}")
    assert calls == [] and audit_count(app, "password_reset") == 0
    assert post(admin, url, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 303
    assert calls == [target.id]
    assert audit_count(app, "password_reset") == 1
    assert handler.get("/kantor/").status_code == 302  # its session ended
    sign_in_again(app, staff, ROLE_EMAILS["gratification"], NEW_PASSWORD)
    old = app.test_client()
    page = old.get("/kantor/masuk").get_data(as_text=True)
    assert old.post("/kantor/masuk", data={"csrf_token": csrf(page), "email": ROLE_EMAILS["gratification"],
                                           "password": PASSWORD}).status_code == 401


def test_password_reset_is_undone_when_a_listener_fails(app, admin, staff, reset_listener):
    listener, _calls = reset_listener
    listener.fail = True
    target = user_by_email(app, ROLE_EMAILS["leader"])
    with pytest.raises(RuntimeError):
        from portal.administration import reset_password
        with app.test_request_context():
            reset_password(target.id, NEW_PASSWORD, user_by_email(app, ROLE_EMAILS["admin"]))
    staff.login(app.test_client(), ROLE_EMAILS["leader"])  # the old password still works
    assert audit_count(app, "password_reset") == 0


def test_other_roles_reach_no_admin_page(app, staff, as_role):
    for role in ("complaints", "gratification", "wbs", "leader"):
        client = as_role(role)
        for url in ("/kantor/admin/pengguna", "/kantor/admin/libur", "/kantor/admin/sla", "/kantor/admin/audit"):
            assert client.get(url).status_code == 403, (role, url)
        assert "/kantor/admin/" not in client.get("/kantor/").get_data(as_text=True)  # no menu entry either


# --------------------------------------------------------------------------- holidays

def test_holiday_page_lists_national_holidays_cuti_bersama_and_overrides(app, admin):
    html = admin.get("/kantor/admin/libur?tahun=2026").get_data(as_text=True)
    assert "Libur nasional" in html and "Cuti bersama" in html
    assert "17 Agustus 2026" in html  # Hari Kemerdekaan
    notice = admin.get("/kantor/admin/libur?tahun=abad").get_data(as_text=True)
    assert "Tahun tidak valid" in notice


def test_override_is_added_audited_used_for_deadlines_and_removed(app, admin):
    day = date(2026, 3, 3)  # a Tuesday
    response = post(admin, "/kantor/admin/libur", {"day": day.isoformat(), "working": "0",
                                                   "note": "Keppres No. 9/2026 tentang libur tambahan"})
    assert response.status_code == 303
    html = admin.get("/kantor/admin/libur?tahun=2026").get_data(as_text=True)
    assert "Keppres No. 9/2026" in html and "Keputusan (tabel penyesuaian)" in html
    with app.app_context():
        assert not workdays.is_working_day(day)
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "holiday_override_set"))
        assert entry.detail_data == {"day": "2026-03-03", "working": False}
    assert post(admin, "/kantor/admin/libur/hapus", {"day": day.isoformat()}).status_code == 303
    with app.app_context():
        assert workdays.is_working_day(day)
        assert db.session.get(CalendarOverride, day) is None
    assert audit_count(app, "holiday_override_remove") == 1
    assert chain_ok(app)


@pytest.mark.parametrize("data, message", [
    ({"day": "", "working": "0", "note": "Keppres 1/2026"}, "Wajib diisi."),
    ({"day": "2026-02-30", "working": "0", "note": "Keppres 1/2026"}, "Tanggal tidak valid"),
    ({"day": "03/03/2026", "working": "0", "note": "Keppres 1/2026"}, "Tanggal tidak valid"),
    ({"day": "2026-03-03", "working": "mungkin", "note": "Keppres 1/2026"}, "hari kerja atau hari libur"),
    ({"day": "2026-03-03", "working": "1", "note": ""}, "Sebutkan dasar keputusannya"),
    ({"day": "2026-03-03", "working": "1", "note": "x" * 201}, "maksimal 200 karakter"),
])
def test_bad_override_input_is_refused_and_nothing_saved(app, admin, data, message):
    before = audit_count(app)
    response = post(admin, "/kantor/admin/libur", data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CalendarOverride)) == 0
    assert audit_count(app) == before


def test_removing_a_missing_override_says_so(app, admin):
    before = audit_count(app)
    post(admin, "/kantor/admin/libur/hapus", {"day": "2026-05-05"})
    assert "Tidak ada penyesuaian kalender" in flashes(admin, "/kantor/admin/libur")
    post(admin, "/kantor/admin/libur/hapus", {"day": "kemarin"})
    assert "Tanggal tidak valid" in flashes(admin, "/kantor/admin/libur")
    assert audit_count(app) == before


# --------------------------------------------------------------------------- SLA

def test_sla_page_shows_every_step_with_its_legal_basis(app, admin):
    html = admin.get("/kantor/admin/sla").get_data(as_text=True)
    for status in COMPLAINTS.statuses.values():
        assert str(status.label) in html
        if status.sla_basis:
            assert status.sla_basis in html


def test_sla_page_shows_and_edits_the_unit_of_each_deadline(app, admin, as_role):
    # UU 25/2009 Ps 50 "60 hari" and Ps 45 "30 hari" are calendar days; SP4N-LAPOR! "3 hari kerja" is not.
    html = admin.get("/kantor/admin/sla").get_data(as_text=True)
    assert re.search(r'id="hari-complaints-in_progress">60</strong> <span id="satuan-complaints-in_progress">'
                     r'hari kalender<', html)
    assert re.search(r'id="hari-complaints-pending">30</strong> <span id="satuan-complaints-pending">hari kalender<', html)
    assert re.search(r'id="hari-complaints-unverified">3</strong> <span id="satuan-complaints-unverified">hari kerja<', html)
    assert re.search(r'id="hari-gratification-incomplete">20</strong> <span id="satuan-gratification-incomplete">'
                     r'hari kerja<', html)
    # An office decree that counts verification in calendar days: the unit is saved and used.
    basis = "Keputusan Kepala Dinas No. 800/13/2026: verifikasi 7 hari"
    assert post(admin, "/kantor/admin/sla", {"channel": "complaints", "status": "unverified", "days": "7",
                                             "unit": "calendar", "basis": basis}).status_code == 303
    html = admin.get("/kantor/admin/sla").get_data(as_text=True)
    assert re.search(r'id="hari-complaints-unverified">7</strong> <span id="satuan-complaints-unverified">hari kalender<', html)
    handler = as_role("complaints")
    ticket = _file(handler)
    with app.app_context():
        complaint = db.session.scalar(select(Complaint).where(Complaint.ticket == ticket))
        # 7 calendar days after the day it was filed, weekends included.
        assert complaint.due_on == complaint.submitted_on + timedelta(days=7)
    response = post(admin, "/kantor/admin/sla", {"channel": "complaints", "status": "unverified", "days": "7",
                                                 "unit": "minggu", "basis": basis})
    assert response.status_code == 422 and "Pilih satuan" in response.get_data(as_text=True)


def _file(client) -> str:
    return client.post("/api/v1/complaints", json=COMPLAINT).get_json()["ticket"]


def test_edited_sla_is_used_by_the_deadline_of_the_next_step(app, admin, as_role):
    basis = "Keputusan Kepala Dinas No. 800/12/2026: verifikasi 2 hari kerja"
    response = post(admin, "/kantor/admin/sla", {"channel": "complaints", "status": "dispositioned",
                                                 "days": "2", "basis": basis})
    assert response.status_code == 303
    assert basis in admin.get("/kantor/admin/sla").get_data(as_text=True)
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "sla_change"))
        assert entry.detail_data == {"workflow": "complaints", "status": "dispositioned", "from": 5, "to": 2,
                                     "unit_from": "working", "unit_to": "working"}
    handler = as_role("complaints")
    ticket = _file(handler)
    token = csrf(handler.get(f"/kantor/pengaduan/{ticket}").get_data(as_text=True))
    handler.post(f"/kantor/pengaduan/{ticket}/status", data={"csrf_token": token, "status": "dispositioned"})
    with app.app_context():
        complaint = db.session.scalar(select(Complaint).where(Complaint.ticket == ticket))
        assert complaint.status == "dispositioned"
        assert complaint.due_on == workdays.add_working_days(complaint.verified_on, 2)
    # Back to the default: 5 working days again, and audited.
    assert post(admin, "/kantor/admin/sla/bawaan", {"channel": "complaints", "status": "dispositioned"}).status_code == 303
    from portal.workflow import COMPLAINTS
    with app.test_request_context():
        assert COMPLAINTS.due("dispositioned", entered_on=date(2026, 3, 2)) == workdays.add_working_days(date(2026, 3, 2), 5)
    assert audit_count(app, "sla_change") == 2
    assert chain_ok(app)


@pytest.mark.parametrize("data, message", [
    ({"days": "0", "basis": "Perbup 5/2021"}, "Isi jumlah hari 1 sampai 365."),
    ({"days": "tiga", "basis": "Perbup 5/2021"}, "Isi jumlah hari 1 sampai 365."),
    ({"days": "400", "basis": "Perbup 5/2021"}, "Isi jumlah hari 1 sampai 365."),
    ({"days": "-3", "basis": "Perbup 5/2021"}, "Isi jumlah hari 1 sampai 365."),
    ({"days": "4", "basis": ""}, "Sebutkan dasar hukumnya"),
    ({"days": "4", "basis": "y" * 301}, "maksimal 300 karakter"),
])
def test_bad_sla_input_is_refused_and_nothing_saved(app, admin, data, message):
    before = audit_count(app)
    response = post(admin, "/kantor/admin/sla", {"channel": "complaints", "status": "unverified", **data})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SlaSetting)) == 0
    assert audit_count(app) == before


def test_sla_of_an_unknown_or_open_ended_step_is_refused(app, admin):
    before = audit_count(app)
    for channel, status in (("complaints", "closed"), ("complaints", "nope"), ("surat", "unverified")):
        post(admin, "/kantor/admin/sla", {"channel": channel, "status": status, "days": "3", "basis": "x y z"})
        assert "tidak memiliki tenggat" in flashes(admin, "/kantor/admin/sla")
    post(admin, "/kantor/admin/sla/bawaan", {"channel": "complaints", "status": "unverified"})
    assert "sudah memakai tenggat bawaan" in flashes(admin, "/kantor/admin/sla")
    assert audit_count(app) == before


# --------------------------------------------------------------------------- audit log

def test_audit_log_is_filtered_and_paged(app, admin, as_role):
    handler = as_role("complaints")
    tickets = [_file(handler) for _ in range(3)]
    for ticket in tickets:
        for _ in range(20):
            handler.get(f"/kantor/pengaduan/{ticket}")  # 60 case_view entries
    handler_id = user_by_email(app, ROLE_EMAILS["complaints"]).id
    page1 = admin.get(f"/kantor/admin/audit?actor={handler_id}&action=case_view&channel=complaints")
    html = page1.get_data(as_text=True)
    assert page1.status_code == 200 and "60 entri" in html and "Halaman 1 dari 2" in html
    assert "Berikutnya" in html
    page2 = admin.get(f"/kantor/admin/audit?actor={handler_id}&action=case_view&channel=complaints&page=2")
    assert "Halaman 2 dari 2" in page2.get_data(as_text=True)
    one_case = admin.get(f"/kantor/admin/audit?case_ref={tickets[1].lower()}").get_data(as_text=True)
    assert "20 entri" in one_case and tickets[0] not in one_case
    with app.app_context():
        from portal.templating import local_today
        today = local_today().isoformat()
    assert "0 entri" in admin.get("/kantor/admin/audit?since=2020-01-01&until=2020-12-31").get_data(as_text=True)
    dated = admin.get(f"/kantor/admin/audit?since=2020-01-01&until={today}&action=case_view").get_data(as_text=True)
    assert "60 entri" in dated


@pytest.mark.parametrize("query, message", [
    ("actor=abc", "Petugas tidak dikenal."),
    ("action=DROP%20TABLE", "Tindakan berupa kode huruf kecil"),
    ("channel=surat", "Kanal tidak dikenal."),
    ("case_ref=%3Cscript%3E", "Nomor kasus tidak valid"),
    ("since=kemarin", "Tanggal tidak valid"),
    ("since=2026-05-01&until=2026-04-01", "Tanggal akhir tidak boleh sebelum tanggal awal."),
])
def test_bad_audit_filters_get_a_clear_message(app, admin, query, message):
    response = admin.get(f"/kantor/admin/audit?{query}")
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_audit_csv_export_is_itself_audited(app, admin):
    before = audit_count(app, "audit_export")
    response = post(admin, "/kantor/admin/audit/ekspor", {"since": "", "until": ""})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == list(audit.CSV_HEADER)
    assert "login" in {row[4] for row in rows[1:]}
    assert audit_count(app, "audit_export") == before + 1
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "audit_export"))
        assert entry.actor_label == ROLE_EMAILS["admin"] and entry.detail_data["via"] == "web"
    post(admin, "/kantor/admin/audit/ekspor", {"since": "2026-13-01"})
    assert "Tanggal tidak valid" in flashes(admin, "/kantor/admin/audit")
    assert audit_count(app, "audit_export") == before + 1
    assert chain_ok(app)


def test_a_disabled_admins_session_rows_are_gone(app, admin, staff):
    """set_active removes the server-side sessions themselves, not just the flag."""
    target = user_by_email(app, ROLE_EMAILS["leader"])
    staff.login(app.test_client(), ROLE_EMAILS["leader"])
    post(admin, f"/kantor/admin/pengguna/{target.id}/aktif", {"active": "0"})
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(UserSession)
                                 .where(UserSession.user_id == target.id)) == 0
