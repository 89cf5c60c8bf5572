"""The person page's chart: load month by month against capacity, as inline accessible SVG.

Bars are the load (percent of full time, averaged over the month's days); the capacity is a
dashed step line; a month over capacity has its bar outlined and a '!' above it, so it reads
without colour. The chart is ``role="img"`` with a title and a description that says every
figure; the table beside it on the page gives the same figures.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from itpm_site.aggregate.capacity import Cell
from itpm_site.model.i18n import gettext
from itpm_site.render.charts import _svg_open, _title, num


def load_chart(cells: list[Cell], chart_id: str, title: str) -> Markup:
    """Bars of load per month with the capacity as a line."""
    bar_w, gap, left, top, plot_h, bottom = 22.0, 6.0, 30.0, 12.0, 120.0, 30.0
    width = left + len(cells) * (bar_w + gap) + gap
    height = top + plot_h + bottom
    scale = max([100, *(c.load for c in cells), *(c.available for c in cells)])

    def y(percent: int) -> float:
        return top + plot_h - percent / scale * plot_h

    desc = "; ".join(
        gettext("%(month)s: %(load)s%% of full time, capacity %(available)s%%")
        % {"month": c.label, "load": c.load, "available": c.available}
        + (" " + gettext("(over capacity)") if c.over else "")
        for c in cells
    )
    out = [
        _svg_open(
            width, height, "chart load-chart", role="img", label_id=f"{chart_id}-title {chart_id}-desc"
        ),
        _title(chart_id, title, desc),
    ]
    for mark in (0, 50, 100):
        out.append(
            f'<line class="grid" x1="{num(left)}" x2="{num(width)}" y1="{num(y(mark))}" y2="{num(y(mark))}"/>'
            f'<text class="axis" x="{num(left - 4)}" y="{num(y(mark) + 4)}" text-anchor="end">{mark}%</text>'
        )
    steps = []
    for i, c in enumerate(cells):
        x = left + gap + i * (bar_w + gap)
        if c.load:
            cls = "bar-load over" if c.over else "bar-load"
            out.append(
                f'<rect class="{cls}" x="{num(x)}" y="{num(y(c.load))}" width="{num(bar_w)}" '
                f'height="{num(y(0) - y(c.load))}" rx="1.5"/>'
            )
        if c.over:
            out.append(
                f'<text class="over-mark" x="{num(x + bar_w / 2)}" y="{num(y(c.load) - 3)}" '
                f'text-anchor="middle">!</text>'
            )
        steps.append(
            f"{num(x - gap / 2)},{num(y(c.available))} {num(x + bar_w + gap / 2)},{num(y(c.available))}"
        )
        if c.month.month == 1 or i == 0:
            out.append(f'<text class="axis" x="{num(x)}" y="{num(top + plot_h + 26)}">{c.month.year}</text>')
        out.append(
            f'<text class="axis" x="{num(x + bar_w / 2)}" y="{num(top + plot_h + 13)}" '
            f'text-anchor="middle">{escape(c.label[:1])}</text>'
        )
    out.append(f'<polyline class="capacity-line" points="{" ".join(steps)}"/>')
    out.append("</svg>")
    return Markup("".join(out))
