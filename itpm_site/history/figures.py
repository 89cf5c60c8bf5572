"""The portfolio's figures at one moment: what the trends chart week by week.

Every figure runs over all the valid projects at that moment: RAG counts (``unknown`` for no
status), projects per phase, planned and estimate at completion per currency, live risks by
band, milestones overdue at the end of the week.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from itpm_site.config import SiteConfig
from itpm_site.model import Budget, Project
from itpm_site.vocab import Phase, Status

RAG_KEYS = (*(s.value for s in Status), "unknown")
PHASE_KEYS = tuple(p.value for p in Phase)
BAND_KEYS = ("low", "medium", "high", "critical")


def estimate_at_completion(budget: Budget | None) -> Decimal | None:
    """EAC: the forecast where given, else the planned amount (a project that has not
    re-forecast is taken as on plan). The one place history computes it."""
    if budget is None:
        return None
    return budget.forecast if budget.forecast is not None else budget.planned


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


def tally(project: Project, config: SiteConfig) -> Tally:
    budget = project.budget
    eac = estimate_at_completion(budget)
    currency = (budget.currency or config.currency) if budget is not None and eac is not None \
        else None
    return Tally(
        project.status.value if project.status else "unknown",
        project.phase.value,
        currency,
        (budget.planned or Decimal(0)) if currency else Decimal(0),
        eac or Decimal(0),
        tuple(config.risk_bands.band(r.score) for r in project.risks if r.status.is_live),
        tuple(m.date for m in project.milestones if not m.done),
    )


def figures(tallies: Iterable[Tally], as_of: dt.date) -> Figures:
    """The figures of the projects with these tallies; a milestone is overdue when it is not
    done and its date is before ``as_of``."""
    out = Figures(as_of)
    rag, phases, bands = out.rag, out.phases, out.live_risks
    overdue = 0
    for t in tallies:
        out.projects += 1
        rag[t.rag] += 1
        phases[t.phase] += 1
        if t.currency:
            money = out.money.get(t.currency)
            if money is None:
                money = out.money[t.currency] = Money()
            money.projects += 1
            money.planned += t.planned
            money.eac += t.eac
        for band in t.bands:
            bands[band] += 1
        for day in t.open_milestones:
            if day < as_of:
                overdue += 1
    out.overdue_milestones = overdue
    return out
