"""The ``maturity`` command line. Heavy modules are imported inside each command."""

from __future__ import annotations

import argparse
import datetime as dt
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from generator import __version__

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2
QUIET_HELP = "show no progress (it is shown on a terminal only, never in a CI log or a pipe)"


def _err(message: str) -> None:
    print(f"maturity: error: {message}", file=sys.stderr)


def _print_problems(problems: object) -> int:
    """Print every problem as ``path:line:col: message``; the number of errors."""
    items = problems.sorted()  # type: ignore[attr-defined]
    for p in items:
        print(p, file=sys.stderr)
    return len(problems.errors)  # type: ignore[attr-defined]


def _print_annotations(problems: object) -> None:
    """GitHub workflow commands, one per problem, written past the stream that neutralises them in file content.

    Deliberate and escaped: see :mod:`generator.review.annotations`.
    """
    from generator.review.annotations import annotation

    raw = getattr(sys.stdout, "stream", sys.stdout)
    for p in problems.sorted():  # type: ignore[attr-defined]
        raw.write(annotation(p) + "\n")
    raw.flush()


def cmd_validate(args: argparse.Namespace) -> int:
    from generator.project import load_project

    project = load_project(args.root, [Path(p) for p in args.paths], today=args.today)
    if not args.paths:
        from generator import answerschema
        from generator.review.codeowners import check

        project.problems.extend(check(project))
        project.problems.extend(answerschema.check(project))
    if args.format == "github":
        _print_annotations(project.problems)
    errors = _print_problems(project.problems)
    if errors:
        print(f"{errors} error{'s' if errors != 1 else ''} found", file=sys.stderr)
        return EXIT_ERROR
    answers = sum(len(fa.answers) for t in project.teams for fa in (*t.frameworks.values(), t.practices) if fa is not None)
    if not args.quiet:
        print(f"ok: {len(project.frameworks)} frameworks, {len(project.teams)} teams, {answers} answers")
    return EXIT_OK


def cmd_build(args: argparse.Namespace) -> int:
    from generator.site.build import build_command

    return build_command(args)


def cmd_serve(args: argparse.Namespace) -> int:
    from generator.site.build import serve_command

    return serve_command(args)


def cmd_export(args: argparse.Namespace) -> int:
    from generator.workbook.commands import export_command

    return export_command(args)


def cmd_import(args: argparse.Namespace) -> int:
    from generator.workbook.commands import import_command

    return import_command(args)


def cmd_diff(args: argparse.Namespace) -> int:
    from generator.review.commands import diff_command

    return diff_command(args)


def cmd_init(args: argparse.Namespace) -> int:
    from generator.scaffold import init_command

    return init_command(args)


def cmd_new_team(args: argparse.Namespace) -> int:
    from generator.newteam import new_team_command

    return new_team_command(args)


def cmd_list(args: argparse.Namespace) -> int:
    from generator.listing import list_command

    return list_command(args)


def cmd_scores(args: argparse.Namespace) -> int:
    from generator.scores import scores_command

    return scores_command(args)


def cmd_codeowners(args: argparse.Namespace) -> int:
    from generator.review.commands import codeowners_command

    return codeowners_command(args)


def _points(text: str) -> float:
    """A number of percentage points (``5``, ``2.5``), for ``--max-drop``."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"`{text}` is not a number of percentage points (e.g. 5)") from None
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"{text} is not between 0 and 100 percentage points")
    return value


def cmd_schema(args: argparse.Namespace) -> int:
    from generator.answerschema import schema_command

    return schema_command(args)


def cmd_migrate(args: argparse.Namespace) -> int:
    from generator.migrate import migrate_command

    return migrate_command(args)


def cmd_accept_inferred(args: argparse.Namespace) -> int:
    from generator.crosswalk.accept import accept_command

    return accept_command(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="maturity",
        description="MLOps maturity frameworks and team self-assessments as code.",
    )
    parser.add_argument("--version", action="version", version=f"maturity {__version__}")
    parser.add_argument(
        "--root", type=Path, default=None, help="the assessment repository (default: nearest folder with frameworks/)"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, func: Callable[[argparse.Namespace], int], help_: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_, description=help_)
        p.set_defaults(func=func)
        return p

    p = add("validate", cmd_validate, "Check every framework and answer file, and the references between them.")
    p.add_argument("paths", nargs="*", help="files or folders to check (default: frameworks/ and answers/)")
    p.add_argument("-q", "--quiet", action="store_true", help="print nothing when everything is valid")
    p.add_argument(
        "--format",
        choices=("text", "github"),
        default="text",
        help="github: also print each problem as a GitHub Actions annotation on its file and line (for CI)",
    )

    p = add("build", cmd_build, "Validate, generate the pages and workbooks, and build the MkDocs site.")
    p.add_argument("-q", "--quiet", action="store_true", help=QUIET_HELP)
    p.add_argument("--site-dir", type=Path, default=None, help="where to write the site (default: site/)")
    p.add_argument("--docs-dir", type=Path, default=None, help="keep the generated Markdown in this folder")
    p.add_argument(
        "--offline", action="store_true", help="a site to open from disk (file://): pages as name.html, search without a server"
    )

    p = add("serve", cmd_serve, "Live preview that rebuilds when a framework or answer file changes.")
    p.add_argument("--dev-addr", default="127.0.0.1:8000", help="address to serve on (default: 127.0.0.1:8000)")

    p = add("export", cmd_export, "Write a blank, or a team's pre-filled, assessment workbook (.xlsx).")
    p.add_argument("--framework", "-f", action="append", default=None, help="framework id (repeat; default: every framework)")
    p.add_argument("--team", "-t", default=None, help="team id to pre-fill from its answer file")
    p.add_argument("-o", "--output", type=Path, required=True, help="the .xlsx file to write")

    p = add("import", cmd_import, "Write the answers of filled workbooks back into the teams' answer files.")
    p.add_argument("-q", "--quiet", action="store_true", help=QUIET_HELP)
    p.add_argument("files", nargs="+", type=Path, help="workbooks (.xlsx) to import")
    p.add_argument("--dry-run", action="store_true", help="print what would change, write nothing")
    p.add_argument("--team", "-t", default=None, help="team id for a blank workbook")
    p.add_argument("--create", action="store_true", help="create the team's answer file if it does not exist")
    p.add_argument(
        "--framework", "-f", action="append", default=None, help="import only this framework (repeat); the workbook must have it"
    )
    p.add_argument(
        "--keep-dates",
        action="store_true",
        help="leave the answers' assessed dates as they are (default: the answers that change are dated today)",
    )

    p = add("diff", cmd_diff, "Maturity changes between two git revisions: text on a terminal, Markdown for a pull request.")
    p.add_argument("base", nargs="?", default=None, help="base revision (default: merge-base with the main branch)")
    p.add_argument("head", nargs="?", default=None, help="head revision (default: the working tree)")
    p.add_argument(
        "--format",
        choices=("text", "markdown", "json"),
        default=None,
        help="text (readable in a terminal), markdown (the pull-request comment) or json "
        "(default: text when printing to a terminal, else markdown)",
    )
    p.add_argument("--main-branch", default=None, help="branch to compare with (default: main, else master)")
    p.add_argument("-q", "--quiet", action="store_true", help=QUIET_HELP)
    p.add_argument(
        "--fail-on-regression",
        action="store_true",
        help="exit 1 when any team's maturity goes down: a lower level, a required set no longer met, "
        "or a percentage drop larger than --max-drop",
    )
    p.add_argument(
        "--max-drop",
        type=_points,
        default=None,
        metavar="N",
        help="a fall of the weighted percentage by more than N percentage points is a regression too "
        "(e.g. 5; default: percentage drops alone are not)",
    )
    p.add_argument(
        "--site-url",
        default=None,
        help="the published site's address, to link teams and statements to their pages (default: site_url in mkdocs.yml)",
    )
    p.add_argument(
        "--full-output",
        type=Path,
        default=None,
        metavar="FILE",
        help="also write the full report, nothing left out, to FILE (the printed comment is capped at 60,000 characters)",
    )

    p = add("init", cmd_init, "Scaffold a new assessment repository from the frameworks and workflows this package ships.")
    p.add_argument("dir", nargs="?", default=".", help="the folder to create or fill (default: the current folder)")
    p.add_argument("--admin", action="append", default=None, help="an admin (@org/team, @user or email) for CODEOWNERS; repeat")
    p.add_argument("--framework", "-f", action="append", default=None, help="a shipped framework id (repeat; default: all)")
    p.add_argument("--name", default=None, help="the site's name (default: MLOps maturity)")
    p.add_argument("--existing", action="store_true", help="allow a non-empty folder (existing files are never overwritten)")
    p.add_argument(
        "--tool-repo",
        default=None,
        help="OWNER/REPO on GitHub that the written workflows and pre-commit hook install this tool from "
        "(default: the package's Source URL)",
    )
    p.add_argument("--tool-ref", default=None, help=f"the tag of the tool the workflows use (default: v{__version__})")

    p = add("new-team", cmd_new_team, "Write a new team's answer file (every statement, unanswered) and update CODEOWNERS.")
    p.add_argument("id", help="the team id: lowercase letters, digits and '-' (the file is answers/ID.yaml)")
    p.add_argument("--name", required=True, help="the team's display name")
    p.add_argument("--group", default=None, help="the group (org unit) the team belongs to")
    p.add_argument("--owner", action="append", default=None, help="an owner who reviews the file (@org/team, @user, email)")
    p.add_argument("--framework", "-f", action="append", default=None, help="a framework the team answers (repeat)")

    p = add("list", cmd_list, "List the frameworks, the teams, or the statements of one framework.")
    p.add_argument("what", choices=("frameworks", "teams", "statements"))
    p.add_argument("framework", nargs="?", default=None, help="for `statements`: the framework id")
    p.add_argument("--library", action="store_true", help="for `frameworks`: the frameworks shipped with the tool")

    p = add(
        "accept-inferred",
        cmd_accept_inferred,
        "Write a framework's inferred answers into a team's answer file as explicit answers, each noting its source.",
    )
    p.add_argument("--team", "-t", required=True, help="team id")
    p.add_argument("--framework", "-f", required=True, help="framework id (it must have crosswalk mappings)")
    p.add_argument("--dry-run", action="store_true", help="print what would be written, write nothing")

    p = add("scores", cmd_scores, "Every result the site shows, machine-readable (JSON Schema: schemas/scores.schema.json).")
    p.add_argument("--team", "-t", action="append", default=None, help="only this team (repeat)")
    p.add_argument("--framework", "-f", action="append", default=None, help="only this framework (repeat)")
    p.add_argument("--format", choices=("json", "csv"), default="json", help="json (default) or csv: one row per statement")

    p = add("codeowners", cmd_codeowners, "Write .github/CODEOWNERS so each team's owners review its answer files.")
    p.add_argument(
        "--admins",
        default=None,
        help="the admins (owners of frameworks/ and everything else, e.g. @org/platform) when maturity.yml names none",
    )
    p.add_argument("--check", action="store_true", help="exit 1 if CODEOWNERS is out of date, write nothing")

    p = add(
        "schema",
        cmd_schema,
        "Write schemas/answers.schema.json: the answer-file schema with this repository's framework and statement ids.",
    )
    p.add_argument("--check", action="store_true", help="exit 1 if the file is out of step with frameworks/, write nothing")

    p = add("migrate", cmd_migrate, "Rewrite answer files to the frameworks' current statement ids (renamed statements).")
    p.add_argument("--dry-run", action="store_true", help="print what would change, write nothing")
    return parser


def main(argv: Sequence[str] | None = None, today: dt.date | None = None) -> int:
    """Run one command. ``today`` is the date every command works with (tests pass a fixed one).

    Everything the command prints goes through :class:`~generator.problems.SafeStream`.
    """
    from generator.problems import SafeStream

    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = SafeStream(out), SafeStream(err)  # type: ignore[assignment]
    previous = _stop_on_sigterm()
    try:
        return _run(argv, today)
    finally:
        sys.stdout, sys.stderr = out, err
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _stop_on_sigterm() -> Any:
    """SIGTERM (CI cancelling a job, ``kill``) stops a command like Ctrl-C: temporary folders are removed."""
    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGTERM, _interrupt)


def _run(argv: Sequence[str] | None, today: dt.date | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    args.today = today or dt.date.today()
    from generator import progress

    progress.set_quiet(bool(getattr(args, "quiet", False)))
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    from generator.problems import MaturityError

    try:
        return int(args.func(args))
    except MaturityError as exc:
        if exc.problems:
            _print_problems(exc.problems)
        _err(str(exc))
        return EXIT_ERROR
    except KeyboardInterrupt:
        _err("interrupted")
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
