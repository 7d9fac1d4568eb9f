"""How much of each framework the others (and the catalogue) reach: coverage per framework pair."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from generator.crosswalk.infer import Index, infer_team
from generator.crosswalk.model import CATALOGUE_ID, Crosswalk
from generator.model import Answer, Framework, FrameworkAnswers, Team


def answering_in_full(frameworks: Mapping[str, Framework], crosswalk: Crosswalk, source: str) -> Team:
    """A team answering one framework in full (yes; a rubric's top level), or the whole catalogue, and nothing else."""
    if source == CATALOGUE_ID:
        fa = FrameworkAnswers(CATALOGUE_ID, MappingProxyType({p: Answer(p, "yes") for p in crosswalk.catalogue.practices}))
        return Team("coverage", "Coverage", "", (), "", MappingProxyType({}), practices=fa)
    fw = frameworks[source]
    answers = {s.id: Answer(s.id, str(max(c.level for c in s.choices)) if s.is_rubric else "yes") for s in fw.statements}
    return Team(
        "coverage", "Coverage", "", (), "", MappingProxyType({source: FrameworkAnswers(source, MappingProxyType(answers))})
    )


def coverage_matrix(frameworks: Mapping[str, Framework], crosswalk: Crosswalk) -> dict[str, dict[str, float]]:
    """source ("practices" or a framework id) -> target framework -> share of the target's statements inferred."""
    index = Index.build(crosswalk)
    table: dict[str, dict[str, float]] = {}
    for source in [CATALOGUE_ID, *sorted(f for f in frameworks if f in crosswalk.maps)]:
        inf = infer_team(answering_in_full(frameworks, crosswalk, source), frameworks, crosswalk, index)
        table[source] = {
            fid: fi.coverage.inferred / fi.coverage.total
            for fid, fi in inf.frameworks.items()
            if fid != source and fi.coverage.total
        }
    return table
