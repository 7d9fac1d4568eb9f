"""A practice-shaped framework: functions > practices > streams > one question per level, each question in its own words."""

from __future__ import annotations

from pathlib import Path

import pytest
from shapes import (
    SHAPES,
    assert_aggregates_match,
    dropdown,
    edited_history,
    fill,
    load,
    pages_of,
    recalculated_books,
    run,
    shapes_repo,
)

from generator.scoring import score


def test_validates_and_scores_as_computed_by_hand() -> None:
    project = load()
    fw = project.frameworks["practices"]
    assert [fw.scale_of(fw.by_id[s]).name for s in ("bt-a1", "bt-a3", "bt-b1", "bd-b3", "ri-a1")] == [
        "coverage",
        "depth",  # a statement's own scale wins over its section's
        "depth",
        "reviews",
        "owners",
    ]
    team = project.team("team-a")
    assert team is not None
    result = score(fw, team.frameworks["practices"])
    # 16 of 18 answered; scores 1+.5+.5 +1+.25+0 +.25+0 +.5+.25+.5 +1+.5+1 +1+.25 = 8.5 (the two unanswered count 0)
    assert result.percent == pytest.approx(100 * 8.5 / 18)
    by_section = {s.section.id: s.percent for s in result.sections}
    assert by_section["build.tests.a"] == pytest.approx(100 * 2 / 3)
    assert by_section["build.tests.b"] == pytest.approx(100 * 1.25 / 3)
    assert by_section["build.deps.a"] == pytest.approx(100 * 0.25 / 3)
    assert result.by_id["bt-a2"].answer.value == "most"  # type: ignore[union-attr]  # answered by its label


def test_undeclared_scale_is_refused_with_its_location(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = shapes_repo(tmp_path)
    path = root / "frameworks" / "practices.yaml"
    text = path.read_text()
    path.write_text(text.replace("scale: reviews}", "scale: review}"))
    code, _, err = run(capsys, root, "validate")
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "bd-b3" in t)
    assert code == 1
    assert f"frameworks/practices.yaml:{line}:" in err
    assert "scale `review` is not declared under `scales` (did you mean `reviews`?)" in err


def test_an_answer_in_another_scales_words_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = shapes_repo(tmp_path)
    path = root / "answers" / "team-a.yaml"
    path.write_text(path.read_text().replace("bt-a1: all ", "bt-a1: funded "))
    code, _, err = run(capsys, root, "validate")
    assert code == 1
    assert "`funded` is not on the `coverage` scale of `practices`" in err
    assert "none, some, most, all" in err


def test_workbook_dropdown_shows_each_rows_wording_and_import_accepts_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = shapes_repo(tmp_path)
    book = tmp_path / "a.xlsx"
    assert run(capsys, root, "export", "-t", "team-a", "-o", str(book))[0] == 0
    sheet = "practices"
    coverage = [
        "No, not at all",
        "Yes, for some of the services",
        "Yes, for most of the services",
        "Yes, for all of the services",
    ]
    assert dropdown(book, sheet, "bd-a3") == coverage
    assert dropdown(book, sheet, "bt-a3") == ["No", "Yes, when someone remembers", "Yes, on a plan", "Yes, and we measure it"]
    assert dropdown(book, sheet, "ri-b3")[2] == "Reviewed every quarter"
    filled = tmp_path / "filled.xlsx"
    fill(book, filled, sheet, {"bd-a3": "Yes, for all of the services", "ri-b3": "reviewed every quarter"})
    code, out, err = run(capsys, root, "import", str(filled))
    assert code == 0, err
    assert "team-a / practices / bd-a3: (not assessed) -> all" in out
    assert "team-a / practices / ri-b3: (not assessed) -> quarterly" in out
    text = (root / "answers" / "team-a.yaml").read_text()
    assert "bt-a1: all            # 1" in text  # comments kept


def test_framework_page_shows_each_scales_wording(tmp_path: Path) -> None:
    page = (pages_of(SHAPES, tmp_path / "docs") / "framework" / "practices.md").read_text()
    assert (
        "Answers on the <code>coverage</code> scale: <code>none</code> No, not at all (0), "
        "<code>some</code> Yes, for some of the services (0.25)"
    ) in page
    assert "answered on the <code>reviews</code> scale" in page
    assert "Answers: <code>yes</code>" not in page  # no statement is on the default scale


def test_declared_aggregation_scores_as_computed_by_hand() -> None:
    project = load()
    fw = project.frameworks["practices"]
    team = project.team("team-a")
    assert team is not None
    agg = score(fw, team.frameworks["practices"]).aggregates[0]
    # streams are sums of their three questions (0..3)
    streams = {"build.tests.a": 2.0, "build.tests.b": 1.25, "build.deps.a": 0.25, "build.deps.b": 1.25}
    streams |= {"run.incidents.a": 2.5, "run.incidents.b": 1.25}
    for sid, want in streams.items():
        assert agg.sections[sid] == pytest.approx(want), sid
    # practices are means of their two streams, functions means of their practices, overall the mean of functions
    assert agg.sections["build.tests"] == pytest.approx(1.625)
    assert agg.sections["build.deps"] == pytest.approx(0.75)
    assert agg.sections["build"] == pytest.approx((1.625 + 0.75) / 2)
    assert agg.sections["run"] == pytest.approx(1.875)
    assert agg.overall == pytest.approx((1.1875 + 1.875) / 2)
    assert agg.maximum == 3
    result = score(fw, team.frameworks["practices"])
    assert result.headline.text == "1.53 / 3"
    assert score(fw, None).headline.text == "not assessed"


def test_live_workbook_formulas_equal_the_engine_after_libreoffice(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = shapes_repo(tmp_path)
    (recalculated,) = recalculated_books(capsys, root, tmp_path, "team-a")
    # headline, overall and 11 sections; then per level (3) the overall and 11 sections
    assert assert_aggregates_match(recalculated, load(root), "team-a") == 1 + 12 + 3 * 12


def test_score_per_section_and_level_as_computed_by_hand(tmp_path: Path) -> None:
    project = load()
    fw = project.frameworks["practices"]
    team = project.team("team-a")
    assert team is not None
    agg = score(fw, team.frameworks["practices"]).aggregates[0]
    by_level = {sl.level: sl for sl in agg.by_level}
    assert sorted(by_level) == [1, 2, 3]
    # Level 1: streams bt-a1 1, bt-b1 1 | bd-a1 0.25, bd-b1 0.5 | ri-a1 1, ri-b1 1.
    one = by_level[1]
    assert one.sections["build.tests"] == pytest.approx(1.0)
    assert one.sections["build.deps"] == pytest.approx(0.375)
    assert one.sections["build"] == pytest.approx(0.6875)
    assert one.overall == pytest.approx((0.6875 + 1.0) / 2)
    assert one.maximum == 1
    # Level 2: 0.5, 0.25 | 0, 0.25 | 0.5, 0.25.
    assert by_level[2].sections["run.incidents"] == pytest.approx(0.375)
    assert by_level[2].overall == pytest.approx(((0.375 + 0.125) / 2 + 0.375) / 2)
    # Level 3: bd-a3 and ri-b3 unanswered: their streams are not assessed but count 0 above them.
    three = by_level[3]
    assert three.sections["build.deps.a"] is None and three.sections["run.incidents.b"] is None
    assert three.sections["build.deps"] == pytest.approx(0.25)
    assert three.overall == pytest.approx((0.25 + 0.5) / 2)
    # The levels add up to the whole for a stream (sums): 1 + 0.5 + 0.5 = 2 for unit tests.
    assert sum(by_level[lv].sections["build.tests.a"] or 0 for lv in (1, 2, 3)) == pytest.approx(agg.sections["build.tests.a"])
    page = (pages_of(SHAPES, tmp_path / "docs") / "team" / "team-a" / "index.md").read_text()
    heads = ("Level 1: 0.84 / 1", "Level 2: 0.31 / 1", "Level 3: 0.38 / 1")
    assert "".join(f'<th scope="col">{h}</th>' for h in heads) in page
    assert '<th scope="row">\u2003Dependencies</th><td class="hm hm-1">0.75 / 3</td><td class="hm hm-1">0.38 / 1</td>' in page


def test_scores_give_the_score_per_level(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    code, out, err = run(capsys, SHAPES, "scores", "--team", "team-a", "--framework", "practices", "--format", "json")
    assert code == 0, err
    agg = json.loads(out)["teams"][0]["frameworks"][0]["aggregates"][0]
    levels = [(b["level"], b["overall"], b["maximum"]) for b in agg["by_level"]]
    assert levels == [(1, 0.8438, 1.0), (2, 0.3125, 1.0), (3, 0.375, 1.0)]
    assert agg["by_level"][2]["sections"]["build.deps.a"] is None


def test_team_page_shows_the_declared_score_per_section(tmp_path: Path) -> None:
    page = (pages_of(SHAPES, tmp_path / "docs") / "team" / "team-a" / "index.md").read_text()
    assert "1.53 / 3" in page
    assert "<h3>Practice score: 1.53 / 3</h3>" in page
    assert 'Unit tests</th><td class="hm hm-3">2.00 / 3</td>' in page
    assert 'Build</th><td class="hm hm-1">1.19 / 3</td>' in page  # 1.1875 shown with two decimals


def test_diff_shows_the_practice_score_moving(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo, _ = edited_history(tmp_path / "repo", "practices", "team-a", lambda a: a.replace("bd-a2: none", "bd-a2: all"))
    code, out, err = run(capsys, repo.root, "diff", "HEAD~1", "HEAD", "--format", "markdown")
    assert code == 0, err
    # Inventory stream 0.25 -> 1.25, Dependencies (0.25 + 1.25) / 2 = 0.75 -> 1.25, Build (1.625 + 1.25) / 2 = 1.4375,
    # overall (1.4375 + 1.875) / 2 = 1.65625 -> "1.66 / 3" (was 1.53).
    assert "| ▲ | Team A `team-a` | Delivery practices | 1.53 / 3 · " in out
    assert "| 1.66 / 3 · " in out
