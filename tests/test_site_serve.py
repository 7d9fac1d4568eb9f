"""The live preview rebuilds only what a save changes, and shows what a fresh build would."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_site_build import BETA, GAMMA, write_teams

from generator.site import render
from generator.site.mkdocs_config import config_source
from generator.site.serve import Preview


def _preview(root: Path, where: Path) -> Preview:
    render.prepare(where / "docs")
    return Preview(root, where / "docs", where / "site", config_source(root))


def _pages(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*.html"))}


def _stamps(site: Path) -> dict[str, int]:
    return {p.relative_to(site).as_posix(): p.stat().st_mtime_ns for p in sorted(site.rglob("*.html"))}


def _search(site: Path) -> list[tuple[str, str]]:
    docs = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    return sorted((d["location"], d["text"]) for d in docs)


def _same_as_fresh(root: Path, preview: Preview, tmp_path: Path, name: str) -> None:
    fresh = _preview(root, tmp_path / name)
    fresh.rebuild()
    assert _pages(preview.site) == _pages(fresh.site)
    assert _search(preview.site) == _search(fresh.site)


def test_an_answer_save_rebuilds_the_team_and_the_pages_showing_its_result(repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    write_teams(repo)
    repo.team("gamma", GAMMA)
    preview = _preview(repo.root, tmp_path / "live")
    preview.rebuild()
    before = _stamps(preview.site)
    assert "team/beta/index.html" in before and "<h1" in _pages(preview.site)["team/beta/index.html"].decode()

    repo.team("beta", BETA.replace('b2: "yes"', 'b2: "no"'))  # beta's result changes
    preview.rebuild()
    after = _stamps(preview.site)
    rebuilt = {page for page in after if after[page] != before.get(page)}
    # the team's page, the pages showing its result (overview, Teams, its group, the framework), MkDocs' 404 page
    assert rebuilt == {
        "team/beta/index.html",
        "index.html",
        "teams/index.html",
        "group/search/index.html",
        "framework/demo/index.html",
        "404.html",
    }
    _same_as_fresh(repo.root, preview, tmp_path, "fresh1")

    # a framework edit that renames it: the navigation changes, so every page is rebuilt
    fw = repo.root / "frameworks" / "demo.yaml"
    fw.write_text(fw.read_text(encoding="utf-8").replace("title: Demo levels", "title: Demo stages"), encoding="utf-8")
    preview.rebuild()
    assert "Demo stages" in _pages(preview.site)["team/alpha/index.html"].decode()
    _same_as_fresh(repo.root, preview, tmp_path, "fresh2")


def test_invalid_input_keeps_the_last_good_pages(repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    write_teams(repo)
    preview = _preview(repo.root, tmp_path / "live")
    preview.rebuild()
    good = _pages(preview.site)
    repo.team("beta", BETA.replace("frameworks:", "frameworks: [unclosed"))
    capsys.readouterr()
    preview.rebuild()
    err = capsys.readouterr().err
    assert "answers/beta.yaml:" in err and "pages not updated until the errors above are fixed" in err
    assert _pages(preview.site) == good
    repo.team("beta", BETA)
    preview.rebuild()
    assert _pages(preview.site) == good
