"""Building this project's wheel and installing it into a fresh virtual environment outside the repository.

Shared by the end-to-end test (tests/test_wheel_e2e.py) and the adoption benchmark
(benchmarks/bench_adopt.py). The wheel is built from a copy of the tracked files (so the
repository is not touched) without build isolation, with the setuptools of the running
Python; the venv then installs it with pip, which finds the dependencies in its cache or
the configured indexes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def run(args: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run a command; raise with its output when it fails."""
    proc = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc


def copy_tracked(dest: Path) -> Path:
    """The files git tracks, copied to ``dest`` (symlinks kept as symlinks)."""
    listed = run(["git", "ls-files", "-z"], cwd=REPO).stdout
    for name in filter(None, listed.split("\0")):
        src, out = REPO / name, dest / name
        out.parent.mkdir(parents=True, exist_ok=True)
        if src.is_symlink():
            os.symlink(os.readlink(src), out)
        elif src.is_file():
            shutil.copy2(src, out)
    return dest


def build_wheel(work: Path) -> Path:
    """Build the wheel from a copy of the repository in ``work``; the .whl path."""
    source = copy_tracked(work / "source")
    out = work / "dist"
    run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", str(out), str(source)])
    [wheel] = out.glob("maturity_as_code-*.whl")
    return wheel


def fresh_venv(where: Path, wheel: Path) -> Path:
    """A new virtual environment at ``where`` with ``wheel`` installed; its bin folder."""
    run([sys.executable, "-m", "venv", str(where)])
    bin_dir = where / ("Scripts" if os.name == "nt" else "bin")
    run([str(bin_dir / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(wheel)])
    return bin_dir


def clean_env(bin_dir: Path) -> dict[str, str]:
    """An environment whose Python and ``maturity`` are the venv's, with nothing from this repository on the path."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(bin_dir.parent)
    return env


def _closure(name: str) -> list[str]:
    """The installed distributions ``name`` needs (its dependencies, recursively; environment markers applied)."""
    from importlib import metadata

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    seen: dict[str, None] = {}
    todo = [name]
    while todo:
        dist = metadata.distribution(todo.pop())
        key = canonicalize_name(dist.metadata["Name"])
        if key in seen:
            continue
        seen[key] = None
        for raw in dist.requires or []:
            req = Requirement(raw)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                todo.append(req.name)
    return list(seen)


def wheelhouse(dest: Path, requirement: str = "maturity-as-code", also: tuple[str, ...] = ()) -> Path:
    """Wheels of ``requirement``'s installed dependencies (and of ``also``, themselves included), repacked
    from this Python's site-packages.

    Lets a fresh venv install the built wheel with ``--no-index --find-links`` (seconds, no network).
    Each wheel holds the files its RECORD lists inside site-packages, under its own WHEEL tag;
    console scripts are re-created by pip from the entry points.
    """
    import zipfile
    from importlib import metadata

    dest.mkdir(parents=True, exist_ok=True)
    for key in dict.fromkeys([*_closure(requirement)[1:], *(k for name in also for k in _closure(name))]):
        dist = metadata.distribution(key)
        info = Path(str(dist._path))  # type: ignore[attr-defined]
        site = info.parent
        lines = (info / "WHEEL").read_text().splitlines()
        tags = [line.split(":", 1)[1].strip().split("-") for line in lines if line.startswith("Tag:")]
        tag = "-".join(".".join(sorted({t[i] for t in tags})) for i in range(3)) if tags else "py3-none-any"
        name = dist.metadata["Name"].replace("-", "_").replace(".", "_")
        files = [f for f in (dist.files or []) if not str(f).startswith("..") and "__pycache__" not in str(f)]
        wheel = dest / f"{name}-{dist.version}-{tag}.whl"
        with zipfile.ZipFile(wheel, "w", zipfile.ZIP_STORED) as zf:
            record = []
            for f in files:
                if str(f).endswith("RECORD") or not (site / f).is_file():
                    continue
                zf.write(site / f, str(f))
                record.append(f"{f},,")
            record.append(f"{info.name}/RECORD,,")
            zf.writestr(f"{info.name}/RECORD", "\n".join(record) + "\n")
    return dest


def fresh_venv_offline(where: Path, wheel: Path, house: Path) -> Path:
    """Like :func:`fresh_venv`, but the dependencies come only from ``house`` (no index, no network).

    The venv is made without pip of its own; this Python's pip installs into it (``pip --python``).
    """
    run([sys.executable, "-m", "venv", "--without-pip", str(where)])
    bin_dir = where / ("Scripts" if os.name == "nt" else "bin")
    pip = [sys.executable, "-m", "pip", "--python", str(bin_dir / "python"), "install", "--quiet", "--disable-pip-version-check"]
    run([*pip, "--no-index", "--find-links", str(house), str(wheel)])
    return bin_dir
