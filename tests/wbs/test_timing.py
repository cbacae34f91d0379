"""Promise 4, last clause: nothing anyone outside the case can see orders a whistleblower's
actions in time — encrypted files keep only the day, and message/attachment ids come from no
shared counter, so the timed audit rows of handler replies do not bracket a whistleblower's
message. The conversation still reads in the order it was written."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEntry
from portal.models.wbs import WbsAttachment, WbsMessage
from wbs_helpers import HANDLER_A, form_post, png_with_text, submit_api, tip_id_for
from wbs_helpers import team  # noqa: F401  (fixture)


def test_files_keep_only_the_day_and_ids_do_not_bracket_messages(app, team):
    client = app.test_client()
    response = client.post("/api/v1/wbs/tips", data={
        "what": "Pungutan liar di loket tiga setiap pagi, bukti foto terlampir di berkas ini.",
        "category": "suap-pungli", "files": (__import__("io").BytesIO(png_with_text("bukti foto")), "bukti.png")},
        content_type="multipart/form-data")
    assert response.status_code == 201, response.get_data(as_text=True)
    receipt = response.get_json()["receipt"]
    tip_id = tip_id_for(app, receipt)
    store = Path(app.instance_path) / "wbs"
    paths = [p for p in store.rglob("*")]
    assert paths
    for path in paths:
        assert path.stat().st_mtime % 86400 == 0, path  # midnight UTC: the day, nothing finer

    handler = team.login(HANDLER_A)
    case = f"/kantor/wbs/{tip_id}"
    bodies = ["Balasan pertama dari tim", "Pesan kedua dari pelapor", "Balasan ketiga dari tim",
              "Pesan keempat dari pelapor", "Balasan kelima dari tim"]
    for i, body in enumerate(bodies):
        if i % 2 == 0:
            assert form_post(handler, case, f"{case}/pesan", {"body": body}).status_code == 303
        else:
            sent = client.post("/api/v1/wbs/tips/me/messages", json={"body": body}, headers={"X-Receipt": receipt})
            assert sent.status_code == 201
    with app.app_context():
        rows = db.session.execute(select(WbsMessage.id, WbsMessage.author).where(WbsMessage.tip_id == tip_id)).all()
        audited = db.session.scalars(select(AuditEntry.detail).where(AuditEntry.action == "wbs_message")).all()
        attachment_ids = db.session.scalars(select(WbsAttachment.id)).all()
    # Audit rows of replies name no message, and the ids do not follow the order of writing.
    assert all("message_id" not in (detail or "") for detail in audited)
    in_written_order = [mid for mid, _ in sorted(rows, key=lambda r: bodies.index(_body_of(app, team, tip_id, r[0])))]
    assert in_written_order != list(range(in_written_order[0], in_written_order[0] + len(bodies)))
    assert min(mid for mid, _ in rows) > 1000 and min(attachment_ids) > 1000  # not a counter from 1
    # The conversation reads in the order written, on both sides.
    page = handler.get(case).get_data(as_text=True)
    positions = [page.index(body) for body in bodies]
    assert positions == sorted(positions)
    mailbox = client.get("/api/v1/wbs/tips/me", headers={"X-Receipt": receipt}).get_json()
    assert [m["body"] for m in mailbox["messages"]] == bodies


def _body_of(app, team, tip_id, message_id):
    from portal.models.wbs import WbsTip
    from portal.whistle import services
    from wbs_helpers import private_key_of

    with app.app_context():
        from portal.whistle.keys import handler_data_key

        key = handler_data_key(tip_id, team.user_id(HANDLER_A), private_key_of(app, HANDLER_A))
        tip = db.session.get(WbsTip, tip_id)
        return next(m.body.value for m in services.view(tip, key).messages if m.id == message_id)
