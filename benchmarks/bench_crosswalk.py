"""Benchmark of the crosswalk: coverage per framework pair, and what inference adds to validate and build.

Usage: python benchmarks/bench_crosswalk.py [N_TEAMS]   (default: 1000)

Coverage: a team answers one framework in full (every statement "yes", every rubric item its
top level) or the whole practice catalogue, nothing else; the table gives, for each other
framework, the share of its statements that receive an inferred answer.

Cost: the same synthetic organisation (N teams answering every framework) is validated and
built in one run, alternately without and with `crosswalk/` (best of 5 for validate); the
difference is what loading the crosswalk, inferring every team's answers and checking
contradictions costs. The inference work is also timed alone.

Diff: the organisation with `crosswalk/` is committed to a git repository (one team in ten, then
every team, leaving google-mlops `exp.orchestrated` unanswered), one mapping is edited (that
statement's link to training-pipeline: equal -> intersect) and committed; `maturity diff` between
the two commits re-infers every team and lists the teams that moved (target < 3 s).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.synth import make_org  # noqa: E402
from benchmarks.timing import best  # noqa: E402
from generator.crosswalk.checks import check_teams  # noqa: E402
from generator.crosswalk.coverage import coverage_matrix  # noqa: E402
from generator.crosswalk.model import CATALOGUE_ID  # noqa: E402
from generator.crosswalk.views import team_views  # noqa: E402
from generator.problems import Problems  # noqa: E402
from generator.project import Project, load_project  # noqa: E402

#: Builds per variant (each at N teams takes about a minute on an idle 2-core machine).
BUILDS = 1

BUILD = """
import json, sys
from pathlib import Path
from generator.site.build import build_site
r = build_site(Path(sys.argv[1]), Path(sys.argv[2]))
print(json.dumps(r.timings))
"""


def coverage(project: Project) -> tuple[list[str], dict[str, dict[str, float]]]:
    assert project.crosswalk is not None
    return sorted(project.frameworks), coverage_matrix(project.frameworks, project.crosswalk)


def _build(root: Path, site: Path) -> float:
    cmd = [sys.executable, "-c", BUILD, str(root), str(site)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=REPO)
    return float(json.loads(out.stdout.strip().splitlines()[-1])["total"])


def cost(n: int) -> dict[str, float]:
    """Validate (best of 5) and build (best of 2), alternating without and with crosswalk/, and the inference work alone."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "org"
        make_org(root, n)
        shutil.copytree(REPO / "crosswalk", root / "crosswalk.off")
        on, off = root / "crosswalk", root / "crosswalk.off"

        def validate() -> None:
            project = load_project(root)
            assert not project.problems, project.problems.sorted()[:3]

        times: dict[str, list[float]] = {"validate": [], "validate_cw": [], "build": [], "build_cw": []}
        for i in range(5):
            for key, present in (("validate", False), ("validate_cw", True)):
                if present != on.exists():
                    (off if present else on).rename(on if present else off)
                times[key].append(best(validate, 1))
                if i < BUILDS:
                    build_key = key.replace("validate", "build")
                    times[build_key].append(_build(root, Path(tmp) / f"site-{build_key}-{i}"))
        if not on.exists():
            off.rename(on)
        project = load_project(root)
        assert project.crosswalk is not None
        t = time.perf_counter()
        check_teams(project.teams, project.frameworks, project.crosswalk, Problems())
        checks = time.perf_counter() - t
        t = time.perf_counter()
        team_views(project)
        views = time.perf_counter() - t
    out = {k: min(v) for k, v in times.items()}
    out.update(teams=n, checks=checks, views=views)
    return out


def _git(root: Path, *args: str) -> None:
    env = {"GIT_AUTHOR_NAME": "B", "GIT_AUTHOR_EMAIL": "b@example.com", "GIT_COMMITTER_NAME": "B",
           "GIT_COMMITTER_EMAIL": "b@example.com", "PATH": os.environ.get("PATH", "")}  # fmt: skip
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, env=env)


def mapping_diff(n: int, every: int) -> tuple[float, int]:
    """Seconds of `maturity diff` across one edited mapping at ``n`` teams (best of 3), and the teams it lists.

    Every ``every``-th team leaves google-mlops `exp.orchestrated` unanswered, so that statement is inferred for
    it (from the other frameworks' answers on training pipelines); the edit (equal -> intersect) caps what it
    can infer at "partial", so those teams move. The other teams answered it and cannot move.
    """
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "org"
        make_org(root, n)
        shutil.copytree(REPO / "crosswalk", root / "crosswalk")
        answered = re.compile(r'^      "exp\.orchestrated":( ".*"\n|\n(?:        .*\n)+)', re.M)
        for path in sorted((root / "answers").glob("*.yaml"))[::every]:
            path.write_text(answered.sub("", path.read_text(encoding="utf-8"), count=1), encoding="utf-8")
        _git(root, "init", "-q", "-b", "main")
        _git(root, "add", "-A")
        _git(root, "commit", "-q", "-m", "organisation")
        path = root / "crosswalk" / "google-mlops.yaml"
        old = "{practice: training-pipeline, relationship: equal,"
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, "{practice: training-pipeline, relationship: intersect,", 1), encoding="utf-8")
        _git(root, "commit", "-q", "-am", "one mapping edited")
        exe = Path(sys.executable).parent / "maturity"
        cmd = [str(exe), "diff", "HEAD~1", "HEAD", "--format", "json"]
        out: list[str] = []

        def run() -> None:
            out.append(subprocess.run(cmd, cwd=root, check=True, capture_output=True, text=True).stdout)

        seconds = best(run, 3)
        return seconds, len(json.loads(out[-1])["teams"])


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    project = load_project(REPO)
    targets, table = coverage(project)
    print("Share of each framework's statements (rubric items for gigaom-mlops) that receive an inferred answer\n")
    print("| answered in full | " + " | ".join(f"`{t}`" for t in targets) + " |")
    print("|---|" + "---:|" * len(targets))
    for source, row in table.items():
        label = "practice catalogue" if source == CATALOGUE_ID else f"`{source}`"
        print(f"| {label} | " + " | ".join("-" if t not in row else f"{row[t]:.0%}" for t in targets) + " |")
    r = cost(n)
    print(f"\n{r['teams']:.0f} teams answering every framework, without and with crosswalk/ (same run):\n")
    print("| step | without (s) | with (s) | added |")
    print("|---|---:|---:|---:|")
    for step, a, b in (("load + validate", r["validate"], r["validate_cw"]), ("build (total)", r["build"], r["build_cw"])):
        print(f"| {step} | {a:.2f} | {b:.2f} | {(b - a) / a:+.0%} |")
    print(
        f"\nThe inference work alone: contradiction checks {r['checks']:.2f} s "
        f"({r['checks'] / r['validate']:.0%} of validate); every team's official and inferred scores "
        f"{r['views']:.2f} s ({r['views'] / r['build']:.0%} of the build)."
    )
    print("\n| measure | seconds | target |\n|---|---:|---:|")
    for every, who in ((10, "one team in ten"), (1, "every team")):
        seconds, moved = mapping_diff(n, every)
        print(
            f"| `maturity diff` across one edited mapping, {n} teams, {who} inferring the edited statement "
            f"({moved} listed as moved) | {seconds:.2f} | < 3 |"
        )


if __name__ == "__main__":
    main()
