"""Each team's maturity over time, from the git history of its answer files.

One ``git log`` pass (every commit reachable from HEAD, merged branches included, with
the files each commit changed) plus one ``git cat-file --batch-check`` and one
``git cat-file --batch`` for all the blobs. Each distinct framework blob is parsed once,
each answer blob once per set of frameworks, and each (answers, framework) pair scored once.

A team gets one point per framework for every commit that changed its answer file (on
any branch merged into HEAD), dated by the commit and scored with the frameworks as they
were at that commit. A merge that brings a file already seen on its branch adds no second
point; neither does a move. A commit whose answer file cannot be scored then (not valid
YAML, too big, a framework it answers did not exist yet, a check added since) is still a
point: it has no score, and ``problem`` says why.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from types import MappingProxyType

from generator.model import TEAM_ID, Framework
from generator.parallel import fork_map
from generator.problems import MaturityError
from generator.project import ANSWERS_DIR, FRAMEWORKS_DIR, YAML_SUFFIXES
from generator.review.gitrepo import ZERO_SHA, Git
from generator.review.snapshot import ParseCache
from generator.scoring import score
from generator.yamlsource import MAX_FILE_BYTES


@dataclass(frozen=True)
class HistoryPoint:
    commit: str  # full sha
    date: dt.datetime  # commit date (timezone aware)
    framework: str  # "" on a point that could not be scored (the whole file)
    level: int | None
    percent: float | None
    headline: str  # Headline.text from scoring at that commit ("not scored" when it could not be)
    problem: str = ""  # why the answer file could not be scored at that commit

    @property
    def scored(self) -> bool:
        return not self.problem


@dataclass(frozen=True)
class History:
    points: Mapping[str, tuple[HistoryPoint, ...]]  # by team id, oldest first
    available: bool  # False when root is not in a git repository (site then says so)
    shallow: bool  # True when the clone is shallow (site says history may be incomplete)
    notes: tuple[str, ...] = field(default=())  # framework files that could not be read on the way


def _tracked(path: str) -> str | None:
    """ "frameworks" or "answers" for the YAML files history follows, else None."""
    p = PurePosixPath(path)
    if p.suffix not in YAML_SUFFIXES or len(p.parts) < 2:
        return None
    return p.parts[0] if p.parts[0] in (FRAMEWORKS_DIR, ANSWERS_DIR) else None


#: What a history point without a score shows as its headline.
NOT_SCORED = "not scored"
#: What the timeline covers, for readers.
SCOPE = "every commit that changed the answer file, on the main line and on every branch merged into it"

#: below this many answer blobs to parse, one process is faster than a pool
PARALLEL_MIN_JOBS = 400

# Read by pool workers (inherited through fork): blobs, frameworks by signature, and the wanted ids.
_WORK: dict[str, object] = {}

Job = tuple[str, str, tuple[tuple[str, str], ...]]  # answer path, blob sha, framework signature
Outcome = tuple[str | None, str, tuple[tuple[str, int | None, float | None, str], ...]]  # team, problem, scores


def _evaluate(job: Job) -> Outcome:
    """Parse one answer blob against the frameworks of its commit and score every wanted framework."""
    path, sha, signature = job
    blobs: Mapping[str, bytes] = _WORK["blobs"]  # type: ignore[assignment]
    fw_at, fw_sha = _WORK["frameworks"][signature]  # type: ignore[index]
    wanted: Mapping[str, Framework] = _WORK["wanted"]  # type: ignore[assignment]
    cache: ParseCache = _WORK["cache"]  # type: ignore[assignment]
    scores: dict[tuple[str, str, frozenset[tuple[str, str]]], tuple[int | None, float | None, str]] = _WORK["scores"]  # type: ignore[assignment]
    team, problems = cache.team(path, sha, blobs[sha], fw_at, signature)
    if team is None:
        errors = [p for p in problems if p.severity == "error"] or list(problems)
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        return None, f"{errors[0]}{more}" if errors else "", ()
    out = []
    for fid in sorted(team.frameworks):
        if fid not in wanted or fid not in fw_at:
            continue
        fa = team.frameworks[fid]
        key = (fid, fw_sha[fid], frozenset((k, a.value) for k, a in fa.answers.items()))
        if key not in scores:
            fs = score(fw_at[fid], fa)
            scores[key] = (fs.level, fs.percent, fs.headline.text)
        out.append((fid, *scores[key]))
    return team.id, "", tuple(out)


def _run_jobs(jobs: list[Job]) -> dict[Job, Outcome]:
    """Every job's outcome; with several cores, in forked workers."""
    return dict(zip(jobs, fork_map(_evaluate, jobs, PARALLEL_MIN_JOBS), strict=True))


def collect_history(root: Path, frameworks: Mapping[str, Framework]) -> History:
    """Points for every team, for the frameworks in ``frameworks`` (the current ones), oldest first."""
    try:
        git = Git(root)
        if not git.has_commits():
            return History(MappingProxyType({}), True, False)
        shallow = git.is_shallow()
        commits = list(git.log((FRAMEWORKS_DIR, ANSWERS_DIR)))
        wanted = {c.new for commit in commits for c in commit.changes if c.new != ZERO_SHA and _tracked(c.path)}
        sizes = git.sizes(wanted)
        blobs = git.blobs(s for s in wanted if sizes.get(s, 0) <= MAX_FILE_BYTES)
    except MaturityError:
        return History(MappingProxyType({}), False, False)

    cache = ParseCache()
    notes: list[str] = []
    noted: set[str] = set()

    def too_big(sha: str) -> str:
        return f"file is {sizes.get(sha, 0):,} bytes; the limit is {MAX_FILE_BYTES:,}"

    # 1. replay the log: the frameworks at each commit (its first parent's, plus what it changed),
    #    and which answer blobs each commit brought
    files_at: dict[str, dict[str, str]] = {}  # commit -> framework path -> blob
    by_signature: dict[tuple[tuple[str, str], ...], tuple[dict[str, Framework], dict[str, str]]] = {(): ({}, {})}
    plan: list[tuple[str, dt.datetime, list[Job]]] = []
    for commit in commits:
        parent = files_at.get(commit.parents[0]) if commit.parents else None
        fw_files = dict(parent) if parent is not None else {}
        answer_changes = []
        for ch in commit.changes:
            kind = _tracked(ch.path)
            if kind == FRAMEWORKS_DIR:
                if ch.new == ZERO_SHA:
                    fw_files.pop(ch.path, None)
                else:
                    fw_files[ch.path] = ch.new
            elif kind == ANSWERS_DIR and ch.new != ZERO_SHA:
                answer_changes.append((ch.path, ch.new))
        files_at[commit.sha] = fw_files
        signature = tuple(sorted(fw_files.items()))
        if signature not in by_signature:
            fw_at: dict[str, Framework] = {}
            fw_sha: dict[str, str] = {}
            for path, sha in signature:
                data = blobs.get(sha)
                if data is None:
                    why = too_big(sha)
                else:
                    fw, problems = cache.framework(path, sha, data)
                    if fw is not None and fw.id not in fw_at:
                        fw_at[fw.id] = fw
                        fw_sha[fw.id] = sha
                        continue
                    why = f"not a valid framework ({problems[0] if problems else 'duplicate framework id'})"
                if sha not in noted:
                    noted.add(sha)
                    notes.append(f"{path} at {commit.sha[:10]}: {why}; the answers of that time are scored without it")
            by_signature[signature] = (fw_at, fw_sha)
        plan.append((commit.sha, commit.date, [(path, sha, signature) for path, sha in answer_changes]))

    # 2. parse and score each distinct (answer blob, frameworks) once
    #    (a team's versions kept together, oldest first, so a worker scores only the frameworks that changed)
    _WORK.update(blobs=blobs, frameworks=by_signature, wanted=frameworks, cache=cache, scores={})
    jobs = sorted(dict.fromkeys(job for _, _, jobs in plan for job in jobs if job[1] in blobs), key=lambda job: job[0])
    try:
        outcomes = _run_jobs(jobs)
    finally:
        _WORK.clear()

    # 3. the points, oldest first (commit date, then parents before children)
    found: list[tuple[dt.datetime, int, str, str, list[HistoryPoint]]] = []  # date, order, team, blob, points
    for order, (sha_commit, date, jobs) in enumerate(plan):
        for job in jobs:
            path, sha, _ = job
            if job in outcomes:
                team_id, problem, scored = outcomes[job]
            else:
                team_id, problem, scored = None, too_big(sha), ()
            if team_id is None:
                team_id = PurePosixPath(path).stem  # a team's file is named after its id
                if not TEAM_ID.match(team_id):
                    continue
                points = [HistoryPoint(sha_commit, date, "", None, None, NOT_SCORED, problem or "not a valid answer file")]
            else:
                points = [HistoryPoint(sha_commit, date, fid, level, pct, headline) for fid, level, pct, headline in scored]
            found.append((date, order, team_id, sha, points))
    found.sort(key=lambda f: (f[0], f[1]))
    last_blob: dict[str, str] = {}
    by_team: dict[str, list[HistoryPoint]] = {}
    for _, _, team_id, sha, points in found:
        if last_blob.get(team_id) == sha:  # moved, or merged from the branch it was made on: not changed
            continue
        last_blob[team_id] = sha
        by_team.setdefault(team_id, []).extend(points)
    return History(MappingProxyType({t: tuple(p) for t, p in sorted(by_team.items())}), True, shallow, tuple(notes))
