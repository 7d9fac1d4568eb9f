"""What a scoring rule is: one class holding everything the rule means to every part of the tool.

A rule declares the keys its ``scoring`` entry takes, checks a framework that uses it,
scores, writes its spreadsheet formulas and says how the site shows it. The registry in
``generator.rules`` lists them; nothing else in the tool names a rule.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from generator.model import Framework, Rule, Statement
from generator.results import (
    AggregateResult,
    DimensionLevel,
    FrameworkScore,
    Headline,
    RequiredSetResult,
    SectionScore,
    StatementResult,
)

if TYPE_CHECKING:
    from yaml.nodes import Node

    from generator.workbook.formulas import Formulas
    from generator.yamlsource import Reader

#: One column of a distribution chart: label, number of teams, heat ratio (None: not assessed).
BucketSpec = tuple[str, int, float | None]


@dataclass(frozen=True)
class LevelOutcome:
    """What a levelled rule finds: the level per dimension, the overall level, the next level's blockers."""

    dimensions: tuple[DimensionLevel, ...]
    level: int | None
    blockers: tuple[str, ...]


@dataclass(frozen=True)
class Scored:
    """What a headline is drawn from: the results of every declared rule."""

    level: int | None
    overall: SectionScore
    required: tuple[RequiredSetResult, ...]
    aggregates: tuple[AggregateResult, ...]


@dataclass(frozen=True)
class SummaryCells:
    """Cells of the workbook's Summary a headline formula may refer to."""

    level: str | None  # the overall level cell
    level_missing: str  # what the level cell shows when there is no level
    percent: str | None  # the overall percentage cell
    required: tuple[tuple[str, str, int], ...]  # (name, met-count cell, total) per required set
    #: rule name -> (overall cell, section id -> cell, level cell) per aggregated score
    aggregates: Mapping[str, tuple[str, dict[str, str], str | None]] = field(default_factory=dict)


class ScoringRule:
    """Base of every scoring rule. Subclasses set the class attributes and override what applies."""

    kind: ClassVar[str]
    #: One sentence for the framework page.
    explanation: ClassVar[str]
    #: Keys of its ``scoring`` entry besides ``rule`` and ``name``.
    keys: ClassVar[tuple[str, ...]] = ()
    #: May be declared more than once.
    repeatable: ClassVar[bool] = False
    #: Gives a level per dimension and overall (at most one such rule per framework).
    levelled: ClassVar[bool] = False
    #: The workbook shows a Level column for each statement.
    level_column: ClassVar[bool] = False
    #: The team page charts a level per dimension rather than a percentage per section.
    level_chart: ClassVar[bool] = False
    default_name: ClassVar[str] = ""
    #: Which figure the headline already shows ("level", "percent" or "required"), so reports do not repeat it.
    headline_figure: ClassVar[str] = "level"

    # -- declaration and validation ---------------------------------------------------
    def read(self, reader: Reader, keys: dict[str, tuple[Node, Node]]) -> Any:
        """Read the rule's own keys of its ``scoring`` entry into a frozen config (None when it has none)."""
        return None

    def gives_levels(self, config: Any) -> bool:
        """Whether an entry with this config gives levels."""
        return self.levelled

    def describe(self, rule: Rule) -> str:
        """What one declared entry means, for the framework page."""
        return self.explanation

    def entry_problem(self, rule: Rule) -> str | None:
        """What is wrong with one ``scoring`` entry on its own, if anything."""
        return None

    def check(self, fw: Framework, declared: bool) -> Iterator[tuple[Statement | None, str]]:
        """Problems of a framework (located at a statement, or at ``scoring`` when None).

        Called for every registered rule, declared or not, so a rule can refuse items it alone scores.
        """
        return iter(())

    # -- scoring ----------------------------------------------------------------------
    def levels(self, fw: Framework, rule: Rule, results: Mapping[str, StatementResult]) -> LevelOutcome | None:
        return None

    def aggregate(self, fw: Framework, rule: Rule, results: Mapping[str, StatementResult]) -> AggregateResult | None:
        return None

    def requirement(self, fw: Framework, rule: Rule, results: Mapping[str, StatementResult]) -> RequiredSetResult | None:
        return None

    def headline(self, fw: Framework, rule: Rule, scored: Scored) -> Headline:
        raise NotImplementedError

    # -- site ---------------------------------------------------------------------------
    def buckets(self, fw: Framework, rule: Rule, assessed: Sequence[FrameworkScore]) -> list[BucketSpec]:
        """The distribution of teams (the assessed ones) over this rule's results."""
        raise NotImplementedError

    # -- workbook -------------------------------------------------------------------------
    def level_cells(self, book: Formulas, fw: Framework) -> dict[str, str]:
        """Write the level formulas of each dimension into the Scores sheet; returns dimension id -> cell."""
        return {}

    def level_missing(self, fw: Framework) -> str:
        """What the workbook's overall level cell shows when a dimension has no level."""
        return "not assessed"

    def summary_rows(self, book: Formulas, fw: Framework, rule: Rule, row: int) -> tuple[tuple[str, str, int] | None, int]:
        """Rows of its own on the Summary sheet from ``row``; returns (name, cell, total) for headlines and the next row."""
        return None, row

    def headline_formula(self, fw: Framework, rule: Rule, cells: SummaryCells) -> str | None:
        """The formula (without ``=``) of the headline cell, or None when the cells it needs are absent."""
        return None


def lowest(levels: Sequence[int | None]) -> int | None:
    """The lowest level, or None when there is none or any dimension has none."""
    if not levels or any(lv is None for lv in levels):
        return None
    return min(lv for lv in levels if lv is not None)


def level_ratio(fw: Framework, level: int) -> float:
    """Where a level sits between the framework's lowest (0) and highest (1)."""
    lo, hi = fw.levels[0].number, fw.levels[-1].number
    return (level - lo) / (hi - lo) if hi > lo else 1.0


def level_buckets(fw: Framework, assessed: Sequence[FrameworkScore]) -> list[BucketSpec]:
    """One bucket per level: the teams at exactly that level."""
    return [
        (f"{lv.number} {lv.name}", sum(1 for s in assessed if s.level == lv.number), level_ratio(fw, lv.number))
        for lv in fw.levels
    ]


def quote(text: str) -> str:
    """A string literal inside a spreadsheet formula."""
    return '"' + text.replace('"', '""') + '"'
