"""Shared fixtures: small frameworks and teams written into a temporary repository."""

from __future__ import annotations

import functools
import textwrap
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]

DEMO_FRAMEWORK = """\
id: demo
title: Demo levels
version: "1.0"
sources:
  - {id: doc, title: Demo source}
levels:
  - {level: 0, name: Start}
  - {level: 1, name: Basic}
  - {level: 2, name: Advanced}
scoring:
  - rule: cumulative-levels
  - rule: weighted-percentage
  - rule: required-set
    name: Basics done
    sections: [build]
sections:
  - id: build
    title: Build
    statements:
      - {id: b1, text: Code is versioned., level: 1, source: "1"}
      - {id: b2, text: Builds are automated., level: 2, source: "2", weight: 3}
  - id: run
    title: Run
    statements:
      - {id: r1, text: Models are monitored., level: 1, source: "3"}
      - {id: r2, text: Retraining is triggered by monitoring., level: 2, source: "4"}
"""

RUBRIC_FRAMEWORK = """\
id: rub
title: Rubric demo
version: "2"
sources:
  - {id: doc, title: Rubric source}
levels:
  - {level: 0, name: None}
  - {level: 1, name: Some}
  - {level: 2, name: Lots}
scoring:
  - rule: rubric
sections:
  - id: strategy
    title: Strategy
    statements:
      - id: strategy
        kind: rubric
        text: Which fits?
        source: Strategy row
        choices:
          - {level: 0, text: nothing}
          - {level: 1, text: a little}
          - {level: 2, text: a lot}
  - id: people
    title: People
    statements:
      - id: people
        kind: rubric
        text: Which fits?
        source: People row
        choices:
          - {level: 0, text: nothing}
          - {level: 1, text: a little}
          - {level: 2, text: a lot}
"""


class Repo:
    """A throwaway assessment repository."""

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "frameworks").mkdir()
        (root / "answers").mkdir()

    def framework(self, name: str, text: str) -> Path:
        path = self.root / "frameworks" / f"{name}.yaml"
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def team(self, name: str, text: str) -> Path:
        path = self.root / "answers" / f"{name}.yaml"
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def raw_team(self, name: str, data: bytes) -> Path:
        path = self.root / "answers" / f"{name}.yaml"
        path.write_bytes(data)
        return path


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    r = Repo(tmp_path)
    r.framework("demo", DEMO_FRAMEWORK)
    r.framework("rub", RUBRIC_FRAMEWORK)
    return r


# -- the real browser, shared by every browser test of the session -----------------

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:  # keep the test output clean
        pass


@contextmanager
def serve_dir(directory: Path) -> Iterator[str]:
    """Serve a built site on localhost; yields its base URL (ending in ``/``)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium through Playwright (no browser is downloaded), launched once per session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@dataclass(frozen=True)
class BuiltSite:
    """This repository's example site, built once per session and served on localhost."""

    url: str
    path: Path


@pytest.fixture(scope="session")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BuiltSite]:
    from generator.site.build import build_site

    site = tmp_path_factory.mktemp("example") / "site"
    build_site(REPO, site)
    with serve_dir(site) as url:
        yield BuiltSite(url, site)
