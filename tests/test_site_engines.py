"""The generated pages build on their own: the written configuration, plain MkDocs, a site served under a sub-path.

`maturity build --docs-dir D` leaves the pages in D and their configuration next to them
(``D.mkdocs.yml``): navigation included, downloads and history inside D. A plain ``mkdocs build -f``
of that file, with none of the tool's plugins, must give the same pages; and every relative link,
whether an engine resolves it against the page's URL (MkDocs, raw HTML) or its Markdown file
(Zensical), must reach a file of the site when it is served under ``/REPO/`` (a GitHub Pages project site).
"""

from __future__ import annotations

import gzip
import posixpath
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
import yaml
from test_site_build import TODAY, _history_for

from generator.problems import MaturityError
from generator.site.build import build_site

REPO = Path(__file__).resolve().parents[1]
MKDOCS = Path(sys.executable).with_name("mkdocs")
PREFIX = "/REPO/"


class _Links(HTMLParser):
    """Every ``href`` and ``src`` of a page, as written."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found += [v for k, v in attrs if k in ("href", "src") and v is not None]


def _relative(url: str) -> bool:
    parts = urlsplit(url)
    return not parts.scheme and not parts.netloc and not url.startswith(("/", "#")) and url != ""


def _page_url(page: str) -> str:
    """The URL a web server gives a built file: ``team/x/index.html`` -> ``/REPO/team/x/``."""
    return PREFIX + (page[: -len("index.html")] if page == "index.html" or page.endswith("/index.html") else page)


def _served_file(site: Path, url: str) -> Path | None:
    """The file a static server under ``/REPO/`` answers ``url`` (absolute path) with, or None (outside, or missing)."""
    path = unquote(urlsplit(url).path)
    if not path.startswith(PREFIX):
        return None
    rel = path[len(PREFIX):]
    target = site / (rel + "index.html" if rel == "" or rel.endswith("/") else rel)
    return target if target.is_file() else None


def unreachable_links(site: Path) -> list[tuple[str, str]]:
    """(page, link) for every relative link of every built page that does not reach a file when served under /REPO/."""
    bad = []
    for page in sorted(site.rglob("*.html")):
        name = page.relative_to(site).as_posix()
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        base = "http://host" + _page_url(name)
        bad += [(name, link) for link in parser.found if _relative(link) and _served_file(site, urljoin(base, link)) is None]
    return bad


def test_the_link_check_finds_a_link_that_leaves_the_sub_path(tmp_path: Path) -> None:
    (tmp_path / "team/x").mkdir(parents=True)
    (tmp_path / "framework/a").mkdir(parents=True)
    (tmp_path / "framework/a/index.html").write_text("<p>a</p>", encoding="utf-8")
    links = ["../../framework/a/", "../../framework/a/#s", "../../../framework/a/", "../../framework/b/", "https://x.org/", "#t"]
    (tmp_path / "team/x/index.html").write_text("".join(f'<a href="{h}">l</a>' for h in links), encoding="utf-8")
    # one ../ too many leaves /REPO/ (a browser at the domain's root would still find it); b does not exist
    page = "team/x/index.html"
    assert unreachable_links(tmp_path) == [(page, "../../../framework/a/"), (page, "../../framework/b/")]


_RAW_LINK = re.compile(r"""<(?:a|img|link|script)\b[^>]*?\s(?:href|src)="([^"]*)\"""")


def _raw_html_links(markdown: str) -> list[str]:
    return [unquote(h) for h in _RAW_LINK.findall(markdown) if _relative(h)]


def _url_dir(src: str) -> str:
    """The folder of a page's URL (directory URLs): ``team/x/index.md`` -> ``team/x/``, ``about.md`` -> ``about/``."""
    stem = src[:-3]
    if posixpath.basename(stem) != "index":
        return stem + "/"
    return posixpath.dirname(stem) + "/" if "/" in stem else ""


def _norm(path: str) -> str:
    out = posixpath.normpath(path)
    return "" if out == "." else out


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """The example site built by `maturity build --docs-dir`: (site, docs, written configuration)."""
    tmp = tmp_path_factory.mktemp("engines")
    root = tmp / "example"
    for name in ("frameworks", "answers", "crosswalk", "maturity.yml", "mkdocs.yml"):
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, root / name)
        else:
            shutil.copy(src, root / name)
    mp = pytest.MonkeyPatch()
    mp.setattr("generator.site.build.load_history", lambda root, project: _history_for(project.frameworks))
    try:
        build_site(root, tmp / "site", tmp / "build" / "docs", today=TODAY)
    finally:
        mp.undo()
    return tmp / "site", tmp / "build" / "docs", tmp / "build" / "docs.mkdocs.yml"


def _files(site: Path) -> dict[str, bytes]:
    out = {}
    for p in sorted(site.rglob("*")):
        if p.is_file():
            data = p.read_bytes()
            out[p.relative_to(site).as_posix()] = gzip.decompress(data) if p.suffix == ".gz" else data
    return out


def test_plain_mkdocs_builds_the_same_site_from_the_written_configuration(built: tuple[Path, Path, Path], tmp_path: Path) -> None:
    site, docs, config = built
    assert config.read_text(encoding="utf-8").startswith("# Written by `maturity build`")
    settings = yaml.load(config.read_text(encoding="utf-8"), Loader=yaml.Loader)  # noqa: S506 - our own file
    assert settings["docs_dir"] == "docs" and settings["site_dir"] == "site"
    frameworks = settings["nav"][1]["Frameworks"]
    assert frameworks[0] == {"All frameworks": "frameworks.md"}
    assert {"Google Cloud MLOps levels": "framework/google-mlops.md"} in frameworks and len(frameworks) == 8  # 6 + crosswalk
    # plain MkDocs: no plugin of the tool (not even the search entries), no accelerator, nothing edited at run time
    settings["plugins"] = ["search"]
    plain_config = config.with_name("plain.mkdocs.yml")
    plain_config.write_text(yaml.dump(settings, Dumper=yaml.Dumper, sort_keys=False), encoding="utf-8")
    plain = tmp_path / "plain"
    run = subprocess.run(
        [str(MKDOCS), "build", "--strict", "-q", "-f", str(plain_config), "-d", str(plain)],
        capture_output=True, text=True, check=False, timeout=300,
    )
    assert run.returncode == 0, run.stderr
    ours, theirs = _files(site), _files(plain)
    assert sorted(set(ours) - set(theirs)) == [".maturity-site"] and sorted(set(theirs) - set(ours)) == []
    # the search index differs (the team entries come from the tool's plugin); every page, download and history file is the same
    assert [n for n in ours if n in theirs and ours[n] != theirs[n]] == ["search/search_index.json"]
    assert len([n for n in theirs if n.startswith("downloads/")]) == 12 and "history/credit-risk.csv" in theirs
    home = theirs["index.html"].decode()
    assert 'href="framework/google-mlops/"' in home and 'href="crosswalk/"' in home  # framework pages in the navigation
    assert unreachable_links(plain) == []


def test_every_link_works_under_a_sub_path(built: tuple[Path, Path, Path]) -> None:
    site, _, _ = built
    pages = [p for p in site.rglob("*.html")]
    assert len(pages) > 20
    assert unreachable_links(site) == []


def test_links_in_raw_html_mean_the_same_against_the_page_url_and_the_markdown_file(built: tuple[Path, Path, Path]) -> None:
    """MkDocs leaves raw HTML links as written (relative to the page's URL); Zensical resolves them against the
    Markdown file. The generated pages write them only where both agree, and every one reaches a built file."""
    site, docs, _ = built
    checked = 0
    for md in sorted(docs.rglob("*.md")):
        src = md.relative_to(docs).as_posix()
        for link in _raw_html_links(md.read_text(encoding="utf-8")):
            path, _, _ = link.partition("#")
            by_url = _norm(_url_dir(src) + path)
            by_file = _norm(posixpath.join(posixpath.dirname(src), path))
            assert by_url == by_file, (src, link)
            target = site / (by_url + "/index.html" if path.endswith("/") or path == "" else by_url)
            assert target.is_file(), (src, link)
            checked += 1
    assert checked > 50


def test_downloads_and_history_are_in_the_pages_folder(built: tuple[Path, Path, Path]) -> None:
    site, docs, _ = built
    for folder in ("downloads", "history"):
        names = sorted(p.name for p in (docs / folder).iterdir())
        assert names == sorted(p.name for p in (site / folder).iterdir()) and names
        assert all((docs / folder / n).read_bytes() == (site / folder / n).read_bytes() for n in names)


def test_a_file_in_the_place_of_the_written_configuration_is_not_replaced(repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from test_site_build import write_teams

    write_teams(repo)
    (tmp_path / "docs.mkdocs.yml").write_text("site_name: mine\n", encoding="utf-8")
    with pytest.raises(MaturityError, match=r"refusing to replace .*docs\.mkdocs\.yml"):
        build_site(repo.root, tmp_path / "site", tmp_path / "docs", workbooks=False, history=False)
    assert (tmp_path / "docs.mkdocs.yml").read_text(encoding="utf-8") == "site_name: mine\n"
    assert not (tmp_path / "site").exists() and not (tmp_path / "docs").exists()


def test_the_written_configuration_names_env_variables_not_their_values(repo, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from test_site_build import write_teams

    write_teams(repo)
    (repo.root / "overrides").mkdir()
    (repo.root / "mkdocs.yml").write_text(
        "site_name: Acme\nrepo_url: !ENV [MATURITY_TEST_REPO, 'https://git.example.com/acme/m']\n"
        "theme:\n  name: material\n  custom_dir: overrides\nextra:\n  token: !ENV MATURITY_TEST_SECRET\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("MATURITY_TEST_SECRET", "s3cr3t-value")
    build_site(repo.root, tmp_path / "site", tmp_path / "docs", workbooks=False, history=False)
    text = (tmp_path / "docs.mkdocs.yml").read_text(encoding="utf-8")
    assert "s3cr3t-value" not in text and "token: !ENV 'MATURITY_TEST_SECRET'" in text
    assert "repo_url: !ENV\n- MATURITY_TEST_REPO\n- https://git.example.com/acme/m\n" in text
    assert f"custom_dir: {repo.root / 'overrides'}\n" in text  # relative to mkdocs.yml, which is elsewhere
    page = (tmp_path / "site" / "team" / "alpha" / "index.html").read_text(encoding="utf-8")
    assert 'href="https://git.example.com/acme/m"' in page  # the build read the variable's default
