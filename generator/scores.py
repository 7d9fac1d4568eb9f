"""``maturity scores``: every result the site shows, as JSON (schema: ``schemas/scores.schema.json``) or CSV.

The figures come from the same step that feeds the site (:func:`generator.site.pages.collect`),
so a script reading them sees exactly what a reader of the site sees: per team and framework
the headline, level, percentage, sections, dimensions and what blocks the next level, required
sets, aggregates, the target and whether it is met or overdue, how current the answers are,
and every statement with its answer, note, evidence, date and where the answer was written.
With a crosswalk, each framework also has its coverage (answered, inferred, missing) and its
result with inferred answers, and each statement its inferred answer, if any, with its source
("inferred from mlops-community 2.3.1 via ... (equal / equal)"): never as the team's own answer.
A framework the team reaches only through inferred answers is listed, officially not assessed.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import sys
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

from generator.crosswalk.infer import Inferred
from generator.crosswalk.views import TeamView
from generator.freshness import age_days, freshness, last_reviewed
from generator.listing import unknown_frameworks
from generator.model import Framework, FrameworkAnswers, Team
from generator.problems import MaturityError
from generator.project import Project, find_root, load_valid_project
from generator.results import FrameworkScore, StatementResult
from generator.scoring import score
from generator.site import pages

FORMAT = "maturity-scores/1"
CSV_FIELDS = (
    "team", "team_name", "group", "framework", "framework_version", "headline", "level", "percent", "target",
    "target_met", "statement", "section", "statement_level", "answer", "score", "met", "note", "evidence",
    "assessed", "age_days", "stale", "source", "target_due", "target_overdue", "inferred_answer", "inferred_from",
)  # fmt: skip


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _date(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def _inferred(inferred: Inferred | None, counted: bool) -> dict[str, Any] | None:
    """An inferred answer and where it comes from; ``counted`` when the team opted the framework into inferred answers."""
    if inferred is None:
        return None
    p = inferred.provenance
    return {
        "answer": inferred.answer.value,
        "provenance": str(p),
        "framework": p.source,
        "item": p.item,
        "practice": p.practice,
        "relationships": list(p.relationships),
        "counted": counted,
    }


def _crosswalk_fields(view: TeamView | None, fw: Framework, team: Team) -> dict[str, Any]:
    """The result with inferred answers (when it differs from the official one) and the coverage: answered, inferred, missing."""
    isc = view.inferred.get(fw.id) if view is not None else None
    fi = view.inference.frameworks.get(fw.id) if view is not None and view.inference is not None else None
    return {
        "use_inferred": fw.id in team.use_inferred,
        "with_inferred": None
        if isc is None
        else {"headline": isc.headline.text, "level": isc.level, "percent": _round(isc.percent)},
        "coverage": None
        if fi is None
        else {"answered": fi.coverage.answered, "inferred": fi.coverage.inferred, "missing": fi.coverage.missing},
    }


def _framework(org: pages.Org, team: Team, fw: Framework, sc: FrameworkScore) -> dict[str, Any]:
    fresh = org.fresh[team.id].get(fw.id) or freshness(  # a framework with inferred answers only has none written
        FrameworkAnswers(fw.id, MappingProxyType({})), org.project.settings.max_age(fw.id), org.today
    )
    view = org.views.get(team.id)
    inferred = view.inferred_answers(fw.id) if view is not None else {}
    today = org.today
    stale = set(fresh.stale)
    target = sc.target
    return {
        "id": fw.id,
        "title": fw.title,
        "version": fw.version,
        "headline": {"rule": sc.headline.kind, "text": sc.headline.text, "ratio": _round(sc.headline.ratio)},
        "level": sc.level,
        "level_text": pages.level_text(fw, sc),
        "next_level": sc.next_level,
        "blockers": list(sc.blockers),
        "percent": _round(sc.percent),
        "earned": _round(sc.overall.earned),
        "possible": _round(sc.overall.possible),
        "statements_total": sc.overall.total,
        "statements_assessed": sc.overall.assessed,
        "statements_met": sc.overall.met,
        "statements_na": sc.overall.na,
        "target": None
        if target is None
        else {
            "level": target.level,
            "percent": target.percent,
            "text": pages.target_text(fw, sc),
            "met": sc.target_met,
            "due": _date(target.due),
            "overdue": fresh.overdue,
        },
        "freshness": {
            "last_assessed": _date(fresh.last),
            "oldest_assessed": _date(fresh.oldest),
            "max_age_days": fresh.max_age_days,
            "is_stale": fresh.is_stale,
            "age_days": age_days(fresh.oldest, today),
            "last_age_days": age_days(fresh.last, today),
            "stale": list(fresh.stale),
        },
        "dimensions": [
            {"id": d.section.id, "title": d.section.title, "level": d.level, "blockers": list(d.blockers)} for d in sc.dimensions
        ],
        "required_sets": [
            {
                "name": r.name,
                "sections": list(r.sections),
                "met": r.met,
                "met_count": r.met_count,
                "total": r.total,
                "unmet": list(r.unmet),
                "not_assessed": list(r.not_assessed),
            }
            for r in sc.required
        ],
        "aggregates": [
            {
                "name": a.name,
                "unit": a.unit,
                "overall": _round(a.overall),
                "maximum": a.maximum,
                "text": a.text(a.overall),
                "by_level": [
                    {
                        "level": sl.level,
                        "overall": _round(sl.overall),
                        "maximum": sl.maximum,
                        "sections": {sid: _round(v) for sid, v in sl.sections.items() if sl.maxima.get(sid)},
                    }
                    for sl in a.by_level
                ],
            }
            for a in sc.aggregates
        ],
        "sections": [
            {
                "id": s.section.id,
                "title": s.section.title,
                "depth": s.section.depth,
                "percent": _round(s.percent),
                "earned": _round(s.earned),
                "possible": _round(s.possible),
                "total": s.total,
                "assessed": s.assessed,
                "met": s.met,
                "na": s.na,
            }
            for s in sc.sections
        ],
        "statements": [
            {
                "id": r.statement.id,
                "section": r.statement.section,
                "kind": r.statement.kind,
                "level": r.statement.level,
                "weight": r.statement.weight,
                "answer": r.answer.value if r.answer is not None else None,
                "status": r.status,
                "score": r.score,
                "met": r.met,
                "note": r.answer.note if r.answer is not None else "",
                "evidence": list(r.answer.evidence) if r.answer is not None else [],
                "assessed": _date(r.answer.assessed) if r.answer is not None else None,
                "age_days": age_days(r.answer.assessed, today) if r.answer is not None else None,
                "stale": r.statement.id in stale,
                "source": {"file": team.path, "line": r.answer.line} if r.answer and _written(r, inferred) else None,
                "inferred": _inferred(inferred.get(r.statement.id), r.answer is not None and not _written(r, inferred)),
            }
            for r in sc.results
        ],
        **_crosswalk_fields(view, fw, team),
    }


def _written(r: StatementResult, inferred: Mapping[str, Inferred]) -> bool:
    """True when the statement's counted answer is one the team wrote (not an inferred one it opted into)."""
    i = inferred.get(r.statement.id)
    return r.answer is not None and (i is None or r.answer is not i.answer)


def collect(
    project: Project, teams: Sequence[str] = (), frameworks: Sequence[str] = (), today: dt.date | None = None
) -> dict[str, Any]:
    """The scores document (see ``schemas/scores.schema.json``), optionally only some teams and frameworks."""
    known_teams = [t.id for t in project.teams]
    bad = [t for t in teams if t not in known_teams]
    if bad:
        raise MaturityError(f"unknown team `{bad[0]}`; the known ones are: {', '.join(sorted(known_teams))}")
    message = unknown_frameworks(frameworks, list(project.frameworks))
    if message:
        raise MaturityError(message)
    org = pages.collect(project, pages.SiteOptions(), None, today)
    out: list[dict[str, Any]] = []
    for team in sorted(org.teams, key=lambda t: t.id):
        if teams and team.id not in teams:
            continue
        scored = org.scores[team.id]
        view = org.views.get(team.id)
        shown = set(scored) | set(view.inferred if view is not None else ())  # inferred answers only: official "not assessed"
        fws = [
            _framework(org, team, project.frameworks[fid], scored.get(fid) or score(project.frameworks[fid], None))
            for fid in sorted(shown)
            if not frameworks or fid in frameworks
        ]
        about = {"id": team.id, "name": team.name, "group": team.group, "owners": list(team.owners), "file": team.path}
        out.append({**about, "freshness": _team_freshness(org, team, fws), "frameworks": fws})
    return {"format": FORMAT, "date": org.today.isoformat(), "teams": out}


def _team_freshness(org: pages.Org, team: Team, fws: list[dict[str, Any]]) -> dict[str, Any]:
    """The team's own summary over the frameworks shown: last reviewed, stale and overdue ones."""
    last = last_reviewed(team)
    return {
        "last_reviewed": _date(last),
        "age_days": age_days(last, org.today),
        "is_stale": any(f["freshness"]["is_stale"] for f in fws),
        "stale_answers": sum(len(f["freshness"]["stale"]) for f in fws),
        "stale_frameworks": [f["id"] for f in fws if f["freshness"]["is_stale"]],
        "overdue_targets": [f["id"] for f in fws if f["target"] is not None and f["target"]["overdue"]],
    }


def csv_text(doc: dict[str, Any]) -> str:
    """One row per team, framework and statement; the framework's headline figures repeated on each row."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for team in doc["teams"]:
        for fw in team["frameworks"]:
            target = fw["target"]
            for st in fw["statements"]:
                writer.writerow(
                    {
                        "team": team["id"],
                        "team_name": team["name"],
                        "group": team["group"],
                        "framework": fw["id"],
                        "framework_version": fw["version"],
                        "headline": fw["headline"]["text"],
                        "level": "" if fw["level"] is None else fw["level"],
                        "percent": "" if fw["percent"] is None else fw["percent"],
                        "target": "" if target is None else target["text"],
                        "target_met": "" if target is None or target["met"] is None else str(target["met"]).lower(),
                        "statement": st["id"],
                        "section": st["section"],
                        "statement_level": "" if st["level"] is None else st["level"],
                        "answer": st["answer"] or "",
                        "score": "" if st["score"] is None else st["score"],
                        "met": str(st["met"]).lower(),
                        "note": _cell(st["note"]),
                        "evidence": _cell(" ".join(st["evidence"])),
                        "assessed": st["assessed"] or "",
                        "age_days": "" if st["age_days"] is None else st["age_days"],
                        "stale": str(st["stale"]).lower(),
                        "source": f"{st['source']['file']}:{st['source']['line']}" if st["source"] else "",
                        "target_due": "" if target is None or target["due"] is None else target["due"],
                        "target_overdue": "" if target is None else str(target["overdue"]).lower(),
                        "inferred_answer": st["inferred"]["answer"] if st["inferred"] else "",
                        "inferred_from": st["inferred"]["provenance"] if st["inferred"] else "",
                    }
                )
    return buf.getvalue()


def _cell(text: str) -> str:
    """Text a spreadsheet would take for a formula (``=``, ``+``, ``-``, ``@``) starts with an apostrophe."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def scores_command(args: argparse.Namespace) -> int:
    """``maturity scores [--team T ...] [--framework F ...] [--format json|csv]``."""
    project = load_valid_project((args.root or find_root()).resolve(), "no scores", args.today)
    doc = collect(project, tuple(args.team or ()), tuple(args.framework or ()), getattr(args, "today", None))
    sys.stdout.write(csv_text(doc) if args.format == "csv" else json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    return 0
