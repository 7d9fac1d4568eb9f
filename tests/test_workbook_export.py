"""The exported workbook: sheets, protection, dropdowns, metadata, text that looks like a formula."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest
from test_workbook_support import PROJECT, TEAM, cli, copy_project, load

from generator.workbook import layout as L
from generator.workbook.export import export_workbook, template_for


@pytest.fixture(scope="module")
def team_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = load(PROJECT)
    path = tmp_path_factory.mktemp("wb") / "team.xlsx"
    export_workbook(project, list(project.frameworks), project.team(TEAM), path)
    return path


def test_sheets_in_reading_order_with_helpers_hidden(team_book: Path) -> None:
    wb = openpyxl.load_workbook(team_book)
    assert wb.sheetnames == ["Instructions", "Summary", "levels-demo", "rubric-demo", "scale-demo", "Lists", "Scores", "Metadata"]
    assert {ws.title: ws.sheet_state for ws in wb.worksheets if ws.sheet_state != "visible"} == {
        "Lists": "hidden",
        "Scores": "hidden",
        "Metadata": "hidden",
    }


def test_framework_sheet_layout_and_protection(team_book: Path) -> None:
    ws = openpyxl.load_workbook(team_book)["levels-demo"]
    header = [c.value for c in ws[1]]
    assert header == ["Section", "ID", "Level", "Statement", "Guidance", "Answer", "Note", "Evidence", "Assessed"]
    assert ws.freeze_panes == "C2"
    assert ws.protection.sheet and not ws.protection.password
    assert ws.auto_filter.ref == "A1:I8"
    assert ws.print_title_rows == "$1:$1"
    assert ws.page_setup.orientation == "landscape"
    assert ws["D2"].protection.locked and ws["B2"].protection.locked
    assert not ws["F2"].protection.locked and not ws["G2"].protection.locked and not ws["H2"].protection.locked
    assert ws["D3"].alignment.wrap_text
    assert ws.column_dimensions["D"].width >= 40
    # pre-filled from the answer file, labels shown
    assert [ws[f"F{r}"].value for r in range(2, 9)] == ["Yes", "Partial", None, "Yes", None, None, None]
    assert ws["G3"].value == "Raw data is versioned.\nFeatures are not yet."
    assert ws["H3"].value == "https://git.example.com/fraud/data"
    assert "\u2022 a: raw data" in ws["D3"].value  # parts listed under the statement


def test_answer_dropdowns(team_book: Path) -> None:
    wb = openpyxl.load_workbook(team_book)
    ws = wb["levels-demo"]
    dvs = ws.data_validations.dataValidation
    scale = [dv for dv in dvs if "F2" in dv.sqref]
    assert len(scale) == 1 and scale[0].type == "list"
    assert all(f"F{r}" in scale[0].sqref for r in range(2, 9))
    first, last = scale[0].formula1.split("!")[1].replace("$", "").split(":")
    labels = [wb["Lists"][f"C{r}"].value for r in range(int(first[1:]), int(last[1:]) + 1)]
    assert labels == ["Yes", "Partial", "No", "Not applicable"]
    rubric = wb["rubric-demo"].data_validations.dataValidation
    strategy = next(dv for dv in rubric if "E2" in dv.sqref)
    first, last = strategy.formula1.split("!")[1].replace("$", "").split(":")
    choices = [wb["Lists"][f"C{r}"].value for r in range(int(first[1:]), int(last[1:]) + 1)]
    assert choices == ["0 \u2013 Ad hoc", "1 \u2013 Defined", "2 \u2013 Managed"]  # short: the level names
    assert wb["rubric-demo"]["E2"].value == choices[1]  # pre-filled: level 1
    assert "2 \u2013 Strategy is reviewed every quarter" in wb["rubric-demo"]["D2"].value  # guidance lists the levels


def test_metadata(team_book: Path) -> None:
    ws = openpyxl.load_workbook(team_book)["Metadata"]
    meta = {ws[f"A{r}"].value: ws[f"B{r}"].value for r in range(1, 6)}
    assert meta[L.M_FORMAT] == L.FORMAT
    assert meta[L.M_TEAM] == TEAM
    assert meta[L.M_TEAM_NAME] == "Fraud Detection"
    assert meta[L.M_EXPORTED].endswith("+00:00")
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=7, max_row=10)]
    assert rows[0] == ["framework", "version", "sheet", "statements"]
    assert rows[1] == ["levels-demo", "1.0", "levels-demo", "7"]
    assert rows[3] == ["scale-demo", "2025.1", "scale-demo", "4"]


def test_formula_looking_text_is_written_as_text(team_book: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(team_book) as zf:
        wb_sheets = {n: zf.read(n).decode() for n in zf.namelist() if n.startswith("xl/worksheets/")}
    levels = next(x for x in wb_sheets.values() if "Training runs from a script" in x)
    assert "<f>" not in levels  # no formula on a statement sheet at all
    assert "=HYPERLINK(&quot;x&quot;)" in levels or '=HYPERLINK("x")' in levels
    ws = openpyxl.load_workbook(team_book)["scale-demo"]
    assert ws["C5"].value == "+1 reviews are required" and ws["C5"].data_type == "s"
    assert ws["D5"].value.startswith("-1 means blocked; @SUM(A1)") and ws["D5"].data_type == "s"
    # a note that looks like a formula: a string cell with the quote prefix, so editing keeps it text
    root = copy_project(tmp_path)
    path = root / "answers" / f"{TEAM}.yaml"
    path.write_text(path.read_text().replace('d1: "yes"', 'd1: {answer: "yes", note: "=1+2", evidence: ["-x.md"]}'))
    project = load(root)
    out = tmp_path / "f.xlsx"
    export_workbook(project, ["levels-demo"], project.team(TEAM), out)
    ws = openpyxl.load_workbook(out)["levels-demo"]
    assert ws["G2"].value == "=1+2" and ws["G2"].data_type == "s" and ws["G2"].quotePrefix
    assert ws["H2"].value == "-x.md" and ws["H2"].quotePrefix


def test_summary_has_a_formula_per_figure(team_book: Path) -> None:
    project = load(PROJECT)
    cells = template_for(list(project.frameworks.values())).book.summary
    ws = openpyxl.load_workbook(team_book)["Summary"]
    levels = cells["levels-demo"]
    for ref in (levels.headline, levels.level, levels.percent, *levels.sections.values(), *levels.dimensions.values()):
        assert str(ws[ref].value).startswith("="), ref
    assert set(levels.sections) == {"data", "model", "model.train", "model.serve"}
    assert cells["rubric-demo"].percent is None and set(cells["rubric-demo"].dimensions) == {"strategy", "process"}


def test_export_is_atomic_and_cached(tmp_path: Path) -> None:
    project = load(PROJECT)
    out = tmp_path / "blank.xlsx"
    export_workbook(project, ["scale-demo"], None, out)
    first = template_for([project.frameworks["scale-demo"]])
    export_workbook(project, ["scale-demo"], None, out)
    assert template_for([project.frameworks["scale-demo"]]) is first
    assert [p.name for p in tmp_path.iterdir()] == ["blank.xlsx"]  # no temporary file left behind
    ws = openpyxl.load_workbook(out)["Metadata"]
    assert ws["B2"].value is None and ws["B1"].value == L.FORMAT


def test_export_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_project(tmp_path)
    rc, out, _ = cli(capsys, root, "export", "--team", TEAM, "-o", str(tmp_path / "t.xlsx"))
    assert rc == 0 and "levels-demo, rubric-demo" in out  # default: the frameworks the team answered
    assert openpyxl.load_workbook(tmp_path / "t.xlsx", read_only=True).sheetnames[2:4] == ["levels-demo", "rubric-demo"]
    rc, out, _ = cli(capsys, root, "export", "-f", "scale-demo", "-f", "levels-demo", "-o", str(tmp_path / "b.xlsx"))
    assert rc == 0 and "blank" in out
    assert openpyxl.load_workbook(tmp_path / "b.xlsx", read_only=True).sheetnames[2:4] == ["scale-demo", "levels-demo"]
    rc, _, err = cli(capsys, root, "export", "-f", "scale-dem", "-o", str(tmp_path / "x.xlsx"))
    assert rc == 1 and "unknown framework `scale-dem` (did you mean `scale-demo`?)" in err
    rc, _, err = cli(capsys, root, "export", "-t", "nobody", "-o", str(tmp_path / "x.xlsx"))
    assert rc == 1 and "unknown team `nobody`" in err
    rc, _, err = cli(capsys, root, "export", "-o", str(tmp_path / "x.xlsm"))
    assert rc == 1 and "must end in .xlsx" in err
    assert not (tmp_path / "x.xlsx").exists() and not (tmp_path / "x.xlsm").exists()
