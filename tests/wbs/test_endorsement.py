"""Promise 1, "no single person on the office side": appointing (the admin's SK record) grants
nothing; a key pair receives tips only once endorsed — by the recovery key (head of office, CLI)
or by an endorsed handler after both compare the key's fingerprint — and the chain is checked
against the recovery key pinned in instance/, which neither the web admin nor a database writer
controls. Key pairs are born only after the full sign-in under a password the handler chose."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select, update

from portal.crypto import envelope
from portal.crypto.envelope import DecryptionError
from portal.extensions import db
from portal.models import AuditEntry, User
from portal.models.wbs import WbsHandler, WbsRecoveryKey
from portal.whistle.keys import data_key_aad
from staff import PASSWORD, ROLE_EMAILS, csrf
from wbs_helpers import (HANDLER_A, HANDLER_PASSWORD, TIP, form_post, private_key_of, sealed_copies, submit_api,
                         tip_id_for, tip_ids_in_queue)
from wbs_helpers import team  # noqa: F401  (fixture)

LATE = "wbs.baru@serangkab.go.id"
RESET = "kata sandi awal dari admin 2028 panjang"


def _admin_creates_and_appoints(team, email=LATE):
    """What a web admin alone can do: an account with the role, an SK appointment (both via the web)."""
    admin = team.login(ROLE_EMAILS["admin"])
    team.accounts.create(email, {"wbs"}, name="Handler Baru")
    appointed = form_post(admin, "/kantor/wbs/tim", "/kantor/wbs/tim/sk",
                          {"sk_number": "800/9/SK/2026", "sk_date": "2026-02-01", "user_id": str(team.user_id(email))},
                          follow_redirects=True)
    assert "1 akun diangkat" in appointed.get_data(as_text=True)
    return admin


def _opens_any_copy(app, tip_id, private) -> bool:
    for holder, _uid, wrapped in sealed_copies(app, tip_id):
        if holder == "receipt":
            continue
        try:
            envelope.open_sealed(wrapped, private, data_key_aad(tip_id))
            return True
        except DecryptionError:
            continue
    return False


def _fingerprint_on_screen(client) -> str:
    page = client.get("/kantor/wbs/tim").get_data(as_text=True)
    match = re.search(r'class="fingerprint">([0-9A-F ]+)<', page)
    assert match, "the team page shows the handler their own key fingerprint"
    return match.group(1)


def test_appointed_account_reads_no_new_tip_until_endorsed_by_a_handler(app, team):
    _admin_creates_and_appoints(team)
    # The account (or an admin who knows its password) signs in fully and picks a password:
    # a key pair exists now, but nobody has vouched for it.
    newcomer = team.choose_password(LATE)
    tip_id = tip_id_for(app, submit_api(app.test_client()))
    assert team.user_id(LATE) not in {uid for holder, uid, _ in sealed_copies(app, tip_id) if holder == "handler"}
    assert not _opens_any_copy(app, tip_id, private_key_of(app, LATE))
    response = newcomer.get(f"/kantor/wbs/{tip_id}")
    assert response.status_code == 403 and TIP["who"] not in response.get_data(as_text=True)
    assert tip_id not in tip_ids_in_queue(newcomer)
    # Granting alone is refused for a key nobody endorsed.
    a = team.login(HANDLER_A)
    refused = form_post(a, "/kantor/wbs/tim", f"/kantor/wbs/tim/{team.user_id(LATE)}/akses", {}, follow_redirects=True)
    assert "belum disahkan" in refused.get_data(as_text=True)
    assert newcomer.get(f"/kantor/wbs/{tip_id}").status_code == 403

    # Handler A endorses after comparing fingerprints: a mistyped one is refused.
    shown = _fingerprint_on_screen(newcomer)
    wrong = shown[:-1] + ("0" if shown[-1] != "0" else "1")
    page = form_post(a, "/kantor/wbs/tim", f"/kantor/wbs/tim/{team.user_id(LATE)}/sahkan", {"fingerprint": wrong},
                     follow_redirects=True).get_data(as_text=True)
    assert "tidak cocok" in page
    assert newcomer.get(f"/kantor/wbs/{tip_id}").status_code == 403
    done = form_post(a, "/kantor/wbs/tim", f"/kantor/wbs/tim/{team.user_id(LATE)}/sahkan",
                     {"fingerprint": shown.lower()}, follow_redirects=True).get_data(as_text=True)
    assert "Kunci disahkan" in done
    # The open tip A held is shared with the newcomer, and new tips are sealed for them.
    assert TIP["who"] in newcomer.get(f"/kantor/wbs/{tip_id}").get_data(as_text=True)
    tip2 = tip_id_for(app, submit_api(app.test_client()))
    assert TIP["who"] in newcomer.get(f"/kantor/wbs/{tip2}").get_data(as_text=True)
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "wbs_endorse")
                                  .order_by(AuditEntry.id.desc()))
        assert entry.actor_id == team.user_id(HANDLER_A)


def test_head_of_office_endorses_with_the_recovery_key_on_the_command_line(app, team):
    tip_id = tip_id_for(app, submit_api(app.test_client()))
    _admin_creates_and_appoints(team)
    newcomer = team.choose_password(LATE)
    runner = app.test_cli_runner()
    shown = _fingerprint_on_screen(newcomer)
    mistyped = runner.invoke(args=["wbs", "endorse", "--email", LATE, "--recovery-key-stdin",
                                   "--fingerprint", "0000 1111 2222 3333 4444 5555 6666 7777"],
                             input=team.recovery_key + "\n")
    assert mistyped.exit_code != 0 and "tidak cocok" in mistyped.output
    not_ours = runner.invoke(args=["wbs", "endorse", "--email", LATE, "--recovery-key-stdin"],
                             input=envelope.generate_recovery_key()[0] + "\n")
    assert not_ours.exit_code != 0 and "bukan milik portal ini" in not_ours.output
    assert newcomer.get(f"/kantor/wbs/{tip_id}").status_code == 403

    result = runner.invoke(args=["wbs", "endorse", "--email", LATE, "--recovery-key-stdin", "--fingerprint", shown],
                           input=team.recovery_key + "\n")
    assert result.exit_code == 0, result.output
    assert shown in result.output and "akses diberikan untuk 1 laporan" in result.output
    assert TIP["who"] in newcomer.get(f"/kantor/wbs/{tip_id}").get_data(as_text=True)
    tip2 = tip_id_for(app, submit_api(app.test_client()))
    assert tip2 in tip_ids_in_queue(newcomer)


def test_a_database_writer_cannot_endorse_a_key_or_swap_the_recovery_key(app, team):
    """Someone who can write any row: copies an endorsement, forges one with a recovery key of their
    own (stored where the old code trusted it, the database), swaps the recovery public key."""
    _admin_creates_and_appoints(team)
    team.choose_password(LATE)
    forged_printable, forged_public = envelope.generate_recovery_key()
    forged_private = envelope.parse_recovery_key(forged_printable)
    from portal.whistle import trust

    with app.app_context():
        late = db.session.get(WbsHandler, team.user_id(LATE))
        a_row = db.session.get(WbsHandler, team.user_id(HANDLER_A))
        user = db.session.get(User, late.user_id)
        forged = trust.certificate(forged_private, purpose=trust.PURPOSE_ENDORSE, user_id=user.id, email=user.email,
                                   public=bytes(late.public_key), signing_public=bytes(late.signing_public),
                                   day="2026-11-29")
        late.endorsement = trust.dump_chain([forged])
        db.session.execute(update(WbsRecoveryKey).values(public_key=forged_public,
                                                         key_id=envelope.key_id(forged_public),
                                                         signing_public=envelope.signing_public_key(forged_private)))
        db.session.commit()
        copied = a_row.endorsement
    tip_id = tip_id_for(app, submit_api(app.test_client()))
    copies = sealed_copies(app, tip_id)
    assert team.user_id(LATE) not in {uid for holder, uid, _ in copies if holder == "handler"}
    # The recovery copy is for the pinned key (the head of office's paper), not the swapped one.
    recovery = [w for holder, _, w in copies if holder == "recovery"]
    assert len(recovery) == 1
    with pytest.raises(DecryptionError):
        envelope.open_sealed(recovery[0], forged_private, data_key_aad(tip_id))
    envelope.open_sealed(recovery[0], envelope.parse_recovery_key(team.recovery_key), data_key_aad(tip_id))

    with app.app_context():
        db.session.execute(update(WbsHandler).where(WbsHandler.user_id == team.user_id(LATE))
                           .values(endorsement=copied))
        db.session.commit()
    tip2 = tip_id_for(app, submit_api(app.test_client()))
    assert team.user_id(LATE) not in {uid for holder, uid, _ in sealed_copies(app, tip2) if holder == "handler"}


def test_reset_then_password_only_sign_in_makes_no_key_pair(app, team):
    uid = team.user_id(HANDLER_A)
    with app.app_context():
        before = db.session.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1))
    admin = team.login(ROLE_EMAILS["admin"])
    reset = form_post(admin, f"/kantor/admin/pengguna/{uid}", f"/kantor/admin/pengguna/{uid}/sandi",
                      {"password": RESET, "confirm": RESET})
    assert reset.status_code in (302, 303)
    # The admin (who chose RESET) does the password step of the handler's sign-in, and stops.
    client = app.test_client()
    page = client.get("/kantor/masuk").get_data(as_text=True)
    step = client.post("/kantor/masuk", data={"csrf_token": csrf(page), "email": HANDLER_A, "password": RESET})
    assert step.status_code == 302 and "verifikasi" in step.headers["Location"]

    def key_state():
        with app.app_context():
            row = db.session.get(WbsHandler, uid)
            created = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "wbs_key_created",
                                                                  AuditEntry.id > before)).all()
            return row.public_key, row.wrapped_private_key, created

    public, wrapped, created = key_state()
    assert public is None and wrapped is None and created == []
    # Even the full sign-in with the admin's password makes none: the handler must choose one first.
    handler = team.login(HANDLER_A, password=RESET)
    assert key_state()[0] is None
    changed = form_post(handler, "/kantor/akun/sandi", "/kantor/akun/sandi",
                        {"current": RESET, "new": RESET, "confirm": RESET})
    assert changed.status_code == 422 and key_state()[0] is None  # the admin's password is not the handler's
    changed = form_post(handler, "/kantor/akun/sandi", "/kantor/akun/sandi",
                        {"current": RESET, "new": HANDLER_PASSWORD, "confirm": HANDLER_PASSWORD})
    assert changed.status_code == 200
    public, wrapped, created = key_state()
    assert public is not None and len(created) == 1 and created[0].actor_id == uid
    envelope.unwrap_private_key(bytes(wrapped), HANDLER_PASSWORD)
    with pytest.raises(DecryptionError):
        envelope.unwrap_private_key(bytes(wrapped), RESET)


def test_deactivated_account_gets_no_sealed_copy(app, team):
    from portal.auth import services as auth

    with app.app_context():
        admin = db.session.scalar(select(User).where(User.email == ROLE_EMAILS["admin"]))
        auth.set_active(team.user_id(HANDLER_A), False, admin)
    tip_id = tip_id_for(app, submit_api(app.test_client()))
    assert team.user_id(HANDLER_A) not in {uid for holder, uid, _ in sealed_copies(app, tip_id) if holder == "handler"}
    assert PASSWORD  # the account keeps its password; only the copies stop
