"""Retention: tips in a terminal status for longer than WBS_RETENTION_DAYS are purged with every
wrapped key, message, history line and encrypted file; open and recently closed tips stay."""
from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select, update

from portal.extensions import db
from portal.models import AuditEntry
from portal.models.wbs import WbsAttachment, WbsEvent, WbsMessage, WbsTip, WbsTipKey
from portal.templating import local_today
from wbs_helpers import HANDLER_A, form_post, pdf_with_text, submit_api, tip_id_for
from wbs_helpers import team  # noqa: F401  (fixture)


def test_purge_removes_tip_files_and_keys(app, team):
    app.config["WBS_RETENTION_DAYS"] = 365
    citizen = app.test_client()
    receipts = [submit_api(citizen) for _ in range(3)]
    old, recent, still_open = [tip_id_for(app, r) for r in receipts]
    form_post(citizen, "/wbs/kotak", "/wbs/kotak/bukti", {"receipt": receipts[0],
              "files": [(io.BytesIO(pdf_with_text("bukti")), "bukti.pdf")]}, content_type="multipart/form-data")
    form_post(citizen, "/wbs/kotak", "/wbs/kotak/pesan", {"receipt": receipts[0], "body": "pesan"})
    handler = team.login(HANDLER_A)
    for tip_id in (old, recent):
        response = form_post(handler, f"/kantor/wbs/{tip_id}", f"/kantor/wbs/{tip_id}/status",
                             {"status": "closed", "reason": "Tidak memenuhi 4W1H"})
        assert response.status_code == 303
    with app.app_context():
        db.session.execute(update(WbsTip).where(WbsTip.id == old)
                           .values(closed_on=local_today() - timedelta(days=366)))
        db.session.commit()
        name = db.session.scalar(select(WbsAttachment.storage_name).where(WbsAttachment.tip_id == old))
    stored = Path(app.instance_path) / "wbs" / name[:2] / name
    assert stored.exists()

    result = app.test_cli_runner().invoke(args=["wbs", "purge"])
    assert result.exit_code == 0 and "dihapus: 1 laporan" in result.output, result.output

    with app.app_context():
        assert db.session.get(WbsTip, old) is None
        for model in (WbsTipKey, WbsMessage, WbsAttachment, WbsEvent):
            assert db.session.scalar(select(func.count()).select_from(model).where(model.tip_id == old)) == 0
        assert {db.session.get(WbsTip, recent).id, db.session.get(WbsTip, still_open).id} == {recent, still_open}
        assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "case_purge")).case_ref == str(old)
    assert not stored.exists()
    assert app.test_client().get("/api/v1/wbs/tips/me", headers={"X-Receipt": receipts[0]}).status_code == 404
    assert app.test_client().get("/api/v1/wbs/tips/me", headers={"X-Receipt": receipts[1]}).status_code == 200
