"""Writing answers into a team's YAML file by editing its text, not by re-dumping it.

The file is parsed (``generator.yamlsource``) only to learn where each key and value
sits; changes are spliced into the original text at those positions. Everything not
changed — comments, key order, quoting, blank lines, line endings — stays byte for
byte. A changed short answer keeps its quoting style; an answer that gains a note or
evidence becomes the long form (``answer:``/``note:``/``evidence:``); new answers are
inserted after the answer to the statement before them in framework order; new
frameworks are appended to ``frameworks:``.

The caller re-reads the result and compares it with what was intended (see
``importer.py``), so a mistake here can never reach the disk.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from generator.problems import MaturityError, Problems
from generator.yamlsource import compose

_PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]*(?: [A-Za-z0-9._/-]+)*")
_PLAIN_LINK = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~/:%?=&+@!$,;()*#-]*")
_NULLS = ("", "~", "null", "Null", "NULL")
ORDER = ("answer", "note", "evidence", "assessed")


@dataclass(frozen=True)
class Entry:
    """The desired state of one answer; ``assessed`` (an ISO date) "" keeps whatever date is written."""

    value: str
    note: str = ""
    evidence: tuple[str, ...] = ()
    assessed: str = ""

    @property
    def short(self) -> bool:
        return not self.note and not self.evidence and not self.assessed


def _printable(o: int) -> bool:
    """Characters YAML may hold unescaped (line-break look-alikes NEL, LS, PS excluded)."""
    if o in (0x85, 0x2028, 0x2029):
        return False
    return o == 0x09 or 0x20 <= o <= 0x7E or 0xA0 <= o <= 0xD7FF or (0xE000 <= o <= 0xFFFD and o != 0xFEFF) or o >= 0x10000


def dq(text: str) -> str:
    """A YAML double-quoted scalar that reads back as exactly ``text``."""
    out = ['"']
    for ch in text:
        o = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif _printable(o):
            out.append(ch)
        elif o <= 0xFF:
            out.append(f"\\x{o:02x}")
        elif o <= 0xFFFF:
            out.append(f"\\u{o:04x}")
        else:
            out.append(f"\\U{o:08x}")
    out.append('"')
    return "".join(out)


def scalar(text: str, like: str | None = '"') -> str:
    """``text`` as a YAML scalar, in the style ``like`` ('"', "'", or None/'' for plain) when that is safe."""
    if not like and _PLAIN.fullmatch(text):
        return text
    if like == "'" and all(_printable(ord(c)) and c != "\t" for c in text):
        return "'" + text.replace("'", "''") + "'"
    return dq(text)


def _link(text: str) -> str:
    return text if _PLAIN_LINK.fullmatch(text) and not text.endswith(":") else dq(text)


def _literal_ok(text: str) -> bool:
    return "\n" in text and text == text.strip() and all(_printable(ord(c)) for c in text.replace("\n", ""))


def block_lines(key: str, entry: Entry, indent: int, step: int) -> list[str]:
    """The lines (without line ends) of one answer in block style, its key at column ``indent``."""
    pad = " " * indent
    if entry.short:
        return [f"{pad}{key}: {scalar(entry.value)}"]
    return [f"{pad}{key}:", *sub_lines(entry, indent + step, step, ORDER)]


def sub_lines(entry: Entry, indent: int, step: int, keys: Sequence[str]) -> list[str]:
    """Block lines for the given keys (answer/note/evidence) of an answer's long form."""
    pad = " " * indent
    lines: list[str] = []
    for key in keys:
        if key == "answer":
            lines.append(f"{pad}answer: {scalar(entry.value)}")
        elif key == "note" and entry.note:
            if _literal_ok(entry.note):
                inner = " " * (indent + step)
                lines.append(f"{pad}note: |-")
                lines.extend(f"{inner}{line}" if line else "" for line in entry.note.split("\n"))
            else:
                lines.append(f"{pad}note: {dq(entry.note)}")
        elif key == "evidence" and entry.evidence:
            lines.append(f"{pad}evidence:")
            lines.extend(f"{pad}{' ' * step}- {_link(link)}" for link in entry.evidence)
        elif key == "assessed" and entry.assessed:
            lines.append(f"{pad}assessed: {entry.assessed}")
    return lines


def flow_value(entry: Entry, extra: str = "") -> str:
    """One answer in flow style: ``"yes"`` or ``{answer: "yes", note: "..."}``."""
    if entry.short and not extra:
        return dq(entry.value)
    parts = [f"answer: {dq(entry.value)}"]
    if entry.note:
        parts.append(f"note: {dq(entry.note)}")
    if entry.evidence:
        parts.append("evidence: [" + ", ".join(dq(e) for e in entry.evidence) + "]")
    if entry.assessed:
        parts.append(f"assessed: {entry.assessed}")
    elif extra:
        parts.append(extra)
    return "{" + ", ".join(parts) + "}"


def _is_null(node: Node) -> bool:
    return isinstance(node, ScalarNode) and not node.style and node.value in _NULLS


def _pairs(node: Node) -> dict[str, tuple[Node, Node]]:
    return {k.value: (k, v) for k, v in node.value} if isinstance(node, MappingNode) else {}


class _Editor:
    def __init__(self, text: str, step: int) -> None:
        self.text = text
        self.nl = "\r\n" if "\r\n" in text else "\n"
        self.step = step
        self.splices: list[tuple[int, int, int, str]] = []

    # -- positions ---------------------------------------------------------------------
    def line_start(self, pos: int) -> int:
        return self.text.rfind("\n", 0, pos) + 1

    def next_line(self, pos: int) -> int:
        """Start of the line after the one holding ``pos`` (``pos`` itself if it starts a line)."""
        if pos > 0 and self.text[pos - 1] == "\n":
            return pos
        found = self.text.find("\n", pos)
        return len(self.text) if found < 0 else found + 1

    def end_of(self, key: Node, value: Node) -> int:
        """Where the last character of a ``key: value`` entry is."""
        if _is_null(value) and not value.value:
            return key.end_mark.index
        return self._last(value)

    def _last(self, node: Node) -> int:
        if isinstance(node, ScalarNode) or node.flow_style or not node.value:
            return node.end_mark.index
        if isinstance(node, MappingNode):
            k, v = node.value[-1]
            return self.end_of(k, v)
        assert isinstance(node, SequenceNode)
        return self._last(node.value[-1])

    # -- changes -----------------------------------------------------------------------
    def splice(self, start: int, end: int, new: str) -> None:
        self.splices.append((start, end, len(self.splices), new))

    def insert_lines(self, pos: int, lines: list[str]) -> None:
        new = "".join(line + self.nl for line in lines)
        if pos == len(self.text) and self.text and not self.text.endswith("\n"):
            new = self.nl + new
        self.splice(pos, pos, new)

    def result(self) -> str:
        out: list[str] = []
        cur = 0
        for start, end, _, new in sorted(self.splices, key=lambda s: (s[0], s[0] != s[1], s[2])):
            if start < cur:
                raise MaturityError("internal error: overlapping edits to an answer file")
            out.append(self.text[cur:start])
            out.append(new)
            cur = end
        out.append(self.text[cur:])
        return "".join(out)


def _detect_step(frameworks: Node | None) -> int:
    """The file's indentation step: how far the framework ids are indented under ``frameworks:``."""
    if isinstance(frameworks, MappingNode) and not frameworks.flow_style and frameworks.value:
        column = frameworks.value[0][0].start_mark.column
        return column if column > 0 else 2
    return 2


def edit_answers(
    text: str,
    edits: Mapping[str, Mapping[str, Entry]],
    order: Mapping[str, Sequence[str]],
    same_value: Callable[[str, str, str, str], bool],
    display: str = "answer file",
    renamed: Mapping[str, Mapping[str, str]] | None = None,
    top_level: Collection[str] = (),
) -> str:
    """Return ``text`` with the answers in ``edits`` (framework -> statement -> entry) written in.

    ``order`` gives each framework's statement ids in framework order (where new answers
    go); ``same_value(framework, statement, written, value)`` says whether the text
    already written means ``value`` (so an unchanged answer is not rewritten).
    ``renamed`` (framework -> old id -> live id): an answer written under a statement's old id
    is edited where it is, under that id (``maturity migrate`` renames ids), never doubled. The ids in
    ``top_level`` (the practice catalogue, ``practices:``) are keys of the file itself, not
    of ``frameworks:``; a missing one is added at the end of the file.
    """
    problems = Problems()
    root = compose(text, display, problems)
    if root is None or not isinstance(root, MappingNode):
        raise MaturityError(f"{display}: cannot be edited: {problems.sorted()[0] if problems else 'not a mapping'}")
    top = _pairs(root)
    fw_pair = top.get("frameworks")
    step = _detect_step(fw_pair[1] if fw_pair else None)
    ed = _Editor(text, step)
    pending_new: list[tuple[str, Mapping[str, Entry]]] = []
    for fid, entries in edits.items():
        if not entries:
            continue
        if fid in top_level:
            own = top.get(fid)
            if own is not None:
                _edit_framework(ed, fid, own[0], own[1], entries, order[fid], same_value, (renamed or {}).get(fid, {}))
            else:
                end = ed.next_line(ed.end_of(*root.value[-1]))
                ed.insert_lines(end, _framework_lines(fid, entries, order[fid], 0, step))
            continue
        fw_node = _pairs(fw_pair[1]).get(fid) if fw_pair else None
        if fw_node is None:
            pending_new.append((fid, entries))
            continue
        _edit_framework(ed, fid, fw_node[0], fw_node[1], entries, order[fid], same_value, (renamed or {}).get(fid, {}))
    if pending_new:
        _add_frameworks(ed, root, fw_pair, pending_new, order)
    return ed.result()


def _framework_lines(fid: str, entries: Mapping[str, Entry], order: Sequence[str], indent: int, step: int) -> list[str]:
    lines = [f"{' ' * indent}{fid}:", f"{' ' * (indent + step)}answers:"]
    for sid in _in_order(entries, order):
        lines += block_lines(scalar(sid), entries[sid], indent + 2 * step, step)
    return lines


def _framework_flow(entries: Mapping[str, Entry], order: Sequence[str]) -> str:
    return "{answers: " + _answers_flow(entries, order) + "}"


def _answers_flow(entries: Mapping[str, Entry], order: Sequence[str]) -> str:
    return "{" + ", ".join(f"{dq(sid)}: {flow_value(entries[sid])}" for sid in _in_order(entries, order)) + "}"


def _in_order(entries: Mapping[str, Entry], order: Sequence[str]) -> list[str]:
    rank = {sid: i for i, sid in enumerate(order)}
    return sorted(entries, key=lambda sid: rank.get(sid, len(rank)))


def _add_frameworks(
    ed: _Editor,
    root: MappingNode,
    fw_pair: tuple[Node, Node] | None,
    new: list[tuple[str, Mapping[str, Entry]]],
    order: Mapping[str, Sequence[str]],
) -> None:
    step = ed.step
    if fw_pair is None:  # no `frameworks:` key yet: append one at the end of the file
        block = ["frameworks:"]
        for fid, entries in new:
            block += _framework_lines(fid, entries, order[fid], step, step)
        ed.insert_lines(ed.next_line(ed.end_of(*root.value[-1])), block)
        return
    key, node = fw_pair
    if isinstance(node, MappingNode) and node.flow_style:
        body = ", ".join(f"{fid}: {_framework_flow(entries, order[fid])}" for fid, entries in new)
        _flow_append(ed, node, body)
        return
    if isinstance(node, MappingNode) and node.value:
        indent = node.value[0][0].start_mark.column
        pos = ed.next_line(ed.end_of(*node.value[-1]))
    else:  # `frameworks:` with nothing (or an explicit null) after it
        _clear_null(ed, node)
        indent = key.start_mark.column + step
        pos = ed.next_line(key.end_mark.index)
    lines: list[str] = []
    for fid, entries in new:
        lines += _framework_lines(fid, entries, order[fid], indent, step)
    ed.insert_lines(pos, lines)


def _clear_null(ed: _Editor, node: Node) -> None:
    """Remove an explicit ``~``/``null``/``{}`` so block content can follow the key."""
    if _is_null(node) and node.value:
        ed.splice(node.start_mark.index, node.end_mark.index, "")
    elif isinstance(node, MappingNode) and node.flow_style and not node.value:
        ed.splice(node.start_mark.index, node.end_mark.index, "")


def _flow_append(ed: _Editor, node: MappingNode, body: str) -> None:
    """Add ``key: value`` pairs (``body``) to a flow mapping ``{...}``."""
    if node.value:
        ed.splice(ed._last(node.value[-1][1]), ed._last(node.value[-1][1]), ", " + body)
    else:
        ed.splice(node.start_mark.index, node.end_mark.index, "{" + body + "}")


def _answers_block(entries: Mapping[str, Entry], order: Sequence[str], indent: int, step: int) -> list[str]:
    """An ``answers:`` key at ``indent`` with every entry below it, in block style."""
    lines = [f"{' ' * indent}answers:"]
    for sid in _in_order(entries, order):
        lines += block_lines(scalar(sid), entries[sid], indent + step, step)
    return lines


def _edit_framework(
    ed: _Editor,
    fid: str,
    key: Node,
    node: Node,
    entries: Mapping[str, Entry],
    order: Sequence[str],
    same_value: Callable[[str, str, str, str], bool],
    renamed: Mapping[str, str],
) -> None:
    step = ed.step
    if isinstance(node, MappingNode) and node.flow_style:
        answers = _pairs(node).get("answers")
        if answers is None:
            _flow_append(ed, node, "answers: " + _answers_flow(entries, order))
            return
        _edit_answers_node(ed, fid, answers[0], answers[1], entries, order, same_value, renamed)
        return
    if not isinstance(node, MappingNode) or not node.value:  # `fid:` with nothing under it
        _clear_null(ed, node)
        ed.insert_lines(ed.next_line(key.end_mark.index), _answers_block(entries, order, key.start_mark.column + step, step))
        return
    pairs = _pairs(node)
    if "answers" not in pairs:
        block = _answers_block(entries, order, node.value[0][0].start_mark.column, step)
        ed.insert_lines(ed.next_line(ed.end_of(*node.value[-1])), block)
        return
    _edit_answers_node(ed, fid, pairs["answers"][0], pairs["answers"][1], entries, order, same_value, renamed)


def _edit_answers_node(
    ed: _Editor,
    fid: str,
    key: Node,
    node: Node,
    entries: Mapping[str, Entry],
    order: Sequence[str],
    same_value: Callable[[str, str, str, str], bool],
    renamed: Mapping[str, str] | None = None,
) -> None:
    step = ed.step
    if not isinstance(node, MappingNode) or (node.flow_style and not node.value):
        if isinstance(node, MappingNode) or _is_null(node):  # `answers:`, `answers: ~`, `answers: {}`
            _clear_null(ed, node)
            indent = key.start_mark.column + step
            lines: list[str] = []
            for sid in _in_order(entries, order):
                lines += block_lines(scalar(sid), entries[sid], indent, step)
            ed.insert_lines(ed.next_line(key.end_mark.index), lines)
            return
        raise MaturityError(f"answers of `{fid}` cannot be edited: not a mapping")
    existing = _pairs(node)
    for old_id, live in (renamed or {}).items():  # an answer under an old id is the live statement's answer
        if old_id in existing and live not in existing:
            existing[live] = existing[old_id]
    flow = bool(node.flow_style)
    key_style = node.value[0][0].style if node.value else '"'
    indent = node.value[0][0].start_mark.column
    rank = {sid: i for i, sid in enumerate(order)}
    for sid in _in_order(entries, order):
        entry = entries[sid]
        if sid in existing:
            k, v = existing[sid]
            _edit_entry(ed, fid, sid, k, v, entry, flow, same_value)
            continue
        if flow:
            _flow_append(ed, node, f"{dq(sid)}: {flow_value(entry)}")
            continue
        before = [s for s in existing if rank.get(s, -1) < rank[sid]]
        if before:
            anchor = max(before, key=lambda s: rank.get(s, -1))
            pos = ed.next_line(ed.end_of(*existing[anchor]))
        else:
            pos = ed.line_start(node.value[0][0].start_mark.index)
        ed.insert_lines(pos, block_lines(scalar(sid, key_style), entry, indent, step))


def _edit_entry(
    ed: _Editor,
    fid: str,
    sid: str,
    key: Node,
    value: Node,
    entry: Entry,
    flow: bool,
    same_value: Callable[[str, str, str, str], bool],
) -> None:
    step = ed.step
    if isinstance(value, ScalarNode):
        same = same_value(fid, sid, value.value, entry.value)
        if entry.short:
            if not same:
                ed.splice(value.start_mark.index, value.end_mark.index, scalar(entry.value, value.style))
            return
        if flow:
            ed.splice(value.start_mark.index, value.end_mark.index, flow_value(entry, ""))
            return
        sub_indent = key.start_mark.column + step
        written = ed.text[value.start_mark.index : value.end_mark.index]
        colon = ed.text.index(":", key.end_mark.index) + 1
        ed.splice(
            colon,
            value.end_mark.index,
            ed.nl + " " * sub_indent + "answer: " + (written if same else scalar(entry.value, value.style)),
        )
        ed.insert_lines(ed.next_line(value.end_mark.index), sub_lines(entry, sub_indent, step, ORDER[1:]))
        return
    if not isinstance(value, MappingNode):
        raise MaturityError(f"answer `{sid}` of `{fid}` cannot be edited: not a value or a mapping")
    pairs = _pairs(value)
    if value.flow_style:
        extra = ""
        if "assessed" in pairs:
            a_key, a_val = pairs["assessed"]
            extra = "assessed: " + ed.text[a_val.start_mark.index : a_val.end_mark.index]
        ed.splice(value.start_mark.index, value.end_mark.index, flow_value(entry, extra))
        return
    sub_indent = value.value[0][0].start_mark.column
    a_key, a_val = pairs["answer"]
    if not same_value(fid, sid, a_val.value, entry.value):
        ed.splice(a_val.start_mark.index, a_val.end_mark.index, scalar(entry.value, a_val.style))
    anchor = "answer"
    for name in ORDER[1:]:
        current = pairs.get(name)
        if name == "assessed":
            if not entry.assessed:  # keep the date written, if any
                continue
            unchanged = current is not None and isinstance(current[1], ScalarNode) and current[1].value == entry.assessed
        elif name == "note":
            wanted = entry.note
            unchanged = current is not None and isinstance(current[1], ScalarNode) and current[1].value == wanted
            if current is None and not wanted:
                continue
        else:
            wanted_list = entry.evidence
            unchanged = (
                current is not None
                and isinstance(current[1], SequenceNode)
                and tuple(n.value for n in current[1].value if isinstance(n, ScalarNode)) == wanted_list
                and len(current[1].value) == len(wanted_list)
            )
            if current is None and not wanted_list:
                continue
        if unchanged:
            anchor = name
            continue
        new_lines = sub_lines(entry, sub_indent, step, (name,))
        if current is None:
            k, v = pairs[anchor]
            ed.insert_lines(ed.next_line(ed.end_of(k, v)), new_lines)
            continue
        k, v = current
        if (
            name == "note"
            and new_lines
            and len(new_lines) == 1
            and isinstance(v, ScalarNode)
            and v.style in (None, "", '"', "'")
            and v.start_mark.line == k.start_mark.line
            and v.end_mark.line == k.start_mark.line
        ):
            ed.splice(v.start_mark.index, v.end_mark.index, new_lines[0].split(": ", 1)[1])
        else:
            start = ed.line_start(k.start_mark.index)
            end = ed.next_line(ed.end_of(k, v))
            ed.splice(start, end, "".join(line + ed.nl for line in new_lines))
        anchor = name if new_lines else anchor


def rename_answer_keys(text: str, renames: Mapping[str, Mapping[str, str]], display: str = "answer file") -> str:
    """Return ``text`` with answer keys renamed (framework -> old id -> new id); nothing else changes."""
    problems = Problems()
    root = compose(text, display, problems)
    if root is None or not isinstance(root, MappingNode):
        raise MaturityError(f"{display}: cannot be edited: {problems.sorted()[0] if problems else 'not a mapping'}")
    ed = _Editor(text, 2)
    fw_pair = _pairs(root).get("frameworks")
    for fid, fw_node in _pairs(fw_pair[1]).items() if fw_pair else ():
        answers = _pairs(fw_node[1]).get("answers")
        for old, (key, _) in _pairs(answers[1]).items() if answers else ():
            new = renames.get(fid, {}).get(old)
            if new is not None and isinstance(key, ScalarNode):
                ed.splice(key.start_mark.index, key.end_mark.index, scalar(new, key.style or None))
    return ed.result()
