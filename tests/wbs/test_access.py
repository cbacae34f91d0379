"""Promise 1 by access control AND cryptography: only handlers holding a sealed copy read a tip.

The complaint handler, the leader and the admin are refused (403) and their pages carry no word of
the tip; an account with the role but no SK holds no key; a revoked handler loses every key.
(Newcomers, endorsement and grants: test_endorsement.py.)
"""
from __future__ import annotations

import pytest

from staff import ROLE_EMAILS
from wbs_helpers import HANDLER_A, TIP, form_post, sealed_copies, submit_api, tip_id_for
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
