"""The build's accelerator (raw HTML kept out of Markdown) changes no byte of the built site."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from test_site_build import GAMMA, TODAY, write_teams

from generator.site.build import build_site
from generator.site.stash import raw_blocks

REPO = Path(__file__).resolve().parents[1]


def _files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def _example(tmp_path: Path) -> Path:
    root = tmp_path / "example"
    for name in ("frameworks", "answers", "crosswalk"):
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "maturity.yml", root / "maturity.yml")
    return root


def _hostile(tmp_path: Path, repo) -> Path:  # type: ignore[no-untyped-def]
    write_teams(repo)  # names and notes full of markup and script attempts
    repo.team("gamma", GAMMA)
    return Path(repo.root)


@pytest.mark.parametrize("which", ["example", "hostile"])
def test_pages_are_identical_with_and_without_the_accelerator(which: str, repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = _example(tmp_path) if which == "example" else _hostile(tmp_path, repo)
    docs = tmp_path / "docs"
    fast = build_site(root, tmp_path / "fast", docs, workbooks=False, history=False, today=TODAY)
    build_site(root, tmp_path / "plain", workbooks=False, history=False, today=TODAY, accelerate=False)
    assert fast.pages > 5
    fast_files, plain_files = _files(tmp_path / "fast"), _files(tmp_path / "plain")
    assert sorted(fast_files) == sorted(plain_files)
    assert [name for name in fast_files if fast_files[name] != plain_files[name]] == []
    # the accelerator had work to do: every team page's answer tables are raw blocks it takes out of Markdown
    for page in sorted((docs / "team").glob("*.md")):
        blocks = raw_blocks(page.read_text(encoding="utf-8"))
        assert any("mc-answers-fold" in b for b in blocks), page.name
        assert sum(map(len, blocks)) > 0.5 * len(page.read_text(encoding="utf-8")), page.name


def test_raw_blocks_are_only_whole_balanced_html_blocks() -> None:
    table = "<div class=\"x\"><table>" + "<tr><td>1</td></tr>" * 20 + "</table></div>"
    text = "\n\n".join([
        "# Title",
        table,  # a whole block
        "Some *text* " + table,  # in a paragraph: Markdown wraps it in <p>
        table + "\nand text after",  # does not end with its end tag
        "<div markdown=\"1\">" + "*x* " * 80 + "</div>",  # asks for Markdown inside
        "<div>" + table,  # unbalanced: the block goes on
        "<span>" + "x" * 300 + "</span>",  # not a block-level tag
        "<p>short</p>",  # not worth it
    ])
    assert raw_blocks(text) == [table]
