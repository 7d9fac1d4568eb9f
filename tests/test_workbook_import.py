"""Importing workbooks: matched by id, tolerant of what spreadsheets and people do, precise in what it writes."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from test_workbook_support import FIXTURES, TEAM, TODAY, answers_of, cli, copy_project, load, snapshot

from generator.workbook.export import export_workbook

ANSWER_FILE = f"answers/{TEAM}.yaml"


def _import(capsys: pytest.CaptureFixture[str], tmp_path: Path, book: Path, *extra: str) -> tuple[Path, str]:
    root = copy_project(tmp_path / book.stem)
    rc, out, err = cli(capsys, root, "import", str(book), *extra)
    assert rc == 0, err
    return root, out


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The answer file after importing the fixture's filled workbook as it is."""
    root = copy_project(tmp_path_factory.mktemp("ref"))
    from generator.cli import main

    assert main(["--root", str(root), "import", str(FIXTURES / "filled.xlsx")], today=TODAY) == 0
    return (root / ANSWER_FILE).read_bytes()


def test_export_then_import_changes_no_byte(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_project(tmp_path)
    before = snapshot(root)
    book = tmp_path / "t.xlsx"
    assert cli(capsys, root, "export", "-t", TEAM, "-o", str(book))[0] == 0
    rc, out, _ = cli(capsys, root, "import", str(book))
    assert rc == 0 and "no changes for team fraud-detection" in out
    blank = tmp_path / "b.xlsx"
    assert cli(capsys, root, "export", "-o", str(blank))[0] == 0
    rc, out, _ = cli(capsys, root, "import", str(blank), "--team", TEAM)
    assert rc == 0 and "no changes" in out
    assert snapshot(root) == before


def test_import_writes_only_what_changed(tmp_path: Path, capsys: pytest.CaptureFixture[str], reference: bytes) -> None:
    root, out = _import(capsys, tmp_path, FIXTURES / "filled.xlsx")
    lines = out.splitlines()
    assert "fraud-detection / levels-demo / d1: yes -> no (note changed)" in lines
    assert "fraud-detection / levels-demo / d3: (not assessed) -> partial (note changed, evidence changed)" in lines
    assert "fraud-detection / rubric-demo / process: (not assessed) -> 2" in lines
    assert "fraud-detection / scale-demo / 1.1: (not assessed) -> mostly" in lines
    assert f"{ANSWER_FILE}: updated with 8 changes" in lines
    text = (root / ANSWER_FILE).read_text()
    original = (FIXTURES / "project" / ANSWER_FILE).read_text()
    # untouched lines, comments and quoting survive exactly; new answers go in framework order
    for line in original.splitlines():
        if "d1:" not in line:
            assert line in text.splitlines(), line
    assert text.index("d2") < text.index("d3:") < text.index("m1:") < text.index("m2:")
    assert '        note: "=HYPERLINK(\\"http://evil.example\\")"' in text  # a formula-looking note stays text
    got = answers_of(root)
    assert got["levels-demo"]["d3"] == (
        "partial",
        "Checked on two of three pipelines.\nThe third is next.",
        ("https://git.example.com/fraud/quality", "docs/quality.md"),
    )
    assert got["levels-demo"]["m3"][0] == "n/a"  # by label, any case
    assert got["rubric-demo"] == {"strategy": ("1", "", ()), "process": ("2", "", ())}
    assert got["scale-demo"]["2.2"] == ("no", "+1 reviewer is not enough", ("docs/review.md",))
    assert (root / ANSWER_FILE).read_bytes() == reference
    rc, out, _ = cli(capsys, root, "import", str(FIXTURES / "filled.xlsx"))  # importing again: nothing to do
    assert rc == 0 and "no changes" in out and (root / ANSWER_FILE).read_bytes() == reference


def test_workbooks_resaved_by_libreoffice_import_the_same(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], reference: bytes
) -> None:
    root, out = _import(capsys, tmp_path, FIXTURES / "libreoffice" / "exported.xlsx")
    assert "no changes" in out and snapshot(root) == snapshot(FIXTURES / "project")
    root, _ = _import(capsys, tmp_path, FIXTURES / "libreoffice" / "filled.xlsx")
    assert (root / ANSWER_FILE).read_bytes() == reference


def _edit(src: Path, dst: Path, change: object) -> Path:
    wb = openpyxl.load_workbook(src)
    change(wb)  # type: ignore[operator]
    wb.save(dst)
    return dst


def _sort_by_answer(wb: openpyxl.Workbook) -> None:
    for name in ("levels-demo", "scale-demo"):
        ws = wb[name]
        rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
        answer = [c.value for c in ws[1]].index("Answer")
        rows.sort(key=lambda r: (str(r[answer] or "~"), str(r[1])), reverse=True)
        for r, values in enumerate(rows, start=2):
            for c, value in enumerate(values, start=1):
                ws.cell(r, c).value = value
                ws.cell(r, c).data_type = "s" if isinstance(value, str) else ws.cell(r, c).data_type


def _filter_and_hide(wb: openpyxl.Workbook) -> None:
    ws = wb["levels-demo"]
    ws.auto_filter.add_filter_column(5, ["No", "Partial"])
    for r in (2, 4, 6):
        ws.row_dimensions[r].hidden = True


def _insert_column(wb: openpyxl.Workbook) -> None:
    for name in ("levels-demo", "scale-demo", "rubric-demo"):
        ws = wb[name]
        ws.insert_cols(2)  # before the ID column
        ws["B1"] = "Answer notes (mine)"
        ws["B2"] = "maybe"
        ws.insert_cols(20)
        ws["T1"] = "Owner"
        ws["T3"] = "alice"


def _blank_rows(wb: openpyxl.Workbook) -> None:
    for name in ("levels-demo", "scale-demo"):
        ws = wb[name]
        ws.insert_rows(3, 2)
        ws.insert_rows(1, 1)  # even above the header
        ws.append([])
        ws.append(["", "", "just a remark in the section column"])


@pytest.mark.parametrize("change", [_sort_by_answer, _filter_and_hide, _insert_column, _blank_rows])
def test_rearranged_workbooks_import_the_same(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], reference: bytes, change: object
) -> None:
    book = _edit(FIXTURES / "filled.xlsx", tmp_path / "changed.xlsx", change)
    root, _ = _import(capsys, tmp_path, book)
    assert (root / ANSWER_FILE).read_bytes() == reference


def test_a_typed_formula_is_imported_as_its_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def formula_note(wb: openpyxl.Workbook) -> None:
        wb["levels-demo"]["G5"] = "=1+2"  # a real formula cell, as a user typing it would make
        wb["levels-demo"]["G5"].data_type = "f"

    book = _edit(FIXTURES / "exported.xlsx", tmp_path / "f.xlsx", formula_note)
    root, out = _import(capsys, tmp_path, book)
    assert "m1: yes (note changed)" in out
    assert answers_of(root)["levels-demo"]["m1"] == ("yes", "=1+2", ())


def test_blank_workbook_needs_the_team_and_create(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_project(tmp_path)
    blank = tmp_path / "blank.xlsx"
    export_workbook(load(root), ["scale-demo"], None, blank)

    def fill(wb: openpyxl.Workbook) -> None:
        wb["scale-demo"]["E2"] = "YES"
        wb["scale-demo"]["F2"] = "All repos on the central server."

    book = _edit(blank, tmp_path / "filled-blank.xlsx", fill)
    rc, _, err = cli(capsys, root, "import", str(book))
    assert rc == 1 and "Metadata!B2: this is a blank workbook; name the team it is for with --team TEAM" in err
    rc, _, err = cli(capsys, root, "import", str(book), "--team", "new-team")
    assert rc == 1 and "no answer file for team `new-team`" in err and "--create" in err
    assert not (root / "answers" / "new-team.yaml").exists()
    rc, out, _ = cli(capsys, root, "import", str(book), "--team", "new-team", "--create")
    assert rc == 0 and "answers/new-team.yaml: created with 1 change" in out
    assert answers_of(root, "new-team") == {"scale-demo": {"1.1": ("yes", "All repos on the central server.", ())}}
    # into an existing team: its other answers and notes are kept
    rc, out, _ = cli(capsys, root, "import", str(book), "--team", TEAM)
    assert rc == 0 and "scale-demo / 1.1: (not assessed) -> yes (note changed)" in out
    assert answers_of(root)["levels-demo"]["d2"][1].startswith("Raw data is versioned.")


def test_framework_changed_since_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_project(tmp_path)
    fw_path = root / "frameworks" / "levels-demo.yaml"
    text = fw_path.read_text()
    fw_path.write_text(
        text.replace('version: "1.0"', 'version: "1.1"').replace(
            '      - id: d3\n        text: Data quality is checked on every run.\n        level: 2\n        source: "item 3"\n',
            '      - id: d4\n        text: Data lineage is recorded.\n        level: 2\n        source: "item 8"\n',
        )
    )
    rc, out, err = cli(capsys, root, "import", str(FIXTURES / "filled.xlsx"))
    assert rc == 0, err
    assert "`levels-demo` was exported at version 1.0; the repository now has version 1.1" in out
    assert "levels-demo!B4: statement `d3` no longer exists in `levels-demo`; its answer was not imported" in out
    assert "1 statement(s) added since the export, left unanswered: d4" in out
    got = answers_of(root)["levels-demo"]
    assert "d3" not in got and "d4" not in got and got["d1"][0] == "no" and got["m2"][0] == "yes"


def test_dry_run_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_project(tmp_path)
    before = snapshot(root)
    rc, out, _ = cli(capsys, root, "import", str(FIXTURES / "filled.xlsx"), "--dry-run")
    assert rc == 0 and "levels-demo / d1: yes -> no" in out and "would update with 8 changes" in out and "Dry run" in out
    assert snapshot(root) == before


def test_many_workbooks_in_one_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_project(tmp_path)
    shutil.copy(root / ANSWER_FILE, root / "answers" / "search.yaml")
    (root / "answers" / "search.yaml").write_text(
        (root / ANSWER_FILE).read_text().replace("team: fraud-detection", "team: search")
    )
    project = load(root)
    second = tmp_path / "search.xlsx"
    export_workbook(project, ["levels-demo"], project.team("search"), second)
    second = _edit(second, tmp_path / "search2.xlsx", lambda wb: wb["levels-demo"].__setitem__("F8", "yes"))
    rc, out, _ = cli(capsys, root, "import", str(FIXTURES / "filled.xlsx"), str(second))
    assert rc == 0 and "search / levels-demo / m4: (not assessed) -> yes" in out
    assert answers_of(root, "search")["levels-demo"]["m4"][0] == "yes"
    assert answers_of(root)["levels-demo"]["d1"][0] == "no"
    # the same team and framework twice: refused
    rc, _, err = cli(capsys, root, "import", str(FIXTURES / "filled.xlsx"), str(FIXTURES / "exported.xlsx"))
    assert rc == 1 and "also in" in err


def test_import_only_named_framework(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root, out = _import(capsys, tmp_path, FIXTURES / "filled.xlsx", "--framework", "rubric-demo")
    assert "updated with 1 change" in out
    got = answers_of(root)
    assert got["rubric-demo"]["process"][0] == "2" and got["levels-demo"]["d1"][0] == "yes"


def test_import_reads_only_the_teams_it_writes(tmp_path: Path, capsys: pytest.CaptureFixture[str], reference: bytes) -> None:
    """Another team's broken file does not stop an import (validate reports it); a team's file in a sub-folder is found."""
    root = copy_project(tmp_path)
    (root / "answers" / "broken.yaml").write_text("team: broken\nname: [unclosed\n", encoding="utf-8")
    (root / "answers" / "payments").mkdir()
    moved = root / "answers" / "payments" / f"{TEAM}.yaml"
    (root / "answers" / f"{TEAM}.yaml").rename(moved)
    rc, out, err = cli(capsys, root, "import", str(FIXTURES / "filled.xlsx"))
    assert rc == 0, err
    assert f"answers/payments/{TEAM}.yaml: updated with 8 changes" in out.splitlines()
    assert moved.read_bytes() == reference
    assert not (root / "answers" / f"{TEAM}.yaml").exists()
    # the team's own file must be valid: its problems stop the import, nothing is written
    moved.write_text(f"team: {TEAM}\nname: [unclosed\n", encoding="utf-8")
    before = snapshot(root)
    rc, _, err = cli(capsys, root, "import", str(FIXTURES / "filled.xlsx"))
    assert rc == 1 and f"answers/payments/{TEAM}.yaml:3:1: YAML syntax error" in err and "broken.yaml" not in err
    assert snapshot(root) == before
