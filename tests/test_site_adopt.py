"""A site anyone can open and any repository can build: defaults from the package, overrides, file://, permissions."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from conftest import DEMO_FRAMEWORK
from playwright.sync_api import Browser
from test_site_browser import _search

from generator.cli import main
from generator.site import render
from generator.site.build import build_site

TEAM = 'team: orion\nname: Orion Forecasting\ngroup: Logistics\nframeworks:\n  demo:\n    answers: {b1: "yes"}\n'


def org(root: Path) -> Path:
    (root / "frameworks").mkdir(parents=True)
    (root / "answers").mkdir()
    (root / "frameworks/demo.yaml").write_text(DEMO_FRAMEWORK, encoding="utf-8")
    (root / "answers/orion.yaml").write_text(TEAM, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def offline_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A repository with no mkdocs.yml at all, built with --offline."""
    root = org(tmp_path_factory.mktemp("org"))
    assert main(["--root", str(root), "build", "--offline"]) == 0
    return root / "site"


def test_offline_site_works_from_disk(offline_site: Path, browser: Browser) -> None:
    page = browser.new_page()
    try:
        page.goto((offline_site / "index.html").as_uri())
        assert page.title().endswith(" - MLOps maturity")  # the shipped defaults: site name, theme
        page.locator("nav a", has_text="Teams").first.click()
        page.wait_for_url("**/teams.html")
        page.locator("article a", has_text="Orion Forecasting").first.click()
        page.wait_for_url("**/team/orion/index.html")
        assert "Orion Forecasting" in page.locator("h1").first.inner_text()
        assert "r1 Models are monitored." in _search(page, "monitored", "Models are monitored")  # no server needed
        page.locator(".md-search-result__item", has_text="Models are monitored").first.click()
        page.wait_for_url("**/framework/demo.html*")
    finally:
        page.close()


def test_site_is_world_readable_and_build_says_how_to_view(
    offline_site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    modes = {p.relative_to(offline_site).as_posix(): stat.S_IMODE(p.stat().st_mode) for p in offline_site.rglob("*")}
    assert stat.S_IMODE(offline_site.stat().st_mode) == 0o755
    assert {m for p, m in modes.items() if (offline_site / p).is_dir()} == {0o755}
    assert {m for p, m in modes.items() if (offline_site / p).is_file()} == {0o644}
    assert "downloads/orion.xlsx" in modes and "team/orion/index.html" in modes
    root = org(tmp_path / "org")
    assert main(["--root", str(root), "build"]) == 0
    last = capsys.readouterr().out.splitlines()[-1]
    assert last.startswith("view it: `maturity serve` (live preview), or `python3 -m http.server -d ")
    assert (root / "site/team/orion/index.html").is_file()  # without --offline: directory URLs for a web server


def test_short_mkdocs_yml_keeps_the_defaults_and_the_theme_override(tmp_path: Path) -> None:
    root = org(tmp_path)
    (root / "mkdocs.yml").write_text("site_name: Acme ML maturity\nrepo_url: https://git.example.com/acme/maturity\n")
    build_site(root, root / "site", workbooks=False, history=False)
    html = (root / "site/index.html").read_text(encoding="utf-8")
    assert " - Acme ML maturity</title>" in html
    assert 'href="https://git.example.com/acme/maturity"' in html and 'class="md-source"' in html
    assert 'data-md-component="source"' not in html  # the override: no calls to the forge's API
    assert "assets/maturity/maturity.css" in html and "palette" in html


def test_own_template_overrides_one_page_only(tmp_path: Path) -> None:
    root = org(tmp_path)
    (root / "site_templates").mkdir()
    (root / "site_templates/about.md.j2").write_text("# How we assess at Acme\n\nAsk {{ frameworks | length }} questions.\n")
    build_site(root, root / "site", workbooks=False, history=False)
    assert "How we assess at Acme" in (root / "site/about/index.html").read_text(encoding="utf-8")
    assert "Orion Forecasting" in (root / "site/teams/index.html").read_text(encoding="utf-8")  # shipped template


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("# Team\n\n{% if team %}\nno end\n", "site_templates/team.md.j2:4: template syntax error: Unexpected end of template"),
        ("# Team\n\n{{ no_such_value.x }}\n", "site_templates/team.md.j2:3: template error: 'no_such_value' is undefined"),
    ],
)
def test_broken_own_template_is_located_and_nothing_is_built(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], template: str, message: str
) -> None:
    root = org(tmp_path)
    (root / "site_templates").mkdir()
    (root / "site_templates/team.md.j2").write_text(template)
    assert main(["--root", str(root), "build"]) == 1
    err = capsys.readouterr().err
    assert f"maturity: error: {message}" in err and "Traceback" not in err
    assert not (root / "site").exists() and not [p for p in root.iterdir() if p.name.startswith(".site")]


def test_build_outside_an_assessment_repository(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--root", str(tmp_path), "build"]) == 1
    err = capsys.readouterr().err
    assert "no `frameworks/` folder here or above" in err and "site not built" in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_shipped_resources_are_the_repository_folders() -> None:
    from conftest import REPO

    from generator import resources

    assert resources.shipped_frameworks().resolve() == (REPO / "frameworks").resolve()
    assert render.DEFAULT_TEMPLATES.resolve() == (REPO / "site_templates").resolve()
    assert sorted(p.name for p in resources.shipped_frameworks().glob("*.yaml")) == sorted(
        p.name for p in (REPO / "frameworks").glob("*.yaml")
    )
