"""The one atomic-write helper: all or nothing, the mode asked for, no temporary file left behind."""
import os
import stat

import pytest

from portal.fsutil import atomic_write, atomic_writer, remove


def test_replaces_whole_file_with_mode(tmp_path):
    target = tmp_path / "sub" / "f.json"
    atomic_write(target, "old")
    atomic_write(target, b"new", 0o644)
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert sorted(os.listdir(target.parent)) == ["f.json"]


def test_error_keeps_old_file_and_no_temp(tmp_path):
    target = tmp_path / "f"
    atomic_write(target, b"keep")
    with pytest.raises(RuntimeError):
        with atomic_writer(target) as handle:
            handle.write(b"half")
            raise RuntimeError("disk gone")
    assert target.read_bytes() == b"keep"
    assert os.listdir(tmp_path) == ["f"]


def test_remove(tmp_path):
    target = tmp_path / "f"
    atomic_write(target, b"x")
    assert remove(target) is True
    assert remove(target) is False
