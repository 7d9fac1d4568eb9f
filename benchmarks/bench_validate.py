"""Benchmark of `maturity validate` against merely parsing the same files with PyYAML's C loader.

Usage: python benchmarks/bench_validate.py [N_TEAMS ...]   (default: 100 1000)
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.synth import make_org  # noqa: E402
from benchmarks.timing import best  # noqa: E402
from generator.project import load_project, yaml_files  # noqa: E402


def parse_only(files: list[Path]) -> None:
    """Merely parse ``files`` with PyYAML's C loader: the floor of validation."""
    for f in files:
        with open(f, "rb") as fh:
            yaml.load(fh, Loader=yaml.CSafeLoader)


def bench(n: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        make_org(root, n)
        files = yaml_files(root / "frameworks") + yaml_files(root / "answers")

        def validate() -> None:
            project = load_project(root)
            assert not project.problems, project.problems.sorted()[:3]
            assert len(project.teams) == n

        t_parse = best(lambda: parse_only(files))
        t_validate = best(validate)
        cli = [sys.executable, "-m", "generator", "--root", str(root), "validate", "-q"]
        t_cli = best(lambda: subprocess.run(cli, check=True), repeat=2)
        size = sum(f.stat().st_size for f in files)
    return {"teams": n, "files": len(files), "MB": size / 1e6, "parse": t_parse, "validate": t_validate, "cli": t_cli}


def bench_help() -> float:
    runs = []
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "generator", "--help"], check=True, capture_output=True)
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [100, 1000]
    print("| teams | files | MB | PyYAML C parse (s) | load+validate (s) | ratio | `maturity validate` CLI (s) |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for n in sizes:
        r = bench(n)
        print(
            f"| {r['teams']} | {r['files']} | {r['MB']:.1f} | {r['parse']:.2f} | {r['validate']:.2f} "
            f"| {r['validate'] / r['parse']:.2f}x | {r['cli']:.2f} |"
        )
    print(f"\n`maturity --help`: {bench_help() * 1000:.0f} ms (median of 5, includes interpreter start-up)")


if __name__ == "__main__":
    main()
