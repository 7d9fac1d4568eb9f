"""Helpers shared by the workbook tests (no tests here)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from generator.cli import main
from generator.project import Project, load_project

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "workbooks"
PROJECT = FIXTURES / "project"
TEAM = "fraud-detection"
#: The day the commands run on in these tests (imports stamp it on the answers they change).
TODAY = dt.date(2026, 11, 26)


def copy_project(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(PROJECT, root)
    return root


def load(root: Path) -> Project:
    project = load_project(root)
    assert not project.problems, project.problems.sorted()
    return project


def cli(capsys: pytest.CaptureFixture[str], root: Path, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    rc = main(["--root", str(root), *args], today=TODAY)
    out, err = capsys.readouterr()
    return rc, out, err


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted((root / "answers").rglob("*")) if p.is_file()}


def answers_of(root: Path, team: str = TEAM) -> dict[str, dict[str, tuple[str, str, tuple[str, ...]]]]:
    t = load(root).team(team)
    assert t is not None
    return {fid: {sid: (a.value, a.note, a.evidence) for sid, a in fa.answers.items()} for fid, fa in t.frameworks.items()}
