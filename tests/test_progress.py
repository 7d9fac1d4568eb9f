"""Progress is shown on a terminal only: never in a pipe or a CI log, never with --quiet."""

from __future__ import annotations

import io
import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest
from test_site_build import write_teams

from generator import progress
from generator.progress import Progress


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def _not_quiet() -> None:
    progress.set_quiet(False)


def test_a_terminal_sees_the_count_and_a_cleared_line_at_the_end() -> None:
    term = _Terminal()
    with Progress("reading workbooks", 3, term) as shown:
        for _ in range(3):
            shown.step()
    out = term.getvalue()
    assert out.startswith("\r\x1b[Kreading workbooks: 1/3")
    assert "\r\x1b[Kreading workbooks: 3/3" in out  # the last step is always drawn
    assert out.endswith("\r\x1b[K")  # cleared: what the command prints next starts on a clean line


def test_nothing_in_a_pipe_or_with_quiet() -> None:
    pipe = io.StringIO()
    with Progress("x", 2, pipe) as shown:
        shown.step(2)
    assert pipe.getvalue() == ""
    progress.set_quiet(True)
    term = _Terminal()
    with Progress("x", 2, term) as shown:
        shown.step(2)
    assert term.getvalue() == ""


def _build(root: Path, site: Path, *extra: str, tty: bool) -> str:
    """``maturity build`` in a child process, its stderr on a pseudo-terminal (or a pipe); what it wrote there."""
    cmd = [sys.executable, "-m", "generator", "--root", str(root), "build", "--site-dir", str(site), *extra]
    if not tty:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr
        return proc.stderr
    master, slave = pty.openpty()
    child = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=slave, stdin=subprocess.DEVNULL)
    os.close(slave)
    chunks = []
    while True:
        ready, _, _ = select.select([master], [], [], 1.0)
        if ready:
            try:
                data = os.read(master, 65536)
            except OSError:  # the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
        elif child.poll() is not None:
            break
    os.close(master)
    assert child.wait(timeout=300) == 0
    return b"".join(chunks).decode("utf-8", "replace")


def test_build_shows_progress_on_a_terminal_only(repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    write_teams(repo)
    shown = _build(repo.root, tmp_path / "a", tty=True)
    assert "generating team pages: 2/2" in shown
    assert "MkDocs: rendering pages: " in shown and "MkDocs: writing pages: " in shown
    assert "\x1b[K" in shown
    piped = _build(repo.root, tmp_path / "b", tty=False)
    assert "pages:" not in piped and "\x1b" not in piped and "\r" not in piped
    quiet = _build(repo.root, tmp_path / "c", "--quiet", tty=True)
    assert "pages:" not in quiet and "\x1b[K" not in quiet


def test_a_diff_that_reads_every_file_shows_progress_on_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from test_review_diff import framework_branch
    from test_review_support import base_repo

    from generator.cli import main
    from generator.review import chunked

    monkeypatch.setattr(chunked, "CHUNKED_MIN_FILES", 1)  # the example has 5 teams; a real organisation hundreds
    r = base_repo(tmp_path / "repo")
    framework_branch(r)
    for quiet, expected in (((), True), (("--quiet",), False)):
        term = _Terminal()
        monkeypatch.setattr(sys, "stderr", term)
        assert main(["--root", str(r.root), "diff", "main", "feature", *quiet]) == 0
        assert ("\r\x1b[Kcomparing answer files: 10/10" in term.getvalue()) is expected  # 5 files on each side
        assert "Alpha" in capsys.readouterr().out
