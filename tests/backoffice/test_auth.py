"""Sign-in with password and TOTP, enrolment, throttling, idle expiry, logout, password change."""
from __future__ import annotations

import re
from datetime import timedelta

import pyotp
from sqlalchemy import event, select, update

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


def _from(app, address):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_repeated_failures_stop_that_address_even_with_the_right_password(app, staff):
    attacker = _from(app, "203.0.113.50")
    for _ in range(5):
        assert _password_step(attacker, ROLE_EMAILS["leader"], "tebakan yang salah sekali").status_code == 401
    locked = _password_step(_from(app, "203.0.113.50"), ROLE_EMAILS["leader"])  # even the right password now
    assert locked.status_code == 429
    assert "Terlalu banyak percobaan masuk" in locked.get_data(as_text=True)
    assert "dikunci" not in locked.get_data(as_text=True)


def _without_token(response) -> str:
    return re.sub(r'name="csrf_token" value="[^"]+"', "", response.get_data(as_text=True))


def test_unknown_and_locked_accounts_answer_alike(app, staff, monkeypatch):
    """Hammering a real handler and an address nobody has gives the same answer: no account oracle."""
    from portal.crypto import passwords

    attacker = _from(app, "203.0.113.51")
    for _ in range(5):
        _password_step(attacker, ROLE_EMAILS["wbs"], "tebakan yang salah sekali")
        _password_step(attacker, "tidak.ada@serangkab.go.id", "tebakan yang salah sekali")
    verifications = []
    real_verify = passwords.verify_password
    monkeypatch.setattr(passwords, "verify_password", lambda *a: verifications.append(1) or real_verify(*a))
    real = _password_step(attacker, ROLE_EMAILS["wbs"])  # the right password, too late
    unknown = _password_step(attacker, "tidak.ada@serangkab.go.id", PASSWORD)
    assert verifications == [1, 1]  # one Argon2 verification each: alike in time too
    assert real.status_code == unknown.status_code == 429
    assert _without_token(real) == _without_token(unknown)
    assert "Terlalu banyak percobaan masuk" in _without_token(real)


def test_the_victim_signs_in_from_another_address_while_an_attacker_hammers(app, staff):
    email = ROLE_EMAILS["wbs"]
    attacker = _from(app, "203.0.113.53")
    answers = {_password_step(attacker, email, f"tebakan salah nomor {i}").status_code for i in range(40)}
    assert 429 in answers  # the attacker was slowed down
    victim = _from(app, "198.51.100.20")
    assert _password_step(victim, email).status_code == 302
    assert _code_step(victim, staff.code(email)).status_code == 302
    assert victim.get("/kantor/").status_code == 200


def test_the_same_attacker_from_another_address_in_its_ipv6_64_is_still_stopped(app, staff):
    email = ROLE_EMAILS["wbs"]
    for i in range(5):
        _password_step(_from(app, f"2001:db8:7:7::{i + 1}"), email, "tebakan yang salah sekali")
    assert _password_step(_from(app, "2001:db8:7:7:ffff::1"), email).status_code == 429
    assert _password_step(_from(app, "2001:db8:7:8::1"), email).status_code == 302


def test_an_attack_spread_over_many_addresses_hits_the_account_threshold(app_factory):
    from staff import Accounts

    app = app_factory(LOGIN_MAX_FAILURES_PER_ACCOUNT=8)
    Accounts(app).create(ROLE_EMAILS["wbs"], {"wbs"})
    for address in ("203.0.113.60", "203.0.113.61"):
        for _ in range(4):
            assert _password_step(_from(app, address), ROLE_EMAILS["wbs"], "tebakan yang salah sekali").status_code == 401
    assert _password_step(_from(app, "198.51.100.21"), ROLE_EMAILS["wbs"]).status_code == 429


def test_recovery_codes_are_regenerated_only_after_the_password_again(app, staff):
    email = ROLE_EMAILS["complaints"]
    client = staff.login(_from(app, "198.51.100.22"), email)
    page = client.get("/kantor/akun/kode-pemulihan").get_data(as_text=True)
    assert 'name="password"' in page
    for password in (None, "", "tebakan yang salah sekali"):
        data = {"csrf_token": csrf(page)}
        if password is not None:
            data["password"] = password
        refused = client.post("/kantor/akun/kode-pemulihan", data=data)
        assert refused.status_code == 422
        assert re.findall(r"<code>([0-9a-f]{5}-[0-9a-f]{5})</code>", refused.get_data(as_text=True)) == []
    done = client.post("/kantor/akun/kode-pemulihan", data={"csrf_token": csrf(page), "password": PASSWORD})
    codes = re.findall(r"<code>([0-9a-f]{5}-[0-9a-f]{5})</code>", done.get_data(as_text=True))
    assert done.status_code == 200 and len(codes) == 10
    other = _from(app, "198.51.100.23")
    _password_step(other, email)
    assert _code_step(other, codes[0]).status_code == 302


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


def _commit_elsewhere_after_reading(engine, table: str, write):
    """Run `write` on another connection, committed, right after the first statement that reads `table`:
    another request's commit landing while this request reads."""
    fired = []

    def hook(_conn, _cursor, statement, *_args):
        if not fired and statement.lstrip().upper().startswith("SELECT") and f"FROM {table}" in statement:
            fired.append(True)
            with engine.connect() as other:
                write(other)
                other.commit()

    event.listen(engine, "after_cursor_execute", hook)
    return fired, lambda: event.remove(engine, "after_cursor_execute", hook)


def _queue_while_an_admin_renames_an_account(app, staff, last_seen_ago: timedelta):
    """A signed-in officer last seen LAST_SEEN_AGO opens the queue while another request (an admin renaming
    an account) commits right after this one read its session: (the answer, whether the commit landed there)."""
    client = staff.login(app.test_client(), ROLE_EMAILS["complaints"])
    with app.app_context():
        db.session.execute(update(UserSession).values(last_seen=utcnow() - last_seen_ago))
        db.session.commit()
        engine = db.engine
    rename = update(User).where(User.email == ROLE_EMAILS["admin"]).values(name="Admin Baru")
    fired, stop = _commit_elsewhere_after_reading(engine, UserSession.__tablename__, lambda c: c.execute(rename))
    try:
        return client.get("/kantor/pengaduan"), bool(fired)
    finally:
        stop()


def test_a_session_touch_waits_for_another_requests_commit_instead_of_failing(app, staff):
    # The once-a-minute touch of last_seen writes after the session was read; another request committing
    # in between (here: an admin renaming an account) must make it wait, never answer 500 "database is locked".
    response, fired = _queue_while_an_admin_renames_an_account(app, staff, timedelta(minutes=2))
    assert fired and response.status_code == 200
    with app.app_context():
        assert utcnow() - db.session.scalar(select(UserSession.last_seen)) < timedelta(minutes=1)
        assert db.session.scalar(select(User.name).where(User.email == ROLE_EMAILS["admin"])) == "Admin Baru"


def test_an_idle_session_ends_while_another_request_commits(app, staff):
    response, fired = _queue_while_an_admin_renames_an_account(app, staff, timedelta(hours=1))
    assert fired and response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(UserSession.id)) is None


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
