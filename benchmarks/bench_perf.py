"""Speed at scale, every figure against its floor, measured in the same run (ratios, not seconds, are the targets).

Usage: python benchmarks/bench_perf.py [N_TEAMS ...]   (default: 100 1000)
       python benchmarks/bench_perf.py --only build,import 1000

Per synthetic organisation (benchmarks/synth.py: six frameworks, N teams, 20 groups):

* build: `maturity build` vs a reference MkDocs + Material build of N hand-written pages with a
  150-row Markdown table each (out of the navigation, Material + search); wall time and peak memory
  (each build in its own process: its own ru_maxrss);
* import: `maturity import` of one team's workbook (the whole command, in-process, best of 3)
  vs a bare read-only openpyxl read of every sheet of the same file;
* diff: `maturity diff BASE HEAD` across a commit that changes one framework (every team re-scored);
* validate: load + validate in-process vs merely parsing the same files with PyYAML's C loader;
* serve: `maturity serve` running; an answer file saved until the change is served on the team's
  page (median of 5), and a framework file saved until it is served on the framework's page;
* `maturity --help` (median of 5, interpreter start-up included).

The absolute figures (diff, serve, --help) move with the machine's speed, which on a shared host can
change by half within minutes; a fixed pure-Python loop is timed before and after the run and printed
with the table, so that runs can be compared.

Every command runs as installed: with this package's bytecode compiled, as pip compiles it when it
installs the wheel (in the checkout it is compiled first, into a temporary cache folder, since
PYTHONDONTWRITEBYTECODE may keep Python from caching it and every run would compile the sources again).

Limits (issue: fast at every scale): build <= 0.5x the reference, peak memory <= 1.5x; import <= 2x;
diff < 1.5 s at 1000 teams; validate <= 1.3x; serve save < 2 s, framework edit < 10 s; --help < 0.15 s.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.bench_site import _reference_docs  # noqa: E402
from benchmarks.bench_validate import parse_only  # noqa: E402
from benchmarks.bench_workbook import bare_read  # noqa: E402
from benchmarks.synth import make_org  # noqa: E402
from benchmarks.timing import best  # noqa: E402
from generator.project import load_project, yaml_files  # noqa: E402

GROUPS = 20
EXE = Path(sys.executable).parent / "maturity"
#: The environment every measured command runs in (see the module's docstring; set by :func:`compile_bytecode`).
ENV: dict[str, str] = dict(os.environ)


def compile_bytecode(cache: Path) -> None:
    """Compile this package's bytecode into ``cache`` and have every measured command read it from there."""
    ENV.pop("PYTHONDONTWRITEBYTECODE", None)
    ENV["PYTHONPYCACHEPREFIX"] = str(cache)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "generator")], env=ENV, check=True)

#: Runs ``code`` and prints, as its last line, JSON with its own wall time and peak memory (MB).
MEASURED = """
import json, resource, sys, time
t = time.perf_counter()
{body}
print(json.dumps({{"seconds": time.perf_counter() - t,
  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
  "children_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}}))
"""

BUILD = """
import logging
from pathlib import Path
from generator.site.build import build_site
build_site(Path(sys.argv[1]), Path(sys.argv[2]))
"""

REFERENCE = """
import logging
from mkdocs.config import load_config
from mkdocs.commands.build import build
logging.getLogger("mkdocs").setLevel(logging.WARNING)
build(load_config(sys.argv[1]))
"""


def measured(body: str, *args: str) -> dict[str, float]:
    """Run ``body`` in a fresh interpreter: its seconds and peak RSS (MB); children (forked workers) apart."""
    code = MEASURED.format(body=body.strip())
    proc = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=REPO, env=ENV)
    if proc.returncode:
        raise SystemExit(proc.stderr[-3000:])
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def git(root: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_DATE": "@1767225600 +0000", "GIT_COMMITTER_DATE": "@1767225600 +0000"}
    return subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True, text=True).stdout


def quiet_main(argv: list[str]) -> int:
    from generator.cli import main

    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        return main(argv)


def bench_build(root: Path, tmp: Path, n: int) -> dict[str, float]:
    ours = measured(BUILD, str(root), str(tmp / "site"))
    ref_cfg = _reference_docs(tmp / "ref", n)
    ref = measured(REFERENCE, str(ref_cfg))
    return {
        "build_s": ours["seconds"],
        "build_mb": ours["peak_mb"],
        "workbooks_mb": ours["children_mb"],
        "ref_s": ref["seconds"],
        "ref_mb": ref["peak_mb"],
    }


def bench_import(root: Path, tmp: Path) -> dict[str, float]:
    from generator.workbook.export import export_workbook

    project = load_project(root)
    team = project.teams[len(project.teams) // 2]
    book = tmp / "team.xlsx"
    export_workbook(project, sorted(team.frameworks), team, book)
    argv = ["--root", str(root), "import", str(book)]
    assert quiet_main(argv) == 0
    return {"import_s": best(lambda: quiet_main(argv), 3), "bare_s": best(lambda: bare_read(book), 5)}


def bench_diff(root: Path) -> dict[str, float]:
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "Bench")
    git(root, "config", "user.email", "bench@example.com")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "organisation")
    fw = sorted((root / "frameworks").glob("*.yaml"))[0]
    original = fw.read_text(encoding="utf-8")
    fw.write_text(re.sub(r"^version: .*$", 'version: "bench-2"', original, count=1, flags=re.M), encoding="utf-8")
    git(root, "commit", "-q", "-am", "framework edit")
    cmd = [str(EXE), "diff", "HEAD^", "HEAD"]

    def run() -> None:
        proc = subprocess.run(cmd, cwd=root, capture_output=True, text=True, env=ENV)
        if proc.returncode not in (0, 1):
            raise SystemExit(proc.stderr[-3000:])

    seconds = best(run, 3)
    git(root, "reset", "-q", "--hard", "HEAD^")
    return {"diff_s": seconds}


def bench_validate(root: Path) -> dict[str, float]:
    files = yaml_files(root / "frameworks") + yaml_files(root / "answers")

    def validate() -> None:
        assert not load_project(root).problems

    return {"parse_s": best(lambda: parse_only(files), 3), "validate_s": best(validate, 3)}


def bench_help() -> dict[str, float]:
    runs = []
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run([str(EXE), "--help"], check=True, capture_output=True, env=ENV)
        runs.append(time.perf_counter() - start)
    return {"help_s": statistics.median(runs)}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for(url: str, token: str, timeout: float) -> float:
    """Poll ``url`` until its body holds ``token``; the seconds it took (raises after ``timeout``)."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if token in response.read().decode("utf-8", "replace"):
                    return time.perf_counter() - start
        except OSError:
            pass
        time.sleep(0.05)
    raise SystemExit(f"serve: {token!r} not on {url} after {timeout:.0f} s")


def bench_serve(root: Path) -> dict[str, float]:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(
        [str(EXE), "--root", str(root), "serve", "--dev-addr", f"127.0.0.1:{port}"],
        stdout=log, stderr=subprocess.STDOUT, env=ENV,
    )
    try:
        team = "team-0001"
        page = f"{base}/team/{team}/"
        startup = _wait_for(page, "Team 0001", 600)
        answer = root / "answers" / f"{team}.yaml"
        text = answer.read_text(encoding="utf-8")
        saves = []
        for k in range(5):
            token = f"Renamed{k}x"
            answer.write_text(re.sub(r"^name: .*$", f"name: Team 0001 {token}", text, count=1, flags=re.M), encoding="utf-8")
            saves.append(_wait_for(page, token, 120))
            time.sleep(1.0)  # let the server settle before the next save
        fw = sorted((root / "frameworks").glob("*.yaml"))[0]
        fid = yaml.load(fw.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)["id"]
        original = fw.read_text(encoding="utf-8")
        fw.write_text(re.sub(r"^title: .*$", "title: Framework Edited7x", original, count=1, flags=re.M), encoding="utf-8")
        framework_edit = _wait_for(f"{base}/framework/{fid}/", "Edited7x", 120)
        fw.write_text(original, encoding="utf-8")
        answer.write_text(text, encoding="utf-8")
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
    return {"serve_start_s": startup, "serve_save_s": statistics.median(saves), "serve_framework_s": framework_edit}


STEPS: dict[str, Callable[[Path, Path, int], dict[str, float]]] = {
    "validate": lambda root, tmp, n: bench_validate(root),
    "import": lambda root, tmp, n: bench_import(root, tmp),
    "build": bench_build,
    "serve": lambda root, tmp, n: bench_serve(root),
    "diff": lambda root, tmp, n: bench_diff(root),  # last: it commits the organisation to git
}


def bench(n: int, only: set[str]) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        root = tmp / "org"
        make_org(root, n, n_groups=GROUPS)
        out: dict[str, float] = {"teams": n}
        for name, step in STEPS.items():
            if name in only:
                out.update(step(root, tmp, n))
                print(f"  {n} teams: {name} measured", file=sys.stderr)
        return out


def report(rows: list[dict[str, float]]) -> None:
    def row(what: str, key: str, fmt: Callable[[dict[str, float]], str], limit: str) -> None:
        cells = [fmt(r) if key in r else "" for r in rows]
        if any(cells):
            print(f"| {what} | " + " | ".join(cells) + f" | {limit} |")

    print("| what | " + " | ".join(f"{int(r['teams'])} teams" for r in rows) + " | limit |")
    print("|---|" + "---:|" * len(rows) + "---:|")
    row("`maturity build` vs reference MkDocs build", "build_s",
        lambda r: f"{r['build_s']:.1f} s vs {r['ref_s']:.1f} s = {r['build_s'] / r['ref_s']:.2f}x", "<= 0.5x (1000 teams)")
    row("peak memory of the build vs the reference", "build_mb",
        lambda r: f"{r['build_mb']:.0f} MB vs {r['ref_mb']:.0f} MB = {r['build_mb'] / r['ref_mb']:.2f}x "
        f"(workbook worker {r['workbooks_mb']:.0f} MB)", "<= 1.5x (1000 teams)")
    row("`maturity import` of one workbook vs bare openpyxl read", "import_s",
        lambda r: f"{r['import_s'] * 1000:.0f} ms vs {r['bare_s'] * 1000:.0f} ms = {r['import_s'] / r['bare_s']:.2f}x", "<= 2x")
    row("`maturity diff` across a framework change", "diff_s", lambda r: f"{r['diff_s']:.2f} s", "< 1.5 s (1000 teams)")
    row("load + validate vs PyYAML C parse", "validate_s",
        lambda r: f"{r['validate_s']:.2f} s vs {r['parse_s']:.2f} s = {r['validate_s'] / r['parse_s']:.2f}x", "<= 1.3x")
    row("`maturity serve`: answer saved -> visible on its page (median of 5)", "serve_save_s",
        lambda r: f"{r['serve_save_s']:.2f} s", "< 2 s")
    row("`maturity serve`: framework saved -> visible on its page", "serve_framework_s",
        lambda r: f"{r['serve_framework_s']:.2f} s", "< 10 s")
    row("`maturity serve`: start-up until the first page is served", "serve_start_s",
        lambda r: f"{r['serve_start_s']:.1f} s", "")
    row("`maturity --help`", "help_s", lambda r: f"{r['help_s'] * 1000:.0f} ms", "< 150 ms")


def machine_check() -> float:
    """Seconds for a fixed pure-Python loop (best of 3): how fast the machine runs Python right now."""

    def loop() -> None:
        total = 0
        for i in range(5_000_000):
            total += i

    return best(loop, 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("teams", nargs="*", type=int, default=[100, 1000])
    parser.add_argument("--only", default=",".join([*STEPS, "help"]), help="comma-separated: " + ", ".join([*STEPS, "help"]))
    args = parser.parse_args()
    only = set(args.only.split(","))
    before = machine_check()
    with tempfile.TemporaryDirectory() as cache:
        compile_bytecode(Path(cache))
        rows = [bench(n, only) for n in args.teams]
        if "help" in only and rows:
            rows[0].update(bench_help())
    report(rows)
    print(f"\nmachine check (a fixed 5M-step Python loop, best of 3): {before:.3f} s before, {machine_check():.3f} s after")


if __name__ == "__main__":
    main()
