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
    if (site / "crosswalk" / "index.html").is_file():
        paths["crosswalk"] = "crosswalk/"
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


@pytest.fixture
def page_1280(browser: Browser) -> Iterator[Page]:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        yield ctx.new_page()
    finally:
        ctx.close()


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
    assert {"home", "teams", "frameworks", "about", "crosswalk", "team", "framework", "rubric framework", "group"} <= set(paths)
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


@pytest.fixture(scope="module")
def grouped_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BuiltSite]:
    """The example site as a large organisation shows it: ``list_teams_up_to`` below its number of teams."""
    import shutil

    from conftest import serve_dir

    from generator.site.build import build_site

    copy = tmp_path_factory.mktemp("grouped") / "repo"
    for name in ("frameworks", "answers", "crosswalk"):
        shutil.copytree(REPO / name, copy / name)
    shutil.copy2(REPO / "mkdocs.yml", copy / "mkdocs.yml")
    (copy / "maturity.yml").write_text("list_teams_up_to: 2\n", encoding="utf-8")
    site = copy.parent / "site"
    build_site(copy, site, workbooks=False, history=False)
    with serve_dir(site) as url:
        yield BuiltSite(url, site)


def test_large_organisation_pages_have_no_wcag_violation(grouped_site: BuiltSite, scheme_page: Page, axe_source: str) -> None:
    problems = {}
    for name, path in {"home": "", "teams": "teams/"}.items():
        scheme_page.goto(grouped_site.url + path)
        assert scheme_page.locator("table").count() >= 1  # the groups' heatmap, the groups' table
        if found := axe_violations(scheme_page, axe_source):
            problems[name] = found
    assert problems == {}


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


#: Tables wider than the page's text column that are not in a box of their own that scrolls: cut off.
CUT_OFF = """() => {
    const edge = document.querySelector('article.md-content__inner').getBoundingClientRect().right + 1;
    const scrolls = el => { for (let p = el.parentElement; p && !p.matches('article'); p = p.parentElement) {
        if (['auto', 'scroll'].includes(getComputedStyle(p).overflowX)) return true; } return false; };
    return [...document.querySelectorAll('article table')].filter(t => t.getClientRects().length
        && t.getBoundingClientRect().right > edge && !scrolls(t)).map(t => t.className || 'table');
}"""


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    ctx = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True)
    try:
        yield ctx.new_page()
    finally:
        ctx.close()


def test_no_page_scrolls_sideways_on_a_phone(example_site: BuiltSite, grouped_site: BuiltSite, phone: Page) -> None:
    wide = {}
    urls = {name: example_site.url + path for name, path in page_types(example_site.path).items()}
    urls |= {"home by group": grouped_site.url, "teams by group": grouped_site.url + "teams/"}
    for name, url in urls.items():
        phone.goto(url)
        width = phone.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if width[0] > width[1]:
            wide[name] = width
        if cut := phone.evaluate(CUT_OFF):
            wide[name] = cut
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
    first = phone.locator("table.mc-heatmap tbody th[scope='row']").first
    before = first.bounding_box()
    box.evaluate("b => { b.scrollLeft = 300; }")
    after = first.bounding_box()
    assert before is not None and after is not None and after["x"] == before["x"]  # sticky
    last_header = phone.locator("table.mc-heatmap thead th").last.bounding_box()
    assert last_header is not None and last_header["x"] < 375 + 300


# -- keyboard --------------------------------------------------------------------

#: The focused element, its outline, and the colour behind the outline (the first mostly opaque background
#: of its ancestors; of the element itself when the ring is drawn inside it). A hidden radio's ring is on its label.
FOCUS = """() => {
    const el = document.activeElement;
    if (!el || el === document.body || el === document.documentElement) return null;
    const ring = el.matches('input.md-option') && el.nextElementSibling ? el.nextElementSibling : el;
    const cs = getComputedStyle(ring);
    let bg = null;
    for (let p = parseFloat(cs.outlineOffset) < 0 ? ring : ring.parentElement; p && !bg; p = p.parentElement) {
        const c = getComputedStyle(p).backgroundColor, m = c.match(/[\\d.]+/g);
        if (m && (m.length < 4 || +m[3] >= 0.5)) bg = c;
    }
    const r = ring.getBoundingClientRect();
    const name = (el.getAttribute('aria-label') || el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 50);
    return {key: el.tagName + '.' + (el.classList[0] || '') + ' ' + name, style: cs.outlineStyle,
            width: parseFloat(cs.outlineWidth), color: cs.outlineColor,
            bg: bg || getComputedStyle(document.body).backgroundColor, shown: r.width > 0 && r.height > 0};
}"""


def _rgb(css: str) -> tuple[float, float, float]:
    r, g, b = (float(v) for v in re.findall(r"[\d.]+", css)[:3])
    return r, g, b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two CSS rgb()/rgba() colours (alpha ignored)."""

    def lum(rgb: tuple[float, float, float]) -> float:
        lin = [c / 255 / 12.92 if c / 255 <= 0.03928 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted((lum(_rgb(a)), lum(_rgb(b))), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_contrast_helper_matches_wcag_figures() -> None:
    assert round(contrast("rgb(255, 255, 255)", "rgb(0, 0, 0)"), 1) == 21.0
    assert round(contrast("rgb(255, 255, 255)", "rgb(44, 127, 184)"), 2) == 4.34  # the old mid-blue heat cell


def tab_through(page: Page, limit: int = 400) -> list[dict[str, Any]]:
    """Press Tab until focus leaves the page or comes back to where it started; every focus stop on the way."""
    stops: list[dict[str, Any]] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUS)
        if state is not None and state["key"].startswith("INPUT.md-search__input"):
            page.wait_for_timeout(400)  # the search box opens (and turns light) as it takes focus
            state = page.evaluate(FOCUS)
        if state is None and stops:
            return stops
        if state is not None:
            if stops and state["key"] == stops[0]["key"]:
                return stops
            stops.append(state)
    raise AssertionError(f"focus never left the page after {limit} Tab presses (a keyboard trap?): {stops[-3:]}")


def test_every_control_is_reached_by_tab_with_a_visible_ring(example_site: BuiltSite, scheme_page: Page) -> None:
    scheme_page.goto(example_site.url + page_types(example_site.path)["team"])
    stops = tab_through(scheme_page)
    keys = [s["key"] for s in stops]
    for control in ("A.md-skip Skip to content", "INPUT.md-search__input Search", "A.md-button Download the workbook (.xlsx)"):
        assert control in keys
    assert any(k.startswith("SUMMARY.") and "Every answer" in k for k in keys)  # the folded answer tables
    assert any(k.startswith("INPUT.md-option") for k in keys)  # the light/dark switch
    assert "DIV.mc-scroll Summary" in keys  # scroll boxes take focus, so arrow keys scroll them
    weak = [
        (s["key"], s["style"], s["width"], s["color"], s["bg"])
        for s in stops
        if s["shown"] and (s["style"] == "none" or s["width"] < 2 or contrast(s["color"], s["bg"]) < 3)
    ]
    assert weak == []


def test_heatmap_is_reached_and_scrolled_by_keyboard(example_site: BuiltSite, phone: Page) -> None:
    phone.goto(example_site.url)
    for _ in range(80):
        phone.keyboard.press("Tab")
        if phone.evaluate("document.activeElement.matches('div.mc-scroll:has(table.mc-heatmap)')"):
            break
    else:
        raise AssertionError("the heatmap was not reached with Tab")
    for _ in range(5):
        phone.keyboard.press("ArrowRight")
    # Keyboard scrolling is animated: wait (up to 5 s) for the box to have moved, fail if it never does.
    phone.wait_for_function("document.activeElement.scrollLeft > 0", timeout=5000)
    phone.keyboard.press("Tab")  # then into the table: its links to every framework and team page
    assert phone.evaluate("document.activeElement.closest('table.mc-heatmap a') !== null")


# -- print -------------------------------------------------------------------------

HIDDEN_IN_PRINT = (".md-header", ".md-tabs", ".md-sidebar--primary", ".md-sidebar--secondary", ".md-footer", ".md-search")


def pdf_text(data: bytes) -> tuple[Any, str, dict[str, float]]:
    """The PDF, all its text, and the smallest size (pt) each piece of text is printed at."""
    import io

    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(data))
    sizes: dict[str, float] = {}

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if text.strip():
            sizes[text.strip()] = min(sizes.get(text.strip(), 99.0), size * abs(tm[3]) * abs(cm[3]))

    text = "\n".join(p.extract_text(visitor_text=visit) for p in reader.pages)
    return reader, text, sizes


@pytest.fixture
def printer(browser: Browser) -> Iterator[Page]:
    """A page laid out at the width of an A4 sheet, in print media."""
    ctx = browser.new_context(viewport={"width": 794, "height": 1123})
    page = ctx.new_page()
    page.emulate_media(media="print")
    try:
        yield page
    finally:
        ctx.close()


def test_team_page_prints_as_a_clean_report(example_site: BuiltSite, printer: Page) -> None:
    printer.goto(example_site.url + "team/credit-risk/")
    shown = printer.evaluate(
        "sels => sels.filter(s => [...document.querySelectorAll(s)].some(e => getComputedStyle(e).display !== 'none'))",
        list(HIDDEN_IN_PRINT),
    )
    assert shown == []
    reader, text, _ = pdf_text(printer.pdf(format="A4", print_background=True))
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert (round(width), round(height)) == (596, 843) and len(reader.pages) > 1  # A4 portrait, pt
    assert "Credit Risk" in text and "Summary" in text and "score per section" in text  # title, table, charts
    flat = " ".join(text.split())
    assert "Every answer" in flat and "Full audit trail for every" in flat  # a note in a folded answer table: opened
    assert "Skip to content" not in text and "How to assess" not in text and "Table of contents" not in text
    assert "Edit the answers" not in text  # buttons are for the screen
    assert "(https://" not in text  # evidence links show their address as their text already, once


def test_printed_links_to_the_web_show_their_address(example_site: BuiltSite, printer: Page) -> None:
    printer.goto(example_site.url + "framework/azure-mlops/")
    link = printer.locator(".md-typeset .admonition a[href^='https://']").first  # a source the framework cites
    href = link.get_attribute("href")
    assert href is not None and link.inner_text().strip() != href
    _, text, _ = pdf_text(printer.pdf(format="A4"))
    assert f"({href})" in "".join(text.split())


def test_home_prints_its_heatmap_legibly(example_site: BuiltSite, printer: Page) -> None:
    printer.goto(example_site.url)
    fits = printer.evaluate(
        "() => { const t = document.querySelector('table.mc-heatmap'); return t.getBoundingClientRect().right"
        " <= document.querySelector('.md-content').getBoundingClientRect().right + 1; }"
    )
    assert fits  # every framework column on the sheet, nothing cut off
    _, text, sizes = pdf_text(printer.pdf(format="A4", print_background=True))
    names = printer.locator("table.mc-heatmap tbody th[scope='row']").all_inner_texts()
    assert len(names) == len(list((example_site.path / "team").glob("*/index.html"))) and all(n in text for n in names)
    assert min(sizes[n] for n in names) >= 8.5  # pt
    cells = {c.strip() for c in printer.locator("table.mc-heatmap td.hm").all_inner_texts()}
    assert {"Level 3", "86%", "41/42"} <= cells and min(sizes[c] for c in cells if c in sizes) >= 8.5


# -- search ------------------------------------------------------------------------


def search_hrefs(page: Page, words: str) -> list[str]:
    """Type into the real search box; the links of the results, best first."""
    box = page.locator("input.md-search__input")
    box.click()
    box.fill("")
    page.keyboard.type(words, delay=10)
    page.locator(".md-search-result__item").first.wait_for(timeout=10_000)
    page.wait_for_timeout(300)  # the last keystroke's results
    hrefs: list[str] = page.locator(".md-search-result__item > a").evaluate_all("els => els.map(a => a.href)")
    return [re.sub(r"\?h=[^#]*", "", h) for h in hrefs]  # without the words to highlight


@pytest.mark.parametrize(
    ("words", "team"),
    [("Credit Risk", "credit-risk"), ("Supply Chain", "demand-forecasting"), ("marketing-analytics", "churn-prediction")],
)
def test_search_for_a_team_name_group_or_owner_leads_to_its_page(
    example_site: BuiltSite, page_1280: Page, words: str, team: str
) -> None:
    page_1280.goto(example_site.url)
    hrefs = search_hrefs(page_1280, words)
    assert f"{example_site.url}team/{team}/" in hrefs[:3]  # (a group's name also finds the group on the Teams page)
    page_1280.locator(f".md-search-result__item > a[href*='team/{team}/']").first.click()
    page_1280.wait_for_url(f"**/team/{team}/**")


def test_search_for_a_statement_leads_to_the_statement(example_site: BuiltSite, page_1280: Page) -> None:
    page_1280.goto(example_site.url)
    hrefs = search_hrefs(page_1280, "experiment tracked shared place")
    target = f"{example_site.url}framework/azure-mlops/#st-creation.2.2"
    assert target in hrefs[:3]
    page_1280.locator(".md-search-result__item a[href*='#st-creation.2.2']").first.click()
    page_1280.wait_for_url("**/framework/azure-mlops/**#st-creation.2.2")
    heading = page_1280.locator("[id='st-creation.2.2']")
    assert heading.inner_text().startswith("creation.2.2 The results of every experiment are tracked in a shared place.")
    box = heading.bounding_box()
    assert box is not None and 0 <= box["y"] < 300  # scrolled to it, below the sticky header


def test_search_index_stays_small(example_site: BuiltSite) -> None:
    import json

    docs = json.loads((example_site.path / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    teams = [d for d in docs if d["location"].startswith("team/")]
    assert len(teams) == len(list((example_site.path / "team").glob("*/index.html")))  # one short entry per team
    assert max(len(json.dumps(d)) for d in teams) < 600
