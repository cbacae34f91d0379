"""Promise 2: the receipt is 16 digits shown once, found with ONE slow derivation, never stored in
clear, never in a URL or cookie; a wrong receipt gives 404 and the look-ups are rate-limited."""
from __future__ import annotations

import re
from pathlib import Path

from portal.crypto import envelope
from wbs_helpers import TIP, form_post, hits_in_bytes, needle_forms, pg_dump, search_tree, submit_api
from wbs_helpers import team  # noqa: F401  (fixture)

LIMITED = {"RATELIMIT_LOOKUP": "3 per minute"}


def test_receipt_shown_once_formatted_and_opens_the_mailbox(app, team):
    client = app.test_client()
    response = form_post(client, "/wbs/kirim", "/wbs/kirim", {**TIP, "website": ""})
    html = response.get_data(as_text=True)
    receipt = re.search(r'id="nomor-resi">(\d{4} \d{4} \d{4} \d{4})<', html).group(1)
    assert "tidak dapat dipulihkan" in html
    assert receipt.replace(" ", "") not in response.headers.get("Set-Cookie", "")
    # Typed with other separators it still opens; the receipt is sent only in the POST body.
    mailbox = form_post(client, "/wbs/kotak", "/wbs/kotak", {"receipt": receipt.replace(" ", "-")})
    assert mailbox.status_code == 200
    assert "Diterima" in mailbox.get_data(as_text=True)
    for action in re.findall(r'action="([^"]+)"', mailbox.get_data(as_text=True)):
        assert receipt.replace(" ", "") not in action
    assert receipt.replace(" ", "") not in mailbox.headers.get("Set-Cookie", "")
    with client.session_transaction() as session:
        assert all(receipt.replace(" ", "") not in str(v) for v in session.values())


def test_wrong_receipt_is_404_everywhere(app, team):
    submit_api(app.test_client())
    client = app.test_client()
    wrong = "0000 0000 0000 0000"
    page = form_post(client, "/wbs/kotak", "/wbs/kotak", {"receipt": wrong})
    assert page.status_code == 404 and "tidak dikenal" in page.get_data(as_text=True)
    assert form_post(client, "/wbs/kotak", "/wbs/kotak/pesan", {"receipt": wrong, "body": "x"}).status_code == 404
    for bad in (wrong, "12345", "abcd" * 4, ""):
        assert client.get("/api/v1/wbs/tips/me", headers={"X-Receipt": bad}).status_code == 404
        assert client.post("/api/v1/wbs/tips/me/messages", json={"body": "x"},
                           headers={"X-Receipt": bad}).status_code == 404


def test_receipt_lookups_are_rate_limited_page_and_api_together(app_factory):
    app = app_factory(**LIMITED)
    receipt = submit_api(app.test_client())
    client = app.test_client()
    assert form_post(client, "/wbs/kotak", "/wbs/kotak", {"receipt": "1" * 16}).status_code == 404
    assert client.get("/api/v1/wbs/tips/me", headers={"X-Receipt": "2" * 16}).status_code == 404
    assert client.get("/api/v1/wbs/tips/me", headers={"X-Receipt": receipt}).status_code == 200
    refused = client.get("/api/v1/wbs/tips/me", headers={"X-Receipt": receipt})
    assert refused.status_code == 429 and refused.get_json()["status"] == 429
    page = form_post(client, "/wbs/kotak", "/wbs/kotak", {"receipt": receipt})
    assert page.status_code == 429 and "Terlalu banyak" in page.get_data(as_text=True)


def test_lookup_is_one_derivation_and_receipt_not_stored(app, team, monkeypatch):
    from portal.whistle import services

    receipts = [submit_api(app.test_client()) for _ in range(5)]
    calls = []
    real = envelope.receipt_keys
    monkeypatch.setattr(services.envelope, "receipt_keys", lambda *a, **k: calls.append(1) or real(*a, **k))
    assert app.test_client().get("/api/v1/wbs/tips/me", headers={"X-Receipt": receipts[2]}).status_code == 200
    assert app.test_client().get("/api/v1/wbs/tips/me", headers={"X-Receipt": "9" * 16}).status_code == 404
    assert len(calls) == 2  # one derivation each, however many tips are stored
    monkeypatch.undo()

    instance = Path(app.instance_path)
    for receipt in receipts:
        forms = needle_forms(receipt) + [envelope.format_receipt(receipt).encode()]
        assert search_tree(instance, forms) == {}
        dump = pg_dump(app)
        if dump is not None:
            assert hits_in_bytes(dump, forms) == []


def test_receipt_parameters_are_the_slow_ones():
    """10^16 candidates x one Argon2id(t=3, 24 MiB) each: the brute-force bound of promise 2."""
    params = envelope.RECEIPT_KDF
    assert params.time_cost >= 3 and params.memory_kib >= 24 * 1024
    assert len(envelope.new_receipt()) == 16
