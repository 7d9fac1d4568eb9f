"""Maturity over time from the git history of the answer files (merged branches included), against hand-computed points."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from test_review_support import DEMO, RUB, GitRepo, team_yaml

from generator.review.history import HistoryPoint, collect_history

UTC = dt.timezone.utc
BROKEN = "YAML syntax error: did not find expected ',' or ']'"
RELEVELLED = DEMO.replace("monitoring., level: 2", "monitoring., level: 1")


def day(n: int) -> dt.datetime:
    return dt.datetime(2026, 1, n + 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def history_repo(tmp_path: Path) -> tuple[GitRepo, dict[str, str]]:
    r = GitRepo(tmp_path / "repo")
    shas: dict[str, str] = {}
    r.write("frameworks/demo.yaml", DEMO)
    r.write("frameworks/rub.yaml", RUB)
    r.write("answers/alpha.yaml", team_yaml("alpha", "Alpha", {"b1": "yes", "r1": "yes", "b2": "no"}))
    r.write("answers/beta.yaml", team_yaml("beta", "Beta", {"b1": "no"}, rub="1"))
    # an owner today's checks refuse (they were looser when this was committed)
    r.write("answers/gamma.yaml", team_yaml("gamma", "Gamma", {"b1": "yes"}, owners=("@g.amma",)))
    shas["c1"] = r.commit("initial")  # day 1
    r.write("frameworks/demo.yaml", RELEVELLED)
    shas["c2"] = r.commit("r2 moves to level 1")  # day 2: frameworks only, no points
    r.write("answers/alpha.yaml", team_yaml("alpha", "Alpha", {"b1": "yes", "r1": "yes", "b2": "no", "r2": "yes"}))
    shas["c3"] = r.commit("alpha answers r2")  # day 3
    r.git("checkout", "-q", "-b", "beta-work")
    r.write("answers/beta.yaml", team_yaml("beta", "Beta", {"b1": "yes", "r1": "yes"}, rub="1"))
    shas["c4"] = r.commit("beta on a branch")  # day 4: not on the first-parent line
    r.write("answers/gamma.yaml", team_yaml("gamma", "Gamma", {"b1": "yes", "r1": "yes"}, owners=("@gamma",)))
    shas["c4b"] = r.commit("gamma on a branch")  # day 5
    r.git("checkout", "-q", "main")
    (r.root / "answers/teams").mkdir()
    r.git("mv", "answers/alpha.yaml", "answers/teams/alpha.yaml")
    shas["c5"] = r.commit("move alpha")  # day 6: a rename, same blob: no point
    r.day += 1  # day 7
    r.git("merge", "-q", "--no-ff", "-m", "merge beta-work", "beta-work")
    shas["m"] = r.sha()
    r.write("answers/huge.yaml", b"team: huge\n" + b"#" * (1024 * 1024 + 10) + b"\n")
    r.write("answers/bin.yaml", b"\x00\x01binary")
    r.write("README.md", "unrelated\n")
    shas["c7"] = r.commit("bad blobs")  # day 8
    r.write("answers/teams/alpha.yaml", "team: alpha\nname: [broken\n")
    shas["c8"] = r.commit("broken alpha")  # day 9
    r.write("answers/teams/alpha.yaml", team_yaml("alpha", "Alpha", {"b1": "yes", "r1": "yes", "b2": "yes", "r2": "yes"}))
    shas["c9"] = r.commit("alpha fixed")  # day 10
    return r, shas


def frameworks_now(root: Path) -> dict:
    from generator.project import load_project

    project = load_project(root)
    return dict(project.frameworks)


def test_points_match_hand_computed_values(history_repo: tuple[GitRepo, dict[str, str]]) -> None:
    r, c = history_repo
    history = collect_history(r.root, frameworks_now(r.root))
    assert history.available and not history.shallow
    third = 100 * 2 / 6  # b1 + r1 of weights 1 + 3 + 1 + 1
    assert history.points["alpha"] == (
        HistoryPoint(c["c1"], day(1), "demo", 1, pytest.approx(third), "Level 1"),
        HistoryPoint(c["c3"], day(3), "demo", 1, 50.0, "Level 1"),  # r2 now level 1 and met; b2 (weight 3) not
        # c5 moved the file (same blob): no point. c8 broke it: a point without a score, saying why
        HistoryPoint(c["c8"], day(9), "", None, None, "not scored", "answers/teams/alpha.yaml:3:1: " + BROKEN),
        HistoryPoint(c["c9"], day(10), "demo", 2, 100.0, "Level 2"),
    )
    assert history.points["beta"] == (
        HistoryPoint(c["c1"], day(1), "demo", 0, 0.0, "Level 0"),
        HistoryPoint(c["c1"], day(1), "rub", 1, None, "Level 1"),
        # on the branch, scored with the frameworks of its time: r2 (level 1 since c2) unanswered keeps `run` at
        # level 0; the merge brings the same file, so it adds no second point
        HistoryPoint(c["c4"], day(4), "demo", 0, pytest.approx(third), "Level 0"),
        HistoryPoint(c["c4"], day(4), "rub", 1, None, "Level 1"),
    )
    owner = "answers/gamma.yaml:4:10: owner `@g.amma` must be a GitHub @user, @org/team or an email address"
    assert history.points["gamma"] == (
        HistoryPoint(c["c1"], day(1), "", None, None, "not scored", owner),
        HistoryPoint(c["c4b"], day(5), "demo", 0, pytest.approx(third), "Level 0"),
    )
    big = "file is 1,048,598 bytes; the limit is 1,048,576"
    assert history.points["huge"] == (HistoryPoint(c["c7"], day(8), "", None, None, "not scored", big),)
    (binary,) = history.points["bin"]
    assert binary.commit == c["c7"] and not binary.scored and "NUL bytes" in binary.problem
    assert set(history.points) == {"alpha", "beta", "gamma", "huge", "bin"}
    assert history.notes == ()


def test_first_parent_log_leaves_the_branch_out(history_repo: tuple[GitRepo, dict[str, str]]) -> None:
    from generator.review.gitrepo import Git

    r, c = history_repo
    every = [commit.sha for commit in Git(r.root).log(("answers", "frameworks"))]
    line = [commit.sha for commit in Git(r.root).log(("answers", "frameworks"), first_parent=True)]
    assert c["c4"] in every and c["c4b"] in every and c["c4"] not in line
    assert every.index(c["c3"]) < every.index(c["c4"]) < every.index(c["m"])  # parents before children
    merge = next(commit for commit in Git(r.root).log(("answers",)) if commit.sha == c["m"])
    assert merge.parents == (c["c5"], c["c4b"])


def test_only_frameworks_asked_for(history_repo: tuple[GitRepo, dict[str, str]]) -> None:
    r, _ = history_repo
    fws = frameworks_now(r.root)
    history = collect_history(r.root, {"rub": fws["rub"]})
    scored = {t: {p.framework for p in pts if p.scored} for t, pts in history.points.items()}
    assert {t: f for t, f in scored.items() if f} == {"beta": {"rub"}}
    # a file that could not be read at all is shown whatever the frameworks asked for: nobody knows what it answered
    assert [p.commit for p in history.points["alpha"]] == [history.points["alpha"][0].commit]


def test_shallow_clone_has_what_history_it_has(history_repo: tuple[GitRepo, dict[str, str]], tmp_path: Path) -> None:
    r, c = history_repo
    clone = GitRepo.__new__(GitRepo)
    clone.root, clone.day = tmp_path / "shallow", 0
    r.git("clone", "-q", "--depth", "2", f"file://{r.root}", str(clone.root))
    history = collect_history(clone.root, frameworks_now(clone.root))
    assert history.available and history.shallow
    # the boundary commit (c8) counts as adding every file: beta gets points there, alpha is broken there
    assert [(p.commit, p.framework) for p in history.points["beta"]] == [(c["c8"], "demo"), (c["c8"], "rub")]
    assert [(p.commit, p.level, p.scored) for p in history.points["alpha"]] == [(c["c8"], None, False), (c["c9"], 2, True)]


def test_not_a_repository_and_empty_repository(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    history = collect_history(plain, {})
    assert not history.available and dict(history.points) == {}
    empty = GitRepo(tmp_path / "empty")
    history = collect_history(empty.root, {})
    assert history.available and dict(history.points) == {}


def test_worker_pool_gives_the_same_points(history_repo: tuple[GitRepo, dict[str, str]], monkeypatch: pytest.MonkeyPatch) -> None:
    from generator import parallel
    from generator.review import history as module

    r, _ = history_repo
    fws = frameworks_now(r.root)
    alone = collect_history(r.root, fws)
    monkeypatch.setattr(module, "PARALLEL_MIN_JOBS", 1)
    monkeypatch.setattr(parallel, "cores", lambda: 2)
    pooled = collect_history(r.root, fws)
    assert dict(pooled.points) == dict(alone.points) and pooled.notes == alone.notes
    assert len(pooled.points["alpha"]) == 4
