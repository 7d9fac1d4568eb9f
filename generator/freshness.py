"""How current a team's answers are: stale answers, when it last reviewed, overdue targets.

Pure functions of the answers, the repository settings and ``today`` (always passed in, from
the command line's edge, so results never depend on when a test runs). An answer is stale
when its ``assessed`` date (its own, else its framework's) is more than the maximum age
before today; an answer without any date is never called stale. A target is overdue when
its ``target_due`` date has passed and it is not met. Staleness and overdue targets are
warnings, never errors: an old answer is still an answer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from generator.model import Framework, FrameworkAnswers, Team
from generator.problems import Problems
from generator.scoring import score
from generator.settings import Settings


@dataclass(frozen=True)
class Freshness:
    """One team's answers to one framework, seen from ``today``."""

    framework: str
    last: dt.date | None  # the most recent assessed date among the answers
    oldest: dt.date | None
    stale: tuple[str, ...]  # statements answered longer ago than the maximum age
    answered: int
    max_age_days: int
    due: dt.date | None  # the target's due date, if it has one
    overdue: bool  # the due date has passed and the target is not met

    @property
    def is_stale(self) -> bool:
        return bool(self.stale)


def stale_before(max_age_days: int, today: dt.date) -> dt.date:
    """Answers assessed before this day are stale."""
    return today - dt.timedelta(days=max_age_days)


def freshness(fa: FrameworkAnswers, max_age_days: int, today: dt.date, target_met: bool | None = None) -> Freshness:
    """How current ``fa`` is; ``target_met`` (from scoring) decides whether a past due date is overdue."""
    dates = [a.assessed for a in fa.answers.values() if a.assessed is not None]
    limit = stale_before(max_age_days, today)
    stale = tuple(sid for sid, a in fa.answers.items() if a.assessed is not None and a.assessed < limit)
    due = fa.target.due if fa.target is not None else None
    overdue = due is not None and due < today and target_met is False
    return Freshness(
        fa.framework, max(dates, default=None), min(dates, default=None), stale, len(fa.answers), max_age_days, due, overdue
    )


def age_days(day: dt.date | None, today: dt.date) -> int | None:
    """Whole days from ``day`` to ``today`` (None for an undated answer)."""
    return None if day is None else (today - day).days


def last_reviewed(team: Team) -> dt.date | None:
    """The most recent assessed date of any of the team's answers (None when none is dated)."""
    return max((a.assessed for fa in team.frameworks.values() for a in fa.answers.values() if a.assessed), default=None)


def age_text(days: int) -> str:
    """``365 days`` as people say it: ``12 months``, ``6 weeks``, ``1 year``."""
    if days % 365 == 0:
        n, unit = days // 365, "year"
    elif days % 30 == 0:
        n, unit = days // 30, "month"
    elif days % 7 == 0:
        n, unit = days // 7, "week"
    else:
        n, unit = days, "day"
    return f"{n} {unit}{'s' if n != 1 else ''}"


def check(teams: Iterable[Team], frameworks: Mapping[str, Framework], settings: Settings, today: dt.date) -> Problems:
    """Warnings for stale answers and overdue targets, one per team and framework, at the framework's line."""
    problems = Problems()
    for team in teams:
        for fid, fa in team.frameworks.items():
            fw = frameworks.get(fid)
            if fw is None:
                continue
            due = fa.target.due if fa.target is not None else None
            met = score(fw, fa).target_met if due is not None and due < today else None
            f = freshness(fa, settings.max_age(fid), today, met)
            if f.stale:
                problems.add(
                    team.path,
                    fa.line,
                    1,
                    f"{len(f.stale)} of {f.answered} answers to `{fid}` are stale: assessed more than "
                    f"{age_text(f.max_age_days)} ago (the oldest on {f.oldest}); review them and update their `assessed:` date",
                    "warning",
                )
            if f.overdue and fa.target is not None:
                problems.add(
                    team.path,
                    fa.line,
                    1,
                    f"the target {fa.target} for `{fid}` was due on {due} and is not met",
                    "warning",
                )
    return problems
