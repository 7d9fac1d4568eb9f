"""Problems as GitHub Actions workflow commands (``::error file=...,line=...,col=...::message``).

The only place the tool emits workflow commands on purpose: ``maturity validate --format
github``. Every value is escaped the way the runner decodes it (``%``, CR and LF in the
message; also ``:`` and ``,`` in properties), after control characters are made visible,
so nothing from a file can end the command early or start another one.
"""

from __future__ import annotations

from generator.problems import Problem, printable


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(problem: Problem) -> str:
    """One workflow-command line for ``problem`` (``warning`` for warnings, else ``error``)."""
    kind = "warning" if problem.severity == "warning" else "error"
    props = [f"file={_property(printable(problem.path))}"]
    if problem.line:
        props += [f"line={problem.line}", f"col={problem.col or 1}"]
    props.append(f"title={_property('maturity validate')}")
    return f"::{kind} {','.join(props)}::{_data(printable(problem.message))}"
