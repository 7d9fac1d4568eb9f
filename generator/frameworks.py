"""Reading framework files (``frameworks/*.yaml``) into :class:`Framework` objects."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from yaml.nodes import Node

from generator.model import (
    ATTRIBUTE_TYPES,
    DEFAULT_SCALE,
    ITEM_ID,
    RUBRIC,
    STATEMENT,
    Attribute,
    AttributeValue,
    Choice,
    Citation,
    Framework,
    Level,
    Part,
    Rule,
    Scale,
    ScaleOption,
    Section,
    Source,
    Statement,
    finish_framework,
)
from generator.problems import Problems
from generator.rules import ENTRY_KEYS, RULES
from generator.yamlsource import Invalid, Reader, read_document, suggest

FRAMEWORK_KEYS = (
    "$schema",
    "id",
    "title",
    "version",
    "summary",
    "description",
    "sources",
    "scale",
    "scales",
    "attributes",
    "levels",
    "scoring",
    "sections",
)
SOURCE_KEYS = ("id", "title", "author", "publisher", "date", "url", "note")
SCALE_KEYS = ("value", "label", "score", "na", "meets", "description")
LEVEL_KEYS = ("level", "name", "description", "source", "cite")
SECTION_KEYS = ("id", "title", "description", "level", "levels", "weight", "scale", "sections", "statements")
ATTRIBUTE_KEYS = ("type", "label", "values", "min", "max")
#: Workbook column headers an attribute's label may not take (import finds columns by header).
RESERVED_LABELS = ("section", "id", "level", "statement", "guidance", "answer", "note", "evidence", "assessed")
STATEMENT_KEYS = (
    "id",
    "kind",
    "title",
    "text",
    "guidance",
    "level",
    "weight",
    "scale",
    "aliases",
    "depends_on",
    "source",
    "cite",
    "parts",
    "choices",
    "attributes",
)
PART_KEYS = ("id", "text")
CHOICE_KEYS = ("level", "text", "description", "examples", "source", "cite")


def _range(spec: Attribute) -> str:
    lo = "" if spec.minimum is None else f"{spec.minimum:g}"
    hi = "" if spec.maximum is None else f"{spec.maximum:g}"
    return f"{lo}..{hi}"


@dataclass(frozen=True)
class Inherited:
    """Defaults a section passes down to its sub-sections and statements."""

    level: int | None = None
    weight: float = 1.0
    scale: str = ""


class _FrameworkReader(Reader):
    """Reads one framework file; ids and cross references are checked as it goes."""

    def __init__(self, path: str, problems: Problems) -> None:
        super().__init__(path, problems)
        self.source_ids: list[str] = []
        self.statement_lines: dict[str, int] = {}
        self.statement_cols: dict[str, int] = {}
        self.section_lines: dict[str, int] = {}
        self.scale_names: tuple[str, ...] = ()
        self.attribute_specs: dict[str, Attribute] = {}

    def ident(self, node: Node, what: str) -> str:
        value = self.text(node, what)
        if not ITEM_ID.match(value):
            raise self.fail(node, f"{what} `{value}` must be letters, digits, `.`, `-` or `_` (at most 64, no spaces)")
        return value

    def citation(self, keys: dict[str, tuple[Node, Node]], what: str, required: bool) -> Citation | None:
        if "source" not in keys:
            if required:
                node = next(iter(keys.values()))[0] if keys else None
                if node is not None:
                    self.error(node, f"{what} is missing `source` (where in the source document it comes from)")
            return None
        ref = self.text(keys["source"][1], f"{what} source")
        source_id = self.source_ids[0] if self.source_ids else ""
        if "cite" in keys:
            cite_node = keys["cite"][1]
            source_id = self.text(cite_node, f"{what} cite")
            if source_id not in self.source_ids:
                self.error(cite_node, f"`cite: {source_id}` names no entry of `sources`{suggest(source_id, self.source_ids)}")
        return Citation(source_id, ref)

    # -- top level ------------------------------------------------------------
    def framework(self, root: Node, file_stem: str) -> Framework:
        keys = self.mapping(root, "framework", FRAMEWORK_KEYS, ("id", "title", "version", "sources", "scoring", "sections"))
        if not {"id", "title", "version", "sources", "scoring", "sections"} <= keys.keys():
            raise Invalid("missing keys")
        fid = self.ident(keys["id"][1], "framework id")
        if fid != file_stem:
            self.error(keys["id"][1], f"framework id `{fid}` does not match the file name `{file_stem}.yaml`")
        title = self.text(keys["title"][1], "title")
        version = self.text(keys["version"][1], "version")
        summary = self.text(keys["summary"][1], "summary") if "summary" in keys else ""
        description = self.text(keys["description"][1], "description") if "description" in keys else ""
        sources = tuple(self.each(self.sequence(keys["sources"][1], "sources"), self.source))
        self.source_ids = [s.id for s in sources]
        if not sources:
            self.error(keys["sources"][1], "`sources` must name at least one document")
        scale = self.scale(keys["scale"][1]) if "scale" in keys else DEFAULT_SCALE
        scales = self.named_scales(keys["scales"][1]) if "scales" in keys else {}
        self.scale_names = tuple(scales)
        self.attribute_specs = self.attribute_declarations(keys["attributes"][1]) if "attributes" in keys else {}
        levels = self.levels(keys["levels"][1]) if "levels" in keys else ()
        rules = self.rules(keys["scoring"][1])
        sections = tuple(self.each(self.sequence(keys["sections"][1], "sections"), lambda n: self.section(n, None, Inherited())))
        if not sections:
            self.error(keys["sections"][1], "`sections` must not be empty")
        fw = finish_framework(
            Framework(
                fid,
                title,
                version,
                summary,
                description,
                sources,
                scale,
                levels,
                rules,
                sections,
                self.path,
                MappingProxyType(scales),
                attributes=MappingProxyType(self.attribute_specs),
            )
        )
        if not self.problems:  # checks across the file only make sense on a well-formed one
            self.check_rules(fw, keys)
            self.check_aliases(fw)
            self.check_dependencies(fw)
        return fw

    def source(self, node: Node) -> Source:
        keys = self.mapping(node, "source", SOURCE_KEYS, ("id", "title"))
        if "id" not in keys or "title" not in keys:
            raise Invalid("source")
        values = {k: self.text(v, f"source {k}") for k, (_, v) in keys.items()}
        if not ITEM_ID.match(values["id"]):
            self.error(keys["id"][1], f"source id `{values['id']}` must be a simple id (letters, digits, `.-_`)")
        return Source(**values)

    def attribute_declarations(self, node: Node) -> dict[str, Attribute]:
        """``attributes``: name -> {type, label, values, min, max}."""
        out: dict[str, Attribute] = {}
        labels: dict[str, str] = {}
        for name, (key_node, value_node) in self.mapping(node, "attributes").items():
            if not ITEM_ID.match(name):
                self.error(key_node, f"attribute name `{name}` must be letters, digits, `.`, `-` or `_` (at most 64, no spaces)")
                continue
            keys = self.mapping(value_node, f"attribute `{name}`", ATTRIBUTE_KEYS, ("type",))
            if "type" not in keys:
                continue
            kind = self.text(keys["type"][1], "type")
            if kind not in ATTRIBUTE_TYPES:
                self.error(keys["type"][1], f"attribute type must be one of {', '.join(ATTRIBUTE_TYPES)}, got `{kind}`")
                continue
            label = self.text(keys["label"][1], "label") if "label" in keys else name.replace("_", " ").capitalize()
            if label.strip().lower() in RESERVED_LABELS or label.strip().lower() in labels:
                where = keys["label"][1] if "label" in keys else key_node
                self.error(where, f"attribute `{name}` needs a label of its own: `{label}` is a workbook column already")
                continue
            labels[label.strip().lower()] = name
            values = self.text_list(keys["values"][1], "values") if "values" in keys else ()
            lo = self.number(keys["min"][1], "min") if "min" in keys else None
            hi = self.number(keys["max"][1], "max") if "max" in keys else None
            for key in ("values",) if kind == "number" else ("min", "max"):
                if key in keys:
                    self.error(keys[key][0], f"`{key}` does not apply to a `{kind}` attribute")
            out[name] = Attribute(name, kind, label, tuple(values), lo, hi)
        return out

    def attribute_values(self, node: Node, stid: str) -> tuple[tuple[str, AttributeValue], ...]:
        """A statement's ``attributes``: each declared, each of its declared type and range."""
        out: list[tuple[str, AttributeValue]] = []
        declared = tuple(self.attribute_specs)
        for name, (key_node, value_node) in self.mapping(node, "attributes").items():
            spec = self.attribute_specs.get(name)
            if spec is None:
                known = ", ".join(f"`{n}`" for n in declared) or "none"
                self.error(
                    key_node,
                    f"`{stid}` has attribute `{name}`, which `attributes` does not declare"
                    f"{suggest(name, declared)}; declared: {known}",
                )
                continue
            try:
                value: AttributeValue
                if spec.type == "number":
                    value = self.number(value_node, f"attribute `{name}`")
                    if (spec.minimum is not None and value < spec.minimum) or (spec.maximum is not None and value > spec.maximum):
                        self.error(
                            value_node,
                            f"attribute `{name}` of `{stid}` is {value:g}, outside its range {_range(spec)}",
                        )
                        continue
                elif spec.type == "tags":
                    value = (
                        self.text_list(value_node, f"attribute `{name}`")
                        if isinstance(value_node.value, list)
                        else (self.text(value_node, f"attribute `{name}`"),)
                    )
                else:
                    value = self.text(value_node, f"attribute `{name}`")
            except Invalid:
                continue
            wrong = [v for v in spec.options(value) if spec.values and v not in spec.values]
            if wrong:
                self.error(
                    value_node,
                    f"attribute `{name}` of `{stid}` may be {', '.join(spec.values)}; "
                    f"got `{wrong[0]}`{suggest(wrong[0], spec.values)}",
                )
                continue
            out.append((name, value))
        return tuple(out)

    def named_scales(self, node: Node) -> dict[str, Scale]:
        scales: dict[str, Scale] = {}
        for name, (key_node, value_node) in self.mapping(node, "scales").items():
            if not ITEM_ID.match(name):
                self.error(key_node, f"scale name `{name}` must be letters, digits, `.`, `-` or `_` (at most 64, no spaces)")
                continue
            try:
                scales[name] = self.scale(value_node, name)
            except Invalid:
                continue
        return scales

    def scale_name(self, node: Node) -> str:
        name = self.text(node, "scale")
        if name not in self.scale_names:
            declared = ", ".join(f"`{n}`" for n in self.scale_names) or "none"
            raise self.fail(
                node, f"scale `{name}` is not declared under `scales`{suggest(name, self.scale_names)} (declared: {declared})"
            )
        return name

    def scale(self, node: Node, name: str = "") -> Scale:
        pairs = list(self.pairs(self.sequence(node, "scale"), self.scale_option))
        options = tuple(option for _, option in pairs)
        if len(options) < 2:
            raise self.fail(node, "a scale needs at least two answers")
        seen: set[str] = set()
        for item, option in pairs:
            for word in {option.value.lower(), option.label.lower()}:
                if word in seen:
                    self.error(item, f"scale answer `{word}` is used twice")
                seen.add(word)
        if not any(o.meets for o in options):
            self.error(node, "no answer on this scale meets a statement (give one `score: 1` or `meets: true`)")
        return Scale(options, name)

    def scale_option(self, node: Node) -> ScaleOption:
        keys = self.mapping(node, "scale answer", SCALE_KEYS, ("value",))
        if "value" not in keys:
            raise Invalid("value")
        value = self.text(keys["value"][1], "scale value")
        label = self.text(keys["label"][1], "scale label") if "label" in keys else value
        na = self.boolean(keys["na"][1], "na") if "na" in keys else False
        score: float | None = None
        if na:
            if "score" in keys:
                self.error(keys["score"][1], "an `na: true` answer has no score (it is left out of every score)")
        elif "score" not in keys:
            raise self.fail(node, f"scale answer `{value}` needs a `score` between 0 and 1 (or `na: true`)")
        else:
            score = self.number(keys["score"][1], "score")
            if not 0 <= score <= 1:
                raise self.fail(keys["score"][1], f"score must be between 0 and 1, got {score:g}")
        meets = self.boolean(keys["meets"][1], "meets") if "meets" in keys else (na or score == 1)
        if meets and score is not None and score < 1 and "meets" in keys:
            self.error(keys["meets"][1], "only a full answer (score 1) or n/a can meet a statement; partial never passes a gate")
            meets = False
        description = self.text(keys["description"][1], "description") if "description" in keys else ""
        return ScaleOption(value, label, score, meets, description)

    def levels(self, node: Node) -> tuple[Level, ...]:
        levels = tuple(self.each(self.sequence(node, "levels"), self.level))
        numbers = [lv.number for lv in levels]
        if numbers and numbers != list(range(numbers[0], numbers[0] + len(numbers))):
            self.error(node, f"levels must be consecutive whole numbers in order, got {numbers}")
        return levels

    def level(self, node: Node) -> Level:
        keys = self.mapping(node, "level", LEVEL_KEYS, ("level", "name"))
        if "level" not in keys or "name" not in keys:
            raise Invalid("level")
        number = self.integer(keys["level"][1], "level")
        name = self.text(keys["name"][1], "level name")
        description = self.text(keys["description"][1], "description") if "description" in keys else ""
        return Level(number, name, description, self.citation(keys, f"level {number}", required=False))

    def rules(self, node: Node) -> tuple[Rule, ...]:
        items = self.sequence(node, "scoring")
        if not items:
            raise self.fail(node, "`scoring` must declare at least one rule")
        pairs = list(self.pairs(items, self.rule))
        rules = tuple(rule for _, rule in pairs)
        if not rules:
            raise Invalid("scoring")
        kinds = [r.kind for r in rules]
        for item, rule in pairs:
            if kinds.count(rule.kind) > 1 and not RULES[rule.kind].repeatable:
                self.error(item, f"scoring rule `{rule.kind}` is declared twice")
        return rules

    def rule(self, node: Node) -> Rule:
        keys = self.mapping(node, "scoring rule", ENTRY_KEYS, ("rule",))
        if "rule" not in keys:
            raise Invalid("rule")
        kind_node = keys["rule"][1]
        kind = self.text(kind_node, "rule")
        if kind not in RULES:
            raise self.fail(kind_node, f"unknown scoring rule `{kind}`{suggest(kind, tuple(RULES))}; one of: {', '.join(RULES)}")
        impl = RULES[kind]
        for key in keys:
            if key not in ("rule", "name", *impl.keys):
                owners = ", ".join(f"`{k}`" for k, r in RULES.items() if key in r.keys)
                self.error(keys[key][0], f"`{key}` only applies to the {owners} rule, not `{kind}`")
        name = self.text(keys["name"][1], "rule name") if "name" in keys else ""
        sections = self.text_list(keys["sections"][1], "sections") if "sections" in keys and "sections" in impl.keys else ()
        config = impl.read(self, keys)
        rule = Rule(kind, name or impl.default_name, sections, impl.gives_levels(config), config)
        problem = impl.entry_problem(rule)
        if problem:
            self.error(node, problem)
        return rule

    # -- sections and statements ---------------------------------------------
    def inherited(self, keys: dict[str, tuple[Node, Node]], given: Inherited) -> Inherited:
        """What a section or statement passes on to what it holds: level, weight, scale."""
        level = self.integer(keys["level"][1], "level") if "level" in keys else given.level
        weight = self.weight(keys["weight"][1]) if "weight" in keys else given.weight
        scale = self.scale_name(keys["scale"][1]) if "scale" in keys else given.scale
        return Inherited(level, weight, scale)

    def section(self, node: Node, dimension: str | None, given: Inherited, depth: int = 0) -> Section:
        keys = self.mapping(node, "section", SECTION_KEYS, ("id", "title"))
        if "id" not in keys or "title" not in keys:
            raise Invalid("section")
        sid = self.ident(keys["id"][1], "section id")
        if sid in self.section_lines:
            self.error(keys["id"][1], f"duplicate section id `{sid}` (first on line {self.section_lines[sid]})")
        self.section_lines[sid] = keys["id"][1].start_mark.line + 1
        title = self.text(keys["title"][1], "section title")
        description = self.text(keys["description"][1], "description") if "description" in keys else ""
        inner = self.inherited(keys, given)
        dim = dimension or sid
        own_levels: tuple[Level, ...] = ()
        if "levels" in keys:  # this section's own names for the framework's levels
            own_levels = tuple(self.each(self.sequence(keys["levels"][1], "levels"), self.level))
            numbers = [lv.number for lv in own_levels]
            if len(set(numbers)) < len(numbers):
                self.error(keys["levels"][1], f"section `{sid}` names a level twice: {numbers}")
        statements: tuple[Statement, ...] = ()
        subsections: tuple[Section, ...] = ()
        if "statements" in keys:
            statements = tuple(
                self.each(self.sequence(keys["statements"][1], "statements"), lambda n: self.statement(n, sid, dim, inner))
            )
        if "sections" in keys:
            subsections = tuple(
                self.each(self.sequence(keys["sections"][1], "sections"), lambda n: self.section(n, dim, inner, depth + 1))
            )
        if not any(len(keys[k][1].value) for k in ("statements", "sections") if k in keys and isinstance(keys[k][1].value, list)):
            self.error(node, f"section `{sid}` has no statements and no sections")
        return Section(sid, title, description, statements, subsections, depth, own_levels)

    def weight(self, node: Node) -> float:
        value = self.number(node, "weight")
        if value <= 0:
            raise self.fail(node, f"weight must be greater than 0, got {value:g}")
        return value

    def statement(self, node: Node, section: str, dimension: str, given: Inherited) -> Statement:
        keys = self.mapping(node, "statement", STATEMENT_KEYS, ("id", "text"))
        if "id" not in keys or "text" not in keys:
            raise Invalid("statement")
        id_node = keys["id"][1]
        stid = self.ident(id_node, "statement id")
        line = id_node.start_mark.line + 1
        if stid in self.statement_lines:
            self.error(id_node, f"duplicate statement id `{stid}` (first on line {self.statement_lines[stid]})")
        self.statement_lines[stid] = line
        self.statement_cols[stid] = id_node.start_mark.column + 1
        kind = STATEMENT
        if "kind" in keys:
            kind = self.text(keys["kind"][1], "kind")
            if kind not in (STATEMENT, RUBRIC):
                raise self.fail(
                    keys["kind"][1], f"kind must be `statement` or `rubric`, got `{kind}`{suggest(kind, (STATEMENT, RUBRIC))}"
                )
        text = self.text(keys["text"][1], "statement text")
        guidance = self.text(keys["guidance"][1], "guidance") if "guidance" in keys else ""
        own = self.inherited(keys, given)
        if kind == RUBRIC and "scale" in keys:
            self.error(keys["scale"][0], "`scale` does not apply to rubric items (they are answered with a level)")
        parts: tuple[Part, ...] = ()
        if "parts" in keys:
            parts = tuple(self.each(self.sequence(keys["parts"][1], "parts"), self.part))
        choices: tuple[Choice, ...] = ()
        if kind == RUBRIC:
            if "choices" not in keys:
                raise self.fail(node, f"rubric `{stid}` needs `choices` (one description per level)")
            choices = tuple(self.each(self.sequence(keys["choices"][1], "choices"), self.choice))
            numbers = [c.level for c in choices]
            if len(set(numbers)) != len(numbers):
                self.error(keys["choices"][1], f"rubric `{stid}` describes a level twice: {numbers}")
        elif "choices" in keys:
            self.error(keys["choices"][0], "`choices` only applies to `kind: rubric` items")
        citation = self.citation(keys, f"statement {stid}", required=True)
        scale = "" if kind == RUBRIC else own.scale
        title = self.text(keys["title"][1], "statement title") if "title" in keys else ""
        depends_on = self.text_list(keys["depends_on"][1], "depends_on") if "depends_on" in keys else ()
        attributes = self.attribute_values(keys["attributes"][1], stid) if "attributes" in keys else ()
        aliases: tuple[str, ...] = ()
        if "aliases" in keys:
            aliases = tuple(self.each(self.sequence(keys["aliases"][1], "aliases"), lambda n: self.ident(n, "alias")))
        return Statement(
            stid,
            text,
            section,
            dimension,
            kind,
            own.level,
            own.weight,
            guidance,
            citation,
            parts,
            choices,
            line,
            scale,
            aliases,
            depends_on,
            title,
            attributes,
        )

    def part(self, node: Node) -> Part:
        keys = self.mapping(node, "part", PART_KEYS, ("id", "text"))
        if "id" not in keys or "text" not in keys:
            raise Invalid("part")
        return Part(self.text(keys["id"][1], "part id"), self.text(keys["text"][1], "part text"))

    def choice(self, node: Node) -> Choice:
        keys = self.mapping(node, "choice", CHOICE_KEYS, ("level", "text"))
        if "level" not in keys or "text" not in keys:
            raise Invalid("choice")
        number = self.integer(keys["level"][1], "level")
        text = self.text(keys["text"][1], "choice text")
        description = self.text(keys["description"][1], "description") if "description" in keys else ""
        examples = self.text_list(keys["examples"][1], "examples") if "examples" in keys else ()
        return Choice(number, text, self.citation(keys, f"choice {number}", required=False), description, tuple(examples))

    # -- whole-framework checks ---------------------------------------------
    def check_dependencies(self, fw: Framework) -> None:
        """``depends_on`` names live statements and never goes round in a circle."""
        ids = list(fw.by_id)
        for st in fw.statements:
            where, col = self.statement_lines.get(st.id, 0), self.statement_cols.get(st.id, 1)
            for dep in st.depends_on:
                if dep not in fw.by_id:
                    self.problems.add(self.path, where, col, f"`{st.id}` depends on unknown statement `{dep}`{suggest(dep, ids)}")
        state: dict[str, int] = {}  # 1: on the current path, 2: done

        def visit(sid: str, path: list[str]) -> None:
            state[sid] = 1
            for dep in fw.by_id[sid].depends_on:
                if dep not in fw.by_id:
                    continue
                if state.get(dep) == 1:
                    cycle = [*path[path.index(dep) :], dep] if dep in path else [sid, dep]
                    where = self.statement_lines.get(sid, 0)
                    self.problems.add(
                        self.path,
                        where,
                        self.statement_cols.get(sid, 1),
                        "depends_on goes round in a circle: " + " -> ".join(cycle),
                    )
                elif dep not in state:
                    visit(dep, [*path, dep])
            state[sid] = 2

        for st in fw.statements:
            if st.id not in state:
                visit(st.id, [st.id])

    def check_aliases(self, fw: Framework) -> None:
        """An alias names one statement, and never a statement that exists today."""
        owner: dict[str, str] = {}
        for st in fw.statements:
            where, col = self.statement_lines.get(st.id, 0), self.statement_cols.get(st.id, 1)
            for alias in st.aliases:
                if alias in fw.by_id:
                    self.problems.add(self.path, where, col, f"alias `{alias}` of `{st.id}` is the id of a live statement")
                elif alias in owner and owner[alias] != st.id:
                    self.problems.add(
                        self.path, where, col, f"alias `{alias}` points to two statements: `{owner[alias]}` and `{st.id}`"
                    )
                owner.setdefault(alias, st.id)

    def check_rules(self, fw: Framework, keys: dict[str, tuple[Node, Node]]) -> None:
        scoring_node = keys["scoring"][1]
        level_numbers = {lv.number for lv in fw.levels}
        levelled = [r.kind for r in fw.rules if r.levelled]
        if levelled and not fw.levels:
            self.error(scoring_node, "levelled scoring needs `levels` to be declared")
        if len(levelled) > 1:
            self.error(scoring_node, f"declare either {' or '.join(f'`{k}`' for k in levelled)}, not both")
        declared = {r.kind for r in fw.rules}
        for kind, impl in RULES.items():
            for st, message in impl.check(fw, kind in declared):
                if st is None:
                    self.error(scoring_node, message)
                else:
                    self.problems.add(self.path, self.statement_lines.get(st.id, 0), self.statement_cols.get(st.id, 1), message)
        for st in fw.statements:
            where, col = self.statement_lines.get(st.id, 0), self.statement_cols.get(st.id, 1)
            if st.is_rubric:
                for ch in st.choices:
                    if level_numbers and ch.level not in level_numbers:
                        self.problems.add(
                            self.path, where, col, f"rubric `{st.id}` describes level {ch.level}, which `levels` does not declare"
                        )
            elif st.level is not None and level_numbers and st.level not in level_numbers:
                self.problems.add(
                    self.path, where, col, f"statement `{st.id}` is at level {st.level}, which `levels` does not declare"
                )
        for sec in fw.walk_sections():
            for lv in sec.levels:
                if level_numbers and lv.number not in level_numbers:
                    self.problems.add(
                        self.path,
                        self.section_lines.get(sec.id, 0),
                        1,
                        f"section `{sec.id}` names level {lv.number}, which `levels` does not declare",
                    )
        known = {s.id for s in fw.walk_sections()}
        for rule_node, rule in zip(scoring_node.value, fw.rules, strict=True):
            for sid in rule.sections:
                if sid not in known:
                    self.error(rule_node, f"`{rule.kind}` names unknown section `{sid}`{suggest(sid, sorted(known))}")


def read_framework(path: Path, problems: Problems, display: str | None = None, data: bytes | None = None) -> Framework | None:
    """Parse one framework file (or ``data``, its bytes); None when it has errors (all recorded in ``problems``)."""
    return read_document(
        path, problems, display, data, lambda name, local, root: _FrameworkReader(name, local).framework(root, path.stem)
    )
