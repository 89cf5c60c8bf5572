"""The portfolio's figures at one moment: what the trends chart week by week.

Every figure runs over all the valid projects at that moment: RAG counts (``unknown`` for no
status), projects per phase, planned and estimate at completion per currency, live risks by
band, milestones overdue at the end of the week, and the FTE demanded in the month the week
ends in: every allocation that counts in a load (``model.capacity.assignments``), weighted by
the days of that month it covers, as /capacity/ adds them up.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from itpm_site.model import capacity as cap
from itpm_site.model.config import SiteConfig
from itpm_site.model.i18n import month_names
from itpm_site.model.money import eac
from itpm_site.model.project import Budget, Project
from itpm_site.model.vocab import RAG_KEYS, Phase, status_key

PHASE_KEYS = tuple(p.value for p in Phase)
BAND_KEYS = ("low", "medium", "high", "critical")


def estimate_at_completion(budget: Budget | None) -> Decimal | None:
    """A budget's EAC by the money model (``money.eac``), None without a budget."""
    return None if budget is None else eac(budget.planned, budget.forecast)


@dataclass
class Money:
    """One currency's totals: planned and EAC over the projects with a budget in it."""

    projects: int = 0
    planned: Decimal = Decimal(0)
    eac: Decimal = Decimal(0)

    @property
    def variance(self) -> Decimal:
        return self.eac - self.planned


@dataclass
class Figures:
    """The portfolio's figures as of ``as_of``."""

    as_of: dt.date
    projects: int = 0
    rag: dict[str, int] = field(default_factory=lambda: dict.fromkeys(RAG_KEYS, 0))
    phases: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PHASE_KEYS, 0))
    money: dict[str, Money] = field(default_factory=dict)
    live_risks: dict[str, int] = field(default_factory=lambda: dict.fromkeys(BAND_KEYS, 0))
    overdue_milestones: int = 0
    #: Load demanded in the month of ``as_of``, in whole percent of full time (FTE × 100).
    fte_demanded: int = 0

    @property
    def fte_month(self) -> dt.date:
        return cap.month_of(self.as_of)

    @property
    def fte_month_label(self) -> str:
        return f"{month_names()[self.fte_month.month - 1]} {self.fte_month.year}"

    @property
    def fte(self) -> str:
        """FTE demanded with two decimals ('3.60')."""
        return cap.fte(self.fte_demanded)


@dataclass(frozen=True)
class Tally:
    """What one project version adds to the figures (all but the overdue milestones, which
    depend on the date, are fixed for a version under one site.yaml)."""

    rag: str
    phase: str
    currency: str | None
    planned: Decimal
    eac: Decimal
    bands: tuple[str, ...]
    open_milestones: tuple[dt.date, ...]
    #: (month, load in whole percent) of the project's allocations that count, per month.
    loads: tuple[tuple[dt.date, int], ...] = ()


def project_loads(project: Project) -> tuple[tuple[dt.date, int], ...]:
    """The load a project's team demands in each month, the sum of its allocations' shares."""
    months: Counter[dt.date] = Counter()
    for a in cap.assignments(project):
        months.update(a.shares())
    return tuple(sorted((m, n) for m, n in months.items() if n))


def tally(project: Project, config: SiteConfig) -> Tally:
    budget = project.budget
    eac = estimate_at_completion(budget)
    currency = (budget.currency or config.currency) if budget is not None and eac is not None else None
    return Tally(
        status_key(project.status),
        project.phase.value,
        currency,
        (budget.planned or Decimal(0)) if budget is not None and currency else Decimal(0),
        eac or Decimal(0),
        tuple(config.risk_bands.band(r.score) for r in project.risks if r.status.is_live),
        tuple(m.date for m in project.milestones if not m.done),
        project_loads(project),
    )


class RunningFigures:
    """The figures kept up to date as project versions come and go, so that taking them at
    the end of a week costs the number of distinct values, not the number of projects."""

    def __init__(self) -> None:
        self.projects = 0
        self.rag: Counter[str] = Counter()
        self.phases: Counter[str] = Counter()
        self.money: dict[str, list] = {}  # currency -> [projects, planned, eac]
        self.bands: Counter[str] = Counter()
        self.milestones: Counter[dt.date] = Counter()  # open milestones by date
        self.loads: Counter[dt.date] = Counter()  # load demanded by month

    def copy(self) -> RunningFigures:
        other = RunningFigures()
        other.projects = self.projects
        other.rag, other.phases = self.rag.copy(), self.phases.copy()
        other.money = {c: list(m) for c, m in self.money.items()}
        other.bands, other.milestones = self.bands.copy(), self.milestones.copy()
        other.loads = self.loads.copy()
        return other

    def add(self, t: Tally, sign: int = 1) -> None:
        """Count a version in (``sign`` 1) or out (-1)."""
        self.projects += sign
        self.rag[t.rag] += sign
        self.phases[t.phase] += sign
        if t.currency:
            money = self.money.setdefault(t.currency, [0, Decimal(0), Decimal(0)])
            money[0] += sign
            money[1] += sign * t.planned
            money[2] += sign * t.eac
        for band in t.bands:
            self.bands[band] += sign
        for day in t.open_milestones:
            self.milestones[day] += sign
        for month, load in t.loads:
            self.loads[month] += sign * load

    def at(self, as_of: dt.date) -> Figures:
        """The figures now; a milestone is overdue when it is not done and its date is
        before ``as_of``."""
        out = Figures(as_of, self.projects)
        for key in RAG_KEYS:
            out.rag[key] = self.rag[key]
        for key in PHASE_KEYS:
            out.phases[key] = self.phases[key]
        for key in BAND_KEYS:
            out.live_risks[key] = self.bands[key]
        out.money = {c: Money(n, planned, eac) for c, (n, planned, eac) in sorted(self.money.items()) if n}
        out.overdue_milestones = sum(n for day, n in self.milestones.items() if day < as_of)
        out.fte_demanded = self.loads[cap.month_of(as_of)]
        return out
