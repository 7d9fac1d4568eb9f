"""The `.pre-commit-hooks.yaml` hook, used from another repository as pre-commit users do.

`pre-commit try-repo` clones this project (its committed files, copied into a fresh git
repository), builds the hook's Python environment from it (`language: python`: pre-commit's
own virtualenv, then `pip install .`) and runs the hook in a repository made by `maturity init`.
pip reads only a local wheelhouse of the dependencies (`PIP_NO_INDEX`), so nothing is
downloaded; the same steps with an index are what `pre-commit install` does for a user.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

from benchmarks.wheel import copy_tracked, wheelhouse
from generator.cli import main

GIT_ENV = {"GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.com"}
GIT_ENV |= {"GIT_COMMITTER_NAME": "T", "GIT_COMMITTER_EMAIL": "t@example.com"}


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, env={**os.environ, **GIT_ENV}, capture_output=True, check=True)


def _commit_all(repo: Path) -> None:
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "start")


def test_the_validate_hook_works_from_another_repository(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tool = copy_tracked(tmp_path / "tool")
    _commit_all(tool)
    org = tmp_path / "org"
    assert main(["init", str(org), "--admin", "@acme/platform", "-f", "google-mlops"]) == 0
    capsys.readouterr()
    _commit_all(org)
    house = wheelhouse(tmp_path / "house", also=("setuptools",))  # setuptools: pip builds the hook's package with it
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env |= {"PRE_COMMIT_HOME": str(tmp_path / "cache"), "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(house), **GIT_ENV}
    env |= {"PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_COMPILE": "1", "PRE_COMMIT_COLOR": "never"}

    def hook() -> subprocess.CompletedProcess[str]:
        cmd = [sys.executable, "-m", "pre_commit", "try-repo", str(tool), "maturity-validate", "--all-files"]
        return subprocess.run(cmd, cwd=org, env=env, capture_output=True, text=True, timeout=600)

    good = hook()
    assert good.returncode == 0, good.stdout + good.stderr
    assert "maturity validate" in good.stdout and "Passed" in good.stdout

    path = org / "answers/example-team.yaml"
    lines = path.read_text().splitlines(keepends=True)
    at = lines.index('      # exp.orchestrated: ""\n')
    lines[at] = '      exp.orchestrated: "maybe"\n'  # not on the answer scale
    path.write_text("".join(lines))
    _git(org, "add", "-A")
    bad = hook()
    assert bad.returncode == 1, bad.stdout + bad.stderr
    where = f"answers/example-team.yaml:{at + 1}:25: `maybe` is not on the answer scale of `google-mlops`"
    assert where in bad.stdout and "Failed" in bad.stdout
    assert str(REPO) not in bad.stdout  # the hook ran the tool built from the copy, not this checkout
