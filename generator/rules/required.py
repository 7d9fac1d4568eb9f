"""``required-set``: met when every statement of the named sections (any depth) is met.

Declared once per set, each with its own ``name`` (default "Mature") and ``sections``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from generator.model import REQUIRED, Framework, Rule
from generator.results import FrameworkScore, Headline, RequiredSetResult, StatementResult
from generator.rules.base import BucketSpec, Scored, ScoringRule, SummaryCells, quote

if TYPE_CHECKING:
    from generator.workbook.formulas import Formulas


def members(fw: Framework, rule: Rule) -> list[str]:
    """The statement ids of the named sections, each once, in order."""
    ids: list[str] = []
    for sid in rule.sections:
        sec = fw.section(sid)
        if sec is not None:
            ids.extend(s.id for s in sec.all_statements() if s.id not in ids)
    return ids


class RequiredSet(ScoringRule):
    kind = REQUIRED
    headline_figure = "required"
    explanation = "Required set: met when every statement of the named sections is met."
    keys = ("sections",)
    repeatable = True
    default_name = "Mature"

    def entry_problem(self, rule: Rule) -> str | None:
        if not rule.sections:
            return "a `required-set` rule needs `sections` (the ids that must all be met)"
        return None

    def requirement(self, fw: Framework, rule: Rule, results: Mapping[str, StatementResult]) -> RequiredSetResult:
        ids = members(fw, rule)
        unmet = tuple(i for i in ids if results[i].assessed and not results[i].met)
        missing = tuple(i for i in ids if not results[i].assessed)
        return RequiredSetResult(rule.name, rule.sections, len(ids), unmet, missing)

    def headline(self, fw: Framework, rule: Rule, scored: Scored) -> Headline:
        req = scored.required[0]
        if req.met:
            return Headline(self.kind, req.name, 1.0)
        return Headline(self.kind, f"{req.met_count}/{req.total}", req.met_count / req.total if req.total else 0.0)

    def buckets(self, fw: Framework, rule: Rule, assessed: Sequence[FrameworkScore]) -> list[BucketSpec]:
        met = sum(1 for s in assessed if s.required and s.required[0].met)
        return [("not yet", len(assessed) - met, 0.0), (rule.name, met, 1.0)]

    def summary_rows(self, book: Formulas, fw: Framework, rule: Rule, row: int) -> tuple[tuple[str, str, int] | None, int]:
        from openpyxl.styles import Font  # openpyxl only when a workbook is written

        ids = members(fw, rule)
        rows = book.statement_row_numbers(fw, ids)
        met = "+".join(f"SUM({book.rng('J', lo, hi)})" for lo, hi in _runs(rows)) or "0"
        ws = book.summary
        ws.cell(row, 1, rule.name).font = Font(bold=True)
        ws.cell(row, 1).data_type = "s"
        ws.cell(row, 2, f'=IF(C{row}={len(ids)},"met",C{row}&" of {len(ids)} met")')
        ws.cell(row, 3, f"={met}")
        ws.cell(row, 4, len(ids))
        book.required_cells[fw.id][rule.name] = (f"B{row}", f"C{row}")
        return (rule.name, f"C{row}", len(ids)), row + 1

    def headline_formula(self, fw: Framework, rule: Rule, cells: SummaryCells) -> str | None:
        if not cells.required:
            return None
        name, met_cell, total = cells.required[0]
        return f'IF({met_cell}={total},{quote(name)},{met_cell}&"/{total}")'


def _runs(rows: list[int]) -> list[tuple[int, int]]:
    """Consecutive runs of row numbers: [2,3,4,7] -> [(2,4),(7,7)]."""
    runs: list[tuple[int, int]] = []
    for n in sorted(rows):
        if runs and n == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], n)
        else:
            runs.append((n, n))
    return runs
