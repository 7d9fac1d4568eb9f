"""``maturity.yml``: the repository settings, read with located errors; its JSON Schema agrees."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from conftest import REPO

from generator.cli import main
from generator.problems import Problems
from generator.settings import Settings, load_settings

SCHEMA = json.loads((REPO / "generator/schemas/settings.schema.json").read_text())


def settings(tmp_path: Path, text: str | None) -> tuple[Settings, list[str]]:
    if text is not None:
        (tmp_path / "maturity.yml").write_text(text, encoding="utf-8")
    problems = Problems()
    return load_settings(tmp_path, problems), [str(p) for p in problems.sorted()]


def test_no_file_or_only_comments_means_defaults(tmp_path: Path) -> None:
    assert settings(tmp_path, None) == (Settings(), [])
    assert settings(tmp_path, "# nothing set yet\n\n") == (Settings(), [])


def test_admins(tmp_path: Path) -> None:
    got, problems = settings(tmp_path, '# settings\nadmins:\n  - "@acme/platform"\n  - ops@acme.example\n')
    assert problems == [] and got.admins == ("@acme/platform", "ops@acme.example") and got.admins_at == "maturity.yml:3:3"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('admin: ["@a"]\n', "maturity.yml:1:1: unknown key `admin` in maturity.yml (did you mean `admins`?)"),
        ("admins: [nobody here]\n", "maturity.yml:1:10: admin `nobody here` must be a GitHub @user, @org/team or an email"),
        ('admins: "@a"\n', "maturity.yml:1:9: admins must be a list, got `@a`"),
        ("admins: []\n", "maturity.yml:1:9: admins must name at least one owner"),
        ("admins: [\n", "maturity.yml:2:1: YAML syntax error"),
        ("- admins\n", "maturity.yml:1:1: maturity.yml must be a mapping (key: value), got a list"),
        ("paper: A5\n", "maturity.yml:1:8: paper `A5` is not one of A4, Letter"),
        ("list_teams_up_to: -1\n", "maturity.yml:1:19: list_teams_up_to must be 0 or more, got -1"),
        ("list_teams_up_to: many\n", "maturity.yml:1:19: list_teams_up_to must be a whole number"),
    ],
)
def test_bad_settings_are_located(tmp_path: Path, text: str, message: str) -> None:
    got, problems = settings(tmp_path, text)
    assert got == Settings() and len(problems) == 1 and problems[0].startswith(message), problems
    if not message.startswith("maturity.yml:2:1"):  # the schema agrees on what is wrong (YAML errors aside)
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(yaml.safe_load(text), SCHEMA)


def test_paper(tmp_path: Path) -> None:
    assert Settings().paper == "A4"
    got, problems = settings(tmp_path, "paper: letter\n")
    assert problems == [] and got.paper == "Letter"
    jsonschema.validate({"paper": "letter"}, SCHEMA)


def test_list_teams_up_to(tmp_path: Path) -> None:
    assert Settings().list_teams_up_to == 200
    got, problems = settings(tmp_path, "list_teams_up_to: 1000\n")
    assert problems == [] and got.list_teams_up_to == 1000
    jsonschema.validate({"list_teams_up_to": 0}, SCHEMA)


def test_schema_accepts_this_repository_settings() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    jsonschema.validate(yaml.safe_load((REPO / "maturity.yml").read_text()), SCHEMA)


def test_validate_reports_bad_settings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "frameworks").mkdir()
    (tmp_path / "maturity.yml").write_text("adminz: []\n")
    assert main(["--root", str(tmp_path), "validate"]) == 1
    assert "maturity.yml:1:1: unknown key `adminz` in maturity.yml (did you mean `admins`?)" in capsys.readouterr().err
