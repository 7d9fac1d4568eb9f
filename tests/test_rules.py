"""Each scoring rule lives in one module of generator/rules and is known everywhere through the registry."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest

from generator.rules import ENTRY_KEYS, RULES

REPO = Path(__file__).resolve().parent.parent
KIND_NAMES = re.compile(r"\b(CUMULATIVE|PERCENTAGE|REQUIRED|RUBRIC_RULE)\b")


def test_every_rule_is_documented_and_in_the_schema() -> None:
    schema = json.loads((REPO / "generator/schemas/framework.schema.json").read_text())
    rule = schema["$defs"]["rule"]
    assert sorted(rule["properties"]["rule"]["enum"]) == sorted(RULES)
    assert sorted(rule["properties"]) == sorted(ENTRY_KEYS)
    doc = (REPO / "docs/framework-format.md").read_text()
    for kind, impl in RULES.items():
        assert f"| `{kind}` |" in doc, kind
        assert impl.explanation.strip(), kind


def test_no_module_outside_the_rules_names_a_rule() -> None:
    """Adding a rule is one module plus its tests: scoring, loader, site and workbook go through the registry."""
    allowed = {"model.py", "scoring.py"}  # the kind names (kept for callers) and their re-export
    offenders = [
        str(path.relative_to(REPO))
        for path in (REPO / "generator").rglob("*.py")
        if "rules" not in path.parts and path.name not in allowed and KIND_NAMES.search(path.read_text())
    ]
    assert offenders == []
    literal = re.compile(r'"(cumulative-levels|weighted-percentage|required-set)"')
    outside = [
        str(path.relative_to(REPO))
        for path in (REPO / "generator").rglob("*.py")
        if "rules" not in path.parts and path.name != "model.py" and literal.search(path.read_text())
    ]
    assert outside == []


def test_only_levelled_rules_give_levels() -> None:
    assert {k for k, r in RULES.items() if r.levelled} == {"cumulative-levels", "rubric"}
    assert {k for k, r in RULES.items() if r.repeatable} == {"required-set", "aggregate"}
    # an aggregated score gives levels only when it declares bands
    aggregate = RULES["aggregate"]
    assert not aggregate.levelled and not aggregate.gives_levels(None)


@pytest.mark.parametrize("path", sorted((REPO / "tests/fixtures/shapes/frameworks").glob("*.yaml")), ids=lambda p: p.stem)
def test_the_schema_follows_every_construct(path: Path) -> None:
    """The shape frameworks use every construct of the format; editors' schema accepts each of them."""
    from test_schemas import load, schema

    jsonschema.validate(load(path), schema("framework"))
