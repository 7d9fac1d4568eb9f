"""Problems are data: every check records where and what, only the CLI prints them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


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
        return f"{self.where}: {prefix}{self.message}"


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

    def __bool__(self) -> bool:
        return bool(self.errors)

    def __len__(self) -> int:
        return len(self.items)

    def sorted(self) -> list[Problem]:
        return sorted(self.items, key=lambda p: (p.path, p.cell.partition("!")[0], p.line, p.col, p.message))


class MaturityError(Exception):
    """A failure that the CLI reports as one clear message (no traceback)."""

    def __init__(self, message: str, problems: Problems | None = None) -> None:
        super().__init__(message)
        self.problems = problems or Problems()
