"""Shared fixtures: small frameworks and teams written into a temporary repository."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

DEMO_FRAMEWORK = """\
id: demo
title: Demo levels
version: "1.0"
sources:
  - {id: doc, title: Demo source}
levels:
  - {level: 0, name: Start}
  - {level: 1, name: Basic}
  - {level: 2, name: Advanced}
scoring:
  - rule: cumulative-levels
  - rule: weighted-percentage
  - rule: required-set
    name: Basics done
    sections: [build]
sections:
  - id: build
    title: Build
    statements:
      - {id: b1, text: Code is versioned., level: 1, source: "1"}
      - {id: b2, text: Builds are automated., level: 2, source: "2", weight: 3}
  - id: run
    title: Run
    statements:
      - {id: r1, text: Models are monitored., level: 1, source: "3"}
      - {id: r2, text: Retraining is triggered by monitoring., level: 2, source: "4"}
"""

RUBRIC_FRAMEWORK = """\
id: rub
title: Rubric demo
version: "2"
sources:
  - {id: doc, title: Rubric source}
levels:
  - {level: 0, name: None}
  - {level: 1, name: Some}
  - {level: 2, name: Lots}
scoring:
  - rule: rubric
sections:
  - id: strategy
    title: Strategy
    statements:
      - id: strategy
        kind: rubric
        text: Which fits?
        source: Strategy row
        choices:
          - {level: 0, text: nothing}
          - {level: 1, text: a little}
          - {level: 2, text: a lot}
  - id: people
    title: People
    statements:
      - id: people
        kind: rubric
        text: Which fits?
        source: People row
        choices:
          - {level: 0, text: nothing}
          - {level: 1, text: a little}
          - {level: 2, text: a lot}
"""


class Repo:
    """A throwaway assessment repository."""

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "frameworks").mkdir()
        (root / "answers").mkdir()

    def framework(self, name: str, text: str) -> Path:
        path = self.root / "frameworks" / f"{name}.yaml"
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def team(self, name: str, text: str) -> Path:
        path = self.root / "answers" / f"{name}.yaml"
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def raw_team(self, name: str, data: bytes) -> Path:
        path = self.root / "answers" / f"{name}.yaml"
        path.write_bytes(data)
        return path


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    r = Repo(tmp_path)
    r.framework("demo", DEMO_FRAMEWORK)
    r.framework("rub", RUBRIC_FRAMEWORK)
    return r
