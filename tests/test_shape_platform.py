"""A platform-capability-shaped framework: aspects rated on a rubric and read as a profile, with no overall level.

Also levels at a declared depth: the activity-shaped framework levelled per sub-dimension.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from shapes import SHAPES, assert_refused, edited_history, load, pages_of, recalculated_books, run, shapes_repo

from generator.frameworks import read_framework
from generator.problems import Problems
from generator.scoring import score

PROFILE = "Profile 2 · 1 · 3 · 4 · -"  # funding, uptake, access, running, feedback (not answered)


def test_a_profile_has_a_level_per_aspect_and_no_overall_level() -> None:
    project = load()
    fw = project.frameworks["platform"]
    team = project.team("team-e")
    assert team is not None
    sc = score(fw, team.frameworks["platform"])
    assert [(d.section.id, d.level) for d in sc.dimensions] == [
        ("funding", 2),
        ("uptake", 1),
        ("access", 3),
        ("running", 4),
        ("feedback", None),
    ]
    assert sc.level is None and sc.next_level is None
    assert sc.headline.text == PROFILE
    # Shade: the mean position of the rated aspects on levels 1..4: (1/3 + 0 + 2/3 + 1) / 4.
    assert sc.headline.ratio == pytest.approx(0.5)
    # Every aspect below the top level is a blocker of its own next level; the unrated one too.
    assert sc.blockers == ("funding", "uptake", "access", "feedback")


def test_team_page_shows_the_profile_and_no_overall_level(tmp_path: Path) -> None:
    docs = pages_of(SHAPES, tmp_path / "docs")
    page = (docs / "team" / "team-e" / "index.md").read_text()
    # The headline is the profile and no overall level follows it.
    assert f'<div class="mc-result"><p><span class="mc-badge hm hm-2">{PROFILE}</span> <span class="mc-target' in page
    assert "below level" not in page and "Top level reached" not in page
    assert "<h3>What blocks the next level of each section <small>(basics first)</small></h3>" in page
    # The aspect with its own level names shows its own name (chart and blockers); the others the framework's.
    assert '<th scope="row">Uptake</th><td><span class="mc-value">Level 1: Optional</span>' in page
    assert '<th scope="row">Access</th><td><span class="mc-value">Level 3</span>' in page
    assert '<span class="mc-ans ans-rubric">Level 1: Optional</span> <span class="mc-meta">Uptake</span>' in page
    assert '<span class="mc-ans ans-rubric">Level 3: Scaled</span> <span class="mc-meta">Access</span>' in page


def test_framework_page_shows_long_level_descriptions_with_examples(tmp_path: Path) -> None:
    page = (pages_of(SHAPES, tmp_path / "docs") / "framework" / "platform.md").read_text()
    assert '<p class="mc-choice"><strong>Level 1: Ad hoc</strong>: Whoever needs something builds it in spare time.' in page
    # The description keeps both of its paragraphs; the examples are a list, their Markdown rendered.
    assert "<p>No budget exists. Work happens when a product team is blocked.</p>\n<p>Nobody is accountable" in page
    assert '<ul class="mc-examples" aria-label="Examples">' in page
    assert '<li>\n<div class="mc-md mc-example">\n<p>A shared VM set up by <em>one</em> engineer</p>' in page
    # An aspect with its own level names uses them; choices without descriptions stay a table.
    assert "| Level 4&#58; Pulled | Teams ask for features before they build their own&#46; " in page


def test_workbook_formulas_give_the_same_profile_after_libreoffice(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from generator.workbook.export import template_for

    root = shapes_repo(tmp_path)
    (saved,) = recalculated_books(capsys, root, tmp_path, "team-e")
    book = tmp_path / "in" / "team-e.xlsx"  # as exported, before LibreOffice
    ws = openpyxl.load_workbook(saved, data_only=True)["Summary"]
    cells = template_for([load(root).frameworks["platform"]]).book.summary["platform"]
    assert ws[cells.headline].value == PROFILE
    assert cells.level is None  # no overall level row
    # The dropdown of an aspect with its own level names uses them.
    from shapes import dropdown

    names = ["Optional", "Encouraged", "Default", "Pulled"]
    assert dropdown(book, "platform", "uptake") == [f"{i} \u2013 {n}" for i, n in enumerate(names, start=1)]
    assert dropdown(book, "platform", "access")[0] == "1 \u2013 Ad hoc"
    # The Guidance column beside it has every level's full description and examples, as plain text.
    sheet = openpyxl.load_workbook(book)["platform"]
    header = [c.value for c in sheet[1]]
    funding = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[header.index("ID")] == "funding")
    guidance = funding[header.index("Guidance")]
    assert "1 \u2013 Whoever needs something builds it in spare time.\n    No budget exists." in guidance
    assert "    e.g. A shared VM set up by one engineer\n2 \u2013 A small team is funded" in guidance
    assert [ws[cells.dimensions[a]].value for a in ("funding", "uptake", "access", "running", "feedback")] == [
        2,
        1,
        3,
        4,
        "not assessed",
    ]


ACTIVITIES = (SHAPES / "frameworks" / "activities.yaml").read_text()


def _activities(rule: str) -> str:
    return ACTIVITIES.replace("  - rule: cumulative-levels\n", f"  - rule: cumulative-levels\n{rule}")


@pytest.mark.parametrize(
    ("rule", "level", "headline"),
    [
        ("    depth: 2\n    overall: none\n", None, "Profile 2 · 2 · 1 · 2"),
        ("    depth: 2\n", 1, "Level 1"),
    ],
)
def test_levels_at_a_declared_depth(rule: str, level: int | None, headline: str) -> None:
    project = load()
    problems = Problems()
    fw = read_framework(SHAPES / "frameworks" / "activities.yaml", problems, data=_activities(rule).encode())
    assert fw is not None and not problems, problems.sorted()
    team = project.team("team-d")
    assert team is not None
    sc = score(fw, team.frameworks["activities"])
    # Pipeline: ci-runs, ci-cache met, ci-parallel open -> 2. Artifacts: store, signing (old id) met -> 2.
    # Release: script met, canary "no" -> 1. Configuration: repo, review met, drift open -> 2.
    assert [(d.section.id, d.level) for d in sc.dimensions] == [
        ("build.pipeline", 2),
        ("build.artifacts", 2),
        ("deploy.release", 1),
        ("deploy.config", 2),
    ]
    assert sc.level == level
    assert sc.headline.text == headline
    if level is None:  # each sub-dimension's next level, lowest level first, prerequisites first
        assert sc.blockers == ("release-canary", "ci-parallel", "artifact-sbom", "config-drift")


@pytest.mark.parametrize(
    ("path", "old", "new", "message"),
    [
        ("platform", "    overall: none\n", "    overall: median\n", "one of: lowest, none; got `median`"),
        ("platform", "    overall: none\n", "    depth: 2\n", "`depth: 2` is deeper than the sections nest (1 deep)"),
        ("platform", "  - {level: 4, name: Pulled}\n", "  - {level: 7, name: Pulled}\n", "section `uptake` names level 7"),
        (
            "activities",
            "  - rule: cumulative-levels\n",
            "  - rule: cumulative-levels\n    depth: 3\n",
            "`depth: 3` is deeper than the sections nest (2 deep)",
        ),
    ],
)
def test_bad_level_declarations_are_refused_with_their_location(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], path: str, old: str, new: str, message: str
) -> None:
    assert_refused(capsys, shapes_repo(tmp_path), path, old, new, message)


def test_diff_shows_the_profile_and_a_fallen_aspect_is_a_regression(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo, answers = edited_history(
        tmp_path / "repo", "platform", "team-e", lambda a: a.replace("uptake: 1", "uptake: 2").replace("running: 4", "running: 3")
    )
    code, out, err = run(capsys, repo.root, "diff", "HEAD~1", "HEAD", "--format", "markdown", "--fail-on-regression")
    assert code == 1, err  # running fell from 4 to 3: a regression although uptake rose
    escaped = PROFILE.replace("-", "\\-")  # Markdown: a dash is escaped in a table cell
    assert f"| = regression | Team E `team-e` | Platform capabilities | {escaped} | Profile 2 · 2 · 3 · 3 · \\- |" in out
    repo.write("answers/team-e.yaml", answers + "      feedback: 1\n")
    repo.commit("feedback rated")
    code, out, err = run(capsys, repo.root, "diff", "HEAD~2", "HEAD", "--format", "markdown", "--fail-on-regression")
    assert code == 0, err  # an aspect newly rated, none fell: up
    assert f"| ▲ | Team E `team-e` | Platform capabilities | {escaped} | Profile 2 · 1 · 3 · 4 · 1 |" in out


def test_a_rating_picked_in_the_workbook_imports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from shapes import fill

    root = shapes_repo(tmp_path)
    book, filled = tmp_path / "e.xlsx", tmp_path / "filled.xlsx"
    assert run(capsys, root, "export", "-t", "team-e", "-o", str(book))[0] == 0
    fill(book, filled, "platform", {"uptake": "2 \u2013 Encouraged", "feedback": "3 \u2013 Scaled"})
    code, out, err = run(capsys, root, "import", str(filled), "--keep-dates")
    assert code == 0, err
    assert "team-e / platform: Profile 2 · 1 · 3 · 4 · - -> Profile 2 · 2 · 3 · 4 · 3" in out
    text = (root / "answers" / "team-e.yaml").read_text()
    assert "      uptake: 2\n" in text and '      feedback: "3"\n' in text


@pytest.mark.parametrize("overall", ["lowest", "none"])
def test_workbook_levels_at_a_declared_depth_equal_the_engine_after_libreoffice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], overall: str
) -> None:
    from generator.workbook.export import template_for

    root = shapes_repo(tmp_path)
    path = root / "frameworks" / "activities.yaml"
    path.write_text(_activities(f"    depth: 2\n    overall: {overall}\n"))
    (saved,) = recalculated_books(capsys, root, tmp_path, "team-d")
    ws = openpyxl.load_workbook(saved, data_only=True)["Summary"]
    project = load(root)
    fw = project.frameworks["activities"]
    cells = template_for([fw]).book.summary["activities"]
    # Sub-dimensions as computed by hand above: 2, 2, 1, 2.
    subs = ("build.pipeline", "build.artifacts", "deploy.release", "deploy.config")
    assert [ws[cells.dimensions[s]].value for s in subs] == [2, 2, 1, 2]
    assert ws[cells.headline].value == ("Level 1" if overall == "lowest" else "Profile 2 · 2 · 1 · 2")
