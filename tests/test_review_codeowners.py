"""`maturity codeowners`: the generated file, --check, --admins and the check for `maturity validate`."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_review_support import DEMO, team_yaml

from generator.cli import main
from generator.project import load_project
from generator.review import codeowners


@pytest.fixture
def project_root(tmp_path: Path) -> Path:
    (tmp_path / "frameworks").mkdir()
    (tmp_path / "frameworks/demo.yaml").write_text(DEMO, encoding="utf-8")
    (tmp_path / "answers/ml").mkdir(parents=True)
    (tmp_path / "answers/fraud.yaml").write_text(team_yaml("fraud", "Fraud", {"b1": "yes"}, ("@acme/fraud-ml", "@alice")))
    (tmp_path / "answers/ml/search.yaml").write_text(team_yaml("search", "Search", {"b1": "no"}, ("search@acme.example",)))
    (tmp_path / "answers/lonely.yaml").write_text(team_yaml("lonely", "Lonely", {"b1": "no"}))
    return tmp_path


def cli(root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["--root", str(root), "codeowners", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_generated_file(project_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project_root / "maturity.yml").write_text('admins:\n  - "@acme/platform"\n  - root@acme.example\n')
    code, out, _ = cli(project_root, capsys)
    assert code == 0 and "wrote .github/CODEOWNERS: 3 teams" in out
    text = (project_root / ".github/CODEOWNERS").read_text()
    body = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert body == [
        "* @acme/platform root@acme.example",
        "/frameworks/ @acme/platform root@acme.example",
        "/.github/ @acme/platform root@acme.example",
        "/answers/fraud.yaml @acme/fraud-ml @alice",
        "/answers/lonely.yaml @acme/platform root@acme.example",  # no owners: the admins review it
        "/answers/ml/search.yaml search@acme.example",
    ]
    assert cli(project_root, capsys, "--check")[0] == 0


def test_no_admins_anywhere_is_refused(project_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The tool never invents an owner: with no setting, no --admins and no file, it says where to name them."""
    code, _, err = cli(project_root, capsys)
    assert code == 1 and "no admins for CODEOWNERS: add `admins:" in err and "maturity.yml" in err
    assert not (project_root / ".github").exists()


def test_admins_from_option_are_kept_on_regeneration(project_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cli(project_root, capsys, "--admins", "@acme/admins, @root")
    assert "* @acme/admins @root\n" in (project_root / ".github/CODEOWNERS").read_text()
    (project_root / "answers/new.yaml").write_text(team_yaml("new", "New", {"b1": "yes"}, ("@new-team",)))
    code, out, _ = cli(project_root, capsys)  # no --admins: the ones in the file stay
    text = (project_root / ".github/CODEOWNERS").read_text()
    assert code == 0 and "* @acme/admins @root\n" in text and "/answers/new.yaml @new-team\n" in text
    assert cli(project_root, capsys, "--check")[0] == 0


def test_setting_wins_and_conflicting_option_is_refused(project_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cli(project_root, capsys, "--admins", "@old/admins")
    (project_root / "maturity.yml").write_text("admins: [\"@acme/platform\"]\n")
    # the file names old admins: validate warns (not an error), and regenerating takes the setting
    assert [(p.severity, p.path) for p in codeowners.check(load_project(project_root)).items] == [
        ("warning", ".github/CODEOWNERS")
    ]
    assert cli(project_root, capsys)[0] == 0
    assert "* @acme/platform\n" in (project_root / ".github/CODEOWNERS").read_text()
    code, _, err = cli(project_root, capsys, "--admins", "@someone-else")
    assert code == 1 and "the admins are set in maturity.yml:1:9 (@acme/platform); change them there" in err
    assert "* @acme/platform\n" in (project_root / ".github/CODEOWNERS").read_text()


def test_check_reports_out_of_date(project_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project_root / "maturity.yml").write_text("admins: [\"@acme/platform\"]\n")
    code, _, err = cli(project_root, capsys, "--check")
    assert code == 1 and "CODEOWNERS is missing" in err
    assert not (project_root / ".github").exists()  # --check writes nothing
    assert not codeowners.check(load_project(project_root)).items  # validate: no file, nothing to say
    cli(project_root, capsys)
    (project_root / "answers/new.yaml").write_text(team_yaml("new", "New", {"b1": "yes"}, ("@new-team",)))
    code, _, err = cli(project_root, capsys, "--check")
    assert code == 1 and "out of date" in err
    problems = codeowners.check(load_project(project_root))
    assert [str(p) for p in problems.items] == [
        ".github/CODEOWNERS:1:1: warning: out of date with maturity.yml and the owners in answers/; run `maturity codeowners`"
    ]
    assert not problems  # a warning: validate and build still pass (the admins own the new file meanwhile)
    assert main(["--root", str(project_root), "validate"]) == 0
    assert "CODEOWNERS:1:1: warning: out of date" in capsys.readouterr().err
    cli(project_root, capsys)
    assert not codeowners.check(load_project(project_root)).items


def test_invalid_owner_and_invalid_project(project_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project_root / "maturity.yml").write_text("admins: [\"@acme/platform\"]\n")
    (project_root / "answers/bad.yaml").write_text(team_yaml("bad", "Bad", {"b1": "yes"}, ("not an owner",)))
    code, _, err = cli(project_root, capsys)
    assert code == 1 and "answers/bad.yaml:4:10: owner `not an owner` must be a GitHub @user, @org/team or an email" in err
    assert not (project_root / ".github/CODEOWNERS").exists()
    (project_root / "answers/bad.yaml").write_text("team: bad\nname: [oops\n")
    code, _, err = cli(project_root, capsys)
    assert code == 1 and "answers/bad.yaml:" in err and "Traceback" not in err


def test_paths_with_spaces_are_escaped() -> None:
    assert codeowners._pattern("answers/my team.yaml") == "/answers/my\\ team.yaml"
