"""Problems are data: every check records where and what, only the CLI prints them."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

#: Characters that move the cursor, recolour or rewrite a terminal, or reorder text: shown escaped.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\r": "\\r", "\x1b": "\\e", "\x08": "\\b", "\x0b": "\\v", "\x0c": "\\f"}
#: A CI runner reads ``::command::`` at the start of a line and ``##[command]`` anywhere as a workflow command.
_WORKFLOW_COMMAND = re.compile(r"(?m)^([ \t]*)::")


def _escape_control(match: re.Match[str]) -> str:
    c = match.group(0)
    return _NAMED.get(c) or (f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}")


def printable(text: str, one_line: bool = True) -> str:
    """Text that came from a file, safe to print to a terminal or a CI log.

    Control characters (ESC, CR, backspace, bidi overrides ...) are shown escaped (``\\e``, ``\\r``, ``\\x07``),
    newlines too when ``one_line``; CI workflow commands (``::error::``, ``::add-mask::``, ``##[...]``) are broken
    so that the runner shows them instead of obeying them.
    """
    text = _CONTROL.sub(_escape_control, str(text))
    if one_line:
        text = text.replace("\n", "\\n").replace("\t", " ")
    text = _WORKFLOW_COMMAND.sub(r"\1\\::", text)
    return text.replace("##[", "##\\[")


class SafeStream:
    """A text stream (stdout/stderr) that passes everything through :func:`printable`, line breaks kept.

    The CLI writes through it, so no file content can reach a terminal or a CI log as a control sequence
    or a workflow command, whichever command printed it (problems, diffs, MkDocs messages).
    """

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self._line_blank = True  # nothing but spaces written on the current line so far

    def write(self, text: str) -> int:
        pieces = _CONTROL.sub(_escape_control, str(text)).replace("##[", "##\\[").split("\n")
        for i, piece in enumerate(pieces):
            at_start = self._line_blank or i > 0
            content = piece.lstrip(" \t")
            if at_start and (content.startswith("::") or content == ":"):
                pieces[i] = piece[: len(piece) - len(content)] + "\\" + content
            self._line_blank = at_start and not content
        self.stream.write("\n".join(pieces))
        return len(text)

    def flush(self) -> None:
        self.stream.flush()

    def __getattr__(self, name: str) -> object:
        return getattr(self.stream, name)


@dataclass(frozen=True, order=True)
class Problem:
    """One finding, located in a file (line/column 1-based) or a workbook cell.

    A workbook cell is ``cell`` (``Sheet!C5``) with its row and column number in ``line`` and
    ``col``, so problems sort in reading order.
    """

    path: str
    line: int = 0
    col: int = 0
    message: str = ""
    severity: str = "error"
    cell: str = ""

    @property
    def where(self) -> str:
        """``path:line:col`` (``path: Sheet!C5`` for a workbook cell), or just the path when the problem has no line."""
        if self.cell:
            return f"{self.path}: {self.cell}"
        return f"{self.path}:{self.line}:{self.col or 1}" if self.line else self.path

    def __str__(self) -> str:
        prefix = "" if self.severity == "error" else f"{self.severity}: "
        return printable(f"{self.where}: {prefix}{self.message}")


@dataclass
class Problems:
    """An ordered collection of problems found in one run."""

    items: list[Problem] = field(default_factory=list)

    def add(self, path: str | Path, line: int, col: int, message: str, severity: str = "error") -> None:
        self.items.append(Problem(str(path), line, col, message, severity))

    def extend(self, other: Problems) -> None:
        self.items.extend(other.items)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity != "error"]

    def __bool__(self) -> bool:
        return bool(self.errors)

    def __len__(self) -> int:
        return len(self.items)

    def sorted(self) -> list[Problem]:
        return sorted(self.items, key=lambda p: (p.path, p.cell.partition("!")[0], p.line, p.col, p.message))


def print_warnings(problems: Problems, file: TextIO | None = None) -> None:
    """Each warning, located (``path:line:col: warning: ...``), on stderr: the command goes on, its exit code unchanged."""
    out = file or sys.stderr
    for problem in Problems(problems.warnings).sorted():
        print(problem, file=out)


class MaturityError(Exception):
    """A failure that the CLI reports as one clear message (no traceback)."""

    def __init__(self, message: str, problems: Problems | None = None) -> None:
        super().__init__(message)
        self.problems = problems or Problems()
