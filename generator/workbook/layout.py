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
#: Read-only: the answers inferred through the crosswalk for the statements the team has not answered (import ignores it).
INFERRED = "Inferred"
RESERVED = (INSTRUCTIONS, SUMMARY, LISTS, SCORES, METADATA, INFERRED)
H_FRAMEWORK, H_INFERRED_ANSWER, H_INFERRED_FROM = "Framework", "Inferred answer", "Inferred from"

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
MAX_CHOICE_LABEL = 40


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


def choice_label(framework: Framework, statement: Statement, level: int) -> str:
    """The dropdown entry of one rubric level, short enough for a dropdown: ``"2 – Developing"``.

    The level's name when the framework names its levels, else the start of the description; the
    full descriptions are in the Guidance column beside the answer.
    """
    named = framework.level_in(statement, level)
    choice = statement.choice(level)
    text = " ".join((named.name if named and named.name else choice.text if choice else "").split())
    if len(text) > MAX_CHOICE_LABEL:
        text = text[: MAX_CHOICE_LABEL - 1].rstrip() + "\u2026"
    return f"{level} \u2013 {text}" if text else str(level)


#: Printed size of the workbook's text, and what a column width unit and a line hold at that size
#: (a width unit is one digit of the default font; ordinary text runs about 1.1 characters per unit).
FONT_NAME, FONT_SIZE = "Arial", 10
CHARS_PER_WIDTH = 1.1
LINE_HEIGHT = 13.0  # points per line of 10 pt text
MAX_ROW_HEIGHT = 409.0  # the largest row height a spreadsheet accepts


def lines_needed(text: str, width: float) -> int:
    """How many lines ``text`` wraps to in a column ``width`` units wide (each line break starts a line)."""
    per_line = max(1, int(width * CHARS_PER_WIDTH))
    total = 0
    for part in str(text).split("\n"):
        count, line = 1, 0
        for word in part.split():
            if line and line + 1 + len(word) > per_line:
                count, line = count + 1, 0
            if line:
                line += 1 + len(word)
            else:  # a word longer than a line takes several
                count += (len(word) - 1) // per_line
                line = (len(word) - 1) % per_line + 1
        total += count
    return max(1, total)


def row_height(cells: Iterable[tuple[str, float]]) -> float:
    """The height (points) a row needs to show every (text, column width) of it, wrapped, without clipping."""
    lines = max((lines_needed(text, width) for text, width in cells if text), default=1)
    return min(MAX_ROW_HEIGHT, lines * LINE_HEIGHT + 4)


def answer_label(framework: Framework, statement: Statement, value: str) -> str:
    """What the answer cell shows for a stored answer value."""
    if statement.is_rubric:
        return choice_label(framework, statement, int(value)) if value.isdigit() else value
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
