"""Charts drawn at build time as inline SVG (no script, no network).

Colours come from CSS classes (``mc-*``, defined in ``maturity.css``) and text uses
``currentColor``, so the charts follow the light/dark palette of the site.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

from generator.site.escape import xml_text

BUCKETS = 5


def bucket(ratio: float | None) -> str:
    """The heat class of a 0..1 ratio: ``hm-0`` (lowest) .. ``hm-4`` (highest), ``hm-na`` when not assessed."""
    if ratio is None:
        return "hm-na"
    return f"hm-{min(BUCKETS - 1, max(0, int(ratio * BUCKETS)))}"


@dataclass(frozen=True)
class Bar:
    """One bar: a label, a 0..1 length (None: not assessed) and the text shown next to it."""

    label: str
    ratio: float | None
    text: str
    heat: str = ""  # the heat class of the bar; by default that of ``ratio``


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def bar_table(
    rows: Sequence[Bar], caption: str, header: tuple[str, str], marker: float | None = None, marker_label: str = ""
) -> Markup:
    """Horizontal bars drawn as an HTML table: a caption, one row per bar (label, the value as text, the bar).

    Being a table, the chart is its own text equivalent (screen readers read its rows); its labels are
    page text, readable at any width. The bar is a length, and each step of the heat scale also fills a
    fifth more of it, so colour is never the only cue. ``marker`` (0..1) draws a dashed target line in every bar.
    """
    mark = ""
    if marker is not None:
        pct = 100 * min(1.0, max(0.0, marker))
        mark = f'<span class="mc-mark" style="left:{pct:.1f}%"></span>'
    out = [
        f'<table class="mc-bars"><caption>{escape(caption)}'
        + (f' <span class="mc-mark-key">(dashed line: {escape(marker_label)})</span>' if marker is not None else "")
        + f'</caption><thead><tr><th scope="col">{escape(header[0])}</th>'
        + f'<th scope="col">{escape(header[1])}</th></tr></thead><tbody>'
    ]
    for row in rows:
        bar = ""
        if row.ratio is not None and (row.ratio > 0 or not row.heat):
            pct = max(1.0, 100 * min(1.0, max(0.0, row.ratio)))
            bar = f'<span class="mc-bar {row.heat or bucket(row.ratio)}" style="width:{pct:.1f}%"></span>'
        out.append(
            f'<tr><th scope="row">{escape(row.label)}</th><td><span class="mc-value">{escape(row.text)}</span>'
            f'<span class="mc-track" aria-hidden="true">{bar}{mark}</span></td></tr>'
        )
    out.append("</tbody></table>")
    return Markup("".join(out))


def stacked(counts: Sequence[tuple[str, int, float | None]], title: str) -> Markup:
    """One thin bar split by team counts (for the home page), coloured like the heatmap.

    The counts are in its accessible name (and written out beside it on the page); segments are
    separated by a gap, so neighbours stay apart without telling colours apart.
    """
    total = sum(c for _, c, _ in counts) or 1
    width, x = 400.0, 0.0
    said = "; ".join(f"{label}: {count}" for label, count, _ in counts if count)
    out = [
        f'<svg class="mc-chart mc-stacked" viewBox="0 0 400 14" preserveAspectRatio="none" role="img" '
        f'aria-label="{xml_text(title)}: {xml_text(said)}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for label, count, ratio in counts:
        if not count:
            continue
        w = width * count / total
        out.append(
            f'<rect class="mc-bar {bucket(ratio)}" x="{x:.2f}" y="0" width="{max(0.0, w - 2):.2f}" height="14">'
            f"<title>{xml_text(label)}: {count}</title></rect>"
        )
        x += w
    out.append("</svg>")
    return Markup("".join(out))


@dataclass(frozen=True)
class Series:
    """One line of a history chart: (date, value 0..100) points, oldest first."""

    label: str
    points: tuple[tuple[dt.datetime, float], ...]


#: Line patterns of the history series (with the colours: two cues, so no one depends on telling colours apart).
DASHES = ("", "8 4", "2 3", "10 3 2 3", "1 6", "14 4")


def history(series: Sequence[Series], title: str) -> Markup:
    """A line chart of score over time, one line per framework: a figure with the chart, a key and the data as a table.

    Drawn at 360 user units wide and never shown narrower than 340 px (its box scrolls instead), so its
    13-unit labels stay at least 12 px on a phone.
    """
    width, left, right, top, base = 360, 36, 350, 10, 150
    dates = [d for s in series for d, _ in s.points]
    if not dates:
        return Markup("")
    t0, t1 = min(dates).timestamp(), max(dates).timestamp()
    spread = (t1 - t0) or 1.0
    height = base + 22
    out = [
        f'<div class="mc-scroll mc-history-box" role="region" tabindex="0" aria-label="{xml_text(title)}">'
        f'<svg class="mc-chart mc-history" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{xml_text(title)} (the data is in the table below)" xmlns="http://www.w3.org/2000/svg">'
    ]
    for pct in (0, 50, 100):
        y = base - (base - top) * pct / 100
        out.append(f'<line class="mc-grid" x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}"/>')
        out.append(f'<text class="mc-label" x="{left - 5}" y="{y + 4:.1f}" text-anchor="end">{pct}%</text>')
    out.append(f'<text class="mc-label" x="{left}" y="{base + 18}">{min(dates).date().isoformat()}</text>')
    out.append(f'<text class="mc-label" x="{right}" y="{base + 18}" text-anchor="end">{max(dates).date().isoformat()}</text>')
    key: list[str] = []
    rows: list[str] = []
    for i, s in enumerate(series):
        cls = f"mc-s{i % 6 + 1}"
        dash = DASHES[i % len(DASHES)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        pts = [
            (left + (right - left) * ((d.timestamp() - t0) / spread if t1 > t0 else 0.5), base - (base - top) * v / 100)
            for d, v in s.points
        ]
        if len(pts) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)
            out.append(f'<polyline class="mc-line {cls}" points="{path}"{dash_attr}/>')
        for x, y in pts:
            out.append(f'<circle class="mc-dot {cls}" cx="{x:.1f}" cy="{y:.1f}" r="3"/>')
        key.append(
            f'<li><svg class="mc-key-line" viewBox="0 0 30 8" aria-hidden="true" xmlns="http://www.w3.org/2000/svg">'
            f'<line class="mc-line {cls}" x1="1" y1="4" x2="29" y2="4"{dash_attr}/></svg>{escape(s.label)}</li>'
        )
        rows.extend(f"<tr><td>{d.date().isoformat()}</td><td>{escape(s.label)}</td><td>{v:.0f}%</td></tr>" for d, v in s.points)
    out.append("</svg></div>")
    out.append(f'<ul class="mc-key">{"".join(key)}</ul>')
    out.append(
        '<details class="mc-data"><summary>The data as a table</summary>'
        f'<div class="mc-scroll" role="region" tabindex="0" aria-label="{xml_text(title)}: data">'
        f'<table class="mc-history-data"><caption>{escape(title)}</caption><thead><tr><th scope="col">Date</th>'
        '<th scope="col">Framework</th><th scope="col">Score</th></tr></thead><tbody>'
        + "".join(rows)
        + "</tbody></table></div></details>"
    )
    return Markup("".join(out))
