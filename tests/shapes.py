"""Helpers for the framework-shape tests: a copy of tests/fixtures/shapes (frameworks of each shape and their teams)."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from generator.cli import main
from generator.project import Project, load_project

SHAPES = Path(__file__).resolve().parent / "fixtures" / "shapes"


def shapes_repo(tmp_path: Path) -> Path:
    root = tmp_path / "shapes"
    shutil.copytree(SHAPES, root)
    return root


def load(root: Path = SHAPES) -> Project:
    project = load_project(root)
    assert not project.problems, project.problems.sorted()
    return project


def run(capsys: pytest.CaptureFixture[str], root: Path, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["--root", str(root), *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def answer_cell(ws: Worksheet, sid: str) -> str:
    """The Answer cell of a statement's row (found by the ID column, like import does)."""
    header = [c.value for c in ws[1]]
    id_col, answer_col = header.index("ID") + 1, header.index("Answer") + 1
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, id_col).value == sid)
    return f"{get_column_letter(answer_col)}{row}"


def dropdown(book: Path, sheet: str, sid: str) -> list[str]:
    """The entries of the answer dropdown of one statement's row."""
    wb = openpyxl.load_workbook(book)
    cell = answer_cell(wb[sheet], sid)
    dv = next(dv for dv in wb[sheet].data_validations.dataValidation if cell in dv.sqref)
    first, last = dv.formula1.split("!")[1].replace("$", "").split(":")
    return [wb["Lists"][f"C{r}"].value for r in range(int(first[1:]), int(last[1:]) + 1)]


def fill(book: Path, out: Path, sheet: str, answers: dict[str, str]) -> None:
    """Type answers into the Answer column of the rows with these statement ids (as a person would)."""
    wb = openpyxl.load_workbook(book)
    ws = wb[sheet]
    for sid, text in answers.items():
        ws[answer_cell(ws, sid)] = text
    wb.save(out)


def pages_of(root: Path, out: Path) -> Path:
    """Generate the site's Markdown pages (what MkDocs builds) of a shapes repository into ``out``."""
    from generator.site import pages, render

    render.render_pages(pages.collect(load(root), pages.SiteOptions()), out)
    return out
