"""The Summary sheet and the hidden Scores sheet behind it: spreadsheet formulas that mirror
``generator.scoring.score`` so the figures update as people answer.

Each statement has a row in ``Scores`` that finds its answer by statement id (INDEX/MATCH
on the framework sheet's ID column), so sorted, filtered or moved rows score the same. A
section's statements are consecutive rows there (depth-first order), so every section
figure is a sum over one block of rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from generator.model import Framework
from generator.rules import RULES
from generator.rules.base import SummaryCells as HeadlineCells
from generator.rules.base import quote
from generator.workbook import layout as L

if TYPE_CHECKING:
    from generator.workbook.template import SheetLayout

PERCENT_FORMAT = "0%"
#: A level is a number (formulas compare it) shown as "Level 3", so it never runs into the figure beside it.
LEVEL_FORMAT = '"Level "0'
CENTER = Alignment(horizontal="center", vertical="top")


@dataclass(frozen=True)
class SummaryCells:
    """Where the Summary sheet shows each figure of one framework (cells like ``"C7"``)."""

    framework: str
    headline: str
    level: str | None
    percent: str | None
    required: dict[str, tuple[str, str]]  # rule name -> (status cell, met-count cell)
    sections: dict[str, str]  # section id -> percentage cell
    dimensions: dict[str, str]  # top-level section id -> level cell
    #: aggregated score name -> (overall cell, section id -> cell, level cell or None)
    aggregates: dict[str, tuple[str, dict[str, str], str | None]] = field(default_factory=dict)
    #: the team's target (due date, overdue) and its stale answers: text written at export, empty when blank
    target: str = ""
    stale: str = ""
    #: aggregated score name -> level -> (overall cell, section id -> cell), for scores declared ``by_level``
    by_level: dict[str, dict[int, tuple[str, dict[str, str]]]] = field(default_factory=dict)


class Formulas:
    """Builds the Scores and Summary sheets for the frameworks of one workbook.

    Scoring rules write their own formulas through the helpers here (``span``, ``rng``,
    ``level_row_cell``...); see ``generator.rules``.
    """

    LEVEL_COL0 = 16  # column P: first column of the per-dimension level blocks in Scores

    def __init__(
        self,
        wb: Workbook,
        summary: Worksheet,
        frameworks: Sequence[Framework],
        sheets: dict[str, SheetLayout],
        lists: dict[str, tuple[int, int]],
    ) -> None:
        self.wb = wb
        self.summary = summary
        self.frameworks = frameworks
        self.sheets = sheets
        self.lists = lists
        self.scores = wb.create_sheet(L.SCORES)
        self.row = 1  # last used row of the statement rows in Scores
        self.level_row = 1  # last used row of the level blocks in Scores
        self.rows: dict[str, dict[str, int]] = {}  # framework id -> statement id -> Scores row
        self.required_cells: dict[str, dict[str, tuple[str, str]]] = {}
        self.aggregate_cells: dict[str, dict[str, tuple[str, dict[str, str], str | None]]] = {}
        #: framework -> aggregated score name -> level -> (overall cell, section id -> cell), for ``by_level`` scores
        self.level_cells_by_rule: dict[str, dict[str, dict[int, tuple[str, dict[str, str]]]]] = {}
        self.rule_rows = 1  # last used row of the rules' own blocks in Scores (columns AA on)

    # -- Scores: one row per statement -------------------------------------------------
    def statement_rows(self, fw: Framework) -> dict[str, int]:
        ws = self.scores
        layout = self.sheets[fw.id]
        sheet = f"'{layout.title}'"
        ans, ids = layout.columns[L.H_ANSWER], layout.columns[L.H_ID]
        rows: dict[str, int] = {}
        for st in fw.statements:
            sa, sb = self.lists[L.scale_list(fw, st)]
            lst = lambda col, a=sa, b=sb: f"{L.LISTS}!${col}${a}:${col}${b}"  # noqa: E731
            self.row += 1
            r = self.row
            rows[st.id] = r
            ws.cell(r, 1, fw.id).data_type = "s"
            ws.cell(r, 2, st.id).data_type = "s"
            ws.cell(r, 3, st.weight)
            if st.level is not None:
                ws.cell(r, 4, st.level)
            ws.cell(r, 5, 0 if st.is_rubric else 1)
            ws.cell(r, 6, f'=IFERROR(INDEX({sheet}!${ans}:${ans},MATCH($B{r},{sheet}!${ids}:${ids},0))&"","")')
            if st.is_rubric:
                levels = lst("G")
                ws.cell(
                    r,
                    7,
                    f'=IF(F{r}="","",IFERROR(INDEX({levels},MATCH(TRIM(F{r}),{lst("C")},0)),'
                    f"IFERROR(INDEX({levels},MATCH(TRIM(F{r}),{lst('B')},0)),"
                    f'IFERROR(INDEX({levels},MATCH(TRIM(F{r}),{lst("H")},0)),""))))',
                )
                ws.cell(r, 8, f'=IF(G{r}="",0,1)')
                for col in range(9, 14):
                    ws.cell(r, col, 0)
            else:
                ws.cell(
                    r,
                    7,
                    f'=IF(F{r}="",0,IFERROR(MATCH(TRIM(F{r}),{lst("B")},0),IFERROR(MATCH(TRIM(F{r}),{lst("C")},0),0)))',
                )
                ws.cell(r, 8, f"=IF(G{r}>0,1,0)")
                ws.cell(r, 9, f"=IF(G{r}>0,INDEX({lst('E')},G{r}),0)")
                ws.cell(r, 10, f"=IF(G{r}>0,INDEX({lst('F')},G{r}),0)")
                ws.cell(r, 11, f"=IF(I{r}=1,0,C{r})")
                ws.cell(r, 12, f"=IF(AND(G{r}>0,I{r}=0),C{r}*INDEX({lst('D')},G{r}),0)")
                ws.cell(r, 13, f"=H{r}")
        return rows

    # -- helpers the scoring rules write their formulas with ------------------------------
    def span(self, fw: Framework, section_id: str) -> tuple[int, int]:
        """The first and last Scores row of a section's statements (they are consecutive)."""
        sec = fw.section(section_id)
        assert sec is not None
        rows = self.rows[fw.id]
        ids = [st.id for st in sec.all_statements()]
        lo, hi = rows[ids[0]], rows[ids[-1]]
        assert hi - lo + 1 == len(ids), "a section's statements are consecutive"
        return lo, hi

    def statement_row_numbers(self, fw: Framework, ids: Sequence[str]) -> list[int]:
        return sorted(self.rows[fw.id][i] for i in ids)

    @staticmethod
    def rng(col: str, lo: int, hi: int) -> str:
        """A column range of the Scores sheet, as other sheets refer to it."""
        return f"{L.SCORES}!${col}${lo}:${col}${hi}"

    def level_row_cell(self, fw: Framework) -> tuple[int, str]:
        """A new row of the level blocks in Scores: its number and its level cell (column O)."""
        self.level_row += 1
        q = self.level_row
        self.scores[f"N{q}"] = fw.id
        self.scores[f"N{q}"].data_type = "s"
        return q, f"{get_column_letter(self.LEVEL_COL0 - 1)}{q}"

    def rule_row(self) -> int:
        """A new row for a rule's own cells in Scores (columns AA and right of it)."""
        self.rule_rows += 1
        return self.rule_rows

    @staticmethod
    def absolute(cell: str) -> str:
        """A Scores cell as other sheets refer to it: ``O7`` -> ``Scores!$O$7``."""
        col = cell.rstrip("0123456789")
        return f"{L.SCORES}!${col}${cell[len(col):]}"

    # -- Summary ----------------------------------------------------------------------
    def build(self) -> dict[str, SummaryCells]:
        ws = self.summary
        ws["A1"] = "Summary"
        ws["A1"].font = Font(bold=True, size=14)
        ws["A2"] = "Scores and levels recalculate as you answer. Not assessed statements count as unmet."
        ws["A2"].data_type = "s"
        for col, width in zip("ABCDE", (22, 40, 16, 16, 18), strict=True):
            ws.column_dimensions[col].width = width
        self.scores.append(
            [
                "framework",
                "statement",
                "weight",
                "level",
                "scale",
                "answer",
                "position",
                "assessed",
                "na",
                "met",
                "possible",
                "earned",
                "scale assessed",
                "level framework",
                "level",
            ]
        )
        self.level_row = 1
        out: dict[str, SummaryCells] = {}
        r = 3
        for fw in self.frameworks:
            r += 1
            out[fw.id], r = self.framework_block(fw, r)
        # Below every figure (so no formula moves): the team's target and stale answers per framework,
        # written at export (generator.workbook.export.summary_texts), empty in a blank workbook.
        r += 1
        ws.cell(r, 1, "On the day of export").font = Font(bold=True, size=12)
        for fw in self.frameworks:
            r += 1
            ws.cell(r, 1, f"{fw.title} (version {fw.version})").font = Font(bold=True)
            ws.cell(r, 1).data_type = "s"
            refs = []
            for label in ("Target", "Stale answers"):
                r += 1
                ws.cell(r, 1, label)
                ws.cell(r, 2).alignment = Alignment(horizontal="left")
                refs.append(f"B{r}")
            out[fw.id] = replace(out[fw.id], target=refs[0], stale=refs[1])
        self.scores.sheet_state = "hidden"
        from generator.workbook.template import print_setup, protect

        protect(self.scores)
        print_setup(ws, "Summary")
        protect(ws)
        return out

    def framework_block(self, fw: Framework, r: int) -> tuple[SummaryCells, int]:
        ws = self.summary
        rows = self.statement_rows(fw)
        self.rows[fw.id] = rows
        self.required_cells[fw.id] = {}
        self.aggregate_cells[fw.id] = {}
        self.level_cells_by_rule[fw.id] = {}
        order = [st.id for st in fw.statements]
        a, b = rows[order[0]], rows[order[-1]]
        rng = self.rng

        def percent(lo: int, hi: int) -> str:
            earned, possible, assessed = rng("L", lo, hi), rng("K", lo, hi), rng("M", lo, hi)
            return f'=IF(OR(SUM({assessed})=0,SUM({possible})<=0),"not assessed",SUM({earned})/SUM({possible}))'

        has_scale = any(not st.is_rubric for st in fw.statements)
        ws.cell(r, 1, f"{fw.title} (version {fw.version})").font = Font(bold=True, size=12)
        ws.cell(r, 1).data_type = "s"
        r += 1
        head_row = r
        ws.cell(r, 1, "Headline").font = Font(bold=True)
        r += 1

        # Dimension levels (Scores) first: the overall level and the headline refer to them.
        dim_levels: dict[str, str] = {}
        level_missing = ""
        levelled_rule = next((rule for rule in fw.rules if rule.levelled), None)
        if levelled_rule is not None and fw.levels:
            levelled = RULES[levelled_rule.kind]
            dim_levels = levelled.level_cells(self, fw, levelled_rule)
            level_missing = levelled.level_missing(fw)

        level_cell: str | None = None
        if dim_levels and fw.has_overall_level:
            refs = ",".join(dim_levels.values())
            ws.cell(r, 1, "Level").font = Font(bold=True)
            ws.cell(r, 3, f"=IF(COUNT({refs})<{len(dim_levels)},{quote(level_missing)},MIN({refs}))")
            ws.cell(r, 3).number_format = LEVEL_FORMAT
            level_cell = f"C{r}"
            r += 1
        percent_cell: str | None = None
        if has_scale:
            ws.cell(r, 1, "Score").font = Font(bold=True)
            ws.cell(r, 3, percent(a, b)).number_format = PERCENT_FORMAT
            percent_cell = f"C{r}"
            r += 1
        req_met: list[tuple[str, str, int]] = []
        for rule in fw.rules:
            made, r = RULES[rule.kind].summary_rows(self, fw, rule, r)
            if made is not None:
                req_met.append(made)

        cells = HeadlineCells(
            level_cell, level_missing, percent_cell, tuple(req_met), self.aggregate_cells[fw.id], tuple(dim_levels.values())
        )
        any_answer = f"SUM({rng('H', a, b)})>0"
        head = RULES[fw.headline_rule.kind].headline_formula(fw, fw.headline_rule, cells) or '"not assessed"'
        ws.cell(head_row, 3, f'=IF({any_answer},{head},"not assessed")')

        # One row per section: its percentage, and the level of each dimension.
        r += 1
        for col, text in enumerate(("Section", "Title", "Score", "Level", "Answered"), start=1):
            ws.cell(r, col, text).font = Font(bold=True)
            ws.cell(r, col).fill = PatternFill("solid", fgColor="DDE4EE")
        r += 1
        sections: dict[str, str] = {}
        dimensions: dict[str, str] = {}
        for sec in fw.walk_sections():
            lo, hi = self.span(fw, sec.id)
            ws.cell(r, 1, sec.id).data_type = "s"
            ws.cell(r, 1).alignment = Alignment(indent=sec.depth)
            ws.cell(r, 2, L.clean_text(sec.title)).data_type = "s"
            if has_scale:
                ws.cell(r, 3, percent(lo, hi)).number_format = PERCENT_FORMAT
                sections[sec.id] = f"C{r}"
            if sec.id in dim_levels:
                ws.cell(r, 4, f"={dim_levels[sec.id]}").number_format = LEVEL_FORMAT
                dimensions[sec.id] = f"D{r}"
            ws.cell(r, 5, f'=SUM({rng("H", lo, hi)})&" of {hi - lo + 1} answered"')
            for col in (3, 4, 5):
                ws.cell(r, col).alignment = CENTER
            r += 1
        summary = SummaryCells(
            fw.id,
            f"C{head_row}",
            level_cell,
            percent_cell,
            self.required_cells[fw.id],
            sections,
            dimensions,
            self.aggregate_cells[fw.id],
            by_level=self.level_cells_by_rule[fw.id],
        )
        return summary, r
