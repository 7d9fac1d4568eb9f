"""Comparing two snapshots: which team's maturity moved, which statements changed, what regressed.

Pure: takes two :class:`~generator.review.snapshot.Snapshot` objects and returns a
:class:`Diff` (plain data); rendering is in :mod:`generator.review.render`.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from generator.crosswalk.infer import (
    FrameworkInference,
    Index,
    Inferred,
    TeamInference,
    infer_team,
    official_answers,
    with_inferred,
)
from generator.crosswalk.loader import CATALOGUE_PATH
from generator.crosswalk.model import Crosswalk
from generator.model import Answer, Framework, FrameworkAnswers, Team
from generator.problems import Problem
from generator.review.snapshot import Snapshot
from generator.scoring import score

ADDED, REMOVED, CHANGED, UNREADABLE = "added", "removed", "changed", "unreadable"
UP, SAME, DOWN = 1, 0, -1


@dataclass(frozen=True)
class RequiredStatus:
    name: str
    met: bool
    met_count: int
    total: int


@dataclass(frozen=True)
class Standing:
    """Where one team stands on one framework at one revision."""

    headline: str
    headline_kind: str
    level: int | None
    level_name: str  # "" for frameworks without levels
    percent: float | None
    required: tuple[RequiredStatus, ...]
    target: str | None = None
    target_met: bool | None = None
    #: declared aggregated scores: (name, text, ratio of the maximum) each, e.g. ("Final score", "1.50 / 3", 0.5)
    scores: tuple[tuple[str, str, float | None], ...] = ()
    #: a profile (no overall level): (dimension title, level) each, in page order
    profile: tuple[tuple[str, int | None], ...] = ()


@dataclass(frozen=True)
class StatementChange:
    id: str
    text: str
    before: str | None  # the answer value; None = not assessed
    after: str | None
    note: str  # the note after the change
    old_note: str
    evidence_changed: bool = False
    evidence: tuple[str, ...] = ()  # the evidence links after the change
    old_evidence: tuple[str, ...] = ()
    #: where an inferred answer came from ("inferred from google-mlops 1.2 via practice ... (equal / equal)"),
    #: "" when the answer on that side is explicit or absent
    inferred_before: str = ""
    inferred_after: str = ""

    @property
    def evidence_added(self) -> tuple[str, ...]:
        return tuple(e for e in self.evidence if e not in self.old_evidence)

    @property
    def evidence_removed(self) -> tuple[str, ...]:
        return tuple(e for e in self.old_evidence if e not in self.evidence)


@dataclass(frozen=True)
class FrameworkDelta:
    """One team, one framework: before -> after and the statements that changed."""

    framework: str
    title: str
    before: Standing | None  # None: not answered on that side
    after: Standing | None
    direction: int
    regression: bool
    statements: tuple[StatementChange, ...]
    #: the standing counting inferred answers too, when it differs from the official one (else None)
    inferred_before: Standing | None = None
    inferred_after: Standing | None = None


@dataclass(frozen=True)
class TeamChange:
    team: str
    name: str
    kind: str  # ADDED, REMOVED, CHANGED, UNREADABLE
    path_before: str | None
    path_after: str | None
    frameworks: tuple[FrameworkDelta, ...]
    notes: tuple[str, ...] = ()

    @property
    def regression(self) -> bool:
        return any(f.regression for f in self.frameworks)

    @property
    def statement_count(self) -> int:
        return sum(len(f.statements) for f in self.frameworks)


@dataclass(frozen=True)
class StatementMove:
    id: str
    before: int | None  # level
    after: int | None


@dataclass(frozen=True)
class FrameworkChange:
    """A framework file that changed between the sides: this can move every team."""

    framework: str
    title: str
    kind: str  # ADDED, REMOVED, CHANGED
    version_before: str | None
    version_after: str | None
    added: tuple[StatementMove, ...] = ()
    removed: tuple[StatementMove, ...] = ()
    relevelled: tuple[StatementMove, ...] = ()
    reworded: int = 0
    rules_changed: bool = False


@dataclass(frozen=True)
class MappingChange:
    """A crosswalk mapping file that changed: its links ("item → practice (relationship)") added, removed or changed."""

    framework: str
    path: str
    kind: str  # ADDED, REMOVED, CHANGED
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()  # "item → practice: old → new relationship"


@dataclass(frozen=True)
class Side:
    revision: str
    commit: str | None
    team_files: int
    problems: tuple[Problem, ...]


@dataclass(frozen=True)
class Diff:
    base: Side
    head: Side
    teams: tuple[TeamChange, ...]
    frameworks: tuple[FrameworkChange, ...]

    max_drop: float | None = None  # the largest percentage drop that is not a regression (None: drops are not)
    mappings: tuple[MappingChange, ...] = ()

    @property
    def regressions(self) -> tuple[tuple[str, str], ...]:
        """(team, framework) pairs whose level or required-set status went down (or percentage, past ``max_drop``)."""
        return tuple((t.team, f.framework) for t in self.teams for f in t.frameworks if f.regression)

    @property
    def changed(self) -> bool:
        return bool(self.teams or self.frameworks or self.mappings)


# -- standings ----------------------------------------------------------------------
def standing(framework: Framework, answers: FrameworkAnswers) -> Standing:
    """Score one team's answers to one framework into what the diff shows."""
    fs = score(framework, answers)
    level = fs.level if framework.has_levels else None
    pct = fs.percent
    return Standing(
        headline=fs.headline.text,
        headline_kind=fs.headline.kind,
        level=level,
        level_name=framework.level_name(level) if framework.has_levels else "",
        percent=None if pct is None else round(pct, 1),
        required=tuple(RequiredStatus(r.name, r.met, r.met_count, r.total) for r in fs.required),
        target=str(fs.target) if fs.target is not None else None,
        target_met=fs.target_met,
        scores=tuple((a.name, a.text(a.overall), a.ratio(a.overall)) for a in fs.aggregates),
        profile=tuple((d.section.title, d.level) for d in fs.dimensions) if not framework.has_overall_level else (),
    )


def _profile_fell(before: Standing, after: Standing) -> bool:
    """Some dimension of a profile is at a lower level (or none) now."""
    now = dict(after.profile)
    for title, lv in before.profile:
        later = now.get(title)
        if lv is not None and (later is None or later < lv):
            return True
    return False


def _profile_direction(before: Standing, after: Standing) -> int:
    """A profile moved up when no dimension fell and one rose; down when none rose and one fell; else same."""
    pairs = list(zip((lv for _, lv in before.profile), (lv for _, lv in after.profile), strict=False))
    rose = any((a if a is not None else -1) > (b if b is not None else -1) for b, a in pairs)
    fell = any((a if a is not None else -1) < (b if b is not None else -1) for b, a in pairs)
    if rose != fell:
        return UP if rose else DOWN
    return SAME


def direction(before: Standing | None, after: Standing | None) -> int:
    """Up, down or same: level first, then required sets met, then the percentage."""
    if before is None and after is None:
        return SAME
    if before is None:
        return UP
    if after is None:
        return DOWN
    lb = -1 if before.level is None else before.level
    la = -1 if after.level is None else after.level
    if lb != la:
        return UP if la > lb else DOWN
    if before.profile and after.profile and (moved := _profile_direction(before, after)) != SAME:
        return moved
    mb = sum(r.met for r in before.required)
    ma = sum(r.met for r in after.required)
    if mb != ma:
        return UP if ma > mb else DOWN
    if before.scores and after.scores:  # the first declared aggregated score
        rb, ra = before.scores[0][2] or 0.0, after.scores[0][2] or 0.0
        if abs(ra - rb) > 1e-9:
            return UP if ra > rb else DOWN
    pb = before.percent or 0.0
    pa = after.percent or 0.0
    if abs(pa - pb) >= 0.05:
        return UP if pa > pb else DOWN
    return SAME


def is_regression(before: Standing | None, after: Standing | None, max_drop: float | None = None) -> bool:
    """The level went down, or a required set that was met is no longer met, or (when ``max_drop`` is
    given) the weighted percentage fell by more than ``max_drop`` percentage points."""
    if before is None:
        return False
    if before.level is not None and (after is None or after.level is None or after.level < before.level):
        return True
    if before.profile and (after is None or _profile_fell(before, after)):
        return True
    if max_drop is not None and before.percent is not None:
        after_pct = after.percent if after is not None and after.percent is not None else 0.0
        if before.percent - after_pct > max_drop + 1e-9:
            return True
    met_after = {r.name for r in after.required if r.met} if after is not None else set()
    return any(r.met and r.name not in met_after for r in before.required)


# -- statements -----------------------------------------------------------------------
def _shown(explicit: Answer | None, inferred: Inferred | None) -> tuple[object, ...] | None:
    """What a reader sees of one statement on one side: the explicit answer, else the inferred one with its source."""
    if explicit is not None:
        return (explicit.value, explicit.note, explicit.evidence, "")
    if inferred is not None:
        return (inferred.answer.value, "", (), str(inferred.provenance))
    return None


def _statement_changes(
    fw: Framework,
    old: Mapping[str, Answer],
    new: Mapping[str, Answer],
    old_inferred: Mapping[str, Inferred] = MappingProxyType({}),
    new_inferred: Mapping[str, Inferred] = MappingProxyType({}),
) -> tuple[StatementChange, ...]:
    # an answer under an id the framework now calls otherwise is compared with the renamed statement
    old = {fw.renamed.get(sid, sid) if sid not in fw.by_id else sid: a for sid, a in old.items()}
    changes = []
    ids = set(old) | set(new) | set(old_inferred) | set(new_inferred)
    order = [s.id for s in fw.statements] + sorted(ids - set(fw.by_id))
    for sid in order:
        a, b = old.get(sid), new.get(sid)
        was = _shown(a, old_inferred.get(sid))
        now = _shown(b, new_inferred.get(sid))
        if was == now:
            continue
        st = fw.by_id.get(sid)
        changes.append(
            StatementChange(
                sid,
                st.text if st is not None else "",
                None if was is None else str(was[0]),
                None if now is None else str(now[0]),
                b.note if b else "",
                a.note if a else "",
                (a.evidence if a else ()) != (b.evidence if b else ()),
                b.evidence if b else (),
                a.evidence if a else (),
                str(was[3]) if was is not None else "",
                str(now[3]) if now is not None else "",
            )
        )
    return tuple(changes)


def _side_standings(
    fw: Framework | None,
    team: Team | None,
    inference: TeamInference | None,
    scored: dict[tuple[int, int], Standing] | None = None,
) -> tuple[Standing | None, Standing | None, Mapping[str, Inferred]]:
    """The official standing, the standing with inferred answers (when it differs) and the inferred answers.

    ``scored`` keeps official standings by (framework, answers) object: the other side reuses one for the same pair.
    """
    if fw is None or team is None:
        return None, None, MappingProxyType({})
    fi = inference.frameworks.get(fw.id) if inference is not None else None
    official = official_answers(team, fw, inference)
    st = None
    if official is not None:
        key = (id(fw), id(official))
        st = scored.get(key) if scored is not None else None
        if st is None:
            st = standing(fw, official)
            if scored is not None:
                scored[key] = st
    if fi is None or not fi.inferred:
        return st, None, MappingProxyType({})
    wider = standing(fw, with_inferred(fw, team.frameworks.get(fw.id), fi))
    return st, (None if wider == st else wider), fi.inferred


def _inferred(inference: TeamInference | None, fid: str) -> FrameworkInference | None:
    return inference.frameworks.get(fid) if inference is not None else None


def _deltas(
    base_fw: Mapping[str, Framework],
    head_fw: Mapping[str, Framework],
    before: Team | None,
    after: Team | None,
    max_drop: float | None = None,
    inference: tuple[TeamInference | None, TeamInference | None] = (None, None),
    only: Collection[str] | None = None,
) -> tuple[FrameworkDelta, ...]:
    """The frameworks that moved for one team (only those in ``only``, when given: the rest cannot have)."""
    out = []
    inf_b, inf_a = inference
    ids = {*(after.frameworks if after else ()), *(before.frameworks if before else ())}
    for inf in inference:  # frameworks the team does not answer but gets inferred answers for
        ids |= {fid for fid, fi in (inf.frameworks.items() if inf else ()) if fi.inferred}
    for fid in sorted(ids if only is None else ids & set(only)):
        fa_before = before.frameworks.get(fid) if before else None
        fa_after = after.frameworks.get(fid) if after else None
        fw_b, fw_a = base_fw.get(fid), head_fw.get(fid)
        if fw_b is fw_a and fa_before is fa_after and _inferred(inf_b, fid) == _inferred(inf_a, fid):
            continue  # the same answers to the same framework, explicit and inferred: nothing to score
        scored: dict[tuple[int, int], Standing] = {}  # both sides alive here: object ids stay unique
        st_b, wide_b, inferred_b = _side_standings(fw_b, before, inf_b, scored)
        st_a, wide_a, inferred_a = _side_standings(fw_a, after, inf_a, scored)
        fw = fw_a or fw_b
        assert fw is not None  # a team only answers known frameworks
        stmts: tuple[StatementChange, ...] = ()
        if before is not None and after is not None:  # a new or removed team: its standing says it all
            stmts = _statement_changes(
                fw, fa_before.answers if fa_before else {}, fa_after.answers if fa_after else {}, inferred_b, inferred_a
            )
        if st_b == st_a and wide_b == wide_a and not stmts:
            continue
        dirn = direction(st_b, st_a)
        # a framework that is new or gone on one side moves every team; that is not the team's regression
        both = fw_b is not None and fw_a is not None and before is not None and after is not None
        regression = both and is_regression(st_b, st_a, max_drop)
        out.append(FrameworkDelta(fid, fw.title, st_b, st_a, dirn, regression, stmts, wide_b, wide_a))
    return tuple(out)


def _similar(a: Team, b: Team) -> bool:
    """Two teams with different ids that look like one team renamed (same name, or the same answers)."""
    if a.name.strip().lower() == b.name.strip().lower():
        return True
    values = {fid: {s: x.value for s, x in fa.answers.items()} for fid, fa in a.frameworks.items()}
    return bool(values) and values == {fid: {s: x.value for s, x in fa.answers.items()} for fid, fa in b.frameworks.items()}


# -- frameworks -------------------------------------------------------------------------
def _framework_change(fid: str, old: Framework | None, new: Framework | None) -> FrameworkChange:
    fw = new or old
    assert fw is not None
    if old is None or new is None:
        kind = ADDED if old is None else REMOVED
        return FrameworkChange(fid, fw.title, kind, old.version if old else None, new.version if new else None)
    added = tuple(StatementMove(s.id, None, s.level) for s in new.statements if s.id not in old.by_id)
    removed = tuple(StatementMove(s.id, s.level, None) for s in old.statements if s.id not in new.by_id)
    relevelled = tuple(
        StatementMove(s.id, old.by_id[s.id].level, s.level)
        for s in new.statements
        if s.id in old.by_id and old.by_id[s.id].level != s.level
    )
    reworded = sum(1 for s in new.statements if s.id in old.by_id and old.by_id[s.id].text != s.text)
    weights = any(
        s.id in old.by_id and (old.by_id[s.id].weight, old.by_id[s.id].scale) != (s.weight, s.scale) for s in new.statements
    )
    levels = [lv.number for lv in old.levels] != [lv.number for lv in new.levels]
    scoring = old.rules != new.rules or old.scale != new.scale or old.scales != new.scales or levels or weights
    return FrameworkChange(fid, fw.title, CHANGED, old.version, new.version, added, removed, relevelled, reworded, scoring)


def upgrade_notes(frameworks: Mapping[str, Framework], team: Team) -> list[str]:
    """What the framework versions on this side did to the team's answers: renamed ids that still count, dropped ones."""
    out: list[str] = []
    for fid, fa in team.frameworks.items():
        fw = frameworks.get(fid)
        version = f"{fid} {fw.version}" if fw is not None else fid
        if fa.renamed:
            pairs = ", ".join(f"`{old}` → `{new}`" for old, new in fa.renamed.items())
            out.append(f"{version}: answers under renamed ids still count ({pairs}); `maturity migrate` updates the file")
        if fa.dropped:
            ids = ", ".join(f"`{sid}`" for sid in fa.dropped)
            out.append(f"{version}: answers to statements it no longer has are left out ({ids})")
    return out


# -- the crosswalk ------------------------------------------------------------------------
def _links(crosswalk: Crosswalk | None) -> dict[str, dict[tuple[str, str], str]]:
    """framework -> (item, practice) -> relationship."""
    out: dict[str, dict[tuple[str, str], str]] = {}
    for fid, fmap in (crosswalk.maps.items() if crosswalk is not None else ()):
        out[fid] = {(link.key, link.practice): link.relationship for link in fmap.links}
    return out


def mapping_changes(base: Crosswalk | None, head: Crosswalk | None) -> tuple[MappingChange, ...]:
    """What changed in the crosswalk's mapping files (not the catalogue's wording)."""
    if base is head:
        return ()
    old, new = _links(base), _links(head)
    paths = {fid: m.path for cw in (base, head) if cw is not None for fid, m in cw.maps.items()}
    out = []
    for fid in sorted(set(old) | set(new)):
        a, b = old.get(fid, {}), new.get(fid, {})
        if a == b:
            continue
        kind = ADDED if fid not in old else REMOVED if fid not in new else CHANGED
        added = tuple(f"{i} → {p} ({b[i, p]})" for i, p in b if (i, p) not in a)
        removed = tuple(f"{i} → {p} ({a[i, p]})" for i, p in a if (i, p) not in b)
        changed = tuple(f"{i} → {p}: {a[i, p]} → {b[i, p]}" for i, p in b if (i, p) in a and a[i, p] != b[i, p])
        out.append(MappingChange(fid, paths[fid], kind, added, removed, changed))
    return tuple(out)


class _Inference:
    """Each side's inferred answers, computed once per team (the crosswalk's index built once per side)."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        self.index = Index.build(snapshot.crosswalk) if snapshot.crosswalk is not None else None

    def of(self, team: Team | None, only: Collection[str] | None = None) -> TeamInference | None:
        """The team's inferred answers in the frameworks it left gaps in (``only`` some of them, when given)."""
        crosswalk, frameworks = self.snapshot.crosswalk, self.snapshot.frameworks
        if team is None or self.index is None or crosswalk is None:
            return None
        gaps = {fid for fid in crosswalk.maps if fid in frameworks and _has_gap(team, frameworks[fid])}
        return infer_team(team, frameworks, crosswalk, self.index, gaps if only is None else gaps & set(only))


def _has_gap(team: Team, fw: Framework) -> bool:
    """True when the team left a statement of ``fw`` unanswered (only those can receive an inferred answer)."""
    fa = team.frameworks.get(fw.id)
    return fa is None or any(st.id not in fa.answers for st in fw.statements)


def _reach(base: _Inference, head: _Inference) -> frozenset[str] | None:
    """The frameworks whose inferred answers the change of crosswalk can move for a team whose answers did not change.

    Empty when the crosswalk did not change; None (every framework) when the frameworks or the catalogue did.
    Otherwise the frameworks with an item linked to a practice whose links changed.
    """
    b, h = base.snapshot, head.snapshot
    if b.crosswalk is h.crosswalk:
        return frozenset()
    if base.index is None or head.index is None or b.framework_shas != h.framework_shas:
        return None
    if b.listing.frameworks.get(CATALOGUE_PATH) != h.listing.frameworks.get(CATALOGUE_PATH):
        return None

    def links(index: Index, practice: str) -> set[tuple[str, str, int | None, str]]:
        return {(x.framework, x.item, x.level, x.relationship) for x in index.by_practice.get(practice, ())}

    practices = set(base.index.by_practice) | set(head.index.by_practice)
    moved = {p for p in practices if links(base.index, p) != links(head.index, p)}
    return frozenset(x.framework for index in (base.index, head.index) for p in moved for x in index.by_practice.get(p, ()))


# -- the whole diff -----------------------------------------------------------------------
def compare(base: Snapshot, head: Snapshot, max_drop: float | None = None) -> Diff:
    """What changed in maturity from ``base`` to ``head``.

    A drop of the weighted percentage by more than ``max_drop`` points is a regression too.
    """
    frameworks = []
    for fid in sorted(set(base.frameworks) | set(head.frameworks)):
        if base.framework_shas.get(fid) != head.framework_shas.get(fid):
            frameworks.append(_framework_change(fid, base.frameworks.get(fid), head.frameworks.get(fid)))

    removed = [t for tid, t in base.teams.items() if tid not in head.teams]
    added = [t for tid, t in head.teams.items() if tid not in base.teams]
    notes: dict[str, list[str]] = {}
    for old in removed:
        for new in added:
            if _similar(old, new) and new.id not in notes and old.id not in notes:
                notes[old.id] = [f"team id changed to `{new.id}`: shown as removed + added"]
                notes[new.id] = [f"team id changed from `{old.id}`: shown as removed + added"]
                break

    mappings = mapping_changes(base.crosswalk, head.crosswalk)
    inferring = _Inference(base), _Inference(head)
    reach = _reach(*inferring)
    changes: list[TeamChange] = []
    for tid in sorted(set(base.teams) | set(head.teams)):
        before, after = base.teams.get(tid), head.teams.get(tid)
        team_notes = list(notes.get(tid, ()))
        if after is not None:
            team_notes += upgrade_notes(head.frameworks, after)
        if before is not None and after is not None:
            # a team whose file and frameworks did not change can only move through a changed crosswalk
            same = head.team_shas[tid] == base.team_shas[tid] and base.framework_shas == head.framework_shas
            only = reach if same else None
            inference = (None, None) if only == frozenset() else (inferring[0].of(before, only), inferring[1].of(after, only))
            if same and inference[0] == inference[1]:
                if before.path != after.path:
                    moved = (f"file moved from `{before.path}` to `{after.path}`",)
                    changes.append(TeamChange(tid, after.name, CHANGED, before.path, after.path, (), moved))
                continue
            if before.path != after.path:
                team_notes.append(f"file moved from `{before.path}` to `{after.path}`")
            if before.name != after.name:
                team_notes.append(f"name changed from \u201c{before.name}\u201d")
            deltas = _deltas(base.frameworks, head.frameworks, before, after, max_drop, inference, only)
            if deltas or team_notes:
                changes.append(TeamChange(tid, after.name, CHANGED, before.path, after.path, deltas, tuple(team_notes)))
        elif after is not None:
            kind = ADDED
            if after.path in base.invalid:
                kind = UNREADABLE
                team_notes.append(f"`{after.path}` could not be read at the base revision; see the problems below")
            deltas = _deltas(base.frameworks, head.frameworks, None, after, None, (None, inferring[1].of(after)))
            changes.append(TeamChange(tid, after.name, kind, None, after.path, deltas, tuple(team_notes)))
        elif before is not None:
            kind = REMOVED
            if before.path in head.invalid:
                kind = UNREADABLE
                team_notes.append(f"`{before.path}` could not be read at the head revision; see the problems below")
            deltas = _deltas(base.frameworks, head.frameworks, before, None, None, (inferring[0].of(before), None))
            changes.append(TeamChange(tid, before.name, kind, before.path, None, deltas, tuple(team_notes)))

    def side(s: Snapshot) -> Side:
        # warnings (answers under old ids, to dropped statements) are in each team's notes; files with errors were skipped
        errors = tuple(p for p in s.problems.sorted() if p.severity == "error")
        return Side(s.listing.revision, s.listing.sha, len(s.listing.answers), errors)

    return Diff(side(base), side(head), tuple(changes), tuple(frameworks), max_drop, mappings)
