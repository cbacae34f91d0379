"""What an existing installation stored still opens, byte for byte.

fixtures/v1_formats.json was written by fixtures/make_v1_formats.py running the portal's own code at
commit 1fbf810, before the primitives moved into their homes under portal/crypto/. Every value
below was produced by that older code; the current code must open it, and where the old output was
deterministic (key ids, fingerprints, signatures, peppered hashes, receipt keys) produce the same bytes.
"""
from __future__ import annotations

import base64
import io
import json
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag
from flask import Flask

from portal import ratelimit
from portal.auth import passwords as auth_passwords
from portal.crypto import codes, envelope, hashing, keypairs, passwords, sessions, signing
from portal.crypto.appkey import KeyRing
from portal.whistle import trust

FIXTURE = json.loads((Path(__file__).parent / "fixtures" / "v1_formats.json").read_text())


def raw(text: str) -> bytes:
    return base64.b64decode(text)


@pytest.fixture()
def instance_app(tmp_path):
    """A bare Flask app whose instance/ holds the pepper the fixture was made with."""
    app = Flask("stored-formats", instance_path=str(tmp_path))
    app.config.update(PASSWORD_HASH_TIME_COST=1, PASSWORD_HASH_MEMORY_KIB=1024)
    (tmp_path / "keys").mkdir()
    (tmp_path / "keys" / "pepper").write_bytes(raw(FIXTURE["tip"]["pepper"]))
    with app.app_context():
        yield app


def test_a_handler_key_wrapped_by_the_old_code_opens_and_names_itself_the_same():
    h = FIXTURE["handler"]
    private, public = raw(h["private"]), raw(h["public"])
    assert envelope.unwrap_private_key(raw(h["wrapped_private_key"]), h["password"]) == private
    # NFC: the same password typed with a precomposed é opens it too.
    assert keypairs.unwrap_private_key(raw(h["wrapped_private_key"]), "kata-sandi-lama-caf\u00e9") == private
    with pytest.raises(envelope.DecryptionError):
        envelope.unwrap_private_key(raw(h["wrapped_private_key"]), "kata-sandi-lain")
    assert envelope.public_key(private) == public
    assert envelope.key_id(public) == h["key_id"]
    assert signing.signing_public_key(private) == raw(h["signing_public"])
    assert signing.fingerprint(public, raw(h["signing_public"])) == h["fingerprint"]


def test_a_tip_sealed_by_the_old_code_opens_field_receipt_and_file():
    h, t = FIXTURE["handler"], FIXTURE["tip"]
    data_key, aad = raw(t["data_key"]), t["aad"].encode()
    assert envelope.open_sealed(raw(t["sealed"]), raw(h["private"]), aad) == data_key
    assert envelope.decrypt(data_key, raw(t["field"]), b"tip:42:what").decode() == "Apa yang terjadi — ü"
    lookup_id, wrap_key = envelope.receipt_keys(t["receipt"], raw(t["pepper"]), envelope.KdfParams(*FIXTURE["kdf"]))
    assert (lookup_id, wrap_key) == (raw(t["lookup_id"]), raw(t["wrap_key"]))
    assert envelope.unwrap_with_key(wrap_key, raw(t["receipt_wrapped"]), b"wbs/v1/tip/42/receipt") == data_key
    expected = bytes((i * 7 + 3) % 251 for i in range(t["stream_plaintext_len"]))
    stream = io.BytesIO(raw(t["stream"]))
    assert b"".join(envelope.decrypt_stream(data_key, stream, b"wbs/v1/tip/42/file/abc")) == expected
    with pytest.raises(envelope.DecryptionError):  # still bound to its file name
        b"".join(envelope.decrypt_stream(data_key, io.BytesIO(raw(t["stream"])), b"wbs/v1/tip/42/file/xyz"))


def test_a_session_half_written_by_the_old_code_opens_from_its_cookie():
    s = FIXTURE["session"]
    cookie = sessions.cookie_value(raw(s["secret"]))
    assert cookie == s["secret"]  # the cookie always held standard base64 of the secret
    secret = sessions.from_cookie(cookie)
    assert envelope.unwrap_for_session(secret, raw(s["blob"]), s["aad"].encode()) == raw(FIXTURE["handler"]["private"])
    with pytest.raises(envelope.DecryptionError):
        sessions.unwrap_for_session(secret, raw(s["blob"]), b"wbs/v1/session/7/10")
    assert sessions.from_cookie("not base64!") is None


def test_the_printed_recovery_key_and_endorsements_of_the_old_code_still_verify():
    r, e, h = FIXTURE["recovery"], FIXTURE["endorsement"], FIXTURE["handler"]
    recovery_private = envelope.parse_recovery_key(r["printable"])
    assert envelope.public_key(recovery_private) == raw(r["public"])
    assert envelope.signing_public_key(recovery_private) == raw(r["signing_public"])
    assert envelope.fingerprint(raw(r["public"]), raw(r["signing_public"])) == r["fingerprint"]
    assert envelope.open_sealed(raw(r["sealed"]), recovery_private, FIXTURE["tip"]["aad"].encode()) == raw(
        FIXTURE["tip"]["data_key"])
    chain = trust.load_chain(e["chain"])
    assert trust.chain_verifies(chain, user_id=7, public=raw(e["successor_public"]),
                                signing_public=raw(e["successor_signing_public"]), roots=[raw(r["signing_public"])])
    # Ed25519 is deterministic: the same statement signed today is the same certificate, byte for byte.
    again = trust.certificate(recovery_private, purpose=trust.PURPOSE_ENDORSE, user_id=7, email="Budi@Example.go.id",
                              public=raw(h["public"]), signing_public=raw(h["signing_public"]), day="2026-11-01")
    assert trust.dump_chain([again]) == trust.dump_chain(chain[:1])
    assert signing.sign(raw(h["private"]), b"hello") == raw(e["signature_of_hello"])
    assert signing.verify_signature(raw(h["signing_public"]), b"hello", raw(e["signature_of_hello"]))
    # A chain whose root is not pinned does not verify (the test above can fail).
    assert not trust.chain_verifies(chain, user_id=7, public=raw(e["successor_public"]),
                                    signing_public=raw(e["successor_signing_public"]), roots=[raw(h["signing_public"])])


def test_peppered_hashes_stored_by_the_old_code_still_match(instance_app):
    p = FIXTURE["pepper_hashes"]
    assert codes.access_code_hash(p["ticket"], p["access_code"]) == p["access_code_hash"]
    assert codes.access_code_matches(p["ticket"], p["access_code"].lower(), p["access_code_hash"])
    assert not codes.access_code_matches(p["ticket"], codes.new_access_code(), p["access_code_hash"])
    assert codes.recovery_code_hash(p["recovery_code"]) == p["recovery_code_hash"]
    assert codes.recovery_code_hash(p["recovery_code"].upper().replace("-", " ")) == p["recovery_code_hash"]


def test_a_sealed_access_code_of_the_old_code_still_replays(instance_app):
    s, code = FIXTURE["submission"], FIXTURE["pepper_hashes"]["access_code"]
    assert codes.submission_key_hash(s["key"]) == s["key_hash"]
    assert codes.open_with_submission_key(s["key"], raw(s["sealed"]), raw(s["body_digest"])) == code
    assert codes.open_with_submission_key(s["key"], raw(s["sealed_form"])) == code
    with pytest.raises(InvalidTag):  # what portal/intake.py catches: another body is a conflict
        codes.open_with_submission_key(s["key"], raw(s["sealed"]), b"another body")


def test_address_hashes_and_token_hashes_are_computed_as_before(instance_app, monkeypatch):
    a, t = FIXTURE["address_hash"], FIXTURE["tokens"]
    monkeypatch.setattr(ratelimit, "current_key", lambda: raw(a["key"]))
    assert ratelimit.keyed_hash(a["purpose"], *a["parts"]) == a["hash"]
    assert sessions.session_token_hash(t["session_token"]) == t["session_token_hash"]
    assert hashing.token_hash(t["setup_token"]) == json.loads(t["setup_record"])["hash"]


def test_password_hashes_and_the_app_key_ring_of_the_old_code_still_open(instance_app, tmp_path):
    pw = FIXTURE["password"]
    assert passwords.verify_password(pw["hash"], pw["password"])
    assert auth_passwords.verify_password(pw["hash"], pw["password"])
    assert not passwords.verify_password(pw["hash"], pw["password"] + "x")
    ring_path = tmp_path / "keys" / "app-keyring.json"
    ring_path.write_text(FIXTURE["appkey"]["keyring"])
    assert KeyRing(ring_path).decrypt(FIXTURE["appkey"]["token"].encode()).decode() == "Budi Santoso, NIK 3201"


def test_an_unsubscribe_link_mailed_before_the_move_still_works(instance_app):
    """The links already in citizens' mailboxes were itsdangerous tokens under SECRET_KEY with the
    salt `complaint-mail-unsubscribe` (portal/complaints/mailing.py at 1fbf810)."""
    from itsdangerous import URLSafeSerializer

    from portal.complaints import mailing

    instance_app.config["SECRET_KEY"] = "k" * 64
    mailed = URLSafeSerializer("k" * 64, salt="complaint-mail-unsubscribe").dumps("ADU-2026-000123")
    assert mailing.unsubscribe_token("ADU-2026-000123") == mailed
    assert mailing.ticket_from_token(mailed) == "ADU-2026-000123"
    assert mailing.ticket_from_token(mailed[:-2] + "xx") is None
    other = URLSafeSerializer("k" * 64, salt="another-purpose").dumps("ADU-2026-000123")
    assert mailing.ticket_from_token(other) is None
