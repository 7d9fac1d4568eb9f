"""What a scoring rule is: one class holding everything the rule means to every part of the tool.

A rule declares the keys its ``scoring`` entry takes, checks a framework that uses it,
scores, writes its spreadsheet formulas and says how the site shows it. The registry in
``generator.rules`` lists them; nothing else in the tool names a rule.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from generator.model import Framework, Rule, Section, Statement
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
    dimensions: tuple[DimensionLevel, ...] = ()


@dataclass(frozen=True)
class SummaryCells:
    """Cells of the workbook's Summary a headline formula may refer to."""

    level: str | None  # the overall level cell
    level_missing: str  # what the level cell shows when there is no level
    percent: str | None  # the overall percentage cell
    required: tuple[tuple[str, str, int], ...]  # (name, met-count cell, total) per required set
    #: rule name -> (overall cell, section id -> cell, level cell) per aggregated score
    aggregates: Mapping[str, tuple[str, dict[str, str], str | None]] = field(default_factory=dict)
    dimensions: tuple[str, ...] = ()  # the level cell of each dimension, in page order


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
    def level_cells(self, book: Formulas, fw: Framework, rule: Rule) -> dict[str, str]:
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


#: Keys every levelled rule (``cumulative-levels``, ``rubric``) takes: which sections are its dimensions,
#: and whether the dimensions make an overall level.
LEVELLED_KEYS = ("depth", "overall")
OVERALL_CHOICES = ("lowest", "none")


@dataclass(frozen=True)
class LevelledConfig:
    """``depth``: the dimensions are the sections at this depth (1: top-level sections).
    ``overall``: ``lowest`` (the overall level is the lowest dimension) or ``none`` (a profile, no overall level)."""

    depth: int = 1
    overall: str = "lowest"

    @property
    def profile(self) -> bool:
        return self.overall == "none"


def read_levelled(reader: Reader, keys: dict[str, tuple[Node, Node]]) -> LevelledConfig:
    """The ``depth`` and ``overall`` keys of a levelled rule's ``scoring`` entry."""
    depth = 1
    if "depth" in keys:
        depth = reader.integer(keys["depth"][1], "depth")
        if depth < 1:
            reader.error(keys["depth"][1], f"`depth` counts from 1 (the top-level sections), got {depth}")
            depth = 1
    overall = "lowest"
    if "overall" in keys:
        overall = reader.text(keys["overall"][1], "overall")
        if overall not in OVERALL_CHOICES:
            choices = ", ".join(OVERALL_CHOICES)
            reader.error(keys["overall"][1], f"`overall` of a levelled rule is one of: {choices}; got `{overall}`")
            overall = "lowest"
    return LevelledConfig(depth, overall)


def levelled_config(rule: Rule) -> LevelledConfig:
    return rule.config if isinstance(rule.config, LevelledConfig) else LevelledConfig()


def dimensions(fw: Framework, rule: Rule) -> tuple[Section, ...]:
    """The sections a levelled rule gives a level each: those at its ``depth``, in page order."""
    depth = levelled_config(rule).depth - 1
    return tuple(sec for sec in fw.walk_sections() if sec.depth == depth)


def levelled_problems(fw: Framework, rule: Rule) -> Iterator[str]:
    """What is wrong with a levelled rule's ``depth`` for this framework's hierarchy."""
    depth = levelled_config(rule).depth
    deepest = max((sec.depth for sec in fw.walk_sections()), default=0) + 1
    if depth > deepest:
        yield f"`depth: {depth}` is deeper than the sections nest ({deepest} deep)"
        return
    for sec in fw.walk_sections():
        if sec.depth < depth - 1 and sec.statements:
            yield f"with `depth: {depth}` statements belong in sections {depth} deep; section `{sec.id}` holds some directly"
        if sec.depth < depth - 1 and not sec.sections:
            yield f"with `depth: {depth}` section `{sec.id}` needs sub-sections"


def overall_level(config: LevelledConfig, levels: Sequence[int | None]) -> int | None:
    """The overall level from the dimension levels; None for a profile."""
    return None if config.profile else lowest(levels)


def profile_text(levels: Sequence[int | None]) -> str:
    """A profile's headline: each dimension's level in page order, ``-`` where it has none ("2 · 1 · - · 3")."""
    return "Profile " + " · ".join("-" if lv is None else str(lv) for lv in levels)


def profile_headline(fw: Framework, kind: str, levels: Sequence[int | None]) -> Headline:
    """A profile has no overall level; its shade is the mean position of the dimensions that have one."""
    known = [level_ratio(fw, lv) for lv in levels if lv is not None]
    return Headline(kind, profile_text(levels), sum(known) / len(known) if known else 0.0)


def profile_formula(cells: Sequence[str]) -> str:
    """The spreadsheet twin of :func:`profile_text` over the dimension level cells."""
    parts = [f'IF(ISNUMBER({c}),{c},"-")' for c in cells]
    return '"Profile "&' + '&" · "&'.join(parts)


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
