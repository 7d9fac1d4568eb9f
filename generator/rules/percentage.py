"""``weighted-percentage``: sum(weight x score) / sum(weight) per section and overall.

n/a statements are left out of numerator and denominator; unanswered ones count 0 and are
reported as not assessed; ``partial`` counts its score. The percentages themselves are
computed for every framework with scale statements (the site and diff show them beside
any headline); this rule makes the percentage the headline.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from generator.model import PERCENTAGE, Framework, Rule, Statement
from generator.results import FrameworkScore, Headline
from generator.rules.base import BucketSpec, Scored, ScoringRule, SummaryCells

BANDS = ((0, 20), (20, 40), (40, 60), (60, 80), (80, 101))


class WeightedPercentage(ScoringRule):
    kind = PERCENTAGE
    headline_figure = "percent"
    explanation = (
        "Weighted percentage: the weighted share of the answer scores, per section and overall; n/a is left out, "
        "unanswered counts as not met."
    )

    def check(self, fw: Framework, declared: bool) -> Iterator[tuple[Statement | None, str]]:
        if declared and not any(not s.is_rubric for s in fw.statements):
            yield None, "`weighted-percentage` needs statements answered on the scale"

    def headline(self, fw: Framework, rule: Rule, scored: Scored) -> Headline:
        pct = scored.overall.percent
        return Headline(self.kind, "not assessed" if pct is None else f"{pct:.0f}%", None if pct is None else pct / 100)

    def buckets(self, fw: Framework, rule: Rule, assessed: Sequence[FrameworkScore]) -> list[BucketSpec]:
        return [
            (f"{lo}-{min(hi, 100)}%", sum(1 for s in assessed if s.percent is not None and lo <= s.percent < hi), (lo + 10) / 100)
            for lo, hi in BANDS
        ]

    def headline_formula(self, fw: Framework, rule: Rule, cells: SummaryCells) -> str | None:
        if cells.percent is None:
            return None
        # Python's "{:.0f}" rounds half to even (62.5 -> 62); so does this.
        x = f"{cells.percent}*100"
        rounded = f"IF(MOD({x},1)=0.5,2*ROUND({x}/2,0),ROUND({x},0))"
        return f'IF(ISNUMBER({cells.percent}),TEXT({rounded},"0")&"%","not assessed")'
