"""``rubric``: each dimension's level is the level chosen for its rubric items (the lowest if several).

The overall level is the lowest dimension level; any dimension not assessed leaves the
overall level not assessed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from generator.model import RUBRIC_RULE, Framework, Rule, Section, Statement
from generator.results import DimensionLevel, FrameworkScore, Headline, StatementResult
from generator.rules.base import (
    LEVELLED_KEYS,
    BucketSpec,
    LevelOutcome,
    Scored,
    ScoringRule,
    SummaryCells,
    dimensions,
    level_buckets,
    level_ratio,
    levelled_config,
    levelled_problems,
    overall_level,
    profile_formula,
    profile_headline,
    quote,
    read_levelled,
)

if TYPE_CHECKING:
    from yaml.nodes import Node

    from generator.workbook.formulas import Formulas
    from generator.yamlsource import Reader


def _dimension(top: Section, results: Mapping[str, StatementResult]) -> DimensionLevel:
    items = [s for s in top.all_statements() if s.is_rubric]
    chosen = [int(a.value) for s in items if (a := results[s.id].answer) is not None]
    if len(chosen) < len(items) or not items:
        return DimensionLevel(top, None, tuple(s.id for s in items if not results[s.id].assessed))
    return DimensionLevel(top, min(chosen), ())


class Rubric(ScoringRule):
    kind = RUBRIC_RULE
    explanation = "Rubric: each section is rated by picking the level description that fits; the framework level is the lowest."
    levelled = True
    level_chart = True
    keys = LEVELLED_KEYS

    def read(self, reader: Reader, keys: dict[str, tuple[Node, Node]]) -> Any:
        return read_levelled(reader, keys)

    def check(self, fw: Framework, declared: bool) -> Iterator[tuple[Statement | None, str]]:
        only_levels = declared and sum(1 for r in fw.rules if r.levelled) == 1
        for st in fw.statements:
            if st.is_rubric and not declared:
                yield st, f"rubric `{st.id}` needs the `rubric` scoring rule"
            elif not st.is_rubric and only_levels:
                yield st, f"`{st.id}` is a statement but this framework is scored as a rubric"
        for rule in fw.rules:
            if rule.kind == self.kind:
                yield from ((None, m) for m in levelled_problems(fw, rule))

    def levels(self, fw: Framework, rule: Rule, results: Mapping[str, StatementResult]) -> LevelOutcome:
        config = levelled_config(rule)
        dims = tuple(_dimension(sec, results) for sec in dimensions(fw, rule))
        level = overall_level(config, [d.level for d in dims])
        top = fw.levels[-1].number
        blockers: tuple[str, ...] = ()
        if config.profile:  # every item below the top level (answered), or still to answer
            below_top = [d for d in dims if d.level != top]
            items = {d.section.id: [s.id for s in d.section.all_statements() if s.is_rubric] for d in below_top}
            blockers = tuple(b for d in below_top for b in (d.blockers or items[d.section.id]))
        elif level is not None and level < top:
            blockers = tuple(s.id for d in dims if d.level == level for s in d.section.all_statements() if s.is_rubric)
        elif level is None:
            blockers = tuple(b for d in dims for b in d.blockers)
        return LevelOutcome(dims, level, blockers)

    def headline(self, fw: Framework, rule: Rule, scored: Scored) -> Headline:
        if levelled_config(rule).profile:
            return profile_headline(fw, self.kind, [d.level for d in scored.dimensions])
        if scored.level is None:
            return Headline(self.kind, "incomplete", None)
        return Headline(self.kind, f"Level {scored.level}", level_ratio(fw, scored.level))

    def buckets(self, fw: Framework, rule: Rule, assessed: Sequence[FrameworkScore]) -> list[BucketSpec]:
        return level_buckets(fw, assessed)

    def level_cells(self, book: Formulas, fw: Framework, rule: Rule) -> dict[str, str]:
        """Per dimension the lowest level chosen, once every rubric item in it is answered."""
        cells: dict[str, str] = {}
        for top in dimensions(fw, rule):
            lo, hi = book.span(fw, top.id)
            items = sum(1 for st in top.all_statements() if st.is_rubric)
            _, cell = book.level_row_cell(fw)
            if items:
                book.scores[cell] = f'=IF(COUNT($G${lo}:$G${hi})<{items},"not assessed",MIN($G${lo}:$G${hi}))'
            else:
                book.scores[cell] = "not assessed"
            cells[top.id] = book.absolute(cell)
        return cells

    def headline_formula(self, fw: Framework, rule: Rule, cells: SummaryCells) -> str | None:
        if levelled_config(rule).profile:
            return profile_formula(cells.dimensions) if cells.dimensions else None
        if cells.level is None:
            return None
        return f'IF(ISNUMBER({cells.level}),"Level "&{cells.level},{quote("incomplete")})'
