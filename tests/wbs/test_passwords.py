"""A password change rotates the key pair (re-sealed copies, the new key endorsed by the old one);
a forgotten password (admin reset) destroys the key pair, the handler picks a password and gets a
NEW pair that reads nothing until endorsed again (by another handler or the recovery key): never
silent loss without a way back, never an admin backdoor."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portal.crypto import envelope
from portal.crypto.envelope import DecryptionError
from portal.extensions import db
from portal.models.wbs import WbsHandler
from portal.whistle.keys import data_key_aad
from staff import ROLE_EMAILS
from wbs_helpers import (HANDLER_A, HANDLER_B, HANDLER_PASSWORD, TIP, form_post, sealed_copies, submit_api,
                         tip_id_for, tip_ids_in_queue)
from wbs_helpers import team  # noqa: F401  (fixture)

NEW = "kata sandi baru yang panjang sekali 2027"
RESET = "kata sandi awal dari admin 2028 panjang"


def _handler_row(app, user_id):
    with app.app_context():
        row = db.session.get(WbsHandler, user_id)
        return (bytes(row.wrapped_private_key) if row.wrapped_private_key else None), row.key_id


def test_password_change_rotates_the_key_pair(app, team):
    tip_id = tip_id_for(app, submit_api(app.test_client()))
    client = team.login(HANDLER_A)
    user_id = team.user_id(HANDLER_A)
    # A backup taken before the change: the wrapped private key, opened with the old password.
    old_blob, old_key_id = _handler_row(app, user_id)
    old_private = envelope.unwrap_private_key(old_blob, HANDLER_PASSWORD)
    changed = form_post(client, "/kantor/akun/sandi", "/kantor/akun/sandi",
                        {"current": HANDLER_PASSWORD, "new": NEW, "confirm": NEW})
    assert changed.status_code == 200, changed.get_data(as_text=True)[:1000]
    new_blob, new_key_id = _handler_row(app, user_id)
    assert new_key_id != old_key_id
    new_private = envelope.unwrap_private_key(new_blob, NEW)
    assert envelope.public_key(new_private) != envelope.public_key(old_private)
    # The old copy was re-sealed for the new key in the same transaction.
    own = [w for holder, uid, w in sealed_copies(app, tip_id) if uid == user_id]
    assert len(own) == 1
    envelope.open_sealed(own[0], new_private, data_key_aad(tip_id))
    # The new key is endorsed by the old one: the chain still verifies, so new tips reach it ...
    with app.app_context():
        from portal.whistle import keys, trust

        row = db.session.get(WbsHandler, user_id)
        chain = trust.load_chain(row.endorsement)
        assert keys.is_endorsed(row) and chain[-1]["purpose"] == "rotate"
        assert chain[-1]["signer"] == chain[-2]["signing_public"]
    tip2 = tip_id_for(app, submit_api(app.test_client()))
    # ... and the old backup + old password opens nothing sent after the change.
    for holder, _uid, wrapped in sealed_copies(app, tip2):
        if holder != "receipt":
            with pytest.raises(DecryptionError):
                envelope.open_sealed(wrapped, old_private, data_key_aad(tip2))
    # Still reads in this session, and after signing in again with the new password.
    assert TIP["who"] in client.get(f"/kantor/wbs/{tip2}").get_data(as_text=True)
    again = team.login(HANDLER_A, password=NEW)
    assert TIP["who"] in again.get(f"/kantor/wbs/{tip_id}").get_data(as_text=True)
    assert TIP["who"] in again.get(f"/kantor/wbs/{tip2}").get_data(as_text=True)


def _admin_reset(team, email):
    admin = team.login(ROLE_EMAILS["admin"])
    uid = team.user_id(email)
    response = form_post(admin, f"/kantor/admin/pengguna/{uid}", f"/kantor/admin/pengguna/{uid}/sandi",
                         {"password": RESET, "confirm": RESET})
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:500]
    return admin


def test_forgotten_password_new_key_pair_then_endorsed_again_by_handler_and_by_recovery_key(app, team):
    tip_id = tip_id_for(app, submit_api(app.test_client()))
    user_id = team.user_id(HANDLER_A)
    _, old_key_id = _handler_row(app, user_id)

    admin = _admin_reset(team, HANDLER_A)
    assert _handler_row(app, user_id) == (None, None)  # the old key pair is destroyed
    # The admin, who chose the new password, still reads nothing.
    assert admin.get(f"/kantor/wbs/{tip_id}").status_code == 403

    team.passwords[HANDLER_A] = RESET
    handler = team.choose_password(HANDLER_A, NEW)
    _, new_key_id = _handler_row(app, user_id)
    assert new_key_id and new_key_id != old_key_id
    assert handler.get(f"/kantor/wbs/{tip_id}").status_code == 403
    assert tip_ids_in_queue(handler) == set()
    team_page = admin.get("/kantor/wbs/tim").get_data(as_text=True)
    assert "tanpa akses" in team_page

    # Endorsed again by another handler (fingerprint read from A's screen), who shares the tip.
    fingerprint = re.search(r'class="fingerprint">([0-9A-F ]+)<', handler.get("/kantor/wbs/tim").get_data(as_text=True))
    other = team.login(HANDLER_B)
    assert form_post(other, "/kantor/wbs/tim", f"/kantor/wbs/tim/{user_id}/sahkan",
                     {"fingerprint": fingerprint.group(1)}).status_code == 303
    assert TIP["who"] in handler.get(f"/kantor/wbs/{tip_id}").get_data(as_text=True)

    # Forgotten again; this time the head of office endorses with the recovery key (CLI).
    admin = _admin_reset(team, HANDLER_A)
    team.passwords[HANDLER_A] = RESET
    handler = team.choose_password(HANDLER_A, NEW)
    assert handler.get(f"/kantor/wbs/{tip_id}").status_code == 403
    wrong = form_post(admin, "/kantor/wbs/tim", f"/kantor/wbs/tim/{user_id}/pemulihan",
                      {"recovery_key": team.recovery_key[:-4] + "AAAA"}, follow_redirects=True)
    assert "tidak valid" in wrong.get_data(as_text=True)
    assert handler.get(f"/kantor/wbs/{tip_id}").status_code == 403
    result = team.endorse(HANDLER_A)
    assert "akses diberikan untuk 1 laporan" in result.output
    assert TIP["who"] in handler.get(f"/kantor/wbs/{tip_id}").get_data(as_text=True)
    with app.app_context():
        from portal.models import AuditEntry

        actions = db.session.scalars(select(AuditEntry.action)).all()
    assert {"wbs_key_destroyed", "wbs_key_created", "wbs_endorse", "wbs_grant", "password_reset"} <= set(actions)
