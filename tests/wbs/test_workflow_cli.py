"""WBS workflow (DOMAIN.md §3) in the case page, the CLI group, notifications, demo data."""
from __future__ import annotations

import re

from sqlalchemy import select

from portal.crypto import envelope
from portal.extensions import db
from portal.models.wbs import WbsEvent, WbsRecoveryKey, WbsTip
from portal.workflow import WBS
from staff import ROLE_EMAILS
from wbs_helpers import HANDLER_A, LATE_HANDLER, form_post, hits_in_bytes, needle_forms, search_tree, submit_api, tip_id_for
from wbs_helpers import team  # noqa: F401  (fixture)


def test_workflow_table():
    assert WBS.initial == "received"
    assert WBS.allowed("received", "telaah") and WBS.allowed("telaah", "forwarded_kpk")
    assert not WBS.allowed("received", "done")
    for code in ("closed", "need_info", "forwarded_inspektorat", "forwarded_aph", "forwarded_kpk"):
        assert code in WBS.reason_required
    assert all(st.sla_basis for st in WBS.statuses.values() if st.sla_days)
    assert {c for c, st in WBS.statuses.items() if st.terminal} == {"closed", "done"}


def test_status_changes_on_the_case_page(app, team):
    tip_id = tip_id_for(app, submit_api(app.test_client()))
    handler = team.login(HANDLER_A)
    case = f"/kantor/wbs/{tip_id}"
    refused = form_post(handler, case, f"{case}/status", {"status": "closed", "reason": ""}, follow_redirects=True)
    assert "wajib disertai alasan" in refused.get_data(as_text=True)
    skipped = form_post(handler, case, f"{case}/status", {"status": "done"}, follow_redirects=True)
    assert "tidak diizinkan" in skipped.get_data(as_text=True)
    for status, reason in (("telaah", ""), ("forwarded_inspektorat", "Melibatkan Kepala Dinas"),
                           ("recommendation", ""), ("follow_up", ""), ("done", "")):
        assert form_post(handler, case, f"{case}/status", {"status": status, "reason": reason}).status_code == 303
    page = handler.get(case).get_data(as_text=True)
    assert "Melibatkan Kepala Dinas" in page and "Selesai" in page
    with app.app_context():
        tip = db.session.get(WbsTip, tip_id)
        assert tip.status == "done" and tip.closed_on is not None and tip.due_on is None
        reasons = [e.reason_ct for e in db.session.scalars(select(WbsEvent).where(WbsEvent.tip_id == tip_id))]
        assert all(b"Kepala Dinas" not in bytes(r) for r in reasons if r)
        from portal.models import AuditEntry

        views = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "case_view")).all()
        assert views and all(v.channel == "wbs" and v.case_ref == str(tip_id) for v in views)


def test_cli_recovery_key_appoint_and_notify(app, staff, smtp_server):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["wbs", "recovery-key"])
    assert first.exit_code == 0
    printed = re.search(r"^([A-Z2-7]{4}(?:-[A-Z2-7]{4}){15})$", first.output, re.M).group(1)
    again = runner.invoke(args=["wbs", "recovery-key"])
    assert again.exit_code != 0 and "--replace" in again.output
    with app.app_context():
        from portal.whistle import trust

        public = envelope.public_key(envelope.parse_recovery_key(printed))
        assert bytes(db.session.scalar(select(WbsRecoveryKey.public_key))) == public
        # The trust root is pinned outside the database, and its fingerprint shown once.
        assert trust.active_root().public == public
        assert trust.active_root().fingerprint in first.output
    from pathlib import Path

    assert search_tree(Path(app.instance_path), needle_forms(printed.replace("-", ""))) == {}

    refused = runner.invoke(args=["wbs", "appoint", "--sk-number", "1/SK/2026", "--sk-date", "2026-01-02",
                                  "--email", ROLE_EMAILS["complaints"]])
    assert refused.exit_code != 0 and "Pengelola WBS" in refused.output
    ok = runner.invoke(args=["wbs", "appoint", "--sk-number", "1/SK/2026", "--sk-date", "2026-01-02",
                             "--email", ROLE_EMAILS["wbs"]])
    assert ok.exit_code == 0 and "diangkat: " + ROLE_EMAILS["wbs"] in ok.output
    app.config["RATELIMIT_LOGIN"] = "10000 per minute"
    from wbs_helpers import Team

    team = Team(app, staff, printed)
    team.choose_password(ROLE_EMAILS["wbs"])  # the key pair is born when the handler picks a password
    team.endorse(ROLE_EMAILS["wbs"])  # the head of office vouches for it with the recovery key
    receipt = submit_api(app.test_client())
    with app.app_context():
        from portal.models.wbs import WbsTipKey

        holders = set(db.session.scalars(select(WbsTipKey.holder).where(WbsTipKey.tip_id == tip_id_for(app, receipt))))
    assert holders == {"handler", "recovery", "receipt"}
    assert receipt


def test_notify_says_only_that_something_waits(app_factory, smtp_server):
    from wbs_helpers import build_team

    app = app_factory(MAIL_PORT=smtp_server.port)
    build_team(app, all_roles=False)
    submit_api(app.test_client(), what="Rahasia sekali: pungutan liar di loket tiga setiap pagi hari.")
    result = app.test_cli_runner().invoke(args=["wbs", "notify"])
    assert result.exit_code == 0 and "notifikasi: 2" in result.output
    assert app.test_cli_runner().invoke(args=["wbs", "notify"]).output.strip() == "notifikasi: 0"
    assert len(smtp_server.messages) == 2
    for message in smtp_server.messages:
        assert b"Ada laporan WBS baru / pesan baru yang menunggu" in message.content
        assert hits_in_bytes(message.content, needle_forms("pungutan liar")) == []
        assert b"suap" not in message.content.lower() and b"WBS-" not in message.content


def test_dashboard_panel_and_team_page(app, team):
    submit_api(app.test_client())
    handler = team.login(HANDLER_A)
    dashboard = handler.get("/kantor/").get_data(as_text=True)
    assert "WBS" in dashboard and "/kantor/wbs" in dashboard
    team.accounts.create(LATE_HANDLER, {"wbs"})
    admin = team.login(ROLE_EMAILS["admin"])
    page = admin.get("/kantor/wbs/tim")
    assert page.status_code == 200 and "Catat SK" in page.get_data(as_text=True)
    appointed = form_post(admin, "/kantor/wbs/tim", "/kantor/wbs/tim/sk",
                          {"sk_number": "800/2/SK/2026", "sk_date": "2026-02-01",
                           "user_id": str(team.user_id(LATE_HANDLER))}, follow_redirects=True)
    assert "1 akun diangkat" in appointed.get_data(as_text=True)
    assert form_post(admin, "/kantor/wbs/tim", "/kantor/wbs/tim/sk", {"sk_number": "", "sk_date": "x"},
                     follow_redirects=True).status_code == 200


def test_demo_seed_stores_encrypted_tips(app):
    from portal import demo

    with app.app_context():
        counts = demo.seed(months=2, per_month=20, seed=7)
        assert counts["wbs"] == 4
        tips = db.session.scalars(select(WbsTip)).all()
        assert len(tips) == 4 and all(t.what_ct and b"KTP" not in bytes(t.what_ct) for t in tips)
