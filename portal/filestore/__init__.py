"""One file store for every encrypted file the portal keeps, behind one small interface.

Callers encrypt before they write (attachments and ZI evidence under the application key ring,
WBS files under their tip's own data key), so a store only ever holds ciphertext. Two backends:

- ``local`` (the default): one file per name under ``instance/<namespace>/<ab>/<name>``, the
  layout every existing install already has;
- ``database``: numbered chunks in the ``stored_file_chunk`` table, streamed in and out, so
  every host of a multi-host portal reads the same files (PostgreSQL, or SQLite).

``PORTAL_FILE_STORE`` chooses (portal/settings.py); ``flask --app wsgi files migrate --to ...``
moves existing files across and checks every checksum.
"""
from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, ContextManager, Iterable, Iterator, Protocol

from flask import current_app

KINDS = ("local", "database")
# Namespace -> directory under instance/ of the local backend.
NAMESPACES = ("uploads", "wbs")
_NAME = re.compile(r"[0-9a-f]{32}")
COPY_CHUNK = 1 << 20


@dataclass(frozen=True)
class Stored:
    name: str
    size: int
    sha256: str


class Writer(Protocol):
    name: str
    stored: Stored | None

    def write(self, data: bytes) -> int: ...


class FileStore(Protocol):
    """What every backend offers. `session`: the caller's open write transaction, which the
    database backend joins (rows and file commit together); the local backend ignores it."""

    kind: str
    namespace: str
    transactional: bool

    def create(self, name: str | None = None, *, session=None) -> ContextManager[Writer]: ...
    def open(self, name: str) -> ContextManager[BinaryIO]: ...
    def delete(self, name: str, *, session=None) -> None: ...
    def exists(self, name: str) -> bool: ...
    def names(self, older_than: float | None = None) -> Iterator[str]: ...
    def checksum(self, name: str) -> str: ...


def new_name() -> str:
    """128 random bits in hex: says nothing about the case, the reporter or the time."""
    return secrets.token_hex(16)


def check_name(name: str) -> str:
    # fullmatch, not match+$: "$" would accept a trailing newline.
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise ValueError("invalid storage name")
    return name


class HashingWriter:
    """Counts and hashes what passes to `sink`; the backends' writers build on it."""

    def __init__(self, name: str):
        self.name = name
        self.size = 0
        self.stored: Stored | None = None
        self._digest = hashlib.sha256()

    def _take(self, data: bytes) -> None:
        self._digest.update(data)
        self.size += len(data)

    def _finish(self) -> Stored:
        self.stored = Stored(self.name, self.size, self._digest.hexdigest())
        return self.stored


def put(store: FileStore, chunks: bytes | Iterable[bytes], *, name: str | None = None, session=None) -> Stored:
    """Write ciphertext (bytes, or an iterable of chunks) under a new name; returns name, size, checksum."""
    with store.create(name, session=session) as out:
        if isinstance(chunks, (bytes, bytearray, memoryview)):
            view = memoryview(chunks)
            for offset in range(0, len(view), COPY_CHUNK):
                out.write(bytes(view[offset:offset + COPY_CHUNK]))
        else:
            for chunk in chunks:
                out.write(chunk)
    return out.stored


def read_all(store: FileStore, name: str) -> bytes:
    with store.open(name) as handle:
        return handle.read()


def sha256_of(handle: BinaryIO) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: handle.read(COPY_CHUNK), b""):
        digest.update(chunk)
    return digest.hexdigest()


def make(kind: str, namespace: str, app=None) -> FileStore:
    app = app or current_app._get_current_object()
    if namespace not in NAMESPACES:
        raise ValueError(f"unknown file namespace {namespace!r}")
    if kind == "local":
        from .local import LocalStore

        return LocalStore(Path(app.instance_path) / namespace, namespace)
    if kind == "database":
        from .database import DatabaseStore

        return DatabaseStore(namespace)
    raise ValueError(f"PORTAL_FILE_STORE must be one of {', '.join(KINDS)}, not {kind!r}")


def configured_kind(app=None) -> str:
    app = app or current_app
    return app.config.get("PORTAL_FILE_STORE") or "local"


def get(namespace: str) -> FileStore:
    """The configured store of `namespace` ("uploads" or "wbs")."""
    return make(configured_kind(), namespace)


__all__ = ["FileStore", "KINDS", "NAMESPACES", "Stored", "check_name", "configured_kind", "get", "make",
           "new_name", "put", "read_all", "sha256_of"]
