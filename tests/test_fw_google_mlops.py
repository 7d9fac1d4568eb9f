"""The shipped Google MLOps framework matches its source and scores as hand-computed."""

from __future__ import annotations

from collections import Counter

import pytest
from shipped import ROOT, all_yes, make_answers, shipped_framework

from generator.model import CUMULATIVE, PERCENTAGE, Framework, FrameworkAnswers
from generator.scoring import score

FID = "google-mlops"


@pytest.fixture(scope="module")
def fw() -> Framework:
    return shipped_framework(FID)


def answers(values: dict[str, str]) -> FrameworkAnswers:
    return make_answers(FID, values)


def test_header_and_source(fw: Framework) -> None:
    text = (ROOT / "frameworks" / f"{FID}.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../generator/schemas/framework.schema.json\n")
    assert [s.id for s in fw.sources] == ["google"]
    assert "Google Model" in fw.sources[0].note
    assert fw.sources[0].publisher.startswith("Google Cloud")


def test_three_google_levels(fw: Framework) -> None:
    assert [(lv.number, lv.name) for lv in fw.levels] == [
        (0, "Manual process"),
        (1, "ML pipeline automation"),
        (2, "CI/CD pipeline automation"),
    ]
    assert all(lv.citation is not None and lv.description for lv in fw.levels)


def test_scoring_rules_declared(fw: Framework) -> None:
    assert [r.kind for r in fw.rules] == [CUMULATIVE, PERCENTAGE]
    assert fw.headline_rule.kind == CUMULATIVE


def test_five_dimensions_and_statement_counts(fw: Framework) -> None:
    assert [s.id for s in fw.sections] == ["experimentation", "training", "delivery", "cicd", "monitoring"]
    per_level = {top.id: Counter(s.level for s in top.all_statements()) for top in fw.sections}
    assert per_level == {
        "experimentation": Counter({1: 3, 2: 1}),
        "training": Counter({1: 3, 2: 1}),
        "delivery": Counter({1: 2, 2: 1}),
        "cicd": Counter({1: 1, 2: 4}),
        "monitoring": Counter({1: 2, 2: 2}),
    }
    assert len(fw.statements) == 20
    # level 0 is the starting point: no statement gates it
    assert not [s.id for s in fw.statements if s.level == 0]
    assert all(not top.sections for top in fw.sections)


def test_every_level_one_and_two_characteristic_is_cited(fw: Framework) -> None:
    refs = " | ".join(s.citation.ref for s in fw.statements if s.citation is not None)
    level1 = [
        "Rapid experiment",
        "CT of the model in production",
        "Experimental-operational symmetry",
        "Modularized code for components and pipelines",
        "Continuous delivery of models",
        "Pipeline deployment",
    ]
    level2 = [
        "Development and experimentation",
        "Pipeline continuous integration",
        "Pipeline continuous delivery",
        "Automated triggering",
        "Model continuous delivery",
        "Monitoring",
    ]
    for name in level1:
        assert f"Level 1 characteristics: {name}" in refs, name
    for name in level2:
        assert f"Level 2 characteristics: {name}" in refs, name


def test_every_statement_cited_with_guidance(fw: Framework) -> None:
    for st in fw.statements:
        assert st.citation is not None and st.citation.source == "google" and st.citation.ref, st.id
        assert st.guidance, st.id
        assert st.text and not st.is_rubric, st.id


def test_stable_ids(fw: Framework) -> None:
    for sid, level, dim in [
        ("exp.orchestrated", 1, "experimentation"),
        ("train.continuous", 1, "training"),
        ("train.registry", 2, "training"),
        ("delivery.automated", 1, "delivery"),
        ("cicd.build-test", 2, "cicd"),
        ("cicd.deploy", 2, "cicd"),
        ("mon.trigger", 2, "monitoring"),
    ]:
        st = fw.by_id[sid]
        assert (st.level, st.dimension) == (level, dim), sid
    assert fw.by_id["train.continuous"].weight == 2


def test_all_yes_reaches_level_two(fw: Framework) -> None:
    result = score(fw, all_yes(fw))
    assert result.level == 2
    assert result.percent == pytest.approx(100.0)
    assert result.blockers == ()
    assert result.headline.text == "Level 2"


def test_level_one_only_team(fw: Framework) -> None:
    values = {s.id: ("yes" if s.level == 1 else "no") for s in fw.statements}
    result = score(fw, answers(values))
    assert result.level == 1
    assert {d.section.id: d.level for d in result.dimensions} == dict.fromkeys(
        ["experimentation", "training", "delivery", "cicd", "monitoring"], 1
    )
    # weights: level 1 = 10 statements x1 + train.continuous x2 = 12; level 2 adds 9 + 2 extra = 11; 12 / 23
    assert result.percent == pytest.approx(100 * 12 / 23)
    assert set(result.blockers) == {s.id for s in fw.statements if s.level == 2}


def test_a_no_at_level_one_keeps_team_at_level_zero(fw: Framework) -> None:
    result = score(fw, all_yes(fw, mon__logged="no"))
    assert result.level == 0
    assert result.blockers == ("mon.logged",)
    dims = {d.section.id: d.level for d in result.dimensions}
    assert dims["monitoring"] == 0 and dims["cicd"] == 2
    assert result.percent == pytest.approx(100 * 22 / 23)


def test_partial_counts_half_but_never_passes_a_gate(fw: Framework) -> None:
    result = score(fw, all_yes(fw, cicd__build_test="partial"))
    assert result.level == 1
    assert result.blockers == ("cicd.build-test",)
    assert result.percent == pytest.approx(100 * 22 / 23)  # weight 2 x 0.5 lost


def test_not_applicable_meets_and_leaves_the_denominator(fw: Framework) -> None:
    result = score(fw, all_yes(fw, exp__containers="n/a"))
    assert result.level == 2
    assert result.overall.possible == pytest.approx(22)
