"""Helpers for the framework-shape tests: a copy of tests/fixtures/shapes (frameworks of each shape and their teams)."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

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


def assert_refused(capsys: pytest.CaptureFixture[str], root: Path, framework: str, old: str, new: str, message: str) -> None:
    """Editing ``old`` to ``new`` in a framework file makes ``validate`` fail with ``message`` at a line, writing nothing."""
    path = root / "frameworks" / f"{framework}.yaml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    code, _, err = run(capsys, root, "validate")
    assert code == 1, err
    assert message in err, err
    assert err.split(f"frameworks/{framework}.yaml:")[1].split(":")[0].isdigit()
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before


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


def soffice_recalculate(out_dir: Path, *sources: Path) -> list[Path]:
    """The workbooks as LibreOffice Calc recalculates and saves them (one run for all)."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    assert exe, "LibreOffice (soffice) is needed for this test; .ci/run installs libreoffice-calc-nogui"
    profile = (out_dir / "lo-profile").as_uri()
    subprocess.run(
        [
            exe,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out_dir),
            *map(str, sources),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return [out_dir / src.name for src in sources]


def assert_aggregates_match(book: Path, project: Project, team_id: str) -> int:
    """Every aggregated figure of the recalculated Summary equals the engine's; returns how many were compared."""
    from generator.scoring import score
    from generator.workbook.export import template_for

    team = project.team(team_id)
    assert team is not None
    ws = openpyxl.load_workbook(book, data_only=True)["Summary"]
    fws = [project.frameworks[fid] for fid in team.frameworks]
    cells = template_for(fws).book.summary
    compared = 0
    for fw in fws:
        result = score(fw, team.frameworks[fw.id])
        c = cells[fw.id]
        assert ws[c.headline].value == result.headline.text, (fw.id, "headline")
        compared += 1
        for agg in result.aggregates:
            overall, sections, level = c.aggregates[agg.name]
            for cell, value, maximum in [(overall, agg.overall, agg.maximum)] + [
                (sections[sid], agg.sections[sid], agg.maxima[sid]) for sid in sections
            ]:
                got = ws[cell].value
                if value is None:
                    assert got == "not assessed", (fw.id, cell)
                else:
                    want = value if agg.unit == "points" else value / maximum
                    assert got == pytest.approx(want), (fw.id, cell, got, want)
                compared += 1
            if level is not None:
                assert ws[level].value == (result.level if result.level is not None else "not assessed"), (fw.id, "level")
                compared += 1
        for agg in result.aggregates:  # the score per level, where the framework declares it
            for sl in agg.by_level:
                overall_cell, section_cells = c.by_level[agg.name][sl.level]
                pairs = [(overall_cell, sl.overall, sl.maximum)]
                pairs += [(section_cells[sid], sl.sections[sid], sl.maxima[sid]) for sid in section_cells]
                for cell, value, maximum in pairs:
                    got = ws[cell].value
                    if value is None:
                        assert got == "not assessed", (fw.id, sl.level, cell)
                    else:
                        assert got == pytest.approx(value if agg.unit == "points" else value / maximum), (fw.id, sl.level, cell)
                    compared += 1
    return compared


def recalculated_books(capsys: pytest.CaptureFixture[str], root: Path, out_dir: Path, *teams: str) -> list[Path]:
    """Each team's exported workbook as LibreOffice Calc recalculates and saves it (one run for all)."""
    books = []
    for team in teams:
        book = out_dir / "in" / f"{team}.xlsx"
        book.parent.mkdir(parents=True, exist_ok=True)
        assert run(capsys, root, "export", "-t", team, "-o", str(book))[0] == 0
        books.append(book)
    saved = out_dir / "out"
    saved.mkdir()
    return soffice_recalculate(saved, *books)


def edited_history(where: Path, framework: str, team: str, edit: Callable[[str], str]) -> tuple[Any, str]:
    """A git repository with one shape framework and a team's answers, committed as they are and then edited.

    Returns the repository (``test_review_support.GitRepo``) and the answer file as first committed.
    """
    from test_review_support import GitRepo

    repo = GitRepo(where)
    repo.write(f"frameworks/{framework}.yaml", (SHAPES / "frameworks" / f"{framework}.yaml").read_text())
    answers = (SHAPES / "answers" / f"{team}.yaml").read_text()
    repo.write(f"answers/{team}.yaml", answers)
    repo.commit("first assessment")
    repo.write(f"answers/{team}.yaml", edit(answers))
    repo.commit("answers changed")
    return repo, answers
