"""How heavy the pages that grow with the organisation are: the home page and the Teams index.

Usage: python benchmarks/bench_pages.py [N_TEAMS ...]   (default: 100 1000 10000)

For each size a synthetic organisation (benchmarks/synth.py, 20 groups) is built without
workbooks or history, in its own process, and served on localhost. Headless Chromium (Debian's,
through Playwright) opens each page three times; reported: the HTML's size (bytes and gzipped),
the DOM node count, and the longest main-thread task, twice: as the page sees it (wall time of
the longest ``longtask`` entry of a PerformanceObserver registered before the page loads; tasks
under 50 ms are not long tasks and count as 0) and as CPU time of the renderer's main thread
(the longest top-level task of a Chromium trace: what other load on the machine does not inflate).
Each figure is the least of the three loads. A 10,000-team build takes several minutes.
"""

from __future__ import annotations

import functools
import gzip
import json
import subprocess
import sys
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.synth import make_org  # noqa: E402

GROUPS = 20
LOADS = 3
PAGES = {"home": "", "teams": "teams/"}

BUILD = """
import sys
from pathlib import Path
from generator.site.build import build_site
build_site(Path(sys.argv[1]), Path(sys.argv[2]), workbooks=False, history=False)
"""

#: Registered before any script of the page runs: every long task (50 ms or more) of the main thread.
OBSERVE = """
window.__longtasks = [];
new PerformanceObserver(list => { for (const e of list.getEntries()) window.__longtasks.push(e.duration); })
    .observe({entryTypes: ['longtask']});
"""


def longest_cpu_task_ms(trace: bytes) -> float:
    """The CPU time (ms) of the longest task of a renderer main thread in a Chromium trace."""
    events: list[dict[str, Any]] = json.loads(trace)["traceEvents"]
    main = {(e["pid"], e["tid"]) for e in events if e.get("name") == "thread_name" and e["args"].get("name") == "CrRendererMain"}
    return max(
        (
            e.get("tdur", 0) / 1000
            for e in events
            if e.get("ph") == "X" and "toplevel" in e.get("cat", "").split(",") and (e.get("pid"), e.get("tid")) in main
        ),
        default=0.0,
    )


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def _html(site: Path, path: str) -> Path:
    return site / path / "index.html"


def measure(site: Path) -> dict[str, dict[str, float]]:
    """Per page: bytes, gzipped bytes, DOM nodes, longest task (ms) and when the page was ready (ms)."""
    from playwright.sync_api import sync_playwright

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    out: dict[str, dict[str, float]] = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
            try:
                for name, path in PAGES.items():
                    raw = _html(site, path).read_bytes()
                    runs = []
                    for _ in range(LOADS):
                        ctx = browser.new_context(viewport={"width": 1280, "height": 900})
                        page = ctx.new_page()
                        page.add_init_script(OBSERVE)
                        browser.start_tracing(page=page, categories=["devtools.timeline", "toplevel"])
                        page.goto(base + path, wait_until="load")
                        page.wait_for_timeout(500)  # tasks that the load event started
                        run = page.evaluate(
                            """() => ({nodes: document.getElementsByTagName('*').length,
                                longest: Math.max(0, ...window.__longtasks),
                                ready: performance.getEntriesByType('navigation')[0].loadEventEnd})"""
                        )
                        run["cpu"] = longest_cpu_task_ms(browser.stop_tracing())
                        runs.append(run)
                        ctx.close()
                    out[name] = {
                        "bytes": len(raw),
                        "gzip": len(gzip.compress(raw)),
                        "nodes": runs[0]["nodes"],
                        "longest_ms": min(r["longest"] for r in runs),
                        "longest_cpu_ms": min(r["cpu"] for r in runs),
                        "ready_ms": min(r["ready"] for r in runs),
                    }
            finally:
                browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return out


def bench(n: int) -> dict[str, dict[str, float]]:
    with tempfile.TemporaryDirectory(prefix="maturity-pages-") as tmp:
        root = Path(tmp) / "org"
        make_org(root, n, n_groups=GROUPS)
        site = Path(tmp) / "site"
        subprocess.run([sys.executable, "-c", BUILD, str(root), str(site)], check=True, capture_output=True, cwd=REPO)
        return measure(site)


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [100, 1000, 10000]
    rows = [(n, bench(n)) for n in sizes]
    print(
        "| teams | page | HTML (kB) | gzipped (kB) | DOM nodes | longest task (ms, wall) | longest task (ms, CPU) "
        "| load event (ms) |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|---:|")
    for n, pages in rows:
        for name, m in pages.items():
            print(
                f"| {n} | {name} | {m['bytes'] / 1e3:.0f} | {m['gzip'] / 1e3:.0f} | {m['nodes']:.0f} "
                f"| {m['longest_ms']:.0f} | {m['longest_cpu_ms']:.0f} | {m['ready_ms']:.0f} |"
            )
    print(json.dumps([{"teams": n, **pages} for n, pages in rows]))


if __name__ == "__main__":
    main()
