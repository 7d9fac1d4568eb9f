"""Charts drawn at build time as inline SVG (no script, no network).

Colours come from CSS classes (``mc-*``, defined in ``maturity.css``) and text uses
``currentColor``, so the charts follow the light/dark palette of the site.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

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


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def bars(rows: Sequence[Bar], title: str, marker: float | None = None, marker_label: str = "") -> Markup:
    """Horizontal bars, label above each bar (readable when the SVG is scaled down on a phone).

    ``marker`` (0..1) draws a dashed vertical line, e.g. a target.
    """
    width, left, right, row_h = 400, 4, 396, 38
    span = right - left
    height = row_h * len(rows) + (18 if marker is not None else 6)
    out = [
        f'<svg class="mc-chart mc-bars" viewBox="0 0 {width} {height}" role="img" aria-label="{xml_text(title)}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{xml_text(title)}</title>'
    ]
    for i, row in enumerate(rows):
        y = i * row_h
        out.append(f'<text class="mc-label" x="{left}" y="{y + 13}">{xml_text(_clip(row.label, 44))}</text>')
        out.append(f'<text class="mc-value" x="{right}" y="{y + 13}" text-anchor="end">{xml_text(row.text)}</text>')
        out.append(f'<rect class="mc-track" x="{left}" y="{y + 18}" width="{span}" height="12" rx="3"/>')
        if row.ratio is not None:
            w = max(2.0, span * min(1.0, max(0.0, row.ratio)))
            out.append(f'<rect class="mc-bar {bucket(row.ratio)}" x="{left}" y="{y + 18}" width="{w:.1f}" height="12" rx="3"/>')
    if marker is not None:
        x = left + span * min(1.0, max(0.0, marker))
        bottom = row_h * len(rows)
        out.append(f'<line class="mc-marker" x1="{x:.1f}" y1="14" x2="{x:.1f}" y2="{bottom}"/>')
        out.append(f'<text class="mc-value" x="{x:.1f}" y="{bottom + 13}" text-anchor="middle">{xml_text(marker_label)}</text>')
    out.append("</svg>")
    return Markup("".join(out))


def columns(counts: Sequence[tuple[str, int, float | None]], title: str) -> Markup:
    """Vertical bars of team counts: (label, count, heat ratio for the colour)."""
    n = max(1, len(counts))
    width, height, top, base = 400, 190, 20, 150
    slot = width / n
    peak = max((c for _, c, _ in counts), default=0) or 1
    out = [
        f'<svg class="mc-chart mc-columns" viewBox="0 0 {width} {height}" role="img" aria-label="{xml_text(title)}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{xml_text(title)}</title>',
        f'<line class="mc-axis" x1="0" y1="{base}" x2="{width}" y2="{base}"/>',
    ]
    for i, (label, count, ratio) in enumerate(counts):
        h = (base - top) * count / peak
        x = i * slot + slot * 0.15
        w = slot * 0.7
        cx = i * slot + slot / 2
        if count:
            out.append(
                f'<rect class="mc-bar {bucket(ratio)}" x="{x:.1f}" y="{base - h:.1f}" width="{w:.1f}" height="{h:.1f}" rx="3"/>'
            )
        out.append(f'<text class="mc-value" x="{cx:.1f}" y="{base - h - 5:.1f}" text-anchor="middle">{count}</text>')
        short = xml_text(_clip(label, int(slot / 7) or 1))
        out.append(f'<text class="mc-label" x="{cx:.1f}" y="{base + 17}" text-anchor="middle">{short}</text>')
    out.append("</svg>")
    return Markup("".join(out))


def stacked(counts: Sequence[tuple[str, int, float | None]], title: str) -> Markup:
    """One thin bar split by team counts (for the home page), coloured like the heatmap."""
    total = sum(c for _, c, _ in counts) or 1
    width, x = 400.0, 0.0
    out = [
        f'<svg class="mc-chart mc-stacked" viewBox="0 0 400 14" preserveAspectRatio="none" role="img" '
        f'aria-label="{xml_text(title)}" xmlns="http://www.w3.org/2000/svg"><title>{xml_text(title)}</title>'
    ]
    for label, count, ratio in counts:
        if not count:
            continue
        w = width * count / total
        out.append(
            f'<rect class="mc-bar {bucket(ratio)}" x="{x:.2f}" y="0" width="{w:.2f}" height="14">'
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


def history(series: Sequence[Series], title: str) -> Markup:
    """A line chart of score over time, one line per framework, legend below."""
    width, left, right, top, base = 600, 40, 590, 10, 190
    dates = [d for s in series for d, _ in s.points]
    if not dates:
        return Markup("")
    t0, t1 = min(dates).timestamp(), max(dates).timestamp()
    spread = (t1 - t0) or 1.0
    legend_rows = (len(series) + 1) // 2
    height = base + 30 + legend_rows * 20
    out = [
        f'<svg class="mc-chart mc-history" viewBox="0 0 {width} {height}" role="img" aria-label="{xml_text(title)}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{xml_text(title)}</title>'
    ]
    for pct in (0, 50, 100):
        y = base - (base - top) * pct / 100
        out.append(f'<line class="mc-grid" x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}"/>')
        out.append(f'<text class="mc-label" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{pct}%</text>')
    out.append(f'<text class="mc-label" x="{left}" y="{base + 18}">{min(dates).date().isoformat()}</text>')
    out.append(f'<text class="mc-label" x="{right}" y="{base + 18}" text-anchor="end">{max(dates).date().isoformat()}</text>')
    for i, s in enumerate(series):
        cls = f"mc-s{i % 6 + 1}"
        pts = [
            (left + (right - left) * ((d.timestamp() - t0) / spread if t1 > t0 else 0.5), base - (base - top) * v / 100)
            for d, v in s.points
        ]
        if len(pts) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)
            out.append(f'<polyline class="mc-line {cls}" points="{path}"/>')
        for x, y in pts:
            out.append(f'<circle class="mc-dot {cls}" cx="{x:.1f}" cy="{y:.1f}" r="3"/>')
        lx, ly = left + (i % 2) * 280, base + 38 + (i // 2) * 20
        out.append(f'<rect class="mc-dot {cls}" x="{lx}" y="{ly - 9}" width="12" height="10" rx="2"/>')
        out.append(f'<text class="mc-label" x="{lx + 18}" y="{ly}">{xml_text(_clip(s.label, 40))}</text>')
    out.append("</svg>")
    return Markup("".join(out))
