"""Downloads per day as an SVG bar chart, drawn on the server (no JavaScript).

Every label is escaped; the chart carries a <title> and the page shows the same numbers
in a table, so screen readers and text browsers lose nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from markupsafe import Markup

from rulehub.server.portal.queries import DayCount

WIDTH, HEIGHT = 720, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 16, 36


def _nice_max(value: int) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if value <= step * 4:
            return step * 4
    return ((value + 9999) // 10000) * 10000


def downloads_chart(days: Sequence[DayCount]) -> Markup:
    top = _nice_max(max((d.downloads for d in days), default=0) or 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    n = max(len(days), 1)
    slot = plot_w / n
    bar_w = max(slot * 0.7, 1.0)
    total = sum(d.downloads for d in days)
    title = f"Downloads per day, {days[0].day} to {days[-1].day}: {total} in total" if days else "No data"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-labelledby="chart-title">',
        f'<title id="chart-title">{escape(title)}</title>',
    ]
    for i in range(5):  # grid lines and y labels at 0, 1/4 ... top
        value = top * i // 4
        y = TOP + plot_h - plot_h * i / 4
        parts.append(f'<line class="grid" x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}"/>')
        parts.append(f'<text class="axis" x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{value}</text>')
    for i, d in enumerate(days):
        h = plot_h * d.downloads / top
        x = LEFT + i * slot + (slot - bar_w) / 2
        y = TOP + plot_h - h
        parts.append(
            f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}">'
            f'<title>{escape(str(d.day))}: {d.downloads}</title></rect>'
        )
        if i % 5 == 0 or i == len(days) - 1:
            parts.append(f'<text class="axis" x="{x + bar_w / 2:.1f}" y="{HEIGHT - BOTTOM + 16}" '
                         f'text-anchor="middle">{escape(d.day.strftime("%m-%d"))}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
