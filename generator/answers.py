"""Reading team answer files (``answers/<team>.yaml``) against the known frameworks."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

from yaml.nodes import MappingNode, Node, ScalarNode

from generator.model import OWNER, TEAM_ID, Answer, Framework, FrameworkAnswers, Statement, Target, Team, option_key
from generator.problems import Problem, Problems
from generator.site.links import reserved_team_id
from generator.yamlsource import NULLS, Invalid, Reader, load_root, parse_root, read_document, suggest

TEAM_KEYS = ("$schema", "team", "name", "group", "owners", "description", "use-inferred", "frameworks", "practices")
FRAMEWORK_KEYS = ("target", "target_due", "assessed", "answers")
ANSWER_KEYS = ("answer", "note", "evidence", "assessed")
_PERCENT = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*%\s*$")
#: Evidence must be a web link or a path inside the repository; no script or data URLs.
SAFE_LINK = re.compile(r"^(https?://[^\s<>\"']+|mailto:[^\s<>\"']+|[A-Za-z0-9_./#-][^\s<>\"':]*)$")
MAX_NOTE = 4000
#: The evidence of one answer goes into one workbook cell, one link a line: no more than a cell holds.
MAX_EVIDENCE_TEXT = 32_767
#: Longest bare answer read by the quick path (scale values are short; longer text takes the full checks).
MAX_PLAIN = 200


class _AnswerReader(Reader):
    def __init__(
        self,
        path: str,
        problems: Problems,
        frameworks: Mapping[str, Framework],
        today: dt.date | None,
        catalogue: Framework | None = None,
        reuse: Mapping[str, Section] | None = None,
    ) -> None:
        super().__init__(path, problems)
        self.frameworks = frameworks
        self.today = today or dt.date.today()
        self.catalogue = catalogue
        #: framework id -> what reading its part of the file gave (answers and problems), kept for a second reading
        self.sections: dict[str, Section] = {}
        self.reuse = reuse or {}

    def team(self, root: Node, file_stem: str) -> Team:
        keys = self.mapping(root, "answer file", TEAM_KEYS, ("team", "name"))
        if "team" not in keys or "name" not in keys:
            raise Invalid("team")
        id_node = keys["team"][1]
        tid = self.text(id_node, "team", allow_empty=True)
        if not TEAM_ID.match(tid):
            raise self.fail(
                id_node,
                f"team id `{tid}` is not a safe slug: use lowercase letters, digits and `-` (e.g. `fraud-detection`)",
            )
        reserved = reserved_team_id(tid)
        if reserved:
            raise self.fail(id_node, f"team id `{tid}` is reserved: {reserved}; choose another id")
        if tid != file_stem:
            self.error(id_node, f"team id `{tid}` does not match the file name `{file_stem}.yaml`")
        name = self.text(keys["name"][1], "name", max_len=200)
        group = self.text(keys["group"][1], "group", max_len=200) if "group" in keys else ""
        owners = tuple(self.each(self.sequence(keys["owners"][1], "owners"), self.owner)) if "owners" in keys else ()
        description = self.text(keys["description"][1], "description", allow_empty=True) if "description" in keys else ""
        frameworks: dict[str, FrameworkAnswers] = {}
        if "frameworks" in keys:
            fw_map = self.mapping(keys["frameworks"][1], "frameworks")
            for fid, (key_node, value_node) in fw_map.items():
                fw = self.frameworks.get(fid)
                if fw is None:
                    self.error(key_node, f"unknown framework `{fid}`{suggest(fid, sorted(self.frameworks))}")
                    continue
                kept = self.reuse.get(fid)
                if kept is not None and kept.framework is fw:  # the same text read against the same framework
                    self.problems.items.extend(kept.problems)
                    if kept.answers is not None:
                        frameworks[fid] = kept.answers
                    self.sections[fid] = kept
                    continue
                start = len(self.problems.items)
                try:
                    frameworks[fid] = self.framework_answers(fw, value_node)
                except Invalid:
                    pass
                self.sections[fid] = Section(fw, frameworks.get(fid), tuple(self.problems.items[start:]))
        practices = self.practices(keys["practices"]) if "practices" in keys else None
        use_inferred = self.use_inferred(keys["use-inferred"][1]) if "use-inferred" in keys else {}
        return Team(
            tid,
            name,
            group,
            owners,
            description,
            MappingProxyType(frameworks),
            self.path,
            id_node.start_mark.line + 1,
            practices,
            MappingProxyType(use_inferred),
        )

    def practices(self, nodes: tuple[Node, Node]) -> FrameworkAnswers | None:
        """Answers to the practice catalogue, read like a framework's answers."""
        if self.catalogue is None:
            message = "`practices` answers the practice catalogue, but this repository has no `crosswalk/practices.yaml`"
            self.error(nodes[0], message)
            return None
        try:
            return self.framework_answers(self.catalogue, nodes[1])
        except Invalid:
            return None

    def use_inferred(self, node: Node) -> dict[str, tuple[int, int]]:
        """Framework ids whose official level counts inferred answers, with where each was written."""
        chosen: dict[str, tuple[int, int]] = {}
        for item, fid in self.pairs(self.sequence(node, "use-inferred"), lambda n: self.text(n, "framework id")):
            if fid not in self.frameworks:
                self.error(item, f"unknown framework `{fid}` in use-inferred{suggest(fid, sorted(self.frameworks))}")
                continue
            chosen[fid] = (item.start_mark.line + 1, item.start_mark.column + 1)
        return chosen

    def framework_answers(self, fw: Framework, node: Node) -> FrameworkAnswers:
        keys = self.mapping(node, f"answers for `{fw.id}`", FRAMEWORK_KEYS)
        target = self.target(fw, keys["target"][1]) if "target" in keys else None
        default_date = self.date(keys["assessed"][1]) if "assessed" in keys else None
        if "target_due" in keys:
            due_node = keys["target_due"][1]
            due = self.iso_date(due_node, "target_due")
            if target is None:
                self.error(due_node, f"target_due without a target; add `target:` for `{fw.id}` or remove the date")
            else:
                target = dataclasses.replace(target, due=due)
                if default_date is not None and due < default_date:
                    self.warn(due_node, f"target_due {due.isoformat()} is before the assessment date {default_date.isoformat()}")
        answers: dict[str, Answer] = {}
        renamed: dict[str, str] = {}
        dropped: list[str] = []
        if "answers" in keys and not self.is_null(keys["answers"][1]):
            given = self.mapping(keys["answers"][1], f"answers for `{fw.id}`")
            texts = fw.answer_texts
            for sid, (key_node, value_node) in given.items():
                # the common case first: a statement's own id and a bare value on its scale
                options = texts.get(sid)
                if options is not None and type(value_node) is ScalarNode:
                    raw = value_node.value
                    if len(raw) <= MAX_PLAIN and (value_node.style or raw not in NULLS):
                        option = options.get(option_key(raw))
                        if option is not None:
                            answers[sid] = Answer(sid, option.value, "", (), default_date, key_node.start_mark.line + 1)
                            continue
                st = fw.resolve(sid)
                if st is None:
                    self.warn(
                        key_node,
                        f"`{fw.id}` (version {fw.version}) has no statement `{sid}`{suggest(sid, list(fw.by_id))}; "
                        "this answer is left out of every score",
                    )
                    dropped.append(sid)
                    continue
                if st.id != sid:
                    if st.id in given:
                        self.warn(key_node, f"`{sid}` is now `{st.id}`, which is answered too; this answer is left out")
                        dropped.append(sid)
                        continue
                    renamed[sid] = st.id
                    self.warn(
                        key_node,
                        f"`{sid}` is now `{st.id}` in `{fw.id}` (version {fw.version}); the answer counts for it "
                        "(`maturity migrate` rewrites the file to the new id)",
                    )
                try:
                    answers[st.id] = self.answer(fw, st, value_node, default_date, key_node.start_mark.line + 1)
                except Invalid:
                    continue
        self.check_dependencies(fw, answers)
        return FrameworkAnswers(
            fw.id,
            MappingProxyType(answers),
            target,
            node.start_mark.line + 1,
            MappingProxyType(renamed),
            tuple(dropped),
            default_date,
        )

    def check_dependencies(self, fw: Framework, answers: Mapping[str, Answer]) -> None:
        """A statement met while one it depends on is not: a located warning (the answers still count)."""
        for st in fw.dependents:
            answer = answers.get(st.id)
            if answer is None or not _meets(fw, st, answer):
                continue
            sid = st.id
            unmet = [d for d in st.depends_on if d not in answers or not _meets(fw, fw.by_id[d], answers[d])]
            if unmet:
                self.problems.add(
                    self.path,
                    answer.line,
                    1,
                    f"`{sid}` is met but it depends on {', '.join(f'`{d}`' for d in unmet)}, which is not",
                    "warning",
                )

    def warn(self, node: Node, message: str) -> None:
        """A located warning: reported, but the file is still read."""
        self.problems.add(self.path, node.start_mark.line + 1, node.start_mark.column + 1, message, "warning")

    def target(self, fw: Framework, node: Node) -> Target:
        raw = self.text(node, "target")
        pct = _PERCENT.match(raw)
        if pct:
            value = float(pct.group(1))
            if value > 100:
                raise self.fail(node, f"target {raw} is over 100%")
            return Target(percent=value)
        if not fw.has_levels:
            raise self.fail(node, f"`{fw.id}` has no levels; give the target as a percentage such as `80%`")
        level = self.integer(node, "target")
        if fw.level(level) is None:
            numbers = ", ".join(str(lv.number) for lv in fw.levels)
            raise self.fail(node, f"`{fw.id}` has no level {level}; its levels are {numbers}")
        return Target(level=level)

    def iso_date(self, node: Node, what: str) -> dt.date:
        raw = self.text(node, what)
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            raise self.fail(node, f"{what} must be a date like 2026-03-31, got `{raw}`") from None

    def date(self, node: Node) -> dt.date:
        day = self.iso_date(node, "assessed")
        raw = day.isoformat()
        if day > self.today + dt.timedelta(days=1):  # a day of slack for time zones
            raise self.fail(node, f"assessed date {raw} is in the future")
        return day

    def answer(self, fw: Framework, st: Statement, node: Node, default_date: dt.date | None, line: int) -> Answer:
        note, evidence, assessed = "", (), default_date
        if isinstance(node, MappingNode):
            keys = self.mapping(node, f"answer to `{st.id}`", ANSWER_KEYS, ("answer",))
            if "answer" not in keys:
                raise Invalid("answer")
            value_node = keys["answer"][1]
            if "note" in keys:
                note = self.text(keys["note"][1], "note", allow_empty=True, max_len=MAX_NOTE)
            if "evidence" in keys:
                evidence = tuple(self.each(self.sequence(keys["evidence"][1], "evidence"), self.link))
                length = len("\n".join(evidence))
                if length > MAX_EVIDENCE_TEXT:
                    self.error(
                        keys["evidence"][1],
                        f"the evidence links are {length:,} characters in all; a spreadsheet cell holds "
                        f"{MAX_EVIDENCE_TEXT:,}: link one page that lists them instead",
                    )
            if "assessed" in keys:
                assessed = self.date(keys["assessed"][1])
        else:
            value_node = node
        raw = self.text(value_node, f"answer to `{st.id}`")
        value = self.value(fw, st, value_node, raw)
        return Answer(st.id, value, note, evidence, assessed, line)

    def owner(self, node: Node) -> str:
        owner = self.text(node, "owner", max_len=200).strip()
        if not OWNER.match(owner):
            raise self.fail(node, f"owner `{owner}` must be a GitHub @user, @org/team or an email address")
        return owner

    def link(self, node: Node) -> str:
        link = self.text(node, "evidence link", max_len=2000)
        if not SAFE_LINK.match(link.strip()):
            raise self.fail(node, f"evidence `{link}` must be an http(s) link or a path in the repository")
        return link

    def value(self, fw: Framework, st: Statement, node: Node, raw: str) -> str:
        if st.is_rubric:
            levels = [str(c.level) for c in st.choices]
            text = raw.strip().lower().removeprefix("level").strip()
            if text in levels:
                return text
            raise self.fail(node, f"`{raw}` is not a level of rubric `{st.id}`; choose one of {', '.join(levels)}")
        scale = fw.scale_of(st)
        option = scale.lookup(raw)
        if option is None:
            allowed = ", ".join(scale.values)
            which = f"the `{scale.name}` scale" if scale.name else "the answer scale"
            raise self.fail(
                node,
                f"`{raw}` is not on {which} of `{fw.id}`{suggest(raw.lower(), scale.values)}; use one of: {allowed}",
            )
        return option.value


@dataclasses.dataclass(frozen=True)
class Section:
    """One framework's part of an answer file as read against ``framework``: its answers (None if invalid) and problems."""

    framework: Framework
    answers: FrameworkAnswers | None
    problems: tuple[Problem, ...]


def _meets(fw: Framework, st: Statement, answer: Answer) -> bool:
    if st.is_rubric:
        return True
    option = fw.scale_of(st).lookup(answer.value)
    return option is not None and option.meets


def read_team(
    path: Path,
    frameworks: Mapping[str, Framework],
    problems: Problems,
    display: str | None = None,
    data: bytes | None = None,
    today: dt.date | None = None,
    catalogue: Framework | None = None,
) -> Team | None:
    """Parse one answer file (or ``data``, its bytes); None when it has errors (all recorded in ``problems``).

    ``today`` (default: the system date) is what an ``assessed`` date may not be after.
    ``catalogue`` is the practice catalogue (as a framework) that a ``practices:`` block answers.
    """
    return read_document(
        path,
        problems,
        display,
        data,
        lambda name, local, root: _AnswerReader(name, local, frameworks, today, catalogue).team(root, path.stem),
    )


Read = tuple[Team | None, tuple[Problem, ...]]


def read_team_twice(
    path: Path,
    data: bytes,
    sides: tuple[Mapping[str, Framework], Mapping[str, Framework]],
    display: str,
    catalogues: tuple[Framework | None, Framework | None] = (None, None),
    today: dt.date | None = None,
) -> tuple[Read, Read]:
    """One answer file read against two sets of frameworks (a diff's two sides), parsed once.

    Each result is what :func:`read_team` gives for that side; the part answering a framework that is
    the same object on both sides is read once, and its answers and problems are shared. A file with
    an ``&`` anywhere is read whole both times: it may hold a YAML anchor, and an alias is refused
    wherever it is met, which a part read only once could hide.
    """
    unusable = Problems()
    root = load_root(path, unusable, display, data)
    if root is None:
        return (None, tuple(unusable.items)), (None, tuple(unusable.items))
    document = root
    readers: list[_AnswerReader] = []

    def read(frameworks: Mapping[str, Framework], catalogue: Framework | None, kept: Mapping[str, Section] | None) -> Read:
        def parse(name: str, local: Problems, node: Node) -> Team:
            readers.append(_AnswerReader(name, local, frameworks, today, catalogue, kept))
            return readers[-1].team(node, path.stem)

        problems = Problems()
        return parse_root(display, problems, document, parse), tuple(problems.items)

    first = read(sides[0], catalogues[0], None)
    return first, read(sides[1], catalogues[1], readers[0].sections if b"&" not in data else None)
