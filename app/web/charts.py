"""Server-rendered SVG charts: titled, described, with their numbers also given as a table on the page."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    highlight: bool = False


def bar_chart(
    bars: Sequence[Bar],
    *,
    title: str,
    description: str,
    reference: float | None = None,
    reference_label: str = "",
    width: int = 720,
    height: int = 220,
    unit: str = "",
) -> Markup:
    """Vertical bars with an optional horizontal reference line (a pace, a pass mark)."""
    if not bars:
        return Markup("")
    top = max([b.value for b in bars] + [reference or 0]) * 1.1 or 1
    left, plot_h = 40, height - 30
    step = (width - left - 10) / len(bars)
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-labelledby="{{id}}-t {{id}}-d">',
        f'<title id="{{id}}-t">{escape(title)}</title><desc id="{{id}}-d">{escape(description)}</desc>',
        f'<line x1="{left}" y1="{plot_h}" x2="{width - 10}" y2="{plot_h}" class="axis"/>',
        f'<text x="4" y="14" class="tick">{top:.0f}{escape(unit)}</text>',
        f'<text x="4" y="{plot_h}" class="tick">0</text>',
    ]
    for i, bar in enumerate(bars):
        h = plot_h * bar.value / top
        x = left + i * step
        parts.append(
            f'<rect x="{x + step * 0.1:.1f}" y="{plot_h - h:.1f}" width="{step * 0.8:.1f}" height="{h:.1f}" '
            f'class="bar{" highlight" if bar.highlight else ""}"><title>{escape(bar.label)}: '
            f"{bar.value:.0f}{escape(unit)}</title></rect>"
        )
        if len(bars) <= 20 or (i + 1) % 5 == 0:
            parts.append(
                f'<text x="{x + step / 2:.1f}" y="{height - 4}" class="tick" text-anchor="middle">'
                f"{escape(bar.label)}</text>"
            )
    if reference is not None:
        y = plot_h - plot_h * reference / top
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - 10}" y2="{y:.1f}" class="reference"/>'
            f'<text x="{width - 12}" y="{y - 4:.1f}" class="tick" text-anchor="end">'
            f"{escape(reference_label)}</text>"
        )
    parts.append("</svg>")
    chart_id = f"chart-{zlib.crc32(title.encode()):08x}"
    return Markup("".join(parts).replace("{id}", chart_id))


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float | None, ...]
    css_class: str = ""


def line_chart(
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    description: str,
    y_range: tuple[float, float],
    reference: float | None = None,
    reference_label: str = "",
    band: Sequence[tuple[float, float]] | None = None,
    width: int = 720,
    height: int = 260,
) -> Markup:
    """Lines over a shared x axis (attempts in order), an optional shaded band and a reference line."""
    if not labels:
        return Markup("")
    left, right, top_pad, plot_h = 44, 10, 10, height - 34
    low, high = y_range
    x_step = (width - left - right) / max(len(labels) - 1, 1)

    def x(i: int) -> float:
        return left + i * x_step if len(labels) > 1 else left + (width - left - right) / 2

    def y(v: float) -> float:
        return top_pad + (plot_h - top_pad) * (1 - (v - low) / (high - low))

    chart_id = f"chart-{zlib.crc32(title.encode()):08x}"
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-labelledby="{chart_id}-t {chart_id}-d">',
        f'<title id="{chart_id}-t">{escape(title)}</title><desc id="{chart_id}-d">{escape(description)}</desc>',
        f'<line x1="{left}" y1="{plot_h}" x2="{width - right}" y2="{plot_h}" class="axis"/>',
        f'<text x="4" y="{y(high) + 4:.1f}" class="tick">{high:g}</text>',
        f'<text x="4" y="{y(low):.1f}" class="tick">{low:g}</text>',
    ]
    if band:
        upper = " ".join(f"{x(i):.1f},{y(hi):.1f}" for i, (_, hi) in enumerate(band))
        lower = " ".join(f"{x(i):.1f},{y(lo):.1f}" for i, (lo, _) in reversed(list(enumerate(band))))
        parts.append(f'<polygon points="{upper} {lower}" class="band"/>')
    if reference is not None:
        parts.append(
            f'<line x1="{left}" y1="{y(reference):.1f}" x2="{width - right}" y2="{y(reference):.1f}" '
            f'class="reference"/><text x="{width - right - 2}" y="{y(reference) - 4:.1f}" class="tick" '
            f'text-anchor="end">{escape(reference_label)}</text>'
        )
    for serial, line in enumerate(series):
        points = [(x(i), y(v)) for i, v in enumerate(line.values) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
            parts.append(f'<polyline points="{path}" class="line series-{serial} {line.css_class}"/>')
        for i, v in enumerate(line.values):
            if v is not None:
                parts.append(
                    f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3.5" class="dot series-{serial}">'
                    f"<title>{escape(line.name)}, {escape(labels[i])}: {v:g}</title></circle>"
                )
    for i, label in enumerate(labels):
        if len(labels) <= 12 or i % max(len(labels) // 12, 1) == 0:
            parts.append(
                f'<text x="{x(i):.1f}" y="{height - 6}" class="tick" text-anchor="middle">{escape(label)}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))
