"""Each scoring rule against hand-computed results."""

from __future__ import annotations

from types import MappingProxyType

import pytest
from conftest import Repo

from generator.model import Answer, FrameworkAnswers, Target
from generator.project import load_project
from generator.scoring import score


def answers(fid: str, target: Target | None = None, **values: str) -> FrameworkAnswers:
    return FrameworkAnswers(fid, MappingProxyType({k: Answer(k, v) for k, v in values.items()}), target)


@pytest.fixture
def project(repo: Repo):  # type: ignore[no-untyped-def]
    p = load_project(repo.root)
    assert not p.problems, p.problems.sorted()
    return p


def test_percentage_excludes_na_and_counts_partial_half(project) -> None:  # type: ignore[no-untyped-def]
    fw = project.frameworks["demo"]
    # b1 yes (w1) -> 1, b2 partial (w3) -> 1.5, r1 n/a excluded, r2 no (w1) -> 0 ; 2.5 / 5
    s = score(fw, answers("demo", b1="yes", b2="partial", r1="n/a", r2="no"))
    assert s.percent == pytest.approx(50.0)
    build, run = (sc for sc in s.sections if sc.section.id in ("build", "run"))
    assert build.percent == pytest.approx(100 * 2.5 / 4)
    assert run.percent == pytest.approx(0.0)  # r1 n/a left out of numerator and denominator
    assert (run.na, run.possible) == (1, 1.0)


def test_unanswered_counts_zero_and_is_not_assessed(project) -> None:  # type: ignore[no-untyped-def]
    fw = project.frameworks["demo"]
    s = score(fw, answers("demo", b1="yes"))
    assert s.percent == pytest.approx(100 * 1 / 6)
    assert [r.status for r in s.results] == ["yes", "not assessed", "not assessed", "not assessed"]
    nothing = score(fw, None)
    assert nothing.percent is None
    assert nothing.headline.text == "not assessed" and nothing.headline.ratio is None


def test_cumulative_level_needs_every_statement_at_or_below(project) -> None:  # type: ignore[no-untyped-def]
    fw = project.frameworks["demo"]
    s = score(fw, answers("demo", b1="yes", b2="yes", r1="yes", r2="no"))
    assert [(d.section.id, d.level) for d in s.dimensions] == [("build", 2), ("run", 1)]
    assert s.level == 1  # the lowest dimension
    assert s.blockers == ("r2",)
    assert s.headline.text == "Level 1" and s.headline.ratio == pytest.approx(0.5)


def test_partial_never_passes_a_gate_but_na_does(project) -> None:  # type: ignore[no-untyped-def]
    fw = project.frameworks["demo"]
    s = score(fw, answers("demo", b1="partial", b2="yes", r1="n/a", r2="yes"))
    assert s.level == 0
    assert s.blockers == ("b1",)  # b2 met already; only b1 blocks level 1
    assert score(fw, answers("demo", b1="yes", b2="yes", r1="n/a", r2="yes")).level == 2


def test_unanswered_never_satisfies_a_level(project) -> None:  # type: ignore[no-untyped-def]
    fw = project.frameworks["demo"]
    s = score(fw, answers("demo", b1="yes", r1="yes", r2="yes"))
    assert s.level == 1
    assert s.blockers == ("b2",)


def test_blockers_are_basics_first(project) -> None:  # type: ignore[no-untyped-def]
    fw = project.frameworks["demo"]
    s = score(fw, answers("demo", b1="no", b2="no", r1="yes", r2="no"))
    assert s.level == 0
    assert s.blockers == ("b1",)  # only what blocks level 1
    assert s.dimensions[1].blockers == ("r2",)


def test_required_set(project) -> None:  # type: ignore[no-untyped-def]
    fw = project.frameworks["demo"]
    met = score(fw, answers("demo", b1="yes", b2="n/a")).required[0]
    assert met.met and met.name == "Basics done"
    partial = score(fw, answers("demo", b1="yes", b2="partial")).required[0]
    assert not partial.met and partial.unmet == ("b2",)
    missing = score(fw, answers("demo", b1="yes")).required[0]
    assert not missing.met and missing.not_assessed == ("b2",) and missing.met_count == 1


def test_rubric_lowest_dimension_and_not_assessed(project) -> None:  # type: ignore[no-untyped-def]
    fw = project.frameworks["rub"]
    s = score(fw, answers("rub", strategy="2", people="1"))
    assert s.level == 1 and [d.level for d in s.dimensions] == [2, 1]
    assert s.blockers == ("people",)
    incomplete = score(fw, answers("rub", strategy="2"))
    assert incomplete.level is None and incomplete.headline.text == "incomplete"
    assert incomplete.dimensions[0].level == 2


def test_target(project) -> None:  # type: ignore[no-untyped-def]
    fw = project.frameworks["demo"]
    s = score(fw, answers("demo", Target(level=2), b1="yes", r1="yes"))
    assert s.target_met is False and s.next_level == 2
    p = score(fw, answers("demo", Target(percent=30), b1="yes", r1="yes"))
    assert p.target_met is True  # 2 of 6 weight = 33%


def test_custom_scale_scores(repo: Repo) -> None:
    repo.framework(
        "custom",
        """\
        id: custom
        title: Custom scale
        version: "1"
        sources: [{id: d, title: D}]
        scale:
          - {value: always, score: 1}
          - {value: mostly, score: 0.75}
          - {value: sometimes, score: 0.25}
          - {value: never, score: 0}
          - {value: skip, label: Not applicable, na: true}
        scoring: [{rule: weighted-percentage}, {rule: required-set, sections: [a]}]
        sections:
          - id: a
            title: A
            statements:
              - {id: a1, text: x, source: s}
              - {id: a2, text: y, source: s}
              - {id: a3, text: z, source: s}
        """,
    )
    repo.team(
        "t",
        """\
        team: t
        name: T
        frameworks:
          custom:
            answers: {a1: " Mostly ", a2: SOMETIMES, a3: not applicable}
        """,
    )
    p = load_project(repo.root)
    assert not p.problems, p.problems.sorted()
    s = score(p.frameworks["custom"], p.teams[0].frameworks["custom"])
    assert s.percent == pytest.approx(50.0)  # (0.75 + 0.25) / 2, a3 n/a excluded
    assert not s.required[0].met  # "mostly" is not a full answer
    assert p.teams[0].frameworks["custom"].answers["a3"].value == "skip"
