"""What scoring produces: plain frozen results that the site, workbook, diff and history read."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

from generator.model import Answer, Framework, ScaleOption, Section, Statement, Target


class StatementResult(NamedTuple):
    """One statement's answer and what it counts for (a named tuple: scoring makes one per statement per team)."""

    statement: Statement
    answer: Answer | None
    option: ScaleOption | None  # None for rubric items and unanswered statements

    @property
    def assessed(self) -> bool:
        return self.answer is not None

    @property
    def na(self) -> bool:
        return self.option is not None and self.option.na

    @property
    def met(self) -> bool:
        """Yes (or a full-score custom answer) or n/a; never partial, never unanswered."""
        return self.option is not None and self.option.meets

    @property
    def score(self) -> float | None:
        return None if self.option is None else self.option.score

    @property
    def status(self) -> str:
        """A short word for display: the answer's value, or 'not assessed'."""
        return self.answer.value if self.answer is not None else "not assessed"


@dataclass(frozen=True)
class SectionScore:
    section: Section
    earned: float
    possible: float
    total: int
    assessed: int
    na: int
    met: int

    @property
    def percent(self) -> float | None:
        """None when nothing in the section was assessed (or all of it is n/a)."""
        if not self.assessed or self.possible <= 0:
            return None
        return 100.0 * self.earned / self.possible


@dataclass(frozen=True)
class DimensionLevel:
    section: Section
    level: int | None  # None: below the lowest level, or (rubric) not assessed
    blockers: tuple[str, ...]  # statement ids that keep it from the next level


@dataclass(frozen=True)
class RequiredSetResult:
    name: str
    sections: tuple[str, ...]
    total: int
    unmet: tuple[str, ...]  # answered but not met (no / partial)
    not_assessed: tuple[str, ...]

    @property
    def met(self) -> bool:
        return not self.unmet and not self.not_assessed

    @property
    def met_count(self) -> int:
        return self.total - len(self.unmet) - len(self.not_assessed)


@dataclass(frozen=True)
class LevelSlice:
    """An aggregated score counting only the statements of one level (``by_level``)."""

    level: int
    overall: float | None
    sections: Mapping[str, float | None]
    maxima: Mapping[str, float]
    maximum: float


@dataclass(frozen=True)
class AggregateResult:
    """A score combined up the hierarchy as the framework declares (sum, mean, minimum per depth)."""

    name: str
    unit: str  # "points" or "percent"
    decimals: int
    maximum: float  # the highest score possible overall
    overall: float | None  # None: not assessed
    sections: Mapping[str, float | None]  # section id -> its score, None when nothing in it is assessed
    maxima: Mapping[str, float]  # section id -> the highest score it can have
    by_level: tuple[LevelSlice, ...] = ()  # the same score per level of the statements, when declared

    def text(self, value: float | None, maximum: float | None = None) -> str:
        """``1.40 / 3`` or ``47%``; "not assessed" for None."""
        top = self.maximum if maximum is None else maximum
        if value is None:
            return "not assessed"
        if self.unit == "percent":
            return f"{100 * value / top:.{self.decimals}f}%" if top else "0%"
        return f"{value:.{self.decimals}f} / {top:g}"

    def ratio(self, value: float | None, maximum: float | None = None) -> float | None:
        top = self.maximum if maximum is None else maximum
        return None if value is None else (value / top if top else 0.0)


@dataclass(frozen=True)
class Headline:
    """What one cell of the organisation heatmap shows."""

    kind: str  # the headline rule
    text: str  # e.g. "Level 2", "Mature", "64%", "not assessed"
    ratio: float | None  # 0..1 for colouring; None when not assessed


@dataclass(frozen=True)
class FrameworkScore:
    framework: Framework
    results: tuple[StatementResult, ...]
    overall: SectionScore
    sections: tuple[SectionScore, ...]  # every section, depth-first
    level: int | None
    dimensions: tuple[DimensionLevel, ...]
    blockers: tuple[str, ...]  # what blocks the next overall level, basics first
    required: tuple[RequiredSetResult, ...]
    target: Target | None
    headline: Headline
    aggregates: tuple[AggregateResult, ...] = ()  # one per declared `aggregate` rule

    @property
    def percent(self) -> float | None:
        return self.overall.percent

    @property
    def next_level(self) -> int | None:
        if not self.framework.has_overall_level or not self.framework.levels:
            return None
        top = self.framework.levels[-1].number
        if self.level is None:
            return self.framework.levels[0].number
        return self.level + 1 if self.level < top else None

    @property
    def target_met(self) -> bool | None:
        if self.target is None:
            return None
        if self.target.level is not None:
            return self.level is not None and self.level >= self.target.level
        pct = self.percent
        return pct is not None and self.target.percent is not None and pct >= self.target.percent

    def result(self, statement_id: str) -> StatementResult:
        return self.by_id[statement_id]

    @cached_property
    def by_id(self) -> Mapping[str, StatementResult]:
        return {r.statement.id: r for r in self.results}
