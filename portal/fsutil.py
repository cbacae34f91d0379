"""Durable file writes: the one atomic-write helper and the directory fsync every writer uses.

A reader sees the old file or the new one, never half of either: the bytes go to a temporary
file beside the target (created exclusively, mode `mode`), are fsynced, renamed over the target,
and the directory entry is fsynced so the rename survives a power loss too.
"""
from __future__ import annotations

import os
import secrets
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Callable, Iterator

# The suffix every temporary name ends with; backups skip such names (portal/ops.py).
TEMP_SUFFIX = ".tmp"


def fsync_dir(path: Path | str) -> None:
    """Make a new, renamed or removed directory entry durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def temp_name(target: Path) -> Path:
    """A hidden name beside `target` no other writer uses: `.<name>.<random>.tmp`."""
    return target.with_name(f".{target.name}.{secrets.token_hex(4)}{TEMP_SUFFIX}")


@contextmanager
def atomic_writer(path: Path | str, mode: int = 0o600, *, durable: bool = True,
                  before_replace: Callable[[Path], None] | None = None) -> Iterator[BinaryIO]:
    """Yield a binary handle; on a clean exit its bytes replace `path` atomically.

    On an error the temporary file is removed and `path` is left as it was. `durable=False`
    skips the fsyncs (for files rebuilt at every start, like compiled translations).
    `before_replace(tmp)` runs on the finished temporary file just before the rename.
    """
    target = Path(path)
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = temp_name(target)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.chmod(tmp, mode)  # the umask may have narrowed what os.open asked for
        if before_replace is not None:
            before_replace(tmp)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if durable:
        fsync_dir(target.parent)


def atomic_write(path: Path | str, data: bytes | str, mode: int = 0o600, *, durable: bool = True) -> None:
    """Write `data` (bytes, or text as UTF-8) to `path` atomically and durably."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    with atomic_writer(path, mode, durable=durable) as handle:
        handle.write(raw)


def remove(path: Path | str) -> bool:
    """Unlink a file and make the removal durable; False if it was not there."""
    target = Path(path)
    try:
        target.unlink()
    except FileNotFoundError:
        return False
    fsync_dir(target.parent)
    return True


__all__ = ["TEMP_SUFFIX", "atomic_write", "atomic_writer", "fsync_dir", "remove", "temp_name"]
