"""Files: writing them so that readers never see half of one, and reading only those inside the repository."""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from pathlib import Path


def _mode_for(path: Path) -> int:
    """The existing file's permissions, else what a plain ``open()`` would give (0o666 less the umask)."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def world_readable(folder: Path) -> None:
    """Folders 0755 and files 0644 under ``folder`` (itself included): readable by a web server running as another user."""
    os.chmod(folder, 0o755)
    for parent, dirs, names in os.walk(folder):
        for name in dirs:
            os.chmod(os.path.join(parent, name), 0o755)
        for name in names:
            os.chmod(os.path.join(parent, name), 0o644)


def write_atomic(path: Path, data: bytes | str) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = _mode_for(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


#: Why a file that leaves the repository is not read (the message never shows where it leads).
OUTSIDE = "links to a file outside the repository; not read (only files inside the repository are)"


def inside(path: Path, root: Path) -> bool:
    """True when ``path``, with every link followed, is a file of the repository at ``root``."""
    try:
        return inside_resolved(path, root.resolve())
    except (OSError, RuntimeError):
        return False


def inside_resolved(path: Path, real_root: Path) -> bool:
    """:func:`inside` for a root already resolved (many files of one repository: the root is resolved once)."""
    try:
        path.resolve().relative_to(real_root)
    except (ValueError, OSError, RuntimeError):
        return False
    return True


def temp_dir(prefix: str, parent: Path | None = None) -> Path:
    """A new private folder named ``<prefix><pid>-<random>`` (the pid lets a later run spot it as stale)."""
    return Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-", dir=parent))


def remove_stale(prefix: str, parent: Path | None = None) -> int:
    """Remove the folders :func:`temp_dir` made with ``prefix`` whose process is gone (a crash, a kill -9).

    Folders of running processes (a build in another terminal) are left alone. Returns how many went.
    """
    folder = Path(parent) if parent is not None else Path(tempfile.gettempdir())
    removed = 0
    try:
        candidates = [p for p in folder.iterdir() if p.name.startswith(prefix) and p.is_dir() and not p.is_symlink()]
    except OSError:
        return 0
    for path in candidates:
        pid_text = path.name[len(prefix) :].split("-", 1)[0]
        if not pid_text.isdigit() or _alive(int(pid_text)):
            continue
        shutil.rmtree(path, ignore_errors=True)
        removed += 1
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True
