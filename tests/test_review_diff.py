"""`maturity diff` on real git repositories, checked against golden Markdown, text and JSON; its knobs."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import pytest
from test_review_support import DEMO, GitRepo, base_repo, feature_branch, team_yaml

from generator import parallel
from generator.cli import main
from generator.problems import MaturityError
from generator.review import chunked
from generator.review.diff import compare
from generator.review.gitrepo import Git
from generator.review.render import MARKER, escape
from generator.review.snapshot import ParseCache, Snapshot, list_revision, load_pair

GOLDEN = Path(__file__).parent / "golden" / "diff"


def run(root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["--root", str(root), "diff", *args])
    out, err = capsys.readouterr()
    return code, out, err


def normalise(text: str, repo: GitRepo) -> str:
    """Replace the (date-dependent) commit shas with stable names."""
    for name in ("main", "feature", "HEAD"):
        try:
            sha = repo.sha(name)
        except Exception:
            continue
        text = text.replace(sha, f"<{name}>").replace(sha[:10], f"<{name}>")
    return text


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


@pytest.fixture
def feature(tmp_path: Path) -> GitRepo:
    r = base_repo(tmp_path / "repo")
    feature_branch(r)
    return r


def test_markdown_golden(feature: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(feature.root, capsys, "main", "feature")
    assert code == 0
    assert out.startswith(MARKER + "\n")
    check_golden("feature.md", normalise(out, feature))
    assert "beta (demo)" in err  # the regression is named on stderr too


def test_json_golden(feature: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(feature.root, capsys, "main", "feature", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["regressions"] == [{"team": "beta", "framework": "demo"}]
    kinds = {t["team"]: t["change"] for t in data["teams"]}
    assert kinds == {"alpha": "changed", "beta": "changed", "gamma": "changed", "old": "removed", "new": "added",
                     "delta": "removed", "delta-ml": "added"}  # fmt: skip
    check_golden("feature.json", normalise(out, feature))


def test_fail_on_regression(feature: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(feature.root, capsys, "main", "feature", "--fail-on-regression")[0] == 1
    # alpha only goes up: no regression from main to the parent of the beta change
    feature.git("checkout", "-q", "main")
    feature.write("answers/alpha.yaml", team_yaml("alpha", "Alpha", {"b1": "yes", "r1": "yes", "b2": "yes", "r2": "yes"}))
    feature.commit("alpha up")
    assert run(feature.root, capsys, "main~1", "main", "--fail-on-regression")[0] == 0


def test_user_text_is_escaped(feature: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(feature.root, capsys, "main", "feature")
    assert "<script>" not in out and "](javascript" not in out and "@everyone" not in out
    assert "&lt;script&gt;" in out
    assert escape("a|b") == "a\\|b"


def test_unrelated_change_says_no_maturity_change(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    r = base_repo(tmp_path / "repo")
    r.write("README.md", "# Changed\n")
    r.write("generator_notes.py", "print('code')\n")
    r.commit("docs and code")
    code, out, _ = run(r.root, capsys, "HEAD~1", "HEAD")
    assert code == 0
    check_golden("unrelated.md", normalise(out, r).replace(r.sha("HEAD~1")[:10], "<base>"))


def framework_branch(r: GitRepo) -> None:
    """A branch where the demo framework gains a statement and re-levels another."""
    r.git("checkout", "-q", "-b", "feature")
    changed = DEMO.replace('version: "1.0"', 'version: "1.1"')
    new_statement = '\n      - {id: r3, text: Drift is watched., level: 1, source: "5"}'
    changed = changed.replace('source: "4"}', 'source: "4"}' + new_statement)
    changed = changed.replace("monitoring., level: 2", "monitoring., level: 1")
    r.write("frameworks/demo.yaml", changed)
    r.commit("demo 1.1")


def test_framework_change_moves_every_team(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    r = base_repo(tmp_path / "repo")
    framework_branch(r)
    code, out, _ = run(r.root, capsys, "main", "feature")
    assert code == 0
    check_golden("framework.md", normalise(out, r))
    assert "re-levelled `r2` (2 → 1)" in out and "added `r3` (level 1)" in out


def test_default_is_merge_base_against_working_tree(feature: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    feature.git("checkout", "-q", "main")
    feature.write("README.md", "main moved on\n")
    feature.write("answers/gamma.yaml", team_yaml("gamma", "Gamma", {"b1": "yes"}))
    feature.commit("main moves on")  # after the merge-base: must not show up
    feature.git("checkout", "-q", "feature")
    # uncommitted edit and an untracked file count
    feature.write("answers/beta.yaml", team_yaml("beta", "Beta", {"b1": "yes", "r1": "yes"}, ("@bob",), rub="1"))
    feature.write("answers/zeta.yaml", team_yaml("zeta", "Zeta", {"b1": "yes"}))
    code, out, _ = run(feature.root, capsys, "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["base"]["commit"] == feature.sha("main~1") and data["head"]["commit"] is None
    teams = {t["team"]: t for t in data["teams"]}
    assert "beta" not in teams  # uncommitted edit reverted beta to what main has
    assert teams["zeta"]["change"] == "added"
    assert "gamma" in teams and teams["gamma"]["frameworks"] == []  # only moved, main's later edit not included


def test_invalid_file_on_one_side(feature: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    feature.write("answers/beta.yaml", "team: beta\nname: [unclosed\n")
    feature.commit("broken beta")
    code, out, _ = run(feature.root, capsys, "main", "HEAD")
    assert code == 0
    assert "`beta`) (unreadable)" in out or "Beta `beta` (unreadable)" in out
    assert "1 problem at the head revision" in out and re.search(r"`answers/beta.yaml:\d+:\d+`: YAML syntax error", out)
    assert "Alpha `alpha`" in out  # the other teams are still reported


def test_huge_and_binary_blobs_are_skipped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    r = base_repo(tmp_path / "repo")
    r.write("answers/huge.yaml", b"team: huge\n" + b"#" * (1024 * 1024 + 10) + b"\n")
    r.write("answers/bin.yaml", b"\x00\x01\x02binary")
    r.commit("bad files")
    code, out, err = run(r.root, capsys, "main~1", "main")
    assert code == 0 and "Traceback" not in err
    assert "`answers/huge.yaml:1:1`: file is 1,048,598 bytes; the limit is 1,048,576 bytes \\(skipped\\)" in out
    assert "`answers/bin.yaml:1:1`: file contains NUL bytes" in out


def test_bad_revision_and_not_a_repository(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    r = base_repo(tmp_path / "repo")
    code, out, err = run(r.root, capsys, "no-such-branch")
    assert code == 1 and out == ""
    assert "`no-such-branch` is not a revision in this repository" in err and "Traceback" not in err
    with pytest.raises(MaturityError, match="is not a revision"):
        Git(r.root).resolve("--upload-pack=evil")
    plain = tmp_path / "plain"
    (plain / "frameworks").mkdir(parents=True)
    code, _, err = run(plain, capsys)
    assert code == 1 and "is not inside a git repository" in err


def test_only_changed_answer_files_are_parsed(feature: GitRepo) -> None:
    git = Git(feature.root)
    cache = ParseCache()
    base = list_revision(git, "main", git.resolve("main"))
    head = list_revision(git, "feature", git.resolve("feature"))
    feature.git("checkout", "-q", "main")
    before, after = load_pair(base, head, cache)
    # alpha, beta: both sides; gamma: old and new path; old, delta: base; new, delta-ml: head
    assert set(before.teams) == {"alpha", "beta", "gamma", "old", "delta"}
    assert len(cache.teams) == 10
    assert compare(before, after).changed


def test_team_id_change_is_explained(feature: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(feature.root, capsys, "main", "feature")
    assert "team id changed to `delta-ml`: shown as removed \\+ added" in out
    assert re.search(r"file moved from `answers/gamma.yaml` to `answers/ml/gamma.yaml`", out)


# -- knobs: the terminal format, --max-drop, evidence links, links to the site --------------


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


def test_framework_change_reads_each_file_once_and_keeps_every_problem(tmp_path: Path) -> None:
    """A file the same on both sides is parsed once: what answers an unchanged framework is shared, with its
    warnings; what answers the changed one is read again (here an answer under an id the new version renamed)."""
    r = base_repo(tmp_path / "repo")
    kappa = team_yaml("kappa", "Kappa", {"b1": "yes", "r1": "yes"}, rub="1") + "      nosuch: 2\n"
    r.write("answers/kappa.yaml", kappa)
    # the unchanged framework's answers hold an anchor that the changed one's reuse: the alias is met on both sides
    anchored = "team: lambda\nname: Lambda\nframeworks:\n  rub:\n    answers: &d\n      strategy: 1\n  demo:\n    answers: *d\n"
    r.write("answers/lambda.yaml", anchored)
    r.commit("kappa and lambda")
    renamed_r1 = DEMO.replace('version: "1.0"', 'version: "1.1"').replace("{id: r1,", "{id: r1-new, aliases: [r1],")
    r.write("frameworks/demo.yaml", renamed_r1)
    r.commit("demo 1.1 renames r1")
    git = Git(r.root)
    base = list_revision(git, "HEAD~1", git.resolve("HEAD~1"))
    head = list_revision(git, "HEAD", git.resolve("HEAD"))
    before, after = load_pair(base, head, ParseCache())

    assert after.teams["kappa"].frameworks["rub"] is before.teams["kappa"].frameworks["rub"]  # read once
    assert after.teams["kappa"].frameworks["demo"] is not before.teams["kappa"].frameworks["demo"]
    assert dict(after.teams["kappa"].frameworks["demo"].renamed) == {"r1": "r1-new"}
    assert set(after.teams["kappa"].frameworks["demo"].answers) == {"b1", "r1-new"}

    def messages(snapshot: Snapshot, path: str) -> list[str]:
        return [f"{p.line}: {p.message}" for p in snapshot.problems.sorted() if p.path == path]

    unknown = "12: `rub` (version 2) has no statement `nosuch`; this answer is left out of every score"
    assert messages(before, "answers/kappa.yaml") == [unknown]
    renamed = (
        "8: `r1` is now `r1-new` in `demo` (version 1.1); the answer counts for it "
        "(`maturity migrate` rewrites the file to the new id)"
    )
    assert messages(after, "answers/kappa.yaml") == [renamed, unknown]
    # an alias is refused on both sides, wherever the anchor is
    alias = "this value is reused through a YAML alias"
    for side in (before, after):
        assert "lambda" not in side.teams and any(alias in m for m in messages(side, "answers/lambda.yaml"))


@pytest.mark.parametrize("scenario", ["feature", "framework"])
def test_a_diff_done_in_chunks_is_the_same_diff(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, scenario: str
) -> None:
    """Large diffs are split into chunks of teams (in forked workers where there are cores); with every diff
    chunked, the reviewed goldens still come out: renamed, moved, added and removed teams included."""
    monkeypatch.setattr(chunked, "CHUNKED_MIN_FILES", 1)
    monkeypatch.setattr(parallel, "cores", lambda: 2)  # forked workers, even on one core
    calls: list[int] = []
    split = chunked.split
    monkeypatch.setattr(chunked, "split", lambda b, h, n: calls.append(n) or split(b, h, n))
    r = base_repo(tmp_path / "repo")
    (feature_branch if scenario == "feature" else framework_branch)(r)
    code, out, _ = run(r.root, capsys, "main", "feature")
    assert code == 0 and calls  # it was chunked
    git = Git(r.root)
    assert len(chunked.split(*(list_revision(git, x, git.resolve(x)) for x in ("main", "feature")), calls[0])) > 1
    check_golden("feature.md" if scenario == "feature" else "framework.md", normalise(out, r))
    if scenario == "feature":
        code, out, _ = run(r.root, capsys, "main", "feature", "--format", "json")
        check_golden("feature.json", normalise(out, r))
