"""Every bad workbook cell gets a message naming the file and sheet!cell, exit 1, and nothing written."""

from __future__ import annotations

import io
import pathlib
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from test_workbook_support import FIXTURES, TEAM, cli, copy_project, load, snapshot

from generator.workbook.export import export_workbook
from generator.workbook.safety import WorkbookError, _check_bomb

EXPORTED = FIXTURES / "exported.xlsx"


def _refused(capsys: pytest.CaptureFixture[str], tmp_path: Path, book: Path, *extra: str) -> str:
    root = copy_project(Path(tempfile.mkdtemp(dir=tmp_path)))
    before = snapshot(root)
    rc, out, err = cli(capsys, root, "import", str(book), *extra)
    assert rc == 1
    lines = err.splitlines()
    assert "Traceback" not in err and lines[-1].startswith("maturity: error: "), err
    assert len(lines) <= 2, err  # the one problem, and the summary when the problem is a workbook's
    assert snapshot(root) == before
    return err


def _edited(tmp_path: Path, change: Callable[[openpyxl.Workbook], None], src: Path = EXPORTED) -> Path:
    wb = openpyxl.load_workbook(src)
    change(wb)
    out = tmp_path / "bad.xlsx"
    wb.save(out)
    return out


def _set(sheet: str, ref: str, value: str) -> Callable[[openpyxl.Workbook], None]:
    def change(wb: openpyxl.Workbook) -> None:
        wb[sheet][ref] = value
        wb[sheet][ref].data_type = "s"

    return change


@pytest.mark.parametrize(
    ("sheet", "ref", "value", "expected"),
    [
        (
            "levels-demo",
            "F4",
            "maybe",
            "levels-demo!F4: `maybe` is not an answer to `d3`; use one of: Yes, Partial, No, Not applicable",
        ),
        ("scale-demo", "E3", '=HYPERLINK("x")', 'scale-demo!E3: `=HYPERLINK("x")` is not an answer'),
        ("rubric-demo", "E3", "7", "rubric-demo!E3: `7` is not an answer to `process`; use one of: a level: 0, 1, 2"),
        ("levels-demo", "B5", "zz", "levels-demo!B5: unknown statement id `zz` in framework `levels-demo`"),
        ("levels-demo", "B6", "d1", "levels-demo!B6: statement `d1` appears twice (rows 2 and 6)"),
        ("levels-demo", "G4", "a note", "levels-demo!G4: a note without an answer; choose an answer in levels-demo!F4"),
        ("levels-demo", "H2", "javascript:alert(1)", "levels-demo!H2: evidence `javascript:alert(1)` must be an http(s) link"),
        ("levels-demo", "B1", "Identifier", "levels-demo!A1: no header row with an ID and an Answer column"),
        ("levels-demo", "I1", "answer", "levels-demo!I1: a second column headed Answer (the first is column F)"),
        ("Metadata", "B1", "maturity-workbook 9", "Metadata!B1: the workbook format is `maturity-workbook 9`"),
        ("Metadata", "A8", "ghost", "Metadata!A8: the workbook is for framework `ghost`, which this repository does not have"),
        ("Metadata", "B2", "../etc", "Metadata!B2: `../etc` is not a valid team id"),
    ],
)
def test_bad_cells(tmp_path: Path, capsys: pytest.CaptureFixture[str], sheet: str, ref: str, value: str, expected: str) -> None:
    err = _refused(capsys, tmp_path, _edited(tmp_path, _set(sheet, ref, value)))
    assert f"{tmp_path / 'bad.xlsx'}: {expected}" in err


def test_workbook_of_another_team_or_framework(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = _refused(capsys, tmp_path, EXPORTED, "--team", "search")
    assert "Metadata!B2: this workbook belongs to team `fraud-detection`, not to `search`" in err
    book = tmp_path / "levels.xlsx"
    project = load(FIXTURES / "project")
    export_workbook(project, ["levels-demo"], project.team(TEAM), book)
    err = _refused(capsys, tmp_path, book, "--framework", "scale-demo")
    assert "Metadata!A8: this workbook is for levels-demo, not for framework `scale-demo`" in err


def test_metadata_sheet_deleted_or_framework_sheet_renamed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = _refused(capsys, tmp_path, _edited(tmp_path, lambda wb: wb.remove(wb["Metadata"])))
    assert "the workbook has no Metadata sheet" in err
    err = _refused(capsys, tmp_path, _edited(tmp_path, lambda wb: setattr(wb["scale-demo"], "title", "mine")))
    assert "the sheet `scale-demo` of framework `scale-demo` is missing (Metadata!C10 names it)" in err


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"section,id,answer\ndata,d1,yes\n", "this is a text file (CSV?), not an .xlsx workbook"),
        (b"", "the file is empty; it is not an .xlsx workbook"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "this is a legacy Excel .xls file"),
        (b"PK\x03\x04garbage" + b"\x00" * 100, "the file is damaged and cannot be read as .xlsx"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "not a zip archive"),
    ],
)
def test_files_that_are_not_xlsx(tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, expected: str) -> None:
    book = tmp_path / "answers.xlsx"
    book.write_bytes(content)
    assert expected in _refused(capsys, tmp_path, book)


def _rezip(src: Path, dst: Path, replace: dict[str, bytes], add: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, replace.get(info.filename, zin.read(info)))
        for name, data in (add or {}).items():
            zout.writestr(name, data)
    return dst


def test_macro_enabled_workbooks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with zipfile.ZipFile(EXPORTED) as zf:
        types = zf.read("[Content_Types].xml")
    vba = _rezip(EXPORTED, tmp_path / "macro.xlsx", {}, {"xl/vbaProject.bin": b"\x00" * 64})
    assert "this workbook is macro-enabled (.xlsm)" in _refused(capsys, tmp_path, vba)
    ctype = types.replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    )
    assert ctype != types
    xlsm = _rezip(EXPORTED, tmp_path / "book.xlsm", {"[Content_Types].xml": ctype})
    assert "macro-enabled" in _refused(capsys, tmp_path, xlsm)


def test_zip_bomb_refused_before_opening(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bomb = _rezip(EXPORTED, tmp_path / "bomb.xlsx", {}, {"xl/media/padding.bin": b"\x00" * (4 * 1024 * 1024)})
    assert "expands" in _refused(capsys, tmp_path, bomb) and "zip bomb" in _refused(capsys, tmp_path, bomb)
    huge = [zipfile.ZipInfo(f"xl/worksheets/sheet{i}.xml") for i in range(3)]
    for info in huge:
        info.file_size, info.compress_size = 100 * 1024 * 1024, 10 * 1024 * 1024
    with pytest.raises(WorkbookError, match="would expand to 315 MB"):
        _check_bomb(huge, "big.xlsx")


LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
)


@pytest.mark.parametrize("member", ["xl/workbook.xml", "xl/worksheets/sheet3.xml", "xl/worksheets/sheet8.xml"])
def test_xml_entity_bomb(tmp_path: Path, capsys: pytest.CaptureFixture[str], member: str) -> None:
    with zipfile.ZipFile(EXPORTED) as zf:
        original = zf.read(member)
    body = original.split(b"?>", 1)[1] if original.startswith(b"<?xml") else original
    body = body.replace(b"</", b"&lol3;</", 1)
    bomb = _rezip(EXPORTED, tmp_path / "laughs.xlsx", {member: LAUGHS + body})
    assert "contains XML entity declarations (an XML bomb?); refused" in _refused(capsys, tmp_path, bomb)


def test_unwritable_target_is_found_before_anything_changes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_project(tmp_path)
    (root / "answers" / "search.yaml").write_text(
        (root / "answers" / f"{TEAM}.yaml").read_text().replace("team: fraud-detection", "team: search")
    )
    project = load(root)
    second = tmp_path / "search.xlsx"
    export_workbook(project, ["scale-demo"], project.team("search"), second)
    second = _edited(tmp_path, _set("scale-demo", "E2", "yes"), second)
    before = snapshot(root)
    real_open = pathlib.Path.open

    def guarded(self: Path, mode: str = "r", *args: object, **kwargs: object) -> io.IOBase:
        if self.name == "search.yaml" and "+" in mode:
            raise PermissionError(13, "Permission denied")
        return real_open(self, mode, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pathlib.Path, "open", guarded)
    rc, _, err = cli(capsys, root, "import", str(FIXTURES / "filled.xlsx"), str(second))
    assert rc == 1 and "answers/search.yaml: cannot be written: Permission denied; nothing was written" in err
    assert snapshot(root) == before  # fraud-detection's file, valid and first, was not written either


def test_new_team_file_in_a_folder_that_cannot_exist(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_project(tmp_path)
    blank = tmp_path / "blank.xlsx"
    export_workbook(load(root), ["scale-demo"], None, blank)
    book = _edited(tmp_path, _set("scale-demo", "E2", "yes"), blank)
    for p in (root / "answers").iterdir():
        p.unlink()
    (root / "answers").rmdir()
    (root / "answers").write_text("not a folder")
    rc, _, err = cli(capsys, root, "import", str(book), "--team", "newbie", "--create")
    assert rc == 1 and "answers/newbie.yaml" in err and "nothing was written" in err
    assert (root / "answers").read_text() == "not a folder"
