"""Progress of long work, shown on a terminal only: one line on stderr, rewritten in place.

Nothing is printed when stderr is not a terminal (CI logs, pipes, files) or when the command
line asked for ``--quiet`` (:func:`set_quiet`). The line is cleared when the work is done, so
what a command prints afterwards is not interleaved with it.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

_quiet = False
#: Seconds between two redraws (a redraw per item would slow a fast loop down).
INTERVAL = 0.1


def set_quiet(quiet: bool) -> None:
    """``--quiet``: show no progress in this process."""
    global _quiet
    _quiet = quiet


class Progress:
    """``label: done/total`` on the terminal while work goes on."""

    def __init__(self, label: str, total: int, stream: TextIO | None = None) -> None:
        self.label, self.total, self.done = label, total, 0
        # past the CLI's SafeStream, which would print the control sequences as text (the labels are our own)
        given = stream if stream is not None else sys.stderr
        self.stream: TextIO = getattr(given, "stream", given)
        try:
            tty = self.stream.isatty()
        except (AttributeError, ValueError):
            tty = False
        self.shown = tty and not _quiet and total > 0
        self._last = 0.0
        self._drawn = False

    def step(self, n: int = 1, label: str | None = None) -> None:
        """``n`` more items done (under ``label`` from now on, when given)."""
        self.done += n
        if label is not None:
            self.label = label
        now = time.monotonic()
        if self.shown and (now - self._last >= INTERVAL or self.done >= self.total):
            self._last = now
            self.stream.write(f"\r\x1b[K{self.label}: {min(self.done, self.total)}/{self.total}")
            self.stream.flush()
            self._drawn = True

    def close(self) -> None:
        """Clear the line."""
        if self._drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self._drawn = False

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
