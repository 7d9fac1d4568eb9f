"""Scoring: pure functions from a framework and one team's answers to a result.

Rules (declared per framework in its ``scoring`` list, never coded per framework):

* ``weighted-percentage``: sum(weight x score) / sum(weight) over the statements not
  answered n/a. Unanswered statements count 0 (they are "not assessed", never met);
  ``partial`` counts its score (0.5 on the default scale). Per section and overall.
* ``cumulative-levels``: a dimension (top-level section) is at level L when every
  statement at levels <= L in it is met (yes or n/a; partial is not). The overall
  level is the lowest dimension level. The statements that block the next overall
  level are listed, lowest level first ("basics first").
* ``required-set``: met when every statement of the named sections is met.
* ``rubric``: each dimension's level is the level chosen for its rubric item; the
  overall level is the lowest; any dimension not assessed leaves the overall level
  not assessed.

The first declared rule is the framework's *headline*: what the heatmap shows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

from generator.model import (
    CUMULATIVE,
    PERCENTAGE,
    REQUIRED,
    RUBRIC_RULE,
    Answer,
    Framework,
    FrameworkAnswers,
    ScaleOption,
    Section,
    Statement,
    Target,
)


@dataclass(frozen=True)
class StatementResult:
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

    @property
    def percent(self) -> float | None:
        return self.overall.percent

    @property
    def next_level(self) -> int | None:
        if not self.framework.has_levels or not self.framework.levels:
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


def _section_score(section: Section, results: Mapping[str, StatementResult]) -> SectionScore:
    earned = possible = 0.0
    total = assessed = na = met = 0
    for st in section.all_statements():
        if st.is_rubric:
            continue
        r = results[st.id]
        total += 1
        if r.assessed:
            assessed += 1
        if r.na:
            na += 1
            continue
        if r.met:
            met += 1
        possible += st.weight
        if r.score is not None:
            earned += st.weight * r.score
    return SectionScore(section, earned, possible, total, assessed, na, met)


def _whole(framework: Framework) -> Section:
    return Section("*", framework.title, statements=(), sections=framework.sections, depth=-1)


def _cumulative(framework: Framework, top: Section, results: Mapping[str, StatementResult]) -> DimensionLevel:
    numbers = [lv.number for lv in framework.levels]
    level: int | None = None
    for n in numbers:
        if all(results[s.id].met for s in top.all_statements() if s.level == n):
            level = n
        else:
            break
    nxt = numbers[0] if level is None else (level + 1 if level < numbers[-1] else None)
    blockers: tuple[str, ...] = ()
    if nxt is not None:
        blockers = tuple(s.id for s in top.all_statements() if s.level is not None and s.level <= nxt and not results[s.id].met)
    return DimensionLevel(top, level, blockers)


def _rubric(top: Section, results: Mapping[str, StatementResult]) -> DimensionLevel:
    chosen = [int(results[s.id].answer.value) for s in top.all_statements() if s.is_rubric and results[s.id].answer]  # type: ignore[union-attr]
    items = [s for s in top.all_statements() if s.is_rubric]
    if len(chosen) < len(items) or not items:
        return DimensionLevel(top, None, tuple(s.id for s in items if not results[s.id].assessed))
    return DimensionLevel(top, min(chosen), ())


def _lowest(levels: list[int | None]) -> int | None:
    if not levels or any(lv is None for lv in levels):
        return None
    return min(lv for lv in levels if lv is not None)


def _headline(
    fw: Framework, level: int | None, overall: SectionScore, required: tuple[RequiredSetResult, ...], any_answer: bool
) -> Headline:
    kind = fw.headline_rule.kind
    if not any_answer:
        return Headline(kind, "not assessed", None)
    if kind in (CUMULATIVE, RUBRIC_RULE):
        if level is None:
            if kind == RUBRIC_RULE:
                return Headline(kind, "incomplete", None)
            return Headline(kind, f"below level {fw.levels[0].number}", 0.0)
        lo, hi = fw.levels[0].number, fw.levels[-1].number
        return Headline(kind, f"Level {level}", (level - lo) / (hi - lo) if hi > lo else 1.0)
    if kind == REQUIRED:
        req = required[0]
        if req.met:
            return Headline(kind, req.name, 1.0)
        return Headline(kind, f"{req.met_count}/{req.total}", req.met_count / req.total if req.total else 0.0)
    pct = overall.percent
    return Headline(kind, "not assessed" if pct is None else f"{pct:.0f}%", None if pct is None else pct / 100)


def score(framework: Framework, answers: FrameworkAnswers | None) -> FrameworkScore:
    """Score one team's answers (or none) to one framework."""
    given = answers.answers if answers is not None else {}
    results: dict[str, StatementResult] = {}
    for st in framework.statements:
        ans = given.get(st.id)
        option = None if ans is None or st.is_rubric else framework.scale.lookup(ans.value)
        results[st.id] = StatementResult(st, ans, option)
    sections = tuple(_section_score(sec, results) for sec in framework.walk_sections())
    overall = _section_score(_whole(framework), results)

    dimensions: tuple[DimensionLevel, ...] = ()
    level: int | None = None
    blockers: tuple[str, ...] = ()
    if framework.has_rule(CUMULATIVE):
        dimensions = tuple(_cumulative(framework, top, results) for top in framework.sections)
        level = _lowest([d.level for d in dimensions])
        nxt = framework.levels[0].number if level is None else level + 1
        if level is None or level < framework.levels[-1].number:
            pending = [
                results[s.id] for s in framework.statements if s.level is not None and s.level <= nxt and not results[s.id].met
            ]
            pending.sort(key=lambda r: (r.statement.level, 0 if r.assessed else 1))
            blockers = tuple(r.statement.id for r in pending)
    elif framework.has_rule(RUBRIC_RULE):
        dimensions = tuple(_rubric(top, results) for top in framework.sections)
        level = _lowest([d.level for d in dimensions])
        if level is not None and level < framework.levels[-1].number:
            blockers = tuple(s.id for d in dimensions if d.level == level for s in d.section.all_statements() if s.is_rubric)
        elif level is None:
            blockers = tuple(b for d in dimensions for b in d.blockers)

    required = tuple(_required(framework, rule.name, rule.sections, results) for rule in framework.rules if rule.kind == REQUIRED)
    headline = _headline(framework, level, overall, required, bool(given))
    return FrameworkScore(
        framework,
        tuple(results.values()),
        overall,
        sections,
        level,
        dimensions,
        blockers,
        required,
        answers.target if answers is not None else None,
        headline,
    )


def _required(
    framework: Framework, name: str, section_ids: tuple[str, ...], results: Mapping[str, StatementResult]
) -> RequiredSetResult:
    ids: list[str] = []
    for sid in section_ids:
        sec = framework.section(sid)
        if sec is not None:
            ids.extend(s.id for s in sec.all_statements() if s.id not in ids)
    unmet = tuple(i for i in ids if results[i].assessed and not results[i].met)
    missing = tuple(i for i in ids if not results[i].assessed)
    return RequiredSetResult(name, section_ids, len(ids), unmet, missing)


def score_team(frameworks: Mapping[str, Framework], team_answers: Mapping[str, FrameworkAnswers]) -> dict[str, FrameworkScore]:
    """Scores for every framework the team answered, keyed by framework id."""
    return {fid: score(frameworks[fid], fa) for fid, fa in team_answers.items() if fid in frameworks}


__all__ = [
    "CUMULATIVE",
    "PERCENTAGE",
    "REQUIRED",
    "RUBRIC_RULE",
    "DimensionLevel",
    "FrameworkScore",
    "Headline",
    "RequiredSetResult",
    "SectionScore",
    "StatementResult",
    "score",
    "score_team",
]
