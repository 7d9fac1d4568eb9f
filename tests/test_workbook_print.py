"""A workbook a person can fill and print: LibreOffice Calc opens the exported file and prints it to PDF.

One export of this repository's example team (a levelled, a rubric and a long questionnaire
framework), converted once by ``soffice --headless --convert-to pdf`` with a throwaway profile
(and the widest sheet once more on Letter paper); the PDF is read with pypdf.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import openpyxl
import pypdf
import pytest
from conftest import REPO

from generator.project import Project, load_project
from generator.workbook.export import export_workbook

FRAMEWORKS = ("azure-mlops", "gigaom-mlops", "mlops-community")
TEAM = "credit-risk"
HEADER = ("Section", "ID", "Statement", "Guidance", "Answer", "Note", "Evidence", "Assessed")


@dataclass(frozen=True)
class Printed:
    book: Path
    pages: list[Any]  # pypdf pages
    texts: list[str]  # text of each page
    sizes: list[list[float]]  # printed size (pt) of each piece of text, per page


def print_to_pdf(project: Project, frameworks: tuple[str, ...], tmp: Path) -> Printed:
    """Export the example team's workbook of ``frameworks`` and print it to PDF with LibreOffice."""
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice (soffice) is needed: make test installs it (scripts/system-deps.sh)"
    team = next(t for t in project.teams if t.id == TEAM)
    book = tmp / "book.xlsx"
    export_workbook(project, frameworks, team, book)
    cmd = [soffice, f"-env:UserInstallation={(tmp / 'profile').as_uri()}", "--headless", "--convert-to", "pdf"]
    subprocess.run([*cmd, "--outdir", str(tmp), str(book)], check=True, capture_output=True, timeout=240)
    reader = pypdf.PdfReader(io.BytesIO((tmp / "book.pdf").read_bytes()))
    texts, sizes = [], []
    for page in reader.pages:
        found: list[float] = []

        def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float, found: list[float] = found) -> None:
            if text.strip():
                found.append(size * abs(tm[3]) * abs(cm[3]))

        texts.append(page.extract_text(visitor_text=visit))
        sizes.append(found)
    return Printed(book, list(reader.pages), texts, sizes)


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Printed]:
    yield print_to_pdf(load_project(REPO), FRAMEWORKS, tmp_path_factory.mktemp("print"))


def _flat(text: str) -> str:
    return " ".join(text.split())


def sheet_pages(p: Printed, title: str) -> list[int]:
    """The pages printed from one sheet (its page header is the first line)."""
    return [i for i, t in enumerate(p.texts) if t.splitlines()[0].strip() == title]


def test_every_page_is_a4_landscape(printed: Printed) -> None:
    assert len(printed.pages) >= 6
    assert {(round(float(pg.mediabox.width)), round(float(pg.mediabox.height))) for pg in printed.pages} == {(842, 595)}


def test_framework_sheets_fit_the_page_width_repeat_headers_and_print_at_9pt(printed: Printed) -> None:
    project = load_project(REPO)
    for fid in FRAMEWORKS:
        fw = project.frameworks[fid]
        pages = sheet_pages(printed, f"{fw.title} (version {fw.version})")
        assert pages, fid
        for i in pages:
            words = printed.texts[i].split()
            assert all(h in words for h in HEADER), (fid, i)  # every column on every page, header repeated
            assert min(printed.sizes[i]) >= 8.5, (fid, i, min(printed.sizes[i]))  # readable on paper
    # fit to width, pages added only downwards: no more pages than the statements need
    assert len(sheet_pages(printed, "MLOps Community maturity assessment (version 2023.04)")) <= 8


def _overlaps(page: Any, blobs: dict[str, str]) -> list[tuple[str, str]]:
    """Lines of two different statements printed on top of each other in the same column of one page.

    Text that does not fit its row is still drawn (clipped) over the next row; a line is recognised as a
    statement's when it occurs in that statement's text (statement, parts, guidance, rubric levels) only.
    """
    lines: list[tuple[float, float, float, str]] = []  # y, x, size, statement id

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        t = _flat(text)
        owners = [sid for sid, blob in blobs.items() if t in blob] if len(t) >= 12 else []
        if len(owners) == 1:
            lines.append((tm[5] * cm[3] + cm[5], tm[4] * cm[0] + cm[4], size * abs(tm[3]) * abs(cm[3]), owners[0]))

    page.extract_text(visitor_text=visit)
    return [
        (a[3], b[3])
        for a in lines
        for b in lines
        if a[3] < b[3] and abs(a[1] - b[1]) < 2 and abs(a[0] - b[0]) < 0.8 * a[2]
    ]


def test_no_text_is_cut_off(printed: Printed) -> None:
    """Row heights fit the wrapped text: every statement is printed, and no cell runs over the next row."""
    project = load_project(REPO)
    for fid in FRAMEWORKS:
        fw = project.frameworks[fid]
        pages = sheet_pages(printed, f"{fw.title} (version {fw.version})")
        text = _flat(" ".join(printed.texts[i] for i in pages))
        assert [st.id for st in fw.statements if _flat(st.text) not in text] == [], fid
        # Guidance too: every level description of a rubric is printed whole (no row is capped at 409 pt).
        cut = [f"{st.id} {c.level}" for st in fw.statements for c in st.choices if _flat(c.text) not in text]
        assert cut == [], fid
        blobs = {
            st.id: _flat(" ".join([st.text, *(p.text for p in st.parts), st.guidance or "", *(c.text for c in st.choices)]))
            for st in fw.statements
        }
        clashes = [c for i in pages for c in _overlaps(printed.pages[i], blobs)]
        assert clashes == [], fid


def test_rows_are_as_tall_as_their_wrapped_text(printed: Printed) -> None:
    ws = openpyxl.load_workbook(printed.book)["mlops-community"]
    cols = {c.value: c.column_letter for c in ws[1]}
    heights = {ws[f"{cols['ID']}{r}"].value: ws.row_dimensions[r].height for r in range(2, ws.max_row + 1)}
    assert min(heights.values()) >= 17  # one line of 10 pt text and its padding
    # 2.2.7 lists its five sub-items under the statement: six lines at least
    assert heights["2.2.7"] >= 6 * 13


def test_summary_figures_are_apart_and_labelled(printed: Printed) -> None:
    text = "\n".join(printed.texts[i] for i in sheet_pages(printed, "Summary"))
    rows = re.findall(r"^(\S+) (.+?) (\d+%|not assessed) ?(Level \d+)? (\d+) of (\d+) answered$", text, re.M)
    assert len(rows) >= 4 + 5 + 7  # azure sections, gigaom dimensions, mlops-community top sections
    assert "people People 30% Level 2 5 of 5 answered" in text.splitlines()  # level and count never run together
    assert re.search(r"^Level Level \d+$", text, re.M)


def test_instructions_match_what_the_protection_allows(printed: Printed) -> None:
    wb = openpyxl.load_workbook(printed.book)
    text = _flat("\n".join(printed.texts[i] for i in sheet_pages(printed, "Instructions")))
    ws = wb["azure-mlops"]
    assert ws.protection.sheet and not ws.protection.password
    assert ws.protection.insertRows and ws.protection.insertColumns  # adding rows or columns is locked ...
    assert "To sort the rows or add rows or columns of your own, first switch the protection off" in text  # ... and said
    assert not ws.protection.autoFilter and not ws.protection.formatRows and not ws.protection.formatColumns
    assert "You can filter the rows" in text and "hide rows and columns" in text


def test_rubric_dropdown_entries_are_short_with_the_descriptions_beside(printed: Printed) -> None:
    wb = openpyxl.load_workbook(printed.book)
    labels = [r[2] for r in wb["Lists"].iter_rows(min_row=2, values_only=True) if str(r[0]).startswith("gigaom-mlops/")]
    names = ["Not started", "Ad hoc", "Developing", "Managed", "Optimised"]
    assert labels[:5] == [f"{n} \u2013 {name}" for n, name in enumerate(names)]
    assert max(len(label) for label in labels) <= 40
    ws = wb["gigaom-mlops"]
    cols = {c.value: c.column_letter for c in ws[1]}
    assert ws[f"{cols['Answer']}2"].value in labels  # pre-filled with a short entry
    guidance = ws[f"{cols['Guidance']}2"].value
    assert guidance.startswith("Choose the one description that fits:\n0 \u2013 ") and len(guidance) > 200


def test_letter_paper_is_a_setting(tmp_path: Path) -> None:
    """``paper: Letter`` in maturity.yml: US Letter landscape, still one page wide and readable (the widest sheet)."""
    project = load_project(REPO)
    project = replace(project, settings=replace(project.settings, paper="Letter"))
    letter = print_to_pdf(project, ("azure-mlops",), tmp_path)
    assert {(round(float(pg.mediabox.width)), round(float(pg.mediabox.height))) for pg in letter.pages} == {(792, 612)}
    pages = sheet_pages(letter, "Azure MLOps maturity model (version 1)")
    assert pages
    for i in pages:
        assert all(h in letter.texts[i].split() for h in (*HEADER, "Level")), i
        assert min(letter.sizes[i]) >= 8.0, min(letter.sizes[i])  # Letter is narrower than A4: about 8.4 pt
