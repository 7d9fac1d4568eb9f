"""Benchmark of adopting the tool: a fresh venv with the built wheel, then init, new-team, validate, build.

Usage: python benchmarks/bench_adopt.py

Targets (issue "adopt it anywhere"): the whole sequence under 60 s on this machine, of which
`init` + `build` of the new repository under 5 s; `maturity --help` under 0.3 s.
The dependencies come from wheels repacked from this Python's site-packages (no network),
so the figure is the install itself, not a download.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.wheel import build_wheel, clean_env, fresh_venv_offline, wheelhouse  # noqa: E402


def timed(label: str, timings: dict[str, float], fn):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = fn()
    timings[label] = time.perf_counter() - start
    print(f"{label:<28} {timings[label]:6.2f} s", flush=True)
    return result


def main() -> None:
    timings: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="bench-adopt-") as tmp:
        base = Path(tmp)
        wheel = timed("build the wheel", timings, lambda: build_wheel(base))
        house = timed("(repack dependencies)", timings, lambda: wheelhouse(base / "house"))
        bin_dir = timed("fresh venv + install", timings, lambda: fresh_venv_offline(base / "venv", wheel, house))
        env = clean_env(bin_dir)

        def maturity(*args: str, cwd: Path = base) -> None:
            subprocess.run([str(bin_dir / "maturity"), *args], cwd=cwd, env=env, check=True, capture_output=True)

        org = base / "acme"
        timed("maturity init", timings, lambda: maturity("init", str(org), "--admin", "@acme/platform"))
        timed(
            "maturity new-team",
            timings,
            lambda: maturity("new-team", "fraud", "--name", "Fraud", "--owner", "@acme/fraud", "-f", "google-mlops", cwd=org),
        )
        timed("maturity validate", timings, lambda: maturity("validate", cwd=org))
        timed("maturity build", timings, lambda: maturity("build", cwd=org))
        helps = []
        for _ in range(5):
            start = time.perf_counter()
            maturity("--help")
            helps.append(time.perf_counter() - start)
        timings["maturity --help (best of 5)"] = min(helps)
        print(f"{'maturity --help (best of 5)':<28} {min(helps):6.3f} s")
    steps = ("fresh venv + install", "maturity init", "maturity new-team", "maturity validate", "maturity build")
    total = sum(timings[k] for k in steps)
    print(f"\ninstall + init + new-team + validate + build: {total:.1f} s (target < 60 s)")
    print(f"init + build: {timings['maturity init'] + timings['maturity build']:.2f} s (target < 5 s)")
    print(f"maturity --help: {timings['maturity --help (best of 5)'] * 1000:.0f} ms (target < 300 ms)")


if __name__ == "__main__":
    main()
