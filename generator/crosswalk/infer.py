"""Inferred answers: pure functions from one team's explicit answers, the frameworks and the crosswalk.

Answers travel from an answered item to the practices it maps to ("up"), and from a
practice to the items of *other* frameworks that map to it ("down"). Each hop is either
*full* (the answer carries) or *capped* (it carries at most half, "partial"):

* up, from an answered item to a practice: full when the item is ``equal`` to the practice
  or a ``superset`` of it (meeting the item meets the practice); capped otherwise;
* down, from a practice to an item: full when the item is ``equal`` to the practice or a
  ``subset`` of it (meeting the practice meets the item); capped otherwise.

An answer is carried as the fraction of its option's score (yes 1, partial 0.5, no 0 on
the default scale; custom scales use their own scores); a capped path carries
``min(fraction, 0.5)``. The fraction lands on the target's scale as the highest option
whose score does not exceed it (never rounded up). ``n/a`` travels only along paths whose
every hop is ``equal``. When several paths reach one item, full paths win over capped
ones, and among equals the lowest value wins. Explicit answers always win: an item the
team answered is never inferred, and an answered practice is never overridden.

A rubric level is inferred only when every level up to the next one is decided: level L
holds when each practice it maps to is met (at least partial when the level asks only a
``subset`` of the practice); the lowest level is the floor. A level with no counterpart,
or a practice with no known value, leaves the rubric item uninferred.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from generator.crosswalk.model import CATALOGUE_ID, EQUAL, SUBSET, SUPERSET, Crosswalk, Link
from generator.model import Answer, Framework, FrameworkAnswers, Scale, ScaleOption, Statement, Team

HALF = 0.5
_EPS = 1e-9
FULL_UP = (EQUAL, SUPERSET)
FULL_DOWN = (EQUAL, SUBSET)


@dataclass(frozen=True)
class Provenance:
    """Where an inferred answer came from."""

    source: str  # the framework answered, or "practices" for the catalogue
    item: str  # the answered statement or practice
    practice: str  # the practice the answer went through
    relationships: tuple[str, ...]  # of each hop, in order
    full: bool  # False when the path capped the answer at partial
    detail: str = ""  # for rubric levels: which practices decided them

    def __str__(self) -> str:
        if self.detail:
            return f"inferred from {self.detail}"
        rels = " / ".join(self.relationships)
        if self.source == CATALOGUE_ID:
            return f"inferred from practice {self.practice} ({rels})"
        return f"inferred from {self.source} {self.item} via {self.practice} ({rels})"


@dataclass(frozen=True)
class Inferred:
    answer: Answer
    provenance: Provenance


@dataclass(frozen=True)
class Coverage:
    total: int
    answered: int
    inferred: int

    @property
    def missing(self) -> int:
        return self.total - self.answered - self.inferred


@dataclass(frozen=True)
class FrameworkInference:
    framework: str
    inferred: Mapping[str, Inferred]
    coverage: Coverage


@dataclass(frozen=True)
class TeamInference:
    team: str
    frameworks: Mapping[str, FrameworkInference]


@dataclass(frozen=True)
class Index:
    """The crosswalk's links looked up by item: built once, used for every team."""

    by_item: Mapping[tuple[str, str, int | None], tuple[Link, ...]]
    #: practice -> every link to it (in the crosswalk's order)
    by_practice: Mapping[str, tuple[Link, ...]] = field(default_factory=lambda: MappingProxyType({}))

    @staticmethod
    def build(crosswalk: Crosswalk) -> Index:
        by_item: dict[tuple[str, str, int | None], list[Link]] = {}
        by_practice: dict[str, list[Link]] = {}
        for link in crosswalk.links():
            by_item.setdefault((link.framework, link.item, link.level), []).append(link)
            by_practice.setdefault(link.practice, []).append(link)
        return Index(
            MappingProxyType({k: tuple(v) for k, v in by_item.items()}),
            MappingProxyType({k: tuple(v) for k, v in by_practice.items()}),
        )

    def links(self, framework: str, item: str, level: int | None = None) -> tuple[Link, ...]:
        return self.by_item.get((framework, item, level), ())

    def item_links(self, fw: Framework, st: Statement) -> tuple[Link, ...]:
        """The links of a statement, or of every level of a rubric item."""
        if st.is_rubric:
            return tuple(link for c in st.choices for link in self.links(fw.id, st.id, c.level))
        return self.links(fw.id, st.id)


@dataclass(frozen=True)
class _Value:
    """A practice's value as carried from one answer."""

    fraction: float | None  # None: not applicable
    full: bool
    exact: bool  # every hop so far is `equal`
    source: str
    item: str
    relationship: str  # of the up hop ("answer" for an explicit practice answer)
    answer: Answer = field(compare=False)

    @property
    def rank(self) -> tuple[int, float]:
        return (0 if self.full else 1, math.inf if self.fraction is None else self.fraction)


def fraction(option: ScaleOption) -> float | None:
    """The option's score as a fraction of the scale's top score; None for n/a."""
    return option.score


def land(scale: Scale, value: float | None) -> ScaleOption | None:
    """The option for a carried fraction: n/a for None, else the highest score not above it."""
    if value is None:
        return next((o for o in scale.options if o.na), None)
    fitting = [o for o in scale.options if not o.na and o.score is not None and o.score <= value + _EPS]
    return max(fitting, key=lambda o: o.score or 0.0) if fitting else None


def _carry(value: float | None, full: bool) -> float | None:
    return value if full or value is None else min(value, HALF)


def explicit_answers(team: Team, frameworks: Mapping[str, Framework]) -> Iterator[tuple[Framework, Statement, Answer]]:
    """Each explicit answer of the team to a known statement of a known framework."""
    for fid, fa in team.frameworks.items():
        fw = frameworks.get(fid)
        if fw is None:
            continue
        for sid, ans in fa.answers.items():
            st = fw.by_id.get(sid)
            if st is not None:
                yield fw, st, ans


def practice_values(
    team: Team,
    frameworks: Mapping[str, Framework],
    crosswalk: Crosswalk,
    index: Index,
    wanted: Collection[str] | None = None,
) -> dict[str, list[_Value]]:
    """Every value each practice receives from the team's explicit answers (an explicit practice answer alone).

    With ``wanted``, only those practices: the same values, in the same order, found from the links to them.
    """
    values: dict[str, list[_Value]] = {}
    catalogue = crosswalk.catalogue.framework
    explicit = team.practices.answers if team.practices is not None else {}
    for pid, ans in explicit.items():
        option = catalogue.scale.lookup(ans.value)
        if option is not None and (wanted is None or pid in wanted):
            values[pid] = [_Value(fraction(option), True, True, CATALOGUE_ID, pid, "answer", ans)]
    answers = explicit_answers(team, frameworks) if wanted is None else _answers_linked(team, frameworks, index, wanted)
    for fw, st, ans in answers:
        fid, sid = fw.id, st.id
        for level, frac in _sources(fw, st, ans):
            for link in index.links(fid, sid, level):
                if link.practice in explicit or (wanted is not None and link.practice not in wanted):
                    continue
                full, exact = link.relationship in FULL_UP, link.relationship == EQUAL and level is None
                if frac is None and not exact:
                    continue
                values.setdefault(link.practice, []).append(
                    _Value(
                        _carry(frac, full),
                        full,
                        exact,
                        fid,
                        sid if level is None else f"{sid}@{level}",
                        link.relationship,
                        ans,
                    )
                )
    return values


def _answers_linked(
    team: Team, frameworks: Mapping[str, Framework], index: Index, practices: Collection[str]
) -> Iterator[tuple[Framework, Statement, Answer]]:
    """The team's explicit answers to items linked to ``practices``, in the order :func:`explicit_answers` gives them."""
    items: dict[str, set[str]] = {}
    for p in practices:
        for link in index.by_practice.get(p, ()):
            items.setdefault(link.framework, set()).add(link.item)
    for fid, fa in team.frameworks.items():
        fw, linked = frameworks.get(fid), items.get(fid)
        if fw is None or not linked:
            continue
        for sid, ans in fa.answers.items():
            st = fw.by_id.get(sid) if sid in linked else None
            if st is not None:
                yield fw, st, ans


def _sources(fw: Framework, st: Statement, ans: Answer) -> list[tuple[int | None, float | None]]:
    """(rubric level or None, fraction) pairs an explicit answer asserts: a chosen rubric level meets every level up to it."""
    if st.is_rubric:
        chosen = int(ans.value)
        return [(c.level, 1.0) for c in st.choices if c.level <= chosen]
    option = fw.scale_of(st).lookup(ans.value)
    return [] if option is None else [(None, fraction(option))]


def _best(values: list[_Value], exclude: str) -> _Value | None:
    fitting = [v for v in values if v.source != exclude]
    return min(fitting, key=lambda v: v.rank) if fitting else None


def infer_team(
    team: Team,
    frameworks: Mapping[str, Framework],
    crosswalk: Crosswalk,
    index: Index | None = None,
    only: Collection[str] | None = None,
) -> TeamInference:
    """Inferred answers, with provenance and coverage, for every mapped framework (or those in ``only``).

    With ``only``, just the practices those frameworks' unanswered items link to are evaluated: the
    same answers for those frameworks, at a fraction of the work when a team answered most items.
    """
    index = index or Index.build(crosswalk)
    wanted = None if only is None else _needed_practices(team, frameworks, index, only)
    values = practice_values(team, frameworks, crosswalk, index, wanted)
    result: dict[str, FrameworkInference] = {}
    for fid in crosswalk.maps:
        fw = frameworks.get(fid)
        if fw is None or (only is not None and fid not in only):
            continue
        fa = team.frameworks.get(fid)
        explicit = fa.answers if fa is not None else {}
        inferred: dict[str, Inferred] = {}
        answered = 0
        for st in fw.statements:
            if st.id in explicit:
                answered += 1
                continue
            found = _rubric(fw, st, values, index) if st.is_rubric else _statement(fw, st, values, index)
            if found is not None:
                inferred[st.id] = found
        result[fid] = FrameworkInference(fid, MappingProxyType(inferred), Coverage(len(fw.statements), answered, len(inferred)))
    return TeamInference(team.id, MappingProxyType(result))


def _needed_practices(team: Team, frameworks: Mapping[str, Framework], index: Index, only: Collection[str]) -> set[str]:
    """The practices the unanswered items of the frameworks in ``only`` link to."""
    needed: set[str] = set()
    for fid in only:
        fw = frameworks.get(fid)
        if fw is None:
            continue
        fa = team.frameworks.get(fid)
        explicit = fa.answers if fa is not None else {}
        for st in fw.statements:
            if st.id not in explicit:
                needed.update(link.practice for link in index.item_links(fw, st))
    return needed


def _statement(fw: Framework, st: Statement, values: Mapping[str, list[_Value]], index: Index) -> Inferred | None:
    best: tuple[tuple[int, float], float | None, _Value, Link, bool] | None = None
    for link in index.links(fw.id, st.id):
        pv = _best(values.get(link.practice, []), fw.id)
        if pv is None:
            continue
        full = pv.full and link.relationship in FULL_DOWN
        if pv.fraction is None and not (pv.exact and link.relationship == EQUAL):
            continue
        value = _carry(pv.fraction, full)
        rank = (0 if full else 1, math.inf if value is None else value)
        if best is None or rank < best[0]:
            best = (rank, value, pv, link, full)
    if best is None:
        return None
    _, value, pv, link, full = best
    option = land(fw.scale_of(st), value)
    if option is None:
        return None
    rels = (link.relationship,) if pv.source == CATALOGUE_ID else (pv.relationship, link.relationship)
    prov = Provenance(pv.source, pv.item, link.practice, rels, full)
    return Inferred(Answer(st.id, option.value, assessed=pv.answer.assessed), prov)


def _meets(pv: _Value, relationship: str) -> bool:
    if pv.fraction is None:
        return True
    return pv.fraction >= (HALF if relationship == SUBSET else 1.0) - _EPS


def _rubric(fw: Framework, st: Statement, values: Mapping[str, list[_Value]], index: Index) -> Inferred | None:
    levels = sorted(c.level for c in st.choices)
    if not levels:
        return None
    chosen = levels[0]
    used: list[str] = []
    stopped = False
    for level in levels[1:]:
        links = index.links(fw.id, st.id, level)
        if not links:
            return None
        pvs = [(_best(values.get(link.practice, []), fw.id), link) for link in links]
        if any(pv is None for pv, _ in pvs):
            return None
        used.extend(link.practice for _, link in pvs if link.practice not in used)
        if all(_meets(pv, link.relationship) for pv, link in pvs if pv is not None):
            chosen = level
        else:
            stopped = True
            break
    detail = f"practices {', '.join(used)} (level {chosen} met" + (f", level {chosen + 1} not" if stopped else "") + ")"
    return Inferred(Answer(st.id, str(chosen)), Provenance(CATALOGUE_ID, "", ", ".join(used), (), True, detail))


def with_inferred(
    framework: Framework, answers: FrameworkAnswers | None, inference: FrameworkInference | None
) -> FrameworkAnswers:
    """The explicit answers plus the inferred ones (explicit answers win), in the framework's statement order."""
    explicit = answers.answers if answers is not None else {}
    inferred = inference.inferred if inference is not None else {}
    merged = {
        st.id: explicit.get(st.id) or inferred[st.id].answer
        for st in framework.statements
        if st.id in explicit or st.id in inferred
    }
    for sid, ans in explicit.items():  # answers to statements the framework no longer has stay as they were
        merged.setdefault(sid, ans)
    target = answers.target if answers is not None else None
    return FrameworkAnswers(framework.id, MappingProxyType(merged), target, answers.line if answers is not None else 0)


def official_answers(team: Team, framework: Framework, inference: TeamInference | None) -> FrameworkAnswers | None:
    """What the official level counts: explicit answers only, unless the team opted this framework into inferred ones."""
    fa = team.frameworks.get(framework.id)
    if framework.id not in team.use_inferred or inference is None:
        return fa
    return with_inferred(framework, fa, inference.frameworks.get(framework.id))
