"""Tampering with one stored ciphertext byte is detected: a clear integrity message, never a 500
and never wrong text; the parts that still verify are shown."""
from __future__ import annotations

import io
from pathlib import Path

from sqlalchemy import select, update

from portal.extensions import db
from portal.models.wbs import WbsAttachment, WbsMessage, WbsTip, WbsTipKey
from wbs_helpers import HANDLER_A, TIP, form_post, pdf_with_text, submit_api, tip_id_for
from wbs_helpers import team  # noqa: F401  (fixture)


def _flip(blob: bytes, at: int = -5) -> bytes:
    data = bytearray(blob)
    data[at] ^= 0x01
    return bytes(data)


def _tamper_column(app, model, column: str, where) -> None:
    with app.app_context():
        value = db.session.scalar(select(getattr(model, column)).where(where))
        db.session.execute(update(model).where(where).values({column: _flip(bytes(value))}))
        db.session.commit()


def test_tampered_field_shows_integrity_error_not_wrong_text(app, team):
    receipt = submit_api(app.test_client())
    tip_id = tip_id_for(app, receipt)
    _tamper_column(app, WbsTip, "what_ct", WbsTip.id == tip_id)
    handler = team.login(HANDLER_A)
    page = handler.get(f"/kantor/wbs/{tip_id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Pemeriksaan keutuhan gagal" in html and "tidak utuh" in html
    assert TIP["what"][:30] not in html
    assert TIP["who"] in html  # the fields that verify are still shown


def test_tampered_message_and_file(app, team):
    citizen = app.test_client()
    receipt = submit_api(citizen)
    tip_id = tip_id_for(app, receipt)
    form_post(citizen, "/wbs/kotak", "/wbs/kotak/pesan", {"receipt": receipt, "body": "Pesan yang akan dirusak"})
    form_post(citizen, "/wbs/kotak", "/wbs/kotak/bukti", {"receipt": receipt,
              "files": [(io.BytesIO(pdf_with_text("bukti")), "bukti.pdf")]}, content_type="multipart/form-data")
    _tamper_column(app, WbsMessage, "body_ct", WbsMessage.tip_id == tip_id)
    with app.app_context():
        item = db.session.scalar(select(WbsAttachment).where(WbsAttachment.tip_id == tip_id))
        attachment_id, name = item.id, item.storage_name
    path = Path(app.instance_path) / "wbs" / name[:2] / name
    path.write_bytes(_flip(path.read_bytes(), at=100))

    mailbox = form_post(citizen, "/wbs/kotak", "/wbs/kotak", {"receipt": receipt})
    html = mailbox.get_data(as_text=True)
    assert mailbox.status_code == 200
    assert "gagal diperiksa keutuhannya" in html and "Pesan yang akan dirusak" not in html
    api = app.test_client().get("/api/v1/wbs/tips/me", headers={"X-Receipt": receipt}).get_json()
    assert api["messages"][0]["intact"] is False and api["messages"][0]["body"] is None

    handler = team.login(HANDLER_A)
    download = handler.get(f"/kantor/wbs/{tip_id}/lampiran/{attachment_id}")
    assert download.status_code == 409
    assert "tidak utuh" in download.get_data(as_text=True)
    # A truncated file is caught as well (no final chunk).
    path.write_bytes(path.read_bytes()[:-20])
    assert handler.get(f"/kantor/wbs/{tip_id}/lampiran/{attachment_id}").status_code == 409


def test_tampered_wrapped_keys(app, team):
    receipt = submit_api(app.test_client())
    tip_id = tip_id_for(app, receipt)
    _tamper_column(app, WbsTipKey, "wrapped", (WbsTipKey.tip_id == tip_id) & (WbsTipKey.holder == "receipt"))
    mailbox = form_post(app.test_client(), "/wbs/kotak", "/wbs/kotak", {"receipt": receipt})
    assert mailbox.status_code == 409 and "tidak utuh" in mailbox.get_data(as_text=True)
    api = app.test_client().get("/api/v1/wbs/tips/me", headers={"X-Receipt": receipt})
    assert api.status_code == 409

    _tamper_column(app, WbsTipKey, "wrapped", (WbsTipKey.tip_id == tip_id) & (WbsTipKey.user_id == team.user_id(HANDLER_A)))
    page = team.login(HANDLER_A).get(f"/kantor/wbs/{tip_id}")
    assert page.status_code == 409 and TIP["who"] not in page.get_data(as_text=True)
