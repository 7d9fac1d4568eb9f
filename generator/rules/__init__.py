"""The scoring rules a framework may declare, one module each, registered here.

A new rule is one module with a :class:`~generator.rules.base.ScoringRule` subclass,
one line in ``RULES``, and its tests.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from generator.rules.aggregate import Aggregate
from generator.rules.base import ScoringRule
from generator.rules.cumulative import CumulativeLevels
from generator.rules.percentage import WeightedPercentage
from generator.rules.required import RequiredSet
from generator.rules.rubric import Rubric

RULES: Mapping[str, ScoringRule] = MappingProxyType(
    {r.kind: r for r in (CumulativeLevels(), RequiredSet(), WeightedPercentage(), Rubric(), Aggregate())}
)
#: Every key a ``scoring`` entry may have.
ENTRY_KEYS: tuple[str, ...] = ("rule", "name", *dict.fromkeys(k for r in RULES.values() for k in r.keys))


def rule_of(kind: str) -> ScoringRule:
    return RULES[kind]


__all__ = ["ENTRY_KEYS", "RULES", "ScoringRule", "rule_of"]
