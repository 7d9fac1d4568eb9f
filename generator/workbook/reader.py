"""Reading a filled workbook into plain data, with the sheet and cell of everything read.

Opened with openpyxl in read-only mode, and with ``data_only=False``: a formula someone
typed into a note is read as its text (``=HYPERLINK(...)``), never as a value a
spreadsheet computed. Only the metadata sheet and the framework sheets are read.
Columns are found by their header text, rows by the statement id in them.
"""

from __future__ import annotations

import datetime as dt
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from defusedxml import DefusedXmlException
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

from generator.problems import Problem
from generator.workbook import layout as L
from generator.workbook.safety import WorkbookError, check_file

HEADER_SCAN_ROWS = 20
MAX_ROWS = 20000


@dataclass(frozen=True)
class Row:
    """One statement row of a framework sheet (cell texts, trimmed of nothing)."""

    row: int
    id: str
    answer: str
    note: str | None  # None when the sheet has no Note column
    evidence: str | None

    def has_content(self) -> bool:
        return bool(self.answer.strip() or (self.note or "").strip() or (self.evidence or "").strip())


@dataclass(frozen=True)
class SheetData:
    """What one framework sheet holds, and where."""

    framework: str
    version: str
    title: str
    exported_ids: tuple[str, ...]
    rows: tuple[Row, ...]
    columns: dict[str, str]  # header -> column letter
    meta_row: int  # the framework's row on the metadata sheet

    def cell(self, header: str, row: int) -> str:
        return f"{self.title}!{self.columns[header]}{row}"


@dataclass(frozen=True)
class WorkbookData:
    """One workbook: its metadata and a sheet per framework."""

    path: Path
    display: str
    team: str
    team_name: str
    exported: str
    sheets: tuple[SheetData, ...]
    framework_header_row: int
    problems: tuple[Problem, ...] = ()  # rows that cannot be imported (the rest of the workbook was read)

    def where(self, ref: str) -> str:
        return f"{self.display}: {ref}"


def cell_problem(workbook: str, ref: str, message: str) -> Problem:
    """A problem located at ``ref`` (``Sheet!C5``) of the workbook shown as ``workbook``."""
    sheet, _, coordinate = ref.rpartition("!")
    try:
        letters, row = coordinate_from_string(coordinate)
        col = column_index_from_string(letters)
    except ValueError:
        row = col = 0
    return Problem(workbook, row, col, message, cell=ref if sheet else coordinate)


def message_problem(text: str) -> Problem:
    """A one-sentence error ``"<file>: <message>"`` (as :class:`WorkbookError` words it) as a problem of that file."""
    where, _, message = text.partition(": ")
    return Problem(where, message=message) if message else Problem("", message=text)


def _text(value: Any) -> str:
    """A cell's content as text, as the person typed it."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (ArrayFormula, DataTableFormula)):  # an array formula typed into a cell: its text
        text = getattr(value, "text", None) or ""
        return text if text.startswith("=") or not text else f"={text}"
    return str(value)


def _rows(ws: Any) -> Iterator[tuple[int, tuple[Any, ...]]]:
    ws.reset_dimensions()  # some writers record wrong sheet sizes; read what is there
    for number, values in enumerate(ws.iter_rows(min_row=1, min_col=1, values_only=True), start=1):
        if number > MAX_ROWS:
            raise WorkbookError(f"{ws.title}: more than {MAX_ROWS:,} rows; this is not a workbook this tool wrote")
        yield number, values


def _get(values: tuple[Any, ...], index: int | None) -> Any:
    if index is None or index >= len(values):
        return None
    return values[index]


def read_workbook(path: Path, display: str | None = None) -> WorkbookData:
    """Read a workbook exported by ``maturity export`` (and filled in by someone)."""
    name = display or str(path)
    check_file(path, name)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about data validation extensions etc.
            wb = load_workbook(path, read_only=True, data_only=False, keep_links=False)
    except _READ_ERRORS as exc:
        raise _unreadable(name, exc) from None
    try:
        return _read(wb, path, name)
    except WorkbookError:
        raise
    except _READ_ERRORS as exc:
        raise _unreadable(name, exc) from None
    finally:
        wb.close()


_READ_ERRORS = (
    DefusedXmlException,
    zipfile.BadZipFile,
    KeyError,
    ValueError,
    TypeError,
    OSError,
    AttributeError,
    IndexError,
    SyntaxError,
)


def _unreadable(name: str, exc: BaseException) -> WorkbookError:
    """One sentence for a file openpyxl could not read; entity bombs are named as such."""
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, DefusedXmlException):
            return WorkbookError(f"{name}: the workbook contains XML entity declarations (an XML bomb?); refused")
        cause = cause.__cause__ or cause.__context__
    detail = (str(exc).strip().splitlines() or [""])[0]
    return WorkbookError(f"{name}: the file cannot be read as an .xlsx workbook ({type(exc).__name__}: {detail})")


def _read(wb: Any, path: Path, name: str) -> WorkbookData:
    if L.METADATA not in wb.sheetnames:
        raise WorkbookError(
            f"{name}: the workbook has no {L.METADATA} sheet "
            "(it was deleted, or the file was not exported by `maturity export`); "
            "export a new workbook and copy the answers into it"
        )
    meta: dict[str, tuple[str, int]] = {}
    frameworks: list[tuple[str, str, str, int]] = []  # id, version, sheet, row
    exported: dict[str, list[str]] = {}
    table = ""
    header_row = 0
    for number, values in _rows(wb[L.METADATA]):
        a, b = _text(_get(values, 0)).strip(), _text(_get(values, 1)).strip()
        if not a:
            table = ""
            continue
        if a == L.M_FRAMEWORKS and b == "version":
            table, header_row = "frameworks", number
            continue
        if a == L.M_STATEMENTS:
            table = "statements"
            continue
        if table == "frameworks":
            frameworks.append((a, b, _text(_get(values, 2)).strip(), number))
        elif table == "statements":
            exported.setdefault(a, []).append(b)
        elif a in (L.M_FORMAT, L.M_TEAM, L.M_TEAM_NAME, L.M_EXPORTED, L.M_GENERATOR):
            meta[a] = (b, number)
    fmt, fmt_row = meta.get(L.M_FORMAT, ("", 1))
    if fmt != L.FORMAT:
        if not fmt:
            raise WorkbookError(
                f"{name}: {L.METADATA}!B1: no workbook format recorded; this file was not exported by `maturity export`"
            )
        raise WorkbookError(
            f"{name}: {L.METADATA}!B{fmt_row}: the workbook format is `{fmt}`; this version of the tool reads `{L.FORMAT}`"
        )
    if not frameworks:
        raise WorkbookError(f"{name}: {L.METADATA}!A{header_row or 7}: the workbook lists no framework")
    sheets: list[SheetData] = []
    problems: list[Problem] = []
    seen: set[str] = set()
    for fid, version, title, meta_row in frameworks:
        if fid in seen:
            raise WorkbookError(f"{name}: {L.METADATA}!A{meta_row}: framework `{fid}` is listed twice")
        seen.add(fid)
        if title not in wb.sheetnames:
            raise WorkbookError(
                f"{name}: the sheet `{title}` of framework `{fid}` is missing ({L.METADATA}!C{meta_row} names it); "
                "was it renamed or deleted?"
            )
        sheets.append(_read_sheet(wb[title], name, fid, version, title, tuple(exported.get(fid, ())), meta_row, problems))
    return WorkbookData(
        path,
        name,
        meta.get(L.M_TEAM, ("", 0))[0],
        meta.get(L.M_TEAM_NAME, ("", 0))[0],
        meta.get(L.M_EXPORTED, ("", 0))[0],
        tuple(sheets),
        header_row,
        tuple(problems),
    )


def _read_sheet(
    ws: Any, name: str, fid: str, version: str, title: str, exported: tuple[str, ...], meta_row: int, problems: list[Problem]
) -> SheetData:
    """The rows of one framework sheet; rows that cannot be read are left out and recorded in ``problems``."""
    wanted = {h.lower(): h for h in (L.H_ID, L.H_ANSWER, L.H_NOTE, L.H_EVIDENCE)}
    index: dict[str, int] = {}
    rows: list[Row] = []
    first_row: dict[str, int] = {}
    header_at = 0
    for number, values in _rows(ws):
        if not header_at:
            found: dict[str, int] = {}
            for i, value in enumerate(values):
                key = _text(value).strip().lower()
                if key in wanted:
                    header = wanted[key]
                    if header in found:
                        raise WorkbookError(
                            f"{name}: {title}!{get_column_letter(i + 1)}{number}: a second column headed {header} "
                            f"(the first is column {get_column_letter(found[header] + 1)}); rename one of them"
                        )
                    found[header] = i
            if L.H_ID in found and L.H_ANSWER in found:
                index, header_at = found, number
            elif number >= HEADER_SCAN_ROWS:
                break
            continue
        sid = _text(_get(values, index[L.H_ID])).strip()
        answer = _text(_get(values, index[L.H_ANSWER]))
        note = _text(_get(values, index[L.H_NOTE])) if L.H_NOTE in index else None
        evidence = _text(_get(values, index[L.H_EVIDENCE])) if L.H_EVIDENCE in index else None
        row = Row(number, sid, answer, note, evidence)
        if not sid:
            if row.has_content():
                col = index[L.H_ANSWER] if answer.strip() else index[L.H_NOTE] if (note or "").strip() else index[L.H_EVIDENCE]
                problems.append(
                    cell_problem(
                        name,
                        f"{title}!{get_column_letter(col + 1)}{number}",
                        "this row has an answer, note or evidence "
                        f"but no statement ID in {title}!{get_column_letter(index[L.H_ID] + 1)}{number}",
                    )
                )
            continue
        if sid in first_row:
            problems.append(
                cell_problem(
                    name,
                    f"{title}!{get_column_letter(index[L.H_ID] + 1)}{number}",
                    f"statement `{sid}` appears twice (rows {first_row[sid]} and {number}); keep one row per statement",
                )
            )
            continue
        first_row[sid] = number
        rows.append(row)
    if not header_at:
        raise WorkbookError(
            f"{name}: {title}!A1: no header row with an {L.H_ID} and an {L.H_ANSWER} column in the first {HEADER_SCAN_ROWS} rows"
        )
    columns = {h: get_column_letter(i + 1) for h, i in index.items()}
    return SheetData(fid, version, title, exported, tuple(rows), columns, meta_row)
