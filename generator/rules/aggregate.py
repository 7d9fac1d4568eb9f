"""``aggregate``: a score combined up the hierarchy the way the framework declares it.

Each depth of the hierarchy says how a section combines what it holds (``by_depth``: its
own statements, weighted by their weight, and its sub-sections): ``sum``, ``mean`` or
``min``; ``overall`` says how the top-level sections combine. Statements score their
answer's score (0..1); n/a is left out; unanswered counts 0. The score is shown as
points out of the highest possible ("1.40 / 3") or as a percentage of it.

With ``bands`` the overall score is read as a level: each band maps a score range
(``from`` inclusive, ``to`` exclusive; the last band includes the maximum) to a level.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from generator.model import Framework, Rule, Section, Statement
from generator.results import AggregateResult, FrameworkScore, Headline, LevelSlice, StatementResult
from generator.rules.base import (
    BucketSpec,
    LevelOutcome,
    Scored,
    ScoringRule,
    SummaryCells,
    level_buckets,
    level_ratio,
)
from generator.workbook import layout as L

if TYPE_CHECKING:
    from yaml.nodes import Node

    from generator.workbook.formulas import Formulas
    from generator.yamlsource import Reader

AGGREGATE = "aggregate"
METHODS = ("mean", "sum", "min")
UNITS = ("points", "percent")
BAND_KEYS = ("level", "from", "to")


@dataclass(frozen=True)
class Band:
    level: int
    low: float
    high: float | None  # None: up to the maximum


@dataclass(frozen=True)
class AggregateConfig:
    by_depth: tuple[str, ...]
    overall: str
    unit: str
    decimals: int
    bands: tuple[Band, ...]
    by_level: bool = False  # also a score per level of the statements (section x level)


def _combine(method: str, own: Sequence[tuple[float, float]], subs: Sequence[float]) -> float | None:
    """Combine (weight, score) of own statements and the scores of sub-sections; None when there is nothing."""
    if not own and not subs:
        return None
    if method == "sum":
        return sum(w * s for w, s in own) + sum(subs)
    if method == "mean":
        return (sum(w * s for w, s in own) + sum(subs)) / (sum(w for w, _ in own) + len(subs))
    return min([s for _, s in own] + list(subs))


def _method(config: AggregateConfig, section: Section) -> str:
    return config.by_depth[min(section.depth, len(config.by_depth) - 1)]


def _values(fw: Framework, config: AggregateConfig, score_of: Any) -> tuple[dict[str, float | None], float | None]:
    """Raw score of every section and overall; ``score_of(statement)`` gives a score or None (n/a)."""
    values: dict[str, float | None] = {}

    def visit(sec: Section) -> float | None:
        own = [(st.weight, s) for st in sec.statements if not st.is_rubric and (s := score_of(st)) is not None]
        subs = [v for sub in sec.sections if (v := visit(sub)) is not None]
        values[sec.id] = _combine(_method(config, sec), own, subs)
        return values[sec.id]

    tops = [v for top in fw.sections if (v := visit(top)) is not None]
    return values, _combine(config.overall, (), tops)


def band_of(config: AggregateConfig, value: float | None) -> int | None:
    """The level of the highest band the value reaches (bands meet end to start, checked when read)."""
    if value is None:
        return None
    return next((band.level for band in reversed(config.bands) if value >= band.low), None)


Slice = tuple[float | None, Mapping[str, float | None], Mapping[str, float], float]


def _everything(st: Statement) -> bool:
    return True


def _maxima(fw: Framework, config: AggregateConfig, keep: Any = _everything) -> tuple[dict[str, float | None], float | None]:
    """The highest score of every section and overall, counting the statements ``keep`` accepts (all of them at 1)."""
    return _values(fw, config, lambda st: 1.0 if keep(st) else None)


def _slice(fw: Framework, config: AggregateConfig, results: Mapping[str, StatementResult], keep: Any) -> Slice:
    """The score counting only the statements ``keep`` accepts (the rest left out, like n/a): overall, per
    section (None where none of them is answered), the maxima, and the overall maximum."""

    def score_of(st: Statement) -> float | None:
        r = results[st.id]
        return None if r.na or not keep(st) else (r.score or 0.0)

    raw, overall = _values(fw, config, score_of)
    assessed = {sec.id: any(results[st.id].assessed for st in sec.all_statements() if keep(st)) for sec in fw.walk_sections()}
    shown = {sid: (v if assessed[sid] else None) for sid, v in raw.items()}
    any_assessed = any(r.assessed and keep(r.statement) for r in results.values())
    maxima, top = _maxima(fw, config, keep)
    return (
        overall if any_assessed else None,
        MappingProxyType(shown),
        MappingProxyType({k: v or 0.0 for k, v in maxima.items()}),
        top or 0.0,
    )


def _levels(fw: Framework, config: AggregateConfig) -> tuple[int, ...]:
    """The levels a ``by_level`` score is given for: those the scored statements are at, lowest first."""
    if not config.by_level:
        return ()
    return tuple(sorted({st.level for st in fw.statements if not st.is_rubric and st.level is not None}))


def _slice_columns(i: int) -> tuple[str, str, str]:
    """Scores-sheet columns of the i-th level's statement score, earned points and weight (from column BH on)."""
    from openpyxl.utils import get_column_letter  # openpyxl only when a workbook is written

    first = 60 + 3 * i
    return get_column_letter(first), get_column_letter(first + 1), get_column_letter(first + 2)


def _value_columns(levels: Sequence[int]) -> list[tuple[str, tuple[str, str, str]]]:
    """Where a section's score goes on its rule row (AC: every statement; AD, AE, ...: one level each),
    and the statement columns each is computed from."""
    from openpyxl.utils import get_column_letter  # openpyxl only when a workbook is written

    out = [("AC", ("Z", "L", "K"))]
    out += [(get_column_letter(30 + i), _slice_columns(i)) for i in range(len(levels))]
    return out


def _depth(fw: Framework) -> int:
    return max(sec.depth for sec in fw.walk_sections()) + 1


def _config(rule: Rule) -> AggregateConfig:
    assert isinstance(rule.config, AggregateConfig)
    return rule.config


class Aggregate(ScoringRule):
    kind = AGGREGATE
    explanation = "Aggregated score: each level of the hierarchy combines what it holds as declared (sum, mean or minimum)."
    keys = ("by_depth", "overall", "unit", "decimals", "bands", "by_level")
    repeatable = True
    default_name = "Score"
    headline_figure = "aggregate"

    # -- declaration ----------------------------------------------------------------------
    def read(self, reader: Reader, keys: dict[str, tuple[Node, Node]]) -> AggregateConfig:
        by_depth: tuple[str, ...] = ("mean",)
        if "by_depth" in keys:
            node = keys["by_depth"][1]
            by_depth = reader.text_list(node, "by_depth")
            if not by_depth:
                reader.error(node, "`by_depth` needs one method per depth of the hierarchy (top-level sections first)")
                by_depth = ("mean",)
            for item, method in zip(node.value, by_depth, strict=False):
                self._check_method(reader, item, method)
        overall = "mean"
        if "overall" in keys:
            overall = reader.text(keys["overall"][1], "overall")
            self._check_method(reader, keys["overall"][1], overall)
        unit = reader.text(keys["unit"][1], "unit") if "unit" in keys else "points"
        if unit not in UNITS:
            reader.error(keys["unit"][1], f"unit must be one of {', '.join(UNITS)}, got `{unit}`")
        decimals = reader.integer(keys["decimals"][1], "decimals") if "decimals" in keys else (2 if unit == "points" else 0)
        if not 0 <= decimals <= 4:
            reader.error(keys["decimals"][1], f"decimals must be between 0 and 4, got {decimals}")
        bands = self._bands(reader, keys["bands"][1]) if "bands" in keys else ()
        by_level = reader.boolean(keys["by_level"][1], "by_level") if "by_level" in keys else False
        return AggregateConfig(by_depth, overall, unit, decimals, bands, by_level)

    @staticmethod
    def _check_method(reader: Reader, node: Node, method: str) -> None:
        if method not in METHODS:
            reader.error(node, f"aggregation must be one of {', '.join(METHODS)}, got `{method}`")

    def _bands(self, reader: Reader, node: Node) -> tuple[Band, ...]:
        bands: list[Band] = []
        items = reader.sequence(node, "bands")
        for item in items:
            keys = reader.mapping(item, "band", BAND_KEYS, ("level", "from"))
            if "level" not in keys or "from" not in keys:
                continue
            level = reader.integer(keys["level"][1], "band level")
            low = reader.number(keys["from"][1], "from")
            high = reader.number(keys["to"][1], "to") if "to" in keys else None
            if high is not None and high <= low:
                reader.error(item, f"band of level {level} ends at {high:g}, not after its start {low:g}")
            if bands:
                prev = bands[-1]
                end = prev.high if prev.high is not None else low
                if low < end or low <= prev.low:
                    reader.error(item, f"band of level {level} (from {low:g}) overlaps the band of level {prev.level}")
                elif low > end:
                    reader.error(item, f"scores from {end:g} to {low:g} fall in no band (bands must meet end to start)")
            elif low > 0:
                reader.error(item, f"scores from 0 to {low:g} fall in no band (the first band must start at 0)")
            bands.append(Band(level, low, high))
        if not items:
            reader.error(node, "`bands` must list at least one band")
        return tuple(bands)

    def gives_levels(self, config: Any) -> bool:
        return isinstance(config, AggregateConfig) and bool(config.bands)

    def describe(self, rule: Rule) -> str:
        config = _config(rule)
        depths = ", ".join(f"depth {i + 1}: {m}" for i, m in enumerate(config.by_depth))
        text = f"{rule.name}: each section combines what it holds ({depths}); overall: {config.overall}"
        unit = "points out of the maximum" if config.unit == "points" else "a percentage of the maximum"
        text += f"; shown as {unit}."
        if config.bands:
            text += " The overall score is read as a level through bands: " + ", ".join(
                f"level {b.level} from {b.low:g}" for b in config.bands
            )
            text += "."
        return text

    def check(self, fw: Framework, declared: bool) -> Iterator[tuple[Statement | None, str]]:
        if not declared:
            return
        depth = _depth(fw)
        for rule in fw.rules:
            if rule.kind != self.kind:
                continue
            config = _config(rule)
            if len(config.by_depth) > depth:
                yield None, f"`{rule.name}` aggregates {len(config.by_depth)} depths, deeper than the hierarchy ({depth})"
            elif len(config.by_depth) < depth:
                yield (
                    None,
                    (f"`{rule.name}` aggregates {len(config.by_depth)} depths but sections nest {depth} deep: give one each"),
                )
            if not any(not st.is_rubric for st in fw.statements):
                yield None, f"`{rule.name}` needs statements answered on a scale"
            if config.by_level:
                for st in fw.statements:
                    if not st.is_rubric and st.level is None:
                        yield st, f"`{st.id}` needs a `level`: `{rule.name}` is scored per level (`by_level`)"
            if config.bands and len(config.by_depth) == depth:
                top = self.maximum(fw, config)
                last = config.bands[-1]
                if last.high is not None and last.high < top:
                    yield None, f"scores from {last.high:g} to {top:g} fall in no band of `{rule.name}`"
                if last.low > top:
                    yield None, f"the band of level {last.level} starts at {last.low:g}, above the highest score {top:g}"
                known = {lv.number for lv in fw.levels}
                for band in config.bands:
                    if fw.levels and band.level not in known:
                        yield None, f"a band of `{rule.name}` gives level {band.level}, which `levels` does not declare"

    # -- scoring --------------------------------------------------------------------------
    def maxima(self, fw: Framework, config: AggregateConfig) -> tuple[dict[str, float | None], float | None]:
        return _maxima(fw, config)

    def maximum(self, fw: Framework, config: AggregateConfig) -> float:
        return self.maxima(fw, config)[1] or 0.0

    def aggregate(self, fw: Framework, rule: Rule, results: Mapping[str, StatementResult]) -> AggregateResult:
        config = _config(rule)
        whole = _slice(fw, config, results, _everything)
        slices = tuple(
            LevelSlice(level, *_slice(fw, config, results, lambda st, lv=level: st.level == lv)) for level in _levels(fw, config)
        )
        overall, shown, maxima, top = whole
        return AggregateResult(rule.name, config.unit, config.decimals, top, overall, shown, maxima, slices)

    def levels(self, fw: Framework, rule: Rule, results: Mapping[str, StatementResult]) -> LevelOutcome | None:
        config = _config(rule)
        if not config.bands:
            return None
        overall = _slice(fw, config, results, _everything)[0]  # the whole score; the bands never read the per-level ones
        return LevelOutcome((), band_of(config, overall), ())

    def headline(self, fw: Framework, rule: Rule, scored: Scored) -> Headline:
        agg = next(a for a in scored.aggregates if a.name == rule.name)
        if _config(rule).bands:
            if scored.level is None:
                return Headline(self.kind, "not assessed", None)
            return Headline(self.kind, f"Level {scored.level}", level_ratio(fw, scored.level))
        return Headline(self.kind, agg.text(agg.overall), agg.ratio(agg.overall))

    def buckets(self, fw: Framework, rule: Rule, assessed: Sequence[FrameworkScore]) -> list[BucketSpec]:
        config = _config(rule)
        if config.bands:
            return level_buckets(fw, assessed)
        top = self.maximum(fw, config)
        out: list[BucketSpec] = []
        for i in range(5):
            lo, hi = i / 5, (i + 1) / 5
            count = sum(
                1
                for s in assessed
                for a in s.aggregates[:1]
                if (r := a.ratio(a.overall)) is not None and lo <= r and (r < hi or i == 4)
            )
            label = f"{lo * 100:g}-{hi * 100:g}%" if config.unit == "percent" else f"{lo * top:g}-{hi * top:g}"
            out.append((label, count, lo + 0.1))
        return out

    # -- workbook -------------------------------------------------------------------------
    def summary_rows(self, book: Formulas, fw: Framework, rule: Rule, row: int) -> tuple[tuple[str, str, int] | None, int]:
        """The score of every section (Scores, columns AA:AC) and a block on the Summary showing them."""
        from openpyxl.styles import Alignment, Font  # openpyxl only when a workbook is written
        from openpyxl.utils import get_column_letter  # openpyxl only when a workbook is written

        config = _config(rule)
        ws, sc = book.summary, book.scores
        rows = book.rows[fw.id]
        first, last = rows[fw.statements[0].id], rows[fw.statements[-1].id]
        levels = _levels(fw, config)
        for st in fw.statements:  # each statement's own score (blank for n/a and rubric items)
            r = rows[st.id]
            sc[f"Z{r}"] = f'=IF(OR(E{r}=0,I{r}=1),"",L{r}/C{r})'
            for i, lv in enumerate(levels):  # the same, counting only the statements of one level
                score_col, earned_col, weight_col = _slice_columns(i)
                sc[f"{score_col}{r}"] = f'=IF(D{r}={lv},Z{r},"")'
                sc[f"{earned_col}{r}"] = f"=IF(D{r}={lv},L{r},0)"
                sc[f"{weight_col}{r}"] = f"=IF(D{r}={lv},K{r},0)"
        sc["Z1"] = "score"
        cells: dict[str, str] = {}

        def formula(
            method: str, own: tuple[int, int] | None, subs: list[str], cols: tuple[str, str, str] = ("Z", "L", "K")
        ) -> str:
            z, e, k = cols
            terms_n = [f"COUNT({z}{own[0]}:{z}{own[1]})"] if own else []
            terms_sum = [f"SUM({e}{own[0]}:{e}{own[1]})"] if own else []
            terms_w = [f"SUM({k}{own[0]}:{k}{own[1]})"] if own else []
            terms_min = [f"{z}{own[0]}:{z}{own[1]}"] if own else []
            if subs:
                refs = ",".join(subs)
                terms_n.append(f"COUNT({refs})")
                terms_sum.append(f"SUM({refs})")
                terms_w.append(f"COUNT({refs})")
                terms_min.append(refs)
            n = "+".join(terms_n) or "0"
            if method == "sum":
                value = "+".join(terms_sum)
            elif method == "mean":
                value = f"({'+'.join(terms_sum)})/({'+'.join(terms_w)})"
            else:
                value = f"MIN({','.join(terms_min)})"
            return f'=IF({n}=0,"",{value})'

        def visit(sec: Section) -> int:
            """Writes the section's score (AC) and its score per level (AD, AE, ...) on a row of its own."""
            subs = [visit(sub) for sub in sec.sections]
            q = book.rule_row()
            sc[f"AA{q}"], sc[f"AB{q}"] = fw.id, sec.id
            own = None
            if sec.statements:
                lo = rows[sec.statements[0].id]
                own = (lo, lo + len(sec.statements) - 1)
            for col, cols in _value_columns(levels):
                sc[f"{col}{q}"] = formula(_method(config, sec), own, [f"{col}{s}" for s in subs], cols)
            cells[sec.id] = f"AC{q}"
            return q

        tops = [visit(top) for top in fw.sections]
        q = book.rule_row()
        sc[f"AA{q}"], sc[f"AB{q}"] = fw.id, "*"
        for col, cols in _value_columns(levels):
            sc[f"{col}{q}"] = formula(config.overall, None, [f"{col}{t}" for t in tops], cols)
        maxima, top = self.maxima(fw, config)

        def shown(value_cell: str, lo: int, hi: int, maximum: float) -> str:
            ref = f"{L.SCORES}!{value_cell}"
            value = ref if config.unit == "points" else f"{ref}/{maximum!r}"
            return f'=IF(SUM({book.rng("H", lo, hi)})=0,"not assessed",IF(ISNUMBER({ref}),{value},"not assessed"))'

        def shown_level(value_cell: str, lo: int, hi: int, level: int, maximum: float) -> str:
            """A score of one level: "not assessed" until a statement of that level in the range is answered."""
            ref = f"{L.SCORES}!{value_cell}"
            value = ref if config.unit == "points" else f"{ref}/{maximum!r}"
            answered = f"COUNTIFS({book.rng('D', lo, hi)},{level},{book.rng('H', lo, hi)},1)"
            return f'=IF({answered}=0,"not assessed",IF(ISNUMBER({ref}),{value},"not assessed"))'

        def number_format(maximum: float) -> str:
            digits = "0" + ("." + "0" * config.decimals if config.decimals else "")
            return f'{digits}" / {maximum:g}"' if config.unit == "points" else f"{digits}%"

        slices = {lv: _maxima(fw, config, lambda st, lv=lv: st.level == lv) for lv in levels}
        by_level: dict[int, tuple[str, dict[str, str]]] = {}
        if levels:  # a header row: the whole score in C, then one column per level
            ws.cell(row, 3, "All levels").font = Font(bold=True)
            for i, lv in enumerate(levels):
                ws.cell(row, 4 + i, f"Level {lv}").font = Font(bold=True)
            row += 1
        ws.cell(row, 1, rule.name).font = Font(bold=True)
        ws.cell(row, 1).data_type = "s"
        overall_cell = f"C{row}"
        ws[overall_cell] = shown(f"$AC${q}", first, last, top or 0.0)
        ws[overall_cell].number_format = number_format(top or 0.0)
        for i, lv in enumerate(levels):
            cell = f"{get_column_letter(4 + i)}{row}"
            ws[cell] = shown_level(f"{get_column_letter(30 + i)}{q}", first, last, lv, slices[lv][1] or 0.0)
            ws[cell].number_format = number_format(slices[lv][1] or 0.0)
            by_level[lv] = (cell, {})
        level_cell = None
        row += 1
        if config.bands:
            ws.cell(row, 1, f"{rule.name}: level").font = Font(bold=True)
            ws.cell(row, 1).data_type = "s"
            x = f"{L.SCORES}!$AC${q}"
            chain = '"not assessed"'
            for band in config.bands:  # the highest band is tested first
                chain = f"IF({x}>={band.low!r},{band.level},{chain})"
            level_cell = f"C{row}"
            ws[level_cell] = f'=IF(ISNUMBER({overall_cell}),{chain},"not assessed")'
            row += 1
        section_cells: dict[str, str] = {}
        for sec in fw.walk_sections():
            lo, hi = book.span(fw, sec.id)
            ws.cell(row, 1, sec.id).data_type = "s"
            ws.cell(row, 1).alignment = Alignment(indent=sec.depth + 1)
            ws.cell(row, 2, L.clean_text(sec.title)).data_type = "s"
            maximum = maxima[sec.id] or 0.0
            ws[f"C{row}"] = shown(f"$AC${cells[sec.id][2:]}", lo, hi, maximum)
            ws[f"C{row}"].number_format = number_format(maximum)
            section_cells[sec.id] = f"C{row}"
            for i, lv in enumerate(levels):
                top_of = slices[lv][0].get(sec.id) or 0.0
                cell = f"{get_column_letter(4 + i)}{row}"
                ws[cell] = shown_level(f"{get_column_letter(30 + i)}{cells[sec.id][2:]}", lo, hi, lv, top_of)
                ws[cell].number_format = number_format(top_of)
                by_level[lv][1][sec.id] = cell
            row += 1
        book.aggregate_cells[fw.id][rule.name] = (overall_cell, section_cells, level_cell)
        if levels:
            book.level_cells_by_rule[fw.id][rule.name] = by_level
        return None, row

    def headline_formula(self, fw: Framework, rule: Rule, cells: SummaryCells) -> str | None:
        config = _config(rule)
        overall, _, level = cells.aggregates[rule.name]
        if config.bands and level is not None:
            return f'IF(ISNUMBER({level}),"Level "&{level},"not assessed")'
        top = self.maximum(fw, config)
        scale = 100 / top if config.unit == "percent" and top else 1.0
        x = f"{overall}*{scale!r}*{10**config.decimals}"
        rounded = f"IF(MOD({x},1)=0.5,2*ROUND({x}/2,0),ROUND({x},0))/{10**config.decimals}"
        digits = "0" + ("." + "0" * config.decimals if config.decimals else "")
        suffix = "%" if config.unit == "percent" else f" / {top:g}"
        return f'IF(ISNUMBER({overall}),TEXT({rounded},"{digits}")&"{suffix}","not assessed")'
