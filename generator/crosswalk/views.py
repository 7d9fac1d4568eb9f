"""What the site, ``scores`` and the other outputs show of the crosswalk: official and inferred scores, coverage.

The official score of a framework counts explicit answers only, unless the team opted the
framework into inferred answers (``use-inferred``). The score *with inferred answers* is
kept beside it whenever inferred answers exist and were not already counted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from generator.crosswalk.infer import Index, Inferred, TeamInference, infer_team, official_answers, with_inferred
from generator.model import Team
from generator.project import Project
from generator.scoring import FrameworkScore, score

_EMPTY: Mapping[str, Inferred] = MappingProxyType({})


@dataclass(frozen=True)
class TeamView:
    """One team's results: official scores, scores with inferred answers, and the inference behind them."""

    official: Mapping[str, FrameworkScore]
    inferred: Mapping[str, FrameworkScore] = field(default_factory=lambda: MappingProxyType({}))
    inference: TeamInference | None = None

    def inferred_answers(self, framework_id: str) -> Mapping[str, Inferred]:
        fi = self.inference.frameworks.get(framework_id) if self.inference is not None else None
        return fi.inferred if fi is not None else _EMPTY

    def coverage_text(self, framework_id: str) -> str:
        """ "12 answered · 30 inferred · 14 missing", or "" when the framework has no mappings."""
        fi = self.inference.frameworks.get(framework_id) if self.inference is not None else None
        if fi is None:
            return ""
        c = fi.coverage
        return f"{c.answered} answered · {c.inferred} inferred · {c.missing} missing"

    def headline(self, framework_id: str) -> str:
        """The official result, and the one with inferred answers when it differs: "Level 1; Level 2 with inferred answers"."""
        sc, isc = self.official.get(framework_id), self.inferred.get(framework_id)
        official = sc.headline.text if sc is not None else "not assessed"
        if isc is None or isc.headline.text == official:
            return official
        return f"{official}; {isc.headline.text} with inferred answers"


def team_view(project: Project, team: Team, index: Index | None = None) -> TeamView:
    """Official scores for every framework the team answered or opted in; inferred scores beside them."""
    cw = project.crosswalk
    if cw is None:
        return TeamView(MappingProxyType({fid: score(project.frameworks[fid], fa) for fid, fa in team.frameworks.items()}))
    inference = infer_team(team, project.frameworks, cw, index or Index.build(cw))
    official: dict[str, FrameworkScore] = {}
    inferred: dict[str, FrameworkScore] = {}
    for fid, fw in project.frameworks.items():
        answers = official_answers(team, fw, inference)
        if answers is not None and (fid in team.frameworks or answers.answers):
            official[fid] = score(fw, answers)
        fi = inference.frameworks.get(fid)
        if fi is not None and fi.inferred and fid not in team.use_inferred:
            inferred[fid] = score(fw, with_inferred(fw, team.frameworks.get(fid), fi))
    return TeamView(MappingProxyType(official), MappingProxyType(inferred), inference)


def team_views(project: Project) -> dict[str, TeamView]:
    """Every team's view, the crosswalk index built once."""
    index = Index.build(project.crosswalk) if project.crosswalk is not None else None
    return {t.id: team_view(project, t, index) for t in project.teams}
