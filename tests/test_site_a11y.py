"""The example site read by everyone: WCAG 2.1 A/AA rules (axe-core), in the real browser, light and dark.

axe-core comes from npm (``package.json`` pins it; ``make test`` runs ``npm ci``). It is injected
into each page of the built example site and run with the WCAG 2.1 A and AA rule tags.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, BuiltSite
from playwright.sync_api import Browser, Page

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SCHEMES = ("light", "dark")


def page_types(site: Path) -> dict[str, str]:
    """One URL path per page type of the built site: the fixed pages, and the largest framework, team and group page
    (the rubric framework too, whose page looks different)."""
    paths = {"home": "", "teams": "teams/", "frameworks": "frameworks/", "about": "about/"}
    for folder in ("framework", "team", "group"):
        pages = sorted((site / folder).glob("*/index.html"), key=lambda f: f.stat().st_size) if (site / folder).is_dir() else []
        if pages:
            paths[folder] = f"{folder}/{pages[-1].parent.name}/"
    if (site / "framework" / "gigaom-mlops").is_dir():
        paths["rubric framework"] = "framework/gigaom-mlops/"
    return paths


@pytest.fixture(scope="module")
def axe_source() -> str:
    assert AXE.is_file(), f"{AXE} is missing: run `npm ci` in {REPO} (make test does)"
    return AXE.read_text(encoding="utf-8")


@pytest.fixture(params=SCHEMES)
def scheme_page(request: pytest.FixtureRequest, browser: Browser) -> Iterator[Page]:
    """A page at laptop size that prefers the light or the dark scheme (Material follows the system's)."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=request.param)
    try:
        yield ctx.new_page()
    finally:
        ctx.close()


def axe_violations(page: Page, axe_source: str) -> list[dict[str, Any]]:
    """The WCAG 2.1 A/AA violations axe-core finds on the page as it is now: rule id, impact, failing nodes."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_source)
    found: list[dict[str, Any]] = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
            return r.violations.map(v => ({rule: v.id, impact: v.impact,
                nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary.split('\\n').slice(1, 2).join(''))}));
        }""",
        WCAG_TAGS,
    )
    return found


def test_axe_version_is_the_pinned_one(axe_source: str) -> None:
    import json

    pinned = json.loads((REPO / "package.json").read_text(encoding="utf-8"))["devDependencies"]["axe-core"]
    assert f"axe v{pinned}" in axe_source[:200]


def test_every_page_has_no_wcag_violation(example_site: BuiltSite, scheme_page: Page, axe_source: str) -> None:
    paths = page_types(example_site.path)
    assert {"home", "teams", "frameworks", "about", "team", "framework", "rubric framework"} <= set(paths)
    problems = {}
    for name, path in paths.items():
        scheme_page.goto(example_site.url + path)
        found = axe_violations(scheme_page, axe_source)
        if found:
            problems[name] = found
    assert problems == {}


def test_search_results_have_no_wcag_violation(example_site: BuiltSite, scheme_page: Page, axe_source: str) -> None:
    scheme_page.goto(example_site.url)
    scheme_page.locator("input.md-search__input").click()
    scheme_page.keyboard.type("monitoring", delay=10)
    scheme_page.locator(".md-search-result__item").first.wait_for(timeout=10_000)
    assert axe_violations(scheme_page, axe_source) == []


# -- phones ----------------------------------------------------------------------

#: Rendered font size (px) of every piece of chart text: HTML text as computed, SVG text scaled with its drawing.
CHART_TEXT_SIZES = """() => {
    const out = [];
    const html = '.mc-figure th, .mc-figure td, .mc-figure caption, .mc-figure li, .mc-figure summary';
    for (const el of document.querySelectorAll(html)) {
        if (el.getClientRects().length) out.push([el.textContent.trim().slice(0, 60), parseFloat(getComputedStyle(el).fontSize)]);
    }
    for (const t of document.querySelectorAll('svg.mc-chart text')) {
        const svg = t.ownerSVGElement, scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
        out.push([t.textContent, parseFloat(getComputedStyle(t).fontSize) * scale]);
    }
    return out;
}"""


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    ctx = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True)
    try:
        yield ctx.new_page()
    finally:
        ctx.close()


def test_no_page_scrolls_sideways_on_a_phone(example_site: BuiltSite, phone: Page) -> None:
    wide = {}
    for name, path in page_types(example_site.path).items():
        phone.goto(example_site.url + path)
        width = phone.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if width[0] > width[1]:
            wide[name] = width
    assert wide == {}


def test_team_summary_fits_a_phone_and_charts_read_at_12px(example_site: BuiltSite, phone: Page) -> None:
    phone.goto(example_site.url + page_types(example_site.path)["team"])
    box = phone.locator("table.mc-summary").locator("xpath=..")
    assert box.evaluate("b => b.scrollWidth <= b.clientWidth")  # no zoom, no sideways scrolling
    assert phone.locator("table.mc-summary").evaluate("t => parseFloat(getComputedStyle(t).fontSize)") >= 12
    sizes = phone.evaluate(CHART_TEXT_SIZES)
    assert len(sizes) > 10 and any(text.endswith("%") for text, _ in sizes)  # bar tables and the history chart
    assert [(text, size) for text, size in sizes if size < 12] == []


def test_framework_and_home_charts_read_at_12px_on_a_phone(example_site: BuiltSite, phone: Page) -> None:
    phone.goto(example_site.url + "framework/azure-mlops/")
    sizes = phone.evaluate(CHART_TEXT_SIZES)
    assert "Teams per result: Azure MLOps maturity model" in [text for text, _ in sizes]
    assert [(text, size) for text, size in sizes if size < 12] == []
    phone.goto(example_site.url)
    assert phone.evaluate(CHART_TEXT_SIZES) == []  # the home page's bars carry no text of their own ...
    said = phone.locator("svg.mc-stacked").first.get_attribute("aria-label")
    # ... their counts are in their accessible name (and written out beside them)
    counts = r"([^;]+: [1-9]\d*; )*[^;]+: [1-9]\d*"
    assert said is not None and re.fullmatch("Teams per result: Azure MLOps maturity model: " + counts, said)


def test_heatmap_scrolls_in_its_box_with_the_team_column_in_view(example_site: BuiltSite, phone: Page) -> None:
    phone.goto(example_site.url)
    box = phone.locator("div.mc-scroll:has(table.mc-heatmap)")
    assert box.evaluate("b => b.scrollWidth > b.clientWidth")  # six frameworks do not fit a phone
    first = phone.locator("table.mc-heatmap tbody th").first
    before = first.bounding_box()
    box.evaluate("b => { b.scrollLeft = 300; }")
    after = first.bounding_box()
    assert before is not None and after is not None and after["x"] == before["x"]  # sticky
    last_header = phone.locator("table.mc-heatmap thead th").last.bounding_box()
    assert last_header is not None and last_header["x"] < 375 + 300
