"""What a change does to people: the allocations of a project's ``team:`` added, removed or
changed, and the people it puts over capacity.

A ``team:`` entry is matched across the two sides by the person it names (their slug in
content/people/ when the directory has them, else the name as written); a person listed
twice on one project (two periods) is matched period by period, same dates first. Periods
are compared as they count: ``from``/``to``, else the project's start and end.

"Newly over capacity" is a person and the months in which their load (``model.capacity``)
is above their capacity in the head but was not in the base: the months a change makes
over, whichever project's allocation it touched, the new projects' included.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum

from itpm_site.load.result import LoadResult
from itpm_site.model import capacity as cap
from itpm_site.model.people import Directory
from itpm_site.model.project import Project
from itpm_site.model.vocab import normalize


class AllocationChangeKind(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"


@dataclass(frozen=True)
class AllocationState:
    """A team entry as it counts: role, percent of full time, and its period."""

    role: str
    allocation: int | None
    start: dt.date | None
    end: dt.date | None


@dataclass(frozen=True)
class AllocationChange:
    change: AllocationChangeKind
    #: The person's name (as the directory writes it; as the entry does without one).
    person: str
    #: Their slug in content/people/ ('' when the directory does not have them).
    slug: str
    old: AllocationState | None
    new: AllocationState | None

    @property
    def fields(self) -> list[str]:
        """What changed of a changed allocation: 'allocation', 'from', 'to', 'role'."""
        if self.old is None or self.new is None:
            return []
        pairs = (
            ("allocation", self.old.allocation, self.new.allocation),
            ("from", self.old.start, self.new.start),
            ("to", self.old.end, self.new.end),
            ("role", self.old.role, self.new.role),
        )
        return [name for name, a, b in pairs if a != b]


@dataclass(frozen=True)
class OverMonth:
    month: cap.Month
    load: int
    capacity: int
    #: The person's load and capacity that month in the base (None: not in the base's directory).
    base_load: int | None
    base_capacity: int | None

    @property
    def label(self) -> str:
        return cap.month_label(self.month)


@dataclass(frozen=True)
class NewOverCapacity:
    """A person the change puts over capacity, in the months it does."""

    person: str
    slug: str
    months: list[OverMonth]
    #: The head's projects with an allocation of theirs in those months: (slug, title).
    projects: list[tuple[str, str]]


def directory(loaded: LoadResult | None) -> Directory:
    return Directory((e.slug, e.model.name) for e in loaded.people) if loaded else Directory(())


def _key(written: str, people: Directory) -> str:
    return people.find(written) or "~" + normalize(written)


def _state(a: cap.Assignment) -> AllocationState:
    return AllocationState(a.role, a.allocation, a.start, a.end)


def allocation_changes(
    old: Project, new: Project, base: Directory, head: Directory
) -> list[AllocationChange]:
    """The team entries of one project, base ``old`` against head ``new``."""
    before: dict[str, list[cap.Assignment]] = defaultdict(list)
    after: dict[str, list[cap.Assignment]] = defaultdict(list)
    for a in cap.assignments(old):
        before[_key(a.person, base)].append(a)
    for a in cap.assignments(new):
        after[_key(a.person, head)].append(a)

    def name(key: str, written: str) -> tuple[str, str]:
        if key.startswith("~"):
            return written, ""
        return head.names.get(key) or base.names.get(key) or written, key

    out: list[AllocationChange] = []
    for key in list(dict.fromkeys([*before, *after])):
        olds, news = list(before.get(key, [])), list(after.get(key, []))
        person, slug = name(key, (news or olds)[0].person)
        pairs = []
        for a in list(olds):  # the same period first, then in order
            same = next((b for b in news if (b.start, b.end) == (a.start, a.end)), None)
            if same is not None:
                pairs.append((a, same))
                olds.remove(a)
                news.remove(same)
        n = min(len(olds), len(news))
        pairs += zip(olds[:n], news[:n], strict=True)
        kind = AllocationChangeKind
        out += [
            AllocationChange(kind.CHANGED, person, slug, _state(a), _state(b))
            for a, b in pairs
            if _state(a) != _state(b)
        ]
        out += [AllocationChange(kind.REMOVED, person, slug, _state(a), None) for a in olds[n:]]
        out += [AllocationChange(kind.ADDED, person, slug, None, _state(b)) for b in news[n:]]
    return out


def new_over_capacity(base: LoadResult | None, head: LoadResult | None) -> list[NewOverCapacity]:
    """The people over capacity in the head in months they were not in the base, by name."""
    if head is None or not head.people:
        return []
    head_dir, base_dir = directory(head), directory(base)
    head_loads = cap.person_loads((e.model for e in head.projects), head_dir.find)
    base_loads = cap.person_loads((e.model for e in base.projects), base_dir.find) if base else {}
    base_people = {e.slug: e.model for e in base.people} if base else {}
    found = []
    for entry in head.people:
        over = cap.over_capacity(entry.model, head_loads.get(entry.slug, {}))
        if not over:
            continue
        was = base_people.get(entry.slug)
        already: dict[cap.Month, tuple[int, int]] = {}
        if was is not None:
            periods = [(p.start, p.end) for p in was.unavailable]
            loads = base_loads.get(entry.slug, {})
            already = {m: (loads.get(m, 0), cap.available(was.capacity, periods, m)) for m, _, _ in over}
        months = [
            OverMonth(m, load, limit, *already.get(m, (None, None)))
            for m, load, limit in over
            if m not in already or already[m][0] <= already[m][1]
        ]
        if months:
            projects = _projects(head, entry.slug, months)
            found.append(NewOverCapacity(entry.model.name, entry.slug, months, projects))
    return sorted(found, key=lambda o: (o.person.lower(), o.slug))


def _projects(head: LoadResult, slug: str, months: list[OverMonth]) -> list[tuple[str, str]]:
    people = directory(head)
    wanted = {m.month for m in months}
    found = []
    for entry in head.projects:
        for a in cap.assignments(entry.model):
            if people.find(a.person) == slug and any(a.shares().get(m) for m in wanted):
                found.append((entry.slug, entry.model.title))
                break
    return sorted(found, key=lambda p: (p[1].lower(), p[0]))
