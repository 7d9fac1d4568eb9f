"""The site build: pages from templates, escaping, golden pages, failed builds leave the old site alone."""

from __future__ import annotations

import json
import os
import re
from datetime import date, datetime, timezone
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator.cli import main
from generator.problems import MaturityError
from generator.project import load_project
from generator.site import charts, pages, render
from generator.site.build import build_site, merge_nav
from generator.site.escape import md_block, md_code, md_inline, nav_title, safe_url
from generator.site.links import Urls, from_page

GOLDEN = Path(__file__).parent / "golden"
HOSTILE_NOTE = "<script>alert(1)</script> <img src=x onerror=alert(2)> [click](javascript:alert(3)) {: onclick=alert(4)}"

ALPHA = """\
team: alpha
name: "Alpha <b>Models</b> & *friends*"
group: Payments
owners: ["@org/alpha"]
description: Scores card payments.
frameworks:
  demo:
    target: 2
    target_due: 2026-06-30
    assessed: 2026-01-02
    answers:
      b1: {answer: "yes", assessed: 2025-06-01}
      b2:
        answer: partial
        note: "HOSTILE"
        evidence: ["https://example.com/pipelines", "docs/runbook.md"]
      r1: "no"
  rub:
    answers:
      strategy: 1
      people: 2
"""

#: The day the pages are generated on: alpha's b1 (2025-06-01) is then stale, its target (due 2026-06-30) overdue.
TODAY = date(2026, 11, 26)

BETA = """\
team: beta
name: Beta Search
group: Search
frameworks:
  demo:
    target: 80%
    answers: {b1: "yes", b2: "yes", r1: "yes", r2: n/a}
"""


GAMMA = """\
team: gamma
name: Gamma Fraud
group: Payments
frameworks:
  demo:
    target: 1
    target_due: 2026-03-31
    assessed: 2026-03-01
    answers: {b1: "yes", b2: "no", r1: "yes", r2: "no"}
"""


def write_teams(repo) -> None:  # type: ignore[no-untyped-def]
    repo.team("alpha", ALPHA.replace("HOSTILE", HOSTILE_NOTE.replace('"', '\\"')))
    repo.team("beta", BETA)


# -- escaping ------------------------------------------------------------------


def test_md_inline_neutralises_html_and_markdown() -> None:
    out = md_inline("<b>x</b> *y* [z](javascript:1) {: a}\nline")
    assert "<" not in out and "*" not in out and "[" not in out and "{" not in out and "\n" not in out
    assert "&lt;b&gt;" in out


def test_md_block_keeps_formatting_but_not_html_or_script_links() -> None:
    out = md_block("**bold** <script>x</script> [a](javascript:alert(1)) [b](https://ok.example)\n\n[r]: vbscript:x\nsee [r]")
    assert "<strong>bold</strong>" in out and "<script>" not in out and "&lt;script&gt;x&lt;/script&gt;" in out
    assert "javascript:" not in out and "vbscript:" not in out and '<a href="https://ok.example"' in out


class _Attributes(HTMLParser):
    """Every (tag, attribute, value) of an HTML fragment."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found += [(tag, name, value or "") for name, value in attrs]


#: Every way the issue found to get an attribute or a script link through framework Markdown.
BYPASSES = [
    '![i](x){onerror="alert(1)"}',
    "para {onclick=alert(1)}",
    'para\n{: onclick="alert(1)" }',
    "text { #id onclick=alert(1) }",
    "> [q]: javascript:alert(1)\n> see [q]",
    "- [l]: javascript:alert(1)\n- see [l]",
    '!!! note "t"\n    [a]: javascript:alert(1)\n    see [a]',
    '[ref]: "javascript:alert(1)"\nuse [ref]',
    "[r2]:\n    javascript:alert(1)\n\nuse [r2]",
    "[x]( javascript:alert(1) ) [z](JaVaScRiPt:alert(1)) [w](java&#115;cript:alert(1)) [v](<javascript:alert(1)>)",
    "<javascript:alert(1)> [u](data:text/html,x) [f](file:///etc/passwd) [rel](../x.html)",
    "<img src=x onerror=alert(1)> <a href=javascript:alert(1)>a</a> <!-- <script>alert(1)</script> -->",
    "`` ` ``<img src=x onerror=alert(1)>` [x](javascript:alert(1))`",
    "| a | <b onclick=alert(1)>b</b> |\n|---|---|\n| [c](javascript:alert(1)) | d |",
]


@pytest.mark.parametrize("text", BYPASSES)
def test_md_block_lets_no_attribute_or_script_link_through(text: str) -> None:
    parser = _Attributes()
    parser.feed(str(md_block(text, "mc-statement", lead="st1")))
    allowed = {("div", "class"), ("span", "class"), ("p", "class"), ("a", "rel"), ("a", "title")}
    unexpected = [
        (t, n, v) for t, n, v in parser.found if (t, n) not in allowed and not (n == "href" and v.startswith("https://"))
    ]
    assert unexpected == []
    assert all(not n.startswith("on") for _, n, _ in parser.found)


def test_scale_values_and_nav_titles_are_text() -> None:
    assert md_code("a`<b>`[x](javascript:y)") == "<code>a&#96;&lt;b&gt;&#96;&#91;x&#93;&#40;javascript&#58;y&#41;</code>"
    assert nav_title("A <img src=x onerror=alert(1)>\nB") == "A &lt;img src=x onerror=alert(1)&gt; B"


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://example.com/a?b=1", True),
        ("docs/runbook.md", True),
        ("javascript:alert(1)", False),
        ("JaVaScRiPt:alert(1)", False),
        ("data:text/html,x", False),
        ("//evil.example", False),
        ('https://x" onmouseover="y', False),
        ("http:evil", False),
    ],
)
def test_safe_url(url: str, ok: bool) -> None:
    assert (safe_url(url) is not None) is ok


def test_relative_urls_follow_mkdocs_layout() -> None:
    assert Urls().href("team/x.md", "index.md") == "team/x/"
    assert Urls().href("framework/a.md", "team/x.md") == "../../framework/a/"
    assert Urls().href("downloads/x.xlsx", "team/x.md") == "../../downloads/x.xlsx"
    assert Urls(directory_urls=False).href("framework/a.md", "team/x.md") == "../framework/a.html"
    # a page that is its folder's index: the same link relative to its URL and to its Markdown file
    assert Urls().href("framework/a.md", "team/x/index.md") == "../../framework/a/"
    assert Urls(directory_urls=False).href("downloads/x.xlsx", "team/x/index.md") == "../../downloads/x.xlsx"
    assert Urls().href("team/x/index.md", "index.md") == "team/x/"
    # Markdown links: relative to the page's Markdown file, whatever the URLs
    assert from_page("team/x/index.md", "framework/a.md") == "../team/x/index.md"
    assert from_page("downloads/blank-a.xlsx", "framework/a.md") == "../downloads/blank-a.xlsx"
    assert from_page("framework/a.md", "index.md") == "framework/a.md"


def test_merge_nav_lists_every_framework_where_mkdocs_yml_put_the_frameworks_page() -> None:
    generated = [{"Frameworks": [{"All frameworks": "frameworks.md"}, {"Demo": "framework/demo.md"}]}]
    configured = [{"Home": "index.md"}, {"Models": [{"All": "frameworks.md"}]}, {"Extra": "extra.md"}]
    merged = merge_nav(configured, generated)
    assert merged[1] == {"Models": [{"All frameworks": "frameworks.md"}, {"Demo": "framework/demo.md"}]}
    assert merged[0] == {"Home": "index.md"} and merged[2] == {"Extra": "extra.md"}


# -- charts --------------------------------------------------------------------


def test_charts_carry_their_data_as_text_with_escaped_labels() -> None:
    rows = [charts.Bar("<Build>", 0.5, "50%"), charts.Bar("Run", None, "not assessed")]
    table = charts.bar_table(rows, "<t>", ("Section", "Result"))
    assert table.startswith('<table class="mc-bars"><caption>&lt;t&gt;</caption>')
    assert '<th scope="row">&lt;Build&gt;</th><td><span class="mc-value">50%</span>' in table
    assert table.count('class="mc-bar ') == 1 and 'class="mc-bar hm-2" style="width:50.0%"' in table
    assert '<th scope="row">Run</th><td><span class="mc-value">not assessed</span>' in table
    marked = charts.bar_table([charts.Bar("A", 0.2, "20%")], "t", ("S", "R"), 0.75, "target 75%")
    assert '<span class="mc-mark" style="left:75.0%">' in marked and "(dashed line: target 75%)" in marked
    t0, t1 = datetime(2026, 1, 1, tzinfo=timezone.utc), datetime(2026, 3, 1, tzinfo=timezone.utc)
    line = charts.history([charts.Series("Demo", ((t0, 20.0), (t1, 80.0))), charts.Series("<B>", ((t1, 50.0),))], "h")
    assert "<polyline" in line and "2026-03-01" in line
    assert "<tr><td>2026-01-01</td><td>Demo</td><td>20%</td></tr><tr><td>2026-03-01</td><td>Demo</td><td>80%</td></tr>" in line
    assert "<tr><td>2026-03-01</td><td>&lt;B&gt;</td><td>50%</td></tr>" in line
    assert 'stroke-dasharray="8 4"' in line  # the second series differs by its pattern too, not by colour alone
    assert charts.bucket(None) == "hm-na" and charts.bucket(0.0) == "hm-0" and charts.bucket(1.0) == "hm-4"


# -- golden pages --------------------------------------------------------------


def _history_for(frameworks) -> object:  # type: ignore[no-untyped-def]
    from generator.review.history import History, HistoryPoint

    pts = (
        HistoryPoint("a" * 40, datetime(2026, 1, 5, tzinfo=timezone.utc), "demo", 0, 25.0, "Level 0"),
        HistoryPoint(
            "c" * 40,
            datetime(2026, 1, 20, tzinfo=timezone.utc),
            "",
            None,
            None,
            "not scored",
            "answers/alpha.yaml:3:1: <b>bad</b>",
        ),
        HistoryPoint("b" * 40, datetime(2026, 2, 5, tzinfo=timezone.utc), "demo", 0, 42.0, "Level 0"),
    )
    return History({"alpha": pts}, True, False)


def _generate(repo, out: Path, history: object = None) -> None:  # type: ignore[no-untyped-def]
    project = load_project(repo.root)
    assert not project.problems, project.problems.sorted()
    options = pages.SiteOptions(repo_url="https://git.example.com/org/maturity", edit_uri="edit/main/", downloads=True)
    render.render_pages(pages.collect(project, options, history, TODAY), out)


@pytest.mark.parametrize(
    ("page", "golden"),
    [
        ("team/alpha/index.md", "site_team_alpha.md"),
        ("framework/demo.md", "site_framework_demo.md"),
        ("group/payments/index.md", "site_group_payments.md"),
    ],
)
def test_golden_pages(repo, tmp_path: Path, page: str, golden: str) -> None:  # type: ignore[no-untyped-def]
    """Set UPDATE_GOLDEN=1 to rewrite the expected pages after an intended change."""
    write_teams(repo)
    repo.team("gamma", GAMMA)  # a second team in alpha's group
    out = tmp_path / "docs"
    _generate(repo, out, _history_for(None))
    text = (out / page).read_text(encoding="utf-8")
    if os.environ.get("UPDATE_GOLDEN"):
        (GOLDEN / golden).write_text(text, encoding="utf-8")
    assert text == (GOLDEN / golden).read_text(encoding="utf-8")


def test_team_page_content(repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    write_teams(repo)
    out = tmp_path / "docs"
    _generate(repo, out)
    text = (out / "team/alpha/index.md").read_text(encoding="utf-8")
    assert "<script>" not in text and "<img" not in text and 'href="javascript' not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "What blocks Level 1: Basic" in text  # alpha is at level 0; r1 is the basic that blocks
    assert 'href="https://git.example.com/org/maturity/edit/main/answers/alpha.yaml"' in text
    assert 'href="../../downloads/alpha.xlsx"' in text
    assert "History not available." in text
    assert '<table class="mc-bars"><caption>Demo levels: score per section' in text


# -- whole builds --------------------------------------------------------------


def test_build_site_end_to_end(repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    write_teams(repo)
    site = tmp_path / "out" / "site"
    result = build_site(repo.root, site, tmp_path / "kept-docs")
    assert result.teams == 2 and (site / "index.html").is_file()
    assert (site / "team" / "alpha" / "index.html").is_file()
    assert (tmp_path / "kept-docs" / "team" / "alpha" / "index.md").is_file()
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    blob = json.dumps(index)
    assert "Beta Search" in blob  # team names are findable
    assert "Retraining is triggered by monitoring" in blob  # statements are findable (framework page)
    assert "onerror" not in blob  # the bulky answer tables are not in the index
    html = (site / "team" / "alpha" / "index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html and "<img src=x" not in html and "&lt;img src=x onerror=alert(2)&gt;" in html
    assert not re.search(r"""href=["']?javascript""", html, re.I)
    assert "fonts.googleapis" not in html and "fonts.gstatic" not in html
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "team/alpha/" not in re.findall(r'class="md-nav__link"[^>]*href="([^"]+)"', home)  # team pages stay out of the nav
    assert not [p for p in site.parent.iterdir() if p.name.startswith(".site.")]  # no temp folders left


def test_invalid_answers_build_nothing_and_keep_the_old_site(repo, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    write_teams(repo)
    site = tmp_path / "site"
    build_site(repo.root, site, history=False)
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    repo.team("beta", BETA.replace('r1: "yes"', 'r1: "maybe"'))
    code = main(["--root", str(repo.root), "build", "--site-dir", str(site)])
    err = capsys.readouterr().err
    assert code == 1
    assert re.search(r"answers/beta\.yaml:\d+:\d+: .*maybe", err) and "site not built" in err
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".site")) == []


def test_mkdocs_failure_keeps_the_old_site(repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    write_teams(repo)
    site = tmp_path / "site"
    build_site(repo.root, site, history=False)
    before = (site / "about" / "index.html").read_bytes()
    # A project's own template overrides the shipped one; a broken link fails the strict MkDocs build.
    (repo.root / "site_templates").mkdir()
    (repo.root / "site_templates" / "about.md.j2").write_text("# About\n\n[gone](missing-page.md)\n", encoding="utf-8")
    with pytest.raises(MaturityError, match="MkDocs"):
        build_site(repo.root, site, history=False)
    assert (site / "about" / "index.html").read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".site")]


def test_history_files_are_published(repo, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    write_teams(repo)
    monkeypatch.setattr("generator.site.build.load_history", lambda root, project: _history_for(project.frameworks))
    site = tmp_path / "site"
    build_site(repo.root, site)
    rows = json.loads((site / "history" / "alpha.json").read_text(encoding="utf-8"))
    assert [(r["percent"], r["problem"]) for r in rows] == [(25.0, ""), (None, "answers/alpha.yaml:3:1: <b>bad</b>"), (42.0, "")]
    assert (site / "history" / "alpha.csv").read_text(encoding="utf-8").splitlines()[0].startswith("team,commit,date")
    html = (site / "team" / "alpha" / "index.html").read_text(encoding="utf-8")
    assert "mc-history" in html and "History as CSV" in html


def test_refuses_to_overwrite_a_folder_that_is_not_a_site(repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    write_teams(repo)
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.txt").write_text("do not delete", encoding="utf-8")
    with pytest.raises(MaturityError, match="was not written by `maturity build`"):
        build_site(repo.root, precious, history=False)
    assert (precious / "thesis.txt").read_text(encoding="utf-8") == "do not delete"


# -- search index ----------------------------------------------------------------


def test_search_index_leads_from_a_team_entry_to_the_team_page() -> None:
    from generator.model import Team
    from generator.site import search

    team = Team(
        id="vega", name="Vega", group="Search <b>", owners=("@org/vega", "@ann"), description="Ranks & recommends.",
        frameworks={}, path="answers/vega.yaml",
    )  # fmt: skip
    summary = search.team_summary(team)
    assert summary == "Group: Search &lt;b&gt; · Owners: @org/vega, @ann · Team id: vega · Ranks &amp; recommends."
    index = {
        "config": {"lang": ["en"]},
        "docs": [
            {"location": "teams/", "title": "Teams", "text": "intro"},
            {"location": "teams/#team-vega", "title": "Vega", "text": "@org/vega · 1 framework"},
            {"location": "teams/#team-other", "title": "Other", "text": "x"},
        ],
    }
    entries = [
        search.Entry("team/vega/", "Vega page", "Group: Search", "teams/#team-vega"),
        search.Entry("team/lyra/", "Lyra", "Group: Risk", "teams/#team-lyra"),  # not listed one by one: added
    ]
    out = search.retarget(index, entries)
    assert out["config"] == {"lang": ["en"]}
    assert out["docs"] == [
        index["docs"][0],
        {"location": "team/vega/", "title": "Vega", "text": "Group: Search"},  # in place of the Teams entry, its title kept
        index["docs"][2],
        {"location": "team/lyra/", "title": "Lyra", "text": "Group: Risk"},
    ]


def _team_entries(site: Path) -> list[dict[str, str]]:
    docs = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    return [d for d in docs if d["location"].startswith("team/")]


def test_a_plain_mkdocs_build_gives_the_same_search_entries(repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The generated pages, built by MkDocs' own command line with the plugin listed, lead search to the team pages."""
    import subprocess
    import sys

    write_teams(repo)
    site, docs = tmp_path / "site", tmp_path / "docs"
    build_site(repo.root, site, docs, workbooks=False, history=False, today=TODAY)
    config = tmp_path / "plain.yml"
    config.write_text(
        f"site_name: Plain\ndocs_dir: {docs}\nsite_dir: {tmp_path / 'plain'}\ntheme: {{name: material}}\n"
        "plugins: [search, maturity]\nnot_in_nav: |\n  /team/\n  /group/\n",
        encoding="utf-8",
    )
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config)], check=True, capture_output=True)
    built = _team_entries(site)
    assert [d["location"] for d in built] == ["team/alpha/", "team/beta/"]
    assert built[0]["text"] == "Group: Payments · Owners: @org/alpha · Team id: alpha · Scores card payments."
    assert _team_entries(tmp_path / "plain") == built


# -- a large organisation: a row per group -------------------------------------------


def test_above_list_teams_up_to_home_and_teams_pages_show_a_row_per_group(repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    write_teams(repo)
    repo.team("gamma", GAMMA)  # Payments: alpha and gamma; Search: beta
    (repo.root / "maturity.yml").write_text("list_teams_up_to: 2\n", encoding="utf-8")
    site = tmp_path / "site"
    build_site(repo.root, site, workbooks=False, history=False, today=TODAY)
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "With 3 teams, the heatmap shows a row per group" in home
    rows = re.findall(r"<tr><th scope=\"row\">(.*?)</tr>", home)
    assert rows == [  # the median team of each group (Payments' as on its golden group page)
        '<a href="group/payments/">Payments</a></th><td>2</td><td class="hm hm-0">Level 0</td><td class="hm hm-2">Level 1</td>',
        '<a href="group/search/">Search</a></th><td>1</td><td class="hm hm-4">Level 2</td><td class="hm hm-na">not assessed</td>',
    ]
    assert 'href="team/' not in home
    teams = (site / "teams" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<a href="\.\./group/payments/">Payments</a></td>\s*<td[^>]*>2</td>', teams)
    assert 'href="../team/' not in teams and "team-alpha" not in teams
    docs = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    found = {d["location"]: d["text"] for d in docs if d["location"].startswith("team/")}
    assert sorted(found) == ["team/alpha/", "team/beta/", "team/gamma/"]  # every team still found by search
    assert found["team/gamma/"] == "Group: Payments · Team id: gamma"
