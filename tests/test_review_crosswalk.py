"""`maturity diff` and the crosswalk, on a real git repository: inferred answers name their source, and an edited
mapping re-infers every team and shows which ones moved.

The crosswalk is the one of test_crosswalk.py: ``pts`` p1, p3 are `equal` to practices vcs, mon; ``demo`` b1 is
`equal` to vcs and r1 a `subset` of mon. Team t answers only ``pts``, so its ``demo`` answers are all inferred.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from conftest import DEMO_FRAMEWORK
from test_crosswalk import CATALOGUE, DEMO_MAP, POINTS_FRAMEWORK, PTS_MAP
from test_review_support import GitRepo

from generator.cli import main

TEAM = """\
team: t
name: T
frameworks:
  pts:
    answers: {{p1: full, p3: {p3}}}
"""


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    r = GitRepo(tmp_path / "repo")
    r.write("frameworks/demo.yaml", DEMO_FRAMEWORK)
    r.write("frameworks/pts.yaml", POINTS_FRAMEWORK)
    r.write("crosswalk/practices.yaml", CATALOGUE)
    r.write("crosswalk/demo.yaml", DEMO_MAP)
    r.write("crosswalk/pts.yaml", PTS_MAP)
    r.write("answers/t.yaml", TEAM.format(p3="full"))
    r.write("answers/u.yaml", "team: u\nname: U\nframeworks:\n  demo:\n    answers: {b2: 'yes'}\n")
    r.commit("initial")
    return r


def diff(repo: GitRepo, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(["--root", str(repo.root), "diff", *args]) == 0
    return capsys.readouterr().out


def test_an_answer_inferred_from_another_framework_names_its_source(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write("answers/t.yaml", TEAM.format(p3="half"))
    repo.commit("t: monitoring only half done")
    out = diff(repo, capsys, "HEAD~1", "HEAD", "--format", "text")
    # demo r1 was inferred `yes` from p3 full (equal up, subset down: both carry); p3 half carries 0.5: partial.
    # With inferred answers demo was at level 1 (b1, r1 yes), now at level 0 (r1 partial); officially unanswered.
    # Weights b1 1, b2 3, r1 1, r2 1: (1 + 1) / 6 = 33%, then (1 + 0.5) / 6 = 25%; Basics done (b1, b2): 1 of 2.
    assert (
        "  = Demo levels: —; with inferred answers: Level 1 · 33% · Basics done 1/2 "
        "-> —; with inferred answers: Level 0 · 25% · Basics done 1/2\n"
    ) in out
    assert (
        "      r1  yes (inferred) -> partial (inferred)  Models are monitored.\n"
        "          inferred from pts p3 via mon (equal / subset)\n"
    ) in out
    assert "      p3  full -> half  Three.\n" in out  # the explicit change itself
    assert "b1" not in out  # still `yes` from p1: unchanged
    md = diff(repo, capsys, "HEAD~1", "HEAD", "--format", "markdown")
    assert (
        "| `r1` Models are monitored. | yes (inferred) | partial (inferred) "
        "| (inferred from pts p3 via mon \\(equal / subset\\)) |"
    ) in md
    data = json.loads(diff(repo, capsys, "HEAD~1", "HEAD", "--format", "json"))
    [team] = data["teams"]
    demo = next(f for f in team["frameworks"] if f["framework"] == "demo")
    assert (demo["before"], demo["after"]) == (None, None)
    assert (demo["with_inferred_before"]["level"], demo["with_inferred_after"]["level"]) == (1, 0)
    [r1] = demo["statements"]
    assert (r1["id"], r1["before"], r1["after"]) == ("r1", "yes", "partial")
    assert r1["inferred_before"] == r1["inferred_after"] == "inferred from pts p3 via mon (equal / subset)"
    assert data["regressions"] == []  # inferred answers never make an official regression


def test_an_edited_mapping_re_infers_and_shows_which_teams_moved(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    old = "r1: [{practice: mon, relationship: subset"
    repo.write("crosswalk/demo.yaml", DEMO_MAP.replace(old, "r1: [{practice: mon, relationship: intersect"))
    repo.commit("demo r1 only overlaps monitoring")
    out = diff(repo, capsys, "HEAD~1", "HEAD", "--format", "text")
    # r1 intersect mon: a capped hop, so t's p3 full now carries at most partial; u answers demo itself (b2 only,
    # nothing mapped from it reaches r1 back) and does not move
    assert out.splitlines()[1:] == [
        "1 team changed, 1 crosswalk mapping file changed.",
        "",
        "Crosswalk changes (these can move every team's inferred answers):",
        "  crosswalk/demo.yaml (demo): changed r1 → mon: subset → intersect",
        "",
        "T (t)",
        "  = Demo levels: —; with inferred answers: Level 1 · 33% · Basics done 1/2 "
        "-> —; with inferred answers: Level 0 · 25% · Basics done 1/2",
        "      r1  yes (inferred) -> partial (inferred)  Models are monitored.",
        "          inferred from pts p3 via mon (equal / intersect)",
        "          was inferred from pts p3 via mon (equal / subset)",
    ]
    data = json.loads(diff(repo, capsys, "HEAD~1", "HEAD", "--format", "json"))
    assert data["mappings"] == [
        {"framework": "demo", "path": "crosswalk/demo.yaml", "change": "changed", "added": [], "removed": [],
         "changed": ["r1 → mon: subset → intersect"]},
    ]  # fmt: skip
    assert [t["team"] for t in data["teams"]] == ["t"]
    md = diff(repo, capsys, "HEAD~1", "HEAD", "--format", "markdown")
    assert "1 team changed, 1 crosswalk mapping file changed." in md
    assert "- `crosswalk/demo.yaml` (`demo`): changed `r1 → mon: subset → intersect`" in md


def test_a_mapping_edited_in_the_working_tree(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    """Uncommitted edits count: a new link added, and a team answering the mapped framework picks it up."""
    repo.write("crosswalk/demo.yaml", DEMO_MAP.replace("  b2: [{practice: auto, relationship: superset, rationale: more}]\n", ""))
    out = diff(repo, capsys, "HEAD", "--format", "text")
    # without b2 -> auto, u's explicit b2 `yes` no longer reaches pts p2 (auto equal p2): u loses its inferred p2
    assert "  crosswalk/demo.yaml (demo): removed b2 → auto (superset)" in out
    # u answers demo b2 `yes`: superset of auto (carries up), pts p2 equal to auto (carries down): p2 `full`
    assert "U (u)\n  = Points demo: —; with inferred answers: 33% -> —\n" in out
    assert "      p2  full (inferred) -> not assessed  Two." in out
    assert "          was inferred from demo b2 via auto (superset / equal)" in out
    assert "T (t)" not in out  # t's answers do not go through b2


def test_no_crosswalk_change_no_inference_noise(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write("README.md", "# notes\n")
    repo.commit("docs")
    assert "No maturity change." in diff(repo, capsys, "HEAD~1", "HEAD", "--format", "text")
    text = textwrap.dedent(DEMO_MAP).replace("rationale: same", "rationale: the same practice")
    repo.write("crosswalk/demo.yaml", text)
    repo.commit("reworded rationale")
    out = diff(repo, capsys, "HEAD~1", "HEAD", "--format", "text")
    assert "No maturity change." in out  # a rationale is not a mapping change and moves no team


def test_inference_for_some_frameworks_equals_the_full_inference() -> None:
    """What the diff computes for a team whose file did not change (only the frameworks a mapping change reaches)."""
    from conftest import REPO

    from generator.crosswalk.infer import Index, infer_team
    from generator.project import load_project

    project = load_project(REPO)
    assert project.crosswalk is not None
    index = Index.build(project.crosswalk)
    compared = 0
    for team in project.teams:
        full = infer_team(team, project.frameworks, project.crosswalk, index)
        for fid in project.crosswalk.maps:
            some = infer_team(team, project.frameworks, project.crosswalk, index, only={fid})
            assert list(some.frameworks) == [fid] and some.frameworks[fid] == full.frameworks[fid], (team.id, fid)
            compared += len(full.frameworks[fid].inferred)
    assert compared > 100  # the example teams do get inferred answers (the catalogue-only team alone has many)
