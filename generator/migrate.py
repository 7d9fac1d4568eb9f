"""``maturity migrate``: rewrite answer files to a framework's current statement ids.

A framework keeps the old ids of renamed or moved statements as ``aliases``; answers
written under an old id still count, with a warning. Migrating renames those keys in
place (comments, order and quoting kept) and lists the answers to ids the framework no
longer has, which it leaves for a person to remove or map.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from generator.answers import read_team
from generator.fsio import write_atomic
from generator.problems import MaturityError, Problems
from generator.project import Project, load_valid_project
from generator.workbook.yamledit import rename_answer_keys


@dataclass(frozen=True)
class Migration:
    """What migrating one answer file does."""

    path: Path
    renames: dict[str, dict[str, str]]  # framework -> old id -> new id
    dropped: dict[str, tuple[str, ...]]  # framework -> ids it no longer has
    new_text: str


def plan(project: Project) -> list[Migration]:
    """The migration of every answer file that has renamed or dropped answers (pure: nothing is written)."""
    out: list[Migration] = []
    for team in project.teams:
        renames = {fid: dict(fa.renamed) for fid, fa in team.frameworks.items() if fa.renamed}
        dropped = {fid: fa.dropped for fid, fa in team.frameworks.items() if fa.dropped}
        if not renames and not dropped:
            continue
        path = project.root / team.path
        text = path.read_text(encoding="utf-8")
        new_text = rename_answer_keys(text, renames, team.path) if renames else text
        problems = Problems()
        again = read_team(path, project.frameworks, problems, team.path, data=new_text.encode("utf-8"))
        same = again is not None and all(
            again.frameworks[fid].answers == fa.answers and not again.frameworks[fid].renamed
            for fid, fa in team.frameworks.items()
        )
        if not same:
            raise MaturityError(f"{team.path}: the migrated file would not read back the same; nothing written", problems)
        out.append(Migration(path, renames, dropped, new_text))
    return out


def migrate_command(args: argparse.Namespace) -> int:
    project = load_valid_project(args.root, "nothing migrated")
    migrations = plan(project)
    for m in migrations:
        rel = m.path.relative_to(project.root)
        for fid, renames in m.renames.items():
            for old, new in renames.items():
                print(f"{rel}: {fid}: {old} -> {new}")
        for fid, ids in m.dropped.items():
            version = project.frameworks[fid].version
            for sid in ids:
                print(f"{rel}: {fid}: `{sid}` is not in version {version}; left as it is (remove it, or list it in aliases)")
        if m.renames and not args.dry_run:
            write_atomic(m.path, m.new_text)
    renamed = sum(len(r) for m in migrations for r in m.renames.values())
    verb = "would rename" if args.dry_run else "renamed"
    print(
        f"{verb} {renamed} answer{'s' if renamed != 1 else ''} in {sum(1 for m in migrations if m.renames)} files",
        file=sys.stderr,
    )
    return 0
