"""Reading ``crosswalk/``: the practice catalogue and one mapping file per framework, every problem located.

Checked here: unknown framework, statement, rubric level and practice ids; relationships
not in the list; the same item mapped to the same practice twice (an error whether the
relationships agree or not); refinement cycles between practices; a framework mapped in
two files. An item with neither a mapping nor an explicit ``none`` is a warning.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from types import MappingProxyType

from yaml.nodes import MappingNode, Node

from generator.crosswalk.model import (
    CATALOGUE_ID,
    RELATIONSHIPS,
    Area,
    Catalogue,
    Crosswalk,
    FrameworkMap,
    Link,
    NoCounterpart,
    Practice,
)
from generator.model import (
    DEFAULT_SCALE,
    ITEM_ID,
    Citation,
    Framework,
    Rule,
    Section,
    Source,
    Statement,
    finish_framework,
)
from generator.problems import Problems
from generator.rules.percentage import WeightedPercentage
from generator.yamlsource import Invalid, Reader, read_document, suggest

CROSSWALK_DIR = "crosswalk"
CATALOGUE_FILE = "practices.yaml"
#: The catalogue's path inside a repository (as git and the diff name it).
CATALOGUE_PATH = f"{CROSSWALK_DIR}/{CATALOGUE_FILE}"
CATALOGUE_KEYS = ("$schema", "version", "title", "description", "areas")
AREA_KEYS = ("id", "title", "practices")
PRACTICE_KEYS = ("id", "title", "text", "refines")
MAP_KEYS = ("$schema", "framework", "items")
LINK_KEYS = ("practice", "relationship", "rationale")
NONE_KEYS = ("none",)


class _CatalogueReader(Reader):
    def catalogue(self, root: Node) -> Catalogue:
        keys = self.mapping(root, "practice catalogue", CATALOGUE_KEYS, ("version", "title", "areas"))
        if not {"version", "title", "areas"} <= set(keys):
            raise Invalid("catalogue")
        version = self.text(keys["version"][1], "version", max_len=50)
        title = self.text(keys["title"][1], "title", max_len=200)
        description = self.text(keys["description"][1], "description") if "description" in keys else ""
        seen: dict[str, int] = {}
        refines_nodes: dict[str, Node] = {}
        areas: list[Area] = []
        for node in self.sequence(keys["areas"][1], "areas"):
            try:
                areas.append(self.area(node, seen, refines_nodes))
            except Invalid:
                continue
        practices = {p.id: p for a in areas for p in a.practices}
        self.check_refines(practices, refines_nodes)
        fw = _as_framework(version, title, description, tuple(areas), self.path)
        return Catalogue(version, title, tuple(areas), fw, self.path, MappingProxyType(practices))

    def ident(self, node: Node, what: str) -> str:
        value = self.text(node, what, max_len=64)
        if not ITEM_ID.match(value):
            raise self.fail(node, f"{what} `{value}` must be letters, digits, `.`, `_` or `-` (at most 63 characters)")
        return value

    def area(self, node: Node, seen: dict[str, int], refines_nodes: dict[str, Node]) -> Area:
        keys = self.mapping(node, "area", AREA_KEYS, AREA_KEYS)
        if not set(AREA_KEYS) <= set(keys):
            raise Invalid("area")
        aid = self.ident(keys["id"][1], "area id")
        title = self.text(keys["title"][1], "area title", max_len=200)
        practices: list[Practice] = []
        for pnode in self.sequence(keys["practices"][1], f"practices of area `{aid}`"):
            try:
                practice, refines_node = self.practice(pnode, aid)
            except Invalid:
                continue
            if practice.id in seen:
                self.error(pnode, f"duplicate practice id `{practice.id}` (first defined on line {seen[practice.id]})")
                continue
            seen[practice.id] = practice.line
            if refines_node is not None:
                refines_nodes[practice.id] = refines_node
            practices.append(practice)
        return Area(aid, title, tuple(practices))

    def practice(self, node: Node, area: str) -> tuple[Practice, Node | None]:
        keys = self.mapping(node, "practice", PRACTICE_KEYS, ("id", "title", "text"))
        if not {"id", "title", "text"} <= set(keys):
            raise Invalid("practice")
        pid = self.ident(keys["id"][1], "practice id")
        title = self.text(keys["title"][1], "practice title", max_len=200)
        text = self.text(keys["text"][1], "practice text", max_len=2000)
        refines_node = keys["refines"][1] if "refines" in keys else None
        refines = self.text_list(refines_node, "refines") if refines_node is not None else ()
        return Practice(pid, title, text, area, refines, node.start_mark.line + 1), refines_node

    def check_refines(self, practices: Mapping[str, Practice], nodes: Mapping[str, Node]) -> None:
        for p in practices.values():
            for parent in p.refines:
                if parent not in practices:
                    self.error(
                        nodes[p.id], f"practice `{p.id}` refines unknown practice `{parent}`{suggest(parent, list(practices))}"
                    )
        reported: set[str] = set()
        for start in practices:
            cycle = _cycle_from(start, practices)
            if cycle and not reported & set(cycle):
                reported.update(cycle)
                first = min(cycle, key=lambda pid: practices[pid].line)
                path = " -> ".join([*_rotate(cycle, first), first])
                self.error(nodes[first], f"practices refine each other in a cycle: {path}")


def _cycle_from(start: str, practices: Mapping[str, Practice]) -> list[str]:
    """The refinement cycle reached from ``start`` (depth-first), or []."""
    trail: list[str] = []
    on_trail: set[str] = set()
    done: set[str] = set()

    def visit(pid: str) -> list[str]:
        if pid in on_trail:
            return trail[trail.index(pid) :]
        if pid in done or pid not in practices:
            return []
        trail.append(pid)
        on_trail.add(pid)
        for parent in practices[pid].refines:
            found = visit(parent)
            if found:
                return found
        trail.pop()
        on_trail.discard(pid)
        done.add(pid)
        return []

    return visit(start)


def _rotate(cycle: list[str], first: str) -> list[str]:
    i = cycle.index(first)
    return cycle[i:] + cycle[:i]


def _as_framework(version: str, title: str, description: str, areas: tuple[Area, ...], path: str) -> Framework:
    """The catalogue as a framework: one section per area, one statement per practice, scored as a percentage."""
    sections = tuple(
        Section(
            a.id,
            a.title,
            statements=tuple(Statement(p.id, p.text, a.id, a.id, line=p.line) for p in a.practices),
        )
        for a in areas
    )
    fw = Framework(
        CATALOGUE_ID,
        title,
        version,
        "The practices every framework maps to; answering them scores every mapped framework.",
        description,
        (Source("catalogue", title),),
        DEFAULT_SCALE,
        (),
        (Rule(WeightedPercentage.kind),),
        sections,
        path,
    )
    return finish_framework(fw)


class _MapReader(Reader):
    def __init__(self, path: str, problems: Problems, frameworks: Mapping[str, Framework], catalogue: Catalogue) -> None:
        super().__init__(path, problems)
        self.frameworks = frameworks
        self.catalogue = catalogue

    def framework_map(self, root: Node, stem: str) -> FrameworkMap:
        keys = self.mapping(root, "crosswalk file", MAP_KEYS, ("framework", "items"))
        if not {"framework", "items"} <= set(keys):
            raise Invalid("map")
        fid_node = keys["framework"][1]
        fid = self.text(fid_node, "framework")
        fw = self.frameworks.get(fid)
        if fw is None:
            raise self.fail(fid_node, f"unknown framework `{fid}`{suggest(fid, sorted(self.frameworks))}")
        if fid != stem:
            self.error(fid_node, f"framework `{fid}` is mapped in a file named `{stem}.yaml`; name it `{fid}.yaml`")
        links: list[Link] = []
        none: list[NoCounterpart] = []
        items_node = keys["items"][1]
        items = self.mapping(items_node, f"items of `{fid}`")
        for sid, (key_node, value_node) in items.items():
            st = fw.by_id.get(sid)
            if st is None:
                self.error(key_node, f"`{fid}` has no statement `{sid}`{suggest(sid, list(fw.by_id))}")
                continue
            try:
                if st.is_rubric:
                    self.rubric(fw, st, value_node, links, none)
                else:
                    self.item(fw, st, None, value_node, links, none)
            except Invalid:
                continue
        self.check_complete(fw, items, items_node)
        return FrameworkMap(fid, self.path, tuple(links), tuple(none))

    def rubric(self, fw: Framework, st: Statement, node: Node, links: list[Link], none: list[NoCounterpart]) -> None:
        levels = self.mapping(node, f"levels of rubric `{st.id}`")
        for raw, (key_node, value_node) in levels.items():
            choice = st.choice(int(raw)) if raw.strip().isdigit() else None
            if choice is None:
                numbers = ", ".join(str(c.level) for c in st.choices)
                self.error(key_node, f"rubric `{st.id}` of `{fw.id}` has no level `{raw}`; its levels are {numbers}")
                continue
            try:
                self.item(fw, st, choice.level, value_node, links, none)
            except Invalid:
                continue
        missing = [str(c.level) for c in st.choices if str(c.level) not in levels]
        if missing:
            self.warn(node, f"rubric `{st.id}`: level(s) {', '.join(missing)} neither mapped nor marked `none`")

    def warn(self, node: Node, message: str) -> None:
        self.problems.add(self.path, node.start_mark.line + 1, node.start_mark.column + 1, message, "warning")

    def item(
        self, fw: Framework, st: Statement, level: int | None, node: Node, links: list[Link], none: list[NoCounterpart]
    ) -> None:
        name = st.id if level is None else f"{st.id}@{level}"
        choice = st.choice(level) if level is not None else None
        citation = choice.citation if choice is not None and choice.citation is not None else st.citation
        if isinstance(node, MappingNode):
            keys = self.mapping(node, f"mapping of `{name}`", NONE_KEYS, NONE_KEYS)
            if "none" in keys:
                reason = self.text(keys["none"][1], "reason for no counterpart", max_len=500)
                none.append(NoCounterpart(fw.id, st.id, level, reason, citation, self.path, node.start_mark.line + 1))
            return
        first: dict[str, tuple[str, int]] = {}
        for entry in self.sequence(node, f"mapping of `{name}` (a list of practices, or `none: reason`)"):
            try:
                link = self.link(fw, st, level, citation, entry)
            except Invalid:
                continue
            if link.practice in first:
                rel, line = first[link.practice]
                if rel == link.relationship:
                    msg = f"`{name}` is mapped to practice `{link.practice}` twice (first on line {line})"
                else:
                    msg = (
                        f"`{name}` is mapped to practice `{link.practice}` twice with different relationships: "
                        f"`{rel}` on line {line} and `{link.relationship}` here"
                    )
                self.error(entry, msg)
                continue
            first[link.practice] = (link.relationship, link.line)
            links.append(link)

    def link(self, fw: Framework, st: Statement, level: int | None, citation: Citation | None, node: Node) -> Link:
        keys = self.mapping(node, "mapping", LINK_KEYS, LINK_KEYS)
        if not set(LINK_KEYS) <= set(keys):
            raise Invalid("link")
        pnode, rnode = keys["practice"][1], keys["relationship"][1]
        practice = self.text(pnode, "practice")
        if practice not in self.catalogue.practices:
            raise self.fail(pnode, f"unknown practice `{practice}`{suggest(practice, list(self.catalogue.practices))}")
        rel = self.text(rnode, "relationship")
        if rel not in RELATIONSHIPS:
            raise self.fail(rnode, f"relationship `{rel}` is not one of {', '.join(RELATIONSHIPS)}{suggest(rel, RELATIONSHIPS)}")
        rationale = self.text(keys["rationale"][1], "rationale", max_len=500)
        return Link(fw.id, st.id, level, practice, rel, rationale, citation, self.path, node.start_mark.line + 1)

    def check_complete(self, fw: Framework, items: Mapping[str, object], node: Node) -> None:
        missing = [s.id for s in fw.statements if s.id not in items]
        if missing:
            shown = ", ".join(missing[:8]) + (f" and {len(missing) - 8} more" if len(missing) > 8 else "")
            self.warn(node, f"{len(missing)} statement(s) of `{fw.id}` neither mapped nor marked `none`: {shown}")


def read_catalogue(path: Path, problems: Problems, display: str, data: bytes | None = None) -> Catalogue | None:
    """The practice catalogue in ``path`` (or ``data``, its bytes); None when it has errors."""
    return read_document(path, problems, display, data, lambda name, local, root: _CatalogueReader(name, local).catalogue(root))


def read_map(
    path: Path,
    frameworks: Mapping[str, Framework],
    catalogue: Catalogue,
    problems: Problems,
    display: str,
    data: bytes | None = None,
) -> FrameworkMap | None:
    """One mapping file ``path`` (or ``data``, its bytes, e.g. from a git revision); None when it has errors."""

    def parse(name: str, local: Problems, root: Node) -> FrameworkMap:
        return _MapReader(name, local, frameworks, catalogue).framework_map(root, path.stem)

    return read_document(path, problems, display, data, parse)


def load_crosswalk(
    directory: Path, frameworks: Mapping[str, Framework], problems: Problems, display: Callable[[Path], str]
) -> Crosswalk | None:
    """The crosswalk in ``directory`` (None when there is none, or when it has errors)."""
    if not directory.is_dir():
        return None
    files = sorted(p for p in directory.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
    cat_path = directory / CATALOGUE_FILE
    if cat_path not in files:
        problems.add(display(directory), 0, 0, f"`{CROSSWALK_DIR}/` has no `{CATALOGUE_FILE}` (the practice catalogue)")
        return None
    return build_crosswalk(cat_path, [p for p in files if p != cat_path], frameworks, problems, display)


def build_crosswalk(
    cat_path: Path,
    map_paths: Iterable[Path],
    frameworks: Mapping[str, Framework],
    problems: Problems,
    display: Callable[[Path], str],
    data: Mapping[Path, bytes] | None = None,
) -> Crosswalk | None:
    """The catalogue and the mapping files, read from disk or from ``data`` (path -> bytes, e.g. git blobs)."""
    data = data or {}
    local = Problems()
    catalogue = read_catalogue(cat_path, local, display(cat_path), data.get(cat_path))
    if catalogue is None:
        problems.extend(local)
        return None
    if CATALOGUE_ID in frameworks:
        local.add(
            display(cat_path), 1, 1, f"a framework has the id `{CATALOGUE_ID}`, which the practice catalogue is answered under"
        )
    maps: dict[str, FrameworkMap] = {}
    for path in map_paths:
        fmap = read_map(path, frameworks, catalogue, local, display(path), data.get(path))
        if fmap is None:
            continue
        if fmap.framework in maps:
            local.add(fmap.path, 1, 1, f"framework `{fmap.framework}` is also mapped in {maps[fmap.framework].path}")
            continue
        maps[fmap.framework] = fmap
    problems.extend(local)
    return None if local else Crosswalk(catalogue, MappingProxyType(maps))
