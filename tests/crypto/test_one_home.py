"""Cryptography has one home: no module outside portal/crypto/ imports a cryptographic library.

A new channel that needs a hash, a seal or a signature calls portal/crypto/ instead of writing its
own. The exceptions are listed with their reason; the list is meant to shrink, never to grow.
"""
from __future__ import annotations

import ast
from pathlib import Path

PORTAL = Path(__file__).resolve().parents[2] / "portal"
CRYPTO_LIBRARIES = {"hmac", "argon2", "cryptography", "itsdangerous", "nacl", "Crypto", "pyotp", "passlib"}
ALLOWED = {
    # catches InvalidTag around codes.open_with_submission_key (aead.DecryptionError is one)
    "intake.py": {"cryptography"},
    # TOTP second factor: pyotp generates and checks the codes and renders the enrolment URI
    "auth/totp.py": {"pyotp"},
}


def imported_libraries(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found & CRYPTO_LIBRARIES


def test_no_module_outside_portal_crypto_imports_a_crypto_library():
    offenders = {}
    for path in sorted(PORTAL.rglob("*.py")):
        relative = path.relative_to(PORTAL).as_posix()
        if relative.startswith("crypto/"):
            continue
        extra = imported_libraries(path) - ALLOWED.get(relative, set())
        if extra:
            offenders[relative] = sorted(extra)
    assert offenders == {}


def test_the_guard_sees_an_import(tmp_path):
    """The control: the scan really finds a crypto import."""
    sample = tmp_path / "sample.py"
    sample.write_text("import hmac\nfrom cryptography.fernet import Fernet\nfrom . import hashing\n")
    assert imported_libraries(sample) == {"hmac", "cryptography"}
