"""The shipped `mature-mlops-areas` framework matches its source article and scores as a percentage."""

from __future__ import annotations

import pytest
from shipped import ROOT, SCHEMA_HEADER, make_answers, shipped_framework

from generator.model import PERCENTAGE, Framework
from generator.scoring import FrameworkScore, score

HEADER = SCHEMA_HEADER
FILE = ROOT / "frameworks" / "mature-mlops-areas.yaml"


@pytest.fixture(scope="module")
def fw() -> Framework:
    return shipped_framework("mature-mlops-areas")


def _score(fw: Framework, answers: dict[str, str]) -> FrameworkScore:
    return score(fw, make_answers(fw.id, answers))


def test_header_and_source(fw: Framework) -> None:
    assert FILE.read_text(encoding="utf-8").startswith(HEADER)
    assert [s.id for s in fw.sources] == ["darnell"]
    assert fw.sources[0].author == "Dan Darnell"


def test_four_areas_in_source_order(fw: Framework) -> None:
    assert [(s.id, s.title) for s in fw.sections] == [
        ("1", "Deployment"),
        ("2", "Monitoring"),
        ("3", "Lifecycle management"),
        ("4", "Governance"),
    ]
    assert all(not s.sections for s in fw.sections)


def test_practice_counts(fw: Framework) -> None:
    assert len(fw.statements) == 18
    assert [len(s.statements) for s in fw.sections] == [3, 4, 7, 4]
    for sec in fw.sections:
        assert [s.id for s in sec.statements] == [f"{sec.id}.{i}" for i in range(1, len(sec.statements) + 1)]


def test_named_practices_present(fw: Framework) -> None:
    text = {sid: st.text.lower() for sid, st in fw.by_id.items()}
    assert "pipelines" in text["1.1"] and "models" in text["1.1"]
    assert "test" in text["1.3"]
    # the four kinds of monitoring the article lists
    assert [
        "pipeline" in text["2.1"],
        "training data" in text["2.2"],
        "infrastructure" in text["2.3"],
        "service level" in text["2.4"],
    ] == [True] * 4
    assert "fallback" in text["3.3"] and "without stopping" in text["3.7"]
    assert "audit logs" in text["4.3"] and "signed off" in text["4.4"]


def test_every_statement_cited_and_guided(fw: Framework) -> None:
    for st in fw.statements:
        assert st.citation is not None and st.citation.source == "darnell", st.id
        assert st.citation.ref.split(".")[0] == st.dimension, st.id  # cites its own area of the article
        assert st.guidance, st.id


def test_scoring_is_percentage_without_levels(fw: Framework) -> None:
    assert [r.kind for r in fw.rules] == [PERCENTAGE]
    assert fw.levels == ()
    assert not fw.has_levels


def test_all_yes_is_100_percent(fw: Framework) -> None:
    result = _score(fw, {s.id: "yes" for s in fw.statements})
    assert result.percent == pytest.approx(100.0)
    assert result.headline.text == "100%"
    assert result.level is None


def test_mixed_answers_hand_computed(fw: Framework) -> None:
    answers = {s.id: "yes" for s in fw.statements} | {"2.1": "partial", "4.4": "no", "3.4": "n/a"}
    result = _score(fw, answers)
    # 17 statements count (3.4 is n/a): 15 yes + 0.5 partial
    assert result.percent == pytest.approx(100 * 15.5 / 17)
    per_area = {s.section.id: s.percent for s in result.sections}
    assert per_area == {"1": pytest.approx(100.0), "2": pytest.approx(87.5), "3": pytest.approx(100.0), "4": pytest.approx(75.0)}


def test_unanswered_counts_zero_and_nothing_is_not_assessed(fw: Framework) -> None:
    half = _score(fw, {s.id: "yes" for s in fw.sections[0].statements})
    assert half.percent == pytest.approx(100 * 3 / 18)
    assert _score(fw, {}).headline.text == "not assessed"
