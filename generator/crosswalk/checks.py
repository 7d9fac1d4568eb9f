"""Checks across teams and the crosswalk: opt-ins that cannot work (errors) and contradicting explicit answers (warnings).

Two explicit answers contradict each other when one is met, the other is not (and not
n/a), and a full-strength path joins them: the met item covers the practice (``equal``
or ``superset``) and the practice covers the other item (``equal`` or ``subset``), or
one of the two is the practice itself, answered in the catalogue.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from generator.crosswalk.infer import FULL_DOWN, FULL_UP, Index, explicit_answers
from generator.crosswalk.model import CATALOGUE_ID, Crosswalk
from generator.model import Answer, Framework, Scale, Team
from generator.problems import Problems


@dataclass(frozen=True)
class _Met:
    source: str
    item: str
    relationship: str


def check_opt_ins(teams: Iterable[Team], crosswalk: Crosswalk | None, problems: Problems) -> None:
    """An opt-in to inferred answers for a framework without mappings is an error."""
    for team in teams:
        for fid, (line, col) in team.use_inferred.items():
            if crosswalk is None or not crosswalk.mapped(fid):
                problems.add(
                    team.path,
                    line,
                    col,
                    f"use-inferred: `{fid}` has no mappings in `crosswalk/`, so no answers can be inferred for it",
                )


def _option_met(scale: Scale, ans: Answer) -> bool | None:
    """True if met, False if not, None for n/a or unknown values."""
    option = scale.lookup(ans.value)
    if option is None or option.na:
        return None
    return option.meets


def check_contradictions(
    teams: Iterable[Team], frameworks: Mapping[str, Framework], crosswalk: Crosswalk, index: Index, problems: Problems
) -> None:
    """A located warning for each explicit answer that a met explicit answer elsewhere contradicts."""
    catalogue = crosswalk.catalogue.framework
    for team in teams:
        met: dict[str, list[_Met]] = {}
        unmet: list[tuple[str, str, Answer, str]] = []  # (framework, item, answer, practice) not met, covered by the practice
        explicit_practices = team.practices.answers if team.practices is not None else {}
        for pid, ans in explicit_practices.items():
            state = _option_met(catalogue.scale, ans)
            if state:
                met.setdefault(pid, []).append(_Met(CATALOGUE_ID, pid, "answer"))
            elif state is False:
                unmet.append((CATALOGUE_ID, pid, ans, pid))
        for fw, st, ans in explicit_answers(team, frameworks):
            if not st.is_rubric:
                fid, sid = fw.id, st.id
                state = _option_met(fw.scale_of(st), ans)
                for link in index.links(fid, sid):
                    if state and link.relationship in FULL_UP:
                        met.setdefault(link.practice, []).append(_Met(fid, sid, link.relationship))
                    elif state is False and link.relationship in FULL_DOWN:
                        unmet.append((fid, sid, ans, link.practice))
        flagged: set[tuple[str, str]] = set()
        for fid, item, ans, pid in unmet:
            if (fid, item) in flagged:
                continue
            other = next((m for m in met.get(pid, []) if m.source != fid), None)
            if other is None:
                continue
            flagged.add((fid, item))
            what = f"practice {item}" if fid == CATALOGUE_ID else f"{fid} {item}"
            source = f"practice {other.item}" if other.source == CATALOGUE_ID else f"{other.source} {other.item}"
            problems.add(
                team.path,
                ans.line,
                1,
                f"{what} is answered `{ans.value}`, but {source} is met and, through practice {pid}, means this is met too",
                "warning",
            )


def check_teams(
    teams: Iterable[Team], frameworks: Mapping[str, Framework], crosswalk: Crosswalk | None, problems: Problems
) -> None:
    """Every check across the teams and the crosswalk."""
    teams = list(teams)
    check_opt_ins(teams, crosswalk, problems)
    if crosswalk is not None:
        check_contradictions(teams, frameworks, crosswalk, Index.build(crosswalk), problems)
