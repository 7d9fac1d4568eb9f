"""Benchmark of `maturity diff` and of the history behind the team pages.

A synthetic organisation (benchmarks/synth.py make_org) is committed to a fresh git
repository, then 199 more commits each change a few teams' answers (one of them also
changes a framework). Two commits in every ten are made on a side branch that is then
merged (``--no-ff``), so history has to follow merges. Reported: `maturity diff` between
two revisions where 10 teams changed (target < 3 s), the same against the working tree, a
diff across a framework change (every team re-scored), and `collect_history` over the 200
commits, merged branches included (target < 10 s).

Usage: python benchmarks/bench_review.py [N_TEAMS] [N_COMMITS]   (default: 1000 200)
"""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.synth import make_org  # noqa: E402
from benchmarks.timing import cpu_seconds  # noqa: E402
from generator.project import load_project  # noqa: E402
from generator.review.history import collect_history  # noqa: E402

ANSWER = re.compile(r'^(\s+"[^"]+": )"(yes|no|partial)"$', re.M)


def git(root: Path, *args: str, day: int = 0) -> str:
    date = f"@{1767225600 + day * 3600} +0000"  # 2026-01-01 plus one hour per commit
    env = {**os.environ, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    return subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True, text=True).stdout


def flip(path: Path, rng: random.Random, k: int = 3) -> None:
    """Change k answers of one team file."""
    text = path.read_text(encoding="utf-8")
    matches = list(ANSWER.finditer(text))
    for m in sorted(rng.sample(matches, min(k, len(matches))), key=lambda m: -m.start()):
        new = rng.choice([v for v in ("yes", "no", "partial") if v != m.group(2)])
        text = text[: m.start()] + f'{m.group(1)}"{new}"' + text[m.end() :]
    path.write_text(text, encoding="utf-8")


def timed(fn):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def maturity(root: Path, *args: str) -> float:
    exe = Path(sys.executable).parent / "maturity"
    seconds, proc = timed(lambda: subprocess.run([str(exe), "diff", *args], cwd=root, capture_output=True, text=True))
    if proc.returncode not in (0, 1):
        raise SystemExit(proc.stderr)
    return seconds


def main(n_teams: int = 1000, n_commits: int = 200) -> None:
    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        make_org(root, n_teams)
        git(root, "init", "-q", "-b", "main")
        git(root, "config", "user.name", "Bench")
        git(root, "config", "user.email", "bench@example.com")
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "organisation", day=0)
        teams = sorted((root / "answers").glob("*.yaml"))
        frameworks = sorted((root / "frameworks").glob("*.yaml"))
        setup = time.perf_counter()
        half_teams = len(teams) // 2
        merges = 0
        branch = "main"
        for i in range(1, n_commits):
            step = i % 10
            if step == 3 and i + 2 < n_commits:
                branch = f"side-{i}"
                git(root, "checkout", "-q", "-b", branch)
            merging = step == 5 and branch != "main"
            if merging:
                git(root, "checkout", "-q", "main")
            # a side branch and main change different teams meanwhile, so the merge never conflicts
            pool = teams if branch == "main" else teams[half_teams:] if merging else teams[:half_teams]
            for path in rng.sample(pool, 10 if i == 1 else 5):
                flip(path, rng)
            if i == n_commits // 2:  # one framework edit half-way: later teams are re-parsed against it
                fw = frameworks[0]
                fw.write_text(re.sub(r'^version: .*$', 'version: "bench-2"', fw.read_text(), count=1, flags=re.M))
            git(root, "add", "-A")
            git(root, "commit", "-q", "-m", f"change {i}", day=i)
            if merging:
                git(root, "merge", "-q", "--no-ff", "-m", f"merge {branch}", branch, day=i)
                branch = "main"
                merges += 1
        setup = time.perf_counter() - setup

        rows = []
        line = git(root, "rev-list", "--first-parent", "--reverse", "HEAD").split()
        first, second = line[1], line[2]
        rows.append(("diff, two revisions, 10 teams changed", maturity(root, first, second), 3.0))
        for path in rng.sample(teams, 10):
            flip(path, rng)
        rows.append(("diff, HEAD vs working tree, 10 teams changed", maturity(root, "HEAD"), 3.0))
        after = git(root, "log", "-1", "--format=%H", f"--grep=^change {n_commits // 2}$").strip()
        before = after + "^"
        rows.append(("diff across a framework change (every team re-scored)", maturity(root, before, after), None))
        git(root, "checkout", "-q", "--", ".")
        current = load_project(root).frameworks
        cpu = cpu_seconds()
        seconds, history = timed(lambda: collect_history(root, current))
        cpu = cpu_seconds() - cpu
        points = sum(len(p) for p in history.points.values())
        rows.append(
            (f"history: {n_teams} teams x {n_commits} commits, {merges} merged branches ({points:,} points)", seconds, 10.0)
        )
        rows.append(("  the same, CPU time of every process (workers included; less disturbed by other load)", cpu, None))

    print(f"Synthetic organisation: {n_teams} teams, {len(frameworks)} frameworks, {n_commits} commits "
          f"(made in {setup:.0f} s).\n")
    print("| measure | seconds | target |")
    print("|---|---:|---:|")
    for name, secs, target in rows:
        print(f"| {name} | {secs:.2f} | {'< ' + format(target, 'g') if target else '—'} |")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
