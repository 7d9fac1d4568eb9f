"""Screenshots of every page type of the example site, for a reviewer to look at (not run by the tests).

    .venv/bin/python scripts/screenshots.py [--site-dir DIR] [--out DIR]

Builds the example site (this repository's frameworks and answers) unless ``--site-dir`` points
at a built one, serves it on localhost and saves, for each page type, a full-page PNG at 375 px
(a phone) and 1280 px (a laptop), in the light and the dark scheme, plus a print preview of a
team page and the home page as PDF. Output goes to ``build/screenshots/`` (not committed).
Uses Debian's Chromium through Playwright (``/usr/bin/chromium``).
"""

from __future__ import annotations

import argparse
import functools
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
WIDTHS = (375, 1280)
SCHEMES = ("light", "dark")


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def page_types(site: Path) -> dict[str, str]:
    """One URL path per page type that the built site has (the first team, framework and group; the crosswalk)."""
    found = {"home": "", "teams": "teams/", "frameworks": "frameworks/", "about": "about/"}
    if (site / "crosswalk" / "index.html").is_file():
        found["crosswalk"] = "crosswalk/"
    if (site / "framework" / "gigaom-mlops" / "index.html").is_file():
        found["rubric-framework"] = "framework/gigaom-mlops/"
    for kind, folder in (("framework", "framework"), ("team", "team"), ("group", "group")):
        pages = sorted(p for p in (site / folder).glob("*/index.html")) if (site / folder).is_dir() else []
        if pages:
            found[kind] = f"{folder}/{pages[0].parent.name}/"
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site-dir", type=Path, help="a built site (default: build the example site)")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "screenshots")
    args = parser.parse_args()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="maturity-shots-") as tmp:
        site = args.site_dir
        if site is None:
            from generator.site.build import build_site

            site = Path(tmp) / "site"
            build_site(ROOT, site)
        server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        kinds = page_types(site)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
                for scheme in SCHEMES:
                    for width in WIDTHS:
                        ctx = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
                        page = ctx.new_page()
                        for kind, path in kinds.items():
                            page.goto(base + path)
                            page.screenshot(path=str(out / f"{kind}-{width}-{scheme}.png"), full_page=True)
                        if width == WIDTHS[0]:  # the search results, open, on a phone
                            page.goto(base)
                            page.locator("label.md-header__button[for='__search']").click()
                            page.keyboard.type("monitoring", delay=20)
                            page.locator(".md-search-result__item").first.wait_for()
                            page.screenshot(path=str(out / f"search-{width}-{scheme}.png"))
                        ctx.close()
                ctx = browser.new_context(viewport={"width": 1280, "height": 900})
                page = ctx.new_page()
                for kind in ("team", "home"):
                    if kind in kinds:
                        page.goto(base + kinds[kind])
                        page.emulate_media(media="print")
                        page.pdf(path=str(out / f"{kind}-print.pdf"), format="A4", print_background=True)
                        page.screenshot(path=str(out / f"{kind}-print-1280.png"), full_page=True)
                        page.emulate_media(media="screen")
                ctx.close()
                browser.close()
        finally:
            server.shutdown()
            server.server_close()
    print(f"screenshots in {out}")
    for f in sorted(out.iterdir()):
        print(f"  {f.name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
