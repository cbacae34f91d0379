"""Promise 1 and 3: the plaintext of a tip never touches disk, a log or a mail.

A unique canary string goes into the 4W1H fields, the contact, a whistleblower message (page and
API), a handler reply, and two attachments (a PNG whose pixels, text chunk and file name carry it,
and a PDF whose page text, author and file name carry it). The handler really reads it back (so
the search below would find it if it were stored in clear); then every file the portal wrote —
database (and WAL), instance/, the encrypted store, new files in the system temp dir — the
captured log, the captured SMTP mail and, on PostgreSQL, a pg_dump of the schema are searched for
the canary in UTF-8, UTF-16, hex and base64: zero hits.
"""
from __future__ import annotations

import io
import logging
import re
import secrets
import time

from wbs_helpers import (HANDLER_A, TIP, build_team, form_post, hits_in_bytes, needle_forms, pdf_with_text, pg_dump,
                         png_with_text, search_tree, temp_snapshot)


def _receipt_from(html: str) -> str:
    match = re.search(r'id="nomor-resi">([0-9 ]+)<', html)
    assert match, html[:2000]
    return match.group(1)


def test_canary_is_nowhere_on_disk_in_logs_or_mail(app_factory, smtp_server, tmp_path, tmp_path_factory, caplog):
    caplog.set_level(logging.DEBUG)
    canary = "KANARI" + secrets.token_hex(8)
    forms = needle_forms(canary)
    started = time.time()
    before = temp_snapshot(tmp_path_factory.getbasetemp())

    app = app_factory(MAIL_PORT=smtp_server.port)
    team = build_team(app)
    citizen = app.test_client()

    # The HTML form, with both attachments.
    response = form_post(citizen, "/wbs/kirim", "/wbs/kirim", {
        **TIP,
        "what": f"{TIP['what']} Kode {canary}.",
        "who": f"Pegawai {canary}",
        "how": f"Lewat perantara {canary}",
        "contact": f"Sinyal {canary}",
        "website": "",
        "files": [(io.BytesIO(png_with_text(canary)), f"foto-{canary}.png"),
                  (io.BytesIO(pdf_with_text(canary)), f"dokumen-{canary}.pdf")],
    }, content_type="multipart/form-data")
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    receipt = _receipt_from(response.get_data(as_text=True))

    # Whistleblower messages: page and API.
    reply = form_post(citizen, "/wbs/kotak", "/wbs/kotak/pesan", {"receipt": receipt, "body": f"Tambahan {canary}"})
    assert reply.status_code == 200
    api = app.test_client().post("/api/v1/wbs/tips/me/messages", json={"body": f"Lewat API {canary}"},
                                 headers={"X-Receipt": receipt})
    assert api.status_code == 201

    # The handler reads everything back (positive control) and answers.
    handler = team.login(HANDLER_A)
    queue = handler.get("/kantor/wbs").get_data(as_text=True)
    tip_id = int(re.search(r"WBS-(\d+)", queue).group(1))
    page = handler.get(f"/kantor/wbs/{tip_id}").get_data(as_text=True)
    assert page.count(canary) >= 6, page  # what, who, how, contact, two messages, file names
    downloads = re.findall(rf"/kantor/wbs/{tip_id}/lampiran/(\d+)", page)
    assert len(downloads) == 2
    pdf = handler.get(f"/kantor/wbs/{tip_id}/lampiran/{downloads[1]}")
    assert pdf.status_code == 200 and canary.encode() in pdf.data  # page text survives stripping
    png = handler.get(f"/kantor/wbs/{tip_id}/lampiran/{downloads[0]}")
    assert png.status_code == 200 and png.data.startswith(b"\x89PNG")
    answer = form_post(handler, f"/kantor/wbs/{tip_id}", f"/kantor/wbs/{tip_id}/pesan",
                       {"body": f"Terima kasih, mohon bukti {canary}"})
    assert answer.status_code == 303
    mailbox = form_post(citizen, "/wbs/kotak", "/wbs/kotak", {"receipt": receipt}).get_data(as_text=True)
    assert f"Terima kasih, mohon bukti {canary}" in mailbox
    again = form_post(citizen, "/wbs/kotak", "/wbs/kotak/pesan", {"receipt": receipt, "body": f"Sudah {canary}"})
    assert again.status_code == 200

    # Handlers are told that something waits, by real SMTP.
    from portal.whistle import retention

    with app.app_context():
        assert retention.notify_handlers() == 2
    deadline = time.time() + 10
    while len(smtp_server.messages) < 2 and time.time() < deadline:
        time.sleep(0.05)
    assert len(smtp_server.messages) == 2
    for envelope in smtp_server.messages:
        assert b"Ada laporan WBS baru / pesan baru yang menunggu" in envelope.content
        assert b"suap" not in envelope.content.lower()  # not even the category

    # Now search everything.
    with app.app_context():
        from portal.extensions import db

        db.session.remove()
    on_disk = search_tree(tmp_path, forms)
    assert on_disk == {}, f"plaintext on disk: {on_disk}"
    after = temp_snapshot(tmp_path_factory.getbasetemp())
    new_temp = [path for path, mtime in after.items() if path not in before or mtime >= started]
    assert search_tree(None, forms, files=new_temp) == {}, "plaintext in a temp file"
    assert hits_in_bytes(caplog.text.encode(), forms) == [], "plaintext in the log"
    for envelope in smtp_server.messages:
        assert hits_in_bytes(envelope.content, forms) == [], "plaintext in a mail"
    dump = pg_dump(app)
    if dump is not None:
        assert b"wbs_tips" in dump
        assert hits_in_bytes(dump, forms) == [], "plaintext in the PostgreSQL dump"
    # The receipt is not stored either (promise 2).
    digits = receipt.replace(" ", "")
    receipt_forms = needle_forms(digits) + [receipt.encode()]
    assert search_tree(tmp_path, receipt_forms) == {}
    if dump is not None:
        assert hits_in_bytes(dump, receipt_forms) == []


def test_the_search_would_find_a_plaintext_canary(tmp_path):
    """The detector itself: a file holding the canary in any of the searched forms is found."""
    import base64

    canary = "KANARI" + secrets.token_hex(8)
    forms = needle_forms(canary)
    for i, data in enumerate([canary.encode(), canary.encode("utf-16-le"), base64.b64encode(b"ab" + canary.encode()),
                              b"\\x" + canary.encode().hex().encode()]):
        (tmp_path / f"f{i}").write_bytes(b"prefix " + data + b" suffix")
    assert len(search_tree(tmp_path, forms)) == 4
