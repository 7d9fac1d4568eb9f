"""The built site in a real browser (Chromium through Playwright), and the live preview of `maturity serve`."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import serve_dir
from playwright.sync_api import Browser, Page

from generator.site.build import build_site

HOSTILE = "<img src=x onerror=alert(1)><script>alert(2)</script>"

TEAMS = {
    "orion": """\
team: orion
name: Orion Forecasting
group: Logistics
frameworks:
  demo:
    target: 2
    answers:
      b1: "yes"
      r1: "yes"
      b2:
        answer: "no"
        note: "NOTE"
        evidence: ["https://example.com/ok"]
""",
    "vega": """\
team: vega
name: Vega Recommendations
group: Search
frameworks:
  demo:
    answers: {b1: "no"}
  rub:
    answers: {strategy: 2, people: 1}
""",
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import textwrap

    from conftest import DEMO_FRAMEWORK, RUBRIC_FRAMEWORK

    root = tmp_path_factory.mktemp("org")
    (root / "frameworks").mkdir()
    (root / "answers").mkdir()
    (root / "frameworks" / "demo.yaml").write_text(DEMO_FRAMEWORK, encoding="utf-8")
    (root / "frameworks" / "rub.yaml").write_text(RUBRIC_FRAMEWORK, encoding="utf-8")
    for tid, text in TEAMS.items():
        # The note is a YAML double-quoted string: escape what YAML would read.
        note = HOSTILE.replace("\\", "\\\\").replace('"', '\\"')
        (root / "answers" / f"{tid}.yaml").write_text(textwrap.dedent(text).replace("NOTE", note), encoding="utf-8")
    site = root / "site"
    build_site(root, site, history=False)
    with serve_dir(site) as url:
        yield url


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = ctx.new_page()
    dialogs: list[str] = []
    pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    pg.dialogs = dialogs  # type: ignore[attr-defined]
    outside: list[str] = []
    pg.on("request", lambda r: None if r.url.startswith(("http://127.0.0.1", "data:", "blob:")) else outside.append(r.url))
    pg.outside = outside  # type: ignore[attr-defined]
    try:
        yield pg
    finally:
        ctx.close()


def _search(page: Page, words: str, expected: str) -> str:
    """Type into Material's search box; the text of the first result that mentions ``expected``."""
    box = page.locator("input.md-search__input")
    box.click()
    box.fill("")
    page.keyboard.type(words, delay=20)
    hit = page.locator(".md-search-result__item").filter(has_text=expected).first
    hit.wait_for(timeout=10_000)
    return hit.inner_text()


def test_home_team_level_chart(built: str, page: Page) -> None:
    page.goto(built)
    assert page.locator("table.mc-heatmap tbody tr:not(.mc-group-row)").count() == 2
    groups = page.locator("table.mc-heatmap tbody tr.mc-group-row a")
    assert groups.count() == 2  # a heading row per group, linking to its page
    group = groups.first.inner_text()
    groups.first.click()
    page.wait_for_url("**/group/*/")
    assert page.locator("h1").inner_text().rstrip("¶").strip() == group
    assert page.locator("table.mc-heatmap tbody tr").count() >= 1 and page.locator("h2", has_text="Trend").count() == 1
    page.go_back()
    page.click("table.mc-heatmap a:has-text('Orion Forecasting')")
    page.wait_for_url("**/team/orion/")
    assert page.locator("h1").inner_text().rstrip("¶").strip() == "Orion Forecasting"
    badge = page.locator(".mc-result .mc-badge").first.inner_text()
    assert badge == "Level 1"
    chart = page.locator("figure.mc-figure table.mc-bars").first
    box = chart.bounding_box()
    assert box is not None and box["width"] > 100 and box["height"] > 20
    assert chart.locator("caption").inner_text() == "Demo levels: score per section"
    assert chart.locator("tbody th").all_inner_texts() == ["Build", "Run"]
    bar = chart.locator(".mc-bar").first.bounding_box()
    track = chart.locator(".mc-track").first.bounding_box()
    assert bar is not None and track is not None and abs(bar["width"] / track["width"] - 0.25) < 0.02  # b1 yes, b2 (3x) no
    assert page.outside == []  # type: ignore[attr-defined]  # no CDN, no fonts, no API calls


def test_search_finds_team_and_statement(built: str, page: Page) -> None:
    page.goto(built)
    assert "Demo levels" in _search(page, "retraining triggered", "Retraining is triggered by monitoring")
    assert "Vega Recommendations" in _search(page, "Vega", "Vega Recommendations")
    page.locator(".md-search-result a[href*='team/vega/']").first.click()  # straight to the team's page
    page.wait_for_url("**/team/vega/**")
    assert page.locator("h1").inner_text().rstrip("¶").strip() == "Vega Recommendations"


def test_hostile_note_is_text_and_nothing_runs(built: str, page: Page) -> None:
    page.goto(built + "team/orion/")
    page.locator("details.mc-answers-fold summary").first.click()
    note = page.locator("table.mc-answers td:nth-child(4)").filter(has_text="onerror").first
    assert note.inner_text().splitlines()[0].strip() == HOSTILE
    assert page.locator("table.mc-answers img, table.mc-answers script").count() == 0
    assert page.locator("a[href^='javascript']").count() == 0
    page.wait_for_timeout(300)
    assert page.dialogs == []  # type: ignore[attr-defined]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as resp:  # noqa: S310 - localhost only
        return resp.read().decode("utf-8")


def test_serve_updates_the_page_when_an_answer_file_changes(tmp_path: Path) -> None:
    import textwrap

    from conftest import DEMO_FRAMEWORK

    (tmp_path / "frameworks").mkdir()
    (tmp_path / "answers").mkdir()
    (tmp_path / "frameworks" / "demo.yaml").write_text(DEMO_FRAMEWORK, encoding="utf-8")
    answers = tmp_path / "answers" / "orion.yaml"
    answers.write_text(textwrap.dedent(TEAMS["orion"]).replace("NOTE", "first"), encoding="utf-8")
    port = _free_port()
    cmd = [sys.executable, "-m", "generator", "--root", str(tmp_path), "serve", "--dev-addr", f"127.0.0.1:{port}"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        url = f"http://127.0.0.1:{port}/team/orion/"
        deadline = time.monotonic() + 30
        while True:
            try:
                assert "Level 1" in _get(url)
                break
            except OSError:
                assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
                assert time.monotonic() < deadline, "the preview did not start"
                time.sleep(0.3)
        answers.write_text(answers.read_text(encoding="utf-8").replace('answer: "no"', 'answer: "yes"'), encoding="utf-8")
        changed_at = time.monotonic()
        while "Level 2" not in _get(url):
            assert time.monotonic() - changed_at < 10, "the page was not updated within 10 s"
            time.sleep(0.3)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


# -- a hostile organisation: nothing in any field of a framework or answer file runs -----------

HOSTILE_FIXTURE = Path(__file__).parent / "fixtures" / "hostile"

#: Every attribute in the DOM that runs script or navigates to it: on* handlers, script-like URLs.
DOM_ATTACKS = """() => {
  const bad = [];
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      const name = a.name.toLowerCase();
      const value = a.value.replace(/[\\s\\x00-\\x1f]/g, '').toLowerCase();
      if (name.startsWith('on') || /^(javascript|vbscript|data):/.test(value) && name !== 'content') {
        bad.push(el.tagName + ' ' + a.name + '=' + a.value);
      }
    }
  }
  for (const el of document.querySelectorAll('script')) {
    if (el.textContent.includes('alert(')) bad.push('script ' + el.textContent.slice(0, 80));
  }
  return bad;
}"""


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    from test_review_support import GitRepo

    root = tmp_path_factory.mktemp("hostile")
    repo = GitRepo(root)
    for sub in ("frameworks", "answers"):
        for src in sorted((HOSTILE_FIXTURE / sub).iterdir()):
            repo.write(f"{sub}/{src.name}", src.read_text(encoding="utf-8"))
    repo.commit("hostile organisation")  # so the team page draws its history chart too
    site = root / "site"
    build_site(root, site, parallel=False)
    with serve_dir(site) as url:
        yield url, site


def test_hostile_framework_and_team_nothing_runs_on_any_page(hostile_site: tuple[str, Path], page: Page) -> None:
    base, site = hostile_site
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    assert {"index.html", "framework/evil/index.html", "framework/evilrub/index.html", "team/bad/index.html"} <= set(pages)
    for rel in pages:
        page.goto(base + rel)
        page.wait_for_load_state("load")
        for fold in page.locator("details summary").all():
            fold.click()  # open every fold: the answers table, blockers, required sets
        page.wait_for_timeout(150)
        assert page.evaluate(DOM_ATTACKS) == [], rel
        assert page.locator("article img, nav img").count() == 0, rel
    assert page.dialogs == []  # type: ignore[attr-defined]
    assert page.outside == []  # type: ignore[attr-defined]


def test_hostile_text_is_shown_as_text_and_safe_markdown_survives(hostile_site: tuple[str, Path], page: Page) -> None:
    base, _ = hostile_site
    page.goto(base + "framework/evil/")
    assert page.locator("h1").inner_text().rstrip("¶").strip() == (
        "Evil <img src=x onerror=alert('fw-title')> `x` [t](javascript:alert('fw-title-link'))"
    )
    nav = page.locator("nav.md-nav--primary").first.inner_text()
    assert "Evil <img src=x onerror=alert('fw-title')>" in nav
    assert "RubFw <img src=x onerror=alert('rub-title')>" in nav
    description = page.locator(".mc-description")
    assert "Desc <script>alert('fw-desc-script')</script>" in description.inner_text()
    assert description.locator("a[href='https://example.com/safe']").inner_text() == "a safe link"
    assert description.locator("strong").first.inner_text() == "bold words"
    assert description.locator(".admonition.note .admonition-title").inner_text() == "Admonished"
    assert "{onclick=alert('fw-desc-onclick')}" in description.inner_text()
    # every link in framework text is http(s) or mailto, or has no target at all
    hrefs = description.locator("a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert [h for h in hrefs if h is not None] == ["https://example.com/safe"]
    code = page.locator("code").filter(has_text="scale-value").first.inner_text()
    assert code == "ye`s<img src=x onerror=alert('scale-value')>` [x](javascript:alert('scale-link'))`"
    assert page.locator(".mc-statement .mc-id").first.inner_text() == "st1"
    # the search index holds the hostile words as text; showing them as results runs nothing
    assert "onerror" in _search(page, "Stmt", "Stmt")
    page.wait_for_timeout(300)
    assert page.evaluate(DOM_ATTACKS) == []
    page.goto(base + "team/bad/")
    assert page.locator("h1").inner_text().rstrip("¶").strip() == (
        "Team <img src=x onerror=alert('team-name')> {onclick=alert('team-name-attr')}"
    )
    assert page.dialogs == []  # type: ignore[attr-defined]
