"""``cumulative-levels``: a dimension is at level L when every statement at levels up to L in it is met.

The overall level is the lowest dimension level. The statements that block the next overall
level are listed lowest level first ("basics first"), answered ones before unanswered.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from generator.model import CUMULATIVE, Framework, Rule, Section, Statement
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


def _dimension(fw: Framework, top: Section, results: Mapping[str, StatementResult]) -> DimensionLevel:
    numbers = [lv.number for lv in fw.levels]
    unmet = [s for s in top.flat_statements if s.level is not None and not results[s.id].met]
    unmet_levels = {s.level for s in unmet}
    level: int | None = None
    for n in numbers:
        if n in unmet_levels:
            break
        level = n
    nxt = numbers[0] if level is None else (level + 1 if level < numbers[-1] else None)
    blockers: tuple[str, ...] = ()
    if nxt is not None:
        blockers = tuple(s.id for s in unmet if s.level is not None and s.level <= nxt)
    return DimensionLevel(top, level, blockers)


class CumulativeLevels(ScoringRule):
    kind = CUMULATIVE
    explanation = (
        "Cumulative levels: a section is at level L when every statement at levels up to L is met (yes or n/a); "
        "the framework level is the lowest section level."
    )
    levelled = True
    level_column = True
    keys = LEVELLED_KEYS

    def read(self, reader: Reader, keys: dict[str, tuple[Node, Node]]) -> Any:
        return read_levelled(reader, keys)

    def check(self, fw: Framework, declared: bool) -> Iterator[tuple[Statement | None, str]]:
        if declared:
            for st in fw.statements:
                if not st.is_rubric and st.level is None:
                    yield st, f"statement `{st.id}` needs a `level` (cumulative-levels scoring)"
            for rule in fw.rules:
                if rule.kind == self.kind:
                    yield from ((None, m) for m in levelled_problems(fw, rule))

    def levels(self, fw: Framework, rule: Rule, results: Mapping[str, StatementResult]) -> LevelOutcome:
        config = levelled_config(rule)
        dims = tuple(_dimension(fw, sec, results) for sec in dimensions(fw, rule))
        level = overall_level(config, [d.level for d in dims])
        depth = fw.dependency_depth
        pending: list[StatementResult] = []
        if config.profile:  # what keeps each dimension from its own next level
            pending = [results[b] for d in dims for b in d.blockers]
        elif level is None or level < fw.levels[-1].number:
            nxt = fw.levels[0].number if level is None else level + 1
            pending = [results[s.id] for s in fw.statements if s.level is not None and s.level <= nxt and not results[s.id].met]
        pending.sort(key=lambda r: (r.statement.level, depth[r.statement.id], 0 if r.assessed else 1))
        return LevelOutcome(dims, level, tuple(r.statement.id for r in pending))

    def headline(self, fw: Framework, rule: Rule, scored: Scored) -> Headline:
        if levelled_config(rule).profile:
            return profile_headline(fw, self.kind, [d.level for d in scored.dimensions])
        if scored.level is None:
            return Headline(self.kind, f"below level {fw.levels[0].number}", 0.0)
        return Headline(self.kind, f"Level {scored.level}", level_ratio(fw, scored.level))

    def buckets(self, fw: Framework, rule: Rule, assessed: Sequence[FrameworkScore]) -> list[BucketSpec]:
        out: list[BucketSpec] = []
        lo = fw.levels[0].number
        if any(st.level == lo for st in fw.statements):  # else no team can be below it
            out.append((f"below level {lo}", sum(1 for s in assessed if s.level is None), 0.0))
        out += level_buckets(fw, assessed)
        return out

    def level_cells(self, book: Formulas, fw: Framework, rule: Rule) -> dict[str, str]:
        """Per dimension a row of 1/0 flags "every statement up to this level is met", then its level."""
        from openpyxl.utils import get_column_letter  # openpyxl only when a workbook is written

        cells: dict[str, str] = {}
        for top in dimensions(fw, rule):
            a, b = book.span(fw, top.id)
            q, out = book.level_row_cell(fw)
            prev = ""
            first = get_column_letter(book.LEVEL_COL0)
            for i, lv in enumerate(fw.levels):
                col = get_column_letter(book.LEVEL_COL0 + i)
                clear = f"COUNTIFS($D${a}:$D${b},{lv.number},$J${a}:$J${b},0)=0"
                cond = clear if not prev else f"AND({prev}{q}=1,{clear})"
                book.scores[f"{col}{q}"] = f"=IF({cond},1,0)"
                prev = col
            last = get_column_letter(book.LEVEL_COL0 + len(fw.levels) - 1)
            lowest_number = fw.levels[0].number
            book.scores[out] = f"=IF({first}{q}=1,{lowest_number}+SUM({first}{q}:{last}{q})-1,{quote(self.level_missing(fw))})"
            cells[top.id] = book.absolute(out)
        return cells

    def level_missing(self, fw: Framework) -> str:
        return f"below level {fw.levels[0].number}"

    def headline_formula(self, fw: Framework, rule: Rule, cells: SummaryCells) -> str | None:
        if levelled_config(rule).profile:
            return profile_formula(cells.dimensions) if cells.dimensions else None
        if cells.level is None:
            return None
        return f'IF(ISNUMBER({cells.level}),"Level "&{cells.level},{quote(cells.level_missing)})'
