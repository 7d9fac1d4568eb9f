"""``maturity export`` and ``maturity import``: argument handling and output only."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from generator import freshness
from generator.fsio import write_atomic
from generator.problems import MaturityError, Problems, print_warnings
from generator.progress import Progress
from generator.project import Project, load_valid_project
from generator.workbook.export import export_workbook
from generator.workbook.importer import FilePlan, ImportPlan, plan_import
from generator.workbook.reader import WorkbookData, message_problem, read_workbook
from generator.workbook.safety import WorkbookError
from generator.yamlsource import suggest


def _project(args: argparse.Namespace, teams: Iterable[str] | None = None) -> Project:
    """The frameworks and the answer files (only ``teams``' when given), each valid, or a refusal."""
    project = load_valid_project(args.root, "nothing exported or imported", getattr(args, "today", None), teams)
    if not project.frameworks:
        raise MaturityError(f"no frameworks found under {project.root}/frameworks")
    return project


def export_command(args: argparse.Namespace) -> int:
    """Write a blank or a team's pre-filled workbook."""
    project = _project(args)
    output: Path = args.output
    if output.suffix.lower() != ".xlsx":
        raise MaturityError(f"{output}: the workbook file name must end in .xlsx")
    team = None
    if args.team:
        team = project.team(args.team)
        if team is None:
            ids = [t.id for t in project.teams]
            raise MaturityError(f"unknown team `{args.team}`{suggest(args.team, ids)}")
    known = project.answerable()  # the frameworks, and the practice catalogue (`practices`) with a crosswalk
    if args.framework:
        fids = list(dict.fromkeys(args.framework))
        for fid in fids:
            if fid not in known:
                raise MaturityError(f"unknown framework `{fid}`{suggest(fid, list(known))}; known: {', '.join(known)}")
    else:
        fids = (project.answered_by(team) if team is not None else []) or list(project.frameworks)
    try:
        export_workbook(project, fids, team, output, getattr(args, "today", None))
    except OSError as exc:
        raise MaturityError(f"{output}: cannot write the workbook: {exc.strerror or exc}") from None
    who = f"team {team.id}" if team else "blank"
    print(f"Wrote {output} ({who}; {', '.join(fids)})")
    return 0


def check_writable(plan: FilePlan) -> str | None:
    """Why ``plan``'s file cannot be written, or None. Touches nothing."""
    folder = plan.path.parent
    if plan.created and not folder.exists():
        parent = folder.parent
        if not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
            return f"{plan.display}: cannot create the folder {folder}"
        return None
    if not folder.is_dir():
        return f"{plan.display}: {folder} is not a folder"
    try:
        if plan.path.exists():
            with plan.path.open("r+b"):
                pass
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".maturity-probe-")
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        return f"{plan.display}: cannot be written: {exc.strerror or exc}"
    return None


def import_command(args: argparse.Namespace) -> int:
    """Validate every workbook, then write each changed answer file atomically (or only print with --dry-run).

    Every problem of every workbook is reported in one run; any problem means nothing is written.
    """
    problems = Problems()
    books: list[WorkbookData] = []
    with Progress("reading workbooks", len(args.files)) as shown:
        for p in args.files:
            try:
                books.append(read_workbook(Path(p), str(p)))
            except WorkbookError as exc:
                problems.items.append(message_problem(str(exc)))
            shown.step()
    # only the teams the workbooks are for are read: an import costs the same in a large organisation
    project = _project(args, {t for t in (args.team, *(b.team for b in books)) if t})
    stamp = None if getattr(args, "keep_dates", False) else args.today
    plan = plan_import(
        project,
        books,
        team=args.team,
        create=args.create,
        frameworks=getattr(args, "framework", None),
        assessed=stamp,
        problems=problems,
    )
    _print(plan, args.dry_run)
    changed = [f for f in plan.files if f.changes]
    print_warnings(_warnings(project, changed, args.today))
    if args.dry_run:
        print("Dry run: nothing written.")
        return 0
    for f in changed:
        reason = check_writable(f)
        if reason:
            raise MaturityError(reason + "; nothing was written")
    for f in changed:
        try:
            write_atomic(f.path, f.new_bytes)
        except OSError as exc:
            raise MaturityError(f"{f.display}: cannot be written: {exc.strerror or exc}") from None
    return 0


def _warnings(project: Project, files: list[FilePlan], today: dt.date) -> Problems:
    """What ``maturity validate`` will warn about in the imported files once written (stale answers, renamed ids...)."""
    warnings = Problems([p for f in files for p in f.warnings])
    teams = [f.after for f in files if f.after is not None]
    warnings.extend(freshness.check(teams, project.frameworks, project.settings, today))
    return warnings


def _print(plan: ImportPlan, dry_run: bool) -> None:
    for note in plan.notes:
        print(f"note: {note}")
    for f in plan.files:
        for change in f.changes:
            print(change)
        for effect in f.effects:
            print(effect)
        n = len(f.changes)
        if n:
            verb = "create" if f.created else "update"
            verb = f"would {verb}" if dry_run else ("created" if f.created else "updated")
            print(f"{f.display}: {verb} with {n} change{'s' if n != 1 else ''}")
        else:
            print(f"{f.display}: no changes for team {f.team}")
