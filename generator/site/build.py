"""``maturity build`` and ``maturity serve``: validate, generate the pages, build them with MkDocs, swap the site in.

A failed build (invalid input, a MkDocs warning in strict mode, a workbook error) leaves
the previous site directory exactly as it was: everything is built into a temporary
folder next to the target and renamed into place at the end.
"""

from __future__ import annotations

import argparse
import copy
import csv
import datetime as dt
import io
import json
import logging
import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mkdocs.plugins import BasePlugin

from generator.fsio import remove_stale, temp_dir, world_readable
from generator.parallel import collector_paused
from generator.problems import MaturityError, Problems, print_warnings
from generator.progress import Progress
from generator.project import Project, find_root, load_valid_project
from generator.site import links, pages, render
from generator.site.mkdocs_config import ConfigSource, check_written_config, config_source, effective_config, write_config
from generator.site.stash import StashPlugin

if TYPE_CHECKING:
    from generator.review.history import History

SITE_MARKER = ".maturity-site"
EXIT_OK = 0


@dataclass
class BuildResult:
    """What a build produced and how long each stage took (seconds)."""

    site_dir: Path
    pages: int = 0
    teams: int = 0
    workbooks: int = 0
    timings: dict[str, float] = field(default_factory=dict)


def load_history(root: Path, project: Project) -> History | None:
    """The maturity history from git, or None (with a warning) when it cannot be read."""
    from generator.review.history import collect_history

    try:
        return collect_history(root, project.frameworks)
    except Exception as exc:  # noqa: BLE001 - history is optional; the site is built without it
        print(f"maturity: warning: history not available: {exc}", file=sys.stderr)
        return None


@contextmanager
def mkdocs_logging(level: int = logging.WARNING) -> Iterator[None]:
    """Show MkDocs messages at ``level`` and above on stderr while building."""
    logger = logging.getLogger("mkdocs")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("mkdocs: %(levelname)s: %(message)s"))
    handler.setLevel(level)
    old_level, old_propagate = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(min(level, logging.WARNING))
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
        logger.propagate = old_propagate


def load_mkdocs_config(source: ConfigSource, **overrides: Any) -> Any:
    """MkDocs' configuration from ``source`` (see :mod:`generator.site.mkdocs_config`), with ``overrides``."""
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

    try:
        # a copy: MkDocs empties the mappings of ``markdown_extensions`` it reads, and ``serve`` loads the same source again
        return load_config(str(source.path), **{**copy.deepcopy(source.overrides), **overrides})
    except (ConfigurationError, Abort) as exc:
        raise MaturityError(f"{source.path}: {exc}") from None


def site_options(cfg: Any, downloads: bool) -> pages.SiteOptions:
    return pages.SiteOptions(
        repo_url=cfg.get("repo_url") or "",
        edit_uri=cfg.get("edit_uri") or "",
        directory_urls=bool(cfg.get("use_directory_urls", True)),
        downloads=downloads,
        site_name=cfg.get("site_name") or "MLOps maturity",
    )


def merge_nav(configured: list[Any] | None, generated: list[Any]) -> list[Any]:
    """Keep the navigation of mkdocs.yml, with the section holding ``frameworks.md`` listing every framework."""
    if not configured:
        return generated
    frameworks_section = next(e for e in generated if isinstance(e, dict) and "Frameworks" in e)

    def holds_frameworks(entry: Any) -> bool:
        if isinstance(entry, str):
            return entry == links.FRAMEWORKS
        if isinstance(entry, dict):
            return any(holds_frameworks(v) for v in entry.values())
        if isinstance(entry, list):
            return any(holds_frameworks(v) for v in entry)
        return False

    out: list[Any] = []
    for entry in configured:
        if holds_frameworks(entry):
            title = next(iter(entry)) if isinstance(entry, dict) else "Frameworks"
            out.append({title: frameworks_section["Frameworks"]})
        else:
            out.append(entry)
    return out


DOCS_PREFIX = "maturity-docs-"
SERVE_PREFIX = "maturity-serve-"


def _remove_stale_folders(site_dir: Path) -> None:
    """Remove what a build or preview killed mid-way left behind (staging, downloads, old site, pages)."""
    for kind in ("building", "downloads", "old"):
        remove_stale(f".{site_dir.name}.{kind}-", site_dir.parent)
    remove_stale(DOCS_PREFIX)
    remove_stale(SERVE_PREFIX)


def _check_site_dir(site_dir: Path, root: Path, docs_dir: Path) -> None:
    if site_dir == root or site_dir in root.parents or root in site_dir.parents and site_dir.name in ("frameworks", "answers"):
        raise MaturityError(f"refusing to build the site into {site_dir}: it holds the repository")
    if docs_dir == site_dir or site_dir in docs_dir.parents or docs_dir in site_dir.parents:
        raise MaturityError("the site folder and the docs folder must not be inside each other")
    if site_dir.exists():
        if not site_dir.is_dir():
            raise MaturityError(f"{site_dir} exists and is not a folder")
        if any(site_dir.iterdir()) and not (site_dir / SITE_MARKER).is_file():
            raise MaturityError(
                f"refusing to replace {site_dir}: it is not empty and was not written by `maturity build` "
                f"(no {SITE_MARKER} file in it); choose an empty or new folder"
            )


def _export_blanks(project: Project, out_dir: Path) -> int:
    """The blank workbook of every framework (framework pages link them, so they are there before MkDocs runs)."""
    from generator.workbook.export import export_workbook as export

    out_dir.mkdir(parents=True, exist_ok=True)
    for fid in sorted(project.frameworks):
        export(project, [fid], None, out_dir / Path(links.blank_workbook(fid)).name)
    return len(project.frameworks)


def _export_team_workbooks(project: Project, out_dir: Path, today: dt.date | None = None) -> int:
    from generator.workbook.export import export_workbook as export

    out_dir.mkdir(parents=True, exist_ok=True)
    count = 0
    for team in project.teams:
        answered = project.answered_by(team)  # the practice catalogue too, for a team that answers it
        if answered:
            export(project, answered, team, out_dir / Path(links.team_workbook(team.id)).name, today)
            count += 1
    return count


def _workbook_child(
    project: Project, out_dir: Path, conn: Any, today: dt.date | None = None
) -> None:  # pragma: no cover - runs in a forked process
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the parent stops it with SIGTERM and cleans up itself
    try:
        started = time.perf_counter()
        blanks = _export_blanks(project, out_dir)
        conn.send(("blanks", blanks))
        n = blanks + _export_team_workbooks(project, out_dir, today)
        conn.send(("ok", n, time.perf_counter() - started))
    except MaturityError as exc:
        conn.send(("error", str(exc), "\n".join(map(str, exc.problems.sorted()))))
    except BaseException:  # noqa: BLE001 - reported to the parent, which fails the build
        conn.send(("error", "writing the workbooks failed", traceback.format_exc()))
    finally:
        conn.close()


class ProgressPlugin(BasePlugin):  # type: ignore[type-arg]
    """Counts the pages MkDocs renders, then writes, on a :class:`~generator.progress.Progress`."""

    def __init__(self, progress: Progress) -> None:
        super().__init__()
        self.progress = progress

    def on_page_content(self, html: str, **kwargs: Any) -> str:
        self.progress.step(label="MkDocs: rendering pages")
        return html

    def on_post_page(self, output: str, **kwargs: Any) -> str:
        self.progress.step(label="MkDocs: writing pages")
        return output


class _Workbooks:
    """Workbooks written in a forked process while MkDocs builds (two cores: about twice as fast)."""

    def __init__(self, project: Project, out_dir: Path, parallel: bool, today: dt.date | None = None) -> None:
        self.out_dir, self.started, self.today = out_dir, time.perf_counter(), today
        #: kept for writing here; a forked worker has its own copy
        self.project: Project | None = project
        self.proc: Any = None
        self.count, self.spent = 0, 0.0
        if parallel and "fork" in multiprocessing.get_all_start_methods():
            ctx = multiprocessing.get_context("fork")
            self.conn, child = ctx.Pipe(duplex=False)
            self.proc = ctx.Process(target=_workbook_child, args=(project, out_dir, child, today), daemon=True)
            self.proc.start()
            child.close()
            self.project = None

    def _receive(self) -> tuple[Any, ...]:
        try:
            msg: tuple[Any, ...] = self.conn.recv()
        except EOFError:
            msg = ("error", "writing the workbooks failed (the worker stopped)", "")
        if msg[0] == "error":
            self.proc.join()
            if msg[2]:
                print(msg[2], file=sys.stderr)
            raise MaturityError(f"site not built: {msg[1]}")
        return msg

    def blanks(self) -> None:
        """Wait for the blank workbooks (written first). Raises MaturityError on failure."""
        if self.project is not None:
            self.spent = time.perf_counter()
            self.count = _export_blanks(self.project, self.out_dir)
            self.spent = time.perf_counter() - self.spent
        else:
            self._receive()

    def finish(self) -> tuple[int, float]:
        """Wait for every workbook; (count, seconds spent writing them). Raises MaturityError on failure."""
        if self.project is not None:
            started = time.perf_counter()
            n = self.count + _export_team_workbooks(self.project, self.out_dir, self.today)
            return n, self.spent + time.perf_counter() - started
        msg = self._receive()
        self.proc.join()
        return int(msg[1]), float(msg[2])

    def cancel(self) -> None:
        if self.proc is not None and self.proc.is_alive():
            self.proc.terminate()
            self.proc.join()


def _refuse_script_in_pages(site: Path) -> None:
    """The safety net of the escaping: no built page may hold an event handler or a script URL."""
    from generator.site.escape import script_attributes

    for page in sorted(site.rglob("*.html")):
        found = script_attributes(page.read_text(encoding="utf-8", errors="replace"))
        if found:
            raise MaturityError(
                f"site not built: {page.relative_to(site).as_posix()} would hold {', '.join(sorted(set(found))[:3])} "
                "(script in a page); some text reached it unescaped: check the project's site_templates/, "
                "or report this as a bug"
            )


def csv_cell(value: Any) -> Any:
    """A CSV value a spreadsheet shows as written: text that would start a formula (= + - @) gets a leading '."""
    from generator.workbook.layout import FORMULA_LIKE

    if isinstance(value, str) and (FORMULA_LIKE.match(value) or value[:1] in ("\t", "\r")):
        return "'" + value
    return value


def _write_history(history: Any, project: Project, docs: Path) -> None:
    """``history/<team>.csv`` and ``.json`` into the pages' folder, where an engine copies them like any file."""
    if history is None or not getattr(history, "available", False):
        return
    out = docs / "history"
    out.mkdir(parents=True, exist_ok=True)
    fields = ["team", "commit", "date", "framework", "level", "percent", "headline", "problem"]
    for team in project.teams:
        rows = pages.history_rows(history, team.id)
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: csv_cell(v) for k, v in row.items()} for row in rows)
        (out / f"{team.id}.csv").write_text(buf.getvalue(), encoding="utf-8")
        (out / f"{team.id}.json").write_text(json.dumps(rows, indent=1), encoding="utf-8")


def _link_files(names: list[Path], out: Path) -> None:
    """Hard links to ``names`` in ``out`` (copies where the file system has none)."""
    out.mkdir(parents=True, exist_ok=True)
    for path in names:
        try:
            os.link(path, out / path.name)
        except OSError:
            shutil.copyfile(path, out / path.name)


def _publish_downloads(written: Path, docs: Path | None, site_downloads: Path) -> None:
    """Put the team workbooks (written while MkDocs built) into the site, and into the kept pages' folder ``docs``.

    In ``docs/downloads/`` an engine's own clean build of the pages copies them like any other file; the blank
    workbooks are there already (put before MkDocs ran, which copied them into the site).
    """
    team_books = sorted(p for p in written.iterdir() if not p.name.startswith(links.BLANK_PREFIX))
    if docs is not None:
        _link_files(team_books, docs / "downloads")
    site_downloads.mkdir(parents=True, exist_ok=True)
    for path in team_books:
        os.replace(path, site_downloads / path.name)


def _print_warnings(project: Project) -> None:
    """The warnings ``maturity validate`` would print (the build goes on), so both say the same."""
    from generator import answerschema
    from generator.review.codeowners import check

    warnings = Problems()
    warnings.extend(project.problems)
    warnings.extend(check(project))
    warnings.extend(answerschema.check(project))
    print_warnings(warnings)


def build_site(
    root: Path | None = None,
    site_dir: Path | None = None,
    docs_dir: Path | None = None,
    *,
    workbooks: bool = True,
    history: bool = True,
    parallel: bool = True,
    offline: bool = False,
    today: dt.date | None = None,
    accelerate: bool = True,
) -> BuildResult:
    """Validate, generate the pages, build them with MkDocs and swap the result into ``site_dir``.

    ``today`` (default: the system date) is the day answer ages and due dates are measured from.
    ``accelerate=False`` builds without the plugin that keeps raw HTML out of Markdown (same pages, slower).
    """
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.exceptions import MkDocsException

    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    root = (root or find_root()).resolve()
    project = load_valid_project(root, "site not built", today)
    _print_warnings(project)
    timings["load+validate"] = time.perf_counter() - t0

    site_dir = (site_dir or root / "site").resolve()
    if docs_dir is not None:
        _check_site_dir(site_dir, root, Path(docs_dir).resolve())
    else:
        _check_site_dir(site_dir, root, Path(tempfile.gettempdir()) / "maturity-docs")
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_folders(site_dir)
    tmp_docs = None if docs_dir is not None else temp_dir(DOCS_PREFIX)
    docs = Path(docs_dir).resolve() if docs_dir is not None else Path(tmp_docs) / "docs"  # type: ignore[arg-type]
    check_written_config(docs)
    staging = temp_dir(f".{site_dir.name}.building-", site_dir.parent)
    downloads_tmp = temp_dir(f".{site_dir.name}.downloads-", site_dir.parent)
    wb: _Workbooks | None = None
    try:
        try:
            render.prepare(docs)
        except (FileExistsError, NotADirectoryError):
            raise MaturityError(
                f"refusing to write pages into {docs}: it is not empty and was not written by `maturity build`"
            ) from None
        with mkdocs_logging():
            cfg = load_mkdocs_config(config_source(root, offline=offline), docs_dir=str(docs), site_dir=str(staging), strict=True)

        t = time.perf_counter()
        hist = load_history(root, project) if history else None
        timings["history"] = time.perf_counter() - t

        if workbooks:
            wb = _Workbooks(project, downloads_tmp, parallel, today)

        t = time.perf_counter()
        with collector_paused(), Progress("generating team pages", len(project.teams)) as shown:
            org = pages.collect(project, site_options(cfg, workbooks), hist, today)
            files = render.render_pages(org, docs, timings=timings, progress=shown)
        _write_history(hist, project, docs)
        nav, n_teams = render.nav(org), len(project.teams)
        # MkDocs reuses their memory: the build's peak is MkDocs' own plus what the workbooks still need
        del org, hist, project
        timings["pages"] = time.perf_counter() - t
        if wb is not None:
            t = time.perf_counter()
            wb.blanks()
            timings["blank workbooks (wait)"] = time.perf_counter() - t
            _link_files(sorted(downloads_tmp.glob(f"{links.BLANK_PREFIX}*")), docs / "downloads")
        # The build reads the configuration it writes next to the pages (the one `mkdocs build -f` and
        # `zensical build -f` read); only the accelerator and the progress display are added here.
        written = write_config(docs, effective_config(root, docs, merge_nav(cfg.get("nav"), nav), offline=offline))
        with mkdocs_logging():
            cfg = load_mkdocs_config(ConfigSource(written), site_dir=str(staging), strict=True)
        if accelerate:
            cfg["plugins"]["maturity/stash"] = StashPlugin()

        t = time.perf_counter()
        md_pages = sum(1 for f in files if f.suffix == ".md")
        with mkdocs_logging(), Progress("MkDocs: rendering pages", 2 * md_pages) as shown:
            cfg["plugins"]["maturity/progress"] = ProgressPlugin(shown)
            try:
                mkdocs_build(cfg)
            except MkDocsException as exc:
                raise MaturityError(f"site not built: MkDocs failed: {exc.format_message()}") from None
        timings["mkdocs"] = time.perf_counter() - t
        t = time.perf_counter()
        _refuse_script_in_pages(staging)
        timings["script check"] = time.perf_counter() - t

        t = time.perf_counter()
        n_workbooks = 0
        if wb is not None:
            n_workbooks, spent = wb.finish()
            timings["workbooks"] = spent
            timings["workbooks (wait)"] = time.perf_counter() - t
            _publish_downloads(downloads_tmp, docs if tmp_docs is None else None, staging / "downloads")
        (staging / SITE_MARKER).write_text("Built by `maturity build`.\n", encoding="utf-8")
        world_readable(staging)

        t = time.perf_counter()
        _swap(staging, site_dir)
        timings["swap"] = time.perf_counter() - t
    except BaseException:
        if wb is not None:
            wb.cancel()
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        shutil.rmtree(downloads_tmp, ignore_errors=True)
        if tmp_docs is not None:
            shutil.rmtree(tmp_docs, ignore_errors=True)
    timings["total"] = time.perf_counter() - t0
    return BuildResult(site_dir, md_pages, n_teams, n_workbooks, timings)


def how_to_view(site_dir: Path, offline: bool) -> str:
    """The closing line of ``maturity build``: how to look at what was built."""
    if offline:
        return f"view it: open {(site_dir / 'index.html').as_uri()} in a browser (links and search work from disk)"
    return (
        f"view it: `maturity serve` (live preview), or `python3 -m http.server -d {site_dir}` and open "
        "http://127.0.0.1:8000/; to open the files directly from disk, build with `--offline`"
    )


def _swap(staging: Path, site_dir: Path) -> None:
    """Put the new site in place; the old one is removed only once the new one is there."""
    if not site_dir.exists():
        os.replace(staging, site_dir)
        return
    old = temp_dir(f".{site_dir.name}.old-", site_dir.parent)
    old.rmdir()
    os.replace(site_dir, old)
    try:
        os.replace(staging, site_dir)
    except OSError:
        os.replace(old, site_dir)
        raise
    shutil.rmtree(old, ignore_errors=True)


def build_command(args: argparse.Namespace) -> int:
    """``maturity build [--site-dir DIR] [--docs-dir DIR] [--offline]``."""
    offline = bool(getattr(args, "offline", False))
    result = build_site(args.root, args.site_dir, args.docs_dir, offline=offline, today=getattr(args, "today", None))
    t = result.timings
    print(
        f"built {result.site_dir}: {result.teams} teams, {result.pages} pages, {result.workbooks} workbooks "
        f"in {t['total']:.1f} s (pages {t['pages']:.1f} s, MkDocs {t['mkdocs']:.1f} s)"
    )
    print(how_to_view(result.site_dir, offline))
    return EXIT_OK


def serve_command(args: argparse.Namespace) -> int:
    """``maturity serve``: live preview; see :mod:`generator.site.serve`."""
    from generator.site.serve import serve

    return serve(args.root, getattr(args, "dev_addr", "127.0.0.1:8000"))


__all__ = ["BuildResult", "Problems", "build_command", "build_site", "merge_nav", "serve_command"]
