"""Application key ring for personal data at rest (SECURITY.md promise 7), rotatable with MultiFernet."""
from __future__ import annotations

import json
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app

from ..fsutil import atomic_write
from ..instance_files import read_or_create

KEYRING_FILE = Path("keys") / "app-keyring.json"


class KeyRing:
    """Newest key first: it encrypts; every key in the ring can decrypt."""

    def __init__(self, path: Path):
        self.path = path
        read_or_create(path, lambda: json.dumps({"keys": [Fernet.generate_key().decode()]}).encode())
        self._loaded_stamp = None
        self.reload()

    def _stamp(self):
        stat = self.path.stat()
        return (stat.st_mtime_ns, stat.st_size, stat.st_ino)

    def _load(self, raw: bytes) -> None:
        self.keys = [k.encode() for k in json.loads(raw)["keys"]]
        self._fernet = MultiFernet([Fernet(k) for k in self.keys])

    def reload(self) -> None:
        stamp = self._stamp()
        self._load(self.path.read_bytes())
        self._loaded_stamp = stamp

    def fresh(self) -> "KeyRing":
        """Follow a rotation done by another process (`flask keys rotate` while workers run)."""
        if self._stamp() != self._loaded_stamp:
            self.reload()
        return self

    def encrypt(self, data: bytes) -> bytes:
        return self._fernet.encrypt(data)

    def decrypt(self, token: bytes) -> bytes:
        return self._fernet.decrypt(token)

    def rotate_token(self, token: bytes) -> bytes:
        return self._fernet.rotate(token)

    def add_primary(self) -> None:
        self._write([Fernet.generate_key()] + self.keys)

    def drop_old(self) -> int:
        dropped = len(self.keys) - 1
        self._write(self.keys[:1])
        return dropped

    def _write(self, keys: list[bytes]) -> None:
        atomic_write(self.path, json.dumps({"keys": [k.decode() for k in keys]}))
        self.reload()


def keyring() -> KeyRing:
    return current_app.extensions["portal_keyring"].fresh()


def init_app(app) -> None:
    app.extensions["portal_keyring"] = KeyRing(Path(app.instance_path) / KEYRING_FILE)


__all__ = ["KeyRing", "keyring", "InvalidToken", "init_app"]
