"""Money totals that never add different currencies without an exchange rate."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal


@dataclass
class Totals:
    """Per-currency sums, plus the sum in the base currency when every currency converts."""

    base: str
    rates: Mapping[str, Decimal]
    by_currency: dict[str, Decimal] = field(default_factory=dict)

    def add(self, amount: Decimal | None, currency: str) -> None:
        if amount is None:
            return
        self.by_currency[currency] = self.by_currency.get(currency, Decimal(0)) + amount

    def extend(self, other: Totals) -> None:
        for currency, amount in other.by_currency.items():
            self.add(amount, currency)

    @property
    def is_empty(self) -> bool:
        return not self.by_currency

    @property
    def unconvertible(self) -> list[str]:
        return sorted(c for c in self.by_currency if c != self.base and c not in self.rates)

    @property
    def converted(self) -> Decimal | None:
        """The total in the base currency, or None when a currency has no exchange rate."""
        if self.unconvertible:
            return None
        return sum((amount * convert_rate(c, self.base, self.rates)
                    for c, amount in self.by_currency.items()), Decimal(0))

    def items(self) -> list[tuple[str, Decimal]]:
        """(currency, amount) pairs, base currency first, then alphabetical."""
        return sorted(self.by_currency.items(), key=lambda kv: (kv[0] != self.base, kv[0]))


def convert_rate(currency: str, base: str, rates: Mapping[str, Decimal]) -> Decimal:
    return Decimal(1) if currency == base else rates[currency]


def to_base(amount: Decimal | None, currency: str, base: str,
            rates: Mapping[str, Decimal]) -> Decimal | None:
    if amount is None:
        return None
    if currency != base and currency not in rates:
        return None
    return amount * convert_rate(currency, base, rates)


def total(values: Iterable[Decimal | None]) -> Decimal:
    return sum((v for v in values if v is not None), Decimal(0))


def percent(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    """part / whole as a percentage with one decimal, or None when undefined."""
    if part is None or not whole:
        return None
    return (part * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def format_amount(amount: Decimal | None, currency: str | None = None, compact: bool = False) -> str:
    """'1,250,000 USD', or compact '1.25M USD'; whole units, grouped thousands."""
    if amount is None:
        return "–"
    if compact:
        for size, suffix in ((Decimal(10**9), "bn"), (Decimal(10**6), "M"), (Decimal(10**3), "k")):
            if abs(amount) >= size:
                value = (amount / size).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
                text = f"{value:f}".rstrip("0").rstrip(".") + suffix
                break
        else:
            text = f"{amount.quantize(Decimal(1), rounding=ROUND_HALF_UP):,f}"
    else:
        text = f"{amount.quantize(Decimal(1), rounding=ROUND_HALF_UP):,f}"
    return f"{text} {currency}" if currency else text
