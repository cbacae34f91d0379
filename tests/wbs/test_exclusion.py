"""Conflict of interest: a handler named in a tip is excluded from it — their sealed copy is
destroyed, the tip disappears from their queue and pages, grants never give it back, audited."""
from __future__ import annotations

from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEntry
from wbs_helpers import HANDLER_A, HANDLER_B, LATE_HANDLER, form_post, sealed_copies, submit_api, tip_id_for, tip_ids_in_queue
from wbs_helpers import team  # noqa: F401  (fixture)


def test_exclusion(app, team):
    tip_id = tip_id_for(app, submit_api(app.test_client(), who="Handler Satu, anggota Tim WBS sendiri"))
    other_tip = tip_id_for(app, submit_api(app.test_client()))
    a, b = team.login(HANDLER_A), team.login(HANDLER_B)
    a_id = team.user_id(HANDLER_A)
    assert tip_id in tip_ids_in_queue(a)

    response = form_post(b, f"/kantor/wbs/{tip_id}", f"/kantor/wbs/{tip_id}/kecualikan", {"user_id": str(a_id)})
    assert response.status_code == 303
    assert a.get(f"/kantor/wbs/{tip_id}").status_code == 404  # invisible, not merely refused
    assert tip_ids_in_queue(a) == {other_tip}
    assert all(uid != a_id for holder, uid, _ in sealed_copies(app, tip_id) if holder == "handler")
    page = b.get(f"/kantor/wbs/{tip_id}").get_data(as_text=True)
    assert "Dikecualikan:" in page
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "wbs_exclude"))
        assert entry.case_ref == str(tip_id) and entry.channel == "wbs" and entry.actor_id == team.user_id(HANDLER_B)

    # A grant to A (e.g. after a password reset) never brings the excluded tip back.
    from portal.whistle import keys

    with app.app_context():
        count = keys.grant_from_recovery(team.recovery_key, a_id, None)
    assert count == 0
    assert a.get(f"/kantor/wbs/{tip_id}").status_code == 404

    # A newly appointed handler granted by B gets the tip (they are not excluded).
    team.accounts.create(LATE_HANDLER, {"wbs"})
    team.appoint(LATE_HANDLER)
    late = team.login(LATE_HANDLER)
    form_post(b, "/kantor/wbs/tim", f"/kantor/wbs/tim/{team.user_id(LATE_HANDLER)}/akses", {})
    assert tip_ids_in_queue(late) == {tip_id, other_tip}


def test_self_recusal(app, team):
    tip_id = tip_id_for(app, submit_api(app.test_client()))
    a = team.login(HANDLER_A)
    response = form_post(a, f"/kantor/wbs/{tip_id}", f"/kantor/wbs/{tip_id}/kecualikan",
                         {"user_id": str(team.user_id(HANDLER_A))})
    assert response.status_code == 303 and response.headers["Location"].endswith("/kantor/wbs")
    assert a.get(f"/kantor/wbs/{tip_id}").status_code == 404
