"""The crosswalk: the shipped mappings are complete, inference follows its rules (hand-checked), bad input is located."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from conftest import REPO, Repo

from generator.cli import main
from generator.crosswalk.infer import Index, infer_team, official_answers
from generator.crosswalk.model import RELATIONSHIPS
from generator.project import load_project
from generator.scoring import score

CHECKLISTS = ("azure-mlops", "five-levels", "google-mlops", "mature-mlops-areas", "mlops-community")

# A framework on a custom scale (0 / 0.25 / 0.5 / 0.75 / 1) to check scale conversion.
POINTS_FRAMEWORK = """\
id: pts
title: Points demo
version: "1"
sources:
  - {id: doc, title: Points source}
scale:
  - {value: full, score: 1}
  - {value: most, score: 0.75}
  - {value: half, score: 0.5}
  - {value: little, score: 0.25}
  - {value: none, score: 0}
  - {value: skip, na: true}
scoring:
  - rule: weighted-percentage
sections:
  - id: s
    title: S
    statements:
      - {id: p1, text: One., source: "p1"}
      - {id: p2, text: Two., source: "p2"}
      - {id: p3, text: Three., source: "p3"}
"""

CATALOGUE = """\
version: "1"
title: Test practices
areas:
  - id: a
    title: A
    practices:
      - {id: vcs, title: VCS, text: Code is versioned.}
      - {id: mon, title: Monitoring, text: Models are monitored.}
      - {id: auto, title: Automation, text: Builds are automated.}
      - {id: retrain, title: Retraining, text: Retraining is triggered.}
"""

# demo (default scale, cumulative levels 0-2) statement -> practice relationships:
#   b1 equal vcs; b2 superset auto; r1 subset mon; r2 intersect retrain
DEMO_MAP = """\
framework: demo
items:
  b1: [{practice: vcs, relationship: equal, rationale: same}]
  b2: [{practice: auto, relationship: superset, rationale: more}]
  r1: [{practice: mon, relationship: subset, rationale: part}]
  r2: [{practice: retrain, relationship: intersect, rationale: overlap}]
"""

# pts: p1 equal vcs; p2 equal auto; p3 equal mon
PTS_MAP = """\
framework: pts
items:
  p1: [{practice: vcs, relationship: equal, rationale: same}]
  p2: [{practice: auto, relationship: equal, rationale: same}]
  p3: [{practice: mon, relationship: equal, rationale: same}]
"""

# rub: strategy level 1 needs vcs (subset: partial is enough), level 2 needs auto and mon (superset: yes needed)
RUB_MAP = """\
framework: rub
items:
  strategy:
    "0": {none: floor}
    "1": [{practice: vcs, relationship: subset, rationale: a start}]
    "2": [{practice: auto, relationship: superset, rationale: more}, {practice: mon, relationship: superset, rationale: more}]
  people:
    "0": {none: floor}
    "1": {none: not checkable}
    "2": [{practice: vcs, relationship: superset, rationale: more}]
"""


def crosswalk(repo: Repo, files: dict[str, str] | None = None) -> None:
    (repo.root / "crosswalk").mkdir(exist_ok=True)
    repo.framework("pts", POINTS_FRAMEWORK)
    base = {"practices": CATALOGUE, "demo": DEMO_MAP, "pts": PTS_MAP, "rub": RUB_MAP}
    for name, text in {**base, **(files or {})}.items():
        (repo.root / "crosswalk" / f"{name}.yaml").write_text(textwrap.dedent(text), encoding="utf-8")


def team_file(body: str) -> str:
    return "team: t\nname: T\n" + textwrap.dedent(body)


def inferred(repo: Repo, body: str) -> dict[str, dict[str, tuple[str, str]]]:
    """framework -> statement -> (inferred value, provenance) for one team."""
    repo.team("t", team_file(body))
    project = load_project(repo.root)
    assert not project.problems, project.problems.sorted()
    assert project.crosswalk is not None
    inf = infer_team(project.teams[0], project.frameworks, project.crosswalk)
    return {
        fid: {sid: (i.answer.value, str(i.provenance)) for sid, i in fi.inferred.items()} for fid, fi in inf.frameworks.items()
    }


# -- the shipped crosswalk -------------------------------------------------------------------


def test_shipped_crosswalk_maps_every_item_of_every_framework() -> None:
    project = load_project(REPO)
    assert not project.problems.items, project.problems.sorted()
    cw = project.crosswalk
    assert cw is not None
    assert sorted(cw.maps) == sorted(project.frameworks)
    for fid, fw in project.frameworks.items():
        fmap = cw.maps[fid]
        for st in fw.statements:
            if st.is_rubric:
                for c in st.choices:
                    linked = [lk for lk in fmap.links if lk.item == st.id and lk.level == c.level]
                    marked = [n for n in fmap.none if n.item == st.id and n.level == c.level]
                    assert bool(linked) != bool(marked), (fid, st.id, c.level)
                    for lk in linked:
                        assert lk.citation == c.citation and lk.citation is not None
            else:
                linked = [lk for lk in fmap.links if lk.item == st.id]
                marked = [n for n in fmap.none if n.item == st.id]
                assert bool(linked) != bool(marked), (fid, st.id)
                for lk in linked:
                    assert lk.citation == st.citation and lk.citation is not None
                    assert lk.relationship in RELATIONSHIPS and lk.rationale


def test_catalogue_covers_the_checklists_and_every_gigaom_category() -> None:
    project = load_project(REPO)
    cw = project.crosswalk
    assert cw is not None
    for fid in CHECKLISTS:
        fw = project.frameworks[fid]
        mapped = {lk.item for lk in cw.maps[fid].links}
        assert len(mapped) / len(fw.statements) >= 0.9, fid
    gigaom = project.frameworks["gigaom-mlops"]
    for st in gigaom.statements:
        levels = {lk.level for lk in cw.maps["gigaom-mlops"].links if lk.item == st.id}
        assert levels == {1, 2, 3, 4}, st.id


# -- inference, hand-checked -----------------------------------------------------------------


def test_equal_carries_every_answer_and_na(repo: Repo) -> None:
    crosswalk(repo)
    got = inferred(repo, "frameworks:\n  demo:\n    answers: {b1: 'yes'}\n")
    assert got["pts"]["p1"] == ("full", "inferred from demo b1 via vcs (equal / equal)")
    assert inferred(repo, "frameworks:\n  demo:\n    answers: {b1: partial}\n")["pts"]["p1"][0] == "half"
    assert inferred(repo, "frameworks:\n  demo:\n    answers: {b1: 'no'}\n")["pts"]["p1"][0] == "none"
    assert inferred(repo, "frameworks:\n  demo:\n    answers: {b1: n/a}\n")["pts"]["p1"][0] == "skip"


def test_superset_carries_up_and_is_capped_down(repo: Repo) -> None:
    crosswalk(repo)
    # b2 is a superset of `auto`: a yes on b2 means auto is met, so p2 (equal to auto) is full.
    assert inferred(repo, "frameworks:\n  demo:\n    answers: {b2: 'yes'}\n")["pts"]["p2"] == (
        "full",
        "inferred from demo b2 via auto (superset / equal)",
    )
    # The other way, `auto` met covers only part of b2: at most partial.
    got = inferred(repo, "frameworks:\n  pts:\n    answers: {p2: full}\n")
    assert got["demo"]["b2"] == ("partial", "inferred from pts p2 via auto (equal / superset)")
    # n/a does not travel through a superset
    assert "p2" not in inferred(repo, "frameworks:\n  demo:\n    answers: {b2: n/a}\n")["pts"]


def test_subset_is_capped_up_and_carries_down(repo: Repo) -> None:
    crosswalk(repo)
    # r1 is a subset of `mon`: a yes on r1 is only part of mon, so p3 gets at most half.
    assert inferred(repo, "frameworks:\n  demo:\n    answers: {r1: 'yes'}\n")["pts"]["p3"][0] == "half"
    # `mon` met (p3 equal) covers r1 completely.
    assert inferred(repo, "frameworks:\n  pts:\n    answers: {p3: full}\n")["demo"]["r1"][0] == "yes"
    # A value below half stays as it is: 0.25 lands on `no` on the default scale (never rounded up).
    assert inferred(repo, "frameworks:\n  pts:\n    answers: {p3: little}\n")["demo"]["r1"][0] == "no"
    # 0.75 lands on partial.
    assert inferred(repo, "frameworks:\n  pts:\n    answers: {p3: most}\n")["demo"]["r1"][0] == "partial"


def test_intersect_is_capped_both_ways(repo: Repo) -> None:
    crosswalk(repo)
    got = inferred(repo, "practices:\n  answers: {retrain: 'yes'}\n")
    assert got["demo"]["r2"] == ("partial", "inferred from practice retrain (intersect)")
    got = inferred(repo, "practices:\n  answers: {retrain: 'no'}\n")
    assert got["demo"]["r2"][0] == "no"


def test_answer_once_from_the_catalogue(repo: Repo) -> None:
    crosswalk(repo)
    got = inferred(repo, "practices:\n  answers: {vcs: 'yes', auto: 'yes', mon: partial, retrain: 'yes'}\n")
    assert got["demo"] == {
        "b1": ("yes", "inferred from practice vcs (equal)"),
        "b2": ("partial", "inferred from practice auto (superset)"),
        "r1": ("partial", "inferred from practice mon (subset)"),
        "r2": ("partial", "inferred from practice retrain (intersect)"),
    }
    assert got["pts"] == {
        "p1": ("full", "inferred from practice vcs (equal)"),
        "p2": ("full", "inferred from practice auto (equal)"),
        "p3": ("half", "inferred from practice mon (equal)"),
    }
    # strategy: level 1 met (vcs yes), level 2 needs mon met: partial is not enough -> 1.
    assert got["rub"]["strategy"] == ("1", "inferred from practices vcs, auto, mon (level 1 met, level 2 not)")
    # people: level 1 has no counterpart, so the rubric item is not inferred at all.
    assert "people" not in got["rub"]


def test_rubric_level_needs_every_defining_practice_known(repo: Repo) -> None:
    crosswalk(repo)
    got = inferred(repo, "practices:\n  answers: {vcs: partial, auto: 'yes'}\n")
    assert "strategy" not in got["rub"]  # level 1 met (subset: partial enough) but mon unknown
    got = inferred(repo, "practices:\n  answers: {vcs: partial, auto: 'yes', mon: 'yes'}\n")
    assert got["rub"]["strategy"][0] == "2"
    got = inferred(repo, "practices:\n  answers: {vcs: 'no', auto: 'yes', mon: 'yes'}\n")
    assert got["rub"]["strategy"][0] == "0"


def test_rubric_answer_carries_its_levels_to_practices(repo: Repo) -> None:
    crosswalk(repo)
    # strategy 2 means auto and mon (superset of each: full) are met; vcs from level 1 (subset: capped).
    got = inferred(repo, "frameworks:\n  rub:\n    answers: {strategy: 2}\n")
    assert got["pts"] == {
        "p1": ("half", "inferred from rub strategy@1 via vcs (subset / equal)"),
        "p2": ("full", "inferred from rub strategy@2 via auto (superset / equal)"),
        "p3": ("full", "inferred from rub strategy@2 via mon (superset / equal)"),
    }


def test_explicit_answers_win_and_the_lowest_of_equal_paths_is_taken(repo: Repo) -> None:
    crosswalk(repo)
    got = inferred(
        repo,
        """\
        practices:
          answers: {vcs: 'no'}
        frameworks:
          demo:
            answers: {b1: 'yes', b2: 'yes'}
          rub:
            answers: {strategy: 2}
        """,
    )
    # p1: the explicit practice answer `no` wins over b1 (yes) and strategy (level 1).
    assert got["pts"]["p1"] == ("none", "inferred from practice vcs (equal)")
    # p2: two full paths (demo b2 yes, rub strategy@2 yes): both give full
    assert got["pts"]["p2"][0] == "full"
    # b1 is answered explicitly: never inferred.
    assert "b1" not in got["demo"]


def test_full_path_beats_capped_path(repo: Repo) -> None:
    crosswalk(repo)
    # p3 gets mon from r1 (subset, capped: half) and from strategy 2 (superset of mon, full: full).
    got = inferred(repo, "frameworks:\n  demo:\n    answers: {r1: 'yes'}\n  rub:\n    answers: {strategy: 2}\n")
    assert got["pts"]["p3"] == ("full", "inferred from rub strategy@2 via mon (superset / equal)")


def test_official_level_counts_inferred_answers_only_when_opted_in(repo: Repo) -> None:
    crosswalk(repo)
    body = (
        "practices:\n  answers: {vcs: 'yes', auto: 'yes', mon: 'yes', retrain: 'yes'}\n"
        "frameworks:\n  demo:\n    answers: {b1: 'yes'}\n"
    )
    for opt_in, expected in (("", 0), ("use-inferred: [demo]\n", 1)):
        repo.team("t", team_file(opt_in + body))
        project = load_project(repo.root)
        assert not project.problems, project.problems.sorted()
        assert project.crosswalk is not None
        team, demo = project.teams[0], project.frameworks["demo"]
        inf = infer_team(team, project.frameworks, project.crosswalk, Index.build(project.crosswalk))
        # explicit only: b1 yes, r1 unanswered -> level 0; with inferred: r1 yes -> level 1 (b2, r2 only partial)
        assert score(demo, team.frameworks["demo"]).level == 0
        assert score(demo, official_answers(team, demo, inf)).level == expected


# -- bad input through the command line -----------------------------------------------------


def validate(repo: Repo, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    code = main(["--root", str(repo.root), "validate"])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, [line for line in err.splitlines() if not line.endswith("found")]


def test_bad_mappings_are_all_reported_in_one_run(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    crosswalk(
        repo,
        {
            "demo": """\
            framework: demo
            items:
              b1: [{practice: vcs, relationship: equal, rationale: same}, {practice: vcs, relationship: subset, rationale: again}]
              b2: [{practice: auto, relationship: similar, rationale: more}]
              b9: [{practice: vcs, relationship: equal, rationale: same}]
              r1: [{practice: monitoring, relationship: subset, rationale: part}]
              r2: [{practice: retrain, relationship: equal, rationale: x}, {practice: retrain, relationship: equal, rationale: y}]
            """,
            "rub": """\
            framework: rub
            items:
              strategy:
                "7": {none: no such level}
            """,
            "ghost": "framework: ghost\nitems: {}\n",
        },
    )
    code, lines = validate(repo, capsys)
    assert code == 1
    errors = [line for line in lines if ": warning: " not in line]
    assert errors == [
        "crosswalk/demo.yaml:3:63: `b1` is mapped to practice `vcs` twice with different relationships: "
        "`equal` on line 3 and `subset` here",
        "crosswalk/demo.yaml:4:39: relationship `similar` is not one of equal, subset, superset, intersect",
        "crosswalk/demo.yaml:5:3: `demo` has no statement `b9`",
        "crosswalk/demo.yaml:6:19: unknown practice `monitoring`",
        "crosswalk/demo.yaml:7:64: `r2` is mapped to practice `retrain` twice (first on line 7)",
        "crosswalk/ghost.yaml:1:12: unknown framework `ghost`",
        "crosswalk/rub.yaml:4:5: rubric `strategy` of `rub` has no level `7`; its levels are 0, 1, 2",
    ]


def test_refinement_cycle_is_an_error(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    catalogue = CATALOGUE.replace("text: Code is versioned.}", "text: Code is versioned., refines: [retrain]}").replace(
        "text: Retraining is triggered.}", "text: Retraining is triggered., refines: [vcs]}"
    )
    crosswalk(repo, {"practices": catalogue})
    code, lines = validate(repo, capsys)
    assert code == 1
    assert lines == ["crosswalk/practices.yaml:7:66: practices refine each other in a cycle: vcs -> retrain -> vcs"]


def test_opt_in_without_mappings_and_practices_without_catalogue(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.team("t", team_file("use-inferred: [demo, nope]\npractices:\n  answers: {vcs: 'yes'}\n"))
    code, lines = validate(repo, capsys)
    assert code == 1
    assert lines == [
        "answers/t.yaml:3:22: unknown framework `nope` in use-inferred",
        "answers/t.yaml:4:1: `practices` answers the practice catalogue, but this repository has no `crosswalk/practices.yaml`",
    ]
    crosswalk(repo, {"demo": "framework: demo\nitems:\n  b1: {none: nothing}\n"})
    repo.team("t", team_file("use-inferred: [demo]\n"))
    code, lines = validate(repo, capsys)
    assert code == 1
    assert [line for line in lines if ": warning: " not in line] == [
        "answers/t.yaml:3:16: use-inferred: `demo` has no mappings in `crosswalk/`, so no answers can be inferred for it"
    ]


def test_contradicting_explicit_answers_are_located_warnings(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    crosswalk(repo)
    repo.team(
        "t",
        team_file(
            "frameworks:\n  demo:\n    answers:\n      b1: 'yes'\n      r1: 'no'\n"
            "  pts:\n    answers:\n      p1: none\n      p3: full\n"
        ),
    )
    code, lines = validate(repo, capsys)
    assert code == 0
    assert lines == [
        "answers/t.yaml:7:1: warning: demo r1 is answered `no`, but pts p3 is met and, "
        "through practice mon, means this is met too",
        "answers/t.yaml:10:1: warning: pts p1 is answered `none`, but demo b1 is met and, "
        "through practice vcs, means this is met too",
    ]


def test_crosswalk_files_given_to_validate_are_not_read_as_teams(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    crosswalk(repo)
    repo.team("t", team_file(""))
    assert main(["--root", str(repo.root), "validate", str(repo.root / "crosswalk" / "demo.yaml")]) == 0, capsys.readouterr()
    assert Path(repo.root / "crosswalk" / "demo.yaml").exists()


def test_validate_counts_the_answers_to_the_catalogue(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    crosswalk(repo)
    repo.team("t", team_file("frameworks:\n  demo:\n    answers: {b1: 'yes'}\npractices:\n  answers: {vcs: 'yes', mon: 'no'}\n"))
    assert main(["--root", str(repo.root), "validate"]) == 0
    # 1 answer to demo + 2 to the catalogue
    assert capsys.readouterr().out == "ok: 3 frameworks, 1 teams, 3 answers\n"
