"""Conflict of interest without burial: excluding another handler takes a second handler's
confirmation (then their sealed copy is destroyed, the tip disappears from their queue and grants
never give it back, audited); stepping aside oneself is immediate; the recovery key's copy stays
while the tip exists, so the head of office can restore any tip — closed or excluded — on purpose."""
from __future__ import annotations

from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEntry
from wbs_helpers import (HANDLER_A, HANDLER_B, LATE_HANDLER, TIP, form_post, sealed_copies, submit_api, tip_id_for,
                         tip_ids_in_queue)
from wbs_helpers import team  # noqa: F401  (fixture)


def _third_handler(team):
    team.accounts.create(LATE_HANDLER, {"wbs"}, name="Handler Tiga")
    team.appoint(LATE_HANDLER)
    team.choose_password(LATE_HANDLER)
    team.endorse(LATE_HANDLER)
    return team.login(LATE_HANDLER)


def _exclude(client, tip_id, user_id):
    return form_post(client, f"/kantor/wbs/{tip_id}", f"/kantor/wbs/{tip_id}/kecualikan", {"user_id": str(user_id)})


def _confirm(client, tip_id, user_id):
    return form_post(client, f"/kantor/wbs/{tip_id}", f"/kantor/wbs/{tip_id}/kecualikan/{user_id}/konfirmasi", {},
                     follow_redirects=True)


def test_exclusion_needs_a_second_handler(app, team):
    tip_id = tip_id_for(app, submit_api(app.test_client(), who="Handler Satu, anggota Tim WBS sendiri"))
    other_tip = tip_id_for(app, submit_api(app.test_client()))
    c = _third_handler(team)
    a, b = team.login(HANDLER_A), team.login(HANDLER_B)
    a_id = team.user_id(HANDLER_A)

    assert _exclude(b, tip_id, a_id).status_code == 303
    # B alone changed nothing: A still holds the copy and reads the tip.
    assert a.get(f"/kantor/wbs/{tip_id}").status_code == 200
    assert a_id in {uid for holder, uid, _ in sealed_copies(app, tip_id) if holder == "handler"}
    assert "menunggu konfirmasi" in b.get(f"/kantor/wbs/{tip_id}").get_data(as_text=True)
    # Neither the one who asked nor the one excluded can confirm.
    assert "harus dikonfirmasi oleh pengelola lain" in _confirm(b, tip_id, a_id).get_data(as_text=True)
    assert a.get(f"/kantor/wbs/{tip_id}").status_code == 200

    assert "Pengecualian dikonfirmasi" in _confirm(c, tip_id, a_id).get_data(as_text=True)
    assert a.get(f"/kantor/wbs/{tip_id}").status_code == 404  # invisible, not merely refused
    assert tip_ids_in_queue(a) == {other_tip}
    assert all(uid != a_id for holder, uid, _ in sealed_copies(app, tip_id) if holder == "handler")
    assert "Dikecualikan:" in b.get(f"/kantor/wbs/{tip_id}").get_data(as_text=True)
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "wbs_exclude"))
        assert entry.case_ref == str(tip_id) and entry.channel == "wbs" and entry.actor_id == team.user_id(LATE_HANDLER)

    # A grant to A (e.g. after a password reset) never brings the excluded tip back.
    from portal.whistle import keys

    with app.app_context():
        count = keys.grant_from_recovery(team.recovery_key, a_id, None)
    assert count == 0
    assert a.get(f"/kantor/wbs/{tip_id}").status_code == 404


def test_one_handler_cannot_bury_a_tip_and_the_recovery_key_restores_it(app, team):
    tip_id = tip_id_for(app, submit_api(app.test_client()))
    c = _third_handler(team)
    a, b = team.login(HANDLER_A), team.login(HANDLER_B)
    b_id = team.user_id(HANDLER_B)
    # A tries: exclude B, close the tip, step aside. B still holds the tip.
    assert _exclude(a, tip_id, b_id).status_code == 303
    case = f"/kantor/wbs/{tip_id}"
    assert form_post(a, case, f"{case}/status", {"status": "closed", "reason": "Tidak cukup bukti"}).status_code == 303
    assert _exclude(a, tip_id, team.user_id(HANDLER_A)).status_code == 303
    assert TIP["who"] in b.get(case).get_data(as_text=True)
    holders = {holder for holder, _, _ in sealed_copies(app, tip_id)}
    assert "recovery" in holders

    # Even once B is excluded for real (with a second handler), the recovery key gives it back.
    assert "Pengecualian dikonfirmasi" in _confirm(c, tip_id, b_id).get_data(as_text=True)
    assert b.get(case).status_code == 404
    runner = app.test_cli_runner()
    wrong = runner.invoke(args=["wbs", "restore", "--tip", str(tip_id), "--email", HANDLER_B, "--recovery-key-stdin"],
                          input="AAAA-" * 15 + "AAAA\n")
    assert wrong.exit_code != 0 and b.get(case).status_code == 404
    result = runner.invoke(args=["wbs", "restore", "--tip", str(tip_id), "--email", HANDLER_B,
                                 "--recovery-key-stdin"], input=team.recovery_key + "\n")
    assert result.exit_code == 0, result.output
    assert f"WBS-{tip_id}" in result.output
    assert TIP["who"] in b.get(case).get_data(as_text=True)  # closed and once excluded: readable again
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "wbs_restore"))
        assert entry.case_ref == str(tip_id)


def test_self_recusal(app, team):
    tip_id = tip_id_for(app, submit_api(app.test_client()))
    a = team.login(HANDLER_A)
    response = _exclude(a, tip_id, team.user_id(HANDLER_A))
    assert response.status_code == 303 and response.headers["Location"].endswith("/kantor/wbs")
    assert a.get(f"/kantor/wbs/{tip_id}").status_code == 404


def test_in_a_team_of_two_the_head_of_office_decides_an_exclusion(app, team):
    tip_id = tip_id_for(app, submit_api(app.test_client()))
    a, b = team.login(HANDLER_A), team.login(HANDLER_B)
    a_id = team.user_id(HANDLER_A)
    assert _exclude(b, tip_id, a_id).status_code == 303
    assert a.get(f"/kantor/wbs/{tip_id}").status_code == 200  # nobody else to confirm yet
    runner = app.test_cli_runner()
    args = ["wbs", "exclude", "--tip", str(tip_id), "--email", HANDLER_A, "--recovery-key-stdin"]
    refused = runner.invoke(args=args, input="not a key\n")
    assert refused.exit_code != 0 and a.get(f"/kantor/wbs/{tip_id}").status_code == 200
    result = runner.invoke(args=args, input=team.recovery_key + "\n")
    assert result.exit_code == 0, result.output
    assert a.get(f"/kantor/wbs/{tip_id}").status_code == 404
    assert {holder for holder, _, _ in sealed_copies(app, tip_id)} == {"handler", "recovery", "receipt"}
    # The team page shows the pinned recovery key's fingerprint, as printed for the envelope.
    from portal.whistle import keys

    with app.app_context():
        fingerprint = keys.recovery_fingerprint()
    assert fingerprint and fingerprint in b.get("/kantor/wbs/tim").get_data(as_text=True)
