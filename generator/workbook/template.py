"""Building the blank workbook for a list of frameworks with openpyxl.

The blank workbook is built once per list of frameworks; a team's workbook is the same
file with its answers filled into the empty answer, note and evidence cells (see
``export.py``). The template records where those cells are.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from copy import copy
from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import MultiCellRange
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from generator import __version__
from generator.model import Framework, Scale, Section, Statement
from generator.rules import RULES
from generator.workbook import layout as L
from generator.workbook.formulas import Formulas, SummaryCells

HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
INPUT_FILL = PatternFill("solid", fgColor="FFF8DC")
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
UNLOCKED = Protection(locked=False)
BOLD = Font(name=L.FONT_NAME, size=L.FONT_SIZE, bold=True)
TITLE = Font(name=L.FONT_NAME, size=14, bold=True)

#: Column widths (units of one digit). Together at most 160 units: fitted to the width of an A4 page in
#: landscape, the 10 pt text prints at about 9 pt (LibreOffice measured; Letter is a little wider).
WIDTHS = {
    L.H_SECTION: 12,
    L.H_ID: 7,
    L.H_LEVEL: 6,
    L.H_STATEMENT: 40,
    L.H_GUIDANCE: 32,
    L.H_ANSWER: 15,
    L.H_NOTE: 22,
    L.H_EVIDENCE: 16,
    L.H_ASSESSED: 10,
}


#: Width of each attribute column (they come after the fixed columns; the page is fitted to the width).
ATTRIBUTE_WIDTH = 12
#: A sheet of rubric items only has no Level column and long level descriptions in Guidance: it takes the
#: room from the short Statement column, so rows stay under the 409 pt a spreadsheet row can hold.
RUBRIC_WIDTHS = {L.H_STATEMENT: 22, L.H_GUIDANCE: 56}


def column_widths(framework: Framework) -> dict[str, float]:
    """The width of every column of a framework's sheet (attribute columns: ``ATTRIBUTE_WIDTH``)."""
    widths: dict[str, float] = {**WIDTHS, **{spec.label: ATTRIBUTE_WIDTH for spec in framework.attributes.values()}}
    if framework.statements and all(st.is_rubric for st in framework.statements):
        widths.update(RUBRIC_WIDTHS)
    return widths


#: The columns a person fills in; everything else on a framework sheet is locked.
INPUT_COLUMNS = (L.H_ANSWER, L.H_NOTE, L.H_EVIDENCE)


@dataclass(frozen=True)
class SheetLayout:
    """Where one framework's sheet keeps what import and export need."""

    framework: str
    title: str
    columns: dict[str, str]  # header -> column letter
    rows: dict[str, int]  # statement id -> row number
    heights: dict[int, float] = field(default_factory=dict)  # row number -> height (points) of the blank sheet


@dataclass
class TemplateBook:
    """The blank workbook of a list of frameworks, plus the map of its fillable cells."""

    frameworks: tuple[Framework, ...]
    sheets: dict[str, SheetLayout]  # by framework id
    summary: dict[str, SummaryCells]  # by framework id
    workbook: Workbook
    quote_style: dict[int, int] = field(default_factory=dict)  # input style id -> same style with quotePrefix


def protect(ws: Worksheet) -> None:
    """Protect a sheet without a password; filtering, sorting and resizing stay allowed."""
    p = ws.protection
    p.sheet = True
    p.autoFilter = False
    p.sort = False
    p.formatColumns = False
    p.formatRows = False
    p.selectLockedCells = False
    p.selectUnlockedCells = False


def print_setup(ws: Worksheet, header: str) -> None:
    """Landscape (A4 until :func:`build_template` sets the paper), every column on the page width, as many pages
    down as needed, grid lines, page numbers."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = True
    ws.oddHeader.left.text = header.replace("&", "&&")
    ws.oddFooter.right.text = "Page &P of &N"
    ws.page_margins.left = ws.page_margins.right = 0.3


def _section_of(framework: Framework) -> dict[str, Section]:
    owner: dict[str, Section] = {}
    for sec in framework.walk_sections():
        for st in sec.statements:
            owner[st.id] = sec
    return owner


def _statement_text(st: Statement) -> str:
    text = st.full_text
    if st.parts:
        text += "\n" + "\n".join(f"\u2022 {p.id}: {p.text}" for p in st.parts)
    return L.clean_text(text)


def _guidance_text(st: Statement) -> str:
    lines: list[str] = []
    if st.is_rubric:
        lines.append("Choose the one description that fits:")
        for c in st.choices:
            lines.append(f"{c.level} \u2013 {' '.join(c.text.split())}")
            if c.description:
                lines.append("    " + " ".join(_plain(c.description).split()))
            lines.extend(f"    e.g. {' '.join(_plain(e).split())}" for e in c.examples)
        if st.guidance:
            lines.append("")
    if st.guidance:
        lines.append(_plain(st.guidance))
    return L.clean_text("\n".join(lines))


def _columns(framework: Framework) -> list[str]:
    cols = [L.H_SECTION, L.H_ID]
    if any(RULES[r.kind].level_column for r in framework.rules):
        cols.append(L.H_LEVEL)
    cols += [L.H_STATEMENT, L.H_GUIDANCE, L.H_ANSWER, L.H_NOTE, L.H_EVIDENCE, L.H_ASSESSED]
    # Read-only columns of the statements' attributes, last, so people can filter on them (import ignores them).
    cols += [spec.label for spec in framework.attributes.values()]
    return cols


def _set_text(ws: Worksheet, row: int, col: int, text: str) -> None:
    """A string cell, never a formula, whatever the text starts with."""
    cell = ws.cell(row=row, column=col, value=text)
    cell.data_type = "s"


def build_framework_sheet(
    wb: Workbook, framework: Framework, title: str, lists: dict[str, tuple[int, int]], quote_style: dict[int, int]
) -> SheetLayout:
    ws = wb.create_sheet(title)
    headers = _columns(framework)
    widths = column_widths(framework)
    letters = {h: get_column_letter(i + 1) for i, h in enumerate(headers)}
    for i, h in enumerate(headers, start=1):
        cell = ws.cell(row=1, column=i, value=h)
        cell.font = BOLD
        cell.fill = HEADER_FILL
        cell.alignment = WRAP_TOP
        ws.column_dimensions[get_column_letter(i)].width = widths[h]
    owner = _section_of(framework)
    rows: dict[str, int] = {}
    scale_dvs: dict[str, DataValidation] = {}  # one dropdown per scale, shared by its rows
    column_style: dict[int, StyleArray] = {}
    scale_cells: dict[str, list[str]] = {}
    for r, st in enumerate(framework.statements, start=2):
        rows[st.id] = r
        sec = owner[st.id]
        values: dict[str, str | float] = {
            L.H_SECTION: L.clean_text(f"{sec.id} {sec.title}"),
            L.H_ID: st.id,
            L.H_LEVEL: "" if st.level is None else st.level,
            L.H_STATEMENT: _statement_text(st),
            L.H_GUIDANCE: _guidance_text(st),
        }
        for name, value in st.attributes:
            spec = framework.attributes[name]
            values[spec.label] = value if isinstance(value, float) else L.clean_text(spec.display(value))
        for i, h in enumerate(headers, start=1):
            if h in values:
                value = values[h]
                if isinstance(value, str):
                    _set_text(ws, r, i, value)
                else:
                    ws.cell(row=r, column=i, value=value)
            cell = ws.cell(row=r, column=i)
            if i in column_style:  # setting styles one by one costs a lookup each: copy the first row's
                cell._style = copy(column_style[i])
                continue
            cell.alignment = WRAP_TOP
            if h in INPUT_COLUMNS:  # the cells people fill in
                cell.protection = UNLOCKED
                cell.fill = INPUT_FILL
            column_style[i] = copy(cell._style)
        answer_cell = f"{letters[L.H_ANSWER]}{r}"
        if st.is_rubric:
            dv = DataValidation(
                type="list",
                formula1=_list_range(lists[L.scale_list(framework, st)]),
                allow_blank=True,
                showErrorMessage=True,
                errorStyle="warning",
                errorTitle="Not a level of this item",
                error="Choose the level whose description fits; import accepts only those.",
                showInputMessage=True,
                promptTitle="Pick a level",
                prompt="Pick the level whose description (in the Guidance column) fits best.",
            )
            ws.add_data_validation(dv)
            dv.add(answer_cell)
        else:
            key = L.scale_list(framework, st)
            scale_cells.setdefault(key, []).append(answer_cell)
            if key not in scale_dvs:
                scale_dvs[key] = DataValidation(
                    type="list",
                    formula1=_list_range(lists[key]),
                    allow_blank=True,
                    showErrorMessage=True,
                    errorStyle="warning",
                    errorTitle="Not on the answer scale",
                    error="Choose one of the answers in the list; import accepts only those.",
                    showInputMessage=True,
                    promptTitle="Answer",
                    prompt=_prompt(framework.scale_of(st)),
                )
                ws.add_data_validation(scale_dvs[key])
        ws.row_dimensions[r].height = L.row_height(
            (str(values[h]), widths[h]) for h in headers if h in values and h not in (L.H_SECTION, L.H_ID, L.H_LEVEL)
        )
    for key, cells in scale_cells.items():  # one range per dropdown, set once (adding cells one by one is quadratic)
        scale_dvs[key].sqref = MultiCellRange(" ".join(cells))
    last = len(framework.statements) + 1
    ws.freeze_panes = "C2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(last, 2)}"
    ws.print_title_rows = "1:1"
    print_setup(ws, f"{framework.title} (version {framework.version})")
    protect(ws)
    # Register a quote-prefixed twin of the input style: formula-looking text stays text when edited.
    probe = ws.cell(row=2, column=headers.index(L.H_NOTE) + 1)
    twin = wb["Lists"].cell(row=1, column=30)
    twin._style = probe._style.__copy__()
    twin.quotePrefix = True
    quote_style[probe.style_id] = twin.style_id
    heights = {r: float(ws.row_dimensions[r].height or 0) for r in rows.values()}
    return SheetLayout(framework.id, title, letters, rows, heights)


def _list_range(rows: tuple[int, int]) -> str:
    return f"{L.LISTS}!$C${rows[0]}:$C${rows[1]}"


def _prompt(scale: Scale) -> str:
    text = "; ".join(o.label for o in scale.options)
    return text if len(text) <= 250 else text[:247] + "..."


def build_lists(wb: Workbook, frameworks: Sequence[Framework]) -> dict[str, tuple[int, int]]:
    """The hidden sheet the dropdowns and formulas read; returns the rows of each list (by key)."""
    ws = wb.create_sheet(L.LISTS)
    ws.append(["list", "value", "label", "score", "na", "meets", "level", "level text"])
    ranges: dict[str, tuple[int, int]] = {}
    for fw in frameworks:
        for key, scale in ((fw.id, fw.scale), *((f"{fw.id}@{name}", sc) for name, sc in fw.scales.items())):
            start = ws.max_row + 1
            for o in scale.options:
                ws.append([key, o.value, o.label, 0 if o.score is None else o.score, 1 if o.na else 0, 1 if o.meets else 0])
            ranges[key] = (start, ws.max_row)
        for st in fw.statements:
            if not st.is_rubric:
                continue
            start = ws.max_row + 1
            for c in st.choices:
                label = L.choice_label(fw, st, c.level)
                ws.append([f"{fw.id}/{st.id}", str(c.level), label, 0, 0, 0, c.level, f"Level {c.level}"])
            ranges[f"{fw.id}/{st.id}"] = (start, ws.max_row)
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    ws.sheet_state = "hidden"
    protect(ws)
    return ranges


def build_metadata(wb: Workbook, frameworks: Sequence[Framework], titles: dict[str, str]) -> None:
    """The hidden sheet import checks. Team, name and time are filled per export (B2:B4)."""
    ws = wb.create_sheet(L.METADATA)
    rows: list[list[str]] = [
        [L.M_FORMAT, L.FORMAT],
        [L.M_TEAM],
        [L.M_TEAM_NAME],
        [L.M_EXPORTED],
        [L.M_GENERATOR, f"maturity {__version__}"],
        [],
        [L.M_FRAMEWORKS, "version", "sheet", "statements"],
    ]
    rows += [[fw.id, fw.version, titles[fw.id], str(len(fw.statements))] for fw in frameworks]
    rows += [[], [L.M_STATEMENTS, "statement"]]
    rows += [[fw.id, st.id] for fw in frameworks for st in fw.statements]
    for r, values in enumerate(rows, start=1):
        for c, value in enumerate(values, start=1):
            _set_text(ws, r, c, value)
    for r in (2, 3, 4):  # filled per export
        ws.cell(row=r, column=2).number_format = "@"
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 32
    ws.sheet_state = "hidden"
    protect(ws)


_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_EMPHASIS = re.compile(r"(\*\*|__|`|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*]))")


def _plain(markdown: str) -> str:
    """Framework text is Markdown; a spreadsheet cell shows it as plain text (links as "text (address)")."""
    text = _LINK.sub(lambda m: f"{m.group(1)} ({m.group(2)})", markdown)
    text = _EMPHASIS.sub("", text).strip()
    text = re.sub(r"^#{1,6}\s+", "", text, flags=re.MULTILINE)  # headings
    text = re.sub(r"^(\s*)[-*+]\s+", "\\1\u2022 ", text, flags=re.MULTILINE)  # list items
    return re.sub(r"(?<!\n)\n(?![\n\u2022 ]|\s*\u2022)", " ", text)  # soft line breaks, as Markdown renders them


INSTRUCTIONS_WIDTH = 110


def build_instructions(wb: Workbook, frameworks: Sequence[Framework], titles: dict[str, str]) -> None:
    ws = wb.active
    ws.title = L.INSTRUCTIONS
    ws.column_dimensions["A"].width = INSTRUCTIONS_WIDTH
    lines: list[tuple[str, Font | None]] = [
        ("Maturity self-assessment workbook", TITLE),
        ("", None),
        ("How to fill it in", BOLD),
        (
            "Each framework has its own sheet. For every statement, pick an answer in the Answer column "
            "(a dropdown). Add a Note to explain the answer and Evidence links (one per line) if you have them.",
            None,
        ),
        (
            "Only the Answer, Note and Evidence cells can be edited; the statements, IDs and headers are locked. "
            "You can filter the rows (the buttons in the header row), hide rows and columns, and change their "
            "width and height.",
            None,
        ),
        (
            "To sort the rows or add rows or columns of your own, first switch the protection off (Review > "
            "Unprotect Sheet in Excel, Tools > Protect Sheet in LibreOffice Calc; there is no password). "
            "Import finds each statement by its ID and each column by its header, so moved rows import the same.",
            None,
        ),
        (
            "Leave an answer empty when you have not assessed the statement. An empty answer never removes an "
            "answer already recorded.",
            None,
        ),
        ("The Summary sheet recalculates the scores and levels as you answer.", None),
        (
            "An Inferred sheet, when there is one, lists answers inferred through the crosswalk from what the team "
            "answered in other frameworks, each with its source. It is read only and import never reads it; "
            "to make an inferred answer the team's own, pick it in the Answer column of the framework's sheet "
            "(or run maturity accept-inferred in the repository).",
            None,
        ),
        ("Do not rename the framework sheets or edit the hidden sheets; import needs them.", None),
        ("", None),
        ("What the answers mean", BOLD),
    ]
    for fw in frameworks:
        lines.append((f"{fw.title} (sheet {titles[fw.id]}, version {fw.version})", BOLD))
        for scale in fw.used_scales:
            if scale.name:
                lines.append((f"  Answers on the {scale.name} scale:", None))
            for o in scale.options:
                meaning = o.description or (
                    "left out of every score"
                    if o.score is None
                    else f"counts {o.score * 100:g}% of the statement's weight" + ("; meets the statement" if o.meets else "")
                )
                lines.append((f"    {o.label} ({o.value}): {meaning}", None))
        if fw.used_scales:
            lines.append(("    Answers are accepted by value or label, in any case.", None))
        if any(st.is_rubric for st in fw.statements):
            lines.append(
                (
                    "    Rubric items: pick the level whose description fits; the list shows each level's number and name, "
                    "the Guidance column beside it the full descriptions.",
                    None,
                )
            )
        if fw.has_levels and fw.levels:
            for lv in fw.levels:
                lines.append(
                    (f"    Level {lv.number}: {lv.name}" + (f" \u2013 {_plain(lv.description)}" if lv.description else ""), None)
                )
    lines += [
        ("", None),
        ("Sending your answers back", BOLD),
        ("Save the workbook as .xlsx (not .xlsm, not .xls), then in the assessment repository run:", None),
        ("    maturity import YOUR-FILE.xlsx --dry-run      (shows what would change)", None),
        ("    maturity import YOUR-FILE.xlsx                (writes answers/<team>.yaml)", None),
        ("A blank workbook needs the team: maturity import FILE.xlsx --team TEAM (add --create for a new team).", None),
        ("Then open a pull request with the changed answer file.", None),
    ]
    for r, (text, font) in enumerate(lines, start=1):
        _set_text(ws, r, 1, L.clean_text(text))
        cell = ws.cell(row=r, column=1)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if font is not None:
            cell.font = font
        # Spreadsheet programs do not all grow wrapped rows on open; size long lines explicitly.
        ws.row_dimensions[r].height = L.row_height([(text, INSTRUCTIONS_WIDTH)]) * (1.4 if font is TITLE else 1)
    print_setup(ws, "Instructions")
    protect(ws)


#: The Inferred sheet's columns and widths (160 units, like a framework sheet).
INFERRED_COLUMNS = ((L.H_FRAMEWORK, 16), (L.H_ID, 9), (L.H_STATEMENT, 60), (L.H_INFERRED_ANSWER, 15), (L.H_INFERRED_FROM, 60))


def build_inferred_sheet(wb: Workbook) -> None:
    """The read-only sheet of inferred answers: a header and one styled empty row that each export replaces by its rows."""
    ws = wb.create_sheet(L.INFERRED)
    for i, (header, width) in enumerate(INFERRED_COLUMNS, start=1):
        cell = ws.cell(row=1, column=i, value=header)
        cell.font, cell.fill, cell.alignment = BOLD, HEADER_FILL, WRAP_TOP
        ws.column_dimensions[get_column_letter(i)].width = width
        ws.cell(row=2, column=i).alignment = WRAP_TOP
    ws.freeze_panes = "A2"
    ws.print_title_rows = "1:1"
    print_setup(ws, "Answers inferred through the crosswalk (read-only; import ignores this sheet)")
    protect(ws)


def build_template(frameworks: Sequence[Framework], paper: str = "A4", inferred: bool = False) -> TemplateBook:
    """The blank workbook of ``frameworks`` (one sheet each), with formulas, lists and metadata.

    Every sheet prints on ``paper`` (``A4`` or ``Letter``), landscape, one page wide. With ``inferred``,
    an Inferred sheet follows the framework sheets (filled per team by the export).
    """
    frameworks = tuple(frameworks)
    titles = L.sheet_titles(frameworks)
    wb = Workbook()
    # Every cell's default font: one that every spreadsheet program has (or an exact metric twin of).
    wb._fonts[0] = Font(name=L.FONT_NAME, size=L.FONT_SIZE, family=2)  # noqa: SLF001 - openpyxl has no public setter
    build_instructions(wb, frameworks, titles)
    summary_ws = wb.create_sheet(L.SUMMARY)
    lists = build_lists(wb, frameworks)
    quote_style: dict[int, int] = {}
    sheets: dict[str, SheetLayout] = {}
    for fw in frameworks:
        sheets[fw.id] = build_framework_sheet(wb, fw, titles[fw.id], lists, quote_style)
    if inferred:
        build_inferred_sheet(wb)
    # Sheets in reading order: instructions, summary, frameworks (and inferred answers); hidden helpers last.
    wb.move_sheet(L.LISTS, offset=len(frameworks) + (1 if inferred else 0))
    summary = Formulas(wb, summary_ws, frameworks, sheets, lists).build()
    build_metadata(wb, frameworks, titles)
    wb.calculation.fullCalcOnLoad = True
    wb.active = 0
    size = Worksheet.PAPERSIZE_LETTER if paper == "Letter" else Worksheet.PAPERSIZE_A4
    for ws in wb.worksheets:
        ws.page_setup.paperSize = size
    return TemplateBook(frameworks, sheets, summary, wb, quote_style)
