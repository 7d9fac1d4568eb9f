"""Atomic writes keep a file's permissions and leave nothing behind on failure."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from generator.fsio import write_atomic


def test_new_file_gets_umask_permissions(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "new.yaml", "a: 1\n")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.yaml").stat().st_mode) == 0o644
    assert (tmp_path / "new.yaml").read_text() == "a: 1\n"


def test_existing_permissions_are_kept(tmp_path: Path) -> None:
    target = tmp_path / "team.yaml"
    target.write_text("old\n")
    target.chmod(0o640)
    write_atomic(target, b"new\n")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640 and target.read_bytes() == b"new\n"


def test_failure_leaves_old_file_and_no_temporary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "team.yaml"
    target.write_text("old\n")

    def boom(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        write_atomic(target, "new\n")
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["team.yaml"]
