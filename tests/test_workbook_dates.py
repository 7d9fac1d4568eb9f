"""Import over time: every bad cell in one run, today's date on the answers that change, what the import does to results."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from test_workbook_support import FIXTURES, TEAM, TODAY, cli, copy_project, load, snapshot

from generator.cli import main

ANSWER_FILE = f"answers/{TEAM}.yaml"
EXPORTED = FIXTURES / "exported.xlsx"


def _answers(book: Path, sheet: str, values: dict[str, str], out: Path, column: str = "Answer") -> Path:
    """A copy of ``book`` with the given statements' cells in ``column`` set (rows found by statement id)."""
    wb = openpyxl.load_workbook(book)
    ws = wb[sheet]
    header = next(r for r in ws.iter_rows(min_row=1, max_row=20) if any(c.value == "ID" for c in r))
    col = {c.value: c.column_letter for c in header}
    for row in ws.iter_rows(min_row=header[0].row + 1):
        sid = row[0].parent[f"{col['ID']}{row[0].row}"].value
        if sid in values:
            ws[f"{col[column]}{row[0].row}"] = values[sid]
            ws[f"{col[column]}{row[0].row}"].data_type = "s"
    wb.save(out)
    return out


def test_every_bad_cell_of_every_workbook_in_one_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_project(tmp_path)
    other = (root / ANSWER_FILE).read_text().replace("team: fraud-detection", "team: search")
    (root / "answers" / "search.yaml").write_text(other)
    assert cli(capsys, root, "export", "--team", "search", "-o", str(tmp_path / "search.xlsx"))[0] == 0
    before = snapshot(root)
    one = _answers(EXPORTED, "levels-demo", {"d1": "maybe", "m4": "perhaps"}, tmp_path / "one.xlsx")
    two = _answers(tmp_path / "search.xlsx", "rubric-demo", {"strategy": "7"}, tmp_path / "two.xlsx")
    two = _answers(two, "levels-demo", {"d3": "javascript:alert(1)"}, tmp_path / "two.xlsx", column="Evidence")
    text = tmp_path / "three.xlsx"
    text.write_text("id,answer\nd1,yes\n")
    rc, out, err = cli(capsys, root, "import", str(one), str(two), str(text))
    assert rc == 1 and "Traceback" not in err
    lines = err.splitlines()
    assert lines == [
        f"{one}: levels-demo!F2: `maybe` is not an answer to `d1`; use one of: Yes, Partial, No, Not applicable",
        f"{one}: levels-demo!F8: `perhaps` is not an answer to `m4`; use one of: Yes, Partial, No, Not applicable",
        f"{text}: this is a text file (CSV?), not an .xlsx workbook; export the workbook as .xlsx",
        f"{two}: levels-demo!H4: evidence `javascript:alert(1)` must be an http(s) link or a path in the repository",
        f"{two}: levels-demo!H4: evidence without an answer; choose an answer in levels-demo!F4 or clear it",
        lines[5],
        "maturity: error: nothing imported: 6 problems in the workbooks",
    ]
    assert lines[5].startswith(f"{two}: rubric-demo!E") and "`7` is not an answer to `strategy`" in lines[5]
    assert snapshot(root) == before


def test_changed_answers_are_dated_today(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_project(tmp_path)
    book = _answers(EXPORTED, "levels-demo", {"d1": "no", "m1": "yes", "m2": "partial"}, tmp_path / "b.xlsx")
    rc, out, err = cli(capsys, root, "import", str(book))
    assert rc == 0, err
    team = load(root).team(TEAM)
    assert team is not None
    got = {sid: a.assessed for sid, a in team.frameworks["levels-demo"].answers.items()}
    framework_date = dt.date(2026, 1, 10)
    # changed and new answers carry today's date; m1 (unchanged) and d2 keep the framework's date
    assert got == {"d1": TODAY, "d2": framework_date, "m1": framework_date, "m2": TODAY}
    text = (root / ANSWER_FILE).read_text()
    assert '      d1:\n        answer: "no"\n        assessed: 2026-11-26\n' in text
    assert "      m1: yes\n" in text


def test_keep_dates_leaves_the_dates_alone(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_project(tmp_path)
    path = root / ANSWER_FILE
    path.write_text(path.read_text().replace('      d1: "yes"', '      d1: {answer: "yes", assessed: 2026-02-01}'))
    book = _answers(EXPORTED, "levels-demo", {"d1": "no", "m2": "yes"}, tmp_path / "b.xlsx")
    rc, _, err = cli(capsys, root, "import", str(book), "--keep-dates")
    assert rc == 0, err
    team = load(root).team(TEAM)
    assert team is not None
    answers = team.frameworks["levels-demo"].answers
    assert (answers["d1"].value, answers["d1"].assessed) == ("no", dt.date(2026, 2, 1))
    assert (answers["m2"].value, answers["m2"].assessed) == ("yes", dt.date(2026, 1, 10))  # the framework's date
    assert "2026-11-26" not in path.read_text()


def test_dry_run_shows_results_before_and_after(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_project(tmp_path)
    path = root / ANSWER_FILE
    path.write_text(path.read_text().replace("    target: 2              # next year", "    target: 1"))
    before = snapshot(root)
    # weights d1 1, d2 2, d3 1, m1 1, m2 3, m3 1, m4 0.5 (9.5 in all). Before: d1 yes, d2 partial, m1 yes:
    # level 0, (1 + 1 + 1) / 9.5 = 32%. After d2 yes, m2 yes, m3 n/a: level 1, (1 + 2 + 1 + 3) / 8.5 = 82%.
    book = _answers(EXPORTED, "levels-demo", {"d2": "yes", "m2": "yes", "m3": "n/a"}, tmp_path / "b.xlsx")
    rc, out, err = cli(capsys, root, "import", str(book), "--dry-run")
    assert rc == 0, err
    assert "fraud-detection / levels-demo: Level 0 · 32% -> Level 1 · 82%; target level 1 newly met" in out.splitlines()
    assert snapshot(root) == before
    # d1 no: below level 0, (1 + 1) / 9.5 = 21%
    lost = _answers(EXPORTED, "levels-demo", {"d1": "no"}, tmp_path / "c.xlsx")
    path.write_text(path.read_text().replace("    target: 1", "    target: 0"))
    rc, out, err = cli(capsys, root, "import", str(lost), "--dry-run")
    assert "fraud-detection / levels-demo: Level 0 · 32% -> below level 0 · 21%; target level 0 no longer met" in out.splitlines()


def test_assessed_dates_are_checked_against_the_given_day(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_project(tmp_path)
    path = root / ANSWER_FILE
    path.write_text(path.read_text().replace("      m1: yes", "      m1: {answer: yes, assessed: 2026-08-01}"))
    assert cli(capsys, root, "validate")[0] == 0  # on TODAY, 2026-11-26
    capsys.readouterr()
    assert main(["--root", str(root), "validate"], today=dt.date(2026, 6, 1)) == 1
    assert "answers/fraud-detection.yaml:21:35: assessed date 2026-08-01 is in the future" in capsys.readouterr().err


def test_a_written_date_is_replaced_in_every_style(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_project(tmp_path)
    path = root / ANSWER_FILE
    text = path.read_text().replace('      d1: "yes"', '      d1: {answer: "yes", assessed: 2026-02-01}')
    text = text.replace(
        "          - https://git.example.com/fraud/data\n",
        "          - https://git.example.com/fraud/data\n        assessed: 2026-02-02\n",
    )
    path.write_text(text)
    book = _answers(EXPORTED, "levels-demo", {"d1": "no", "d2": "yes"}, tmp_path / "b.xlsx")
    assert cli(capsys, root, "import", str(book))[0] == 0
    new = path.read_text()
    assert '      d1: {answer: "no", assessed: 2026-11-26}\n' in new
    assert "          - https://git.example.com/fraud/data\n        assessed: 2026-11-26\n      m1: yes\n" in new
    assert "2026-02-0" not in new


def test_the_workbook_shows_dates_and_stale_answers(tmp_path: Path) -> None:
    from generator.workbook.export import export_workbook

    root = copy_project(tmp_path)
    path = root / ANSWER_FILE
    path.write_text(path.read_text().replace("      m1: yes", "      m1: {answer: yes, assessed: 2025-10-01}"))
    project = load(root)
    team = project.team(TEAM)
    book = tmp_path / "t.xlsx"
    export_workbook(project, ["levels-demo"], team, book, today=TODAY)
    ws = openpyxl.load_workbook(book)["levels-demo"]
    header = [c.value for c in ws[1]]
    column = header.index("Assessed")
    by_id = {row[1].value: row[column].value for row in ws.iter_rows(min_row=2)}
    # the default maximum age is 365 days: stale before 2025-11-26
    assert by_id["d1"] == "2026-01-10" and by_id["m1"] == "2025-10-01 · stale" and by_id["d3"] is None
    assert ws.cell(row=2, column=column + 1).protection.locked  # information, not an input


def test_the_summary_shows_the_target_due_date_and_stale_answers(tmp_path: Path) -> None:
    from generator.workbook.export import export_workbook, template_for

    root = copy_project(tmp_path)
    path = root / ANSWER_FILE
    text = path.read_text().replace("    target: 2              # next year\n", "    target: 2\n    target_due: 2026-10-31\n")
    path.write_text(text.replace("      m1: yes", "      m1: {answer: yes, assessed: 2025-10-01}"))
    project = load(root)
    team = project.team(TEAM)
    assert team is not None
    cells = template_for([project.frameworks["levels-demo"], project.frameworks["rubric-demo"]]).book.summary
    book = tmp_path / "t.xlsx"
    export_workbook(project, ["levels-demo", "rubric-demo"], team, book, today=TODAY)
    ws = openpyxl.load_workbook(book)["Summary"]
    levels, rubric = cells["levels-demo"], cells["rubric-demo"]
    assert (ws[f"A{levels.target[1:]}"].value, ws[f"A{levels.stale[1:]}"].value) == ("Target", "Stale answers")
    # level 2 is not met (d2 is partial), and 2026-10-31 is before 2026-11-26; m1 alone is older than a year
    n = len(team.frameworks["levels-demo"].answers)
    assert ws[levels.target].value == "level 2, due 2026-10-31 · overdue"
    assert ws[levels.stale].value == f"1 of {n} answers assessed before 2025-11-26"
    assert (ws[rubric.target].value, ws[rubric.stale].value) == ("none set", "none")
    blank = tmp_path / "b.xlsx"
    export_workbook(project, ["levels-demo", "rubric-demo"], None, blank, today=TODAY)
    ws = openpyxl.load_workbook(blank)["Summary"]
    assert ws[levels.target].value is None and ws[levels.stale].value is None
    # before the due date the unmet target is not overdue yet
    export_workbook(project, ["levels-demo"], team, book, today=dt.date(2026, 10, 1))
    ref = template_for([project.frameworks["levels-demo"]]).book.summary["levels-demo"].target
    assert openpyxl.load_workbook(book)["Summary"][ref].value == "level 2, due 2026-10-31"


def test_import_prints_the_warnings_left_in_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Warnings go to stderr with file:line, the exit code stays 0; an answer the import re-dates is no longer stale."""
    root = copy_project(tmp_path)
    path = root / ANSWER_FILE
    path.write_text(path.read_text().replace("      m1: yes", "      m1: {answer: yes, assessed: 2025-10-01}"))
    line = path.read_text().splitlines().index("  levels-demo:") + 2  # the framework's block starts on the next line
    n = len(load(root).team(TEAM).frameworks["levels-demo"].answers)  # type: ignore[union-attr]
    book = _answers(EXPORTED, "levels-demo", {"d1": "no"}, tmp_path / "b.xlsx")
    rc, out, err = cli(capsys, root, "import", "--dry-run", str(book))
    assert rc == 0 and "would update" in out
    assert err == (
        f"{ANSWER_FILE}:{line}:1: warning: 1 of {n} answers to `levels-demo` are stale: assessed more than 1 year ago "
        "(the oldest on 2025-10-01); review them and update their `assessed:` date\n"
    )
    book = _answers(EXPORTED, "levels-demo", {"m1": "no"}, tmp_path / "c.xlsx")
    rc, out, err = cli(capsys, root, "import", str(book))
    assert (rc, err) == (0, "") and "updated" in out
