"""Benchmark of the crosswalk: coverage per framework pair, and what inference adds to validate and build.

Usage: python benchmarks/bench_crosswalk.py [N_TEAMS]   (default: 1000)

Coverage: a team answers one framework in full (every statement "yes", every rubric item its
top level) or the whole practice catalogue, nothing else; the table gives, for each other
framework, the share of its statements that receive an inferred answer.

Cost: the same synthetic organisation (N teams answering every framework) is validated and
built in one run, alternately without and with `crosswalk/` (best of 5 for validate); the
difference is what loading the crosswalk, inferring every team's answers and checking
contradictions costs. The inference work is also timed alone.
"""

from __future__ import annotations

import json
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


if __name__ == "__main__":
    main()
