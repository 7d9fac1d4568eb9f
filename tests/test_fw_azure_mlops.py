"""The shipped Azure MLOps framework matches its source and scores as hand-computed."""

from __future__ import annotations

import pytest
from shipped import make_answers, shipped_framework

from generator.model import CUMULATIVE, PERCENTAGE, Framework, FrameworkAnswers
from generator.scoring import score

FID = "azure-mlops"


@pytest.fixture(scope="module")
def fw() -> Framework:
    return shipped_framework(FID)


def answers(values: dict[str, str]) -> FrameworkAnswers:
    return make_answers(FID, values)


def all_yes(fw: Framework, **overrides: str) -> FrameworkAnswers:
    values = {s.id: "yes" for s in fw.statements}
    values.update({k.replace("_", "."): v for k, v in overrides.items()})
    return answers(values)


def test_levels_are_the_five_azure_levels(fw: Framework) -> None:
    assert [lv.number for lv in fw.levels] == [0, 1, 2, 3, 4]
    names = [lv.name for lv in fw.levels]
    assert names == [
        "No MLOps",
        "DevOps but no MLOps",
        "Automated training",
        "Automated model deployment",
        "Full MLOps automated operations (retraining)",
    ]
    for lv in fw.levels:  # highlights and technology summarised in every level
        assert "**Highlights:**" in lv.description and "**Technology:**" in lv.description
        assert lv.citation is not None and lv.citation.source == "azure"


def test_scoring_rules_declared(fw: Framework) -> None:
    assert [r.kind for r in fw.rules] == [CUMULATIVE, PERCENTAGE]
    assert fw.headline_rule.kind == CUMULATIVE


def test_four_dimensions_with_statements_per_level(fw: Framework) -> None:
    assert [(s.id, s.title) for s in fw.sections] == [
        ("people", "People"),
        ("creation", "Model creation"),
        ("release", "Model release"),
        ("integration", "Application integration"),
    ]
    per_level = {top.id: [sum(1 for st in top.all_statements() if st.level == n) for n in range(5)] for top in fw.sections}
    # No statements at level 0; unchanged cells (e.g. People 0->1, Model creation 2->3) add none.
    assert per_level == {
        "people": [0, 0, 1, 2, 2],
        "creation": [0, 1, 3, 0, 1],
        "release": [0, 2, 2, 2, 0],
        "integration": [0, 3, 0, 3, 0],
    }
    assert len(fw.statements) == 22


def test_ids_are_stable_and_follow_dimension_level(fw: Framework) -> None:
    for sid in ("people.2.1", "creation.1.1", "creation.4.1", "release.3.2", "integration.1.3"):
        assert sid in fw.by_id
    for st in fw.statements:
        dim, level, _ = st.id.split(".")
        assert dim == st.dimension and int(level) == st.level


def test_every_statement_is_cited_and_has_guidance(fw: Framework) -> None:
    assert [s.id for s in fw.sources] == ["azure", "powar"]
    cited = {s.citation.source for s in fw.statements if s.citation}
    assert cited == {"azure", "powar"}
    for st in fw.statements:
        assert st.citation is not None and st.citation.ref.strip(), st.id
        assert st.guidance.strip(), st.id
        assert not st.is_rubric


def test_all_yes_reaches_level_4(fw: Framework) -> None:
    result = score(fw, all_yes(fw))
    assert result.level == 4
    assert result.percent == pytest.approx(100.0)
    assert result.blockers == ()
    assert result.headline.text == "Level 4"


def test_no_at_level_1_keeps_team_at_level_0_and_blocks(fw: Framework) -> None:
    result = score(fw, all_yes(fw, **{"creation.1.1": "no"}))
    assert result.level == 0
    assert result.blockers == ("creation.1.1",)
    dims = {d.section.id: d.level for d in result.dimensions}
    assert dims == {"people": 4, "creation": 0, "release": 4, "integration": 4}
    assert result.percent == pytest.approx(100.0 * 21 / 22)


def test_partial_never_passes_a_gate(fw: Framework) -> None:
    # Everything at levels 1-2 yes except release.2.2 partial; levels 3-4 unanswered.
    values = {s.id: "yes" for s in fw.statements if s.level is not None and s.level <= 2}
    values["release.2.2"] = "partial"
    result = score(fw, answers(values))
    dims = {d.section.id: d.level for d in result.dimensions}
    # People has no level-1 statements and its level-2 one is met; Model creation has none at 3.
    assert dims == {"people": 2, "creation": 3, "release": 1, "integration": 2}
    assert result.level == 1
    assert result.blockers == ("release.2.2",)
    # 11 yes + 0.5 of 22 equally weighted statements (unanswered count 0).
    assert result.percent == pytest.approx(100.0 * 11.5 / 22)
