"""The suite runs with cheap key derivations, no fsync, no key-rotation pause and a short kiosk return
delay (TestingConfig), for speed only. A real install — `make run` (development settings) or
PORTAL_ENV=production — keeps the costs SECURITY.md promises 2 and 6 rest on, SQLite's
synchronous=FULL (an acknowledged submission survives power loss) and the kiosk's 8-second thank-you
page."""
from __future__ import annotations

import secrets

import pytest
from sqlalchemy import text

from portal.crypto import envelope
from portal.extensions import db
from support import dispose_app, make_app


def pragma_synchronous(app) -> int:
    with app.app_context():
        value = db.session.execute(text("PRAGMA synchronous")).scalar()
        db.session.remove()
        return value


@pytest.mark.parametrize("env", ["development", "production"])
def test_a_real_install_keeps_slow_key_derivations_and_full_sync(tmp_path, env):
    from portal.crypto.passwords import hash_password
    from portal.whistle.keys import configured_kdf

    app = make_app(tmp_path, "sqlite", PORTAL_ENV=env, SECRET_KEY=secrets.token_hex(32))
    try:
        with app.app_context():
            # Sign-in passwords: Argon2id t=3, 64 MiB (RFC 9106's second recommendation).
            assert hash_password("sandi-uji-produksi").startswith("$argon2id$v=19$m=65536,t=3,p=1$")
            # A handler's private key under Argon2id(password) t=3, 64 MiB; a receipt t=3, 24 MiB:
            # 10^16 receipts x one 24 MiB derivation each is the brute-force bound of promise 2.
            password_kdf = configured_kdf("WBS_PASSWORD_KDF", envelope.PASSWORD_KDF)
            receipt_kdf = configured_kdf("WBS_RECEIPT_KDF", envelope.RECEIPT_KDF)
            assert (password_kdf.time_cost, password_kdf.memory_kib, password_kdf.parallelism) == (3, 64 * 1024, 1)
            assert (receipt_kdf.time_cost, receipt_kdf.memory_kib, receipt_kdf.parallelism) == (3, 24 * 1024, 1)
            blob = envelope.wrap_private_key(envelope.generate_keypair()[0], "sandi", password_kdf)
            assert envelope.KdfParams.from_bytes(blob[2:2 + envelope.KdfParams.SIZE]) == password_kdf
            # `keys rotate` lets requests begun under the old key commit before it re-encrypts.
            assert app.config["KEY_ROTATION_GRACE_SECONDS"] >= 1.0
            # A kiosk's thank-you page stays long enough to be read before the blank form returns.
            assert app.config["KIOSK_RETURN_SECONDS"] == 8
        assert pragma_synchronous(app) == 2  # FULL
    finally:
        dispose_app(app)


def test_the_suite_runs_cheap_so_the_control_differs(app):
    """The control for the test above: the testing configuration really is the cheap one."""
    from portal.crypto.passwords import hash_password
    from portal.whistle.keys import configured_kdf

    with app.app_context():
        assert not hash_password("sandi-uji").startswith("$argon2id$v=19$m=65536,t=3,")
        assert configured_kdf("WBS_RECEIPT_KDF", envelope.RECEIPT_KDF).memory_kib < envelope.RECEIPT_KDF.memory_kib
        assert configured_kdf("WBS_PASSWORD_KDF", envelope.PASSWORD_KDF).memory_kib < envelope.PASSWORD_KDF.memory_kib
    assert app.config["KIOSK_RETURN_SECONDS"] < 8
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        assert pragma_synchronous(app) == 0  # OFF
