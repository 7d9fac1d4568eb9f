"""Scoring: pure functions from a framework and one team's answers to a result.

Every framework with statements on its answer scale gets a weighted percentage per section
and overall (n/a left out, unanswered counts 0). What each declared ``scoring`` rule adds
(levels per dimension, required sets, the headline) is defined by that rule's module in
``generator.rules``; the first declared rule is the framework's *headline*: what the
heatmap shows. The result types live in ``generator.results`` and are re-exported here.
"""

from __future__ import annotations

from collections.abc import Mapping

from generator.model import (
    CUMULATIVE,
    PERCENTAGE,
    REQUIRED,
    RUBRIC_RULE,
    Framework,
    FrameworkAnswers,
    Section,
    option_key,
)
from generator.results import (
    AggregateResult,
    DimensionLevel,
    FrameworkScore,
    Headline,
    RequiredSetResult,
    SectionScore,
    StatementResult,
)
from generator.rules import RULES
from generator.rules.base import Scored


def _section_scores(framework: Framework, results: Mapping[str, StatementResult]) -> tuple[list[SectionScore], SectionScore]:
    """Every section's score (in :meth:`Framework.walk_sections` order) and the whole framework's, in one pass.

    A section counts its own statements and everything under it; rubric items are left out.
    """
    scores: list[SectionScore] = []

    def tally(section: Section, listed: bool = True) -> tuple[float, float, int, int, int, int]:
        earned = possible = 0.0
        total = assessed = na = met = 0
        for st in section.statements:
            if st.is_rubric:
                continue
            r = results[st.id]
            total += 1
            if r.answer is not None:
                assessed += 1
            option = r.option
            if option is not None:
                if option.score is None:  # n/a
                    na += 1
                    continue
                if option.meets:
                    met += 1
                earned += st.weight * option.score
            possible += st.weight
        at = len(scores)
        for sub in section.sections:
            e, p, t, a, n, m = tally(sub)
            earned, possible, total, assessed, na, met = earned + e, possible + p, total + t, assessed + a, na + n, met + m
        if listed:  # before its sub-sections
            scores.insert(at, SectionScore(section, earned, possible, total, assessed, na, met))
        return earned, possible, total, assessed, na, met

    whole = Section("*", framework.title, statements=(), sections=framework.sections, depth=-1)
    return scores, SectionScore(whole, *tally(whole, listed=False))


def score(framework: Framework, answers: FrameworkAnswers | None) -> FrameworkScore:
    """Score one team's answers (or none) to one framework."""
    given = answers.answers if answers is not None else {}
    results: dict[str, StatementResult] = {}
    texts = framework.answer_texts
    for st in framework.statements:
        ans = given.get(st.id)
        options = texts.get(st.id)  # None for a rubric item
        option = None if ans is None or options is None else options.get(option_key(ans.value))
        results[st.id] = StatementResult(st, ans, option)
    section_scores, overall = _section_scores(framework, results)
    sections = tuple(section_scores)

    dimensions: tuple[DimensionLevel, ...] = ()
    level: int | None = None
    blockers: tuple[str, ...] = ()
    required: list[RequiredSetResult] = []
    aggregates: list[AggregateResult] = []
    for rule in framework.rules:
        impl = RULES[rule.kind]
        outcome = impl.levels(framework, rule, results)
        if outcome is not None and not dimensions:
            dimensions, level, blockers = outcome.dimensions, outcome.level, outcome.blockers
        req = impl.requirement(framework, rule, results)
        if req is not None:
            required.append(req)
        agg = impl.aggregate(framework, rule, results)
        if agg is not None:
            aggregates.append(agg)
    head = framework.headline_rule
    if given:
        scored = Scored(level, overall, tuple(required), tuple(aggregates), dimensions)
        headline = RULES[head.kind].headline(framework, head, scored)
    else:
        headline = Headline(head.kind, "not assessed", None)
    return FrameworkScore(
        framework,
        tuple(results.values()),
        overall,
        sections,
        level,
        dimensions,
        blockers,
        tuple(required),
        answers.target if answers is not None else None,
        headline,
        tuple(aggregates),
    )


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
