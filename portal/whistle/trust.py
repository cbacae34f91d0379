"""Endorsement of handler keys: the pinned recovery public key (the trust root, kept in a file of
instance/, not in the database) and the certificate chains that link each handler key to it.

A web admin or a database writer can add rows and public keys, but cannot sign: a key receives
new tips only when its chain verifies against the pinned root (see docs/security.md).

Chain: a list of certificates. certificate[0] is signed by the recovery signing key; each next one
is signed by the subject of the one before it — an endorsement of another handler ("endorse") or
the successor of the same handler's key after a password change ("rotate"). The last one must
name the account and the exact key pair stored in its row.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from ..crypto import keypairs, signing
from ..crypto.signing import b64 as _b64
from ..crypto.signing import unb64 as _unb64
from ..fsutil import atomic_write

PIN_FILE = "wbs-recovery-key.json"
PURPOSE_ENDORSE = "endorse"
PURPOSE_ROTATE = "rotate"
_DOMAIN = b"portal-wbs-endorsement-v1\x00"


# --------------------------------------------------------------------------- the pinned root


@dataclass(frozen=True)
class RootKey:
    public: bytes
    signing_public: bytes
    key_id: str
    created_on: str
    active: bool

    @property
    def fingerprint(self) -> str:
        return signing.fingerprint(self.public, self.signing_public)


def pin_path() -> Path:
    from ..hosts import RECOVERY_PIN, shared_file

    return shared_file(RECOVERY_PIN) or Path(current_app.instance_path) / PIN_FILE


_parsed: dict[Path, tuple[bytes, tuple]] = {}


def pinned_keys() -> list[RootKey]:
    """Every recovery key ever pinned on this server (the newest active), from instance/.

    The file is read on every call (it may change under a running worker); only parsing it again is
    spared while its bytes stay the same."""
    path = pin_path()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return []
    kept = _parsed.get(path)
    if kept is not None and kept[0] == raw:
        return list(kept[1])
    keys = _parse_pinned_keys(raw)
    if len(_parsed) >= 64:  # one entry per instance folder: only a test process has many
        _parsed.clear()
    _parsed[path] = (raw, tuple(keys))
    return keys


def _parse_pinned_keys(raw: bytes) -> list[RootKey]:
    try:
        data = json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return []
    out = []
    for item in data.get("keys", []) if isinstance(data, dict) else []:
        try:
            public, signing_public = _unb64(item["public"]), _unb64(item["signing_public"])
            if len(public) != 32 or len(signing_public) != 32:
                continue
            out.append(RootKey(public, signing_public, keypairs.key_id(public), str(item.get("created_on", "")),
                               bool(item.get("active"))))
        except (KeyError, TypeError, ValueError):
            continue
    return out


def active_root() -> RootKey | None:
    return next((k for k in pinned_keys() if k.active), None)


def pin_root(public: bytes, signing_public: bytes, created_on: str) -> RootKey:
    """Write the new recovery public key (both halves) as the active root; older ones stay listed
    (their tips keep their recovery copies) but no longer vouch for handler keys."""
    keys = [{"public": _b64(k.public), "signing_public": _b64(k.signing_public), "created_on": k.created_on,
             "active": False} for k in pinned_keys()]
    keys.append({"public": _b64(public), "signing_public": _b64(signing_public), "created_on": created_on,
                 "active": True})
    atomic_write(pin_path(), json.dumps({"version": 1, "keys": keys}, indent=1), 0o644)
    return active_root()


# --------------------------------------------------------------------------- certificates


def _message(cert: dict) -> bytes:
    body = {k: cert[k] for k in ("v", "purpose", "user_id", "email", "key_id", "public", "signing_public",
                                 "signer", "day")}
    return signing.document(_DOMAIN, body)


def certificate(signer_private: bytes, *, purpose: str, user_id: int, email: str, public: bytes,
                signing_public: bytes, day: str) -> dict:
    """A signed statement: the signer vouches that (account, key pair) is a WBS handler key."""
    cert = {"v": 1, "purpose": purpose, "user_id": int(user_id), "email": (email or "").strip().lower(),
            "key_id": keypairs.key_id(public), "public": _b64(public), "signing_public": _b64(signing_public),
            "signer": _b64(signing.signing_public_key(signer_private)), "day": day}
    cert["signature"] = _b64(signing.sign(signer_private, _message(cert)))
    return cert


def dump_chain(chain: list[dict]) -> str:
    return json.dumps(chain, sort_keys=True, separators=(",", ":"))


def load_chain(raw) -> list[dict]:
    if not raw:
        return []
    try:
        chain = json.loads(raw)
    except (ValueError, TypeError):
        return []
    return chain if isinstance(chain, list) and all(isinstance(c, dict) for c in chain) else []


def chain_verifies(chain: list[dict], *, user_id: int, public: bytes, signing_public: bytes,
                   roots: list[bytes] | None = None) -> bool:
    """True when every certificate is signed by the one before it, the first by a pinned root,
    and the last names exactly this account and key pair."""
    if not chain or public is None or signing_public is None:
        return False
    if roots is None:
        root = active_root()
        roots = [root.signing_public] if root else []
    signer_expected = None
    previous = None
    for cert in chain:
        try:
            signer = _unb64(cert["signer"])
            signature = _unb64(cert["signature"])
            message = _message(cert)
            subject_signing = _unb64(cert["signing_public"])
            subject_public = _unb64(cert["public"])
        except (KeyError, TypeError):
            return False
        if previous is None:
            if signer not in roots:
                return False
        elif signer != signer_expected:
            return False
        if cert.get("purpose") not in (PURPOSE_ENDORSE, PURPOSE_ROTATE) or len(subject_public) != 32:
            return False
        if cert.get("purpose") == PURPOSE_ROTATE and (previous is None or previous.get("user_id") != cert.get("user_id")):
            return False  # a key can only hand over to a successor of the same account
        if cert.get("key_id") != keypairs.key_id(subject_public):
            return False
        if not signing.verify_signature(signer, message, signature):
            return False
        signer_expected, previous = subject_signing, cert
    return (previous.get("user_id") == user_id and _unb64(previous["public"]) == bytes(public)
            and _unb64(previous["signing_public"]) == bytes(signing_public))
