"""Reading a git repository with the ``git`` program: revisions, trees, blobs and one-pass logs.

Every call is a subprocess with a fixed argument list (no shell). Blobs are read in
bulk through one ``git cat-file --batch`` process per batch, never one process per file.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from generator.problems import MaturityError

#: The empty tree: what a root commit (or a shallow boundary) is compared with.
EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
ZERO_SHA = "0" * 40


@dataclass(frozen=True)
class TreeEntry:
    """One file of a revision: its path (relative to the repository top), blob sha and size."""

    path: str
    sha: str
    size: int


@dataclass(frozen=True)
class FileChange:
    """One changed file in a commit, as ``git log --raw`` reports it (no rename detection)."""

    path: str
    old: str  # blob sha before, ZERO_SHA when added
    new: str  # blob sha after, ZERO_SHA when deleted


@dataclass(frozen=True)
class Commit:
    sha: str
    date: dt.datetime
    changes: tuple[FileChange, ...]  # against the first parent
    parents: tuple[str, ...] = ()  # as the log rewrote them: the nearest listed ancestors


class Git:
    """A git working copy rooted at (or above) ``path``."""

    def __init__(self, path: Path) -> None:
        if shutil.which("git") is None:
            raise MaturityError("the `git` program is not installed or not on PATH")
        self.cwd = path
        out = self._run(["rev-parse", "--show-toplevel", "--show-prefix"], check=False)
        if out is None:
            raise MaturityError(f"{path} is not inside a git repository")
        lines = out.decode("utf-8", "replace").splitlines()
        self.top = Path(lines[0])
        #: the project's folder inside the repository, "" or ending with "/"
        self.prefix = lines[1] if len(lines) > 1 else ""

    # -- plumbing ----------------------------------------------------------------
    def _run(self, args: Sequence[str], *, check: bool = True, input: bytes | None = None) -> bytes | None:
        env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
        try:
            proc = subprocess.run(
                ["git", "-c", "core.quotepath=off", *args],
                cwd=self.cwd,
                input=input,
                capture_output=True,
                env=env,
            )
        except OSError as exc:
            raise MaturityError(f"cannot run git: {exc.strerror or exc}") from None
        if proc.returncode != 0:
            if check:
                reason = proc.stderr.decode("utf-8", "replace").strip().splitlines()
                raise MaturityError(f"git {args[0]} failed: {reason[-1] if reason else 'exit ' + str(proc.returncode)}")
            return None
        return proc.stdout

    def run(self, *args: str) -> str:
        """Output of one git command as text (raises MaturityError on failure)."""
        out = self._run(args)
        return (out or b"").decode("utf-8", "replace")

    # -- revisions -----------------------------------------------------------------
    def resolve(self, rev: str) -> str:
        """The full sha of the commit ``rev`` names, or a MaturityError saying it is not a revision."""
        if rev.startswith("-"):
            raise MaturityError(f"`{rev}` is not a revision in this repository")
        out = self._run(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"], check=False)
        if not out:
            raise MaturityError(f"`{rev}` is not a revision in this repository (a branch, tag or commit)")
        return out.decode().strip()

    def exists(self, rev: str) -> bool:
        return bool(self._run(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"], check=False))

    def merge_base(self, a: str, b: str) -> str | None:
        out = self._run(["merge-base", a, b], check=False)
        return out.decode().strip() if out else None

    def is_shallow(self) -> bool:
        return self.run("rev-parse", "--is-shallow-repository").strip() == "true"

    def has_commits(self) -> bool:
        return self.exists("HEAD")

    # -- trees and blobs -----------------------------------------------------------
    def tree(self, rev: str, folders: Iterable[str]) -> list[TreeEntry]:
        """Every file under ``folders`` (paths relative to the project) at ``rev``."""
        paths = [self.prefix + f for f in folders]
        out = self._run(["ls-tree", "-r", "-l", "-z", "--full-tree", rev, "--", *paths]) or b""
        entries = []
        for record in out.split(b"\0"):
            if not record:
                continue
            meta, _, path = record.partition(b"\t")
            mode, kind, sha, size = meta.split()
            if kind != b"blob" or mode == b"160000":
                continue
            rel = path.decode("utf-8", "surrogateescape")
            entries.append(TreeEntry(rel[len(self.prefix) :], sha.decode(), int(size) if size != b"-" else 0))
        return entries

    def sizes(self, shas: Iterable[str]) -> dict[str, int]:
        """Object sizes in one ``git cat-file --batch-check`` call (missing objects are left out)."""
        wanted = list(dict.fromkeys(shas))
        if not wanted:
            return {}
        out = self._run(["cat-file", "--batch-check"], input=("\n".join(wanted) + "\n").encode()) or b""
        sizes = {}
        for line in out.decode().splitlines():
            parts = line.split()
            if len(parts) == 3 and parts[1] == "blob":
                sizes[parts[0]] = int(parts[2])
        return sizes

    def blobs(self, shas: Iterable[str]) -> dict[str, bytes]:
        """The contents of many blobs in one ``git cat-file --batch`` call."""
        wanted = list(dict.fromkeys(shas))
        if not wanted:
            return {}
        out = self._run(["cat-file", "--batch"], input=("\n".join(wanted) + "\n").encode()) or b""
        blobs: dict[str, bytes] = {}
        pos = 0
        while pos < len(out):
            end = out.index(b"\n", pos)
            header = out[pos:end].split()
            pos = end + 1
            if len(header) < 3:  # "<sha> missing"
                continue
            size = int(header[2])
            if header[1] == b"blob":
                blobs[header[0].decode()] = out[pos : pos + size]
            pos += size + 1
        return blobs

    # -- history ---------------------------------------------------------------------
    def log(self, folders: Iterable[str], rev: str = "HEAD", first_parent: bool = False) -> Iterator[Commit]:
        """Commits reachable from ``rev`` that touch ``folders``, parents before children, in one pass.

        Every branch merged into ``rev`` is followed (``--full-history``: a commit on a merged
        branch is listed even when the merge kept the other side), unless ``first_parent``.
        Each commit carries the files it changed against its first parent (a merge too; a root
        or shallow boundary commit against the empty tree: every file it has counts as added),
        and its parents rewritten to the nearest listed ancestors.
        """
        paths = [self.prefix + f for f in folders]
        walk = ["--first-parent"] if first_parent else ["--full-history", "--topo-order"]
        out = self._run(
            [
                "log", *walk, "--parents", "--diff-merges=first-parent", "--reverse", "--no-renames", "--raw",
                "--no-abbrev", "-z", "--format=%x1e%H %cI%x1f%P", rev, "--", *paths,
            ]
        ) or b""  # fmt: skip
        for record in out.split(b"\x1e"):
            if not record:
                continue
            header, _, rest = record.partition(b"\0")
            head, _, parents = header.decode().partition("\x1f")
            sha, _, date = head.partition(" ")
            fields = rest.lstrip(b"\n").split(b"\0")
            changes = []
            for meta, path in zip(fields[0::2], fields[1::2], strict=False):
                parts = meta.split()
                if len(parts) < 5:
                    continue
                rel = path.decode("utf-8", "surrogateescape")
                changes.append(FileChange(rel[len(self.prefix) :], parts[2].decode(), parts[3].decode()))
            yield Commit(sha, dt.datetime.fromisoformat(date.strip()), tuple(changes), tuple(parents.split()))
