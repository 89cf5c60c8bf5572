"""The arithmetic of people's load, in one place: months, days covered, shares and capacity.

A person's load in a month is the sum of their allocations, each weighted by the days of the
month its period covers: 50% from 16 March to 30 June is 50 × 16/31 = 26% of March and 50% of
April. Each allocation's share of a month is rounded to a whole percent (half up) before
anything is added, so a person's load, a team's total and the totals per program and phase
are sums of the same whole numbers and always add up. Capacity in a month is the person's
``capacity`` weighted the same way by the days they are available (not ``unavailable``).
FTE (full-time equivalents) = percent / 100.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from itpm_site.model.i18n import EN_MONTHS, N_
from itpm_site.model.people import Allocation, Person
from itpm_site.model.project import Project
from itpm_site.model.vocab import State

#: A calendar month, as the date of its first day.
Month = dt.date


def month_of(day: dt.date) -> Month:
    return day.replace(day=1)


def add_months(month: Month, n: int) -> Month:
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


@functools.cache  # called for every allocation's every month; there are few months
def days_in(month: Month) -> int:
    return calendar.monthrange(month.year, month.month)[1]


def last_day(month: Month) -> dt.date:
    return month.replace(day=days_in(month))


def months(start: dt.date, end: dt.date) -> Iterator[Month]:
    """Every month that the days from ``start`` to ``end`` (included) touch, in order."""
    month = month_of(start)
    while month <= end:
        yield month
        month = add_months(month, 1)


def next_months(as_of: dt.date, count: int) -> list[Month]:
    """The month of ``as_of`` and the ``count - 1`` after it."""
    first = month_of(as_of)
    return [add_months(first, i) for i in range(count)]


def covered_days(start: dt.date, end: dt.date, month: Month) -> int:
    """Days of ``month`` within ``start``..``end`` (both included)."""
    low = max(start, month)
    high = min(end, last_day(month))
    return max(0, (high - low).days + 1)


def round_half_up(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` (non-negative) to the nearest whole number, halves up
    (25/2 → 13), in integers: exact, and cheap enough to run for every allocation's month."""
    return (2 * numerator + denominator) // (2 * denominator)


def share(allocation: int, start: dt.date, end: dt.date, month: Month) -> int:
    """One allocation's load in ``month``, in whole percent of full time."""
    return round_half_up(allocation * covered_days(start, end, month), days_in(month))


def shares(allocation: int, start: dt.date, end: dt.date) -> dict[Month, int]:
    """One allocation's load in each month its period touches."""
    return {month: share(allocation, start, end, month) for month in months(start, end)}


def unavailable_days(periods: Iterable[tuple[dt.date, dt.date]], month: Month) -> int:
    """Days of ``month`` in at least one of the periods (overlapping periods count once)."""
    days: set[int] = set()
    for start, end in periods:
        low, high = max(start, month), min(end, last_day(month))
        days.update(range(low.day, high.day + 1) if low <= high else ())
    return len(days)


def available(capacity: int, periods: Iterable[tuple[dt.date, dt.date]], month: Month) -> int:
    """A person's capacity in ``month``, in whole percent: ``capacity`` weighted by the days
    of the month they are not unavailable."""
    total = days_in(month)
    free = total - unavailable_days(periods, month)
    return round_half_up(capacity * free, total)


def fte(percent: int) -> str:
    """Percent of full time as FTE with two decimals ('1.25'); exact, as percents are whole."""
    return f"{percent // 100}.{percent % 100:02d}"


def month_label(month: Month) -> str:
    """'Mar 2026': the pages' month (not locale-bound, as the pages' dates)."""
    return f"{EN_MONTHS[month.month - 1]} {month.year}"


def day_label(day: dt.date) -> str:
    """'14 Dec 2026': the pages' date, for messages shown on them."""
    return f"{day.day} {EN_MONTHS[day.month - 1]} {day.year}"


def overlap(a: tuple[dt.date, dt.date], b: tuple[dt.date, dt.date]) -> tuple[dt.date, dt.date] | None:
    """The days two periods share, if any."""
    low, high = max(a[0], b[0]), min(a[1], b[1])
    return (low, high) if low <= high else None


@dataclass(frozen=True)
class Assignment:
    """A ``team:`` entry of a project, with its period resolved."""

    index: int  # position in ``team:``
    person: str  # as written
    role: str
    allocation: int | None  # percent of full time; None when not stated
    start: dt.date | None  # ``from``, else the project's start
    end: dt.date | None  # ``to``, else the project's end
    #: Why the entry counts in no load ('' when it counts).
    not_counted: str = ""

    @property
    def counts(self) -> bool:
        return not self.not_counted

    @property
    def period(self) -> tuple[dt.date, dt.date]:
        assert self.start is not None and self.end is not None
        return self.start, self.end

    def shares(self) -> dict[Month, int]:
        """The entry's load in each month of its period (none when it does not count)."""
        if not self.counts or self.allocation is None:
            return {}
        return shares(self.allocation, *self.period)


def assignments(project: Project) -> list[Assignment]:
    """The project's ``team:`` entries; the one rule for what counts in anyone's load: an
    allocation with a percentage and a period, on a project that is not cancelled."""
    found = []
    for index, entry in enumerate(project.team):
        if isinstance(entry, Allocation):
            person, role, allocation = entry.person, entry.role or "", entry.allocation
            start, end = entry.start or project.start, entry.end or project.end
        else:
            person, role, allocation, start, end = entry, "", None, project.start, project.end
        if allocation is None:
            why = N_("no allocation stated")
        elif start is None or end is None:
            why = N_("no period: neither from/to nor the project's start/end")
        elif end < start:
            why = N_("the period ends before it starts")
        elif project.state is State.CANCELLED:
            why = N_("the project is cancelled")
        else:
            why = ""
        found.append(Assignment(index, person, role, allocation, start, end, why))
    return found


def person_loads(
    projects: Iterable[Project], find: Callable[[str], str | None]
) -> dict[str, dict[Month, int]]:
    """Each person's load per month, by slug, from the allocations of ``projects`` that count;
    ``find`` gives the slug of the person a team entry names (None: not in the directory)."""
    loads: dict[str, dict[Month, int]] = {}
    for project in projects:
        for a in assignments(project):
            slug = find(a.person)
            if slug is None:
                continue
            months = loads.setdefault(slug, {})
            for month, load in a.shares().items():
                months[month] = months.get(month, 0) + load
    return loads


def over_capacity(person: Person, loads: dict[Month, int]) -> list[tuple[Month, int, int]]:
    """(month, load, capacity available) of each month ``person`` is allocated above capacity."""
    periods = [(p.start, p.end) for p in person.unavailable]
    found = []
    for month in sorted(loads):
        limit = available(person.capacity, periods, month)
        if loads[month] > limit:
            found.append((month, loads[month], limit))
    return found
