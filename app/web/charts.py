"""Server-rendered SVG charts: titled, described, with their numbers also given as a table on the page."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Sequence

from markupsafe import Markup, escape


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    highlight: bool = False


def bar_chart(bars: Sequence[Bar], *, title: str, description: str, reference: float | None = None,
              reference_label: str = "", width: int = 720, height: int = 220, unit: str = "") -> Markup:
    """Vertical bars with an optional horizontal reference line (a pace, a pass mark)."""
    if not bars:
        return Markup("")
    top = max([b.value for b in bars] + [reference or 0]) * 1.1 or 1
    left, bottom, plot_h = 40, 20, height - 30
    step = (width - left - 10) / len(bars)
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-labelledby="{{id}}-t {{id}}-d">',
             f'<title id="{{id}}-t">{escape(title)}</title><desc id="{{id}}-d">{escape(description)}</desc>',
             f'<line x1="{left}" y1="{plot_h}" x2="{width - 10}" y2="{plot_h}" class="axis"/>',
             f'<text x="4" y="14" class="tick">{top:.0f}{escape(unit)}</text>',
             f'<text x="4" y="{plot_h}" class="tick">0</text>']
    for i, bar in enumerate(bars):
        h = plot_h * bar.value / top
        x = left + i * step
        parts.append(f'<rect x="{x + step * 0.1:.1f}" y="{plot_h - h:.1f}" width="{step * 0.8:.1f}" height="{h:.1f}" '
                     f'class="bar{" highlight" if bar.highlight else ""}"><title>{escape(bar.label)}: '
                     f'{bar.value:.0f}{escape(unit)}</title></rect>')
        if len(bars) <= 20 or (i + 1) % 5 == 0:
            parts.append(f'<text x="{x + step / 2:.1f}" y="{height - 4}" class="tick" text-anchor="middle">'
                         f'{escape(bar.label)}</text>')
    if reference is not None:
        y = plot_h - plot_h * reference / top
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - 10}" y2="{y:.1f}" class="reference"/>'
                     f'<text x="{width - 12}" y="{y - 4:.1f}" class="tick" text-anchor="end">'
                     f'{escape(reference_label)}</text>')
    parts.append("</svg>")
    chart_id = f"chart-{zlib.crc32(title.encode()):08x}"
    return Markup("".join(parts).replace("{id}", chart_id))
