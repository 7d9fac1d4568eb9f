"""The shipped "5 Levels of MLOps Maturity" framework matches its source and scores as hand-computed."""

from __future__ import annotations

from collections import Counter

import pytest
from shipped import ROOT, all_yes, make_answers, shipped_framework

from generator.model import CUMULATIVE, PERCENTAGE, Framework, FrameworkAnswers
from generator.scoring import score

FID = "five-levels"


@pytest.fixture(scope="module")
def fw() -> Framework:
    return shipped_framework(FID)


def answers(values: dict[str, str]) -> FrameworkAnswers:
    return make_answers(FID, values)


def up_to(fw: Framework, level: int) -> FrameworkAnswers:
    return answers({s.id: ("yes" if (s.level or 0) <= level else "no") for s in fw.statements})


def test_header_and_source(fw: Framework) -> None:
    text = (ROOT / "frameworks" / f"{FID}.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../generator/schemas/framework.schema.json\n")
    (src,) = fw.sources
    assert src.title == "5 Levels of MLOps Maturity"
    assert src.author == "Maciej Balawejder" and "NannyML" in src.publisher


def test_five_levels_keep_source_numbering(fw: Framework) -> None:
    assert [(lv.number, lv.name) for lv in fw.levels] == [
        (1, "Manual"),
        (2, "Repeatable"),
        (3, "Reproducible"),
        (4, "Automated"),
        (5, "Continuously improved"),
    ]
    assert all(lv.citation is not None and lv.description for lv in fw.levels)


def test_scoring_rules_declared(fw: Framework) -> None:
    assert [r.kind for r in fw.rules] == [CUMULATIVE, PERCENTAGE]
    assert fw.headline_rule.kind == CUMULATIVE


def test_four_dimensions_and_statement_counts(fw: Framework) -> None:
    assert [s.id for s in fw.sections] == ["monitoring", "code", "data", "training"]
    per_level = {top.id: Counter(s.level for s in top.all_statements()) for top in fw.sections}
    assert per_level == {
        "monitoring": Counter({1: 2, 3: 2}),
        "code": Counter({2: 2, 4: 3}),
        "data": Counter({2: 2, 3: 1}),
        "training": Counter({3: 4, 5: 1}),
    }
    assert len(fw.statements) == 17
    assert Counter(s.level for s in fw.statements) == Counter({1: 2, 2: 4, 3: 7, 4: 3, 5: 1})


def test_components_each_level_adds(fw: Framework) -> None:
    by_level: dict[int, set[str]] = {}
    for st in fw.statements:
        by_level.setdefault(st.level or 0, set()).add(st.id)
    assert by_level[1] == {"mon.actuals", "mon.business-value"}  # monitoring from the first level
    assert {"code.vcs", "code.tests", "data.pipeline", "data.catalog"} == by_level[2]
    assert {"train.pipeline", "train.metadata", "train.registry", "data.feature-store"} <= by_level[3]
    assert by_level[4] == {"code.ci", "code.cd", "code.ab-testing"}
    assert by_level[5] == {"train.continuous"}


def test_every_statement_cited_with_guidance(fw: Framework) -> None:
    for st in fw.statements:
        assert st.citation is not None and st.citation.source == "five-levels" and st.citation.ref, st.id
        assert st.guidance, st.id
        assert not st.is_rubric, st.id
    assert fw.by_id["mon.actuals"].citation.ref.startswith("Monitoring should start from the manual level")  # type: ignore[union-attr]


def test_retraining_caution_in_guidance(fw: Framework) -> None:
    st = fw.by_id["train.continuous"]
    assert "Risk of retraining" in st.citation.ref  # type: ignore[union-attr]
    for word in ("delayed labels", "root-cause", "compute", "n/a"):
        assert word in st.guidance, word


def test_all_yes_reaches_level_five(fw: Framework) -> None:
    result = score(fw, all_yes(fw))
    assert result.level == 5
    assert result.percent == pytest.approx(100.0)
    assert result.blockers == ()
    assert result.headline.text == "Level 5"


def test_no_monitoring_is_below_level_one(fw: Framework) -> None:
    result = score(fw, all_yes(fw, mon__actuals="no"))
    assert result.level is None
    assert result.headline.text == "below level 1"
    assert result.blockers == ("mon.actuals",)
    # weights: 17 statements, mon.actuals and train.pipeline count 2 -> 19; mon.actuals lost
    assert result.percent == pytest.approx(100 * 17 / 19)


def test_repeatable_team(fw: Framework) -> None:
    result = score(fw, up_to(fw, 2))
    assert result.level == 2
    # levels 1-2: mon.actuals (2) + 5 others = 7 of 19
    assert result.percent == pytest.approx(100 * 7 / 19)
    assert set(result.blockers) == {s.id for s in fw.statements if s.level == 3}


def test_retraining_not_needed_can_be_answered_na(fw: Framework) -> None:
    result = score(fw, up_to(fw, 4))
    assert result.level == 4 and result.blockers == ("train.continuous",)
    result = score(fw, all_yes(fw, train__continuous="n/a"))
    assert result.level == 5
    assert result.overall.possible == pytest.approx(18)


def test_partial_never_passes_a_gate(fw: Framework) -> None:
    result = score(fw, all_yes(fw, code__ab_testing="partial"))
    assert result.level == 3
    assert result.blockers == ("code.ab-testing",)
    assert result.percent == pytest.approx(100 * 18.5 / 19)
