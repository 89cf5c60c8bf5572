"""The history shaped for the pages: the changes of the last weeks by kind, the dashboard's
headline and the trend charts. Templates only display what is computed here."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from markupsafe import Markup

from itpm_site.history import History
from itpm_site.history.figures import (
    BAND_KEYS,
    PHASE_KEYS,
    Money,
)
from itpm_site.history.items import KINDS, ChangeItem, eac_delta
from itpm_site.history.timeline import Week, WeekFigures
from itpm_site.model.config import SiteConfig
from itpm_site.model.i18n import format_amount, format_number, gettext, ngettext
from itpm_site.model.money import convert, rate_of
from itpm_site.model.vocab import BAND_LABELS, RAG_KEYS, RAG_LABELS, Phase
from itpm_site.render.trend_charts import Series, lines, stacked_columns

#: Weeks in the dashboard's small trend chart.
DASHBOARD_WEEKS = 12


@dataclass
class KindGroup:
    kind: str
    heading: str
    items: list[ChangeItem]


@dataclass
class WeekChanges:
    week: Week
    groups: list[KindGroup]

    @property
    def count(self) -> int:
        return sum(len(g.items) for g in self.groups)


def recent_weeks(history: History) -> list[WeekChanges]:
    """The last ``history.weeks`` weeks up to the latest commit's, newest first, each with
    its changes grouped by kind (a week without changes is listed as such)."""
    if not history.timeline.weeks:
        return []
    last = history.timeline.weeks[-1].week
    weeks = [Week(last.start - dt.timedelta(days=7 * i)) for i in range(history.settings.weeks)]
    by_week: dict[Week, list[ChangeItem]] = {w: [] for w in weeks}
    for item in history.items:
        week = Week.of(item.date)
        if week in by_week:
            by_week[week].append(item)
    out = []
    for week in weeks:
        items = by_week[week]
        groups = [
            KindGroup(kind, gettext(heading), [i for i in items if i.kind == kind])
            for kind, heading in KINDS.items()
        ]
        out.append(WeekChanges(week, [g for g in groups if g.items]))
    return out


def headline(history: History) -> tuple[Week, list[str]] | None:
    """The latest week's news in a few words: ``(week, ['2 turned red', '1 moved to
    Closure', '+450k USD forecast'])``."""
    if not history.available or not history.timeline.weeks:
        return None
    week = history.timeline.weeks[-1].week
    red = 0
    added = 0
    moved: Counter[Phase] = Counter()
    eac: dict[str, Decimal] = {}
    for step in history.timeline.commits:
        if Week.of(step.commit.time.date()) != week:
            continue
        for change in step.projects:
            red += change.turned_red
            added += change.change == "added"
            if change.phase:
                moved[change.phase.new] += 1
            delta = eac_delta(change)
            if delta:
                eac[delta[1]] = eac.get(delta[1], Decimal(0)) + delta[0]
    parts = [ngettext("%(n)s turned red", "%(n)s turned red", red) % {"n": format_number(red)}] if red else []
    parts += [
        ngettext("%(n)s moved to %(phase)s", "%(n)s moved to %(phase)s", n)
        % {"n": format_number(n), "phase": phase.label}
        for phase, n in sorted(moved.items(), key=lambda kv: kv[0].order)
    ]
    if added:
        parts.append(ngettext("%(n)s new", "%(n)s new", added) % {"n": format_number(added)})
    for currency, amount in sorted(eac.items()):
        if amount:
            sign = "+" if amount > 0 else ""
            parts.append(
                gettext("%(amount)s forecast")
                % {"amount": sign + format_amount(amount, currency, compact=True)}
            )
    return week, parts


@dataclass
class MoneyTrend:
    currency: str
    rows: list[tuple[Week, Money | None]]
    chart: Markup
    #: The other currencies converted into this one (the base currency) at site.yaml's rates.
    converted_from: tuple[str, ...] = ()


class Trends:
    """The weekly figures as charts and table rows. Money is converted into the base currency
    where ``rates`` has a rate, as on every other page; a currency without one is kept apart."""

    def __init__(
        self, weeks: list[WeekFigures], base: str = "", rates: Mapping[str, Decimal] | None = None
    ) -> None:
        self.weeks = weeks
        self.labels = [w.week.label for w in weeks]
        self.base = base
        self.rates = dict(rates or {})

    def _stacked(
        self,
        name: str,
        keys,
        labels,
        chart_id: str,
        title: str,
        prefix: str,
        weeks: list[WeekFigures] | None = None,
    ) -> Markup:
        weeks = self.weeks if weeks is None else weeks
        series = [
            Series(k, label, [getattr(w.figures, name)[k] for w in weeks])
            for k, label in zip(keys, labels, strict=True)
        ]
        return stacked_columns([w.week.label for w in weeks], series, chart_id, title, prefix)

    def rag_chart(self, chart_id: str = "trend-rag", last: int | None = None) -> Markup:
        weeks = self.weeks[-last:] if last else self.weeks
        return self._stacked(
            "rag",
            RAG_KEYS,
            [RAG_LABELS[k] for k in RAG_KEYS],
            chart_id,
            gettext("Projects by RAG status, week by week"),
            "rag-fill",
            weeks,
        )

    def phase_chart(self) -> Markup:
        return self._stacked(
            "phases",
            PHASE_KEYS,
            [p.label for p in Phase],
            "trend-phases",
            gettext("Projects per phase, week by week"),
            "phase-fill",
        )

    def risk_chart(self) -> Markup:
        return self._stacked(
            "live_risks",
            BAND_KEYS,
            [BAND_LABELS[b] for b in BAND_KEYS],
            "trend-risks",
            gettext("Live risks by band, week by week"),
            "band-fill",
        )

    def overdue_chart(self) -> Markup:
        values = [w.figures.overdue_milestones for w in self.weeks]
        series = [Series("overdue", gettext("Overdue milestones"), values)]
        return stacked_columns(
            self.labels, series, "trend-overdue", gettext("Overdue milestones, week by week"), "fill"
        )

    @property
    def has_fte(self) -> bool:
        """Some week has allocations that count in a load."""
        return any(w.figures.fte_demanded for w in self.weeks)

    def fte_chart(self) -> Markup:
        values = [Decimal(w.figures.fte) for w in self.weeks]
        series = [Series("fte", gettext("FTE demanded"), values)]
        title = gettext("FTE demanded in the month of each week, week by week")
        return stacked_columns(self.labels, series, "trend-fte", title, "fill")

    @property
    def currencies(self) -> list[str]:
        return sorted({c for w in self.weeks for c in w.figures.money})

    def _rate(self, currency: str) -> Decimal | None:
        return rate_of(currency, self.base, self.rates) if self.base else None

    @property
    def converted_from(self) -> tuple[str, ...]:
        """The currencies added into the base currency's chart (other than the base)."""
        return tuple(c for c in self.currencies if c != self.base and self._rate(c) is not None)

    @property
    def apart(self) -> list[str]:
        """The currencies kept apart: no exchange rate to the base currency."""
        return [c for c in self.currencies if self._rate(c) is None]

    def _converted(self, w: WeekFigures) -> Money | None:
        """A week's money in the base currency: its own plus the converted currencies."""
        found = [(m, rate) for c, m in w.figures.money.items() if (rate := self._rate(c)) is not None]
        if not found:
            return None
        return Money(
            sum((m.projects for m, _ in found), 0),
            sum((convert(m.planned, rate) for m, rate in found), Decimal(0)),
            sum((convert(m.eac, rate) for m, rate in found), Decimal(0)),
        )

    def money(self) -> list[MoneyTrend]:
        out = []
        groups: list[tuple[str, tuple[str, ...], list[tuple[Week, Money | None]]]] = []
        if self.base and (self.converted_from or self.base in self.currencies):
            groups.append(
                (self.base, self.converted_from, [(w.week, self._converted(w)) for w in self.weeks])
            )
        for currency in self.apart:
            groups.append((currency, (), [(w.week, w.figures.money.get(currency)) for w in self.weeks]))
        for currency, converted_from, rows in groups:
            series = [
                Series(key, label, [getattr(m, key) if m else Decimal(0) for _, m in rows])
                for key, label in (("planned", gettext("Planned")), ("eac", gettext("EAC")))
            ]
            chart = lines(
                self.labels,
                series,
                f"trend-money-{currency.lower()}",
                gettext("Planned and estimate at completion (%(currency)s), week by week")
                % {"currency": currency},
            )
            out.append(MoneyTrend(currency, rows, chart, converted_from))
        return out


def trends(history: History, config: SiteConfig | None = None) -> Trends:
    """The trend charts; with ``config``, money in its base currency at its exchange rates."""
    weeks = history.timeline.weeks if history.available else []
    if config is None:
        return Trends(weeks)
    return Trends(weeks, config.currency, config.exchange_rates)
