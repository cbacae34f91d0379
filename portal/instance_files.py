"""Secrets kept in instance/: created once, atomically, so several workers agree on them."""
from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Callable


def read_or_create(path: Path, make: Callable[[], bytes]) -> bytes:
    """Return the file's bytes, creating it with `make()` if absent (race-free across processes)."""
    path = Path(path)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(make())
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(tmp, path)  # fails if another process won the race: then we read theirs
        except FileExistsError:
            pass
    finally:
        tmp.unlink(missing_ok=True)
    return path.read_bytes()


def secret_key(instance_path: str) -> str:
    return read_or_create(Path(instance_path) / "secret_key", lambda: secrets.token_hex(32).encode()).decode().strip()
