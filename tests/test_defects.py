"""Defects that real frameworks exposed stay fixed."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import openpyxl
import pytest
from conftest import REPO, Repo

from generator.cli import main
from generator.model import ITEM_ID
from generator.project import load_project
from generator.scoring import score
from generator.site import pages


def test_a_team_below_the_first_level_is_not_also_called_not_assessed() -> None:
    project = load_project(REPO)
    team = project.team("demand-forecasting")
    assert team is not None
    org = pages.collect(project, pages.SiteOptions())
    section = next(s for s in pages.team_context(org, team)["sections"] if s["fw"].id == "five-levels")
    assert section["headline"] == "below level 1"
    assert section["level"] == "below level 1"  # the page shows it once, never "below level 1 · not assessed"


def test_a_dimension_nobody_answered_is_at_no_level(repo: Repo) -> None:
    repo.team("solo", "team: solo\nname: Solo\nframeworks:\n  demo:\n    answers:\n      b1: 'yes'\n")
    project = load_project(repo.root)
    fw = project.frameworks["demo"]
    team = project.team("solo")
    assert team is not None
    chart = str(pages._chart(fw, score(fw, team.frameworks["demo"])))
    assert "Level 1 · 25%" in chart  # build: b1 met (weight 1), b2 not answered (weight 3)
    assert "Level 0" not in chart  # run: nothing answered, so no level shown for it
    assert ">not assessed<" in chart


def test_ids_are_at_most_64_characters_in_code_message_and_schema(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    assert ITEM_ID.match("a" * 64) and not ITEM_ID.match("a" * 65)
    schema = json.loads((REPO / "generator/schemas/framework.schema.json").read_text())
    statement_id = {"type": "string", "pattern": schema["$defs"]["statement"]["properties"]["id"]["pattern"]}
    jsonschema.validate("a" * 64, statement_id)
    for bad in ("a" * 65, "has space", "a/b", ".hidden"):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, statement_id)
    path: Path = repo.root / "frameworks" / "demo.yaml"
    path.write_text(path.read_text().replace("id: b1,", f"id: {'b' * 65},"))
    assert main(["--root", str(repo.root), "validate"]) == 1
    assert "(at most 64, no spaces)" in capsys.readouterr().err
    path.write_text(path.read_text().replace(f"id: {'b' * 65},", f"id: {'b' * 64},"))
    assert main(["--root", str(repo.root), "validate"]) == 0


def test_workbook_guidance_is_plain_text(repo: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = repo.root / "frameworks" / "demo.yaml"
    guidance = 'guidance: "Use **one** pipeline, see [the guide](https://example.com/ci).\\n\\n- `lint`\\n- tests"'
    path.write_text(
        path.read_text().replace(
            '{id: b1, text: Code is versioned., level: 1, source: "1"}',
            "{id: b1, text: Code is versioned., level: 1, source: '1', " + guidance + "}",
        )
    )
    book = tmp_path / "blank.xlsx"
    assert main(["--root", str(repo.root), "export", "-o", str(book)]) == 0, capsys.readouterr().err
    ws = openpyxl.load_workbook(book)["demo"]
    header = [c.value for c in ws[1]]
    cell = ws.cell(2, header.index("Guidance") + 1).value
    assert cell == "Use one pipeline, see the guide (https://example.com/ci).\n\n\u2022 lint\n\u2022 tests"
