"""`maturity scores`: what the site shows, machine-readable, checked against hand-computed figures and its schema."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import jsonschema
import pytest
from conftest import DEMO_FRAMEWORK, REPO

from generator.cli import main

SCHEMA = json.loads((REPO / "generator/schemas/scores.schema.json").read_text())
TODAY = dt.date(2026, 6, 1)
TEAM = """\
team: alpha
name: Alpha
group: Payments
owners: ["@org/alpha"]
frameworks:
  demo:
    target: 2
    assessed: 2026-05-01
    answers:
      b1: "yes"
      b2:
        answer: partial
        note: "=cmd|' /C calc'!A0"
        evidence: [https://example.com/ci]
      r1: "yes"
      r2: "no"
"""


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "frameworks").mkdir()
    (tmp_path / "answers").mkdir()
    (tmp_path / "frameworks/demo.yaml").write_text(DEMO_FRAMEWORK)
    (tmp_path / "answers/alpha.yaml").write_text(TEAM)
    (tmp_path / "answers/beta.yaml").write_text('team: beta\nname: Beta\nframeworks:\n  demo:\n    answers: {b1: "no"}\n')
    return tmp_path


def scores(root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["--root", str(root), "scores", *args], today=TODAY)
    out, err = capsys.readouterr()
    return code, out, err


def test_json_matches_hand_computed_figures_and_the_schema(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = scores(root, capsys, "--team", "alpha")
    assert code == 0
    doc = json.loads(out)
    jsonschema.validate(doc, SCHEMA)
    assert doc["format"] == "maturity-scores/1" and doc["date"] == "2026-06-01"
    [team] = doc["teams"]
    assert (team["id"], team["group"], team["owners"]) == ("alpha", "Payments", ["@org/alpha"])
    assert team["file"] == "answers/alpha.yaml"
    [fw] = team["frameworks"]
    # weights: b1 1, b2 3, r1 1, r2 1; yes 1, partial 0.5, no 0 -> (1 + 1.5 + 1 + 0) / 6
    assert (fw["earned"], fw["possible"], fw["percent"]) == (3.5, 6.0, 58.3333)
    # level 1 reached in both dimensions (b1, r1 yes); level 2 blocked by b2 (partial never passes a gate) and r2
    assert (fw["level"], fw["level_text"], fw["next_level"], fw["blockers"]) == (1, "Level 1: Basic", 2, ["b2", "r2"])
    assert [(d["id"], d["level"], d["blockers"]) for d in fw["dimensions"]] == [("build", 1, ["b2"]), ("run", 1, ["r2"])]
    assert fw["headline"] == {"rule": "cumulative-levels", "text": "Level 1", "ratio": 0.5}
    assert fw["required_sets"] == [
        {
            "name": "Basics done",
            "sections": ["build"],
            "met": False,
            "met_count": 1,
            "total": 2,
            "unmet": ["b2"],
            "not_assessed": [],
        }  # noqa: E501
    ]
    assert [(s["id"], s["percent"], s["earned"], s["possible"]) for s in fw["sections"]] == [
        ("build", 62.5, 2.5, 4.0),
        ("run", 50.0, 1.0, 2.0),
    ]
    assert fw["target"] == {"level": 2, "percent": None, "text": "Level 2: Advanced", "met": False, "due": None, "overdue": False}
    assert fw["freshness"] == {
        "last_assessed": "2026-05-01", "oldest_assessed": "2026-05-01", "max_age_days": 365, "is_stale": False,
        "age_days": 31, "last_age_days": 31, "stale": [],
    }  # fmt: skip
    assert team["freshness"] == {
        "last_reviewed": "2026-05-01", "age_days": 31, "is_stale": False, "stale_answers": 0, "stale_frameworks": [],
        "overdue_targets": [],
    }  # fmt: skip
    b2 = fw["statements"][1]
    assert b2 == {
        "id": "b2", "section": "build", "kind": "statement", "level": 2, "weight": 3.0, "answer": "partial", "status": "partial",
        "score": 0.5, "met": False, "note": "=cmd|' /C calc'!A0", "evidence": ["https://example.com/ci"],
        "assessed": "2026-05-01", "age_days": 31, "stale": False, "source": {"file": "answers/alpha.yaml", "line": 11},
        "inferred": None,
    }  # fmt: skip
    assert [s["status"] for s in fw["statements"]] == ["yes", "partial", "yes", "no"]


def test_unassessed_team_and_csv(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = json.loads(scores(root, capsys)[1])
    jsonschema.validate(doc, SCHEMA)
    beta = doc["teams"][1]["frameworks"][0]
    assert (beta["level"], beta["percent"], beta["target"]) == (0, 0.0, None)
    assert beta["statements"][2] == {
        "id": "r1", "section": "run", "kind": "statement", "level": 1, "weight": 1.0, "answer": None, "status": "not assessed",
        "score": None, "met": False, "note": "", "evidence": [], "assessed": None, "age_days": None, "stale": False,
        "source": None, "inferred": None,
    }  # fmt: skip
    code, out, _ = scores(root, capsys, "--format", "csv", "--framework", "demo")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(rows) == 8 and [r["team"] for r in rows] == ["alpha"] * 4 + ["beta"] * 4
    assert rows[1]["note"] == "'=cmd|' /C calc'!A0"  # never a formula in a spreadsheet
    assert {k: rows[1][k] for k in ("level", "percent", "target", "target_met", "answer", "score", "source")} == {
        "level": "1", "percent": "58.3333", "target": "Level 2: Advanced", "target_met": "false", "answer": "partial",
        "score": "0.5", "source": "answers/alpha.yaml:11",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--team", "gamma"], "unknown team `gamma`; the known ones are: alpha, beta"), (["-f", "dem"], "unknown framework `dem`")],
)
def test_unknown_ids(root: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str) -> None:
    code, out, err = scores(root, capsys, *args)
    assert code == 1 and out == "" and message in err


GAMMA = """\
team: gamma
name: Gamma
frameworks:
  demo:
    target: 2
    target_due: 2026-05-01
    assessed: 2025-03-01
    answers:
      b1: "yes"
      b2:
        answer: "yes"
        assessed: 2026-05-20
      r1: "no"
"""


def test_stale_answers_and_overdue_targets_with_their_age(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """On 2026-06-01 with the default maximum age (365 days) answers dated before 2025-06-01 are stale."""
    (root / "answers/gamma.yaml").write_text(GAMMA)
    code, out, err = scores(root, capsys, "--team", "gamma")
    assert code == 0
    doc = json.loads(out)
    jsonschema.validate(doc, SCHEMA)
    [team] = doc["teams"]
    [fw] = team["frameworks"]
    # 2025-03-01 -> 2026-06-01: 365 + 31 (Mar) + 30 (Apr) + 31 (May) = 457 days; 2026-05-20 -> 2026-06-01: 12 days
    assert [(s["id"], s["assessed"], s["age_days"], s["stale"]) for s in fw["statements"]] == [
        ("b1", "2025-03-01", 457, True), ("b2", "2026-05-20", 12, False), ("r1", "2025-03-01", 457, True),
        ("r2", None, None, False),
    ]  # fmt: skip
    assert fw["freshness"] == {
        "last_assessed": "2026-05-20", "oldest_assessed": "2025-03-01", "max_age_days": 365, "is_stale": True,
        "age_days": 457, "last_age_days": 12, "stale": ["b1", "r1"],
    }  # fmt: skip
    # level 2 needs r1 (no) and r2 (not assessed): not met, and 2026-05-01 has passed
    assert fw["target"]["due"] == "2026-05-01" and fw["target"]["met"] is False and fw["target"]["overdue"] is True
    assert team["freshness"] == {
        "last_reviewed": "2026-05-20", "age_days": 12, "is_stale": True, "stale_answers": 2, "stale_frameworks": ["demo"],
        "overdue_targets": ["demo"],
    }  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(scores(root, capsys, "--team", "gamma", "--format", "csv")[1])))
    assert [(r["statement"], r["age_days"], r["stale"], r["target_due"], r["target_overdue"]) for r in rows] == [
        ("b1", "457", "true", "2026-05-01", "true"), ("b2", "12", "false", "2026-05-01", "true"),
        ("r1", "457", "true", "2026-05-01", "true"), ("r2", "", "false", "2026-05-01", "true"),
    ]  # fmt: skip


def test_maximum_age_from_the_settings(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The repository's `max_age_by_framework` decides, as on the site: alpha's 31-day-old answers are stale at 30 days."""
    (root / "maturity.yml").write_text("max_age_by_framework:\n  demo: 30 days\n")
    doc = json.loads(scores(root, capsys, "--team", "alpha")[1])
    fresh = doc["teams"][0]["frameworks"][0]["freshness"]
    assert (fresh["max_age_days"], fresh["is_stale"], fresh["age_days"]) == (30, True, 31)
    assert fresh["stale"] == ["b1", "b2", "r1", "r2"]
