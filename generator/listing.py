"""``maturity list frameworks|teams|statements FW``: what is there, one line each, for people and scripts."""

from __future__ import annotations

import argparse
from collections.abc import Iterable, Mapping, Sequence

from generator import resources
from generator.model import Framework
from generator.problems import MaturityError, Problems
from generator.project import find_root, load_frameworks, load_valid_project, yaml_files
from generator.yamlsource import suggest


def unknown_frameworks(asked: Sequence[str], known: Sequence[str]) -> str:
    """'' when every id in ``asked`` is known; else one sentence naming the unknown ones and listing the known."""
    bad = [f for f in asked if f not in known]
    if not bad:
        return ""
    listed = ", ".join(f"`{f}`" for f in bad)
    return f"unknown framework {listed}{suggest(bad[0], list(known))}; the known ones are: {', '.join(sorted(known))}"


def shipped_library() -> dict[str, Framework]:
    """The frameworks shipped in the package, by id."""
    folder = resources.shipped_frameworks()
    problems = Problems()
    frameworks = load_frameworks(yaml_files(folder), folder, problems)
    if problems:  # pragma: no cover - the shipped files are tested
        raise MaturityError("the shipped framework library is damaged; reinstall the package", problems)
    return frameworks


def columns(rows: Iterable[tuple[str, ...]]) -> str:
    """Rows as left-aligned columns separated by two spaces (the last column not padded)."""
    rows = list(rows)
    if not rows:
        return ""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    return "\n".join("  ".join([*(c.ljust(w) for c, w in zip(r, widths, strict=False)), r[-1]]).rstrip() for r in rows) + "\n"


def framework_rows(frameworks: Mapping[str, Framework]) -> list[tuple[str, ...]]:
    return [
        (fw.id, f"{len(fw.statements)} statements", f"v{fw.version}", fw.title)
        for fw in sorted(frameworks.values(), key=lambda f: f.id)
    ]


def statement_rows(fw: Framework) -> list[tuple[str, ...]]:
    return [
        (st.id, "rubric" if st.is_rubric else (f"level {st.level}" if st.level is not None else "-"), " ".join(st.text.split()))
        for st in fw.statements
    ]


def list_command(args: argparse.Namespace) -> int:
    """``maturity list frameworks [--library] | teams | statements FW``."""
    if args.what == "frameworks" and args.library:
        print(columns(framework_rows(shipped_library())), end="")
        return 0
    project = load_valid_project((args.root or find_root()).resolve(), "nothing listed")
    if args.what == "frameworks":
        print(columns(framework_rows(project.frameworks)), end="")
    elif args.what == "teams":
        teams = sorted(project.teams, key=lambda t: t.id)
        print(columns((t.id, t.group or "-", ",".join(sorted(t.frameworks)) or "-", t.name) for t in teams), end="")
    else:
        if not args.framework:
            known = ", ".join(sorted(project.frameworks))
            raise MaturityError(f"name the framework: maturity list statements FW (one of: {known})")
        message = unknown_frameworks([args.framework], list(project.frameworks))
        if message:
            raise MaturityError(message)
        print(columns(statement_rows(project.frameworks[args.framework])), end="")
    return 0
