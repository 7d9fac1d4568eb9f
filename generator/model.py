"""The immutable model every consumer (scoring, site, workbook, diff) works on."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Any, NamedTuple

#: Team ids are used in file names and URLs, so they are strict slugs.
TEAM_ID = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
#: An owner GitHub reads in CODEOWNERS: @user, @org/team, or a plain email address (no `#`, which starts a comment).
OWNER = re.compile(
    r"^(?:@[A-Za-z0-9][A-Za-z0-9-]{0,38}(?:/[A-Za-z0-9][A-Za-z0-9._-]*)?"
    r"|[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+)$"
)
#: File paths (relative to the repository) the tool reads: single-line, shell-, URL- and CODEOWNERS-safe.
SAFE_PATH = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]*(?:/[A-Za-z0-9_][A-Za-z0-9._-]*)*$")
#: Framework, section and statement ids: no spaces, no slashes, no leading dot.
ITEM_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")  # at most 64 characters

STATEMENT = "statement"
RUBRIC = "rubric"

CUMULATIVE = "cumulative-levels"
REQUIRED = "required-set"
PERCENTAGE = "weighted-percentage"
RUBRIC_RULE = "rubric"


@dataclass(frozen=True)
class ScaleOption:
    """One answer on a framework's scale. ``score`` is None for "not applicable"."""

    value: str
    label: str
    score: float | None
    meets: bool
    description: str = ""

    @property
    def na(self) -> bool:
        return self.score is None


@dataclass(frozen=True)
class Scale:
    """A set of answers. ``name`` is empty for the framework's default scale, else its key in ``scales``."""

    options: tuple[ScaleOption, ...]
    name: str = ""

    #: option by its value and by its label, in lower case (filled on creation)
    by_text: Mapping[str, ScaleOption] = field(default_factory=dict, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        index: dict[str, ScaleOption] = {}
        for option in reversed(self.options):  # the first option wins a clash
            index[option_key(option.label)] = option
            index[option_key(option.value)] = option
        object.__setattr__(self, "by_text", index)

    def lookup(self, raw: str) -> ScaleOption | None:
        """The option whose value or label matches, ignoring case and surrounding spaces."""
        return self.by_text.get(option_key(raw))

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(o.value for o in self.options)


def option_key(raw: str) -> str:
    """What an answer is matched on against a scale's :attr:`Scale.by_text`: case and surrounding spaces ignored."""
    return raw.strip().lower()


DEFAULT_SCALE = Scale(
    (
        ScaleOption("yes", "Yes", 1.0, True, "The statement is fully true for this team."),
        ScaleOption("partial", "Partial", 0.5, False, "Partly true: counts half in percentages, never passes a gate."),
        ScaleOption("no", "No", 0.0, False, "Not true for this team today."),
        ScaleOption("n/a", "Not applicable", None, True, "Does not apply; left out of every score."),
    )
)


@dataclass(frozen=True)
class Source:
    """A document the framework is drawn from."""

    id: str
    title: str
    author: str = ""
    publisher: str = ""
    date: str = ""
    url: str = ""
    note: str = ""


@dataclass(frozen=True)
class Citation:
    source: str  # Source.id
    ref: str  # item or section within that source

    def __str__(self) -> str:
        return f"{self.source}, {self.ref}"


@dataclass(frozen=True)
class Level:
    number: int
    name: str
    description: str = ""
    citation: Citation | None = None


#: A statement's value of a typed attribute: a number, a text, or tags.
AttributeValue = float | str | tuple[str, ...]
ATTRIBUTE_TYPES = ("number", "text", "tags")


@dataclass(frozen=True)
class Attribute:
    """A typed attribute a framework declares (``attributes:``) and its statements may carry."""

    name: str
    type: str  # one of ATTRIBUTE_TYPES
    label: str
    values: tuple[str, ...] = ()  # text and tags: the allowed values (empty: any)
    minimum: float | None = None  # number: the allowed range
    maximum: float | None = None

    def display(self, value: AttributeValue) -> str:
        """A value as text: ``3``, ``high``, ``sbom, signing``."""
        if isinstance(value, tuple):
            return ", ".join(value)
        if isinstance(value, float):
            return f"{value:g}"
        return value

    def options(self, value: AttributeValue) -> tuple[str, ...]:
        """What a filter matches a value on: each tag, or the value as text."""
        return value if isinstance(value, tuple) else (self.display(value),)


@dataclass(frozen=True)
class Part:
    """A sub-item listed under a statement (answered with the statement as a whole)."""

    id: str
    text: str


@dataclass(frozen=True)
class Choice:
    """One level description of a rubric item."""

    level: int
    text: str
    citation: Citation | None = None
    description: str = ""  # Markdown: what this level looks like, at length
    examples: tuple[str, ...] = ()  # Markdown: short examples of the level


@dataclass(frozen=True)
class Statement:
    id: str
    text: str
    section: str  # id of the innermost section holding it
    dimension: str  # id of the top-level section holding it
    kind: str = STATEMENT
    level: int | None = None
    weight: float = 1.0
    guidance: str = ""
    citation: Citation | None = None
    parts: tuple[Part, ...] = ()
    choices: tuple[Choice, ...] = ()
    line: int = 0
    scale: str = ""  # name of a declared scale; empty: the framework's default scale
    aliases: tuple[str, ...] = ()  # ids this statement had in earlier versions (answers under them still count)
    depends_on: tuple[str, ...] = ()  # statements that should be met before this one
    title: str = ""  # a short name shown before the text
    attributes: tuple[tuple[str, AttributeValue], ...] = ()  # (name, value) of declared attributes, in file order

    @property
    def is_rubric(self) -> bool:
        return self.kind == RUBRIC

    @property
    def full_text(self) -> str:
        """The text with its title before it ("Title: text"), as lists and the workbook show it."""
        return f"{self.title}: {self.text}" if self.title else self.text

    def choice(self, level: int) -> Choice | None:
        return next((c for c in self.choices if c.level == level), None)


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    description: str = ""
    statements: tuple[Statement, ...] = ()
    sections: tuple[Section, ...] = ()
    depth: int = 0
    levels: tuple[Level, ...] = ()  # this section's own names (and descriptions) for the framework's levels

    def all_statements(self) -> Iterator[Statement]:
        yield from self.statements
        for sub in self.sections:
            yield from sub.all_statements()

    @cached_property
    def flat_statements(self) -> tuple[Statement, ...]:
        """Its statements and those of every section under it, in file order."""
        return tuple(self.all_statements())

    def own_level(self, number: int) -> Level | None:
        """This section's own name (and description) for a level, if it gives one."""
        return next((lv for lv in self.levels if lv.number == number), None)

    def walk(self) -> Iterator[Section]:
        yield self
        for sub in self.sections:
            yield from sub.walk()


@dataclass(frozen=True)
class Rule:
    """One ``scoring`` entry; what each kind means lives in ``generator.rules``."""

    kind: str
    name: str = ""
    sections: tuple[str, ...] = ()
    levelled: bool = False  # gives levels (set from the rule's registration when loaded)
    config: Any = None  # what the rule's module read from its other keys (a frozen dataclass)


@dataclass(frozen=True)
class Framework:
    id: str
    title: str
    version: str
    summary: str
    description: str
    sources: tuple[Source, ...]
    scale: Scale
    levels: tuple[Level, ...]
    rules: tuple[Rule, ...]
    sections: tuple[Section, ...]
    path: str = ""
    scales: Mapping[str, Scale] = field(default_factory=lambda: MappingProxyType({}))
    statements: tuple[Statement, ...] = field(default=(), compare=False)
    by_id: Mapping[str, Statement] = field(default_factory=lambda: MappingProxyType({}), compare=False)
    #: old id -> the live statement id that replaces it (from the statements' ``aliases``)
    renamed: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}), compare=False)
    sections_by_id: Mapping[str, Section] = field(default_factory=lambda: MappingProxyType({}), compare=False)
    attributes: Mapping[str, Attribute] = field(default_factory=lambda: MappingProxyType({}))
    #: statement id -> its scale's options by the text that names them (lower case), for statements on a scale
    answer_texts: Mapping[str, Mapping[str, ScaleOption]] = field(default_factory=lambda: MappingProxyType({}), compare=False)
    #: the statements that depend on others, in file order
    dependents: tuple[Statement, ...] = field(default=(), compare=False)

    def scale_of(self, statement: Statement) -> Scale:
        """The answer scale a statement is answered on (its named scale, else the default)."""
        return self.scales[statement.scale] if statement.scale else self.scale

    @property
    def used_scales(self) -> tuple[Scale, ...]:
        """The scales some statement is answered on: the default first (when used), then named ones in order."""
        names = {st.scale for st in self.statements if not st.is_rubric}
        out = [self.scale] if "" in names else []
        return (*out, *(sc for name, sc in self.scales.items() if name in names))

    def rule(self, kind: str) -> Rule | None:
        return next((r for r in self.rules if r.kind == kind), None)

    def has_rule(self, kind: str) -> bool:
        return self.rule(kind) is not None

    @property
    def headline_rule(self) -> Rule:
        return self.rules[0]

    @property
    def has_levels(self) -> bool:
        return any(r.levelled for r in self.rules)

    @property
    def has_overall_level(self) -> bool:
        """False for a profile-only framework: a level per dimension and none for the whole (``overall: none``)."""
        return any(r.levelled and getattr(r.config, "overall", "lowest") != "none" for r in self.rules)

    def level(self, number: int) -> Level | None:
        return next((lv for lv in self.levels if lv.number == number), None)

    def dimension_level(self, section: Section, number: int) -> str:
        """A dimension's level as a chart shows it: "Level 2", with the section's own name for it when it has one."""
        own = section.own_level(number)
        return f"Level {number}: {own.name}" if own else f"Level {number}"

    def level_in(self, statement: Statement, number: int) -> Level | None:
        """A level as named where a statement sits: its section's own (else its dimension's, else the framework's)."""
        for sid in (statement.section, statement.dimension):
            sec = self.sections_by_id.get(sid)
            own = sec.own_level(number) if sec is not None else None
            if own is not None:
                return own
        return self.level(number)

    def level_name_in(self, statement: Statement, number: int) -> str:
        """``Level 2: <name>`` with the name used where the statement sits."""
        lv = self.level_in(statement, number)
        return f"Level {number}: {lv.name}" if lv else f"Level {number}"

    def level_name(self, number: int | None) -> str:
        if number is None:
            return "not assessed"
        lv = self.level(number)
        return f"Level {number}: {lv.name}" if lv else f"Level {number}"

    def section(self, section_id: str) -> Section | None:
        return self.sections_by_id.get(section_id)

    def walk_sections(self) -> Iterator[Section]:
        for top in self.sections:
            yield from top.walk()

    def resolve(self, statement_id: str) -> Statement | None:
        """The live statement an id names: its own id, or one of its aliases from an earlier version."""
        live = self.by_id.get(statement_id)
        if live is None and statement_id in self.renamed:
            live = self.by_id.get(self.renamed[statement_id])
        return live

    @cached_property
    def dependency_depth(self) -> Mapping[str, int]:
        """How many statements each one waits for in a row (0: depends on nothing), so prerequisites come first."""
        depth: dict[str, int] = {}

        def of(sid: str) -> int:
            if sid not in depth:
                depth[sid] = 0  # cycles are refused when the framework is read
                deps = [d for d in self.by_id[sid].depends_on if d in self.by_id]
                depth[sid] = 1 + max(map(of, deps)) if deps else 0
            return depth[sid]

        for st in self.statements:
            of(st.id)
        return MappingProxyType(depth)

    def source(self, source_id: str) -> Source | None:
        return next((s for s in self.sources if s.id == source_id), None)


def finish_framework(fw: Framework) -> Framework:
    """Fill the derived flat statement list and id index."""
    flat = tuple(s for top in fw.sections for s in top.all_statements())
    object.__setattr__(fw, "statements", flat)
    object.__setattr__(fw, "by_id", MappingProxyType({s.id: s for s in flat}))
    object.__setattr__(fw, "sections_by_id", MappingProxyType({sec.id: sec for top in fw.sections for sec in top.walk()}))
    object.__setattr__(fw, "renamed", MappingProxyType({old: s.id for s in flat for old in s.aliases}))
    texts = {s.id: fw.scale_of(s).by_text for s in flat if not s.is_rubric}
    object.__setattr__(fw, "answer_texts", MappingProxyType(texts))
    object.__setattr__(fw, "dependents", tuple(s for s in flat if s.depends_on))
    return fw


class Answer(NamedTuple):
    """One answer as read (or inferred). A named tuple, not a frozen dataclass: a diff or a build makes hundreds
    of thousands of them, and a named tuple is made in about a third of the time."""

    statement: str
    value: str  # canonical scale value, or the chosen level (as text) for a rubric
    note: str = ""
    evidence: tuple[str, ...] = ()
    assessed: dt.date | None = None
    line: int = 0


@dataclass(frozen=True)
class Target:
    """A team's goal for one framework: a level, or a percentage; optionally the date it is due."""

    level: int | None = None
    percent: float | None = None
    due: dt.date | None = None

    def __str__(self) -> str:
        if self.level is not None:
            return f"level {self.level}"
        return f"{self.percent:g}%" if self.percent is not None else "none"


@dataclass(frozen=True)
class FrameworkAnswers:
    framework: str
    answers: Mapping[str, Answer]
    target: Target | None = None
    line: int = 0
    #: answers written under an id the framework now calls otherwise: old id -> live id
    renamed: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    #: answers to ids the framework no longer has (warned about, left out of every score)
    dropped: tuple[str, ...] = ()
    assessed: dt.date | None = None  # the framework-level assessed date (each answer's default)


@dataclass(frozen=True)
class Team:
    id: str
    name: str
    group: str
    owners: tuple[str, ...]
    description: str
    frameworks: Mapping[str, FrameworkAnswers]
    path: str = ""
    line: int = 0
    #: Answers to the practice catalogue (crosswalk), if the team gave any.
    practices: FrameworkAnswers | None = None
    #: Frameworks whose official level counts inferred answers: framework id -> (line, col) of the opt-in.
    use_inferred: Mapping[str, tuple[int, int]] = field(default_factory=lambda: MappingProxyType({}))

    def answers_to(self, framework_id: str) -> FrameworkAnswers | None:
        """The team's answers to a framework, or to the practice catalogue under its id (``practices``)."""
        if self.practices is not None and self.practices.framework == framework_id:
            return self.practices
        return self.frameworks.get(framework_id)
