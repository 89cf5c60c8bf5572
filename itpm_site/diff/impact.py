"""What a change does to the portfolio's money: planned and EAC, head minus base.

Both sides are added up under the head's ``site.yaml`` (its base currency and exchange rates),
so the impact is what the projects changed, not a rate that moved. As everywhere, currencies
without a rate are never added in: each gets its own line.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from itpm_site.load.result import LoadResult
from itpm_site.model.config import SiteConfig
from itpm_site.model.money import Figures, Rollup, difference, project_money, rollup


@dataclass(frozen=True)
class ImpactLine:
    """The change of one series: the base currency (with the currencies converted into it)
    or a currency without an exchange rate."""

    currency: str
    planned: Decimal
    eac: Decimal
    #: For the base currency: the other currencies converted into it, on either side.
    converted_from: tuple[str, ...] = ()

    @property
    def unchanged(self) -> bool:
        return self.planned == 0 and self.eac == 0


@dataclass(frozen=True)
class Impact:
    base: str
    #: The base currency first, then each currency without a rate (only lines that moved).
    lines: tuple[ImpactLine, ...]

    @property
    def base_line(self) -> ImpactLine | None:
        return next((line for line in self.lines if line.currency == self.base), None)

    @property
    def apart(self) -> tuple[ImpactLine, ...]:
        return tuple(line for line in self.lines if line.currency != self.base)


def _rollup(loaded: LoadResult | None, config: SiteConfig) -> Rollup:
    budgets = []
    for entry in loaded.projects if loaded else []:
        b = entry.model.budget
        budgets.append(
            None
            if b is None
            else project_money(
                b.planned,
                b.actual,
                b.forecast,
                b.currency or config.currency,
                config.currency,
                config.exchange_rates,
            )
        )
    return rollup(budgets, config.currency)


def portfolio_impact(base: LoadResult | None, head: LoadResult | None) -> Impact:
    """Head minus base, in the head's base currency where rates allow."""
    side = head or base
    config = side.config if side is not None else SiteConfig()
    before, after = _rollup(base, config), _rollup(head, config)
    currencies = sorted(
        {f.currency for f in (*before.series, *after.series)}, key=lambda c: (c != config.currency, c)
    )
    lines = []
    for currency in currencies:
        old = before.in_currency(currency) or Figures(currency)
        new = after.in_currency(currency) or Figures(currency)
        converted = (
            tuple(sorted(set(before.converted_from) | set(after.converted_from)))
            if currency == config.currency
            else ()
        )
        line = ImpactLine(
            currency, difference(new.planned, old.planned), difference(new.eac, old.eac), converted
        )
        if not line.unchanged:
            lines.append(line)
    return Impact(config.currency, tuple(lines))
