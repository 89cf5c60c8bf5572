"""Trend charts: one column per week, drawn at build time as inline SVG.

Pure functions in the manner of ``itpm_site.render.charts`` (same input, same bytes; colours from
CSS classes; every chart has a title and its numbers are in a table beside it).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import NamedTuple

from markupsafe import Markup, escape

from itpm_site.model.i18n import format_amount
from itpm_site.render.charts import _svg_open, _title, num


class Series(NamedTuple):
    """One series of a trend chart."""

    key: str  # the suffix of its CSS class
    label: str
    values: Sequence[int | Decimal]  # one per week


_W, _H = 640, 200
_LEFT, _BOTTOM, _TOP = 56, 22, 8


def _axis(labels: Sequence[str], top: int | Decimal, fmt: Callable[[int | Decimal], str]) -> list[str]:
    """The value axis (0 and the top) and the first and last week under the plot."""
    plot_h = _H - _BOTTOM - _TOP
    out = [
        f'<line class="axis-line" x1="{_LEFT}" y1="{num(_TOP + plot_h)}" x2="{_W}" '
        f'y2="{num(_TOP + plot_h)}"/>',
        f'<text class="axis" x="{_LEFT - 6}" y="{num(_TOP + plot_h)}" text-anchor="end" '
        f'font-size="11">0</text>',
        f'<text class="axis" x="{_LEFT - 6}" y="{num(_TOP + 10)}" text-anchor="end" '
        f'font-size="11">{escape(fmt(top))}</text>',
    ]
    if labels:
        out.append(f'<text class="axis" x="{_LEFT}" y="{_H - 6}" font-size="11">{escape(labels[0])}</text>')
        if len(labels) > 1:
            out.append(
                f'<text class="axis" x="{_W}" y="{_H - 6}" text-anchor="end" '
                f'font-size="11">{escape(labels[-1])}</text>'
            )
    return out


def stacked_columns(
    labels: Sequence[str], series: Sequence[Series], chart_id: str, title: str, prefix: str
) -> Markup:
    """A column per week, stacked by series (class ``{prefix}-{key}``)."""
    totals = [sum(s.values[i] for s in series) for i in range(len(labels))]
    top = max([*totals, 1])
    plot_w, plot_h = _W - _LEFT, _H - _BOTTOM - _TOP
    step = plot_w / max(len(labels), 1)
    width = max(step * 0.8, 1)
    parts = [
        _svg_open(_W, _H, "chart trend-chart", role="img", label_id=f"{chart_id}-title"),
        _title(chart_id, title),
        *_axis(labels, top, str),
    ]
    for i, label in enumerate(labels):
        x = _LEFT + i * step + (step - width) / 2
        y: float = _TOP + plot_h
        for key, name, values in series:
            value = values[i]
            if not value:
                continue
            h = plot_h * float(value) / float(top)
            y -= h
            parts.append(
                f'<rect class="{prefix}-{key}" x="{num(x)}" y="{num(y)}" '
                f'width="{num(width)}" height="{num(h)}"><title>{escape(label)}: '
                f"{value} {escape(name.lower())}</title></rect>"
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def lines(labels: Sequence[str], series: Sequence[Series], chart_id: str, title: str) -> Markup:
    """A line per series over the weeks (class ``line-{key}``), for amounts."""
    top = max([*(v for s in series for v in s.values), Decimal(1)])
    plot_w, plot_h = _W - _LEFT, _H - _BOTTOM - _TOP
    step = plot_w / max(len(labels) - 1, 1)
    parts = [
        _svg_open(_W, _H, "chart trend-chart", role="img", label_id=f"{chart_id}-title"),
        _title(chart_id, title),
        *_axis(labels, top, lambda v: format_amount(Decimal(v), None, compact=True)),
    ]
    for key, _name, values in series:
        points = " ".join(
            f"{num(_LEFT + i * step)},{num(_TOP + plot_h - plot_h * float(v) / float(top))}"
            for i, v in enumerate(values)
        )
        parts.append(f'<polyline class="line-{key}" fill="none" stroke-width="2" points="{points}"/>')
    parts.append("</svg>")
    return Markup("".join(parts))
