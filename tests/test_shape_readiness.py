"""A test-list-shaped framework: tests scored 0 / 0.5 / 1, section = sum, final = the weakest section, read through bands."""

from __future__ import annotations

from pathlib import Path

import pytest
from shapes import (
    SHAPES,
    assert_aggregates_match,
    assert_refused,
    edited_history,
    load,
    pages_of,
    recalculated_books,
    run,
    shapes_repo,
)

from generator.scoring import score


def test_scores_and_bands_as_computed_by_hand() -> None:
    project = load()
    fw = project.frameworks["readiness"]
    team_b, team_c = project.team("team-b"), project.team("team-c")
    assert team_b is not None and team_c is not None
    b = score(fw, team_b.frameworks["readiness"])
    agg = b.aggregates[0]
    assert dict(agg.sections) == {"data": 2.5, "model": 2.0, "infra": 1.0, "monitor": 3.0}  # n/a left out of infra
    assert agg.overall == 1.0  # the weakest section
    assert agg.maximum == 3
    assert b.level == 2  # 1.0 falls in the band from 1 (to 1.5)
    assert b.headline.text == "Level 2"
    c = score(fw, team_c.frameworks["readiness"])
    assert c.aggregates[0].sections["data"] == 1.0
    assert c.aggregates[0].sections["model"] is None  # nothing answered there: shown as not assessed
    assert c.aggregates[0].overall == 0.0  # ...but it counts 0 in the final score, like any unanswered test
    assert c.level == 0
    assert score(fw, None).headline.text == "not assessed"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("{level: 3, from: 1.5}", "{level: 3, from: 1}", "band of level 3 (from 1) overlaps the band of level 2"),
        ("{level: 0, from: 0}", "{level: 0, from: 0.25}", "scores from 0 to 0.25 fall in no band"),
        ("{level: 1, from: 0.5}", "{level: 1, from: 0.5, to: 0.75}", "scores from 0.75 to 1 fall in no band"),
        ("{level: 5, from: 3}", "{level: 5, from: 3, to: 3}", "band of level 5 ends at 3, not after its start 3"),
        ("{level: 5, from: 3}", "{level: 5, from: 2.5, to: 2.75}", "scores from 2.75 to 3 fall in no band of `Final score`"),
        ("{level: 5, from: 3}", "{level: 6, from: 3}", "a band of `Final score` gives level 6, which `levels` does not declare"),
        ("by_depth: [sum]", "by_depth: [sum, mean]", "`Final score` aggregates 2 depths, deeper than the hierarchy (1)"),
        ("overall: min", "overall: median", "aggregation must be one of mean, sum, min, got `median`"),
    ],
)
def test_bad_aggregation_is_refused_with_its_location(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], old: str, new: str, message: str
) -> None:
    assert_refused(capsys, shapes_repo(tmp_path), "readiness", old, new, message)


def test_live_workbook_formulas_equal_the_engine_after_libreoffice(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = shapes_repo(tmp_path)
    project = load(root)
    for team, book in zip(("team-b", "team-c"), recalculated_books(capsys, root, tmp_path, "team-b", "team-c"), strict=True):
        assert assert_aggregates_match(book, project, team) >= 7


def test_pages_read_the_bands(tmp_path: Path) -> None:
    docs = pages_of(SHAPES, tmp_path / "docs")
    fw_page = (docs / "framework" / "readiness.md").read_text()
    assert "level 0 from 0, level 1 from 0.5, level 2 from 1, level 3 from 1.5, level 4 from 2, level 5 from 3" in fw_page
    team = (docs / "team" / "team-b" / "index.md").read_text()
    assert "<h3>Final score: 1.00 / 3</h3>" in team
    assert 'Data tests</th><td class="hm hm-4">2.50 / 3</td>' in team


def test_diff_shows_the_declared_score_beside_the_level(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo, _ = edited_history(tmp_path / "repo", "readiness", "team-b", lambda a: a.replace("infra-3: n/a", "infra-3: automated"))
    code, out, err = run(capsys, repo.root, "diff", "HEAD~1", "HEAD", "--format", "markdown")
    assert code == 0, err
    # Before: weakest section infra 0.5 + 0.5 = 1 -> level 2; 8.5 of 11 points = 77%.
    # After: infra 0.5 + 0.5 + 1 = 2, model 2 -> weakest 2 -> level 4; 9.5 of 12 = 79%.
    before, after = "Level 2 · 77% · Final score 1.00 / 3", "Level 4 · 79% · Final score 2.00 / 3"
    assert f"| ▲ | Team B `team-b` | Service readiness tests | {before} | {after} |" in out


def test_a_filled_workbook_imports_and_moves_the_final_score(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from shapes import fill

    root = shapes_repo(tmp_path)
    book, filled = tmp_path / "c.xlsx", tmp_path / "filled.xlsx"
    assert run(capsys, root, "export", "-t", "team-c", "-o", str(book))[0] == 0
    # One test per section now done by hand (0.5 each): every section sums to at least 0.5 -> level 1.
    fill(book, filled, "readiness", {"model-1": "Done by hand", "infra-1": "Done by hand", "mon-1": "Done by hand"})
    code, out, err = run(capsys, root, "import", str(filled), "--keep-dates")
    assert code == 0, err
    assert "team-c / readiness / model-1: (not assessed) -> manual" in out
    assert "team-c / readiness: Level 0 · 8% -> Level 1 · 21%" in out  # 1 of 12 points, then 2.5 of 12
    team = load(root).team("team-c")
    assert team is not None
    result = score(load(root).frameworks["readiness"], team.frameworks["readiness"])
    assert result.aggregates[0].overall == 0.5 and result.headline.text == "Level 1"
