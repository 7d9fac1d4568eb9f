"""The shipped GigaOm MLOps rubric matches its source and scores as hand-computed."""

from __future__ import annotations

from pathlib import Path

import pytest
from shipped import make_answers, shipped_framework

from generator.answers import read_team
from generator.model import RUBRIC_RULE, Framework, FrameworkAnswers
from generator.problems import Problems
from generator.scoring import score

FID = "gigaom-mlops"
CATEGORIES = ["strategy", "architecture", "modeling", "processes", "governance"]


@pytest.fixture(scope="module")
def fw() -> Framework:
    return shipped_framework(FID)


def answers(**chosen: str) -> FrameworkAnswers:
    return make_answers(FID, chosen)


def test_levels_0_to_4_with_project_names(fw: Framework) -> None:
    assert [(lv.number, lv.name) for lv in fw.levels] == [
        (0, "Not started"),
        (1, "Ad hoc"),
        (2, "Developing"),
        (3, "Managed"),
        (4, "Optimised"),
    ]
    assert "this project's" in fw.description  # the names are declared as ours, not the source's


def test_rubric_is_the_only_rule(fw: Framework) -> None:
    assert [r.kind for r in fw.rules] == [RUBRIC_RULE]


def test_five_dimensions_each_one_rubric_with_five_choices(fw: Framework) -> None:
    assert [s.id for s in fw.sections] == CATEGORIES
    assert [s.title for s in fw.sections] == ["Strategy", "Architecture", "Modeling", "Processes", "Governance"]
    for top in fw.sections:
        items = list(top.all_statements())
        assert [st.id for st in items] == [top.id]
        (item,) = items
        assert item.is_rubric
        assert [c.level for c in item.choices] == [0, 1, 2, 3, 4]
        assert len({c.text for c in item.choices}) == 5  # no two cells summarised the same way
    assert len(fw.statements) == 5


def test_everything_is_cited(fw: Framework) -> None:
    assert [s.id for s in fw.sources] == ["gigaom"]
    for st in fw.statements:
        assert st.citation is not None and st.citation.source == "gigaom"
        assert st.guidance.strip()
        for ch in st.choices:
            assert ch.citation is not None
            assert ch.citation.ref == f"{st.id.capitalize()}, level {ch.level}"


def test_overall_level_is_the_lowest_category(fw: Framework) -> None:
    result = score(fw, answers(strategy="3", architecture="2", modeling="4", processes="1", governance="3"))
    assert result.level == 1
    assert {d.section.id: d.level for d in result.dimensions} == dict(zip(CATEGORIES, [3, 2, 4, 1, 3], strict=True))
    assert result.blockers == ("processes",)
    assert result.headline.text == "Level 1"
    assert result.percent is None  # a rubric has no percentage


def test_top_level_everywhere(fw: Framework) -> None:
    result = score(fw, answers(**{c: "4" for c in CATEGORIES}))
    assert result.level == 4
    assert result.blockers == ()


def test_an_unanswered_dimension_leaves_overall_not_assessed(fw: Framework) -> None:
    result = score(fw, answers(strategy="3", architecture="2", modeling="4", processes="1"))
    assert result.level is None
    assert result.blockers == ("governance",)
    assert result.headline.text == "incomplete"


def test_answer_file_picks_levels_by_category_id(fw: Framework) -> None:
    text = (
        "team: demo\nname: Demo\nframeworks:\n  gigaom-mlops:\n    answers:\n"
        "      strategy: 3\n      architecture: 2\n      modeling: level 4\n      processes: 1\n      governance: 3\n"
    )
    problems = Problems()
    team = read_team(Path("answers/demo.yaml"), {FID: fw}, problems, data=text.encode())
    assert team is not None, [str(p) for p in problems.items]
    assert score(fw, team.frameworks[FID]).level == 1
    bad = Problems()
    wrong = text.replace("processes: 1", "processes: 5").encode()
    assert read_team(Path("answers/demo.yaml"), {FID: fw}, bad, data=wrong) is None
    assert any("not a level of rubric `processes`" in p.message for p in bad.items)
