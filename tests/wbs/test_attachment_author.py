"""The author of a WBS attachment (reporter or handler) is bound in its ciphertext's associated data:
swapping the column on a stored row is detected, and rows sealed before the binding stay readable."""
from __future__ import annotations

import io
import json

from sqlalchemy import select, update

from portal.crypto import envelope
from portal.extensions import db
from portal.models.wbs import WbsAttachment
from portal.whistle import services
from wbs_helpers import HANDLER_A, png_with_text, submit_api, tip_id_for
from wbs_helpers import team  # noqa: F401  (fixture)


def _reporter_file(app, client) -> tuple[str, int, int]:
    receipt = submit_api(client)
    response = client.post("/api/v1/wbs/tips/me/files", headers={"X-Receipt": receipt},
                           data={"files": [(io.BytesIO(png_with_text("bukti")), "rekaman.png")]},
                           content_type="multipart/form-data")
    assert response.status_code == 201
    tip_id = tip_id_for(app, receipt)
    with app.app_context():
        item = db.session.scalar(select(WbsAttachment).where(WbsAttachment.tip_id == tip_id))
        assert item.author == services.REPORTER
        return receipt, tip_id, item.id


def _set_author(app, attachment_id: int, author: str) -> None:
    with app.app_context():
        db.session.execute(update(WbsAttachment).where(WbsAttachment.id == attachment_id).values(author=author))
        db.session.commit()


def test_swapping_the_author_of_a_stored_attachment_is_detected(app, team):
    client = app.test_client()
    receipt, tip_id, attachment_id = _reporter_file(app, client)
    handler = team.login(HANDLER_A)
    url = f"/kantor/wbs/{tip_id}/lampiran/{attachment_id}"
    assert handler.get(url).status_code == 200

    # Someone who can write to the database makes the whistleblower's evidence look like the office's own.
    _set_author(app, attachment_id, services.HANDLER)

    download = handler.get(url)
    assert download.status_code == 409 and "tidak utuh" in download.get_data(as_text=True)
    listed = client.get("/api/v1/wbs/tips/me", headers={"X-Receipt": receipt}).get_json()["attachments"]
    assert [f["intact"] for f in listed] == [False]

    _set_author(app, attachment_id, services.REPORTER)
    assert handler.get(url).status_code == 200


def test_attachment_sealed_before_the_author_was_bound_still_opens(app, team):
    client = app.test_client()
    receipt, tip_id, attachment_id = _reporter_file(app, client)
    with app.test_request_context():
        data_key = services.lookup(receipt).data_key
        item = db.session.get(WbsAttachment, attachment_id)
        meta = json.dumps({"name": "rekaman.png", "type": "image/png", "size": 1}).encode()
        # The v1 associated data: tip and storage name only.
        item.meta_ct = envelope.encrypt(data_key, meta, services.meta_aad(tip_id, item.storage_name))
        db.session.commit()
    handler = team.login(HANDLER_A)
    assert handler.get(f"/kantor/wbs/{tip_id}/lampiran/{attachment_id}").status_code == 200
