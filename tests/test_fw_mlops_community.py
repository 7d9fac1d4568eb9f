"""The shipped `mlops-community` framework matches its source questionnaire and scores as the source intends."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from shipped import ROOT, SCHEMA_HEADER, make_answers, shipped_framework

from generator.model import PERCENTAGE, REQUIRED, Framework
from generator.project import load_project
from generator.scoring import FrameworkScore, score

HEADER = SCHEMA_HEADER
FILE = ROOT / "frameworks" / "mlops-community.yaml"
BASIC = ("1", "2", "3", "4")


@pytest.fixture(scope="module")
def fw() -> Framework:
    return shipped_framework("mlops-community")


def _score(fw: Framework, answers: dict[str, str]) -> FrameworkScore:
    return score(fw, make_answers(fw.id, answers))


def _basics_yes(fw: Framework) -> dict[str, str]:
    return {s.id: "yes" for s in fw.statements if s.dimension in BASIC}


def test_header(fw: Framework) -> None:
    assert FILE.read_text(encoding="utf-8").startswith(HEADER)
    assert fw.title
    assert fw.levels == ()
    assert [s.id for s in fw.sources] == ["community"]
    assert fw.sources[0].author == "Maria Vechtomova"


def test_seven_sections_with_source_numbering(fw: Framework) -> None:
    assert [s.id for s in fw.sections] == ["1", "2", "3", "4", "5", "6", "7"]
    titles = [s.title.lower() for s in fw.sections]
    assert titles[0] == "documentation" and "feature store" in titles[4] and "explainability" in titles[5]
    assert [[sub.id for sub in s.sections] for s in fw.sections[:4]] == [
        ["1.1", "1.2", "1.3"],
        ["2.1", "2.2"],
        ["3.1", "3.2"],
        ["4.1", "4.2", "4.3", "4.4"],
    ]
    assert all(not s.sections for s in fw.sections[4:])


def test_statement_counts(fw: Framework) -> None:
    assert len(fw.statements) == 56
    assert [len(list(s.all_statements())) for s in fw.sections] == [8, 16, 10, 8, 7, 4, 3]
    sub_counts = {sub.id: len(sub.statements) for top in fw.sections[:4] for sub in top.sections}
    assert sub_counts == {
        "1.1": 3,
        "1.2": 3,
        "1.3": 2,
        "2.1": 7,
        "2.2": 9,
        "3.1": 2,
        "3.2": 8,
        "4.1": 2,
        "4.2": 2,
        "4.3": 2,
        "4.4": 2,
    }


def test_ids_keep_the_source_numbering(fw: Framework) -> None:
    for sid in ("1.1.1", "1.3.2", "2.1.7", "2.2.9", "3.2.8", "4.4.2", "5.1", "5.7", "6.4", "7.3"):
        assert sid in fw.by_id, sid
    assert fw.by_id["2.2.7"].section == "2.2" and fw.by_id["2.2.7"].dimension == "2"
    assert fw.by_id["7.3"].section == "7"
    # every id is its section's id plus a running number, as in the source
    for sec in fw.walk_sections():
        assert [s.id for s in sec.statements] == [f"{sec.id}.{i}" for i in range(1, len(sec.statements) + 1)]


def test_statement_2_2_7_has_five_parts(fw: Framework) -> None:
    st = fw.by_id["2.2.7"]
    assert [p.id for p in st.parts] == ["1", "2", "3", "4", "5"]
    assert "commit" in st.parts[0].text and "data" in st.parts[4].text
    assert sum(1 for s in fw.statements if s.parts) == 1


def test_every_statement_cited_and_guided(fw: Framework) -> None:
    for st in fw.statements:
        assert st.citation is not None and st.citation.source == "community", st.id
        assert st.citation.ref, st.id
        assert st.guidance, st.id
    assert fw.by_id["2.2.7"].citation.ref == "2.2 ML code traceability and reproducibility, item 7"  # type: ignore[union-attr]


def test_advanced_sections_are_marked(fw: Framework) -> None:
    for sec in fw.sections[4:]:
        assert "advanced" in sec.description.lower(), sec.id
    for sec in fw.sections[:4]:
        assert "advanced" not in sec.description.lower(), sec.id


def test_scoring_rules(fw: Framework) -> None:
    assert [r.kind for r in fw.rules] == [REQUIRED, PERCENTAGE]
    assert fw.headline_rule.name == "MLOps mature"
    assert fw.headline_rule.sections == BASIC


def test_all_yes_in_basics_is_mature_with_advanced_unanswered(fw: Framework) -> None:
    result = _score(fw, _basics_yes(fw))
    req = result.required[0]
    assert req.met and req.total == 42
    assert result.headline.text == "MLOps mature"
    # sections 5-7 are unanswered: not assessed, counted 0 in the percentage (42 of 56)
    assert result.percent == pytest.approx(75.0)


def test_one_partial_in_basics_is_not_mature(fw: Framework) -> None:
    answers = _basics_yes(fw) | {"3.2.5": "partial"} | {s.id: "yes" for s in fw.statements if s.dimension not in BASIC}
    result = _score(fw, answers)
    assert not result.required[0].met
    assert result.required[0].unmet == ("3.2.5",)
    assert result.headline.text == "41/42"
    assert result.percent == pytest.approx(100 * 55.5 / 56)


def test_not_applicable_counts_as_met(fw: Framework) -> None:
    answers = _basics_yes(fw) | {"1.3.1": "n/a", "3.2.5": "n/a", "4.2.1": "n/a"}
    result = _score(fw, answers)
    assert result.required[0].met
    assert result.percent == pytest.approx(100 * 39 / 53)


def test_unanswered_basic_statement_blocks_maturity(fw: Framework) -> None:
    answers = _basics_yes(fw)
    del answers["4.1.1"]
    req = _score(fw, answers).required[0]
    assert not req.met and req.not_assessed == ("4.1.1",)


def test_mature_from_an_answer_file(tmp_path: Path, fw: Framework) -> None:
    (tmp_path / "frameworks").mkdir()
    (tmp_path / "answers").mkdir()
    shutil.copy(FILE, tmp_path / "frameworks" / FILE.name)
    lines = [f'      "{sid}": "yes"' for sid in _basics_yes(fw)]
    lines[0] = '      "1.1.1": N/A'
    body = "team: demo\nname: Demo\nframeworks:\n  mlops-community:\n    answers:\n" + "\n".join(lines) + "\n"
    (tmp_path / "answers" / "demo.yaml").write_text(body, encoding="utf-8")
    project = load_project(tmp_path)
    assert not project.problems, [str(p) for p in project.problems.items]
    loaded = project.frameworks["mlops-community"]
    result = score(loaded, project.teams[0].frameworks["mlops-community"])
    assert result.by_id["1.1.1"].na
    assert result.required[0].met
