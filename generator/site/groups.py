"""The platform lead's view: a page per group (the teams' ``group:``), and who is where on each framework.

Plain data for the templates, drawn from the scored organisation (:class:`~generator.site.pages.Org`):
per group its teams, the distribution of results per framework, the median team, the statements
that block most of its teams, the trend over time (from the git history), overdue targets and
stale teams. No I/O, no MkDocs.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from markupsafe import Markup

from generator.freshness import last_reviewed
from generator.model import Framework, Team
from generator.scoring import FrameworkScore
from generator.site import charts, links
from generator.site.pages import Org, distribution, history_value

#: Blocking statements listed per framework.
TOP_BLOCKERS = 5


@dataclass(frozen=True)
class Group:
    slug: str  # file name of its page
    name: str
    teams: tuple[Team, ...]


def groups_of(org: Org) -> list[Group]:
    """Every group with its teams (in the site's team order), by name."""
    by_name: dict[str, list[Team]] = {}
    for t in org.teams:
        by_name.setdefault(t.group, []).append(t)
    slugs = links.group_slugs(by_name)
    return [Group(slug, name or links.NO_GROUP, tuple(by_name[name])) for name, slug in slugs.items()]


def median_score(scores: Sequence[FrameworkScore]) -> FrameworkScore | None:
    """The median team's score (the lower middle one), ordered by how far the teams have come; None if none assessed."""
    assessed = sorted((s for s in scores if s.headline.ratio is not None), key=lambda s: s.headline.ratio or 0.0)
    return assessed[(len(assessed) - 1) // 2] if assessed else None


def median_text(scores: Sequence[FrameworkScore]) -> str:
    """The headline of the median team, or "not assessed"."""
    median = median_score(scores)
    return median.headline.text if median is not None else "not assessed"


def group_heatmap(org: Org) -> Markup:
    """The home heatmap of a large organisation: a row per group (its page, its number of teams) and,
    per framework, the result of the group's median team."""
    page = links.HOME
    head = "".join(
        f'<th scope="col"><a href="{org.urls.href(links.framework_page(f.id), page)}">{escape(f.title)}</a></th>'
        for f in org.frameworks
    )
    rows = []
    for g in groups_of(org):
        cells = []
        for fw in org.frameworks:
            median = median_score([org.scores[t.id][fw.id] for t in g.teams if fw.id in org.scores[t.id]])
            if median is None:
                cells.append('<td class="hm hm-na">not assessed</td>')
            else:
                cells.append(f'<td class="hm {charts.bucket(median.headline.ratio)}">{escape(median.headline.text)}</td>')
        href = org.urls.href(links.group_page(g.slug), page)
        rows.append(f'<tr><th scope="row"><a href="{href}">{escape(g.name)}</a></th><td>{len(g.teams)}</td>{"".join(cells)}</tr>')
    return Markup(
        '<div class="mc-scroll" role="region" tabindex="0" aria-label="Heatmap: the median team of every group on every '
        'framework" data-search-exclude><table class="mc-heatmap"><thead><tr><th scope="col">Group</th>'
        f'<th scope="col">Teams</th>{head}</tr></thead><tbody>\n' + "\n".join(rows) + "\n</tbody></table></div>"
    )


def blocking(fw: Framework, scores: Sequence[FrameworkScore]) -> list[tuple[str, int]]:
    """(statement id, teams) for the statements that hold most teams back: their next level's blockers,
    or the required set's unmet statements for frameworks without levels."""
    counts: Counter[str] = Counter()
    for s in scores:
        if s.headline.ratio is None:
            continue
        ids = s.blockers if fw.has_levels else tuple(i for r in s.required[:1] for i in (*r.unmet, *r.not_assessed))
        counts.update(set(ids))
    order = {st.id: i for i, st in enumerate(fw.statements)}
    return sorted(counts.items(), key=lambda kv: (-kv[1], order.get(kv[0], 0)))


def trend(org: Org, fw: Framework, teams: Sequence[Team]) -> charts.Series | None:
    """The group's mean score on ``fw`` after each recorded change (each team at its latest point so far)."""
    h = org.history
    if h is None or not getattr(h, "available", False):
        return None
    events: list[tuple[dt.datetime, str, float]] = []
    for t in teams:
        for p in h.points.get(t.id, ()):
            if p.framework == fw.id and not p.problem:
                value = history_value(fw, p.level, p.percent)
                if value is not None:
                    events.append((p.date, t.id, value))
    if not events:
        return None
    events.sort(key=lambda e: e[0])
    latest: dict[str, float] = {}
    total = 0.0
    points: list[tuple[dt.datetime, float]] = []
    for date, tid, value in events:
        total += value - latest.get(tid, 0.0)
        latest[tid] = value
        mean = total / len(latest)
        if points and points[-1][0] == date:
            points[-1] = (date, mean)
        else:
            points.append((date, mean))
    return charts.Series(fw.title, tuple(points))


def group_context(org: Org, group: Group) -> dict[str, Any]:
    """Everything a group page shows."""
    page = links.group_page(group.slug)
    teams = group.teams
    frameworks: list[dict[str, Any]] = []
    series = []
    for fw in org.frameworks:
        scores = [org.scores[t.id][fw.id] for t in teams if fw.id in org.scores[t.id]]
        if not scores:
            continue
        dist = distribution(fw, [org.scores[t.id].get(fw.id) for t in teams])
        top = blocking(fw, scores)[:TOP_BLOCKERS]
        frameworks.append(
            {
                "fw": fw,
                "href": org.urls.href(links.framework_page(fw.id), page),
                "assessed": len(scores),
                "distribution": dist,
                "median": median_text(scores),
                "blockers": [{"id": sid, "text": fw.by_id[sid].text, "teams": n} for sid, n in top if sid in fw.by_id],
            }
        )
        line = trend(org, fw, teams)
        if line is not None:
            series.append(line)
    rows = []
    overdue = []
    stale = []
    for t in teams:
        href = org.urls.href(links.team_page(t.id), page)
        cells = "".join(
            f'<td class="hm {charts.bucket(sc.headline.ratio)}">{escape(sc.headline.text)}</td>'
            if (sc := org.scores[t.id].get(f["fw"].id)) is not None
            else '<td class="hm hm-na">not assessed</td>'
            for f in frameworks
        )
        reviewed = last_reviewed(t)
        rows.append(
            f'<tr><th scope="row"><a href="{href}">{escape(t.name)}</a></th>{cells}'
            f"<td>{reviewed.isoformat() if reviewed else 'no date'}</td></tr>"
        )
        for fid, fr in org.fresh[t.id].items():
            if fr.overdue and fr.due is not None:
                target = str(org.scores[t.id][fid].target)
                overdue.append({"team": t, "href": href, "fw": org.project.frameworks[fid], "target": target, "due": fr.due})
        n_stale = sum(len(fr.stale) for fr in org.fresh[t.id].values())
        if n_stale:
            stale.append({"team": t, "href": href, "stale": n_stale, "reviewed": reviewed.isoformat() if reviewed else ""})
    head = "".join(f'<th scope="col"><a href="{f["href"]}">{escape(f["fw"].title)}</a></th>' for f in frameworks)
    table = Markup(
        '<div class="mc-scroll" role="region" tabindex="0" '
        f'aria-label="Heatmap: the teams of {escape(group.name)}" data-search-exclude>'
        '<table class="mc-heatmap"><thead><tr><th scope="col">Team</th>'
        f'{head}<th scope="col">Last reviewed</th></tr></thead><tbody>\n' + "\n".join(rows) + "\n</tbody></table></div>"
    )
    return {
        "group": group,
        "team_count": len(teams),
        "table": table,
        "frameworks": frameworks,
        "trend": charts.history(series, f"{group.name}: mean score over time") if series else Markup(""),
        "overdue": overdue,
        "stale": stale,
        "teams_href": org.urls.href(links.TEAMS, page),
    }


def framework_teams(org: Org, fw: Framework) -> dict[str, Any]:
    """For a framework page: the teams at each result (best first) and the statements that block most teams."""
    page = links.framework_page(fw.id)
    at: dict[str, list[tuple[str, str]]] = {}
    rank: dict[str, float] = {}
    scores = []
    for t in org.teams:
        sc = org.scores[t.id].get(fw.id)
        if sc is None:
            continue
        scores.append(sc)
        at.setdefault(sc.headline.text, []).append((t.name, links.from_page(links.team_page(t.id), page)))
        rank[sc.headline.text] = -1.0 if sc.headline.ratio is None else sc.headline.ratio
    results = [{"result": text, "teams": at[text]} for text in sorted(at, key=lambda k: -rank[k])]
    top = blocking(fw, scores)[: TOP_BLOCKERS * 2]
    return {
        "results": results,
        "blockers": [{"id": sid, "text": fw.by_id[sid].text, "teams": n} for sid, n in top if sid in fw.by_id],
    }
