"""The local backend: one encrypted file per name under instance/<namespace>/, as before."""
from __future__ import annotations

import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Iterator

from ..fsutil import TEMP_SUFFIX, atomic_writer, remove
from . import HashingWriter, check_name, new_name, sha256_of

# WBS files keep only the day in their times: a nanosecond mtime would time a whistleblower's upload.
COARSE_TIMES = {"wbs"}


def _midnight_utc() -> float:
    return float((int(time.time()) // 86400) * 86400)


class _LocalWriter(HashingWriter):
    def __init__(self, name: str, handle: BinaryIO):
        super().__init__(name)
        self._handle = handle

    def write(self, data: bytes) -> int:
        self._take(data)
        return self._handle.write(data)


class LocalStore:
    kind = "local"
    transactional = False  # files change at once, not with the caller's transaction

    def __init__(self, root: Path, namespace: str):
        self.namespace = namespace
        self.root = Path(root)
        self.coarse_times = namespace in COARSE_TIMES

    def path(self, name: str) -> Path:
        return self.root / name[:2] / check_name(name)

    @contextmanager
    def create(self, name: str | None = None, *, session=None) -> Iterator[_LocalWriter]:
        name = name or new_name()
        target = self.path(name)
        stamp = _midnight_utc() if self.coarse_times else None
        hook = (lambda tmp: os.utime(tmp, (stamp, stamp))) if stamp is not None else None
        with atomic_writer(target, before_replace=hook) as handle:
            writer = _LocalWriter(name, handle)
            yield writer
        writer._finish()
        if stamp is not None:
            for directory in (target.parent, target.parent.parent):  # a new entry would time the upload too
                os.utime(directory, (stamp, stamp))

    @contextmanager
    def open(self, name: str) -> Iterator[BinaryIO]:
        with open(self.path(name), "rb") as handle:
            yield handle

    def delete(self, name: str, *, session=None) -> None:
        remove(self.path(name))

    def exists(self, name: str) -> bool:
        return self.path(name).is_file()

    def names(self, older_than: float | None = None) -> Iterator[str]:
        """Every stored name; with `older_than` (seconds) only files not touched for that long."""
        if not self.root.is_dir():
            return
        now = time.time()
        for path in sorted(self.root.glob("??/*")):
            name = path.name
            if name.endswith(TEMP_SUFFIX) or name.startswith(".") or path.parent.name != name[:2]:
                continue
            try:
                check_name(name)
                if older_than is not None and now - path.stat().st_mtime <= older_than:
                    continue
            except (ValueError, FileNotFoundError):
                continue
            yield name

    def checksum(self, name: str) -> str:
        with self.open(name) as handle:
            return sha256_of(handle)
