"""`maturity diff` knobs: the terminal format, --max-drop, evidence links, links to the site."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from test_review_diff import check_golden, normalise, run
from test_review_support import GitRepo, base_repo, feature_branch, team_yaml


@pytest.fixture
def feature(tmp_path: Path) -> GitRepo:
    r = base_repo(tmp_path / "repo")
    feature_branch(r)
    return r


def test_text_golden(feature: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(feature.root, capsys, "main", "feature", "--format", "text")
    assert code == 0
    assert "<details>" not in out and "<!--" not in out and "\\" not in out and "&lt;" not in out and "**" not in out
    # the hostile note is printed as written (it is only text in a terminal)
    assert "note: Done <script>alert(1)</script> | *see* [x](javascript:alert(1)) @everyone" in out
    check_golden("feature.txt", normalise(out, feature))


def test_text_on_a_terminal_markdown_otherwise(
    feature: GitRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    piped = run(feature.root, capsys, "main", "feature")[1]
    assert piped.startswith("<!-- maturity-diff -->")
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    on_terminal = run(feature.root, capsys, "main", "feature")[1]
    assert on_terminal.startswith(
        "Maturity changes: main (<main>) -> feature (<feature>)".replace("<main>", feature.sha("main")[:10]).replace(
            "<feature>", feature.sha("feature")[:10]
        )
    )
    assert run(feature.root, capsys, "main", "feature", "--format", "markdown")[1] == piped


def _percent_drop(tmp_path: Path) -> GitRepo:
    """alpha: b1, r1 yes and b2 no (level 1, 2 of weights 1+3+1+1 = 33%) -> r2 partial adds 0.5: 42%, then back."""
    r = GitRepo(tmp_path / "drop")
    from test_review_support import DEMO

    r.write("frameworks/demo.yaml", DEMO)
    r.write("answers/alpha.yaml", team_yaml("alpha", "Alpha", {"b1": "yes", "r1": "yes", "b2": "no", "r2": "partial"}))
    r.commit("alpha at 41.7%")
    r.write("answers/alpha.yaml", team_yaml("alpha", "Alpha", {"b1": "yes", "r1": "yes", "b2": "no", "r2": "no"}))
    r.commit("alpha at 33.3%, same level")
    return r


def test_max_drop(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    r = _percent_drop(tmp_path)
    # the level stays 1: no regression without a threshold
    assert run(r.root, capsys, "HEAD~1", "HEAD", "--fail-on-regression")[0] == 0
    # a drop of 8.3 points: over a threshold of 5, within one of 10 (and of 8.3 itself)
    code, out, err = run(r.root, capsys, "HEAD~1", "HEAD", "--fail-on-regression", "--max-drop", "5")
    assert code == 1 and "1 regression(s): alpha (demo)" in err and "▼ regression" in out
    assert run(r.root, capsys, "HEAD~1", "HEAD", "--fail-on-regression", "--max-drop", "10")[0] == 0
    assert run(r.root, capsys, "HEAD~1", "HEAD", "--fail-on-regression", "--max-drop", "8.4")[0] == 0
    # without --fail-on-regression it is reported, and the exit is 0
    code, _, err = run(r.root, capsys, "HEAD~1", "HEAD", "--max-drop", "0")
    assert code == 0 and "alpha (demo)" in err
    with pytest.raises(SystemExit):
        run(r.root, capsys, "HEAD~1", "HEAD", "--max-drop", "five")
    assert "`five` is not a number of percentage points" in capsys.readouterr().err


def test_new_evidence_and_site_links(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    r = base_repo(tmp_path / "repo")
    text = team_yaml("alpha", "Alpha", {"b1": "yes", "r1": "yes", "b2": "no"}, ("@org/alpha",))
    with_evidence = text.replace(
        '      b1: "yes"', '      b1:\n        answer: "yes"\n        evidence: ["https://ci.example.com/build/1", docs/build.md]'
    )
    r.write("answers/alpha.yaml", with_evidence)
    r.commit("alpha evidence")
    changed = with_evidence.replace("docs/build.md", "docs/build-v2.md")
    r.write("answers/alpha.yaml", changed)
    r.write("mkdocs.yml", "site_name: Maturity\nsite_url: https://maturity.example.com/org/\n")
    r.commit("alpha evidence moved; the site is published")
    _, md, _ = run(r.root, capsys, "HEAD~1", "HEAD", "--format", "markdown")
    assert "(evidence changed)" not in md
    assert "(evidence: `docs/build-v2.md`; evidence removed: `docs/build.md`)" in md
    assert "[Alpha](https://maturity.example.com/org/team/alpha/) `alpha`" in md
    assert "[`b1`](https://maturity.example.com/org/framework/demo/) Code is versioned." in md
    _, txt, _ = run(r.root, capsys, "HEAD~1", "HEAD", "--format", "text")
    assert "Alpha (alpha)  https://maturity.example.com/org/team/alpha/" in txt
    assert "evidence: docs/build-v2.md" in txt and "evidence removed: docs/build.md" in txt
    _, other, _ = run(r.root, capsys, "HEAD~1", "HEAD", "--format", "markdown", "--site-url", "https://other.example.com")
    assert "[Alpha](https://other.example.com/team/alpha/)" in other
    _, none, _ = run(r.root, capsys, "HEAD~1", "HEAD", "--format", "markdown", "--site-url", "")
    assert "](https://" not in none
