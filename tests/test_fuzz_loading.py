"""Whatever bytes an answer or framework file holds, loading reports problems and never raises."""

from __future__ import annotations

from pathlib import Path

import yaml
from conftest import DEMO_FRAMEWORK
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.answers import read_team
from generator.frameworks import read_framework
from generator.problems import Problems

FRAMEWORK = read_framework(Path("demo.yaml"), Problems(), data=DEMO_FRAMEWORK.encode())
assert FRAMEWORK is not None
FRAMEWORKS = {"demo": FRAMEWORK}

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20))
keys = st.sampled_from(["team", "name", "group", "owners", "frameworks", "demo", "answers", "answer", "note", "b1", "r2", "x"])
trees = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=5), max_leaves=25)


def _check(data: bytes) -> None:
    problems = Problems()
    team = read_team(Path("answers/fuzz.yaml"), FRAMEWORKS, problems, data=data)
    assert (team is None) == bool(problems)
    assert all(p.path == "answers/fuzz.yaml" and p.message for p in problems.items)
    fw_problems = Problems()
    fw = read_framework(Path("frameworks/fuzz.yaml"), fw_problems, data=data)
    assert (fw is None) == bool(fw_problems)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300))
def test_arbitrary_bytes(data: bytes) -> None:
    _check(data)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(trees)
def test_arbitrary_yaml_structures(tree: object) -> None:
    _check(yaml.safe_dump(tree, allow_unicode=True).encode())


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.sampled_from(["b1", "b2", "r1", "r2", "zz"]), scalars, max_size=4))
def test_arbitrary_answers_to_a_real_framework(answers: dict[str, object]) -> None:
    doc = {"team": "fuzz", "name": "Fuzz", "frameworks": {"demo": {"answers": answers}}}
    _check(yaml.safe_dump(doc).encode())
