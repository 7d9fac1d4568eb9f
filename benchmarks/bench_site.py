"""Benchmark of `maturity build` at N synthetic teams, against a plain MkDocs + Material reference build.

Usage: python benchmarks/bench_site.py [N_TEAMS ...]   (default: 100 1000)

Each build runs in its own process so its peak memory (ru_maxrss of the children) is its own.
The reference is one hand-written Markdown page per team holding a 150-row table, team pages
kept out of the navigation and linked from an index page. Teams are spread over 20 groups, so
the build writes 20 group pages; their share is measured in the same run: the time spent
generating them, and their part of the built site's bytes (what MkDocs has to process).
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.synth import make_org  # noqa: E402

GROUPS = 20

BUILD = """
import json, sys, time
from pathlib import Path
from generator.site.build import build_site
r = build_site(Path(sys.argv[1]), Path(sys.argv[2]))
print(json.dumps({"timings": r.timings, "workbooks": r.workbooks}))
"""

REFERENCE = """
import sys, time, logging
from mkdocs.config import load_config
from mkdocs.commands.build import build
logging.getLogger("mkdocs").setLevel(logging.WARNING)
t = time.perf_counter()
build(load_config(sys.argv[1]))
print(time.perf_counter() - t)
"""


def _child(code: str, *args: str) -> tuple[str, float, float]:
    """Run ``code`` in a fresh interpreter; (stdout, wall seconds, peak RSS MB of that child)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code, *args], check=True, capture_output=True, text=True, cwd=REPO).stdout
    wall = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return out, wall, max(peak, before) / 1024


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _reference_docs(root: Path, n: int) -> Path:
    """The reference site's sources: ``n`` pages with a 150-row table each, out of the navigation; its mkdocs.yml."""
    docs = root / "docs"
    (docs / "teams").mkdir(parents=True)
    links = []
    for i in range(n):
        rows = "\n".join(
            f"| {s}.{i % 7} | The team keeps statement {s} true with evidence. | yes | Covered by the weekly review. "
            f"| 2026-01-0{1 + s % 9} |"
            for s in range(150)
        )
        text = f"# Team {i:04d}\n\n| Id | Statement | Answer | Note | Assessed |\n|---|---|---|---|---|\n{rows}\n"
        (docs / "teams" / f"team-{i:04d}.md").write_text(text, encoding="utf-8")
        links.append(f"- [Team {i:04d}](teams/team-{i:04d}.md)")
    (docs / "index.md").write_text("# Teams\n\n" + "\n".join(links) + "\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(
        "site_name: Reference\ntheme:\n  name: material\n  font: false\nplugins:\n  - search\n"
        "markdown_extensions:\n  - tables\nnav:\n  - Home: index.md\nnot_in_nav: |\n  /teams/\n",
        encoding="utf-8",
    )
    return root / "mkdocs.yml"


def _reference(root: Path, n: int) -> float:
    out, _, _ = _child(REFERENCE, str(_reference_docs(root, n)))
    return float(out.strip().splitlines()[-1])


def bench(n: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "org"
        make_org(root, n, n_groups=GROUPS)
        site = Path(tmp) / "site"
        out, wall, peak = _child(BUILD, str(root), str(site))
        result = json.loads(out.strip().splitlines()[-1])
        t = result["timings"]
        total_size = _size(site)
        team_pages = list((site / "team").glob("*/index.html"))
        per_team_files = (
            sum(p.stat().st_size for p in team_pages)
            + sum(p.stat().st_size for p in (site / "downloads").glob("team-*.xlsx"))
            + (_size(site / "history") if (site / "history").exists() else 0)
        )
        ref = _reference(Path(tmp) / "ref", n)
        return {
            "teams": n,
            "load": t["load+validate"],
            "history": t.get("history", 0.0),
            "pages": t["pages"],
            "group_pages": t.get("group pages", 0.0),
            "group_mb": _size(site / "group") / 1e6 if (site / "group").exists() else 0.0,
            "group_html": sum(p.stat().st_size for p in site.glob("group/**/*.html")),
            "html": sum(p.stat().st_size for p in site.rglob("*.html")),
            "workbooks": t.get("workbooks", 0.0),
            "workbook_wait": t.get("workbooks (wait)", 0.0),
            "n_workbooks": result["workbooks"],
            "mkdocs": t["mkdocs"],
            "total": t["total"],
            "wall": wall,
            "site_mb": total_size / 1e6,
            "per_team_kb": total_size / n / 1e3,
            "team_files_kb": per_team_files / n / 1e3,
            "search_mb": (site / "search" / "search_index.json").stat().st_size / 1e6,
            "peak_mb": peak,
            "reference": ref,
        }


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [100, 1000]
    rows = [bench(n) for n in sizes]
    print(
        "| teams | load+validate (s) | history (s) | pages (s) | workbooks (s, parallel) | MkDocs (s) | total (s) "
        "| pages share | reference MkDocs (s) | total / reference | site (MB) | site / team (kB) | team files / team (kB) "
        "| search index (MB) | peak RSS (MB) |"
    )
    print("|" + "---:|" * 15)
    for r in rows:
        print(
            f"| {r['teams']} | {r['load']:.2f} | {r['history']:.2f} | {r['pages']:.2f} "
            f"| {r['workbooks']:.2f} ({r['n_workbooks']:.0f}) "
            f"| {r['mkdocs']:.2f} | {r['total']:.2f} | {100 * r['pages'] / r['total']:.0f}% | {r['reference']:.2f} "
            f"| {r['total'] / r['reference']:.2f}x | {r['site_mb']:.1f} | {r['per_team_kb']:.0f} | {r['team_files_kb']:.0f} "
            f"| {r['search_mb']:.2f} | {r['peak_mb']:.0f} |"
        )
    for r in rows:
        # MkDocs' share for the group pages, estimated by their part of the HTML it writes
        mkdocs_share = r["mkdocs"] * r["group_html"] / r["html"] if r["html"] else 0.0
        added = (r["group_pages"] + mkdocs_share) / r["total"]
        print(
            f"\ngroup pages at N={r['teams']} ({GROUPS} groups): generated in {r['group_pages']:.2f} s "
            f"= {100 * r['group_pages'] / r['total']:.1f}% of the build's {r['total']:.1f} s; "
            f"{r['group_mb']:.2f} MB = {100 * r['group_mb'] / r['site_mb']:.1f}% of the site's bytes; "
            f"with MkDocs' share of their HTML ({100 * r['group_html'] / max(r['html'], 1):.1f}% of it, ~{mkdocs_share:.2f} s) "
            f"they add about {100 * added:.1f}% to the build (limit: at most 10%)"
        )
    if len(rows) >= 2:
        a, b = rows[0], rows[-1]
        print(
            f"\nsize per team at N={b['teams']} vs N={a['teams']}: {b['per_team_kb'] / a['per_team_kb']:.2f}x "
            f"(team files only: {b['team_files_kb'] / a['team_files_kb']:.2f}x)"
        )


if __name__ == "__main__":
    main()
