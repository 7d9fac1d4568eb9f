"""``maturity serve``: MkDocs' live-reload server over pages regenerated whenever a framework or answer file changes.

A small polling thread watches ``frameworks/``, ``answers/`` and ``site_templates/``; on a
change it reloads the project and rewrites only the pages whose text changed. MkDocs
watches the generated folder and rebuilds, and the open page reloads itself.
Invalid input is reported on the console and the last good pages stay up.
"""

from __future__ import annotations

import contextlib
import ipaddress
import shutil
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.fsio import remove_stale, temp_dir
from generator.problems import MaturityError
from generator.project import find_root, load_project, load_valid_project
from generator.site import build, pages, render
from generator.site.mkdocs_config import config_source

if TYPE_CHECKING:
    from generator.review.history import History

POLL_SECONDS = 0.5
WATCHED = ("frameworks", "answers", "site_templates")


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    """(mtime, size) of every file under the watched folders."""
    out: dict[str, tuple[int, int]] = {}
    for name in WATCHED:
        folder = root / name
        if folder.is_dir():
            for path in folder.rglob("*"):
                try:
                    st = path.stat()
                except OSError:
                    continue
                if path.is_file():
                    out[str(path)] = (st.st_mtime_ns, st.st_size)
    return out


class Regenerator:
    """Regenerates the pages into ``docs`` from the project at ``root``."""

    def __init__(
        self,
        root: Path,
        docs: Path,
        options: pages.SiteOptions,
        nav: list[object],
        configured_nav: list[object] | None,
        history: History | None = None,
    ):
        self.root, self.docs, self.options, self.nav, self.configured_nav = root, docs, options, nav, configured_nav
        self.history = history

    def run(self) -> bool:
        """Regenerate; False (and the problems printed) when the input is invalid."""
        project = load_project(self.root)
        if project.problems:
            for p in project.problems.sorted():
                print(p, file=sys.stderr)
            print("maturity: pages not updated until the errors above are fixed", file=sys.stderr)
            return False
        org = pages.collect(project, self.options, self.history)
        render.render_pages(org, self.docs)
        self.nav[:] = build.merge_nav(self.configured_nav, render.nav(org))  # type: ignore[arg-type]
        return True


def watch(root: Path, regen: Regenerator, stop: threading.Event, interval: float = POLL_SECONDS) -> None:
    """Poll the watched folders until ``stop`` is set; regenerate on every change."""
    last = snapshot(root)
    while not stop.wait(interval):
        now = snapshot(root)
        if now != last:
            last = now
            try:
                if regen.run():
                    print("maturity: pages regenerated", file=sys.stderr)
            except Exception as exc:  # noqa: BLE001 - keep serving; report and wait for the next change
                print(f"maturity: error: regenerating the pages failed: {exc}", file=sys.stderr)


def allowed_host(host_header: str, served_host: str) -> bool:
    """True when a request's ``Host`` names this machine: an IP address, ``localhost``, or the host served on.

    A page on another site cannot reach the preview through DNS rebinding: its requests carry that
    site's own name in ``Host``, which is refused.
    """
    host = host_header.strip().lower().rstrip(".")
    if host.startswith("["):
        name = host[1 : host.find("]")] if "]" in host else host
    else:
        name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    if not name:
        return False
    if name in ("localhost", served_host.strip("[]").lower()) or name.endswith(".localhost"):
        return True
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def _host_checked_server(served_host: str) -> Any:
    """MkDocs' live-reload server, answering 403 to a request whose ``Host`` is not this machine."""
    from mkdocs.livereload import LiveReloadServer

    class HostCheckedServer(LiveReloadServer):  # type: ignore[misc]
        def serve_request(self, environ: dict[str, Any], start_response: Any) -> Any:
            if not allowed_host(str(environ.get("HTTP_HOST", "")), served_host):
                start_response("403 Forbidden", [("Content-Type", "text/plain; charset=utf-8")])
                return [b"403 Forbidden: unknown Host header (the preview answers localhost and IP addresses only)\n"]
            return super().serve_request(environ, start_response)

    return HostCheckedServer


@contextlib.contextmanager
def host_checked(dev_addr: str) -> Iterator[None]:
    """While inside, ``mkdocs serve`` uses the Host-checking server (MkDocs has no option for it)."""
    import mkdocs.commands.serve as mkdocs_serve_module

    served_host = dev_addr.rsplit(":", 1)[0] if ":" in dev_addr else dev_addr
    plain_server = mkdocs_serve_module.LiveReloadServer
    mkdocs_serve_module.LiveReloadServer = _host_checked_server(served_host)  # type: ignore[misc]
    try:
        yield
    finally:
        mkdocs_serve_module.LiveReloadServer = plain_server  # type: ignore[misc]


def serve(root: Path | None, dev_addr: str = "127.0.0.1:8000") -> int:
    """Build the pages, start the watcher and MkDocs' live-reload server (until interrupted)."""
    import logging

    from mkdocs.commands.serve import serve as mkdocs_serve

    root = (root or find_root()).resolve()
    project = load_valid_project(root, "nothing to preview")
    remove_stale(build.SERVE_PREFIX)
    docs = temp_dir(build.SERVE_PREFIX)
    stop = threading.Event()
    try:
        render.prepare(docs)
        source = config_source(root)
        with build.mkdocs_logging():
            cfg = build.load_mkdocs_config(source, docs_dir=str(docs))
        nav: list[object] = []
        history = build.load_history(root, project)
        regen = Regenerator(root, docs, build.site_options(cfg, downloads=False), nav, cfg.get("nav"), history)
        if not regen.run():
            raise MaturityError("the site cannot be previewed until the errors are fixed")
        thread = threading.Thread(target=watch, args=(root, regen, stop), daemon=True)
        thread.start()
        with build.mkdocs_logging(logging.INFO), host_checked(dev_addr):
            mkdocs_serve(str(source.path), **source.overrides, docs_dir=str(docs), dev_addr=dev_addr, nav=nav, livereload=True)
    finally:
        stop.set()
        shutil.rmtree(docs, ignore_errors=True)
    return 0
