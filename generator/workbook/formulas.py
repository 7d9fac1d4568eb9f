"""The Summary sheet and the hidden Scores sheet behind it: spreadsheet formulas that mirror
``generator.scoring.score`` so the figures update as people answer.

Each statement has a row in ``Scores`` that finds its answer by statement id (INDEX/MATCH
on the framework sheet's ID column), so sorted, filtered or moved rows score the same. A
section's statements are consecutive rows there (depth-first order), so every section
figure is a sum over one block of rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from generator.model import CUMULATIVE, PERCENTAGE, REQUIRED, RUBRIC_RULE, Framework
from generator.workbook import layout as L

if TYPE_CHECKING:
    from generator.workbook.template import SheetLayout

PERCENT_FORMAT = "0%"
_LEVEL_COL0 = 16  # column P: first column of the per-dimension level blocks in Scores


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


def _q(text: str) -> str:
    """A string literal inside a formula."""
    return '"' + text.replace('"', '""') + '"'


class Formulas:
    """Builds the Scores and Summary sheets for the frameworks of one workbook."""

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

    # -- Scores: one row per statement -------------------------------------------------
    def statement_rows(self, fw: Framework) -> dict[str, int]:
        ws = self.scores
        layout = self.sheets[fw.id]
        sheet = f"'{layout.title}'"
        ans, ids = layout.columns[L.H_ANSWER], layout.columns[L.H_ID]
        sa, sb = self.lists[fw.id]
        lst = lambda col, a=sa, b=sb: f"{L.LISTS}!${col}${a}:${col}${b}"  # noqa: E731
        rows: dict[str, int] = {}
        for st in fw.statements:
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
                ra, rb = self.lists[f"{fw.id}/{st.id}"]
                rl = lambda col, a=ra, b=rb: f"{L.LISTS}!${col}${a}:${col}${b}"  # noqa: E731
                levels = rl("G")
                ws.cell(
                    r,
                    7,
                    f'=IF(F{r}="","",IFERROR(INDEX({levels},MATCH(TRIM(F{r}),{rl("C")},0)),'
                    f"IFERROR(INDEX({levels},MATCH(TRIM(F{r}),{rl('B')},0)),"
                    f'IFERROR(INDEX({levels},MATCH(TRIM(F{r}),{rl("H")},0)),""))))',
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

    # -- Scores: one row per dimension for levelled frameworks ----------------------------
    def cumulative_level(self, fw: Framework, a: int, b: int) -> str:
        """A row of 1/0 flags "every statement up to this level is met"; returns the level cell."""
        self.level_row += 1
        q = self.level_row
        ws = self.scores
        first = get_column_letter(_LEVEL_COL0)
        prev = ""
        for i, lv in enumerate(fw.levels):
            col = get_column_letter(_LEVEL_COL0 + i)
            clear = f"COUNTIFS($D${a}:$D${b},{lv.number},$J${a}:$J${b},0)=0"
            cond = clear if not prev else f"AND({prev}{q}=1,{clear})"
            ws[f"{col}{q}"] = f"=IF({cond},1,0)"
            prev = col
        last = get_column_letter(_LEVEL_COL0 + len(fw.levels) - 1)
        out = get_column_letter(_LEVEL_COL0 - 1)
        lowest = fw.levels[0].number
        ws[f"{out}{q}"] = f"=IF({first}{q}=1,{lowest}+SUM({first}{q}:{last}{q})-1,{_q(f'below level {lowest}')})"
        ws[f"N{q}"] = fw.id
        ws[f"N{q}"].data_type = "s"
        return f"{L.SCORES}!${out}${q}"

    # -- Summary ----------------------------------------------------------------------
    def build(self) -> dict[str, SummaryCells]:
        ws = self.summary
        ws["A1"] = "Summary"
        ws["A1"].font = Font(bold=True, size=14)
        ws["A2"] = "Scores and levels recalculate as you answer. Not assessed statements count as unmet."
        ws["A2"].data_type = "s"
        for col, width in zip("ABCDE", (14, 48, 14, 18, 12), strict=True):
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
        self.scores.sheet_state = "hidden"
        from generator.workbook.template import print_setup, protect

        protect(self.scores)
        print_setup(ws, "Summary")
        protect(ws)
        return out

    def framework_block(self, fw: Framework, r: int) -> tuple[SummaryCells, int]:
        ws = self.summary
        rows = self.statement_rows(fw)
        order = [st.id for st in fw.statements]
        a, b = rows[order[0]], rows[order[-1]]

        def span(section_id: str) -> tuple[int, int]:
            sec = fw.section(section_id)
            assert sec is not None
            ids = [st.id for st in sec.all_statements()]
            lo, hi = rows[ids[0]], rows[ids[-1]]
            assert hi - lo + 1 == len(ids), "a section's statements are consecutive"
            return lo, hi

        def rng(col: str, lo: int, hi: int) -> str:
            return f"{L.SCORES}!${col}${lo}:${col}${hi}"

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
        if fw.has_rule(CUMULATIVE) and fw.levels:
            for top in fw.sections:
                lo, hi = span(top.id)
                dim_levels[top.id] = self.cumulative_level(fw, lo, hi)
        elif fw.has_rule(RUBRIC_RULE) and fw.levels:
            for top in fw.sections:
                lo, hi = span(top.id)
                items = sum(1 for st in top.all_statements() if st.is_rubric)
                self.level_row += 1
                q = self.level_row
                cell = f"{get_column_letter(_LEVEL_COL0 - 1)}{q}"
                self.scores[f"N{q}"] = fw.id
                self.scores[f"N{q}"].data_type = "s"
                if items:
                    self.scores[cell] = f'=IF(COUNT($G${lo}:$G${hi})<{items},"not assessed",MIN($G${lo}:$G${hi}))'
                else:
                    self.scores[cell] = "not assessed"
                dim_levels[top.id] = f"{L.SCORES}!${cell.rstrip('0123456789')}${q}"

        level_cell: str | None = None
        none_text = ""
        if dim_levels:
            none_text = f"below level {fw.levels[0].number}" if fw.has_rule(CUMULATIVE) else "not assessed"
            refs = ",".join(dim_levels.values())
            ws.cell(r, 1, "Level").font = Font(bold=True)
            ws.cell(r, 3, f"=IF(COUNT({refs})<{len(dim_levels)},{_q(none_text)},MIN({refs}))")
            level_cell = f"C{r}"
            r += 1
        percent_cell: str | None = None
        if has_scale:
            ws.cell(r, 1, "Score").font = Font(bold=True)
            ws.cell(r, 3, percent(a, b)).number_format = PERCENT_FORMAT
            percent_cell = f"C{r}"
            r += 1
        required: dict[str, tuple[str, str]] = {}
        req_met: list[tuple[str, str, int]] = []
        for rule in fw.rules:
            if rule.kind != REQUIRED:
                continue
            ids: list[str] = []
            for sid in rule.sections:
                sec = fw.section(sid)
                if sec is not None:
                    ids.extend(s.id for s in sec.all_statements() if s.id not in ids)
            met = "+".join(f"SUM({rng('J', lo, hi)})" for lo, hi in _runs(sorted(rows[i] for i in ids))) or "0"
            ws.cell(r, 1, rule.name).font = Font(bold=True)
            ws.cell(r, 1).data_type = "s"
            ws.cell(r, 2, f'=IF(C{r}={len(ids)},"met",C{r}&" of {len(ids)} met")')
            ws.cell(r, 3, f"={met}")
            ws.cell(r, 4, len(ids))
            required[rule.name] = (f"B{r}", f"C{r}")
            req_met.append((rule.name, f"C{r}", len(ids)))
            r += 1

        any_answer = f"SUM({rng('H', a, b)})>0"
        kind = fw.headline_rule.kind
        if kind in (CUMULATIVE, RUBRIC_RULE) and level_cell:
            missing = none_text if kind == CUMULATIVE else "incomplete"
            head = f'IF(ISNUMBER({level_cell}),"Level "&{level_cell},{_q(missing)})'
        elif kind == REQUIRED and req_met:
            name, met_cell, total = req_met[0]
            head = f'IF({met_cell}={total},{_q(name)},{met_cell}&"/{total}")'
        elif kind == PERCENTAGE and percent_cell:
            # Python's "{:.0f}" rounds half to even (62.5 -> 62); so does this.
            x = f"{percent_cell}*100"
            rounded = f"IF(MOD({x},1)=0.5,2*ROUND({x}/2,0),ROUND({x},0))"
            head = f'IF(ISNUMBER({percent_cell}),TEXT({rounded},"0")&"%","not assessed")'
        else:
            head = '"not assessed"'
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
            lo, hi = span(sec.id)
            ws.cell(r, 1, sec.id).data_type = "s"
            ws.cell(r, 1).alignment = Alignment(indent=sec.depth)
            ws.cell(r, 2, L.clean_text(sec.title)).data_type = "s"
            if has_scale:
                ws.cell(r, 3, percent(lo, hi)).number_format = PERCENT_FORMAT
                sections[sec.id] = f"C{r}"
            if sec.id in dim_levels:
                ws.cell(r, 4, f"={dim_levels[sec.id]}")
                dimensions[sec.id] = f"D{r}"
            ws.cell(r, 5, f'=SUM({rng("H", lo, hi)})&" / {hi - lo + 1}"')
            r += 1
        cells = SummaryCells(fw.id, f"C{head_row}", level_cell, percent_cell, required, sections, dimensions)
        return cells, r


def _runs(rows: list[int]) -> list[tuple[int, int]]:
    """Consecutive runs of row numbers: [2,3,4,7] -> [(2,4),(7,7)]."""
    runs: list[tuple[int, int]] = []
    for n in rows:
        if runs and n == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], n)
        else:
            runs.append((n, n))
    return runs
