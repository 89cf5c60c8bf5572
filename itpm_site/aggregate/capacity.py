"""People and capacity: each person's load month by month, per team, per program and per phase.

Every figure is a sum of the same whole-percent shares (``model.capacity``): a team's total
is the sum of its people, and the rows per program and per phase add up to the same total.
With ``people: {publish: false}`` the figures are the same; the pages show teams only.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol

from itpm_site.load.result import Entry
from itpm_site.model import capacity as cap
from itpm_site.model import i18n
from itpm_site.model.capacity import Assignment, Month
from itpm_site.model.people import Directory, Person
from itpm_site.model.project import Project
from itpm_site.model.slugs import slugify
from itpm_site.model.vocab import Phase


class ProjectView(Protocol):
    """What this module reads of a project view (``aggregate.portfolio``, which uses this
    module: a protocol keeps the import one way)."""

    slug: str
    project: Project
    program_slug: str | None

    @property
    def program_url(self) -> str: ...

    @property
    def title(self) -> str: ...

    @property
    def url(self) -> str: ...


#: Months on the capacity page, from the month of as_of.
HEATMAP_MONTHS = 12
#: "Over capacity soon": within this many months from the month of as_of.
SOON_MONTHS = 3
NO_TEAM = "No team"
#: A person's chart: at most this many months before the month of as_of, and after it (an
#: allocation to 2999 would otherwise make a page of twelve thousand months).
CHART_MONTHS_BEFORE = 24
CHART_MONTHS_AFTER = 35


@dataclass(frozen=True)
class Cell:
    """One month of a person or a group: load and capacity in whole percent of full time."""

    month: Month
    load: int
    available: int

    @property
    def over(self) -> bool:
        return self.load > self.available

    @property
    def label(self) -> str:
        return _month_label(self.month)

    @property
    def load_fte(self) -> str:
        return cap.fte(self.load)

    @property
    def available_fte(self) -> str:
        return cap.fte(self.available)

    @property
    def level(self) -> int:
        """Shade of the heat map: 0 (idle) to 4 (over capacity)."""
        if self.over:
            return 4
        if not self.available:
            return 0
        ratio = self.load / self.available
        return 0 if ratio == 0 else 1 if ratio < 0.5 else 2 if ratio < 0.9 else 3


@dataclass(eq=False)
class Member:
    """A ``team:`` entry as the project page shows it."""

    assignment: Assignment
    project: ProjectView
    person: PersonView | None  # None when the directory does not have them

    @property
    def name(self) -> str:
        return self.person.name if self.person else self.assignment.person

    @property
    def role(self) -> str:
        return self.assignment.role

    @property
    def allocation(self) -> int | None:
        return self.assignment.allocation

    @property
    def start(self) -> dt.date | None:
        return self.assignment.start

    @property
    def end(self) -> dt.date | None:
        return self.assignment.end


@dataclass(eq=False)
class PersonView:
    slug: str
    person: Person
    source: str
    body: str
    body_line: int
    as_of: dt.date
    members: list[Member] = field(default_factory=list)
    owned: list[ProjectView] = field(default_factory=list)
    #: Load per month, over every month any counted allocation touches.
    loads: dict[Month, int] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.person.name

    @property
    def team(self) -> str:
        return self.person.team or NO_TEAM

    @property
    def team_slug(self) -> str:
        return slugify(self.team)

    @property
    def url(self) -> str:
        return f"people/{self.slug}/"

    def cell(self, month: Month) -> Cell:
        periods = [(p.start, p.end) for p in self.person.unavailable]
        return Cell(month, self.loads.get(month, 0), cap.available(self.person.capacity, periods, month))

    def cells(self, months: Iterable[Month]) -> list[Cell]:
        return [self.cell(m) for m in months]

    @cached_property
    def this_month(self) -> Cell:
        return self.cell(cap.month_of(self.as_of))

    @cached_property
    def next_month(self) -> Cell:
        return self.cell(cap.add_months(cap.month_of(self.as_of), 1))

    @cached_property
    def over_soon(self) -> list[Cell]:
        """Months over capacity among the next SOON_MONTHS (from the month of as_of)."""
        return [c for c in self.cells(cap.next_months(self.as_of, SOON_MONTHS)) if c.over]

    @cached_property
    def chart_months(self) -> list[Cell]:
        """The months the person's chart shows: every month they have load, and the next
        twelve, without gaps; within CHART_MONTHS_BEFORE and _AFTER of the month of as_of."""
        window = cap.next_months(self.as_of, HEATMAP_MONTHS)
        now = window[0]
        first = max(min([*self.loads, now]), cap.add_months(now, -CHART_MONTHS_BEFORE))
        last = min(max([*self.loads, window[-1]]), cap.add_months(now, CHART_MONTHS_AFTER))
        return self.cells(cap.months(first, last))

    @property
    def chart_clipped(self) -> bool:
        """Some month of load lies outside the chart's months."""
        months = self.chart_months
        return any(m < months[0].month or m > months[-1].month for m, load in self.loads.items() if load)

    @property
    def owned_slugs(self) -> frozenset[str]:
        return frozenset(p.slug for p in self.owned)


@dataclass(eq=False)
class Row:
    """A group's months on the capacity page: a team (of people), a program or a phase."""

    title: str
    cells: list[Cell]
    people: list[PersonView] = field(default_factory=list)
    url: str = ""

    @property
    def slug(self) -> str:
        return slugify(self.title)


@dataclass(eq=False)
class Capacity:
    """The people directory with every load figure, relative to ``as_of``."""

    as_of: dt.date
    publish: bool
    people: list[PersonView]
    months: list[Month]
    teams: list[Row]
    total: Row
    programs: list[Row]
    phases: list[Row]
    #: Load per project (by slug) and month, from the same shares: a project's row of the
    #: programs' and phases' totals.
    project_loads: dict[str, dict[Month, int]] = field(default_factory=dict)

    def project_load(self, slug: str) -> int:
        """The project's load in the month of as_of, in whole percent of full time: the sum of
        the shares of that month of its allocations that count (people of the directory only)."""
        return self.project_loads.get(slug, {}).get(self.months[0], 0)

    @cached_property
    def by_slug(self) -> dict[str, PersonView]:
        return {p.slug: p for p in self.people}

    @cached_property
    def over_soon(self) -> list[PersonView]:
        """People over capacity in at least one of the next SOON_MONTHS months."""
        return [p for p in self.people if p.over_soon]

    @cached_property
    def soon_months(self) -> list[Month]:
        return self.months[:SOON_MONTHS]

    @cached_property
    def teams_over_soon(self) -> list[Row]:
        """Teams with someone over capacity in the next SOON_MONTHS months."""
        return [t for t in self.teams if any(p.over_soon for p in t.people)]

    @property
    def this_month(self) -> str:
        return _month_label(self.months[0])

    @property
    def next_month(self) -> str:
        return _month_label(self.months[1])


def build_capacity(
    people: list[Entry[Person]], views: Sequence[ProjectView], as_of: dt.date, publish: bool
) -> tuple[Capacity, dict[str, list[Member]]]:
    """The capacity of ``people`` against the allocations of ``views``; with the members of
    each project's team (by project slug)."""
    persons = sorted(
        (PersonView(e.slug, e.model, e.rel, e.doc.body, e.doc.body_line, as_of) for e in people),
        key=lambda p: (p.team.lower(), p.name.lower(), p.slug),
    )
    by_slug = {p.slug: p for p in persons}
    directory = Directory((p.slug, p.name) for p in persons)
    members: dict[str, list[Member]] = {}
    # Load per (person, month), and per (program, month) and (phase, month) from the same shares.
    by_program: dict[str, dict[Month, int]] = defaultdict(lambda: defaultdict(int))
    by_phase: dict[Phase, dict[Month, int]] = defaultdict(lambda: defaultdict(int))
    by_project: dict[str, dict[Month, int]] = defaultdict(lambda: defaultdict(int))
    program_titles: dict[str, tuple[str, str]] = {}
    for view in views:
        found = []
        for a in cap.assignments(view.project):
            slug = directory.find(a.person)
            person = by_slug.get(slug) if slug else None
            member = Member(a, view, person)
            found.append(member)
            if person is None:
                continue
            person.members.append(member)
            key = view.program_slug or ""
            program_titles.setdefault(
                key, (view.project.program or i18n.gettext("No program"), view.program_url if key else "")
            )
            for month, load in a.shares().items():
                person.loads[month] = person.loads.get(month, 0) + load
                by_program[key][month] += load
                by_phase[view.project.phase][month] += load
                by_project[view.slug][month] += load
        members[view.slug] = found
        owner = directory.find(view.project.owner)
        if owner:
            by_slug[owner].owned.append(view)

    months = cap.next_months(as_of, HEATMAP_MONTHS)
    teams: dict[str, list[PersonView]] = defaultdict(list)
    for p in persons:
        teams[p.team].append(p)

    def group_cells(group: list[PersonView]) -> list[Cell]:
        cells = [p.cells(months) for p in group]
        return [
            Cell(m, sum(c[i].load for c in cells), sum(c[i].available for c in cells))
            for i, m in enumerate(months)
        ]

    team_rows = [
        Row(name, group_cells(group), group)
        for name, group in sorted(teams.items(), key=lambda t: (t[0] == NO_TEAM, t[0].lower()))
    ]
    total = Row("All teams", group_cells(persons), persons)
    available = {c.month: c.available for c in total.cells}

    def rows(loads: dict, titles: Sequence[tuple[object, str, str]]) -> list[Row]:
        return [
            Row(
                title,
                [Cell(m, loads[key].get(m, 0) if key in loads else 0, available[m]) for m in months],
                url=url,
            )
            for key, title, url in titles
        ]

    program_order = sorted(
        ((k, t, u) for k, (t, u) in program_titles.items()), key=lambda r: (r[0] == "", r[1].lower())
    )
    return (
        Capacity(
            as_of=as_of,
            publish=publish,
            people=persons,
            months=months,
            teams=team_rows,
            total=total,
            programs=rows(by_program, program_order),
            phases=rows(by_phase, [(ph, ph.label, f"phases/{ph.value}/") for ph in Phase]),
            project_loads={slug: dict(loads) for slug, loads in by_project.items()},
        ),
        members,
    )


def _month_label(month: cap.Month) -> str:
    """A month as the pages name it, in the site's language: 'Jul 2026'."""
    return f"{i18n.month_names()[month.month - 1]} {month.year}"
