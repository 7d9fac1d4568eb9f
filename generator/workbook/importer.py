"""Importing filled workbooks: validate everything, then plan each answer file's new text.

Nothing here writes a file: :func:`plan_import` returns, per team, the new text of its
answer file and the list of changes; ``commands.py`` checks that every file can be
written and only then writes them (each atomically). Every bad cell of every workbook is reported
(``book.xlsx: Sheet!C5: message``), and any of them stops the whole import: nothing is written.

The answers an import changes are stamped with the day of the import as their own
``assessed`` date (unless the caller passes no date: ``--keep-dates``). The plan also
says what the new answers do to each team's result: level and score before and after,
and a target newly met or lost.

Rules:

* rows are matched by statement id, never by position; an empty answer cell changes
  nothing (it never removes an answer already recorded);
* in a team's (pre-filled) workbook the note and evidence cells are the new note and
  evidence; in a blank workbook an empty note or evidence cell keeps what is recorded;
* statements added to the framework since the export are left unanswered and reported;
  rows of statements removed since are reported and not imported; a version mismatch
  is reported.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from generator import resources
from generator.answers import MAX_NOTE, SAFE_LINK, read_team
from generator.model import TEAM_ID, Answer, Framework, FrameworkAnswers, Team
from generator.newteam import drop_placeholders
from generator.problems import MaturityError, Problem, Problems
from generator.project import ANSWERS_DIR, Project
from generator.scoring import FrameworkScore, score
from generator.workbook import layout as L
from generator.workbook.reader import Row, SheetData, WorkbookData, cell_problem, message_problem
from generator.workbook.yamledit import Entry, block_lines, dq, edit_answers, scalar


@dataclass(frozen=True)
class Change:
    """One statement whose answer, note or evidence changes."""

    team: str
    framework: str
    statement: str
    before: str  # the answer value, or "(not assessed)"
    after: str
    details: tuple[str, ...] = ()  # "note", "evidence" when those change too

    def __str__(self) -> str:
        line = f"{self.team} / {self.framework} / {self.statement}: {self.before} -> {self.after}"
        if self.before == self.after:
            line = f"{self.team} / {self.framework} / {self.statement}: {self.after}"
        if self.details:
            line += " (" + ", ".join(f"{d} changed" for d in self.details) + ")"
        return line


@dataclass(frozen=True)
class Effect:
    """What an import does to one team's result on one framework."""

    team: str
    framework: str
    before: str  # headline, e.g. "Level 1 · 45%"
    after: str
    target: str  # "" without a target
    met_before: bool | None
    met_after: bool | None

    def __str__(self) -> str:
        line = f"{self.team} / {self.framework}: {self.before} -> {self.after}"
        if self.target and self.met_before != self.met_after:
            line += f"; target {self.target} {'newly met' if self.met_after else 'no longer met'}"
        elif self.target:
            line += f"; target {self.target} {'met' if self.met_after else 'not met'}"
        return line


def result_text(sc: FrameworkScore) -> str:
    """A team's result in one line: the headline, and the weighted score when it says more."""
    text = sc.headline.text
    pct = sc.percent
    if pct is not None and not text.endswith("%"):
        text += f" · {pct:.0f}%"
    return text


def effect(team: str, fw: Framework, before: FrameworkScore, after: FrameworkScore) -> Effect:
    target = after.target or before.target
    return Effect(
        team, fw.id, result_text(before), result_text(after), str(target) if target else "", before.target_met, after.target_met
    )


@dataclass
class FilePlan:
    """The new text of one team's answer file."""

    team: str
    path: Path
    display: str
    created: bool
    old_bytes: bytes | None
    new_bytes: bytes
    changes: list[Change] = field(default_factory=list)
    effects: list[Effect] = field(default_factory=list)
    after: Team | None = None  # the team as the new text reads (None when nothing changes)
    warnings: tuple[Problem, ...] = ()  # what reading the new text warns about (renamed ids, dependencies)


@dataclass
class ImportPlan:
    files: list[FilePlan]
    notes: list[str]  # reports that are not errors (framework changed since export, kept answers)


@dataclass
class _Target:
    """Everything imported for one team, gathered from one or more workbooks."""

    team: str
    name: str
    sheets: dict[str, tuple[WorkbookData, SheetData]] = field(default_factory=dict)


def plan_import(
    project: Project,
    books: Sequence[WorkbookData],
    team: str | None = None,
    create: bool = False,
    frameworks: Sequence[str] | None = None,
    assessed: dt.date | None = None,
    problems: Problems | None = None,
) -> ImportPlan:
    """Validate ``books`` against ``project`` and plan the change of each team's answer file.

    ``assessed`` is the date stamped on every answer that changes (None: dates are left as written).
    Every problem found (with those already in ``problems``, e.g. from reading the workbooks) is
    raised together in one :class:`MaturityError`.
    """
    problems = problems if problems is not None else Problems()
    known = project.answerable()  # a workbook may hold the practice catalogue too
    notes: list[str] = []
    targets: dict[str, _Target] = {}
    wanted = list(dict.fromkeys(frameworks)) if frameworks else None
    for book in books:
        problems.items.extend(book.problems)
        tid = _target_team(book, team, problems)
        if tid is None:
            continue
        target = targets.setdefault(tid, _Target(tid, book.team_name or tid))
        present = {s.framework: s for s in book.sheets}
        for fid in wanted or ():
            if fid not in present:
                ref = f"{L.METADATA}!A{book.framework_header_row + 1}"
                message = f"this workbook is for {', '.join(present)}, not for framework `{fid}`"
                problems.items.append(cell_problem(book.display, ref, message))
        for sheet in book.sheets:
            if wanted is not None and sheet.framework not in wanted:
                continue
            fw = known.get(sheet.framework)
            if fw is None:
                ref = f"{L.METADATA}!A{sheet.meta_row}"
                message = f"the workbook is for framework `{sheet.framework}`, which this repository does not have"
                problems.items.append(cell_problem(book.display, ref, message))
                continue
            if sheet.framework in target.sheets:
                other = target.sheets[sheet.framework][0]
                message = (
                    f"team `{tid}`'s answers to `{sheet.framework}` are also in {other.display}; "
                    "import one workbook per team and framework"
                )
                problems.add(book.display, 0, 0, message)
                continue
            if _check_sheet(book, sheet, fw, notes, problems):
                target.sheets[sheet.framework] = (book, sheet)
    files: list[FilePlan] = []
    if not problems:
        stamp = assessed.isoformat() if assessed else ""
        for target in targets.values():
            try:
                files.append(_plan_team(project, target, create, notes, stamp))
            except MaturityError as exc:
                problems.items.append(message_problem(str(exc)))
    if problems:
        n = len(problems.errors)
        raise MaturityError(f"nothing imported: {n} problem{'s' if n != 1 else ''} in the workbooks", problems)
    return ImportPlan(files, notes)


def _target_team(book: WorkbookData, team: str | None, problems: Problems) -> str | None:
    """The team ``book`` is imported for, or None (the reason recorded in ``problems``)."""
    message = ""
    if book.team:
        if not TEAM_ID.match(book.team):
            message = f"`{book.team}` is not a valid team id"
        elif team and team != book.team:
            message = f"this workbook belongs to team `{book.team}`, not to `{team}`"
        else:
            return book.team
    elif not team:
        message = "this is a blank workbook; name the team it is for with --team TEAM"
    elif not TEAM_ID.match(team):
        raise MaturityError(f"`{team}` is not a valid team id: use lowercase letters, digits and `-`")
    else:
        return team
    problems.items.append(cell_problem(book.display, f"{L.METADATA}!B2", message))
    return None


def _check_sheet(book: WorkbookData, sheet: SheetData, fw: Framework, notes: list[str], problems: Problems) -> bool:
    """Every row's id, answer and evidence are valid; each bad cell is recorded. True when all are."""
    found: list[Problem] = []

    def bad(header: str, row: Row, message: str) -> None:
        found.append(cell_problem(book.display, sheet.cell(header, row.row), message))

    exported = set(sheet.exported_ids)
    if sheet.version != fw.version:
        notes.append(
            f"{book.display}: `{fw.id}` was exported at version {sheet.version}; the repository now has version {fw.version}"
        )
    seen: set[str] = set()
    for row in sheet.rows:
        st = fw.by_id.get(row.id)
        if st is None:
            if row.id in exported:
                if row.has_content():
                    notes.append(
                        f"{book.display}: {sheet.cell(L.H_ID, row.row)}: statement `{row.id}` no longer exists in "
                        f"`{fw.id}`; its answer was not imported"
                    )
                continue
            bad(L.H_ID, row, f"unknown statement id `{row.id}` in framework `{fw.id}`")
            continue
        seen.add(row.id)
        raw = row.answer.strip()
        if raw and L.parse_answer(fw, st, raw) is None:
            bad(L.H_ANSWER, row, f"`{raw}` is not an answer to `{st.id}`; use one of: {L.allowed_answers(fw, st)}")
        if not raw and ((row.note or "").strip() or (row.evidence or "").strip()):
            which = L.H_NOTE if (row.note or "").strip() else L.H_EVIDENCE
            answer_cell = sheet.cell(L.H_ANSWER, row.row)
            what = "a note" if which == L.H_NOTE else "evidence"
            bad(which, row, f"{what} without an answer; choose an answer in {answer_cell} or clear it")
        note = L.clean_text(row.note or "").strip()
        if len(note) > MAX_NOTE:
            bad(L.H_NOTE, row, f"the note is {len(note):,} characters; the limit is {MAX_NOTE:,}")
        for link in (row.evidence or "").split():
            if not SAFE_LINK.match(link):
                bad(L.H_EVIDENCE, row, f"evidence `{link[:80]}` must be an http(s) link or a path in the repository")
                break
    new = [sid for sid in fw.by_id if sid not in exported and sid not in seen]
    if new and exported:
        notes.append(
            f"{book.display}: `{fw.id}` has {len(new)} statement(s) added since the export, left unanswered: {', '.join(new)}"
        )
    missing = [sid for sid in sheet.exported_ids if sid in fw.by_id and sid not in seen]
    if missing:
        notes.append(
            f"{book.display}: sheet {sheet.title} has no row for {', '.join(missing)}; those answers are left as they are"
        )
    problems.items.extend(found)
    return not found


def _entries(
    book: WorkbookData, sheet: SheetData, fw: Framework, team: Team | None, tid: str, notes: list[str], stamp: str
) -> tuple[dict[str, Entry], list[Change]]:
    """The entries that change, and the changes to report."""
    fa = team.answers_to(fw.id) if team is not None else None
    old_answers: Mapping[str, Answer] = fa.answers if fa is not None else {}
    prefilled = bool(book.team)
    entries: dict[str, Entry] = {}
    changes: list[Change] = []
    for row in sheet.rows:
        st = fw.by_id.get(row.id)
        if st is None:
            continue
        old = old_answers.get(row.id)
        raw = row.answer.strip()
        if not raw:
            if old is not None and prefilled:
                notes.append(
                    f"{book.display}: {sheet.cell(L.H_ANSWER, row.row)} is empty; "
                    f"`{row.id}` keeps its recorded answer `{old.value}`"
                )
            continue
        value = L.parse_answer(fw, st, raw)
        assert value is not None  # checked by _check_sheet
        note = _new_note(row, old, prefilled)
        evidence = _new_evidence(row, old, prefilled)
        if old is not None:
            same_note = L.same_text(old.note, note)
            same_evidence = tuple(e.strip() for e in old.evidence) == evidence
            if old.value == value and same_note and same_evidence:
                continue
            entry = Entry(value, old.note if same_note else note, old.evidence if same_evidence else evidence, stamp)
            details = tuple(d for d, same in (("note", same_note), ("evidence", same_evidence)) if not same)
            changes.append(Change(tid, fw.id, row.id, old.value, value, details))
        else:
            entry = Entry(value, note, evidence, stamp)
            details = tuple(d for d, v in (("note", note), ("evidence", evidence)) if v)
            changes.append(Change(tid, fw.id, row.id, "(not assessed)", value, details))
        entries[row.id] = entry
    return entries, changes


def _new_note(row: Row, old: Answer | None, prefilled: bool) -> str:
    text = L.clean_text(row.note or "").strip()
    if row.note is None or (not text and not prefilled):
        return old.note if old is not None else ""
    return text


def _new_evidence(row: Row, old: Answer | None, prefilled: bool) -> tuple[str, ...]:
    links = tuple((row.evidence or "").split())
    if row.evidence is None or (not links and not prefilled):
        return tuple(e.strip() for e in old.evidence) if old is not None else ()
    return links


def _plan_team(project: Project, target: _Target, create: bool, notes: list[str], stamp: str) -> FilePlan:
    team = project.team(target.team)
    if team is None:
        path = project.root / ANSWERS_DIR / f"{target.team}.yaml"
        display = f"{ANSWERS_DIR}/{target.team}.yaml"
        if not create:
            raise MaturityError(f"there is no answer file for team `{target.team}` ({display}); add --create to start one")
        if path.exists():
            raise MaturityError(f"{display} exists but does not hold team `{target.team}`; fix it first (maturity validate)")
        old_bytes: bytes | None = None
        old_text = ""
    else:
        path = Path(team.path) if Path(team.path).is_absolute() else project.root / team.path
        display = team.path
        try:
            old_bytes = path.read_bytes()
        except OSError as exc:
            raise MaturityError(f"{display}: cannot read the answer file: {exc.strerror or exc}") from None
        old_text = old_bytes.decode("utf-8-sig")
    known = project.answerable()
    edits: dict[str, dict[str, Entry]] = {}
    changes: list[Change] = []
    for fid, (book, sheet) in target.sheets.items():
        fw = known[fid]
        entries, fw_changes = _entries(book, sheet, fw, team, target.team, notes, stamp)
        if entries:
            edits[fid] = entries
            changes += fw_changes
    if not edits:
        return FilePlan(target.team, path, display, team is None, old_bytes, old_bytes or b"", [])
    order = {fid: [st.id for st in known[fid].statements] for fid in edits}

    def same_value(fid: str, sid: str, written: str, value: str) -> bool:
        fw = known[fid]
        return L.parse_answer(fw, fw.by_id[sid], written) == value

    catalogue = tuple(fid for fid in edits if fid not in project.frameworks)  # `practices:` sits at the top level
    if team is None:
        schema_line = resources.schema_comment(project.root, "answers", path.parent)
        new_text = new_team_text(target.team, target.name, edits, order, schema_line, catalogue)
    else:
        renamed = {fid: known[fid].renamed for fid in edits}
        clean = drop_placeholders(old_text, project.frameworks, edits)  # the lines `new-team` wrote for them
        new_text = edit_answers(clean, edits, order, same_value, display, renamed, top_level=catalogue)
    bom = b"\xef\xbb\xbf" if old_bytes is not None and old_bytes.startswith(b"\xef\xbb\xbf") else b""
    new_bytes = bom + new_text.encode("utf-8")
    after, warnings = _verify(project, team, target.team, path, display, new_bytes, edits)
    effects = []
    for fid in edits:
        fw = known[fid]
        before_fa = team.answers_to(fid) if team is not None else None
        effects.append(effect(target.team, fw, score(fw, before_fa), score(fw, after.answers_to(fid))))
    return FilePlan(target.team, path, display, team is None, old_bytes, new_bytes, changes, effects, after, warnings)


def new_team_text(
    team: str,
    name: str,
    edits: Mapping[str, Mapping[str, Entry]],
    order: Mapping[str, Sequence[str]],
    schema_line: str = "",
    top_level: Sequence[str] = (),
) -> str:
    """A new answer file holding only the imported answers (after ``schema_line``, the editor's schema comment, if any).

    The ids in ``top_level`` (the practice catalogue) are keys of their own, the others go under ``frameworks:``.
    """
    lines = [*schema_line.splitlines(), f"team: {team}", f"name: {scalar(name) if name else dq(team)}"]
    framed = [fid for fid in edits if fid not in top_level]
    if framed:
        lines.append("frameworks:")
    for fid in [*framed, *(f for f in edits if f in top_level)]:
        indent = "" if fid in top_level else "  "
        lines += [f"{indent}{fid}:", f"{indent}  answers:"]
        rank = {sid: i for i, sid in enumerate(order[fid])}
        for sid in sorted(edits[fid], key=lambda s: rank.get(s, len(rank))):
            lines += block_lines(dq(sid), edits[fid][sid], len(indent) + 4, 2)
    return "\n".join(lines) + "\n"


def _all_answers(team: Team) -> dict[str, FrameworkAnswers]:
    """The team's answers per framework, its practice-catalogue answers included."""
    given = dict(team.frameworks)
    if team.practices is not None:
        given[team.practices.framework] = team.practices
    return given


def _verify(
    project: Project, team: Team | None, tid: str, path: Path, display: str, data: bytes, edits: Mapping[str, Mapping[str, Entry]]
) -> tuple[Team, tuple[Problem, ...]]:
    """Re-read the new text and check it holds exactly the intended answers, dates included (and nothing else changed).

    Returns the team as read, and the warnings reading it gave.
    """
    problems = Problems()
    catalogue = project.crosswalk.catalogue.framework if project.crosswalk is not None else None
    after = read_team(path, project.frameworks, problems, display, data=data, catalogue=catalogue)
    if after is None:
        first = problems.sorted()[0] if problems else "unreadable"
        raise MaturityError(f"{display}: the updated file would not be valid ({first}); nothing was written")
    before_fws = _all_answers(team) if team is not None else {}
    after_fws = _all_answers(after)
    for fid in set(before_fws) | set(after_fws) | set(edits):
        old = before_fws.get(fid)
        expected = {sid: (a.value, a.note, a.evidence, a.assessed) for sid, a in (old.answers.items() if old else ())}
        new = after_fws.get(fid)
        got = {sid: (a.value, a.note, a.evidence, a.assessed) for sid, a in (new.answers.items() if new else ())}
        for sid, e in edits.get(fid, {}).items():
            date = dt.date.fromisoformat(e.assessed) if e.assessed else got.get(sid, ("", "", (), None))[3]
            expected[sid] = (e.value, e.note, e.evidence, date)
        if got != expected:
            raise MaturityError(
                f"{display}: internal error: the answers to `{fid}` would not be written as intended; nothing was written"
            )
    if team is not None and (after.name, after.group, after.owners, after.description) != (
        team.name,
        team.group,
        team.owners,
        team.description,
    ):
        raise MaturityError(f"{display}: internal error: the edit would change the team's details; nothing was written")
    return after, tuple(p for p in problems.items if p.severity != "error")
