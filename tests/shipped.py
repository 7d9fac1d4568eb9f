"""Helpers (no tests) for the tests of the shipped frameworks in ``frameworks/``."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

from generator.model import Answer, Framework, FrameworkAnswers
from generator.project import Project, load_project

ROOT = Path(__file__).resolve().parents[1]
SCHEMA_HEADER = "# yaml-language-server: $schema=../generator/schemas/framework.schema.json\n"


@lru_cache(maxsize=1)
def shipped_project() -> Project:
    return load_project(ROOT)


def shipped_framework(fid: str) -> Framework:
    """The framework ``fid`` as shipped, asserting its file has no problems."""
    project = shipped_project()
    mine = [str(p) for p in project.problems.items if Path(p.path).name == f"{fid}.yaml"]
    assert not mine, mine
    assert fid in project.frameworks
    return project.frameworks[fid]


def make_answers(fid: str, values: Mapping[str, str]) -> FrameworkAnswers:
    """Answers (statement id -> value) to framework ``fid``, as an answer file would give them."""
    return FrameworkAnswers(fid, MappingProxyType({k: Answer(k, v) for k, v in values.items()}))


def all_yes(fw: Framework, **changes: str) -> FrameworkAnswers:
    """Every statement "yes", except the ones given (keys use `__` for `.` and `_` for `-`)."""
    values = {s.id: "yes" for s in fw.statements}
    for key, value in changes.items():
        sid = key.replace("__", ".").replace("_", "-")
        assert sid in values, sid
        values[sid] = value
    return make_answers(fw.id, values)
