"""Password change re-wraps the private key; a forgotten password (admin reset) gives a NEW key
pair, tips unreadable until re-granted (by another handler or the recovery key): never silent
loss without a way back, never an admin backdoor."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.crypto import envelope
from portal.crypto.envelope import DecryptionError
from portal.extensions import db
from portal.models.wbs import WbsHandler
from staff import PASSWORD, ROLE_EMAILS
from wbs_helpers import HANDLER_A, HANDLER_B, TIP, form_post, submit_api, tip_id_for, tip_ids_in_queue
from wbs_helpers import team  # noqa: F401  (fixture)

NEW = "kata sandi baru yang panjang sekali 2027"
RESET = "kata sandi awal dari admin 2028 panjang"


def _handler_row(app, user_id):
    with app.app_context():
        row = db.session.get(WbsHandler, user_id)
        return (bytes(row.wrapped_private_key) if row.wrapped_private_key else None), row.key_id


def test_password_change_rewraps_the_private_key(app, team):
    tip_id = tip_id_for(app, submit_api(app.test_client()))
    client = team.login(HANDLER_A)
    user_id = team.user_id(HANDLER_A)
    old_blob, key_id = _handler_row(app, user_id)
    changed = form_post(client, "/kantor/akun/sandi", "/kantor/akun/sandi",
                        {"current": PASSWORD, "new": NEW, "confirm": NEW})
    assert changed.status_code == 200, changed.get_data(as_text=True)[:1000]
    new_blob, same_key_id = _handler_row(app, user_id)
    assert same_key_id == key_id and new_blob != old_blob
    with pytest.raises(DecryptionError):
        envelope.unwrap_private_key(new_blob, PASSWORD)
    envelope.unwrap_private_key(new_blob, NEW)
    # Still reads in this session, and after signing in again with the new password.
    assert TIP["who"] in client.get(f"/kantor/wbs/{tip_id}").get_data(as_text=True)
    again = team.login(HANDLER_A, password=NEW)
    assert TIP["who"] in again.get(f"/kantor/wbs/{tip_id}").get_data(as_text=True)


def _admin_reset(team, email):
    admin = team.login(ROLE_EMAILS["admin"])
    uid = team.user_id(email)
    response = form_post(admin, f"/kantor/admin/pengguna/{uid}", f"/kantor/admin/pengguna/{uid}/sandi",
                         {"password": RESET, "confirm": RESET})
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:500]
    return admin


def test_forgotten_password_new_key_pair_then_regrant_by_handler_and_by_recovery_key(app, team):
    tip_id = tip_id_for(app, submit_api(app.test_client()))
    user_id = team.user_id(HANDLER_A)
    _, old_key_id = _handler_row(app, user_id)

    admin = _admin_reset(team, HANDLER_A)
    assert _handler_row(app, user_id) == (None, None)  # the old key pair is destroyed
    # The admin, who chose the new password, still reads nothing.
    assert admin.get(f"/kantor/wbs/{tip_id}").status_code == 403

    handler = team.login(HANDLER_A, password=RESET)
    _, new_key_id = _handler_row(app, user_id)
    assert new_key_id and new_key_id != old_key_id
    assert handler.get(f"/kantor/wbs/{tip_id}").status_code == 403
    assert tip_ids_in_queue(handler) == set()
    team_page = admin.get("/kantor/wbs/tim").get_data(as_text=True)
    assert "tanpa akses" in team_page

    # Re-grant by another handler.
    other = team.login(HANDLER_B)
    assert form_post(other, "/kantor/wbs/tim", f"/kantor/wbs/tim/{user_id}/akses", {}).status_code == 303
    assert TIP["who"] in handler.get(f"/kantor/wbs/{tip_id}").get_data(as_text=True)

    # Forgotten again; this time the head of office pastes the recovery key (used once, not stored).
    admin = _admin_reset(team, HANDLER_A)
    handler = team.login(HANDLER_A, password=RESET)
    assert handler.get(f"/kantor/wbs/{tip_id}").status_code == 403
    wrong = form_post(admin, "/kantor/wbs/tim", f"/kantor/wbs/tim/{user_id}/pemulihan",
                      {"recovery_key": team.recovery_key[:-4] + "AAAA"}, follow_redirects=True)
    assert "tidak valid" in wrong.get_data(as_text=True)
    assert handler.get(f"/kantor/wbs/{tip_id}").status_code == 403
    granted = form_post(admin, "/kantor/wbs/tim", f"/kantor/wbs/tim/{user_id}/pemulihan",
                        {"recovery_key": team.recovery_key.lower().replace("-", " ")}, follow_redirects=True)
    assert "kunci pemulihan untuk 1 laporan" in granted.get_data(as_text=True)
    assert TIP["who"] in handler.get(f"/kantor/wbs/{tip_id}").get_data(as_text=True)
    with app.app_context():
        from portal.models import AuditEntry

        actions = db.session.scalars(select(AuditEntry.action)).all()
    assert {"wbs_key_destroyed", "wbs_key_created", "wbs_grant", "password_reset"} <= set(actions)
