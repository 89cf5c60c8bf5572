"""The rules across files that the people directory (content/people/) brings.

When the directory exists, every ``team:`` entry names one of its people (an unknown name is
an error: the person's load would silently miss the allocation). A period outside the
project's dates or over the person's leave, and a load above capacity, are warnings: the
figures are what the files say, but someone should look.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from itpm_site.model import capacity as cap
from itpm_site.model.diagnostic import Diagnostic
from itpm_site.model.people import Directory, Person
from itpm_site.model.project import Project
from itpm_site.model.vocab import normalize

if TYPE_CHECKING:
    from itpm_site.load.diagnostics import Collector
    from itpm_site.load.result import Claim, Entry, LoadResult

#: Months named one by one in an over-capacity warning; the rest are counted.
MAX_MONTHS_NAMED = 4

#: Where person files are, relative to the portfolio.
PEOPLE_FOLDER = "content/people/"

#: What the site says instead of a people check's message when people are not published (the
#: message names the person, their load and their leave; ``check`` still shows it in full).
WITHHELD = {
    "unknown-person": "a team entry names no person of content/people/",
    "duplicate-person": "two files of content/people/ give the same name",
    "allocation-period": "an allocation has no period, so it counts in no load",
    "allocation-outside-project": "an allocation's period is outside the project's dates",
    "allocation-unavailable": "an allocation overlaps a period its person is unavailable",
    "over-capacity": "an allocation here takes its person above their capacity",
}
WITHHELD_HINT = "people are not published: run itpm-site check to see who and when"


#: The allocations that count in a person's month: (project, entry, its load that month).
Loads = dict[cap.Month, list[tuple["Entry[Project]", cap.Assignment, int]]]


def withheld(d: Diagnostic) -> Diagnostic:
    """``d`` as a site that does not publish people shows it: a people check without the
    person's name and figures, and a person file's problem under content/people/ without the
    file's name (its slug). Position, field, severity and code stay."""
    if d.path.startswith(PEOPLE_FOLDER):
        message = WITHHELD.get(d.code) or f"a person file has {'an error' if d.is_error else 'a warning'}"
        return dataclasses.replace(
            d, path=PEOPLE_FOLDER, message=message, hint=WITHHELD_HINT, source_line="", suggestion=""
        )
    if d.code in WITHHELD:
        return dataclasses.replace(
            d, message=WITHHELD[d.code], hint=WITHHELD_HINT, source_line="", suggestion=""
        )
    return d


def withheld_path(path: str) -> str:
    """A file's path as a site that does not publish people names it."""
    return PEOPLE_FOLDER if path.startswith(PEOPLE_FOLDER) else path


def check_people(result: LoadResult, projects: list[Claim], people: list[Claim], out: Collector) -> None:
    """Check people files against each other and every project's team against them (the
    team of a project file left out for an error of its own too)."""
    if not result.has_people:
        return
    _duplicate_names(people, out)
    directory = Directory((c.slug, c.name or c.slug) for c in people)
    for project in projects:
        for index, person, plain in project.team:
            _known(project, index, person, plain, directory, out)
    valid = {e.slug: e.model for e in result.people}
    # A person whose file has an error of its own is in the directory (not "unknown"), but
    # their load is not checked until the file is valid.
    loads: dict[str, Loads] = defaultdict(lambda: defaultdict(list))
    for entry in result.projects:
        seen: dict[tuple, int] = {}
        for a in cap.assignments(entry.model):
            slug = directory.find(a.person)
            if slug is None:
                continue
            _repeated(entry, a, slug, seen, out)
            _reversed_period(entry, a, out)
            if slug not in valid:
                continue
            _period_warnings(entry, a, valid[slug], out)
            for month, load in a.shares().items():
                if load:
                    loads[slug][month].append((entry, a, load))
    for slug, by_month in loads.items():
        _over_capacity(valid[slug], by_month, out)


def _repeated(
    entry: Entry[Project], a: cap.Assignment, slug: str, seen: dict[tuple, int], out: Collector
) -> None:
    """One person over one period listed twice on a project (by name and by slug, or once
    with the project's dates written out) would count twice in their load. A plain name beside
    an allocation of the same person counts in no load, so it is no repeat of a figure."""
    if a.allocation is None:
        return
    key = (slug, a.start, a.end)
    if key in seen:
        out.error(
            entry.doc,
            ("team", a.index),
            f"'{a.person}' is already on this team for the same period (item {seen[key] + 1} of 'team'): "
            "their load would count twice",
            "keep one entry per person and period: add the allocations up, or give each its own from/to",
            code="repeated-item",
        )
    else:
        seen[key] = a.index


def _reversed_period(entry: Entry[Project], a: cap.Assignment, out: Collector) -> None:
    """A period that ends before it starts once the project's dates fill in the missing end
    (``to`` before the project's start, ``from`` after its end): the allocation would count
    in no load."""
    if a.allocation is None or a.start is None or a.end is None or a.end >= a.start:
        return
    item = entry.model.team[a.index]
    written_to = getattr(item, "end", None) is not None
    project = entry.model
    if written_to:
        message = (
            f"the allocation ends {cap.day_label(a.end)}, before it starts on the project's start "
            f"({cap.day_label(a.start)}): it would count in no load"
        )
    else:
        message = (
            f"the allocation starts {cap.day_label(a.start)}, after it ends on the project's end "
            f"({cap.day_label(project.end or a.end)}): it would count in no load"
        )
    out.error(
        entry.doc,
        _where(entry, a, "to" if written_to else "from"),
        message,
        "write both 'from' and 'to' within the project's dates, or move the project's dates",
        code="allocation-period",
    )


def _duplicate_names(people: list[Claim], out: Collector) -> None:
    by_name: dict[str, list[Claim]] = defaultdict(list)
    for claim in people:
        if claim.name:
            by_name[normalize(claim.name)].append(claim)
    for same in by_name.values():
        if len(same) < 2:
            continue
        for claim in same:
            others = ", ".join(o.rel for o in same if o is not claim)
            out.error(
                claim.doc,
                ("name",),
                f"'{claim.name}' is also the name of {others}: a team entry naming them could mean either",
                "keep one file per person; two people of one name need names that tell them apart",
                code="duplicate-person",
            )


def _known(
    project: Claim, index: int, person: str, plain: bool, directory: Directory, out: Collector
) -> None:
    if directory.find(person) is not None:
        return
    close = directory.suggest(person)
    out.error(
        project.doc,
        ("team", index) if plain else ("team", index, "person"),
        f"no person in content/people/ is called '{person}'"
        + (f"; did you mean '{close}'?" if close else ""),
        "write the name or slug of a person of content/people/ (or add a file for them)"
        + (f", e.g. '{close}'" if close else ""),
        code="unknown-person",
        suggestion=close or "",
    )


def _written(entry: Entry[Project], a: cap.Assignment) -> str | None:
    """The entry as a plain name, if it is written as one."""
    item = entry.model.team[a.index]
    return item if isinstance(item, str) else None


def _where(entry: Entry[Project], a: cap.Assignment, key: str) -> tuple:
    # A plain-name entry has no 'from'/'to' of its own: point at the entry.
    return ("team", a.index) if _written(entry, a) is not None else ("team", a.index, key)


def _period_warnings(entry: Entry[Project], a: cap.Assignment, person: Person, out: Collector) -> None:
    project = entry.model
    if a.allocation is not None and (a.start is None or a.end is None):
        out.warning(
            entry.doc,
            ("team", a.index),
            f"the allocation of {person.name} has no period, so it counts in no load",
            "give it 'from' and 'to', or give the project its start and end",
            code="allocation-period",
        )
        return
    if a.start is None or a.end is None:
        return
    last = project.effective_forecast_end
    if project.start is not None and a.start < project.start:
        out.warning(
            entry.doc,
            _where(entry, a, "from"),
            f"{person.name}'s allocation starts {cap.day_label(a.start)}, before the project starts "
            f"({cap.day_label(project.start)})",
            "allocate within the project's dates, or move the project's start",
            code="allocation-outside-project",
        )
    if last is not None and a.end > last:
        out.warning(
            entry.doc,
            _where(entry, a, "to"),
            f"{person.name}'s allocation ends {cap.day_label(a.end)}, after the project ends "
            f"({cap.day_label(last)})",
            "allocate within the project's dates, or move the project's end",
            code="allocation-outside-project",
        )
    if not a.allocation:
        return
    for period in person.unavailable:
        shared = cap.overlap(a.period, (period.start, period.end))
        if shared:
            out.warning(
                entry.doc,
                ("team", a.index),
                f"{person.name} is unavailable from {cap.day_label(period.start)} to "
                f"{cap.day_label(period.end)}, which overlaps this allocation "
                f"({cap.day_label(a.start)} to {cap.day_label(a.end)})",
                "their capacity is reduced for those days: shorten the allocation, or plan cover",
                code="allocation-unavailable",
            )


def _over_capacity(
    person: Person,
    by_month: dict[cap.Month, list[tuple[Entry[Project], cap.Assignment, int]]],
    out: Collector,
) -> None:
    """A warning at each allocation that counts in a month the person is over capacity."""
    over: list[tuple[cap.Month, int, int]] = []
    for month in sorted(by_month):
        total = sum(load for _, _, load in by_month[month])
        limit = cap.available(person.capacity, _periods(person), month)
        if total > limit:
            over.append((month, total, limit))
    if not over:
        return
    contributions: dict[tuple[str, int], tuple[Entry[Project], cap.Assignment, list[cap.Month]]] = {}
    for month, _, _ in over:
        for entry, a, _load in by_month[month]:
            key = (entry.rel, a.index)
            contributions.setdefault(key, (entry, a, []))[2].append(month)
    for entry, a, months in contributions.values():
        others = sorted(
            {e.model.title for month in months for e, _, _ in by_month[month] if e.rel != entry.rel},
            key=str.lower,
        )
        figures = [f"{cap.month_label(m)} ({t}%, capacity {lim}%)" for m, t, lim in over if m in months]
        shown = ", ".join(figures[:MAX_MONTHS_NAMED])
        if len(figures) > MAX_MONTHS_NAMED:
            shown += f" and {len(figures) - MAX_MONTHS_NAMED} more months"
        message = f"{person.name} is allocated above capacity in {shown}"
        message += f"; other projects: {', '.join(others)}" if others else "; on this project alone"
        out.warning(
            entry.doc,
            ("team", a.index),
            message,
            "lower an allocation, shorten a period, or move work to someone with room",
            code="over-capacity",
        )


def _periods(person: Person) -> Iterable[tuple]:
    return [(p.start, p.end) for p in person.unavailable]
