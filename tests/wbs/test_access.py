"""Promise 1 by access control AND cryptography: only handlers holding a sealed copy read a tip.

The complaint handler, the leader and the admin are refused (403) and their pages carry no word of
the tip; a WBS handler appointed after the tip, signed in (so with a key pair) but not yet granted,
sees no content, and the tip's sealed copies do not open with their private key. After a grant by
an appointed handler they read it.
"""
from __future__ import annotations

import pytest

from portal.crypto import envelope
from portal.crypto.envelope import DecryptionError
from portal.whistle.keys import data_key_aad
from staff import ROLE_EMAILS
from wbs_helpers import (HANDLER_A, TIP, form_post, private_key_of, sealed_copies, submit_api, tip_id_for,
                         tip_ids_in_queue)
from wbs_helpers import team  # noqa: F401  (fixture)

SECRET = "Operator SIAK mencetak KTP-el"
LATE = "wbs.baru@serangkab.go.id"


@pytest.mark.parametrize("role", ["complaints", "leader", "admin", "gratification"])
def test_other_roles_read_nothing(app, team, role):
    receipt = submit_api(app.test_client())
    tip_id = tip_id_for(app, receipt)
    client = team.login(ROLE_EMAILS[role])
    for url in (f"/kantor/wbs/{tip_id}", "/kantor/wbs", f"/kantor/wbs/{tip_id}/lampiran/1"):
        response = client.get(url)
        assert response.status_code == 403, (role, url)
        assert SECRET not in response.get_data(as_text=True)
    dashboard = client.get("/kantor/").get_data(as_text=True)
    assert SECRET not in dashboard
    # Nor can they act on it.
    token_page = "/kantor/akun/sandi"
    assert form_post(client, token_page, f"/kantor/wbs/{tip_id}/pesan", {"body": "x"}).status_code == 403
    assert form_post(client, token_page, f"/kantor/wbs/{tip_id}/kecualikan", {"user_id": "1"}).status_code == 403


def test_handler_appointed_later_reads_nothing_until_granted(app, team):
    receipt = submit_api(app.test_client())
    tip_id = tip_id_for(app, receipt)
    team.accounts.create(LATE, {"wbs"}, name="Handler Baru")
    team.appoint(LATE)
    newcomer = team.login(LATE)  # the key pair is created at this sign-in

    response = newcomer.get(f"/kantor/wbs/{tip_id}")
    assert response.status_code == 403
    assert SECRET not in response.get_data(as_text=True)
    assert tip_id not in tip_ids_in_queue(newcomer)
    # Cryptographically: no copy of the tip's data key opens with the newcomer's private key.
    private = private_key_of(app, LATE)
    copies = sealed_copies(app, tip_id)
    assert {holder for holder, _, _ in copies} == {"handler", "recovery", "receipt"}
    for holder, _uid, wrapped in copies:
        with pytest.raises(DecryptionError):
            if holder == "receipt":
                envelope.unwrap_with_key(private, wrapped, b"wbs/v1/tip/%d/receipt" % tip_id)
            else:
                envelope.open_sealed(wrapped, private, data_key_aad(tip_id))

    # Handler A grants access with their own unlocked key.
    granter = team.login(HANDLER_A)
    granted = form_post(granter, "/kantor/wbs/tim", f"/kantor/wbs/tim/{team.user_id(LATE)}/akses", {})
    assert granted.status_code == 303
    assert "1 laporan" in granter.get("/kantor/wbs/tim").get_data(as_text=True)
    page = newcomer.get(f"/kantor/wbs/{tip_id}")
    assert page.status_code == 200 and SECRET in page.get_data(as_text=True)
    assert tip_id in tip_ids_in_queue(newcomer)


def test_unappointed_wbs_account_holds_no_key(app, team):
    """The role alone is not enough: without an SK appointment no key pair, no sealed copy."""
    team.accounts.create(LATE, {"wbs"})
    client = team.login(LATE)
    receipt = submit_api(app.test_client())
    tip_id = tip_id_for(app, receipt)
    assert client.get(f"/kantor/wbs/{tip_id}").status_code == 403
    assert {uid for holder, uid, _ in sealed_copies(app, tip_id) if holder == "handler"} == {
        team.user_id(HANDLER_A), team.user_id("wbs.dua@serangkab.go.id")}
    assert "belum diangkat" in client.get("/kantor/wbs").get_data(as_text=True)


def test_revoked_handler_loses_every_key(app, team):
    receipt = submit_api(app.test_client())
    tip_id = tip_id_for(app, receipt)
    handler = team.login(HANDLER_A)
    assert handler.get(f"/kantor/wbs/{tip_id}").status_code == 200
    admin = team.login(ROLE_EMAILS["admin"])
    revoked = form_post(admin, "/kantor/wbs/tim", f"/kantor/wbs/tim/{team.user_id(HANDLER_A)}/cabut", {"confirm": "yes"})
    assert revoked.status_code == 303
    # Even the session that was already open reads nothing now.
    response = handler.get(f"/kantor/wbs/{tip_id}")
    assert response.status_code == 403 and TIP["who"] not in response.get_data(as_text=True)
    assert all(uid != team.user_id(HANDLER_A) for _, uid, _ in sealed_copies(app, tip_id))
    # New tips are no longer sealed for them either.
    tip2 = tip_id_for(app, submit_api(app.test_client()))
    assert all(uid != team.user_id(HANDLER_A) for _, uid, _ in sealed_copies(app, tip2))
