"""``maturity serve``: a live preview that rebuilds only what a save changes.

MkDocs' live-reload server watches ``frameworks/``, ``answers/``, ``site_templates/``, the
crosswalk and ``maturity.yml``; one save triggers one rebuild. The answer files that changed are
re-read (the others are kept from the last rebuild, already validated and scored), only the pages
whose text changes are rewritten (the team's page and the overview pages that show its result),
and MkDocs rebuilds only those pages (its ``--dirty`` build), keeping raw HTML out of Markdown as
``maturity build`` does. A rebuild has two passes (see :class:`Preview`): the pages of what was
saved first, shown at once (the team's page; after a framework, template or settings edit, every
page but the team pages), then the other pages it changes. A change of the navigation rebuilds
every page. The open page reloads itself. Invalid input is reported on the console and the last
good pages stay up.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import ipaddress
import json
import logging
import shutil
import socket
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from mkdocs.plugins import BasePlugin, event_priority

from generator.fsio import remove_stale, temp_dir, write_atomic
from generator.parallel import collector_paused
from generator.problems import MaturityError
from generator.project import TeamCache, find_root, load_project, load_valid_project
from generator.site import build, links, mkdocs_config, pages, render, search
from generator.site.mkdocs_config import ConfigSource, config_source
from generator.site.stash import StashPlugin

if TYPE_CHECKING:
    from generator.crosswalk.views import TeamView
    from generator.model import Team
    from generator.review.history import History

#: What the preview watches (under the repository); a change to any but ``answers`` regenerates every page.
WATCHED = ("frameworks", "answers", "site_templates", "crosswalk", "maturity.yml")


def _stamps(root: Path, names: tuple[str, ...]) -> dict[str, tuple[int, int]]:
    """(mtime, size) of every file under ``names``."""
    out: dict[str, tuple[int, int]] = {}
    for name in names:
        top = root / name
        for path in [top] if top.is_file() else sorted(top.rglob("*")) if top.is_dir() else []:
            with contextlib.suppress(OSError):
                if path.is_file():
                    st = path.stat()
                    out[str(path)] = (st.st_mtime_ns, st.st_size)
    return out


class _QuietPreview(logging.Filter):
    """MkDocs' messages that say nothing in the preview: the dirty-build warning (the preview rebuilds every page
    when the navigation changes) and "page skipped" (:class:`_Pass` writes each page itself)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return "'dirty' build" not in message and not message.startswith("Page skipped")


class _Pass(BasePlugin):  # type: ignore[type-arg]
    """One pass of MkDocs over the preview's pages: which pages it rebuilds, each written whole.

    A page is rebuilt when ``wanted(src_uri)`` and its Markdown is newer than its HTML or ``forced(src_uri)``;
    once ``interrupted()`` (a newer save waits), no further page is. Each page is written through a
    temporary file and a rename, so a request during the pass gets the page as it was or as it is now.
    """

    def __init__(self, wanted: Callable[[str], bool], forced: Callable[[str], bool], interrupted: Callable[[], bool]) -> None:
        super().__init__()
        self.wanted, self.forced, self.interrupted = wanted, forced, interrupted
        self.stopped = False
        #: The pages written (source paths) and their URLs.
        self.built: set[str] = set()
        self.urls: set[str] = set()

    def on_files(self, files: Any, **kwargs: Any) -> Any:
        for file in files.documentation_pages():
            file.is_modified = functools.partial(self._modified, file.src_uri, file.is_modified)
        return files

    def _modified(self, src_uri: str, newer: Callable[[], bool]) -> bool:
        self.stopped = self.stopped or self.interrupted()  # once stopped, a page read is not built either
        return not self.stopped and self.wanted(src_uri) and (self.forced(src_uri) or newer())

    @event_priority(-100)  # last: the page as every other plugin left it
    def on_post_page(self, output: str, page: Any, **kwargs: Any) -> str:
        write_atomic(Path(page.file.abs_dest_path), output.encode("utf-8", errors="xmlcharrefreplace"))
        self.built.add(page.file.src_uri)
        self.urls.add(page.url)
        return ""  # written: MkDocs writes nothing more


class _CompiledTemplates:
    """Jinja's compiled templates kept in memory: the theme's templates are not compiled again on every rebuild."""

    def __init__(self) -> None:
        import jinja2

        class Cache(jinja2.BytecodeCache):
            def __init__(self) -> None:
                self.code: dict[str, bytes] = {}

            def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
                if bucket.key in self.code:
                    bucket.bytecode_from_string(self.code[bucket.key])

            def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
                self.code[bucket.key] = bucket.bytecode_to_string()

        self.cache = Cache()
        self.listed: dict[tuple[Any, ...], list[str]] = {}

    def use_for(self, cfg: Any) -> None:
        """Give every Jinja environment of ``cfg``'s theme this cache (keyed by template source, so edits are seen).

        The list of the theme's files (MkDocs walks the theme's folders, some 15,000 icons, and filters them on every
        build) is kept too: what it depends on (the theme, ``mkdocs.yml``) is not watched by the preview.
        """
        theme = cfg["theme"]
        make_env = theme.get_env
        dirs = tuple(theme.dirs)

        def get_env() -> Any:
            env = make_env()
            env.bytecode_cache = self.cache
            list_templates = env.list_templates

            def listed(extensions: Any = None, filter_func: Callable[[str], bool] | None = None) -> list[str]:
                key = (dirs, None if extensions is None else tuple(extensions), filter_func is None)
                if key not in self.listed:
                    self.listed[key] = list(list_templates(extensions, filter_func))
                return list(self.listed[key])

            env.list_templates = listed
            return env

        theme.get_env = get_env


class Preview:
    """The pages and the built site of the preview, and what the next rebuild can reuse.

    A rebuild has two passes. The first rewrites and rebuilds the pages of what was saved: after an answer
    save, the team's page; after a framework, template, crosswalk or settings edit, every page but the team
    pages. ``publish`` then shows it (the open page reloads). The second pass brings the other pages up to
    date (after an answer save, the overview, Teams, group and framework pages showing its result; after
    the other edits, the team pages), and stops as soon as ``interrupted()`` (another save waits): what it
    did not reach waits for the next rebuild's second pass. Every page is rebuilt whole, from one state of
    the input: old or new, never a mix.
    """

    def __init__(
        self,
        root: Path,
        docs: Path,
        site: Path,
        source: ConfigSource,
        *,
        serve_url: str = "",
        history: History | None = None,
        publish: Callable[[], None] = lambda: None,
        interrupted: Callable[[], bool] = lambda: False,
    ) -> None:
        self.root, self.docs, self.site, self.source, self.serve_url, self.history = root, docs, site, source, serve_url, history
        self.publish, self.interrupted = publish, interrupted
        cfg = build.load_mkdocs_config(source, docs_dir=str(docs), site_dir=str(site))
        self.options = build.site_options(cfg, downloads=False)
        self.configured_nav = cfg.get("nav")
        self.nav: list[Any] = []
        self.built = False
        self.team_cache: TeamCache = {}
        self.views: dict[str, tuple[Team, TeamView]] = {}
        #: The teams whose page (Markdown) is current, as they were rendered.
        self.rendered: dict[str, Team] = {}
        #: The teams whose page waits for the second pass, as they were when it was put off.
        self.deferred: dict[str, Team] = {}
        #: The team pages (source paths) whose HTML waits for the second pass though their Markdown is current.
        self.stale: set[str] = set()
        self.team_pages: dict[str, str] = {}  # team id -> its page's source path
        self.changed_teams: set[str] = set()  # the teams whose page the first pass rebuilds
        #: Whether the pages other than the team pages wait for the second pass (after an answer save).
        self.overview_pending = False
        self.org: pages.Org | None = None
        self.shared: dict[str, tuple[int, int]] | None = None
        self.templates: dict[str, tuple[int, int]] | None = None
        self.env: Any = None
        #: Every team page's search entry (see :mod:`generator.site.plugin`), kept across dirty builds.
        self.entries: dict[str, search.Entry] = {}
        self.compiled = _CompiledTemplates()

    def regenerate(self) -> bool:
        """Read and score what changed, and write the pages of the first pass; False (and the problems printed) when
        the input is invalid."""
        from generator.crosswalk.infer import Index
        from generator.crosswalk.views import team_view

        shared = _stamps(self.root, ("frameworks", "crosswalk", "maturity.yml"))
        templates = _stamps(self.root, ("site_templates",))
        if shared != self.shared:  # what every team is read and scored against changed
            self.team_cache.clear()
            self.views.clear()
        everything = shared != self.shared or templates != self.templates
        if everything:
            self.rendered.clear()
            self.env = None
        project = load_project(self.root, team_cache=self.team_cache)
        if project.problems:
            for p in project.problems.sorted():
                print(p, file=sys.stderr)
            print("maturity: pages not updated until the errors above are fixed", file=sys.stderr)
            return False
        self.shared, self.templates = shared, templates
        index = Index.build(project.crosswalk) if project.crosswalk is not None else None
        views = {}
        for team in project.teams:
            kept = self.views.get(team.id)
            views[team.id] = kept[1] if kept is not None and kept[0] is team else team_view(project, team, index)
        self.views = {t.id: (t, views[t.id]) for t in project.teams}
        self.org = org = pages.collect(project, self.options, self.history, views=views)
        self.env = self.env or render.environment(self.root)
        teams = {t.id: t for t in project.teams}
        self._forget(set(self.team_pages) - set(teams))
        if everything and self.built:  # every team page changes: they follow in the second pass
            self.deferred = dict(teams)
        self.changed_teams = {i for i, t in teams.items() if t is not self.rendered.get(i) and t is not self.deferred.get(i)}
        self.team_pages = {tid: links.team_page(tid) for tid in teams}
        if everything or not self.built:
            render.render_pages(org, self.docs, self.env, teams=self.changed_teams)
            self.overview_pending = False
        else:  # answer files saved: their teams' pages first, the pages showing their results in the second pass
            for tid in sorted(self.changed_teams):
                render.render_team_page(org, teams[tid], self.docs, self.env)
            self.overview_pending = True
        self.rendered.update((tid, teams[tid]) for tid in self.changed_teams)
        self.deferred = {tid: t for tid, t in self.deferred.items() if tid in teams and tid not in self.changed_teams}
        self.nav = build.merge_nav(self.configured_nav, render.nav(org))
        return True

    def _forget(self, gone: set[str]) -> None:
        """Remove the built pages and search entries of teams that are no longer there."""
        urls = links.Urls(self.options.directory_urls)
        for tid in gone:
            url = urls.url(self.team_pages[tid])
            page = _built_file(self.site, url)
            page.unlink(missing_ok=True)
            if url.endswith("/"):
                with contextlib.suppress(OSError):  # its folder, unless something else is in it
                    page.parent.rmdir()
            self.entries.pop(url, None)
            self.rendered.pop(tid, None)
            self.stale.discard(self.team_pages[tid])

    def rebuild(self) -> None:
        """The first pass, shown as soon as it is built, then the second (see the class).

        Python's cyclic garbage collector is paused meanwhile: it would walk everything the preview keeps
        (the organisation, every page MkDocs built) again and again while a rebuild reads and scores, and a
        rebuild leaves next to no garbage in cycles (some 150 objects at 1000 teams).
        """
        with collector_paused():
            self._rebuild()

    def _rebuild(self) -> None:
        from mkdocs.exceptions import MkDocsException

        started = time.perf_counter()
        nav_before = list(self.nav)
        try:
            if not self.regenerate():
                return
            later = {page for tid, page in self.team_pages.items() if tid not in self.changed_teams}
            nav_changed = self.built and self.nav != nav_before  # the navigation is on every page
            if nav_changed:
                self.stale |= later
            team_pages = set(self.team_pages.values())
            if not self.overview_pending:
                self._mkdocs(lambda page: page not in later, lambda page: nav_changed, full=not self.built)
            elif self.changed_teams:
                self._mkdocs(lambda page: page in team_pages and page not in later, lambda page: False)
        except (MaturityError, MkDocsException) as exc:
            if not self.built:
                raise
            print(f"maturity: error: the preview was not updated: {exc}", file=sys.stderr)
            return
        what = "updated" if self.built else "built"
        self.built = True
        print(f"maturity: preview {what} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        if self.overview_pending or self.deferred or self.stale:
            self.publish()
            self.catch_up()

    def catch_up(self) -> None:
        """The second pass: the pages left behind, until done or ``interrupted()``."""
        from mkdocs.exceptions import MkDocsException

        started = time.perf_counter()
        assert self.org is not None
        try:
            if self.interrupted():
                return
            if self.overview_pending:
                render.render_pages(self.org, self.docs, self.env, teams=(), interrupted=self.interrupted)
            for tid, team in sorted(self.deferred.items()):
                if self.interrupted():
                    return
                render.render_team_page(self.org, team, self.docs, self.env)
                self.rendered[tid] = team
                del self.deferred[tid]
            if self.interrupted():
                return
            built = self._mkdocs(lambda page: True, self.stale.__contains__, interruptible=True)
        except render.Interrupted:  # the pages it wrote stay; the next rebuild's second pass writes them all again
            return
        except (MaturityError, MkDocsException) as exc:
            print(f"maturity: error: the preview was not updated: {exc}", file=sys.stderr)
            return
        self.stale -= built
        if not self.interrupted():
            self.overview_pending = False
            print(f"maturity: the other pages updated in {time.perf_counter() - started:.1f} s", file=sys.stderr)
            self.publish()

    def _mkdocs(
        self, wanted: Callable[[str], bool], forced: Callable[[str], bool], *, full: bool = False, interruptible: bool = False
    ) -> set[str]:
        """Let MkDocs rebuild the pages ``wanted`` whose Markdown changed or that are ``forced`` (every page when ``full``).

        Returns the pages (source paths) it wrote.
        """
        from mkdocs.commands.build import build as mkdocs_build

        cfg = build.load_mkdocs_config(self.source, docs_dir=str(self.docs), site_dir=str(self.site), nav=self.nav)
        if self.serve_url:
            cfg["site_url"] = self.serve_url
        cfg["plugins"]["maturity/stash"] = StashPlugin()
        cfg["plugins"]["maturity/pass"] = chosen = _Pass(wanted, forced, self.interrupted if interruptible else lambda: False)
        self.compiled.use_for(cfg)
        old_index = None if full else _read_index(self.site)
        quiet = _QuietPreview()
        logging.getLogger("mkdocs.commands.build").addFilter(quiet)
        try:
            mkdocs_build(cfg, serve_url=self.serve_url or None, dirty=not full)
        finally:
            logging.getLogger("mkdocs.commands.build").removeFilter(quiet)
        written = getattr(cfg["plugins"].get(mkdocs_config.PLUGIN), "entries", [])
        self.entries = {**({} if full else self.entries), **{e.location: e for e in written}}
        if old_index is not None:
            _merge_index(self.site, old_index, chosen.urls, list(self.entries.values()))
        return chosen.built


def _built_file(site: Path, url: str) -> Path:
    """The file in ``site`` that serves the page at ``url`` (a folder's URL is its ``index.html``)."""
    return site / url / "index.html" if url == "" or url.endswith("/") else site / url


def _read_index(site: Path) -> dict[str, Any] | None:
    try:
        return dict(json.loads((site / search.INDEX_JSON).read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return None


def _merge_index(site: Path, old: dict[str, Any], rebuilt: set[str], entries: list[search.Entry]) -> None:
    """A dirty build indexes only the pages it rebuilt: keep the earlier entries of every other page still there.

    The team pages' own entries (which take the place of their rows on the Teams page) are placed
    again from ``entries``, whichever pages were rebuilt.
    """
    new = _read_index(site)
    if new is None:
        return
    own = {e.location for e in entries}
    old_docs = [(str(d.get("location", "")).split("#")[0], d) for d in old.get("docs", [])]  # (page, entry)
    there = {url for url in {page for page, _ in old_docs} - rebuilt if _built_file(site, url).is_file()}
    kept = [d for page, d in old_docs if page in there]
    docs = [d for d in kept + list(new.get("docs", [])) if d.get("location") not in own]
    merged = search.retarget({**new, "docs": docs}, entries)
    write_atomic(site / search.INDEX_JSON, json.dumps(merged, separators=(",", ":")))


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
    from mkdocs.livereload import LiveReloadServer, _timestamp

    class HostCheckedServer(LiveReloadServer):  # type: ignore[misc]
        def serve_request(self, environ: dict[str, Any], start_response: Any) -> Any:
            if not allowed_host(str(environ.get("HTTP_HOST", "")), served_host):
                start_response("403 Forbidden", [("Content-Type", "text/plain; charset=utf-8")])
                return [b"403 Forbidden: unknown Host header (the preview answers localhost and IP addresses only)\n"]
            return super().serve_request(environ, start_response)

        # The two below reach into LiveReloadServer (MkDocs 1.6, the last 1.x): it has no API for a build in passes.
        def publish(self) -> None:
            """Serve the pages built so far and reload the open ones, while the build goes on (see :class:`Preview`)."""
            with self._epoch_cond:
                self._wanted_epoch = self._visible_epoch = _timestamp()
                self._epoch_cond.notify_all()

        def change_waiting(self) -> bool:
            """True when a watched file changed since the current build started."""
            return bool(self._want_rebuild)

    return HostCheckedServer


def check_address(host: str, port: int) -> None:
    """Refuse, before the preview is built, an address this machine cannot serve on (a port in use, say)."""
    try:
        family = socket.AF_INET6 if isinstance(ipaddress.ip_address(host), ipaddress.IPv6Address) else socket.AF_INET
    except ValueError:  # a host name: the server looks it up
        family = socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server binds
            probe.bind((host, port))
    except OSError as exc:
        raise _unservable(host, port, exc) from None


def _unservable(host: str, port: int, exc: OSError) -> MaturityError:
    return MaturityError(
        f"cannot serve on {host}:{port}: {exc.strerror or exc}; "
        "choose another address with --dev-addr (e.g. --dev-addr 127.0.0.1:8001)"
    )


def serve(root: Path | None, dev_addr: str = "127.0.0.1:8000") -> int:
    """Build the preview, then serve it and rebuild on every change (until interrupted)."""
    from mkdocs.livereload import _serve_url

    root = (root or find_root()).resolve()
    project = load_valid_project(root, "nothing to preview")
    remove_stale(build.SERVE_PREFIX)
    docs, site = temp_dir(build.SERVE_PREFIX), temp_dir(build.SERVE_PREFIX)
    try:
        render.prepare(docs)
        source = config_source(root)
        with build.mkdocs_logging():
            cfg = build.load_mkdocs_config(source, docs_dir=str(docs), dev_addr=dev_addr)
        host, port = cfg["dev_addr"]
        check_address(host, port)
        mount = urlsplit(cfg.get("site_url") or "/").path
        history = build.load_history(root, project)
        with build.mkdocs_logging(logging.INFO):
            preview = Preview(root, docs, site, source, serve_url=_serve_url(host, port, mount), history=history)
            preview.rebuild()
            if not preview.built:
                raise MaturityError("the site cannot be previewed until the errors are fixed")
            server = _host_checked_server(host)(builder=preview.rebuild, host=host, port=port, root=str(site), mount_path=mount)
            preview.publish, preview.interrupted = server.publish, server.change_waiting
            for name in WATCHED:
                if (root / name).exists():
                    server.watch(str(root / name))
            try:
                server.serve()
            except KeyboardInterrupt:
                pass
            except OSError as exc:
                if exc.errno not in (errno.EADDRINUSE, errno.EADDRNOTAVAIL, errno.EACCES):
                    raise
                raise _unservable(host, port, exc) from None  # taken since check_address looked
            finally:
                server.shutdown()
    finally:
        shutil.rmtree(docs, ignore_errors=True)
        shutil.rmtree(site, ignore_errors=True)
    return 0
