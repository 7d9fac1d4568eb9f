"""From the model and the scores to page contexts: plain data the templates render, no I/O, no MkDocs.

The bulky per-team answer listing is built here as one HTML string (escaped), because
Python-Markdown is slow on large Markdown tables and leaves raw HTML blocks alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any

from markupsafe import Markup

from generator.crosswalk.infer import Inferred
from generator.crosswalk.views import TeamView, team_views
from generator.freshness import Freshness, age_text, freshness, last_reviewed
from generator.model import Framework, Statement, Team
from generator.project import Project
from generator.rules import RULES
from generator.scoring import FrameworkScore
from generator.site import charts, links, search
from generator.site.escape import html_text, safe_url

#: Blockers listed in full on a team page; the rest go behind a "more" fold.
BLOCKERS_SHOWN = 8


@dataclass(frozen=True)
class SiteOptions:
    """What the pages need to know about the site around them."""

    repo_url: str = ""
    edit_uri: str = ""
    directory_urls: bool = True
    downloads: bool = True
    site_name: str = "MLOps maturity"

    def repo_file_url(self, path: str, edit: bool) -> str | None:
        """A link to a file of the repository (edit or view), or None when ``repo_url`` is unset."""
        if not self.repo_url or not path:
            return None
        uri = self.edit_uri or "edit/main/"
        if not edit:
            uri = uri.replace("edit/", "blob/", 1)
        if uri.startswith(("http://", "https://")):
            base = uri
        else:
            base = self.repo_url.rstrip("/") + "/" + uri.lstrip("/")
        return base.rstrip("/") + "/" + path.lstrip("/")


@dataclass
class Org:
    """The whole organisation, scored once: what every page is drawn from."""

    project: Project
    frameworks: list[Framework]
    teams: list[Team]
    scores: dict[str, dict[str, FrameworkScore]]
    options: SiteOptions
    history: Any = None  # generator.review.history.History, when available
    urls: links.Urls = field(default_factory=links.Urls)
    today: dt.date = field(default_factory=dt.date.today)
    #: how current each team's answers to each framework are (team id -> framework id -> Freshness)
    fresh: dict[str, dict[str, Freshness]] = field(default_factory=dict)
    views: Mapping[str, TeamView] = field(default_factory=dict)  # team id -> official and inferred results


def collect(
    project: Project,
    options: SiteOptions,
    history: Any = None,
    today: dt.date | None = None,
    views: Mapping[str, TeamView] | None = None,
) -> Org:
    """Score every team against every framework it answered, and see how current the answers are on ``today``.

    ``views`` are the teams' results when already computed (the live preview keeps those of unchanged teams).
    """
    frameworks = sorted(project.frameworks.values(), key=lambda f: f.title.lower())
    teams = sorted(project.teams, key=lambda t: (t.group.lower(), t.name.lower(), t.id))
    views = dict(views) if views is not None else team_views(project)
    scores = {t.id: dict(views[t.id].official) for t in teams}
    day = today or dt.date.today()
    settings = project.settings
    fresh = {
        t.id: {fid: freshness(fa, settings.max_age(fid), day, scores[t.id][fid].target_met) for fid, fa in t.frameworks.items()}
        for t in teams
    }
    return Org(project, frameworks, teams, scores, options, history, links.Urls(options.directory_urls), day, fresh, views)


def flags_text(f: Freshness | None) -> str:
    """`` · stale`` and `` · overdue`` (words, not colours) for a heatmap cell or a summary row."""
    if f is None:
        return ""
    return (" · stale" if f.is_stale else "") + (" · overdue" if f.overdue else "")


# -- small helpers ---------------------------------------------------------------


def level_label(fw: Framework, number: int | None) -> str:
    return fw.level_name(number)


def level_text(fw: Framework, sc: FrameworkScore) -> str:
    """The team's level in words; without a level, what its levelled rule calls that (e.g. "below level 1")."""
    if fw.has_levels and not fw.has_overall_level:  # a profile: a level per dimension, none overall
        return sc.headline.text
    if sc.level is not None or not any(r.assessed for r in sc.results):
        return level_label(fw, sc.level)
    levelled = next((RULES[r.kind] for r in fw.rules if r.levelled), None)
    return levelled.level_missing(fw) if levelled is not None else level_label(fw, None)


def citation_text(fw: Framework, cit: Any) -> str:
    if cit is None:
        return ""
    src = fw.source(cit.source)
    return f"{src.title if src else cit.source}, {cit.ref}"


def target_text(fw: Framework, sc: FrameworkScore) -> str:
    t = sc.target
    if t is None:
        return "no target"
    if t.level is not None:
        return level_label(fw, t.level)
    return f"{t.percent:g}%"


def target_state(sc: FrameworkScore) -> str:
    met = sc.target_met
    return "none" if met is None else ("met" if met else "below")


def percent_text(value: float | None) -> str:
    return "not assessed" if value is None else f"{value:.0f}%"


@dataclass(frozen=True)
class Bucket:
    """One column of a distribution: a label, its team count, and its heat ratio."""

    label: str
    count: int
    ratio: float | None


def distribution(fw: Framework, scores: Sequence[FrameworkScore | None]) -> list[Bucket]:
    """How many teams are at each level (levelled frameworks), mature or not (required set), or per score band."""
    rule = fw.headline_rule
    not_assessed = sum(1 for s in scores if s is None or s.headline.ratio is None)
    assessed = [s for s in scores if s is not None and s.headline.ratio is not None]
    out = [Bucket(label, count, ratio) for label, count, ratio in RULES[rule.kind].buckets(fw, rule, assessed)]
    out.append(Bucket("not assessed", not_assessed, None))
    return out


# -- home ------------------------------------------------------------------------


def by_group(org: Org) -> bool:
    """Whether the home heatmap and the Teams page show a row per group instead of every team (a large organisation)."""
    return len(org.teams) > org.project.settings.list_teams_up_to


def home_context(org: Org) -> dict[str, Any]:
    """The organisation at a glance: counts, the heatmap (every team, or a row per group when
    :func:`by_group`: then ``heatmap`` is empty and the caller supplies the groups'), the distribution per framework."""
    page = links.HOME
    fws = org.frameworks
    head = "".join(
        f'<th scope="col"><a href="{org.urls.href(links.framework_page(f.id), page)}">{escape(f.title)}</a></th>' for f in fws
    )
    rows = []
    slugs = links.group_slugs(t.group for t in org.teams)
    current: str | None = None
    for t in () if by_group(org) else org.teams:
        if t.group != current:  # teams come sorted by group: a heading row starts each group
            current = t.group
            href = org.urls.href(links.group_page(slugs[t.group]), page)
            rows.append(
                f'<tr class="mc-group-row"><th scope="rowgroup" colspan="{len(fws) + 2}">'
                f'<a href="{href}">{escape(t.group or links.NO_GROUP)}</a></th></tr>'
            )
        cells = []
        for f in fws:
            sc = org.scores[t.id].get(f.id)
            if sc is None:
                cells.append('<td class="hm hm-na">not assessed</td>')
            else:
                flags = flags_text(org.fresh[t.id].get(f.id))
                flag = f'<small class="mc-flag">{flags}</small>' if flags else ""
                cells.append(f'<td class="hm {charts.bucket(sc.headline.ratio)}">{escape(sc.headline.text)}{flag}</td>')
        rows.append(
            f'<tr><th scope="row"><a href="{org.urls.href(links.team_page(t.id), page)}">{escape(t.name)}</a></th>'
            f"<td>{escape(t.group)}</td>{''.join(cells)}</tr>"
        )
    heatmap = Markup("") if by_group(org) else Markup(
        '<div class="mc-scroll" role="region" tabindex="0" aria-label="Heatmap: every team on every framework" '
        'data-search-exclude>'
        '<table class="mc-heatmap"><thead><tr><th scope="col">Team</th>'
        f'<th scope="col">Group</th>{head}</tr></thead><tbody>\n' + "\n".join(rows) + "\n</tbody></table></div>"
    )
    per_fw = []
    for f in fws:
        dist = distribution(f, [org.scores[t.id].get(f.id) for t in org.teams])
        per_fw.append(
            {
                "framework": f,
                "page": links.framework_page(f.id),
                "href": org.urls.href(links.framework_page(f.id), page),
                "buckets": dist,
                "chart": charts.stacked([(b.label, b.count, b.ratio) for b in dist], f"Teams per result: {f.title}"),
            }
        )
    groups = sorted({t.group for t in org.teams if t.group})
    return {
        "site_name": org.options.site_name,
        "teams": org.teams,
        "team_count": len(org.teams),
        "framework_count": len(fws),
        "group_count": len(groups),
        "answer_count": sum(len(fa.answers) for t in org.teams for fa in t.frameworks.values()),
        "frameworks": per_fw,
        "heatmap": heatmap,
        "by_group": by_group(org),
        "legend": legend(),
    }


def legend() -> Markup:
    """The colour legend of the heatmap and charts."""
    items = [("hm-0", "lowest"), ("hm-1", ""), ("hm-2", "middle"), ("hm-3", ""), ("hm-4", "highest"), ("hm-na", "not assessed")]
    spans = "".join(
        f'<span class="mc-swatch hm {c}" aria-hidden="true"></span><span class="mc-legend-text">{t}</span>' for c, t in items
    )
    return Markup(f'<p class="mc-legend" data-search-exclude>{spans}</p>')


# -- frameworks ------------------------------------------------------------------


def frameworks_context(org: Org) -> dict[str, Any]:
    return {
        "frameworks": [
            {"framework": f, "page": links.framework_page(f.id), "teams": sum(1 for t in org.teams if f.id in t.frameworks)}
            for f in org.frameworks
        ],
        "downloads": org.options.downloads,
    }


def framework_context(org: Org, fw: Framework) -> dict[str, Any]:
    """Everything a framework page shows: sources, scale, rules, levels, statements, distribution."""
    page = links.framework_page(fw.id)
    dist = distribution(fw, [org.scores[t.id].get(fw.id) for t in org.teams])
    sources = [
        {
            "source": s,
            "url": safe_url(s.url) if s.url else None,
            "byline": ", ".join(x for x in (s.author, s.publisher, s.date) if x),
        }
        for s in fw.sources
    ]
    sections = []
    for sec in fw.walk_sections():
        statements = [
            {
                "st": st,
                "cite": citation_text(fw, st.citation),
                "level": level_label(fw, st.level) if st.level is not None and fw.levels else "",
                "rich": any(c.description or c.examples for c in st.choices),
                "attributes": [(fw.attributes[name].label, fw.attributes[name].display(v)) for name, v in st.attributes],
                "data": _filter_data(fw, st),
                "choices": [
                    {"choice": c, "level": fw.level_name_in(st, c.level), "cite": citation_text(fw, c.citation)}
                    for c in st.choices
                ],
            }
            for st in sec.statements
        ]
        sections.append({"section": sec, "heading": "#" * min(6, sec.depth + 3), "statements": statements})
    return {
        "fw": fw,
        "filters": _filters(fw),
        "sources": sources,
        "rules": [{"rule": r, "text": RULES[r.kind].describe(r)} for r in fw.rules],
        "levels": [{"level": lv, "cite": citation_text(fw, lv.citation)} for lv in fw.levels],
        "sections": sections,
        "distribution": dist,
        "chart": distribution_chart(fw, dist),
        "assessed": sum(1 for t in org.teams if fw.id in t.frameworks),
        "team_count": len(org.teams),
        "blank_workbook": links.from_page(links.blank_workbook(fw.id), page) if org.options.downloads else None,
        "statement_count": len(fw.statements),
    }


def _filter_data(fw: Framework, st: Statement) -> dict[str, str]:
    """A statement heading's ``data-mc-a<i>`` values: ``|tag|tag|`` per declared attribute it carries."""
    order = list(fw.attributes)
    return {f"a{order.index(name)}": "|" + "|".join(fw.attributes[name].options(v)) + "|" for name, v in st.attributes}


def _filters(fw: Framework) -> list[dict[str, Any]]:
    """One filter per declared attribute: its label and the values statements carry (numbers in order)."""
    out = []
    for i, (name, spec) in enumerate(fw.attributes.items()):
        seen = {o: v for st in fw.statements for n, v in st.attributes if n == name for o in spec.options(v)}
        keys = sorted(seen, key=lambda o: (float(o), o) if spec.type == "number" else (0.0, o.lower()))
        out.append({"key": f"a{i}", "label": spec.label, "options": keys})
    return [f for f in out if f["options"]]


def distribution_chart(fw: Framework, dist: Sequence[Bucket]) -> Markup:
    """How many teams have each result, as a bar table (the bars are as long as the counts, coloured by result)."""
    peak = max((b.count for b in dist), default=0) or 1
    rows = [
        charts.Bar(b.label, b.count / peak, f"{b.count} team{'s' if b.count != 1 else ''}", charts.bucket(b.ratio)) for b in dist
    ]
    return charts.bar_table(rows, f"Teams per result: {fw.title}", ("Result", "Teams"))


# -- teams -----------------------------------------------------------------------


def teams_context(org: Org) -> dict[str, Any]:
    """The team directory: per group, a heading per team and one line about it; when :func:`by_group`,
    a table of the groups instead (each group's page lists its teams).

    Team pages themselves are left out of the search index (their bulky tables made the index,
    and the build, several times larger); a search for a team's name lands on its entry here.
    """
    groups: dict[str, list[dict[str, Any]]] = {}
    for t in org.teams:
        results = org.scores[t.id]
        groups.setdefault(t.group or links.NO_GROUP, []).append(
            {
                "team": t,
                "page": links.team_page(t.id),
                "owners": ", ".join(t.owners),
                "frameworks": len(results),
                "targets": sum(1 for s in results.values() if s.target is not None),
                "met": sum(1 for s in results.values() if s.target_met),
            }
        )
    slugs = links.group_slugs(t.group for t in org.teams)
    return {
        "team_count": len(org.teams),
        "by_group": by_group(org),
        "groups": sorted(groups.items(), key=lambda kv: kv[0].lower()),
        "group_pages": {(name or links.NO_GROUP): links.group_page(slug) for name, slug in slugs.items()},
    }


def _status_class(fw: Framework, sc: FrameworkScore, sid: str) -> tuple[str, str]:
    r = sc.by_id[sid]
    st = r.statement
    if r.answer is None:
        return "ans-none", "not assessed"
    if st.is_rubric:
        return "ans-rubric", fw.level_name_in(st, int(r.answer.value))
    opt = r.option
    label = opt.label if opt else r.answer.value
    if opt is None:
        return "ans-none", label
    if opt.na:
        return "ans-na", label
    if opt.meets:
        return "ans-yes", label
    return ("ans-partial" if (opt.score or 0) > 0 else "ans-no"), label


def _evidence_html(items: Sequence[str], options: SiteOptions) -> str:
    out = []
    for item in items:
        url = safe_url(item)
        if url is not None and not url.startswith(("http://", "https://", "mailto:")):
            url = options.repo_file_url(url, edit=False)
        if url is None:
            out.append(f"<code>{escape(item)}</code>")
        else:
            spelled = ' class="mc-url"' if url == item else ""  # printed pages spell out other links' targets
            out.append(f'<a href="{escape(url)}"{spelled} rel="nofollow noopener">{escape(item)}</a>')
    return "<br>".join(out)


def answers_table(
    fw: Framework,
    sc: FrameworkScore,
    options: SiteOptions,
    stale: Sequence[str] = (),
    inferred: Mapping[str, Inferred] | None = None,
) -> Markup:
    """Every statement of the framework with the team's answer, note, evidence and date (one HTML block).

    An answer in ``inferred`` is marked as inferred and names its source in the note column.

    Kept to few elements per row: MkDocs parses this HTML twice (Markdown, search), so tags cost build time.
    """
    rows = []
    for r in sc.results:
        st = r.statement
        cls, label = _status_class(fw, sc, st.id)
        a = r.answer
        answer = escape(label)
        if a is not None and a.assessed:
            answer += f" · {a.assessed.isoformat()}"
            if st.id in stale:
                answer += ' <strong class="mc-flag">stale</strong>'
        notes = html_text(a.note) if a and a.note else ""
        if inferred and st.id in inferred and a is inferred[st.id].answer:
            answer += ' <span class="mc-inferred">inferred</span>'
            notes = f'<span class="mc-provenance">{escape(str(inferred[st.id].provenance))}</span>'
        if a and a.evidence:
            notes = f"{notes}<br>{_evidence_html(a.evidence, options)}" if notes else _evidence_html(a.evidence, options)
        text = escape(st.full_text)
        rows.append(f'<tr><td>{escape(st.id)}</td><td>{text}</td><td class="{cls}">{answer}</td><td>{notes}</td></tr>')
    return Markup(
        f'<div class="mc-scroll" role="region" tabindex="0" aria-label="Every answer: {escape(fw.title)}">'
        '<table class="mc-answers"><thead><tr><th scope="col">Id</th><th scope="col">Statement</th>'
        '<th scope="col">Answer · assessed</th><th scope="col">Note and evidence</th></tr>'
        "</thead><tbody>\n" + "\n".join(rows) + "\n</tbody></table></div>"
    )


def _chart(fw: Framework, sc: FrameworkScore) -> Markup:
    rows: list[charts.Bar] = []
    if any(RULES[r.kind].level_chart for r in fw.rules):
        lo, hi = (fw.levels[0].number, fw.levels[-1].number) if fw.levels else (0, 1)
        for d in sc.dimensions:
            ratio = None if d.level is None else ((d.level - lo) / (hi - lo) if hi > lo else 1.0)
            text = "not assessed" if d.level is None else fw.dimension_level(d.section, d.level)
            rows.append(charts.Bar(d.section.title, ratio, text))
        return charts.bar_table(rows, f"{fw.title}: level per section", ("Section", "Level"))
    if sc.aggregates:  # the declared score, per top-level section
        agg = sc.aggregates[0]
        for top in fw.sections:
            value, maximum = agg.sections.get(top.id), agg.maxima.get(top.id, 0.0)
            rows.append(charts.Bar(top.title, agg.ratio(value, maximum), agg.text(value, maximum)))
        return charts.bar_table(rows, f"{fw.title}: {agg.name.lower()} per section", ("Section", agg.name))
    dims = {d.section.id: d for d in sc.dimensions}
    for ss in sc.sections:
        if ss.section.depth != 0:
            continue
        pct = ss.percent
        text = percent_text(pct)
        dim = dims.get(ss.section.id)
        if dim is not None and ss.assessed:  # a dimension nobody answered is at no level
            text = f"{'below ' + str(fw.levels[0].number) if dim.level is None else 'Level ' + str(dim.level)} · {text}"
        rows.append(charts.Bar(ss.section.title, None if pct is None else pct / 100, text))
    caption = f"{fw.title}: score per section"
    if sc.target is not None and sc.target.percent is not None:
        return charts.bar_table(rows, caption, ("Section", "Result"), sc.target.percent / 100, f"target {sc.target.percent:g}%")
    return charts.bar_table(rows, caption, ("Section", "Result"))


def _blockers(fw: Framework, sc: FrameworkScore) -> list[dict[str, Any]]:
    out = []
    for sid in sc.blockers:
        r = sc.by_id[sid]
        st = r.statement
        cls, label = _status_class(fw, sc, sid)
        nxt = None
        if st.is_rubric and r.answer is not None:
            nxt = st.choice(int(r.answer.value) + 1)
        out.append(
            {
                "id": st.id,
                "text": st.full_text,
                "level": level_label(fw, st.level) if st.level is not None else "",
                "status": label,
                "cls": cls,
                "next": nxt.text if nxt else "",
                "section": (fw.section(st.section).title if fw.section(st.section) else st.section),  # type: ignore[union-attr]
            }
        )
    return out


def _required(fw: Framework, sc: FrameworkScore) -> list[dict[str, Any]]:
    out = []
    for req in sc.required:
        missing = [
            {"id": i, "text": fw.by_id[i].full_text, "status": _status_class(fw, sc, i)} for i in (*req.unmet, *req.not_assessed)
        ]
        out.append({"req": req, "missing": missing})
    return out


def _aggregates(fw: Framework, sc: FrameworkScore) -> list[dict[str, Any]]:
    """Each declared aggregated score, overall and per section (nested as the framework is)."""
    out = []
    for agg in sc.aggregates:
        rows = [
            {
                "depth": sec.depth,
                "title": ("\u2003" * sec.depth) + sec.title,
                "text": agg.text(agg.sections.get(sec.id), agg.maxima.get(sec.id, 0.0)),
                "ratio": agg.ratio(agg.sections.get(sec.id), agg.maxima.get(sec.id, 0.0)),
                "levels": [
                    {
                        "text": agg.text(sl.sections.get(sec.id), sl.maxima.get(sec.id, 0.0)) if sl.maxima.get(sec.id) else "",
                        "ratio": agg.ratio(sl.sections.get(sec.id), sl.maxima.get(sec.id, 0.0)),
                    }
                    for sl in agg.by_level
                ],
            }
            for sec in fw.walk_sections()
        ]
        levels = [{"name": f"Level {sl.level}", "overall": agg.text(sl.overall, sl.maximum)} for sl in agg.by_level]
        out.append({"name": agg.name, "overall": agg.text(agg.overall), "rows": rows, "levels": levels})
    return out


def team_context(org: Org, team: Team) -> dict[str, Any]:
    """A team page: per framework its result against target, a chart, the gaps, every answer; history; downloads."""
    page = links.team_page(team.id)
    opts = org.options
    results = org.scores[team.id]
    view = org.views.get(team.id) or TeamView(results)
    overview = []
    sections = []
    for fw in org.frameworks:
        sc = results.get(fw.id)
        fr = org.fresh[team.id].get(fw.id)
        isc = view.inferred.get(fw.id)
        shown = isc or sc
        given = team.frameworks.get(fw.id)
        explicit = sum(1 for sid in given.answers if sid in fw.by_id) if given is not None else 0
        overview.append(
            {
                "fw": fw,
                "page": links.framework_page(fw.id),
                "href": org.urls.href(links.framework_page(fw.id), page),
                "headline": sc.headline.text if sc else "not assessed",
                "cls": charts.bucket(sc.headline.ratio if sc else None),
                "target": target_text(fw, sc) if sc else "",
                "target_state": target_state(sc) if sc else "none",
                "answered": explicit,
                "total": len(fw.statements),
                "assessed": fr.last.isoformat() if fr and fr.last else "",
                "stale": len(fr.stale) if fr else 0,
                "overdue": fr.due.isoformat() if fr and fr.overdue and fr.due else "",
                "due": fr.due.isoformat() if fr and fr.due else "",
                "opted_in": fw.id in team.use_inferred,
                "with_inferred": isc.headline.text if isc is not None and (sc is None or sc.headline != isc.headline) else "",
                "coverage": view.coverage_text(fw.id),
            }
        )
        if shown is None:
            continue
        official = sc
        sc = sc or shown
        blockers = _blockers(fw, sc)
        sections.append(
            {
                "fw": fw,
                "sc": sc,
                "page": links.framework_page(fw.id),
                "href": org.urls.href(links.framework_page(fw.id), page),
                "headline": official.headline.text if official is not None else "not assessed",
                "level": level_text(fw, sc) if fw.has_overall_level and official is not None else "",
                "profile": fw.has_levels and not fw.has_overall_level,
                "next_level": level_label(fw, sc.next_level) if sc.next_level is not None else "",
                "percent": percent_text(sc.percent),
                "target": target_text(fw, sc),
                "target_state": target_state(sc),
                "chart": _chart(fw, sc),
                "blockers": blockers[:BLOCKERS_SHOWN],
                "more_blockers": blockers[BLOCKERS_SHOWN:],
                "required": _required(fw, sc),
                "aggregates": _aggregates(fw, sc),
                "answers": answers_table(fw, shown, opts, fr.stale if fr else (), view.inferred_answers(fw.id)),
                "answered": explicit,
                "headline_both": view.headline(fw.id) if view.inference is not None else "",
                "coverage": view.coverage_text(fw.id),
                "inferred_only": official is None,
            }
        )
    reviewed = last_reviewed(team)
    return {
        "team": team,
        "last_reviewed": reviewed.isoformat() if reviewed else "",
        "max_age": age_text(org.project.settings.max_age_days),
        "stale_count": sum(len(f.stale) for f in org.fresh[team.id].values()),
        "owners": ", ".join(team.owners),
        "search_text": search.team_summary(team),
        "overview": overview,
        "sections": sections,
        "edit_url": opts.repo_file_url(team.path, edit=True),
        "source_url": opts.repo_file_url(team.path, edit=False),
        "workbook": org.urls.href(links.team_workbook(team.id), page)
        if opts.downloads and org.project.answered_by(team)  # its frameworks, or the practice catalogue
        else None,
        "history": history_context(org, team),
        "teams_href": org.urls.href(links.TEAMS, page),
    }


# -- history ---------------------------------------------------------------------


def history_value(fw: Framework | None, level: int | None, percent: float | None) -> float | None:
    """A history point as a 0..100 value for charts: its percentage, else its level's place among the levels."""
    if percent is not None:
        return percent
    if fw is not None and level is not None and fw.levels:
        lo, hi = fw.levels[0].number, fw.levels[-1].number
        return 100.0 * (level - lo) / (hi - lo) if hi > lo else 100.0
    return None


def history_context(org: Org, team: Team) -> dict[str, Any]:
    """The history chart and download links, or why there is none."""
    h = org.history
    page = links.team_page(team.id)
    if h is None or not getattr(h, "available", False):
        return {"available": False, "chart": Markup(""), "shallow": False, "points": 0, "unscored": []}
    points = h.points.get(team.id, ())
    series = []
    by_fw: dict[str, list[tuple[dt.datetime, float]]] = {}
    unscored = [{"date": p.date.date().isoformat(), "commit": p.commit[:10], "problem": p.problem} for p in points if p.problem]
    for p in points:
        if p.problem:
            continue
        value = history_value(org.project.frameworks.get(p.framework), p.level, p.percent)
        if value is not None:
            by_fw.setdefault(p.framework, []).append((p.date, value))
    for fid, pts in by_fw.items():
        fw = org.project.frameworks.get(fid)
        series.append(charts.Series(fw.title if fw else fid, tuple(pts)))
    return {
        "available": True,
        "shallow": bool(getattr(h, "shallow", False)),
        "points": len(points),
        "changes": len({p.commit for p in points}),
        "last": points[-1].date.date().isoformat() if points else "",
        "unscored": unscored,
        "chart": charts.history(series, f"{team.name}: score over time") if series else Markup(""),
        "csv": org.urls.href(links.team_history(team.id, "csv"), page),
        "json": org.urls.href(links.team_history(team.id, "json"), page),
    }


def history_rows(history: Any, team_id: str) -> list[dict[str, Any]]:
    """The team's history as plain rows (for the CSV and JSON files on the site)."""
    if history is None or not getattr(history, "available", False):
        return []
    return [
        {
            "team": team_id,
            "commit": p.commit,
            "date": p.date.isoformat(),
            "framework": p.framework,
            "level": p.level,
            "percent": None if p.percent is None else round(p.percent, 2),
            "headline": p.headline,
            "problem": p.problem,
        }
        for p in history.points.get(team_id, ())
    ]


def overview_of(org: Org) -> Mapping[str, int]:
    """Counts used by the about page."""
    return {"teams": len(org.teams), "frameworks": len(org.frameworks)}
