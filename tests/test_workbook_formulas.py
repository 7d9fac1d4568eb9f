"""The Summary sheet's formulas give the same figures as ``generator.scoring.score``.

Checked on workbooks recalculated by LibreOffice Calc: the committed fixtures always,
and a fresh export converted with ``soffice --headless`` (installed by .ci/run).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from test_workbook_support import FIXTURES, PROJECT, TEAM, cli, copy_project, load

from generator.model import FrameworkAnswers
from generator.project import Project
from generator.scoring import score
from generator.workbook.export import template_for, workbook_bytes


def assert_summary_matches(book: Path, project: Project, answers: dict[str, FrameworkAnswers | None]) -> int:
    """Compare every figure of the Summary sheet with score(); returns how many were compared."""
    ws = openpyxl.load_workbook(book, data_only=True)["Summary"]
    cells = template_for([project.frameworks[fid] for fid in answers]).book.summary
    compared = 0
    for fid, fa in answers.items():
        fw = project.frameworks[fid]
        result = score(fw, fa)
        c = cells[fid]
        assert ws[c.headline].value == result.headline.text, (fid, "headline")
        if c.level:
            want = (
                result.level
                if result.level is not None
                else ("not assessed" if fw.has_rule("rubric") else f"below level {fw.levels[0].number}")
            )
            assert ws[c.level].value == want, (fid, "level")
        if c.percent:
            got = ws[c.percent].value
            assert got == "not assessed" if result.percent is None else got == pytest.approx(result.percent / 100), (
                fid,
                "percent",
            )
        for req in result.required:
            status, met = c.required[req.name]
            assert ws[met].value == req.met_count, (fid, req.name)
            assert (ws[status].value == "met") == req.met
        for sec in result.sections if c.percent else ():
            got = ws[c.sections[sec.section.id]].value
            want = "not assessed" if sec.percent is None else pytest.approx(sec.percent / 100)
            assert got == want, (fid, sec.section.id)
        for dim in result.dimensions:
            got = ws[c.dimensions[dim.section.id]].value
            assert got == (dim.level if dim.level is not None else got) and (dim.level is None) == isinstance(got, str)
        compared += 3 + len(result.sections) + len(result.dimensions) + len(result.required)
    return compared


def _imported_answers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], book: Path
) -> tuple[Project, dict[str, FrameworkAnswers | None]]:
    root = copy_project(tmp_path)
    rc, _, err = cli(capsys, root, "import", str(book))
    assert rc == 0, err
    project = load(root)
    team = project.team(TEAM)
    assert team is not None
    return project, {fid: team.frameworks.get(fid) for fid in project.frameworks}


def test_libreoffice_fixture_scores_match(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project, answers = _imported_answers(tmp_path, capsys, FIXTURES / "filled.xlsx")
    assert answers["levels-demo"] and answers["levels-demo"].answers["m2"].value == "yes"  # the edits were imported
    assert assert_summary_matches(FIXTURES / "libreoffice" / "filled.xlsx", project, answers) > 20


def test_libreoffice_fixture_of_untouched_export_matches(tmp_path: Path) -> None:
    project = load(PROJECT)
    team = project.team(TEAM)
    assert team is not None
    answers = {fid: team.frameworks.get(fid) for fid in project.frameworks}
    assert assert_summary_matches(FIXTURES / "libreoffice" / "exported.xlsx", project, answers) > 20


def _soffice() -> str:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    assert exe, "LibreOffice (soffice) is needed for this test; .ci/run installs libreoffice-calc-nogui"
    return exe


def test_fresh_export_recalculated_by_libreoffice(tmp_path: Path) -> None:
    """Fill answers that reach every branch (levels met, partial, n/a, rubric, blank) and recalculate."""
    root = copy_project(tmp_path)
    path = root / "answers" / f"{TEAM}.yaml"
    path.write_text(
        "team: fraud-detection\nname: Fraud Detection\nframeworks:\n"
        "  levels-demo:\n    answers:\n      d1: yes\n      d2: n/a\n      m1: yes\n"
        "      m2: yes\n      m3: partial\n      m4: no\n"
        "  rubric-demo:\n    answers:\n      strategy: 2\n      process: 1\n"
        "  scale-demo:\n    answers:\n      '1.1': yes\n      '1.2': mostly\n      '2.1': n/a\n",
        encoding="utf-8",
    )
    project = load(root)
    team = project.team(TEAM)
    assert team is not None
    src = tmp_path / "in" / "book.xlsx"
    src.parent.mkdir()
    src.write_bytes(workbook_bytes(list(project.frameworks.values()), team))
    out = tmp_path / "out"
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(
        [_soffice(), f"-env:UserInstallation={profile}", "--headless", "--convert-to", "xlsx", "--outdir", str(out), str(src)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    answers = {fid: team.frameworks.get(fid) for fid in project.frameworks}
    assert score(project.frameworks["rubric-demo"], answers["rubric-demo"]).level == 1
    assert assert_summary_matches(out / "book.xlsx", project, answers) > 20
