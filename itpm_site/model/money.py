"""The money model, stated once: every budget figure on every page and export comes from here.

- *Estimate at completion (EAC)* = ``forecast`` where given, else ``planned``: a project that
  has not re-forecast is taken as on plan.
- *Variance* = EAC − planned (positive: over budget). Planned, EAC and variance always run
  over the same projects, so planned + variance = EAC on every row and every total.
- *Spent* = ``actual``; "% spent" is spent over the planned budget of the projects that
  report spending.
- A project has a budget when it has a ``planned`` amount; the others are counted apart.
- Amounts in different currencies are never added without an exchange rate: currencies with
  a rate are converted and summed in the base currency, the others stay one total each.
- Each project's figures are counted in whole units of their currency (rounded half up) and
  converted amounts are rounded per project, before any sum: every table adds up to the unit.
- The arithmetic is exact for every amount and rate the contract admits: every operation is
  one of its own decimal context's (``_CONTEXT``), never the global one with its 28 digits.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import (
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
)
from typing import overload

from itpm_site.model.amounts import MAX_DIGITS, MAX_SCALE

ZERO = Decimal(0)
_UNIT = Decimal(1)
_TENTH = Decimal("0.1")

#: Digits the money arithmetic keeps. An amount, and an exchange rate, has at most MAX_DIGITS
#: significant digits, scaled by a suffix ('bn') up to 10**MAX_SCALE: a converted amount has at
#: most 2 * MAX_DIGITS significant digits (so the product is exact) and, in whole units, at
#: most 2 * (MAX_DIGITS + MAX_SCALE) digits. Sums over a million projects add 6 digits and a
#: percentage 3 more; the rest is margin. The global context keeps 28 digits, and rounding
#: to whole units there fails (InvalidOperation) on a figure any longer.
PRECISION = 2 * (MAX_DIGITS + MAX_SCALE) + 6 + 3 + 16
# Its operations are called on it (_CONTEXT.add(a, b)), not entered as the thread's context:
# a figure is computed hundreds of thousands of times in a build.
_CONTEXT = Context(
    prec=PRECISION, rounding=ROUND_HALF_EVEN, traps=[InvalidOperation, DivisionByZero, Overflow]
)


def whole(amount: Decimal) -> Decimal:
    """An amount in whole units of its currency, rounded half up."""
    return amount.quantize(_UNIT, rounding=ROUND_HALF_UP, context=_CONTEXT)


@overload
def eac(planned: Decimal, forecast: Decimal | None) -> Decimal: ...
@overload
def eac(planned: Decimal | None, forecast: Decimal | None) -> Decimal | None: ...
def eac(planned: Decimal | None, forecast: Decimal | None) -> Decimal | None:
    """Estimate at completion: the forecast where given, else the planned budget."""
    return forecast if forecast is not None else planned


def convert(amount: Decimal, rate: Decimal) -> Decimal:
    """``amount`` at ``rate`` (the value of one unit in the base currency), in whole units."""
    return whole(_CONTEXT.multiply(amount, rate))


def difference(after: Decimal, before: Decimal) -> Decimal:
    """after − before, exact for every admitted amount (the money context)."""
    return _CONTEXT.subtract(after, before)


def percent(part: Decimal | None, base: Decimal | None) -> Decimal | None:
    """part / base as a percentage with one decimal, or None when undefined."""
    if part is None or not base:
        return None
    ratio = _CONTEXT.divide(_CONTEXT.multiply(part, 100), base)
    return ratio.quantize(_TENTH, rounding=ROUND_HALF_UP, context=_CONTEXT)


@dataclass(frozen=True, slots=True)
class Figures:
    """The budget figures of one or more projects in one currency, in whole units."""

    currency: str
    #: Projects with a planned budget: every figure below runs over exactly these.
    projects: int = 0
    #: Of them, those without a forecast, whose EAC is taken as their planned budget.
    on_plan: int = 0
    planned: Decimal = ZERO
    eac: Decimal = ZERO
    actual: Decimal = ZERO
    #: Of them, those that report spending (an ``actual``), and their planned budget: the
    #: base of "% spent", so that a project yet to report does not look underspent.
    reporting: int = 0
    spend_basis: Decimal = ZERO

    @property
    def variance(self) -> Decimal:
        """EAC minus planned: positive means over budget."""
        return _CONTEXT.subtract(self.eac, self.planned)

    @property
    def variance_pct(self) -> Decimal | None:
        return percent(self.variance, self.planned)

    @property
    def spent_pct(self) -> Decimal | None:
        return percent(self.actual, self.spend_basis)

    @property
    def has_actual(self) -> bool:
        return self.reporting > 0

    def __add__(self, other: Figures) -> Figures:
        if other.currency != self.currency:
            raise ValueError(f"cannot add {other.currency} figures to {self.currency} figures")
        add = _CONTEXT.add
        return Figures(
            self.currency,
            self.projects + other.projects,
            self.on_plan + other.on_plan,
            add(self.planned, other.planned),
            add(self.eac, other.eac),
            add(self.actual, other.actual),
            self.reporting + other.reporting,
            add(self.spend_basis, other.spend_basis),
        )


def project_figures(
    planned: Decimal | None,
    actual: Decimal | None,
    forecast: Decimal | None,
    currency: str,
    rate: Decimal = _UNIT,
    into: str | None = None,
) -> Figures | None:
    """One project's figures in ``currency`` (or converted at ``rate`` into ``into``); None
    when it has no planned budget."""
    if planned is None:
        return None
    times = _CONTEXT.multiply
    p = whole(times(planned, rate))
    spent = None if actual is None else whole(times(actual, rate))
    return Figures(
        into or currency,
        1,
        int(forecast is None),
        p,
        whole(times(eac(planned, forecast), rate)),
        spent or ZERO,
        int(spent is not None),
        p if spent is not None else ZERO,
    )


def rate_of(currency: str, base: str, rates: Mapping[str, Decimal]) -> Decimal | None:
    """Value of one unit of ``currency`` in ``base``; None when there is no exchange rate."""
    return _UNIT if currency == base else rates.get(currency)


@dataclass(frozen=True, slots=True)
class ProjectMoney:
    """One project's budget in its own currency and, when it converts, in the base currency."""

    own: Figures
    base: Figures | None


def project_money(
    planned: Decimal | None,
    actual: Decimal | None,
    forecast: Decimal | None,
    currency: str,
    base: str,
    rates: Mapping[str, Decimal],
) -> ProjectMoney | None:
    own = project_figures(planned, actual, forecast, currency)
    if own is None:
        return None
    rate = rate_of(currency, base, rates)
    converted = (
        None
        if rate is None
        else (own if currency == base else project_figures(planned, actual, forecast, currency, rate, base))
    )
    return ProjectMoney(own, converted)


@dataclass(frozen=True, slots=True)
class Rollup:
    """The budgets of a set of projects: converted where a rate allows, apart where not."""

    base: str
    #: Budgets in the base currency plus those converted into it.
    converted: Figures
    #: The currencies other than the base converted into ``converted``.
    converted_from: tuple[str, ...]
    #: One total per currency without an exchange rate.
    apart: tuple[Figures, ...]
    #: Every currency in its own units, base first: how much is budgeted in each.
    by_currency: tuple[Figures, ...]
    #: Projects without a planned budget, left out of every figure and counted here.
    without_budget: int

    @property
    def series(self) -> tuple[Figures, ...]:
        """The totals a reader sees: the converted one (if any budget), then one per
        currency without a rate."""
        first = (self.converted,) if self.converted.projects else ()
        return first + self.apart

    @property
    def projects(self) -> int:
        """Projects with a budget."""
        return sum(f.projects for f in self.by_currency)

    @property
    def on_plan(self) -> int:
        return sum(f.on_plan for f in self.by_currency)

    @property
    def has_budget(self) -> bool:
        return bool(self.by_currency)

    def in_currency(self, currency: str) -> Figures | None:
        """The series in ``currency`` (the base currency: the converted one), if any."""
        return next((f for f in self.series if f.currency == currency), None)


def rollup(budgets: Iterable[ProjectMoney | None], base: str) -> Rollup:
    """Sum project budgets (None: a project without a budget)."""
    converted = Figures(base)
    from_: set[str] = set()
    apart: dict[str, Figures] = {}
    by_currency: dict[str, Figures] = {}
    without = 0
    for money in budgets:
        if money is None:
            without += 1
            continue
        own = money.own
        by_currency[own.currency] = by_currency.get(own.currency, Figures(own.currency)) + own
        if money.base is not None:
            converted += money.base
            if own.currency != base:
                from_.add(own.currency)
        else:
            apart[own.currency] = apart.get(own.currency, Figures(own.currency)) + own
    return Rollup(
        base,
        converted,
        tuple(sorted(from_)),
        tuple(apart[c] for c in sorted(apart)),
        tuple(by_currency[c] for c in sorted(by_currency, key=lambda c: (c != base, c))),
        without,
    )


def format_amount(
    amount: Decimal | None, currency: str | None = None, compact: bool = False, signed: bool = False
) -> str:
    """'1,250,000 USD', or compact '1.25M USD'; whole units, grouped thousands; ``signed``: a
    change, '+' before an increase ('+40,000 USD'); '–' when unknown."""
    if amount is None:
        return "–"
    text = ("+" if signed and amount > 0 else "") + _digits(amount, compact)
    return f"{text} {currency}" if currency else text


def _digits(amount: Decimal, compact: bool) -> str:
    if compact:
        for size, suffix in ((Decimal(10**9), "bn"), (Decimal(10**6), "M"), (Decimal(10**3), "k")):
            if abs(amount) >= size:
                value = _CONTEXT.divide(amount, size).quantize(
                    Decimal("0.01"), rounding=ROUND_HALF_UP, context=_CONTEXT
                )
                return f"{value:f}".rstrip("0").rstrip(".") + suffix
    return f"{whole(amount):,f}"


def format_percent(value: Decimal | None, signed: bool = False) -> str:
    """The one way a percentage is shown: one decimal ('+18.6%', '0.0%'), '–' when undefined."""
    if value is None:
        return "–"
    rounded = value.quantize(_TENTH, rounding=ROUND_HALF_UP, context=_CONTEXT)
    text = f"{abs(rounded) if rounded == 0 else rounded:f}%"  # never '-0.0%'
    return "+" + text if signed and value > 0 else text


def amount_text(amount: Decimal | None) -> str | None:
    """An amount as the data files give it: exact decimal text ('250000'), never a float."""
    return None if amount is None else format(amount, "f")


def percent_number(value: Decimal | None) -> float | None:
    """A percentage as the data files give it: a JSON number (18.6), None when undefined."""
    return None if value is None else float(value)
