"""Answers age: stale answers and overdue targets are warnings in validate, measured from a fixed day."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import Repo

from generator.cli import main
from generator.freshness import freshness
from generator.project import load_project
from generator.settings import parse_duration

TODAY = dt.date(2026, 11, 26)

TEAM = """\
team: alpha
name: Alpha
frameworks:
  demo:
    target: 2
    target_due: 2026-06-30
    assessed: 2026-01-02
    answers:
      b1: {answer: "yes", assessed: 2025-06-01}
      b2: "no"
      r1: {answer: "yes", assessed: 2025-11-25}
  rub:
    target: 1
    target_due: 2027-01-31
    answers:
      strategy: 2
"""


def validate(repo: Repo, capsys: pytest.CaptureFixture[str], today: dt.date = TODAY) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["--root", str(repo.root), "validate"], today=today)
    return code, capsys.readouterr().err


def test_stale_answers_and_overdue_targets_are_warnings(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.team("alpha", TEAM)
    code, err = validate(repo, capsys)
    assert code == 0  # warnings, never errors
    # the default maximum age, 365 days: stale before 2025-11-26, so b1 (2025-06-01) and r1 (2025-11-25);
    # b2 has the framework's date, 2026-01-02
    assert err.splitlines() == [
        "answers/alpha.yaml:5:1: warning: 2 of 3 answers to `demo` are stale: assessed more than 1 year ago "
        "(the oldest on 2025-06-01); review them and update their `assessed:` date",
        "answers/alpha.yaml:5:1: warning: the target level 2 for `demo` was due on 2026-06-30 and is not met",
    ]
    # on the due date itself: not overdue yet; and r1 is not stale then (stale before 2025-06-30)
    code, err = validate(repo, capsys, dt.date(2026, 6, 30))
    assert "was due" not in err and "1 of 3 answers to `demo` are stale" in err


def test_max_age_from_the_settings(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.team("alpha", TEAM)
    (repo.root / "maturity.yml").write_text("max_age: 6 months\nmax_age_by_framework:\n  demo: 2 years\n")
    project = load_project(repo.root, today=TODAY)
    assert project.settings.max_age("demo") == 730 and project.settings.max_age("rub") == 180
    assert not [p for p in project.problems.items if "stale" in p.message]  # nothing is 2 years old
    (repo.root / "maturity.yml").write_text("max_age: 30 days\n")
    fa = load_project(repo.root, today=TODAY).teams[0].frameworks["demo"]
    assert freshness(fa, 30, TODAY).stale == ("b1", "b2", "r1")  # b2: the framework's 2026-01-02
    assert freshness(fa, 30, TODAY).last == dt.date(2026, 1, 2)


def test_a_max_age_that_is_not_a_duration(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    (repo.root / "maturity.yml").write_text("max_age: soon\nmax_age_by_framework:\n  demo: -3 days\n")
    code, err = validate(repo, capsys)
    assert code == 1
    assert "maturity.yml:1:10: `soon` is not a duration; write it like `90 days`, `6 weeks`, `12 months` or `1 year`" in err
    assert "maturity.yml:3:9: `-3 days` is not a duration" in err
    assert [parse_duration(t) for t in ("90 days", "6 weeks", "12 months", "1 year", "2y", "0 days", "")] == [
        90, 42, 360, 365, 730, None, None,
    ]  # fmt: skip


def test_due_date_checks(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    early = TEAM.replace("target_due: 2026-06-30", "target_due: 2025-12-31")
    repo.team("alpha", early)
    code, err = validate(repo, capsys)
    assert code == 0 and "answers/alpha.yaml:6:17: warning: target_due 2025-12-31 is before the assessment date 2026-01-02" in err
    repo.team("alpha", TEAM.replace("target_due: 2026-06-30", "target_due: end of june"))
    code, err = validate(repo, capsys)
    assert code == 1 and "answers/alpha.yaml:6:17: target_due must be a date like 2026-03-31, got `end of june`" in err
    repo.team("alpha", TEAM.replace("    target: 2\n", ""))
    code, err = validate(repo, capsys)
    assert code == 1 and "answers/alpha.yaml:5:17: target_due without a target" in err


def test_build_prints_the_same_warnings_as_validate(repo: Repo, capsys: pytest.CaptureFixture[str], tmp_path_factory) -> None:  # type: ignore[no-untyped-def]
    repo.team("alpha", TEAM)
    _, warned = validate(repo, capsys)
    site = tmp_path_factory.mktemp("out") / "site"
    code = main(["--root", str(repo.root), "build", "--site-dir", str(site)], today=TODAY)
    err = capsys.readouterr().err
    assert code == 0 and (site / "index.html").is_file()  # warnings never stop the build
    stale, overdue = warned.splitlines()
    assert stale.startswith("answers/alpha.yaml:5:1: warning: 2 of 3 answers to `demo` are stale")
    assert stale in err.splitlines() and overdue in err.splitlines()
