"""The live preview rebuilds only what a save changes, and shows what a fresh build would."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from test_site_browser import _free_port
from test_site_build import BETA, GAMMA, write_teams

from generator.site import render
from generator.site.build import build_site
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
    """The search index's entries (location and text), in order."""
    docs = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    return sorted((d["location"], d["text"]) for d in docs)


def _same_as_fresh(root: Path, preview: Preview, tmp_path: Path, name: str) -> None:
    fresh = _preview(root, tmp_path / name)
    fresh.rebuild()
    assert _pages(preview.site) == _pages(fresh.site)
    assert _search(preview.site) == _search(fresh.site)


def _three_teams_live(repo, tmp_path: Path) -> Preview:  # type: ignore[no-untyped-def]
    """The preview of alpha, beta and gamma, built."""
    write_teams(repo)
    repo.team("gamma", GAMMA)
    preview = _preview(repo.root, tmp_path / "live")
    preview.rebuild()
    return preview


def test_an_answer_save_rebuilds_the_team_and_the_pages_showing_its_result(repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    preview = _three_teams_live(repo, tmp_path)
    before = _stamps(preview.site)
    assert "team/beta/index.html" in before and "<h1" in _pages(preview.site)["team/beta/index.html"].decode()

    shown: list[dict[str, int]] = []
    preview.publish = lambda: shown.append(_stamps(preview.site))
    repo.team("beta", BETA.replace('b2: "yes"', 'b2: "no"'))  # beta's result changes
    preview.rebuild()
    first = {page for page, stamp in shown[0].items() if stamp != before.get(page)}
    assert first == {"team/beta/index.html", "404.html"}  # the team's page is shown first
    after = _stamps(preview.site)
    assert len(shown) == 2 and shown[1] == after  # then the others
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

    # a framework edit that renames it: the navigation changes, so every page is rebuilt, the team pages last
    old = _pages(preview.site)
    shown_pages: list[dict[str, bytes]] = []
    preview.publish = lambda: shown_pages.append(_pages(preview.site))
    fw = repo.root / "frameworks" / "demo.yaml"
    fw.write_text(fw.read_text(encoding="utf-8").replace("title: Demo levels", "title: Demo stages"), encoding="utf-8")
    preview.rebuild()
    assert len(shown_pages) == 2  # the first pass shown, then the team pages
    first_pages = shown_pages[0]
    for page in ("index.html", "frameworks/index.html", "framework/demo/index.html", "teams/index.html", "group/search/"):
        page = page if page.endswith(".html") else page + "index.html"
        assert "Demo stages" in first_pages[page].decode() and first_pages[page] != old[page]
    for team in ("alpha", "beta", "gamma"):
        assert first_pages[f"team/{team}/index.html"] == old[f"team/{team}/index.html"]  # whole, as before the edit
    assert shown_pages[1] == _pages(preview.site)
    assert "Demo stages" in _pages(preview.site)["team/alpha/index.html"].decode()
    _same_as_fresh(repo.root, preview, tmp_path, "fresh2")


def test_a_save_during_the_second_pass_stops_it_and_the_next_rebuild_finishes_it(repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    preview = _three_teams_live(repo, tmp_path)
    old = _pages(preview.site)
    teams = [f"team/{t}/index.html" for t in ("alpha", "beta", "gamma")]

    def interrupted() -> bool:  # another save arrives once the second pass has written a team page
        return any(b"Demo stages" in (preview.site / t).read_bytes() for t in teams)

    preview.interrupted = interrupted
    fw = repo.root / "frameworks" / "demo.yaml"
    fw.write_text(fw.read_text(encoding="utf-8").replace("title: Demo levels", "title: Demo stages"), encoding="utf-8")
    preview.rebuild()
    now = _pages(preview.site)
    assert "Demo stages" in now["framework/demo/index.html"].decode()
    assert [now[t] == old[t] for t in teams].count(True) == 2  # the pages not reached stay as they were
    assert preview.deferred or preview.stale

    preview.interrupted = lambda: False
    repo.team("beta", BETA.replace("Beta Search", "Beta Ranking"))  # the save that came in
    preview.rebuild()
    assert not preview.deferred and not preview.stale
    assert "Beta Ranking" in _pages(preview.site)["team/beta/index.html"].decode()
    _same_as_fresh(repo.root, preview, tmp_path, "fresh")


def test_a_save_while_the_overview_pages_are_written_stops_the_second_pass_between_two_pages(repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    preview = _three_teams_live(repo, tmp_path)
    old = _pages(preview.site)
    asked: list[int] = []

    def interrupted() -> bool:  # another save arrives once the second pass has asked three times (three pages written)
        asked.append(1)
        return len(asked) > 4

    preview.interrupted = interrupted
    repo.team("beta", BETA.replace("Beta Search", "Beta Ranking"))
    preview.rebuild()
    now = _pages(preview.site)
    assert "Beta Ranking" in now["team/beta/index.html"].decode()  # the first pass is shown
    assert now["index.html"] == old["index.html"]  # the overview's Markdown was partly rewritten, none of it built
    assert preview.overview_pending
    def says(page: str) -> str:
        text = (preview.docs / page).read_text(encoding="utf-8")
        return "new" if "Beta Ranking" in text else "old" if "Beta Search" in text else "neither"

    assert says("teams.md") == "new"  # written before the save came in
    assert says("framework/demo.md") == "old"  # not reached

    preview.interrupted = lambda: False
    repo.team("alpha", (repo.root / "answers" / "alpha.yaml").read_text(encoding="utf-8").replace("Alpha", "Alpha Two", 1))
    preview.rebuild()  # the save that came in: its second pass writes and builds every overview page
    assert not preview.overview_pending
    _same_as_fresh(repo.root, preview, tmp_path, "fresh")


def test_a_removed_team_leaves_the_preview(repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    preview = _three_teams_live(repo, tmp_path)
    assert "team/gamma/index.html" in _pages(preview.site)
    (repo.root / "answers" / "gamma.yaml").unlink()
    preview.rebuild()
    assert not (preview.site / "team" / "gamma").exists()
    assert not any(location.startswith("team/gamma/") for location, _ in _search(preview.site))
    _same_as_fresh(repo.root, preview, tmp_path, "fresh")


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


# -- the real server over HTTP: what it ends up serving is what `maturity build` writes ---------------

#: What MkDocs' live-reload server adds to every HTML page it serves (the script that reloads it).
LIVERELOAD = re.compile(rb"<script>\s*var livereload = function\(epoch, requestId\).*?</script>(?=</body>)", re.S)


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as resp:  # noqa: S310 - localhost only
        return bytes(resp.read())


def _served_differs(base: str, built: Path) -> list[str]:
    """The pages of the ``built`` site the preview at ``base`` does not serve byte for byte (its reload script aside),
    and "search" when the search index holds other entries."""
    try:
        out = [
            page.relative_to(built).as_posix()
            for page in sorted(built.rglob("*.html"))
            if LIVERELOAD.sub(b"", _get(base + page.relative_to(built).as_posix()), count=1) != page.read_bytes()
        ]
        index = json.loads(_get(base + "search/search_index.json"))
    except OSError as exc:  # not serving (yet)
        return [str(exc)]
    return out + (["search"] if sorted((d["location"], d["text"]) for d in index["docs"]) != _search(built) else [])


def _serves_the_build(base: str, root: Path, built: Path, seconds: float) -> None:
    """Wait (up to ``seconds``) until the preview serves what ``maturity build`` writes for ``root`` (no workbooks)."""
    build_site(root, built, workbooks=False)
    deadline = time.monotonic() + seconds
    while differ := _served_differs(base, built):
        assert time.monotonic() < deadline, f"the preview does not serve what the build wrote: {differ}"
        time.sleep(0.3)


def test_the_preview_serves_what_the_build_writes_after_each_save(repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    write_teams(repo)
    repo.team("gamma", GAMMA)
    port = _free_port()
    base = f"http://127.0.0.1:{port}/"
    (repo.root / "mkdocs.yml").write_text(f"site_name: Maturity\nsite_url: {base}\n", encoding="utf-8")  # as the preview has it
    cmd = [sys.executable, "-m", "generator", "--root", str(repo.root), "serve", "--dev-addr", f"127.0.0.1:{port}"]
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
    try:
        _serves_the_build(base, repo.root, tmp_path / "built0", 60)

        repo.team("beta", BETA.replace('b2: "yes"', 'b2: "no"').replace("Beta Search", "Beta Ranking"))  # an answer saved
        _serves_the_build(base, repo.root, tmp_path / "built1", 20)
        assert _pages(tmp_path / "built1") != _pages(tmp_path / "built0")

        fw = repo.root / "frameworks" / "demo.yaml"  # a framework renamed: on every team page and in the navigation
        fw.write_text(fw.read_text(encoding="utf-8").replace("title: Demo levels", "title: Demo stages"), encoding="utf-8")
        _serves_the_build(base, repo.root, tmp_path / "built2", 20)
        assert b"Demo stages" in _get(base + "team/alpha/")
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert "Traceback" not in log.read_text(encoding="utf-8", errors="replace")


def test_a_port_in_use_is_refused_at_once_with_one_message(repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    write_teams(repo)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        cmd = [sys.executable, "-m", "generator", "--root", str(repo.root), "serve", "--dev-addr", f"127.0.0.1:{port}"]
        started = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    assert f"cannot serve on 127.0.0.1:{port}: Address already in use; choose another address with --dev-addr" in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert "preview built" not in proc.stderr  # refused before building anything
    assert time.perf_counter() - started < 30
