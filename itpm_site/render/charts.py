"""Build-time charts: inline SVG drawn from figures the aggregate stage already computed.

Every function is pure: same input, same bytes (no random ids, no clock; coordinates rounded).
Colours come from CSS classes, so the charts follow the theme's light and dark palettes, and
every state is also told by shape or text, never by colour alone. A chart that only shows
numbers is ``role="img"`` with a ``<title>``; one that holds links (heat map, roadmap) is a
labelled ``role="group"`` whose links carry their own names. The same numbers are always shown
as text or a table next to the chart, by the template.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING

from markupsafe import Markup, escape

from itpm_site.model.i18n import N_, format_amount, gettext, month_names, ngettext, signed_days
from itpm_site.model.vocab import BAND_LABELS, NO_STATUS, RAG_KEYS, RAG_LABELS, status_key

if TYPE_CHECKING:
    from itpm_site.aggregate.portfolio import (
        BudgetTable,
        BudgetView,
        HeatCell,
        Portfolio,
        ProjectView,
    )

#: RAG key -> shape. The shape repeats the colour's meaning for people who cannot tell the
#: colours apart, and in print.
RAG_SHAPES = {"green": "circle", "amber": "triangle", "red": "diamond", NO_STATUS: "ring"}
#: RAG key -> (shape, label), in display order: kept for themes that read ``charts.RAG``.
RAG = {key: (RAG_SHAPES[key], RAG_LABELS[key]) for key in RAG_KEYS}

PROBABILITY_WORDS = {
    1: N_("Rare"),
    2: N_("Unlikely"),
    3: N_("Possible"),
    4: N_("Likely"),
    5: N_("Almost certain"),
}
IMPACT_WORDS = {1: N_("Negligible"), 2: N_("Minor"), 3: N_("Moderate"), 4: N_("Major"), 5: N_("Severe")}
#: A budget bar's words where a row has no amount of its kind.
_NO_AMOUNT = {"planned": N_("no planned"), "actual": N_("no actual"), "forecast": N_("no forecast")}


# ------------------------------------------------------------------------------ helpers


def num(value: float | Decimal) -> str:
    """A coordinate: at most two decimals, no trailing zeros, never '-0'."""
    text = f"{float(value):.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def link(root: str, target: str) -> str:
    """``target`` (relative to the site root) from a page whose root is ``root`` ('../')."""
    if root in ("", "./"):
        return target or "./"
    return root + target


def truncate(text: str, max_width: float, font_size: float, bold: bool = False) -> str:
    """Shorten ``text`` with an ellipsis to fit roughly ``max_width`` user units."""
    # An average glyph of a system sans-serif font is about 0.52 em wide (0.6 in bold).
    limit = max(3, int(max_width / (font_size * (0.6 if bold else 0.52))))
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def wrap_lines(text: str, max_width: float, font_size: float, lines: int = 2) -> list[str]:
    """``text`` broken at spaces into at most ``lines`` lines of roughly ``max_width`` user
    units; only what still does not fit is shortened with an ellipsis."""
    limit = max(3, int(max_width / (font_size * 0.52)))
    out: list[str] = []
    rest = text.split()
    while rest and len(out) < lines:
        line = rest.pop(0)
        while rest and len(line) + 1 + len(rest[0]) <= limit:
            line += " " + rest.pop(0)
        out.append(line)
    if rest:
        out[-1] += " " + " ".join(rest)
    return [truncate(line, max_width, font_size) for line in out]


def shape(kind: str, cx: float, cy: float, r: float, cls: str = "") -> str:
    """A marker centred on (cx, cy): circle, ring, triangle, diamond, diamond-open."""
    c = f' class="{cls}"' if cls else ""
    if kind == "circle":
        return f'<circle{c} cx="{num(cx)}" cy="{num(cy)}" r="{num(r)}"/>'
    if kind == "ring":
        return (
            f'<circle{c} cx="{num(cx)}" cy="{num(cy)}" r="{num(r * 0.8)}" fill="none" '
            f'stroke-width="{num(r * 0.4)}"/>'
        )
    if kind == "triangle":
        h = r * 1.15
        pts = [(cx, cy - h), (cx + h, cy + h * 0.8), (cx - h, cy + h * 0.8)]
    else:  # diamond, diamond-open
        pts = [(cx, cy - r * 1.2), (cx + r * 1.2, cy), (cx, cy + r * 1.2), (cx - r * 1.2, cy)]
    points = " ".join(f"{num(x)},{num(y)}" for x, y in pts)
    return f'<polygon{c} points="{points}"/>'


@lru_cache(maxsize=16)  # drawn beside every project in long tables: the same few icons
def status_icon(status: str | None) -> Markup:
    """A small decorative RAG shape for badges and legends (the label is next to it)."""
    key = status if status in RAG_SHAPES else NO_STATUS
    return Markup(
        '<svg class="icon rag-icon rag-{k}" viewBox="0 0 12 12" width="12" height="12" '
        'aria-hidden="true" focusable="false">{s}</svg>'
    ).format(k=key, s=Markup(shape(RAG_SHAPES[key], 6, 6.5, 4.6)))


def _svg_open(
    view_w: float, view_h: float, cls: str, *, role: str, label_id: str = "", label: str = "", extra: str = ""
) -> str:
    labelled = f'aria-labelledby="{escape(label_id)}"' if label_id else f'aria-label="{escape(label)}"'
    return (
        f'<svg class="{cls}" viewBox="0 0 {num(view_w)} {num(view_h)}" role="{role}" '
        f'{labelled} focusable="false" xmlns="http://www.w3.org/2000/svg"{extra}>'
    )


def _title(chart_id: str, text: str, desc: str = "") -> str:
    out = f'<title id="{escape(chart_id)}-title">{escape(text)}</title>'
    if desc:
        out += f'<desc id="{escape(chart_id)}-desc">{escape(desc)}</desc>'
    return out


# ------------------------------------------------------------------------------ RAG


def rag_sentence(counts: Mapping[str, int]) -> str:
    """'13 green, 6 amber, 2 red' (statuses with no project are left out unless all are)."""
    parts = [f"{n} {RAG_LABELS[k].lower()}" for k, n in counts.items() if n and k in RAG_LABELS]
    return ", ".join(parts) if parts else gettext("no projects")


def rag_bar(counts: Mapping[str, int], label: str = "") -> Markup:
    """One stacked bar of the RAG counts; stretches to its container's width."""
    total = sum(counts.values())
    text = f"{label}: {rag_sentence(counts)}" if label else rag_sentence(counts)
    parts = [
        _svg_open(100, 10, "chart rag-bar", role="img", label=text, extra=' preserveAspectRatio="none"'),
        f"<title>{escape(text)}</title>",
    ]
    if not total:
        parts.append('<rect class="rag-none" x="0" y="0" width="100" height="10"/>')
    x = 0.0
    for key in RAG_KEYS:
        n = counts.get(key, 0)
        if not n:
            continue
        w = 100 * n / total
        parts.append(f'<rect class="rag-fill-{key}" x="{num(x)}" y="0" width="{num(w)}" height="10"/>')
        x += w
    parts.append("</svg>")
    return Markup("".join(parts))


BANDS = ("critical", "high", "medium", "low")


def band_bar(counts: Mapping[str, int], label: str = "") -> Markup:
    """One stacked bar of live risks per band, critical first; stretches to its container."""
    total = sum(counts.get(b, 0) for b in BANDS)
    label = label or gettext("Live risks by band")
    words = (f"{counts.get(b, 0)} {BAND_LABELS[b].lower()}" for b in BANDS)
    text = f"{label}: " + (", ".join(words) if total else gettext("none"))
    parts = [
        _svg_open(100, 10, "chart band-bar", role="img", label=text, extra=' preserveAspectRatio="none"'),
        f"<title>{escape(text)}</title>",
    ]
    if not total:
        parts.append('<rect class="rag-none" x="0" y="0" width="100" height="10"/>')
    x = 0.0
    for band in BANDS:
        n = counts.get(band, 0)
        if n:
            w = 100 * n / total
            parts.append(f'<rect class="band-fill-{band}" x="{num(x)}" y="0" width="{num(w)}" height="10"/>')
            x += w
    parts.append("</svg>")
    return Markup("".join(parts))


# ------------------------------------------------------------------------------ budget


def _compact(amount: Decimal | None) -> str:
    return format_amount(amount, None, compact=True)


def budget_bars(series: BudgetTable, chart_id: str, title: str) -> Markup:
    """Planned, actual and forecast side by side for each row of one budget series.

    Each row's name sits above its bars, so the chart stays readable when narrow. Planned is
    a light solid bar, actual a dark solid bar and forecast an outlined bar, so the three read
    apart without colour; each bar ends with its amount.
    """
    width, value_w = 440.0, 52.0
    label_h, bar_h, gap, row_gap, top = 17.0, 8.0, 2.5, 12.0, 2.0
    area = width - value_w
    row_h = label_h + 3 * bar_h + 2 * gap
    height = top + len(series.rows) * (row_h + row_gap) - row_gap + 2
    largest = float(series.largest) or 1.0
    desc = "; ".join(
        gettext("%(label)s: planned %(planned)s, actual %(actual)s, forecast %(forecast)s")
        % {
            "label": r.label,
            "planned": _compact(r.planned),
            "actual": _compact(r.actual),
            "forecast": _compact(r.forecast),
        }
        for r in series.rows
    )
    out = [
        _svg_open(
            width, height, "chart budget-bars", role="img", label_id=f"{chart_id}-title {chart_id}-desc"
        ),
        _title(chart_id, f"{title} ({series.currency})", desc),
    ]
    y = top
    for row in series.rows:
        out.append(
            f'<text class="label" x="0" y="{num(y + 12)}">'
            f"{escape(truncate(row.label, width, 12.5, bold=True))}</text>"
        )
        for i, (kind, amount) in enumerate(
            (("planned", row.planned), ("actual", row.actual), ("forecast", row.forecast))
        ):
            by = y + label_h + i * (bar_h + gap)
            if amount is None:
                none = escape(gettext(_NO_AMOUNT[kind]))
                out.append(f'<text class="value" x="0" y="{num(by + bar_h - 0.5)}">{none}</text>')
                continue
            w = max(float(amount) / largest * (area - 4), 1.0 if amount > 0 else 0.0)
            out.append(
                f'<rect class="bar-{kind}" x="1" y="{num(by)}" width="{num(w)}" '
                f'height="{num(bar_h)}" rx="1.5"/>'
            )
            out.append(
                f'<text class="value" x="{num(w + 5)}" y="{num(by + bar_h - 0.5)}">'
                f"{escape(_compact(amount))}</text>"
            )
        y += row_h + row_gap
    out.append("</svg>")
    return Markup("".join(out))


def budget_bullet(budget: BudgetView, chart_id: str, title: str) -> Markup:
    """One project's budget as a bullet chart: planned as the track, actual as the bar,
    the forecast at completion (forecast, else planned) as a marker; an actual past planned is
    drawn in the warning style."""
    width, height, left, right = 600.0, 46.0, 2.0, 2.0
    values = [float(v) for v in (budget.planned, budget.actual, budget.eac) if v is not None]
    largest = max(values, default=0.0) or 1.0
    scale = (width - left - right) / largest

    def x(v: Decimal | None) -> float:
        return left + float(v or 0) * scale

    desc = gettext("planned %(planned)s, actual %(actual)s, forecast at completion %(eac)s") % {
        "planned": format_amount(budget.planned, budget.currency),
        "actual": format_amount(budget.actual, budget.currency),
        "eac": format_amount(budget.eac, budget.currency),
    }
    out = [
        _svg_open(width, height, "chart bullet", role="img", label_id=f"{chart_id}-title {chart_id}-desc"),
        _title(chart_id, title, desc),
    ]
    if budget.planned is not None:
        out.append(
            f'<rect class="bullet-track" x="{num(left)}" y="8" '
            f'width="{num(x(budget.planned) - left)}" height="30" rx="3"/>'
        )
    if budget.actual is not None:
        cls = "bullet-actual over" if budget.over_budget else "bullet-actual"
        out.append(
            f'<rect class="{cls}" x="{num(left)}" y="16" '
            f'width="{num(max(x(budget.actual) - left, 0))}" height="14" rx="2"/>'
        )
    if budget.eac is not None:
        fx = x(budget.eac)
        fx = min(max(fx, 2.0), width - 2.0)
        out.append(f'<rect class="bullet-forecast" x="{num(fx - 2)}" y="2" width="4" height="42" rx="1"/>')
    out.append("</svg>")
    return Markup("".join(out))


# ------------------------------------------------------------------------------ risk heat map


def heatmap(cells: Sequence[Sequence[HeatCell]], chart_id: str, href: str) -> Markup:
    """The 5 × 5 probability × impact grid: rows probability 5 → 1, columns impact 1 → 5.

    A cell that holds live risks links to ``href#cell-pP-iI`` (its section of the register).
    """
    impact_title, probability_title = gettext("Impact →"), gettext("Probability →")
    left, top, cw, ch = 128.0, 8.0, 92.0, 62.0
    width = left + 5 * cw + 8
    height = top + 5 * ch + 56
    total = sum(len(c.risks) for row in cells for c in row)
    out = [
        _svg_open(width, height, "chart heatmap", role="group", label_id=f"{chart_id}-title"),
        _title(chart_id, gettext("Risk heat map: %(n)s live risks by probability and impact") % {"n": total}),
    ]
    for r, row in enumerate(cells):
        y = top + r * ch
        p = row[0].probability if row else 5 - r
        out.append(
            f'<text class="axis" x="{num(left - 10)}" y="{num(y + ch / 2 - 2)}" '
            f'text-anchor="end" aria-hidden="true">{p}</text>'
        )
        out.append(
            f'<text class="axis small" x="{num(left - 10)}" y="{num(y + ch / 2 + 13)}" '
            f'text-anchor="end" aria-hidden="true">{escape(gettext(PROBABILITY_WORDS[p]))}</text>'
        )
        for c, cell in enumerate(row):
            x = left + c * cw
            n = len(cell.risks)
            cls = f"cell heat-{cell.band}" + ("" if n else " empty")
            # The link's name tells count, cell and band; the corner score is drawn after the
            # link (decorative) so the link's only visible text, the count, is in its name.
            rect = (
                f'<rect class="{cls}" x="{num(x + 1.5)}" y="{num(y + 1.5)}" '
                f'width="{num(cw - 3)}" height="{num(ch - 3)}" rx="5"/>'
            )
            score = (
                f'<text class="cell-score" x="{num(x + 9)}" y="{num(y + 17)}" '
                f'aria-hidden="true">{cell.score}</text>'
            )
            if n:
                name = ngettext(
                    "%(n)s live risk at probability %(p)s, impact %(i)s (score %(score)s, %(band)s)",
                    "%(n)s live risks at probability %(p)s, impact %(i)s (score %(score)s, %(band)s)",
                    n,
                ) % {
                    "n": n,
                    "p": cell.probability,
                    "i": cell.impact,
                    "score": cell.score,
                    "band": BAND_LABELS[cell.band].lower(),
                }
                out.append(
                    f'<a href="{escape(href)}#{cell.anchor}" aria-label="{escape(name)}">'
                    f"<title>{escape(name)}</title>{rect}"
                    f'<text class="cell-count" x="{num(x + cw / 2)}" '
                    f'y="{num(y + ch / 2 + 9)}" text-anchor="middle">{n}</text></a>{score}'
                )
            else:
                out.append(f'<g aria-hidden="true">{rect}{score}</g>')
    base = top + 5 * ch
    for c in range(5):
        x = left + c * cw + cw / 2
        out.append(
            f'<text class="axis" x="{num(x)}" y="{num(base + 18)}" text-anchor="middle" '
            f'aria-hidden="true">{c + 1}</text>'
        )
        out.append(
            f'<text class="axis small" x="{num(x)}" y="{num(base + 33)}" '
            f'text-anchor="middle" aria-hidden="true">{escape(gettext(IMPACT_WORDS[c + 1]))}</text>'
        )
    out.append(
        f'<text class="axis-title" x="{num(left + 2.5 * cw)}" y="{num(base + 52)}" '
        f'text-anchor="middle" aria-hidden="true">{escape(impact_title)}</text>'
    )
    out.append(
        f'<text class="axis-title" x="14" y="{num(top + 2.5 * ch)}" text-anchor="middle" '
        f'transform="rotate(-90 14 {num(top + 2.5 * ch)})" aria-hidden="true">'
        f"{escape(probability_title)}</text>"
    )
    out.append("</svg>")
    return Markup("".join(out))


# ------------------------------------------------------------------------------ roadmap


@dataclass(frozen=True)
class TimeScale:
    """Dates to x coordinates between ``x0`` and ``x0 + width``."""

    start: dt.date
    end: dt.date
    x0: float
    width: float

    @property
    def days(self) -> int:
        return max((self.end - self.start).days, 1)

    def x(self, day: dt.date) -> float:
        return self.x0 + (day - self.start).days / self.days * self.width


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(day: dt.date) -> dt.date:
    """The first day of the month after ``day``'s (the last day there is, after December 9999:
    validation keeps dates far from it, this keeps the axis from failing regardless)."""
    if day.year == dt.MAXYEAR and day.month == 12:
        return dt.date.max
    return dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def months_between(start: dt.date, end: dt.date) -> list[dt.date]:
    """First days of every month from ``start``'s month up to (excluding) ``end``."""
    out, day = [], month_start(start)
    while day < end:
        out.append(day)
        day = next_month(day)
    return out


def quarter_label(day: dt.date, fiscal_start: int) -> str:
    """'Q3 2026' for calendar years; 'Q1 FY2027' when the fiscal year starts in another month
    (named after the calendar year in which it ends)."""
    offset = (day.month - fiscal_start) % 12
    quarter = offset // 3 + 1
    if fiscal_start == 1:
        return f"Q{quarter} {day.year}"
    fy_end_year = day.year + (1 if day.month >= fiscal_start else 0)
    return f"Q{quarter} FY{fy_end_year}"


def is_quarter_start(day: dt.date, fiscal_start: int) -> bool:
    return (day.month - fiscal_start) % 3 == 0


def roadmap(portfolio: Portfolio, chart_id: str, root: str) -> Markup:
    """Gantt-style timeline grouped by program: one bar per project from start to committed
    end (its done part filled by progress), a hatched extension for a forecast slip, milestone
    markers by state (filled diamond done, triangle overdue, open diamond upcoming), a
    month/quarter axis and a dashed line on ``as_of``."""
    groups = portfolio.roadmap_groups
    as_of = portfolio.as_of
    fiscal = portfolio.config.fiscal_year_start
    days = [as_of]
    for group in groups:
        for v in group.projects:
            p = v.project
            days += [d for d in (p.start, p.end, p.forecast_end) if d]
            days += [m.milestone.date for m in v.milestones]
    t0 = month_start(min(days))
    t1 = next_month(max(days))
    # The name column takes a project's full name on up to two lines (the roadmap is as wide
    # as the page on a desktop, and scrolls sideways on a phone).
    width, label_w, right = 1200.0, 310.0, 24.0
    axis_h, row_h, head_h = 64.0, 30.0, 30.0
    scale = TimeScale(t0, t1, label_w, width - label_w - right)
    months = months_between(t0, t1)
    per_month = scale.width / max(len(months), 1)
    n_rows = sum(len(g.projects) for g in groups)
    height = axis_h + len(groups) * head_h + n_rows * row_h + 14
    hatch = f"{chart_id}-slip"
    today = (scale.x(as_of) / width) if t0 <= as_of <= t1 else 0
    out = [
        _svg_open(
            width,
            height,
            "chart roadmap",
            role="group",
            label_id=f"{chart_id}-title {chart_id}-desc",
            extra=f' data-today="{num(today)}"',
        ),
        _title(
            chart_id,
            gettext("Roadmap"),
            gettext("%(n)s projects from %(start)s to %(end)s, grouped by program; today is %(today)s")
            % {"n": n_rows, "start": t0.isoformat(), "end": t1.isoformat(), "today": as_of.isoformat()},
        ),
        f'<defs><pattern id="{hatch}" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect class="slip-bg" width="6" height="6"/>'
        f'<rect class="slip-line" width="2.5" height="6"/></pattern></defs>',
    ]

    # Axis: quarter (or year) labels on top, month ticks under them, grid lines down the chart.
    axis = ['<g class="axis" aria-hidden="true">']
    quarters = [m for m in months if is_quarter_start(m, fiscal)] or [months[0]]
    show_quarters = per_month * 3 >= 64
    for m in months:
        x = scale.x(m)
        major = is_quarter_start(m, fiscal) if show_quarters else m.month == fiscal
        axis.append(
            f'<line class="{"gridline-major" if major else "gridline"}" x1="{num(x)}" '
            f'y1="{num(axis_h - 18 if major else axis_h - 6)}" x2="{num(x)}" '
            f'y2="{num(height - 8)}"/>'
        )
        if per_month >= 26:
            axis.append(
                f'<text class="month" x="{num(x + per_month / 2)}" y="{num(axis_h - 6)}" '
                f'text-anchor="middle">{month_names()[m.month - 1]}</text>'
            )
        elif per_month >= 11:
            axis.append(
                f'<text class="month" x="{num(x + per_month / 2)}" y="{num(axis_h - 6)}" '
                f'text-anchor="middle">{month_names("narrow")[m.month - 1]}</text>'
            )
    if show_quarters:
        for q in quarters:
            end = min(t1, next_month(next_month(next_month(q))))
            x = max(scale.x(q), label_w)
            if scale.x(end) - x < 64:  # a clipped quarter at either end: no room for its name
                continue
            axis.append(
                f'<text class="quarter" x="{num((x + scale.x(end)) / 2)}" y="18" '
                f'text-anchor="middle">{quarter_label(q, fiscal)}</text>'
            )
    else:
        for m in months:
            if m.month == 1 or m == months[0]:
                axis.append(f'<text class="quarter" x="{num(scale.x(m) + 4)}" y="18">{m.year}</text>')
    axis.append("</g>")
    out += axis

    # The name column (group titles, each project's status and name) is drawn last, over a
    # background of its own: site.js keeps it at the left edge while a phone scrolls the
    # timeline sideways, so the bars never lose their names.
    names = [
        '<g class="roadmap-names">',
        # From left of the drawing: pinned, it also covers the scrolling box's padding.
        f'<rect class="names-bg" x="-12" y="{num(axis_h - 4)}" width="{num(label_w + 12)}" '
        f'height="{num(height - axis_h + 4)}" aria-hidden="true"/>',
        f'<line class="names-edge" x1="{num(label_w)}" y1="{num(axis_h - 4)}" x2="{num(label_w)}" '
        f'y2="{num(height - 8)}" aria-hidden="true"/>',
    ]
    y = axis_h
    for title, url, items in groups:
        band = f'y="{num(y + 2)}" height="{num(head_h - 4)}" aria-hidden="true"/>'
        out.append(f'<rect class="group-band" x="0" width="{num(width)}" {band}')
        names.append(f'<rect class="group-band" x="0" width="{num(label_w)}" {band}')
        text = escape(truncate(title, label_w + 180, 13.5, bold=True))
        if url:
            names.append(
                f'<a href="{escape(link(root, url))}"><text class="group-title" x="6" '
                f'y="{num(y + head_h / 2 + 5)}">{text}</text></a>'
            )
        else:
            names.append(f'<text class="group-title" x="6" y="{num(y + head_h / 2 + 5)}">{text}</text>')
        y += head_h
        for view in items:
            name, bars = _roadmap_row(view, scale, y, row_h, label_w, root, hatch)
            names.append(name)
            out.append(bars)
            y += row_h
    names.append("</g>")

    tx = scale.x(as_of)
    anchor = "end" if tx > width - 120 else "start"
    lx = tx - 5 if anchor == "end" else tx + 5
    label = gettext("Today %(date)s") % {"date": as_of.isoformat()}
    label_w = len(label) * 6.9 + 8
    bx = lx - label_w + 4 if anchor == "end" else lx - 4
    out.append(
        f'<g class="today" aria-hidden="true"><line x1="{num(tx)}" y1="{num(axis_h - 34)}" '
        f'x2="{num(tx)}" y2="{num(height - 8)}"/>'
        f'<rect class="today-bg" x="{num(bx)}" y="{num(axis_h - 39)}" width="{num(label_w)}" '
        f'height="17" rx="3"/>'
        f'<text x="{num(lx)}" y="{num(axis_h - 26)}" text-anchor="{anchor}">{label}</text></g>'
    )
    out += names
    out.append("</svg>")
    return Markup("".join(out))


def _roadmap_row(
    view: ProjectView, scale: TimeScale, y: float, row_h: float, label_w: float, root: str, hatch: str
) -> tuple[str, str]:
    """One project's row: (its name and status, for the name column; its bars and markers)."""
    p = view.project
    status = status_key(p.status)
    cy = y + row_h / 2
    lines = wrap_lines(view.title, label_w - 40, 12.5)
    if len(lines) == 1:
        name = f'<tspan x="30" y="{num(cy + 4.5)}">{escape(lines[0])}</tspan>'
    else:
        name = (
            f'<tspan x="30" y="{num(cy - 2)}">{escape(lines[0])}</tspan>'
            f'<tspan x="30" y="{num(cy + 11)}">{escape(lines[1])}</tspan>'
        )
    label = (
        f'<a href="{escape(link(root, view.url))}"><title>{escape(view.title)}</title>'
        f'<text class="row-title{" two-lines" if len(lines) > 1 else ""}">{name}</text></a>'
        f'<g aria-hidden="true">{shape(RAG_SHAPES[status], 17, cy, 5, f"rag-shape rag-fill-{status}")}</g>'
    )
    out = [f'<g aria-hidden="true"><title>{escape(view.title)}</title>']
    start = p.start
    end = p.end or p.effective_forecast_end
    assert start is not None and end is not None
    x1, x2 = scale.x(start), max(scale.x(end), scale.x(start) + 2)
    bar_y, bar_h = cy - 7, 14.0
    out.append(
        f'<rect class="bar state-{p.state.value}" x="{num(x1)}" y="{num(bar_y)}" '
        f'width="{num(x2 - x1)}" height="{num(bar_h)}" rx="3"/>'
    )
    if p.progress:
        out.append(
            f'<rect class="bar-done" x="{num(x1)}" y="{num(bar_y)}" '
            f'width="{num((x2 - x1) * p.progress / 100)}" height="{num(bar_h)}" rx="3"/>'
        )
    if view.slip_class == "late" and p.forecast_end:
        sx = scale.x(p.forecast_end)
        out.append(
            f'<rect class="bar-slip" x="{num(x2)}" y="{num(bar_y)}" width="{num(sx - x2)}" '
            f'height="{num(bar_h)}" rx="2" fill="url(#{hatch})"/>'
        )
        slip_label = signed_days(view.slip_days, short=True)
        out.append(f'<text class="slip-label" x="{num(sx + 4)}" y="{num(cy + 4)}">{slip_label}</text>')
    for m in view.milestones:
        mx = scale.x(m.milestone.date)
        if m.milestone.done:
            kind, cls, state = "diamond", "ms ms-done", gettext("done")
        elif m.overdue:
            kind, cls, state = "triangle", "ms ms-overdue", gettext("overdue")
        else:
            kind, cls, state = "diamond-open", "ms ms-upcoming", gettext("upcoming")
        out.append(
            f"<g><title>{escape(m.milestone.name)}: {m.milestone.date.isoformat()}, "
            f"{state}</title>{shape(kind, mx, cy, 5.2, cls)}</g>"
        )
    out.append("</g>")
    return label, "".join(out)


@lru_cache(maxsize=16)  # one per milestone in the roadmap table: the same few swatches
def legend_marker(kind: str) -> Markup:
    """A decorative legend swatch matching the roadmap's markers: done, overdue, upcoming,
    slip, bar, progress, today, and the bars of on-hold, cancelled and finished projects."""
    inner = {
        "done": shape("diamond", 8, 8, 5, "ms ms-done"),
        "overdue": shape("triangle", 8, 8.5, 5, "ms ms-overdue"),
        "upcoming": shape("diamond-open", 8, 8, 5, "ms ms-upcoming"),
        "bar": '<rect class="bar state-active" x="1" y="3" width="14" height="10" rx="2"/>',
        "progress": '<rect class="bar-done" x="1" y="3" width="14" height="10" rx="2"/>',
        "slip": ('<rect class="bar-slip legend-slip" x="1" y="3" width="14" height="10" rx="2"/>'),
        "today": '<line class="today-line" x1="8" y1="0" x2="8" y2="16"/>',
        "on-hold": '<rect class="bar state-on-hold" x="1" y="3" width="14" height="10" rx="2"/>',
        "cancelled": '<rect class="bar state-cancelled" x="1" y="3" width="14" height="10" rx="2"/>',
        "finished": '<rect class="bar state-done" x="1" y="3" width="14" height="10" rx="2"/>',
    }[kind]
    return Markup(
        f'<svg class="icon legend-icon" viewBox="0 0 16 16" width="16" height="16" '
        f'aria-hidden="true" focusable="false">{inner}</svg>'
    )


__all__ = ["band_bar", "budget_bars", "budget_bullet", "heatmap", "rag_bar", "roadmap", "status_icon"]
