"""``maturity accept-inferred``: write a framework's inferred answers into the team's file as explicit answers.

The file is edited in place (comments, order and quoting kept); each accepted answer
carries a note naming where it came from, for the team to review in its pull request.
The new text is re-read and checked before anything is written.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from generator.crosswalk.infer import Index, infer_team
from generator.fsio import write_atomic
from generator.newteam import drop_placeholders
from generator.problems import MaturityError
from generator.project import Project, load_valid_project
from generator.workbook.importer import _verify as verify_edit
from generator.workbook.yamledit import Entry, edit_answers

NOTE_PREFIX = "Accepted from the crosswalk, "


@dataclass(frozen=True)
class Acceptance:
    path: Path
    display: str
    framework: str
    accepted: tuple[tuple[str, str, str], ...]  # (statement, value, provenance)
    new_text: str


def plan_acceptance(project: Project, team_id: str, framework_id: str) -> Acceptance:
    """The edited answer file holding the framework's inferred answers as explicit ones (nothing written)."""
    team = project.team(team_id)
    if team is None:
        raise MaturityError(f"no team `{team_id}` in answers/")
    fw = project.frameworks.get(framework_id)
    if fw is None:
        raise MaturityError(f"no framework `{framework_id}` in frameworks/")
    if project.crosswalk is None or not project.crosswalk.mapped(framework_id):
        raise MaturityError(f"`{framework_id}` has no mappings in crosswalk/, so it has no inferred answers")
    inference = infer_team(team, project.frameworks, project.crosswalk, Index.build(project.crosswalk))
    inferred = inference.frameworks[framework_id].inferred
    entries = {
        sid: Entry(
            i.answer.value, f"{NOTE_PREFIX}{i.provenance}.", (), i.answer.assessed.isoformat() if i.answer.assessed else ""
        )
        for sid, i in inferred.items()
    }
    path = project.root / team.path
    text = path.read_text(encoding="utf-8")

    def same_value(fid: str, sid: str, written: str, value: str) -> bool:
        scale = fw.scale_of(fw.by_id[sid])
        return scale.lookup(written) == scale.lookup(value)

    text = drop_placeholders(text, project.frameworks, {framework_id: entries})  # the lines `new-team` wrote for them
    new_text = edit_answers(text, {framework_id: entries}, {framework_id: [s.id for s in fw.statements]}, same_value, team.path)
    if entries:
        verify_edit(project, team, team.id, path, team.path, new_text.encode("utf-8"), {framework_id: entries})
    accepted = tuple((sid, i.answer.value, str(i.provenance)) for sid, i in inferred.items())
    return Acceptance(path, team.path, framework_id, accepted, new_text)


def accept_command(args: argparse.Namespace) -> int:
    project = load_valid_project(args.root, "nothing was written")
    plan = plan_acceptance(project, args.team, args.framework)
    if not plan.accepted:
        print(f"{plan.display}: no inferred answers to accept for `{plan.framework}`")
        return 0
    for sid, value, provenance in plan.accepted:
        print(f"  {sid}: {value}  ({provenance})")
    n = len(plan.accepted)
    if args.dry_run:
        print(f"Dry run: {n} inferred answer{'s' if n != 1 else ''} would be written to {plan.display}; nothing written.")
        return 0
    try:
        write_atomic(plan.path, plan.new_text.encode("utf-8"))
    except OSError as exc:
        raise MaturityError(f"{plan.display}: cannot be written: {exc.strerror or exc}") from None
    print(
        f"{plan.display}: {n} inferred answer{'s' if n != 1 else ''} to `{plan.framework}` written "
        "as explicit answers; review them in your pull request"
    )
    return 0
