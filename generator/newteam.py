"""``maturity new-team``: a new team's answer file, every statement listed and unanswered, and CODEOWNERS with it.

The file lists each statement of the chosen frameworks in order, its text as a comment
above a commented-out ``id: ""`` line: the team uncomments a line and writes its answer.
Until then the statement is *not assessed*. CODEOWNERS is regenerated in the same step
(admins kept, see :mod:`generator.review.codeowners`), so ``validate``, ``build`` and CI agree.
"""

from __future__ import annotations

import argparse
import re
import textwrap
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from generator import resources
from generator.answers import read_team
from generator.fsio import write_atomic
from generator.listing import unknown_frameworks
from generator.model import OWNER, TEAM_ID, Framework, Statement
from generator.problems import MaturityError, Problems
from generator.project import ANSWERS_DIR, Project, find_root, load_valid_project
from generator.review import codeowners
from generator.workbook.yamledit import dq, scalar

WRAP = 96


@dataclass(frozen=True)
class NewTeam:
    """What ``new-team`` is asked to write."""

    id: str
    name: str
    group: str = ""
    owners: tuple[str, ...] = ()
    frameworks: tuple[str, ...] = ()


_PLAIN_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*$")


def _key(statement_id: str) -> str:
    """A statement id as a YAML key: plain when no reader could take it for a number or a keyword, else quoted."""
    plain = _PLAIN_KEY.match(statement_id) and statement_id.lower() not in ("yes", "no", "on", "off", "true", "false", "null")
    return statement_id if plain else dq(statement_id)


def _comment(text: str, indent: str) -> list[str]:
    flat = " ".join(text.split())
    return [f"{indent}# {line}" for line in textwrap.wrap(flat, WRAP - len(indent) - 2) or [""]]


def _hint(fw: Framework) -> str:
    values = [opt.value for opt in fw.scale.options]
    listed = ", ".join(values[:-1]) + f" or {values[-1]}" if len(values) > 1 else "".join(values)
    if all(st.is_rubric for st in fw.statements):
        listed = "the number of the level whose description fits"
    elif any(st.is_rubric for st in fw.statements):
        listed += " (for a rubric item, the number of the level that fits)"
    return f'answer a statement: remove its "# " and write {listed} between the quotes'


def _statement_lines(fw: Framework, st: Statement) -> list[str]:
    """One statement's lines in a new answer file: its text (and choices or scale) as comments, then ``# id: ""``."""
    level = f" [level {st.level}]" if st.level is not None else ""
    lines = _comment(st.text + level, "      ")
    if st.is_rubric:
        lines += [f"      #   {c.level}: {' '.join(c.text.split())[:WRAP]}" for c in st.choices]
    elif st.scale:
        lines += _comment(f"(answered on: {', '.join(fw.scale_of(st).values)})", "      ")
    return [*lines, _placeholder(st.id)]


def _placeholder(statement_id: str) -> str:
    return f'      # {_key(statement_id)}: ""'


def _section_line(fw: Framework, section: str) -> str:
    sec = fw.section(section)
    return f"      # ---- {' '.join((sec.title if sec else section).split())} ----"


def _hint_lines(fw: Framework) -> list[str]:
    return _comment(f"{fw.title} (version {fw.version}): {_hint(fw)}.", "    ")


def framework_block(fw: Framework) -> list[str]:
    """The lines of one framework in a new answer file: every statement, in order, commented out."""
    lines = [f"  {fw.id}:", *_hint_lines(fw), "    answers:"]
    section = None
    for st in fw.statements:
        if st.section != section:
            section = st.section
            lines.append(_section_line(fw, section))
        lines += _statement_lines(fw, st)
    return lines


def _find(lines: Sequence[str], block: Sequence[str], start: int, end: int, gone: set[int]) -> int | None:
    """Where ``block`` first appears as consecutive lines in ``lines[start:end]`` (none of them removed already)."""
    n = len(block)
    for i in range(start, end - n + 1):
        if lines[i : i + n] == list(block) and not gone.intersection(range(i, i + n)):
            return i
    return None


def _block_end(lines: Sequence[str], start: int) -> int:
    """The first line from ``start`` that holds a key indented less than a framework's content (or the end)."""
    for i in range(start, len(lines)):
        line = lines[i]
        if line.strip() and not line.lstrip().startswith("#") and not line.startswith("   "):
            return i
    return len(lines)


def drop_placeholders(text: str, frameworks: Mapping[str, Framework], answered: Mapping[str, Collection[str]]) -> str:
    """``text`` without the lines ``new-team`` wrote for the statements in ``answered`` (framework -> ids).

    Each answered statement loses its commented text and ``# id: ""`` line; a section heading
    goes when no placeholder is left under it, the framework's hint when none is left at all.
    Only lines exactly as ``new-team`` writes them are removed: every other comment stays.
    """
    lines = text.splitlines(keepends=True)
    bare = [line.rstrip("\r\n") for line in lines]
    gone: set[int] = set()
    for fid, ids in answered.items():
        fw = frameworks.get(fid)
        key = f"  {fid}:"
        if fw is None or not ids or key not in bare:
            continue
        start = bare.index(key) + 1
        end = _block_end(bare, start)
        for st in fw.statements:
            if st.id not in ids:
                continue
            block = _statement_lines(fw, st)
            at = _find(bare, block, start, end, gone)
            if at is not None:
                gone.update(range(at, at + len(block)))
            else:
                at = _find(bare, block[-1:], start, end, gone)
                if at is not None:
                    gone.add(at)
        placeholders = {_placeholder(st.id) for st in fw.statements}
        left = [i for i in range(start, end) if i not in gone and bare[i] in placeholders]
        headings = {_section_line(fw, st.section) for st in fw.statements}
        marks = [i for i in range(start, end) if i not in gone and bare[i] in headings]
        for n, i in enumerate(marks):
            upto = marks[n + 1] if n + 1 < len(marks) else end
            if not any(i < j < upto for j in left):
                gone.add(i)
        if not left:
            hint = _hint_lines(fw)
            if bare[start : start + len(hint)] == hint:
                gone.update(range(start, start + len(hint)))
    return "".join(line for i, line in enumerate(lines) if i not in gone)


def team_text(team: NewTeam, frameworks: Sequence[Framework], schema_line: str = "") -> str:
    """The whole new answer file."""
    lines = [*schema_line.splitlines(), f"team: {team.id}", f"name: {scalar(team.name)}"]
    if team.group:
        lines.append(f"group: {scalar(team.group)}")
    if team.owners:
        lines.append("owners: [" + ", ".join(dq(o) for o in team.owners) + "]")
    lines.append("frameworks:")
    for fw in frameworks:
        lines += framework_block(fw)
    return "\n".join(lines) + "\n"


def check_request(project: Project, team: NewTeam) -> None:
    """Refuse (MaturityError) an unsafe or taken id, an invalid owner, an unknown framework."""
    if not TEAM_ID.match(team.id):
        raise MaturityError(
            f"team id `{team.id}` is not a safe slug: use lowercase letters, digits and `-` (e.g. `fraud-detection`)"
        )
    existing = project.team(team.id)
    path = project.root / ANSWERS_DIR / f"{team.id}.yaml"
    if existing is not None or path.exists() or path.with_suffix(".yml").exists():
        where = existing.path if existing is not None else f"{ANSWERS_DIR}/{path.name}"
        raise MaturityError(f"team `{team.id}` already exists ({where}); edit that file instead")
    if not team.name.strip():
        raise MaturityError("--name must not be empty")
    bad_owners = [o for o in team.owners if not OWNER.match(o)]
    if bad_owners:
        raise MaturityError(f"owner `{bad_owners[0]}` must be a GitHub @user, @org/team or an email address")
    if not team.frameworks:
        raise MaturityError(f"name at least one --framework; the known ones are: {', '.join(sorted(project.frameworks))}")
    message = unknown_frameworks(team.frameworks, list(project.frameworks))
    if message:
        raise MaturityError(message)


def plan(project: Project, team: NewTeam) -> tuple[Path, str]:
    """(path, text) of the new answer file; checked to read back as exactly this team, with no answers."""
    check_request(project, team)
    path = project.root / ANSWERS_DIR / f"{team.id}.yaml"
    schema_line = resources.schema_comment(project.root, "answers", path.parent)
    text = team_text(team, [project.frameworks[f] for f in team.frameworks], schema_line)
    problems = Problems()
    display = f"{ANSWERS_DIR}/{path.name}"
    read = read_team(path, project.frameworks, problems, display, data=text.encode("utf-8"))
    if read is None or problems or set(read.frameworks) != set(team.frameworks):
        raise MaturityError(f"{display}: the new file would not be valid; nothing was written", problems)
    return path, text


def new_team_command(args: argparse.Namespace) -> int:
    """``maturity new-team ID --name N [--group G] [--owner O ...] --framework F [...]``."""
    from generator.project import load_project

    root = (args.root or find_root()).resolve()
    project = load_valid_project(root, "team not added")
    team = NewTeam(args.id, args.name or "", args.group or "", tuple(args.owner or ()), tuple(args.framework or ()))
    path, text = plan(project, team)
    current = codeowners.read_current(project)
    write_codeowners = current is not None or bool(project.settings.admins)
    if write_codeowners:
        admins = codeowners.resolve_admins(project, (), current)  # refuse before writing anything
    write_atomic(path, text)
    count = sum(len(project.frameworks[f].statements) for f in team.frameworks)
    print(f"wrote {ANSWERS_DIR}/{path.name}: {count} statements to answer")
    if write_codeowners:
        after = load_project(root)
        rendered, _ = codeowners.render(after, admins)
        if rendered != current:
            write_atomic(root / codeowners.CODEOWNERS, rendered)
            reviewers = " ".join(team.owners) or "the admins"
            print(f"updated {codeowners.CODEOWNERS}: {ANSWERS_DIR}/{path.name} is reviewed by {reviewers}")
    return 0
