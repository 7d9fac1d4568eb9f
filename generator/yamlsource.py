"""Safe YAML reading with positions: every value keeps the line and column it came from.

Files are parsed into PyYAML nodes by libyaml (C) with no implicit type resolution,
so every scalar stays the text that was written (``yes`` is the word yes, ``1.10`` is
not the number 1.1). Readers then ask for the type they expect and get a precise
message, with file:line:col, when it is something else.

Refused before anything is built: files over ``MAX_FILE_BYTES``, empty files, bytes
that are not UTF-8, YAML syntax errors, several documents in one file, duplicate
keys, and aliases (``*name``) — the last keeps "billion laughs" files harmless,
because an alias is refused the first time it is met instead of being expanded.
"""

from __future__ import annotations

import difflib
import operator
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from generator.problems import Problems

#: Largest framework or answer file accepted (bytes). Real files are a few tens of KB.
MAX_FILE_BYTES = 1024 * 1024

try:
    from yaml._yaml import CParser as _Parser  # libyaml: C speed
except ImportError:  # pragma: no cover - libyaml missing; pure-Python fallback
    from yaml.composer import Composer as _Composer
    from yaml.parser import Parser as _PyParser
    from yaml.reader import Reader as _PyReader
    from yaml.scanner import Scanner as _Scanner

    class _Parser(_PyReader, _Scanner, _PyParser, _Composer):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            _PyReader.__init__(self, stream)
            _Scanner.__init__(self)
            _PyParser.__init__(self)
            _Composer.__init__(self)


class _Loader(_Parser, yaml.resolver.BaseResolver):  # type: ignore[misc, valid-type]
    """Composes nodes only; BaseResolver has no implicit resolvers, so scalars stay text."""

    _TAGS = {
        ScalarNode: yaml.resolver.BaseResolver.DEFAULT_SCALAR_TAG,
        SequenceNode: yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG,
        MappingNode: yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    }

    # libyaml's composer calls these for every node; path resolvers are never used here, so they do nothing,
    # in C (a tenth of composing an answer file)
    descend_resolver = staticmethod(operator.is_)
    ascend_resolver = staticmethod(tuple)

    def __init__(self, stream: str) -> None:
        _Parser.__init__(self, stream)
        yaml.resolver.BaseResolver.__init__(self)

    def resolve(self, kind: type, value: Any, implicit: Any) -> str:
        """Every node gets its kind's default tag: no type guessing (and no per-scalar regexes)."""
        return self._TAGS[kind]


#: What YAML reads as "nothing" when written bare (unquoted).
NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_NULLS = NULLS
_INT = re.compile(r"^[-+]?[0-9]+$")
_FLOAT = re.compile(r"^[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$")


class Invalid(Exception):
    """Raised inside a reader after the problem was recorded; unwinds one value."""


def read_text(path: Path, problems: Problems, display: str | None = None) -> str | None:
    """The file's text, or None after recording why it cannot be read."""
    name = display or str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            problems.add(name, 1, 1, f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,} bytes")
            return None
        data = path.read_bytes()
    except OSError as exc:
        problems.add(name, 0, 0, f"cannot read file: {exc.strerror or exc}")
        return None
    return decode(data, name, problems)


def decode(data: bytes, name: str, problems: Problems) -> str | None:
    """UTF-8 text of ``data`` (a BOM is allowed), or None after recording why not."""
    if len(data) > MAX_FILE_BYTES:
        problems.add(name, 1, 1, f"file is {len(data):,} bytes; the limit is {MAX_FILE_BYTES:,} bytes")
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        problems.add(name, line, col, f"file is not UTF-8 text (byte 0x{data[exc.start]:02x}); save it as UTF-8")
        return None
    if not text.strip():
        problems.add(name, 1, 1, "file is empty")
        return None
    if "\x00" in text:
        problems.add(name, 1, 1, "file contains NUL bytes; it is not a text file")
        return None
    return text


def compose(text: str, name: str, problems: Problems) -> Node | None:
    """The document's root node, or None after recording the syntax error."""
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        reason = exc.problem or exc.context or "invalid YAML"
        if mark is not None:
            problems.add(name, mark.line + 1, mark.column + 1, f"YAML syntax error: {reason}")
        else:
            problems.add(name, 1, 1, f"YAML syntax error: {reason}")
        return None
    except yaml.YAMLError as exc:
        problems.add(name, 1, 1, f"YAML syntax error: {exc}")
        return None
    finally:
        loader.dispose()
    if root is None or (isinstance(root, ScalarNode) and root.value in _NULLS and not root.style):
        problems.add(name, 1, 1, "file is empty")
        return None
    return root


def load_root(path: Path, problems: Problems, display: str | None = None, data: bytes | None = None) -> Node | None:
    """Read (or take ``data``) and compose one file; None, with problems recorded, if unusable."""
    name = display or str(path)
    text = read_text(path, problems, name) if data is None else decode(data, name, problems)
    return None if text is None else compose(text, name, problems)


T = TypeVar("T")


def read_document(
    path: Path,
    problems: Problems,
    display: str | None,
    data: bytes | None,
    parse: Callable[[str, Problems, Node], T],
) -> T | None:
    """Load one file and ``parse(display_name, problems, root)`` it.

    None when anything in the file is wrong; every problem is added to ``problems``.
    """
    name = display or str(path)
    root = load_root(path, problems, name, data)
    return None if root is None else parse_root(name, problems, root, parse)


def parse_root(name: str, problems: Problems, root: Node, parse: Callable[[str, Problems, Node], T]) -> T | None:
    """``parse(name, problems, root)``: None when anything in it is wrong; every problem is added to ``problems``.

    A composed document can be parsed more than once (``answers.read_team_twice``).
    """
    local = Problems()
    result: T | None
    try:
        result = parse(name, local, root)
    except Invalid:
        result = None
    problems.extend(local)
    return result if result is not None and not local else None


def suggest(word: str, choices: list[str] | tuple[str, ...] | frozenset[str]) -> str:
    """' (did you mean `x`?)' when a close match exists, else ''."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean `{close[0]}`?)" if close else ""


def _kind(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    if node.value in _NULLS and not node.style:
        return "nothing"
    return f"`{node.value}`"


@dataclass
class Reader:
    """Typed access to one file's nodes; every failure is recorded with its position."""

    path: str
    problems: Problems

    def __post_init__(self) -> None:
        self._seen: set[int] = set()

    # -- reporting -------------------------------------------------------------
    def error(self, node: Node, message: str) -> None:
        mark = node.start_mark
        self.problems.add(self.path, mark.line + 1, mark.column + 1, message)

    def fail(self, node: Node, message: str) -> Invalid:
        self.error(node, message)
        return Invalid(message)

    def _visit(self, node: Node) -> None:
        """Collections are read once each; meeting one again means it is an alias."""
        key = id(node)
        if key in self._seen:
            raise self.fail(
                node, "this value is reused through a YAML alias (`*name`); aliases are not allowed, write the value out"
            )
        self._seen.add(key)

    # -- structure -------------------------------------------------------------
    def mapping(
        self,
        node: Node,
        what: str,
        allowed: tuple[str, ...] | None = None,
        required: tuple[str, ...] = (),
    ) -> dict[str, tuple[Node, Node]]:
        """Keys (as written) -> (key node, value node); checks duplicates, unknown, missing."""
        self._visit(node)
        if type(node) is not MappingNode:
            raise self.fail(node, f"{what} must be a mapping (key: value), got {_kind(node)}")
        out: dict[str, tuple[Node, Node]] = {}
        for pair in node.value:
            key_node = pair[0]
            if type(key_node) is not ScalarNode:
                self.error(key_node, f"{what}: keys must be plain text")
                continue
            key = key_node.value
            if key == "<<":
                self.error(key_node, "YAML merge keys (`<<`) are not allowed; write the keys out")
                continue
            if key in out:
                first = out[key][0].start_mark.line + 1
                self.error(key_node, f"duplicate key `{key}` in {what} (first defined on line {first})")
                continue
            if allowed is not None and key not in allowed:
                self.error(key_node, f"unknown key `{key}` in {what}{suggest(key, allowed)}")
                continue
            out[key] = pair
        for key in required:
            if key not in out:
                self.error(node, f"{what} is missing the required key `{key}`")
        return out

    def sequence(self, node: Node, what: str) -> list[Node]:
        self._visit(node)
        if not isinstance(node, SequenceNode):
            raise self.fail(node, f"{what} must be a list, got {_kind(node)}")
        return list(node.value)

    def each(self, nodes: list[Node], read: Callable[[Node], Any]) -> Iterator[Any]:
        """Apply ``read`` to each node, skipping (already reported) invalid ones."""
        for _, value in self.pairs(nodes, read):
            yield value

    def pairs(self, nodes: list[Node], read: Callable[[Node], Any]) -> Iterator[tuple[Node, Any]]:
        """(node, ``read(node)``) for each node, skipping (already reported) invalid ones."""
        for node in nodes:
            try:
                yield node, read(node)
            except Invalid:
                continue

    # -- scalars ---------------------------------------------------------------
    def _scalar(self, node: Node, what: str, expected: str) -> ScalarNode:
        if not isinstance(node, ScalarNode):
            raise self.fail(node, f"{what} must be {expected}, got {_kind(node)}")
        return node

    def is_null(self, node: Node) -> bool:
        return isinstance(node, ScalarNode) and not node.style and node.value in _NULLS

    def text(self, node: Node, what: str, *, allow_empty: bool = False, max_len: int = 20000) -> str:
        scalar = self._scalar(node, what, "text")
        if self.is_null(scalar):
            if allow_empty:
                return ""
            raise self.fail(node, f"{what} must be text, got nothing")
        value: str = scalar.value
        if not allow_empty and not value.strip():
            raise self.fail(node, f"{what} must not be empty")
        if len(value) > max_len:
            raise self.fail(node, f"{what} is {len(value):,} characters long; the limit is {max_len:,}")
        return value

    def integer(self, node: Node, what: str) -> int:
        scalar = self._scalar(node, what, "a whole number")
        if not scalar.style and _INT.match(scalar.value):
            return int(scalar.value)
        raise self.fail(node, f"{what} must be a whole number, got {_kind(node)}")

    def number(self, node: Node, what: str) -> float:
        scalar = self._scalar(node, what, "a number")
        if not scalar.style and _FLOAT.match(scalar.value):
            return float(scalar.value)
        raise self.fail(node, f"{what} must be a number, got {_kind(node)}")

    def boolean(self, node: Node, what: str) -> bool:
        scalar = self._scalar(node, what, "true or false")
        if not scalar.style and scalar.value.lower() in ("true", "false"):
            return scalar.value.lower() == "true"
        raise self.fail(node, f"{what} must be true or false, got {_kind(node)}")

    def text_list(self, node: Node, what: str) -> tuple[str, ...]:
        return tuple(self.each(self.sequence(node, what), lambda n: self.text(n, f"each item of {what}")))
