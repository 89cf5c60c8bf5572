"""Stage 3: the portfolio with every rollup figure, computed once, here, where it is tested.

Templates only display what this module computes: counts, sums, variances, slips, overdue
milestones, risk scores and bands, the heat map, reverse dependencies and owner load.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any, NamedTuple

from itpm_site.aggregate.capacity import Capacity, Member, build_capacity
from itpm_site.load.people import withheld, withheld_path
from itpm_site.load.result import Entry, LoadResult
from itpm_site.model import i18n, registry, vocab
from itpm_site.model.capacity import fte
from itpm_site.model.config import Category, SiteConfig
from itpm_site.model.diagnostic import Diagnostic
from itpm_site.model.groups import GroupKind, TagRef, page_url, project_url
from itpm_site.model.money import (
    Figures,
    ProjectMoney,
    Rollup,
    format_percent,
    project_money,
    rate_of,
    rollup,
)
from itpm_site.model.people import entry_person
from itpm_site.model.project import (
    Milestone,
    Page,
    Program,
    Project,
    Risk,
)
from itpm_site.model.slugs import slugify
from itpm_site.model.text import plural
from itpm_site.model.vocab import (
    RAG_KEYS,
    Phase,
    RiskStatus,
    State,
    status_key,
    status_rank,
)

UPCOMING_WINDOWS = (30, 60, 90)
#: Flags that say what a file lacks, not how the project goes: counted apart from warnings.
DATA_FLAGS = frozenset({"no-status-date"})


@dataclass(frozen=True, slots=True)
class Flag:
    """A computed warning shown beside the PM's status (which is never overwritten)."""

    code: str
    #: In English: portfolio.json and the CSV keep it in every site language.
    text: str
    #: In the site's language, as the pages show it (the English text on an English site).
    shown: str = ""

    def __post_init__(self) -> None:
        if not self.shown:
            object.__setattr__(self, "shown", self.text)

    @property
    def is_warning(self) -> bool:
        """False for a gap in the data (no status date) rather than a sign of trouble."""
        return self.code not in DATA_FLAGS


@dataclass(slots=True)  # slots: one per project, several per page; 10,000s of them
class BudgetView:
    """A project's budget as written, and its figures under the money model (``money``)."""

    currency: str
    planned: Decimal | None
    actual: Decimal | None
    forecast: Decimal | None
    #: Its figures in its currency and in the base currency; None without a planned budget.
    money: ProjectMoney | None

    @property
    def has_planned(self) -> bool:
        return self.money is not None

    @property
    def eac(self) -> Decimal | None:
        """Estimate at completion: the forecast, else the planned budget."""
        return self.money.own.eac if self.money else self.forecast

    @property
    def on_plan(self) -> bool:
        """No forecast: the estimate at completion is taken as the planned budget."""
        return self.money is not None and self.forecast is None

    @property
    def variance(self) -> Decimal | None:
        """EAC minus planned: positive means over budget."""
        return self.money.own.variance if self.money else None

    @property
    def variance_pct(self) -> Decimal | None:
        return self.money.own.variance_pct if self.money else None

    @property
    def spent_pct(self) -> Decimal | None:
        return self.money.own.spent_pct if self.money else None

    @property
    def over_budget(self) -> bool:
        return self.actual is not None and self.planned is not None and self.actual > self.planned

    @property
    def converted(self) -> Figures | None:
        """The figures in the base currency (None: no exchange rate, or no planned budget)."""
        return self.money.base if self.money else None

    @property
    def planned_base(self) -> Decimal | None:
        return self.converted.planned if self.converted else None

    @property
    def actual_base(self) -> Decimal | None:
        c = self.converted
        return c.actual if c and c.has_actual else None

    @property
    def eac_base(self) -> Decimal | None:
        return self.converted.eac if self.converted else None

    @property
    def variance_base(self) -> Decimal | None:
        """EAC minus planned in the base currency (None when the budget does not convert)."""
        return self.converted.variance if self.converted else None


@dataclass(eq=False, slots=True)
class RiskView:
    project: ProjectView
    index: int
    risk: Risk
    score: int
    band: str

    @property
    def anchor(self) -> str:
        return f"risk-{self.index + 1}"

    @property
    def live(self) -> bool:
        return self.risk.status.is_live


@dataclass(eq=False, slots=True)
class MilestoneView:
    project: ProjectView
    index: int
    milestone: Milestone
    overdue: bool
    days_from_today: int

    @property
    def anchor(self) -> str:
        return f"milestone-{self.index + 1}"


@dataclass(eq=False)
class ProjectView:
    """A validated project plus everything computed about it."""

    slug: str
    project: Project
    source: str  # path relative to the portfolio root
    body: str
    body_line: int
    category: CategoryRef | None = None
    program_slug: str | None = None
    owner_slug: str = ""
    tag_slugs: list[TagRef] = field(default_factory=list)
    budget: BudgetView | None = None
    risks: list[RiskView] = field(default_factory=list)
    milestones: list[MilestoneView] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    depends_on: list[ProjectView] = field(default_factory=list)
    missing_dependencies: list[str] = field(default_factory=list)
    dependents: list[ProjectView] = field(default_factory=list)
    #: The team as people of the directory (aggregate.capacity); empty without one.
    members: list[Member] = field(default_factory=list)
    #: The names the team lists, as exports and search show them (none when people are not
    #: published).
    team_names: list[str] = field(default_factory=list)
    #: The owner's page in the people directory; '' when they have none (or it is not published).
    owner_person_url: str = ""
    #: The team's load in the month of as_of, in whole percent of full time (the sum of the
    #: shares of its counted allocations, as /capacity/ counts them); None without a people
    #: directory.
    fte_load: int | None = None

    @property
    def title(self) -> str:
        return self.project.title

    @property
    def url(self) -> str:
        return project_url(self.slug)

    @property
    def owner_url(self) -> str:
        return GroupKind.OWNER.url(self.owner_slug)

    @property
    def program_url(self) -> str:
        """The program's page; '' without a program."""
        return GroupKind.PROGRAM.url(self.program_slug or "")

    @property
    def category_url(self) -> str:
        """The category's page; '' without a category."""
        return GroupKind.CATEGORY.url(self.category.slug) if self.category else ""

    @cached_property
    def live_risks(self) -> list[RiskView]:
        return [r for r in self.risks if r.live]

    @cached_property
    def top_risk(self) -> RiskView | None:
        live = self.live_risks
        return max(live, key=lambda r: (r.score, -r.index)) if live else None

    @property
    def top_risk_score(self) -> int | None:
        """The highest live risk score (1-25); None without a live risk."""
        top = self.top_risk
        return top.score if top else None

    @cached_property
    def has_high_risk(self) -> bool:
        return any(r.band in ("high", "critical") for r in self.live_risks)

    @cached_property
    def warnings(self) -> list[Flag]:
        """The flags that signal trouble (overdue, slipping, over budget, stale status)."""
        return [f for f in self.flags if f.is_warning]

    @cached_property
    def overdue_milestones(self) -> list[MilestoneView]:
        return [m for m in self.milestones if m.overdue]

    @cached_property
    def next_milestone(self) -> MilestoneView | None:
        pending = [m for m in self.milestones if not m.milestone.done]
        return min(pending, key=lambda m: m.milestone.date) if pending else None

    @property
    def slip_days(self) -> int | None:
        return self.project.slip_days

    @property
    def slip_class(self) -> str:
        """'late' when the forecast end is after the committed end, 'early' when before it,
        '' on it or without the dates: the slip's word and its CSS class."""
        slip = self.slip_days
        return "" if not slip else ("late" if slip > 0 else "early")

    @property
    def status_key(self) -> str:
        """The RAG key: the status, or 'unknown' without one (CSS classes, filters, counts)."""
        return status_key(self.project.status)

    @property
    def status_rank(self) -> int:
        """Worst status first (red 0 … no status 3): how lists sort projects by health."""
        return status_rank(self.project.status)

    @property
    def on_timeline(self) -> bool:
        """Whether the roadmap can draw the project (it needs a start and an end)."""
        return self.project.start is not None and self.project.effective_forecast_end is not None

    @property
    def fte(self) -> str | None:
        """``fte_load`` as FTE with two decimals ('0.70'); None without a people directory."""
        return None if self.fte_load is None else fte(self.fte_load)

    @property
    def key_facts(self) -> list[registry.FactRow]:
        """The project page's key facts: a row per fact the field registry shows there."""
        return registry.key_facts(self)

    @property
    def row_data(self) -> list[tuple[str, str]]:
        """A project table row's ``data-*`` attributes: its value for each explorer filter."""
        return registry.row_data(self)


class MilestoneWindow(NamedTuple):
    """The pending milestones due within a span of days from today."""

    label: str  # 'Next 30 days', 'In 31–60 days'
    milestones: list[MilestoneView]


class RoadmapGroup(NamedTuple):
    """A program's lane on the roadmap (or the projects without a program, url '')."""

    title: str
    url: str
    projects: list[ProjectView]


@dataclass(frozen=True)
class CategoryRef:
    slug: str
    label: str
    description: str
    known: bool  # False for a value outside the taxonomy (still gets a page)


def _status_counts(projects: Iterable[ProjectView]) -> dict[str, int]:
    counts = Counter(p.status_key for p in projects)
    return {key: counts.get(key, 0) for key in RAG_KEYS}


@dataclass(eq=False)
class Group:
    """A set of projects shown on a rollup page: a phase, program, owner, category or tag."""

    kind: GroupKind
    slug: str
    title: str
    projects: list[ProjectView]
    base: str  # the currency that budgets are converted into
    description: str = ""
    summary: str = ""
    owner: str = ""
    body: str = ""
    source: str = ""
    #: The program file's ``extra:`` mapping, for a theme (never validated).
    extra: dict = field(default_factory=dict)

    @property
    def url(self) -> str:
        return self.kind.url(self.slug)

    @cached_property
    def by_phase(self) -> dict[Phase, list[ProjectView]]:
        return {phase: [p for p in self.projects if p.project.phase is phase] for phase in Phase}

    @cached_property
    def phase_counts(self) -> dict[Phase, int]:
        return {phase: len(items) for phase, items in self.by_phase.items()}

    @cached_property
    def status_counts(self) -> dict[str, int]:
        return _status_counts(self.projects)

    @cached_property
    def phase_status_counts(self) -> dict[Phase, dict[str, int]]:
        """RAG counts within each phase, for the pipeline."""
        return {phase: _status_counts(items) for phase, items in self.by_phase.items()}

    @cached_property
    def money(self) -> Rollup:
        """The group's budgets under the money model (converted where a rate allows)."""
        return rollup((p.budget.money if p.budget else None for p in self.projects), self.base)

    @cached_property
    def budget_tables(self) -> list[BudgetTable]:
        """This group's budget as one table per series (converted, then currencies apart)."""
        return budget_tables([self])

    @cached_property
    def without_budget(self) -> list[ProjectView]:
        """Projects without a planned budget: left out of every money figure, and named."""
        return [p for p in self.projects if not (p.budget and p.budget.has_planned)]

    @property
    def has_budget(self) -> bool:
        return self.money.has_budget

    @cached_property
    def live_risks(self) -> list[RiskView]:
        return sorted(
            (r for p in self.projects for r in p.live_risks),
            key=lambda r: (-r.score, r.project.title.lower(), r.index),
        )

    @property
    def overdue_count(self) -> int:
        return sum(len(p.overdue_milestones) for p in self.projects)

    @cached_property
    def overdue_milestones(self) -> list[MilestoneView]:
        return sorted(
            (m for p in self.projects for m in p.overdue_milestones),
            key=lambda m: (m.milestone.date, m.project.title.lower(), m.index),
        )

    @cached_property
    def upcoming_milestones(self) -> list[MilestoneView]:
        """Pending milestones from today on, soonest first."""
        return sorted(
            (m for p in self.projects for m in p.milestones if not m.milestone.done and not m.overdue),
            key=lambda m: (m.milestone.date, m.project.title.lower(), m.index),
        )

    @cached_property
    def risk_band_counts(self) -> dict[str, int]:
        """Live risks per band (every band present, lowest first)."""
        counts = Counter(r.band for r in self.live_risks)
        return {name: counts.get(name, 0) for name in ("low", "medium", "high", "critical")}

    @property
    def flagged_count(self) -> int:
        """Projects with a warning flag (a missing status date alone does not count)."""
        return sum(1 for p in self.projects if p.warnings)

    @property
    def top_risks(self) -> TopList:
        return top(self.live_risks, 10, lambda r: r.score)

    @property
    def active_count(self) -> int:
        return sum(1 for p in self.projects if p.project.state is State.ACTIVE)


@dataclass(frozen=True)
class BudgetRow:
    """One group's figures in one series of a budget table."""

    label: str
    url: str
    figures: Figures

    @property
    def planned(self) -> Decimal:
        return self.figures.planned

    @property
    def actual(self) -> Decimal | None:
        return self.figures.actual if self.figures.has_actual else None

    @property
    def forecast(self) -> Decimal:
        """The estimate at completion (the chart draws it as the forecast bar)."""
        return self.figures.eac

    @property
    def largest(self) -> Decimal:
        return max(self.figures.planned, self.figures.eac, self.figures.actual)


@dataclass(frozen=True)
class BudgetTable:
    """Rows in one currency that may be compared, drawn on one axis, and added up."""

    currency: str
    #: Other currencies converted into this one with the exchange rates.
    converted_from: tuple[str, ...]
    rows: list[BudgetRow]
    #: The sum of the rows (the portfolio's figure in this series); None for a single row.
    total: BudgetRow | None = None

    @property
    def converted(self) -> bool:
        return bool(self.converted_from)

    @property
    def largest(self) -> Decimal:
        return max((r.largest for r in self.rows), default=Decimal(0))


@dataclass(frozen=True)
class TopList:
    """The first items of a ranked list, and what was left out: a cut never hides a tie."""

    shown: list
    #: Items left out, and how many of them rank equal to the last one shown.
    more: int
    tied: int


def top(items: list, limit: int, key: Callable[[Any], Any]) -> TopList:
    shown = items[:limit]
    rest = items[limit:]
    tied = sum(1 for item in rest if key(item) == key(shown[-1])) if shown else 0
    return TopList(shown, len(rest), tied)


def budget_tables(groups: list[Group], total: Group | None = None) -> list[BudgetTable]:
    """The groups' budgets, one table per series of ``total`` (or of the single group):
    converted into the base currency where rates allow, one table per currency without one.
    A group with no budget in a series has no row in its table."""
    scope = (total or groups[0]).money
    tables = []
    for series in scope.series:
        rows = [
            BudgetRow(g.title, g.url, figures)
            for g in groups
            if (figures := g.money.in_currency(series.currency)) and figures.projects
        ]
        from_ = scope.converted_from if series.currency == scope.base else ()
        total_row = BudgetRow(i18n.gettext("Total"), "", series) if total is not None else None
        tables.append(BudgetTable(series.currency, from_, rows, total_row))
    return tables


@dataclass(frozen=True)
class CurrencyTotal:
    """The portfolio's budgets in one currency, and their value in the base currency."""

    figures: Figures
    #: Value of one unit in the base currency; None when there is no exchange rate.
    rate: Decimal | None
    converted: Figures | None

    @property
    def currency(self) -> str:
        return self.figures.currency


@dataclass(eq=False)
class HeatCell:
    probability: int
    impact: int
    score: int
    band: str
    risks: list[RiskView]

    @property
    def anchor(self) -> str:
        return f"cell-p{self.probability}-i{self.impact}"


@dataclass(eq=False)
class FreePage:
    slug: str
    page: Page
    body: str
    body_line: int
    source: str

    @property
    def url(self) -> str:
        return page_url(self.slug)


@dataclass(eq=False)
class QualityItem:
    path: str
    diagnostics: list[Diagnostic]
    flags: list[Flag]
    project: ProjectView | None
    rejected: bool


@dataclass(eq=False)
class Portfolio:
    """Everything the pages show, computed once."""

    config: SiteConfig
    as_of: dt.date
    projects: list[ProjectView]
    programs: list[Group]
    owners: list[Group]
    categories: list[Group]
    tags: list[Group]
    phases: list[Group]
    pages: list[FreePage]
    risks: list[RiskView]
    milestones: list[MilestoneView]
    quality: list[QualityItem]
    diagnostics: list[Diagnostic]
    rejected: list[str]
    #: People and their load (content/people/); None without a people directory.
    capacity: Capacity | None = None

    def precompute(self) -> None:
        """Compute now the cached rollups that pages rendered by different processes share
        (the portfolio's, each project's): forked render workers then inherit them instead of
        each computing its own. Figures that one page shows are left to that page's worker."""
        for name in ("rates_used", "unconvertible_currencies", "by_slug", "owners_by_slug"):
            getattr(self, name)  # the layout of every page reads these
        shared = [name for name, attr in vars(ProjectView).items() if isinstance(attr, cached_property)]
        for view in self.projects:  # project rows repeat on many listing pages
            for name in shared:
                getattr(view, name)

    @cached_property
    def all(self) -> Group:
        return Group(GroupKind.PORTFOLIO, "all", self.config.title, self.projects, self.config.currency)

    def groups(self, kind: GroupKind) -> list[Group]:
        """The groups of one kind: the programs, the owners…; none for the whole portfolio."""
        return {
            GroupKind.PHASE: self.phases,
            GroupKind.PROGRAM: self.programs,
            GroupKind.OWNER: self.owners,
            GroupKind.CATEGORY: self.categories,
            GroupKind.TAG: self.tags,
        }.get(kind, [])

    @cached_property
    def table_columns(self) -> list[registry.TableColumn]:
        """The project tables' columns after their own: one per column of the field registry
        that some project has a value for."""
        return registry.table_columns(self.projects)

    @cached_property
    def explorer_filters(self) -> list[registry.FilterMenu]:
        """The project explorer's drop-downs: one per filter of the field registry."""
        return registry.filter_menus(self.projects, self.groups)

    @property
    def base_currency(self) -> str:
        return self.config.currency

    @cached_property
    def by_slug(self) -> dict[str, ProjectView]:
        return {p.slug: p for p in self.projects}

    @cached_property
    def heatmap(self) -> list[list[HeatCell]]:
        """Rows from probability 5 down to 1, columns impact 1 to 5; live risks only."""
        bands = self.config.risk_bands
        cells: dict[tuple[int, int], list[RiskView]] = defaultdict(list)
        for r in self.risks:
            if r.live:
                cells[(r.risk.probability, r.risk.impact)].append(r)
        return [
            [HeatCell(p, i, p * i, bands.band(p * i), cells.get((p, i), [])) for i in range(1, 6)]
            for p in range(5, 0, -1)
        ]

    @cached_property
    def live_risks(self) -> list[RiskView]:
        return [r for r in self.risks if r.live]

    @cached_property
    def heat_cells(self) -> list[HeatCell]:
        """The heat map's cells that hold live risks, highest score (then probability) first:
        the sections of the register that the heat map links to."""
        return sorted(
            (c for row in self.heatmap for c in row if c.risks), key=lambda c: (-c.score, -c.probability)
        )

    @cached_property
    def closed_risks(self) -> list[RiskView]:
        """Risks that no longer need attention (mitigated or closed)."""
        return [r for r in self.risks if not r.live]

    @cached_property
    def risk_band_counts(self) -> dict[str, int]:
        counts = Counter(r.band for r in self.live_risks)
        return {name: counts.get(name, 0) for name, _, _ in self.config.risk_bands.ranges()}

    @cached_property
    def overdue_milestones(self) -> list[MilestoneView]:
        return [m for m in self.milestones if m.overdue]

    def upcoming_milestones(self, days: int, after: int = -1) -> list[MilestoneView]:
        return [m for m in self.milestones if not m.milestone.done and after < m.days_from_today <= days]

    @cached_property
    def done_milestones(self) -> list[MilestoneView]:
        return sorted(
            (m for m in self.milestones if m.milestone.done),
            key=lambda m: (m.milestone.date, m.project.title.lower()),
            reverse=True,
        )

    @cached_property
    def milestone_windows(self) -> list[MilestoneWindow]:
        windows, previous = [], -1
        for days in UPCOMING_WINDOWS:
            windows.append(
                MilestoneWindow(
                    i18n.gettext("Next %(days)s days") % {"days": days}
                    if previous < 0
                    else i18n.gettext("In %(first)s–%(last)s days") % {"first": previous + 1, "last": days},
                    self.upcoming_milestones(days, previous),
                )
            )
            previous = days
        return windows

    @cached_property
    def later_milestones(self) -> list[MilestoneView]:
        """Pending milestones beyond the last upcoming window."""
        return self.upcoming_milestones(10**6, UPCOMING_WINDOWS[-1])

    @cached_property
    def flagged(self) -> list[ProjectView]:
        """Projects with a warning flag, worst status first."""
        return sorted(
            (p for p in self.projects if p.warnings),
            key=lambda p: (p.status_rank, -len(p.flags), p.title.lower()),
        )

    @cached_property
    def owners_by_slug(self) -> dict[str, Group]:
        return {g.slug: g for g in self.owners}

    def owner_group(self, name: str) -> Group | None:
        """The owner page of a person named anywhere (e.g. a program owner), if they own a
        project."""
        return self.owners_by_slug.get(slugify(name))

    @cached_property
    def without_program(self) -> list[ProjectView]:
        return [p for p in self.projects if not p.program_slug]

    @cached_property
    def roadmap_groups(self) -> list[RoadmapGroup]:
        """(program title, program url, its projects on the timeline by start date), in
        program order, then the projects without a program; empty groups left out."""

        def placed(items: Iterable[ProjectView]) -> list[ProjectView]:
            return sorted(
                (p for p in items if p.on_timeline), key=lambda p: (p.project.start, p.title.lower(), p.slug)
            )

        groups = [RoadmapGroup(g.title, g.url, placed(g.projects)) for g in self.programs]
        groups.append(RoadmapGroup(i18n.gettext("No program"), "", placed(self.without_program)))
        return [g for g in groups if g.projects]

    def _rest(self, kind: GroupKind, title: str, items: list[ProjectView]) -> list[Group]:
        """The group of the projects outside every group of a kind, if there are any."""
        if not items:
            return []
        return [Group(kind, "", title, items, self.config.currency)]

    @cached_property
    def program_rows(self) -> list[Group]:
        """Every program, then "No program": rows that cover the whole portfolio."""
        return self.programs + self._rest(GroupKind.PROGRAM, i18n.gettext("No program"), self.without_program)

    @cached_property
    def category_rows(self) -> list[Group]:
        """Every category, then "Uncategorised": rows that cover the whole portfolio."""
        return self.categories + self._rest(
            GroupKind.CATEGORY,
            i18n.gettext("Uncategorised"),
            [p for p in self.projects if p.category is None],
        )

    @cached_property
    def budget_overall(self) -> list[BudgetTable]:
        return budget_tables([self.all])

    @cached_property
    def budget_by_program(self) -> list[BudgetTable]:
        return budget_tables(self.program_rows, self.all)

    @cached_property
    def budget_by_category(self) -> list[BudgetTable]:
        return budget_tables(self.category_rows, self.all)

    @cached_property
    def budget_by_phase(self) -> list[BudgetTable]:
        return budget_tables(self.phases, self.all)

    @cached_property
    def currency_totals(self) -> list[CurrencyTotal]:
        """One line per currency used in budgets, base currency first."""
        base, rates = self.config.currency, self.config.exchange_rates
        converted: dict[str, Figures] = {}
        for p in self.projects:
            if p.budget and p.budget.converted:
                cur = p.budget.currency
                converted[cur] = converted.get(cur, Figures(base)) + p.budget.converted
        return [
            CurrencyTotal(f, rate_of(f.currency, base, rates), converted.get(f.currency))
            for f in self.all.money.by_currency
        ]

    @cached_property
    def rates_used(self) -> list[tuple[str, Decimal]]:
        """Exchange rates that converted at least one budget, by currency."""
        return [
            (t.currency, t.rate)
            for t in self.currency_totals
            if t.rate is not None and t.currency != self.config.currency
        ]

    @cached_property
    def unconvertible_currencies(self) -> list[str]:
        return [t.currency for t in self.currency_totals if t.rate is None]

    @cached_property
    def top_risks(self) -> TopList:
        return top(self.live_risks, 8, lambda r: r.score)

    @cached_property
    def risk_projects(self) -> int:
        """Projects with at least one risk on the register."""
        return sum(1 for p in self.projects if p.risks)

    @cached_property
    def undated(self) -> list[ProjectView]:
        """Active projects whose only flag is a missing status date."""
        return [p for p in self.projects if p.flags and not p.warnings]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if not d.is_error]

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]


# ------------------------------------------------------------------------------ building


def _category_ref(value: str | None, config: SiteConfig, index: dict[str, Category]) -> CategoryRef | None:
    if not value:
        return None
    match = index.get(vocab.normalize(value))
    if match:
        return CategoryRef(match.slug, match.shown_label(), match.shown_description(), True)
    slug = slugify(value)
    return CategoryRef(slug, value.strip(), "", False)


def _budget(project: Project, config: SiteConfig) -> BudgetView | None:
    b = project.budget
    if b is None:
        return None
    currency = b.currency or config.currency
    return BudgetView(
        currency,
        b.planned,
        b.actual,
        b.forecast,
        project_money(b.planned, b.actual, b.forecast, currency, config.currency, config.exchange_rates),
    )


def _flags(view: ProjectView, as_of: dt.date, stale_days: int) -> list[Flag]:
    """The project's flags: each one's English text (the exports) and its words in the site's
    language (the pages)."""
    p = view.project
    flags: list[Flag] = []
    overdue = view.overdue_milestones
    if overdue:
        names = ", ".join(m.milestone.name for m in overdue[:3])
        more = f" and {len(overdue) - 3} more" if len(overdue) > 3 else ""
        shown_more = (
            i18n.gettext(" and %(n)s more") % {"n": i18n.format_number(len(overdue) - 3)}
            if len(overdue) > 3
            else ""
        )
        flags.append(
            Flag(
                "overdue-milestone",
                f"{plural(len(overdue), 'overdue milestone')}: {names}{more}",
                i18n.ngettext(
                    "%(n)s overdue milestone: %(names)s", "%(n)s overdue milestones: %(names)s", len(overdue)
                )
                % {"n": i18n.format_number(len(overdue)), "names": names + shown_more},
            )
        )
    if view.slip_class == "late":
        days = view.slip_days or 0
        flags.append(
            Flag(
                "forecast-past-end",
                f"forecast end is {plural(days, 'day')} after the committed end",
                i18n.gettext("forecast end is %(days)s after the committed end")
                % {"days": i18n.ngettext("%(n)s day", "%(n)s days", days) % {"n": i18n.format_number(days)}},
            )
        )
    if view.budget and view.budget.over_budget:
        pct = view.budget.spent_pct
        flags.append(
            Flag(
                "actual-over-planned",
                f"spent {format_percent(pct)} of the planned budget",
                i18n.gettext("spent %(pct)s of the planned budget") % {"pct": i18n.format_percent(pct)},
            )
        )
    elif view.budget and view.budget.variance and view.budget.variance > 0:
        pct = view.budget.variance_pct
        flags.append(
            Flag(
                "forecast-over-planned",
                f"forecast is {format_percent(pct)} over the planned budget",
                i18n.gettext("forecast is %(pct)s over the planned budget")
                % {"pct": i18n.format_percent(pct)},
            )
        )
    if p.state is State.ACTIVE:
        if p.status_date is None:
            flags.append(
                Flag(
                    "no-status-date",
                    "no status_date: when was the status assessed?",
                    i18n.gettext("no status_date: when was the status assessed?"),
                )
            )
        elif (as_of - p.status_date).days > stale_days:
            days = (as_of - p.status_date).days
            flags.append(
                Flag(
                    "stale-status",
                    f"status last assessed {days} days ago",
                    i18n.gettext("status last assessed %(days)s ago")
                    % {
                        "days": i18n.ngettext("%(n)s day", "%(n)s days", days)
                        % {"n": i18n.format_number(days)}
                    },
                )
            )
    return flags


def build_portfolio(loaded: LoadResult, as_of: dt.date) -> Portfolio:
    """Compute every rollup of the loaded portfolio, relative to ``as_of``."""
    config = loaded.config
    index = config.category_index()
    bands = config.risk_bands
    program_files = {vocab.normalize(e.model.title): e for e in loaded.programs}
    program_files_by_slug = {e.slug: e for e in loaded.programs}

    views: list[ProjectView] = []
    for entry in loaded.projects:
        p = entry.model
        view = ProjectView(
            slug=entry.slug, project=p, source=entry.rel, body=entry.doc.body, body_line=entry.doc.body_line
        )
        view.category = _category_ref(p.category, config, index)
        if p.program:
            matched = program_files.get(vocab.normalize(p.program)) or program_files_by_slug.get(
                slugify(p.program)
            )
            view.program_slug = matched.slug if matched else slugify(p.program)
        view.owner_slug = slugify(p.owner)
        view.tag_slugs = [TagRef(slugify(t), t) for t in p.tags]
        view.budget = _budget(p, config)
        view.team_names = [entry_person(e) for e in p.team]
        view.risks = [RiskView(view, i, r, r.score, bands.band(r.score)) for i, r in enumerate(p.risks)]
        view.milestones = [
            MilestoneView(
                view, i, m, overdue=(not m.done and m.date < as_of), days_from_today=(m.date - as_of).days
            )
            for i, m in enumerate(p.milestones)
        ]
        views.append(view)

    views.sort(key=lambda v: (v.title.lower(), v.slug))
    by_slug = {v.slug: v for v in views}
    for view in views:
        for dep in view.project.depends_on:
            target = by_slug.get(dep)
            if target:
                view.depends_on.append(target)
                target.dependents.append(view)
            else:
                view.missing_dependencies.append(dep)
    for view in views:
        view.dependents.sort(key=lambda v: v.title.lower())
        view.flags = _flags(view, as_of, config.stale_status_days)

    def group(kind: GroupKind, slug: str, title: str, items: Iterable[ProjectView], **details) -> Group:
        return Group(
            kind,
            slug,
            title,
            sorted(items, key=lambda v: (v.title.lower(), v.slug)),
            config.currency,
            **details,
        )

    phases = [
        group(
            GroupKind.PHASE,
            ph.value,
            ph.label,
            (v for v in views if v.project.phase is ph),
            description=vocab.PHASE_INFO[ph].focus,
        )
        for ph in Phase
    ]

    programs = _programs(views, loaded.programs, group)
    owners = _grouped(views, lambda v: [(v.owner_slug, v.project.owner)], GroupKind.OWNER, group)
    categories = _grouped(
        views,
        lambda v: [(v.category.slug, v.category.label)] if v.category else [],
        GroupKind.CATEGORY,
        group,
    )
    for cat in categories:
        known = next((c for c in config.categories if c.slug == cat.slug), None)
        if known:
            cat.description = known.shown_description()
    tags = _grouped(views, lambda v: v.tag_slugs, GroupKind.TAG, group)

    risks = sorted(
        (r for v in views for r in v.risks),
        key=lambda r: (not r.live, -r.score, r.project.title.lower(), r.index),
    )
    milestones = sorted(
        (m for v in views for m in v.milestones),
        key=lambda m: (m.milestone.date, m.project.title.lower(), m.index),
    )
    pages = sorted(
        (FreePage(e.slug, e.model, e.doc.body, e.doc.body_line, e.rel) for e in loaded.pages),
        key=lambda pg: (pg.page.order, pg.page.title.lower()),
    )

    capacity = None
    if loaded.has_people:
        capacity, members = build_capacity(loaded.people, views, as_of, config.people.publish)
        owner_pages = {v.slug: person.url for person in capacity.people for v in person.owned}
        for view in views:
            view.members = members.get(view.slug, [])
            view.team_names = [m.name for m in view.members]
            view.fte_load = capacity.project_load(view.slug)
            if capacity.publish:
                view.owner_person_url = owner_pages.get(view.slug, "")
    if not config.people.publish:
        for view in views:
            view.team_names = []

    return Portfolio(
        config=config,
        as_of=as_of,
        projects=views,
        programs=programs,
        owners=owners,
        categories=categories,
        tags=tags,
        phases=phases,
        pages=pages,
        risks=risks,
        milestones=milestones,
        quality=_quality(loaded, views, config.people.publish),
        diagnostics=loaded.diagnostics,
        rejected=sorted({r if config.people.publish else withheld_path(r) for r in loaded.rejected}),
        capacity=capacity,
    )


def _grouped(views, keys, kind, group) -> list[Group]:
    members: dict[str, dict[str, ProjectView]] = defaultdict(dict)  # keeps order, no repeats
    titles: dict[str, str] = {}
    for view in views:
        for slug, title in keys(view):
            members[slug][view.slug] = view
            titles.setdefault(slug, title)
    return sorted(
        (group(kind, slug, titles[slug], items.values()) for slug, items in members.items()),
        key=lambda g: (g.title.lower(), g.slug),
    )


def _programs(views: list[ProjectView], files: list[Entry[Program]], group) -> list[Group]:
    members: dict[str, list[ProjectView]] = defaultdict(list)
    names: dict[str, str] = {}
    for view in views:
        if view.program_slug:
            members[view.program_slug].append(view)
            names.setdefault(view.program_slug, view.project.program or view.program_slug)
    result = []
    for entry in files:
        result.append(
            group(
                GroupKind.PROGRAM,
                entry.slug,
                entry.model.title,
                members.pop(entry.slug, []),
                summary=entry.model.summary or "",
                owner=entry.model.owner,
                body=entry.doc.body,
                source=entry.rel,
                extra=entry.model.extra,
            )
        )
    result.extend(group(GroupKind.PROGRAM, slug, names[slug], items) for slug, items in members.items())
    return sorted(result, key=lambda g: (g.title.lower(), g.slug))


def _quality(loaded: LoadResult, views: list[ProjectView], publish: bool) -> list[QualityItem]:
    """The quality page's items, by file. People not published: every warning stays, at its
    place, without the names and figures of people (``load.people.withheld``)."""
    by_path: dict[str, list[Diagnostic]] = defaultdict(list)
    for d in loaded.diagnostics:
        shown = d if publish else withheld(d)
        by_path[shown.path].append(shown)
    view_by_path = {v.source: v for v in views}
    paths = sorted(set(by_path) | {v.source for v in views if v.flags}, key=str.lower)
    rejected = set(loaded.rejected) if publish else {withheld_path(r) for r in loaded.rejected}
    return [
        QualityItem(
            path,
            by_path.get(path, []),
            view_by_path[path].flags if path in view_by_path else [],
            view_by_path.get(path),
            path in rejected,
        )
        for path in paths
    ]


__all__ = [
    "BudgetRow",
    "BudgetTable",
    "Group",
    "Portfolio",
    "ProjectView",
    "RiskStatus",
    "budget_tables",
    "build_portfolio",
]
