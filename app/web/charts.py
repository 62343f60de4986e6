"""Server-rendered SVG charts: titled, described, with their numbers also given as a table on the page. This
module lays a chart out (every coordinate and label); templates/charts/ draws it."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

from app.web.deps import templates


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    highlight: bool = False


def _chart_id(title: str) -> str:
    return f"chart-{zlib.crc32(title.encode()):08x}"


def _draw(template: str, **layout) -> Markup:
    return Markup(templates.env.get_template(f"charts/{template}.html").render(**layout))


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
    laid_out = []
    for i, bar in enumerate(bars):
        h = plot_h * bar.value / top
        x = left + i * step
        laid_out.append(
            {
                "x": f"{x + step * 0.1:.1f}",
                "y": f"{plot_h - h:.1f}",
                "width": f"{step * 0.8:.1f}",
                "height": f"{h:.1f}",
                "highlight": bar.highlight,
                "label": bar.label,
                "value": f"{bar.value:.0f}{unit}",
                "tick_x": f"{x + step / 2:.1f}" if len(bars) <= 20 or (i + 1) % 5 == 0 else None,
            }
        )
    line = None
    if reference is not None:
        y = plot_h - plot_h * reference / top
        line = {"y": f"{y:.1f}", "label_y": f"{y - 4:.1f}", "label": reference_label}
    return _draw(
        "bar",
        id=_chart_id(title),
        title=title,
        description=description,
        width=width,
        height=height,
        left=left,
        plot_h=plot_h,
        top_label=f"{top:.0f}{unit}",
        bars=laid_out,
        reference=line,
    )


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

    shaded = None
    if band:
        upper = " ".join(f"{x(i):.1f},{y(hi):.1f}" for i, (_, hi) in enumerate(band))
        lower = " ".join(f"{x(i):.1f},{y(lo):.1f}" for i, (lo, _) in reversed(list(enumerate(band))))
        shaded = f"{upper} {lower}"
    line = None
    if reference is not None:
        line = {"y": f"{y(reference):.1f}", "label_y": f"{y(reference) - 4:.1f}", "label": reference_label}
    lines = []
    for serial, one in enumerate(series):
        points = [(x(i), y(v)) for i, v in enumerate(one.values) if v is not None]
        lines.append(
            {
                "serial": serial,
                "name": one.name,
                "css_class": one.css_class,
                "points": " ".join(f"{px:.1f},{py:.1f}" for px, py in points) if len(points) > 1 else "",
                "dots": [
                    {"x": f"{x(i):.1f}", "y": f"{y(v):.1f}", "label": labels[i], "value": f"{v:g}"}
                    for i, v in enumerate(one.values)
                    if v is not None
                ],
            }
        )
    ticks = [
        {"x": f"{x(i):.1f}", "label": label}
        for i, label in enumerate(labels)
        if len(labels) <= 12 or i % max(len(labels) // 12, 1) == 0
    ]
    return _draw(
        "line",
        id=_chart_id(title),
        title=title,
        description=description,
        width=width,
        height=height,
        left=left,
        right=right,
        plot_h=plot_h,
        high=f"{high:g}",
        low=f"{low:g}",
        high_y=f"{y(high) + 4:.1f}",
        low_y=f"{y(low):.1f}",
        band=shaded,
        reference=line,
        lines=lines,
        ticks=ticks,
    )
