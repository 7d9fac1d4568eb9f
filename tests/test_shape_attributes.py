"""Typed attributes on statements (difficulty, value, tags): validated, shown, and filtered on in the page and the workbook."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from conftest import serve_dir
from shapes import SHAPES, assert_refused, load, pages_of, run, shapes_repo


def test_attributes_are_read_with_their_types() -> None:
    fw = load().frameworks["activities"]
    assert [(a.name, a.type, a.label) for a in fw.attributes.values()] == [
        ("difficulty", "number", "Difficulty"),
        ("usefulness", "number", "Value"),
        ("tags", "tags", "Tags"),
    ]
    assert fw.by_id["sign-artifacts"].attributes == (
        ("difficulty", 3.0),
        ("usefulness", 4.0),
        ("tags", ("supply-chain", "safety")),
    )
    assert fw.by_id["release-canary"].attributes == (("difficulty", 3.0), ("tags", ("safety",)))  # one tag, written bare


def test_framework_page_shows_them_and_offers_a_filter(tmp_path: Path) -> None:
    page = (pages_of(SHAPES, tmp_path / "docs") / "framework" / "activities.md").read_text()
    assert (
        '<label>Difficulty <select data-mc-attr="a0"><option value="">Any</option><option value="1">1</option>'
        '<option value="3">3</option><option value="4">4</option></select></label>'
    ) in page
    assert '<select data-mc-attr="a1"><option value="">Any</option><option value="3">3</option><option value="4">4' in page
    assert (
        '<select data-mc-attr="a2"><option value="">Any</option><option value="safety">safety</option>'
        '<option value="speed">speed</option><option value="supply-chain">supply-chain</option></select>'
    ) in page
    assert "Difficulty: 3 · Value: 4 · Tags: supply&#45;chain, safety · Source:" in page


def test_workbook_has_a_filterable_locked_column_per_attribute(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = shapes_repo(tmp_path)
    book = tmp_path / "d.xlsx"
    assert run(capsys, root, "export", "-t", "team-d", "-o", str(book))[0] == 0
    ws = openpyxl.load_workbook(book)["activities"]
    header = [c.value for c in ws[1]]
    assert header[-4:] == ["Assessed", "Difficulty", "Value", "Tags"]
    rows = {r[header.index("ID")]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert rows["sign-artifacts"][-3:] == (3, 4, "supply-chain, safety")
    assert rows["ci-runs"][-3:] == (None, None, None)
    assert ws.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(header))}{len(rows) + 1}"
    tags = ws.cell(row=2, column=len(header))
    assert tags.protection.locked and ws.protection.sheet
    # Import ignores the attribute columns: the untouched workbook changes nothing.
    before = (root / "answers" / "team-d.yaml").read_bytes()
    code, _, err = run(capsys, root, "import", str(book))
    assert code == 0, err
    assert (root / "answers" / "team-d.yaml").read_bytes() == before


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("tags: [speed]}", "tag: [speed]}", "`ci-cache` has attribute `tag`, which `attributes` does not declare (did you mean"),
        ("{difficulty: 1,", "{difficulty: 7,", "attribute `difficulty` of `ci-cache` is 7, outside its range 1..5"),
        ("{difficulty: 1,", "{difficulty: easy,", "attribute `difficulty` must be a number"),
        ("tags: [speed]}", "tags: [sped]}", "attribute `tags` of `ci-cache` may be supply-chain, speed, safety; got `sped`"),
        ("label: Value}", "label: Answer}", "`usefulness` needs a label of its own: `Answer` is a workbook column already"),
        ("tags: {type: tags,", "tags: {type: list,", "attribute type must be one of number, text, tags, got `list`"),
    ],
)
def test_bad_attributes_are_refused_with_their_location(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], old: str, new: str, message: str
) -> None:
    assert_refused(capsys, shapes_repo(tmp_path), "activities", old, new, message)


@pytest.fixture(scope="module")
def shapes_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from generator.site.build import build_site

    site = tmp_path_factory.mktemp("shapes") / "site"
    build_site(SHAPES, site, parallel=False)
    with serve_dir(site) as url:
        yield url


def test_the_filter_shows_only_matching_statements_in_the_browser(shapes_site: str, browser: Any) -> None:
    page = browser.new_page()
    try:
        page.goto(shapes_site + "framework/activities/")
        visible = "() => [...document.querySelectorAll('.mc-statement')].filter(h => !h.hidden).map(h => h.id)"
        assert len(page.evaluate(visible)) == 12  # every statement before any filter
        page.select_option('select[data-mc-attr="a2"]', "supply-chain")
        assert page.evaluate(visible) == ["st-sign-artifacts", "st-artifact-sbom"]
        assert page.inner_text(".mc-filter-count") == "2 of 12 statements shown"
        # The text under a hidden statement is hidden with it; the next section heading is not.
        assert page.is_hidden("#st-ci-runs + *") and page.is_visible("h4:has-text('Artifacts')")
        page.select_option('select[data-mc-attr="a0"]', "3")  # and difficulty 3: the signed artifacts only
        assert page.evaluate(visible) == ["st-sign-artifacts"]
        page.select_option('select[data-mc-attr="a2"]', "")
        assert page.evaluate(visible) == ["st-sign-artifacts", "st-release-canary"]
    finally:
        page.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_new_constructs_have_no_wcag_violation(shapes_site: str, browser: Any, scheme: str) -> None:
    """The filtered page, a profile's team page and long level descriptions pass axe-core's WCAG 2.1 A/AA rules."""
    from test_site_a11y import AXE, axe_violations

    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    try:
        page = ctx.new_page()
        page.goto(shapes_site + "framework/activities/")
        page.select_option('select[data-mc-attr="a2"]', "safety")
        assert axe_violations(page, AXE.read_text(encoding="utf-8")) == []
        for path in ("framework/platform/", "team/team-e/"):
            page.goto(shapes_site + path)
            assert axe_violations(page, AXE.read_text(encoding="utf-8")) == [], path
    finally:
        ctx.close()
