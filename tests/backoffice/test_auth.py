"""Sign-in with password and TOTP, enrolment, throttling, idle expiry, logout, password change."""
from __future__ import annotations

import re
from datetime import timedelta

import pyotp
from sqlalchemy import select, update

from portal.extensions import db
from portal.models import User, UserSession
from portal.models.types import utcnow

from staff import PASSWORD, ROLE_EMAILS, csrf


def _password_step(client, email, password=PASSWORD):
    page = client.get("/kantor/masuk").get_data(as_text=True)
    return client.post("/kantor/masuk", data={"csrf_token": csrf(page), "email": email, "password": password})


def _code_step(client, code):
    page = client.get("/kantor/masuk/verifikasi").get_data(as_text=True)
    return client.post("/kantor/masuk/verifikasi", data={"csrf_token": csrf(page), "code": code})


def test_login_needs_password_and_a_real_totp_code(app, staff):
    client = app.test_client()
    assert client.get("/kantor/").status_code == 302  # not signed in: to the login page
    assert _password_step(client, ROLE_EMAILS["complaints"]).status_code == 302
    # Password alone admits nothing.
    assert client.get("/kantor/pengaduan").status_code == 302
    assert _code_step(client, "000000").status_code == 401
    assert _code_step(client, staff.code(ROLE_EMAILS["complaints"])).status_code == 302
    assert client.get("/kantor/pengaduan").status_code == 200


def test_a_totp_code_is_never_accepted_twice(app, staff):
    email = ROLE_EMAILS["complaints"]
    first = app.test_client()
    _password_step(first, email)
    code = staff.code(email)
    assert _code_step(first, code).status_code == 302
    second = app.test_client()
    _password_step(second, email)
    assert _code_step(second, code).status_code == 401


def test_wrong_password_message_reveals_nothing(app, staff):
    client = app.test_client()
    wrong = _password_step(client, ROLE_EMAILS["admin"], "salah salah salah salah")
    unknown = _password_step(client, "tidak.ada@serangkab.go.id", "salah salah salah salah")
    assert wrong.status_code == unknown.status_code == 401
    assert "Surel atau kata sandi salah." in wrong.get_data(as_text=True)
    assert "Surel atau kata sandi salah." in unknown.get_data(as_text=True)


def test_account_locks_after_repeated_failures(app, staff):
    client = app.test_client()
    for _ in range(5):
        _password_step(client, ROLE_EMAILS["leader"], "tebakan yang salah sekali")
    locked = _password_step(app.test_client(), ROLE_EMAILS["leader"])  # even the right password now
    assert locked.status_code == 401
    assert "dikunci sementara" in locked.get_data(as_text=True)


def test_address_is_throttled_across_accounts(app_factory):
    app = app_factory(LOGIN_MAX_FAILURES_PER_ADDRESS=3)
    client = app.test_client()
    for i in range(3):
        _password_step(client, f"orang{i}@example.org", "tebakan yang salah sekali")
    blocked = _password_step(client, f"orang9@example.org", "tebakan yang salah sekali")
    assert "Terlalu banyak percobaan" in blocked.get_data(as_text=True)
    other_address = app.test_client()
    other_address.environ_base["REMOTE_ADDR"] = "198.51.100.9"
    assert "Terlalu banyak percobaan" not in _password_step(other_address, "x@example.org", "salah salah salah salah").get_data(as_text=True)


def test_first_login_enrols_totp_with_qr_and_recovery_codes(app):
    from portal.auth import services

    with app.app_context():
        services.create_user("baru@serangkab.go.id", "Petugas Baru", {"complaints"}, PASSWORD)
    client = app.test_client()
    response = _password_step(client, "baru@serangkab.go.id")
    assert response.headers["Location"].endswith("/kantor/masuk/daftar-2fa")
    page = client.get("/kantor/masuk/daftar-2fa").get_data(as_text=True)
    assert "<svg" in page
    secret = re.search(r'id="kunci-totp">([A-Z2-7]+)<', page).group(1)
    done = client.post("/kantor/masuk/daftar-2fa", data={"csrf_token": csrf(page), "code": pyotp.TOTP(secret).now()})
    html = done.get_data(as_text=True)
    codes = re.findall(r"<code>([0-9a-f]{5}-[0-9a-f]{5})</code>", html)
    assert len(codes) == 10
    assert client.get("/kantor/pengaduan").status_code == 200
    # A recovery code works once, in place of the phone.
    other = app.test_client()
    _password_step(other, "baru@serangkab.go.id")
    assert _code_step(other, codes[0]).status_code == 302
    again = app.test_client()
    _password_step(again, "baru@serangkab.go.id")
    assert _code_step(again, codes[0]).status_code == 401


def test_new_session_id_at_login_and_logout_really_ends_it(app, staff):
    client = app.test_client()
    _password_step(client, ROLE_EMAILS["complaints"])
    with client.session_transaction() as s:
        before = s["sid"]
    _code_step(client, staff.code(ROLE_EMAILS["complaints"]))
    with client.session_transaction() as s:
        after = s["sid"]
    assert before != after
    stolen_cookie = client.get_cookie("portal_session").value
    page = client.get("/kantor/").get_data(as_text=True)
    client.post("/kantor/keluar", data={"csrf_token": csrf(page)})
    thief = app.test_client()
    thief.set_cookie("portal_session", stolen_cookie)
    assert thief.get("/kantor/pengaduan").status_code == 302
    with app.app_context():
        assert db.session.scalars(select(UserSession)).all() == []


def test_idle_session_expires(app, staff):
    client = staff.login(app.test_client(), ROLE_EMAILS["complaints"])
    with app.app_context():
        db.session.execute(update(UserSession).values(last_seen=utcnow() - timedelta(hours=1)))
        db.session.commit()
    assert client.get("/kantor/pengaduan").status_code == 302


def test_disabled_account_is_signed_out_at_once(app, staff):
    from portal.auth import services

    client = staff.login(app.test_client(), ROLE_EMAILS["complaints"])
    assert client.get("/kantor/pengaduan").status_code == 200
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.email == ROLE_EMAILS["admin"]))
        target = db.session.scalar(select(User).where(User.email == ROLE_EMAILS["complaints"]))
        services.set_active(target.id, False, admin)
    assert client.get("/kantor/pengaduan").status_code == 302


def test_password_change_ends_other_sessions(app, staff):
    email = ROLE_EMAILS["complaints"]
    laptop = staff.login(app.test_client(), email)
    phone = app.test_client()
    _password_step(phone, email)
    _code_step(phone, staff.code(email, offset_steps=1))
    assert phone.get("/kantor/pengaduan").status_code == 200
    page = laptop.get("/kantor/akun/sandi").get_data(as_text=True)
    bad = laptop.post("/kantor/akun/sandi", data={"csrf_token": csrf(page), "current": PASSWORD, "new": "pendek", "confirm": "pendek"})
    assert bad.status_code == 422 and "minimal 12" in bad.get_data(as_text=True)
    new = "frasa sandi baru yang cukup panjang"
    ok = laptop.post("/kantor/akun/sandi", data={"csrf_token": csrf(page), "current": PASSWORD, "new": new, "confirm": new})
    assert ok.status_code == 200
    assert laptop.get("/kantor/pengaduan").status_code == 200
    assert phone.get("/kantor/pengaduan").status_code == 302
    assert _password_step(app.test_client(), email, PASSWORD).status_code == 401


def test_users_create_cli_prints_otpauth_uri_last(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "--email", "kadis@serangkab.go.id", "--name", "Kepala Dinas",
                                 "--role", "leader", "--password-stdin"], input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    last = result.output.strip().splitlines()[-1]
    assert last.startswith("otpauth://totp/")
    weak = runner.invoke(args=["users", "create", "--email", "x@serangkab.go.id", "--name", "X", "--role", "admin",
                               "--password-stdin"], input="pendek\n")
    assert weak.exit_code != 0 and "minimal 12" in weak.output


def test_first_admin_link_works_once(app):
    runner = app.test_cli_runner()
    output = runner.invoke(args=["setup", "link"]).output
    link = re.search(r"(/kantor/pasang/\S+)", output).group(1)
    client = app.test_client()
    page = client.get(link).get_data(as_text=True)
    response = client.post(link, data={"csrf_token": csrf(page), "name": "Admin Dinas", "email": "admin@serangkab.go.id",
                                       "password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 302
    assert client.get(link).status_code == 404
    assert "Admin sudah ada" in runner.invoke(args=["setup", "link"]).output
    assert app.test_client().get("/kantor/pasang/tebakan-acak").status_code == 404
