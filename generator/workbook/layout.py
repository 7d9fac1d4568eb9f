"""What export and import agree on: sheet names, column headers, metadata keys, answer labels."""

from __future__ import annotations

import re
from collections.abc import Iterable

from generator.model import Framework, Statement

#: Bumped whenever import could no longer read workbooks written by an older export.
FORMAT = "maturity-workbook 1"

INSTRUCTIONS = "Instructions"
SUMMARY = "Summary"
LISTS = "Lists"
SCORES = "Scores"
METADATA = "Metadata"
RESERVED = (INSTRUCTIONS, SUMMARY, LISTS, SCORES, METADATA)

# Column headers of a framework sheet. Import finds columns by these words, never by position.
H_SECTION, H_ID, H_LEVEL, H_STATEMENT, H_GUIDANCE = "Section", "ID", "Level", "Statement", "Guidance"
H_ANSWER, H_NOTE, H_EVIDENCE = "Answer", "Note", "Evidence"
#: Read-only: when each answer was assessed, and "stale" past the repository's maximum age (import ignores it).
H_ASSESSED = "Assessed"

# Metadata keys (column A of the metadata sheet).
M_FORMAT, M_TEAM, M_TEAM_NAME, M_EXPORTED, M_GENERATOR = "format", "team", "team name", "exported", "generator"
M_FRAMEWORKS = "framework"  # header of the framework table: framework | version | sheet | statements
M_STATEMENTS = "statement ids"  # header of the statement table: framework | statement

#: Characters XML 1.0 cannot hold (openpyxl refuses them); dropped on export, ignored when comparing.
ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: Text a spreadsheet could take for a formula when a user edits the cell.
FORMULA_LIKE = re.compile(r"^\s*[=+\-@]")
_RUBRIC_ANSWER = re.compile(r"^\s*(?:level\s*)?(\d+)\s*(?:$|[-\u2013\u2014:)](?:\s|$))", re.IGNORECASE)
MAX_CHOICE_LABEL = 120


def sheet_titles(frameworks: Iterable[Framework]) -> dict[str, str]:
    """A safe, unique sheet title per framework id (at most 31 characters, never a reserved name)."""
    taken = {name.lower() for name in RESERVED}
    titles: dict[str, str] = {}
    for fw in frameworks:
        base = fw.id[:31]
        title, n = base, 2
        while title.lower() in taken:
            suffix = f" ({n})"
            title = base[: 31 - len(suffix)] + suffix
            n += 1
        taken.add(title.lower())
        titles[fw.id] = title
    return titles


def clean_text(text: str) -> str:
    """Text as a cell can hold it: no characters XML forbids, line breaks as ``\\n``."""
    return ILLEGAL_XML.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def same_text(a: str, b: str) -> bool:
    """Equal once made cell-safe and trimmed (what a round trip through a spreadsheet keeps)."""
    return clean_text(a).strip() == clean_text(b).strip()


def choice_label(statement: Statement, level: int) -> str:
    """The dropdown entry of one rubric level: ``"2 – description"`` (shortened when long)."""
    choice = statement.choice(level)
    text = " ".join((choice.text if choice else "").split())
    if len(text) > MAX_CHOICE_LABEL:
        text = text[: MAX_CHOICE_LABEL - 1].rstrip() + "\u2026"
    return f"{level} \u2013 {text}" if text else str(level)


def answer_label(framework: Framework, statement: Statement, value: str) -> str:
    """What the answer cell shows for a stored answer value."""
    if statement.is_rubric:
        return choice_label(statement, int(value)) if value.isdigit() else value
    option = framework.scale_of(statement).lookup(value)
    return option.label if option else value


def parse_answer(framework: Framework, statement: Statement, raw: str) -> str | None:
    """The canonical answer value for the cell text ``raw`` (None when it is not a valid answer).

    Scale answers match a value or a label, ignoring case and surrounding spaces. Rubric
    answers match the level number, ``Level N``, or a dropdown entry starting with ``N –``.
    """
    if statement.is_rubric:
        match = _RUBRIC_ANSWER.match(raw)
        if match and statement.choice(int(match.group(1))) is not None:
            return str(int(match.group(1)))
        return None
    option = framework.scale_of(statement).lookup(raw)
    return option.value if option else None


def allowed_answers(framework: Framework, statement: Statement) -> str:
    """The answers a cell may hold, for error messages."""
    if statement.is_rubric:
        return "a level: " + ", ".join(str(c.level) for c in statement.choices)
    return ", ".join(o.label for o in framework.scale_of(statement).options)


def scale_list(framework: Framework, statement: Statement) -> str:
    """The key of the Lists block a statement's answers come from (one per scale, one per rubric item)."""
    if statement.is_rubric:
        return f"{framework.id}/{statement.id}"
    return f"{framework.id}@{statement.scale}" if statement.scale else framework.id
