"""The change model: what changed between two versions of a portfolio, semantically.

``compare`` turns two loaded portfolios (``LoadResult``) into a ``PortfolioDiff`` — projects
added, removed, renamed; phase moves; status changes; the facts the field registry diffs
(owner, program, dates…); schedule slip; budget per field; risks and milestones. Its formats
are ``markdown`` (the pull-request comment) and ``json_format`` (for tools); ``history`` reads
it commit by commit.
Pure functions: reading the revisions from git is ``load.git``'s job.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from functools import cached_property
from typing import Any, Generic, NamedTuple, TypeVar

from itpm_site.diff.impact import Impact, portfolio_impact
from itpm_site.diff.people import (
    AllocationChange,
    AllocationChangeKind,
    NewOverCapacity,
    allocation_changes,
    directory,
    new_over_capacity,
)
from itpm_site.load.result import Entry, LoadResult
from itpm_site.model import registry
from itpm_site.model.diagnostic import Diagnostic
from itpm_site.model.money import eac, percent, project_figures
from itpm_site.model.project import Milestone, Project, Risk
from itpm_site.model.registry import Kind
from itpm_site.model.vocab import Phase, Status

# ------------------------------------------------------------------------------ the model


class ChangeKind(StrEnum):
    """How a project differs. A ``str``: the JSON and the templates see its value."""

    CHANGED = "changed"
    ADDED = "added"
    REMOVED = "removed"
    #: Valid in the base, but its file has errors in the head: not compared.
    INVALID = "invalid"


class RiskChangeKind(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    CLOSED = "closed"  # from a live status to one that is not
    REOPENED = "reopened"  # the other way
    STATUS = "status"  # another status, live or not as before
    RESCORED = "rescored"  # the same status, another probability or impact


class MilestoneChangeKind(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    MOVED = "moved"
    DONE = "done"
    REOPENED = "reopened"


@dataclass
class Snapshot:
    """One side of the comparison: a label for people, and what was loaded (None: no
    portfolio at that revision)."""

    label: str
    loaded: LoadResult | None
    commit: str | None = None

    @property
    def errors(self) -> list[Diagnostic]:
        return self.loaded.errors if self.loaded else []

    @property
    def project_count(self) -> int:
        return len(self.loaded.projects) if self.loaded else 0


@dataclass(frozen=True)
class FieldChange:
    field: str  # a fact of the registry
    old: Any
    new: Any

    @property
    def label(self) -> str:
        return registry.label(self.field)


@dataclass(frozen=True)
class DateChange:
    field: str  # a fact of the registry
    old: Any  # dt.date | None
    new: Any

    @property
    def label(self) -> str:
        return registry.label(self.field)

    @property
    def days(self) -> int | None:
        return (self.new - self.old).days if self.old and self.new else None


@dataclass(frozen=True)
class PhaseChange:
    old: Phase
    new: Phase

    @property
    def steps(self) -> int:
        return abs(self.new.order - self.old.order)

    @property
    def direction(self) -> str:
        return "forward" if self.new.order > self.old.order else "backward"


@dataclass(frozen=True)
class StatusChange:
    old: Status | None
    new: Status | None

    @property
    def turned_red(self) -> bool:
        return self.new is Status.RED and self.old is not Status.RED

    @property
    def direction(self) -> str:
        """worse | better | set | cleared"""
        if self.old is None:
            return "set"
        if self.new is None:
            return "cleared"
        return "worse" if self.new.order > self.old.order else "better"


@dataclass(frozen=True)
class SlipChange:
    """Schedule slip in days, before and after, by the project's rule (``Project.slip_days``)."""

    old: int | None
    new: int | None

    @property
    def days(self) -> int | None:
        return self.new - self.old if self.old is not None and self.new is not None else None


@dataclass(frozen=True)
class BudgetChange:
    field: str  # planned | actual | eac | variance (the money model's figures)
    old: Decimal | None
    new: Decimal | None
    currency: str
    old_currency: str

    @property
    def comparable(self) -> bool:
        return self.currency == self.old_currency and self.old is not None and self.new is not None

    @property
    def delta(self) -> Decimal | None:
        if self.old is None or self.new is None or self.currency != self.old_currency:
            return None
        return self.new - self.old

    @property
    def percent(self) -> Decimal | None:
        return percent(self.delta, self.old)


@dataclass(frozen=True)
class RiskState:
    probability: int
    impact: int
    score: int
    band: str
    status: str


@dataclass(frozen=True)
class RiskChange:
    """``change`` is the main change; ``old`` and ``new`` hold everything."""

    change: RiskChangeKind
    title: str
    old: RiskState | None
    new: RiskState | None

    @property
    def rescored(self) -> bool:
        return bool(self.old and self.new and self.old.score != self.new.score)


@dataclass(frozen=True)
class MilestoneChange:
    change: MilestoneChangeKind
    name: str
    old: Milestone | None
    new: Milestone | None

    @property
    def days(self) -> int | None:
        if self.old and self.new and self.old.date != self.new.date:
            return (self.new.date - self.old.date).days
        return None


@dataclass
class ProjectChange:
    """One project that differs, and how."""

    change: ChangeKind
    slug: str
    project: Project  # as it is in the head (as it was, for a removed project)
    path: str
    currency: str
    old_slug: str | None = None
    old_path: str | None = None
    #: 'base' for an added project whose file had errors in the base.
    invalid_in: str | None = None
    #: The project as it was in the base (changed projects only): history's stories and
    #: headline compare figures (such as the estimate at completion) of the two.
    old_project: Project | None = None
    phase: PhaseChange | None = None
    status: StatusChange | None = None
    fields: list[FieldChange] = field(default_factory=list)
    dates: list[DateChange] = field(default_factory=list)
    slip: SlipChange | None = None
    budget: list[BudgetChange] = field(default_factory=list)
    risks: list[RiskChange] = field(default_factory=list)
    milestones: list[MilestoneChange] = field(default_factory=list)
    depends_added: list[str] = field(default_factory=list)
    depends_removed: list[str] = field(default_factory=list)
    body_changed: bool = False
    #: The team's allocations added, removed or changed (``diff.people``).
    allocations: list[AllocationChange] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.project.title

    @property
    def renamed(self) -> bool:
        return self.old_slug is not None and self.old_slug != self.slug

    @property
    def moved(self) -> bool:
        return self.old_path is not None and self.old_path != self.path

    @property
    def turned_red(self) -> bool:
        return bool(self.status and self.status.turned_red)

    def is_empty(self) -> bool:
        return self.change is ChangeKind.CHANGED and not (
            self.renamed
            or self.moved
            or self.phase
            or self.status
            or self.fields
            or self.dates
            or self.slip
            or self.budget
            or self.risks
            or self.milestones
            or self.depends_added
            or self.depends_removed
            or self.body_changed
            or self.allocations
        )


@dataclass
class PortfolioDiff:
    base: Snapshot
    head: Snapshot
    projects: list[ProjectChange]

    def of_kind(self, change: ChangeKind) -> list[ProjectChange]:
        return [p for p in self.projects if p.change == change]

    def summary(self) -> dict[str, int]:
        changed = self.of_kind(ChangeKind.CHANGED)
        risks = [r for p in changed for r in p.risks]
        milestones = [m for p in changed for m in p.milestones]
        allocations = [a.change for p in changed for a in p.allocations]
        return {
            "added": len(self.of_kind(ChangeKind.ADDED)),
            "removed": len(self.of_kind(ChangeKind.REMOVED)),
            "renamed": sum(1 for p in changed if p.renamed),
            "changed": len(changed),
            "invalid": len(self.of_kind(ChangeKind.INVALID)),
            "turned_red": sum(1 for p in changed if p.turned_red),
            "status_worse": sum(1 for p in changed if p.status and p.status.direction == "worse"),
            "status_better": sum(1 for p in changed if p.status and p.status.direction == "better"),
            "phase_forward": sum(1 for p in changed if p.phase and p.phase.direction == "forward"),
            "phase_backward": sum(1 for p in changed if p.phase and p.phase.direction == "backward"),
            "risks_added": sum(1 for r in risks if r.change is RiskChangeKind.ADDED),
            "risks_closed": sum(1 for r in risks if r.change is RiskChangeKind.CLOSED),
            "milestones_done": sum(1 for m in milestones if m.change is MilestoneChangeKind.DONE),
            "milestones_moved": sum(1 for m in milestones if m.change is MilestoneChangeKind.MOVED),
            "allocations_added": allocations.count(AllocationChangeKind.ADDED),
            "allocations_removed": allocations.count(AllocationChangeKind.REMOVED),
            "allocations_changed": allocations.count(AllocationChangeKind.CHANGED),
            "over_capacity": len(self.over_capacity),
            "base_errors": len(self.base.errors),
            "head_errors": len(self.head.errors),
        }

    @cached_property
    def over_capacity(self) -> list[NewOverCapacity]:
        """The people the change puts over capacity, in the months it does."""
        return new_over_capacity(self.base.loaded, self.head.loaded)

    def impact(self) -> Impact:
        """Planned and EAC, head minus base, in the head's base currency where rates allow."""
        return portfolio_impact(self.base.loaded, self.head.loaded)

    @property
    def unchanged(self) -> bool:
        return not self.projects


# ------------------------------------------------------------------------------ comparing

T = TypeVar("T")


class Pair(NamedTuple, Generic[T]):
    """The same thing on the two sides: a project, a risk, a milestone."""

    old: T
    new: T


class Matched(NamedTuple, Generic[T]):
    pairs: list[Pair[T]]
    removed: list[T]  # only in the old list
    added: list[T]  # only in the new list


#: The budget figures compared, as the money model defines them (so the diff shows the
#: forecast at completion and the variance that the site shows).
BUDGET_FIELDS = ("planned", "actual", "eac", "variance")


def _key(text: str) -> str:
    return " ".join(text.casefold().split())


def _entries(snapshot: Snapshot) -> dict[str, Entry[Project]]:
    return {e.slug: e for e in snapshot.loaded.projects} if snapshot.loaded else {}


def _currency(entry: Entry[Project], loaded: LoadResult) -> str:
    budget = entry.model.budget
    return (budget.currency if budget and budget.currency else None) or loaded.config.currency


def compare(base: Snapshot, head: Snapshot, renames: Mapping[str, str] | None = None) -> PortfolioDiff:
    """The change model between ``base`` and ``head``.

    Projects are matched by slug; the rest are paired as renames when git saw the file renamed
    (``renames``: old path -> new path) or when the title is the same.
    """
    old, new = _entries(base), _entries(head)
    pairs = [Pair(old[s], new[s]) for s in sorted(old.keys() & new.keys())]
    gone = {s: old[s] for s in sorted(old.keys() - new.keys())}
    fresh = {s: new[s] for s in sorted(new.keys() - old.keys())}

    by_path = {e.rel: s for s, e in fresh.items()}
    for slug, entry in list(gone.items()):
        target = by_path.get((renames or {}).get(entry.rel, ""))
        if target in fresh:
            pairs.append(Pair(gone.pop(slug), fresh.pop(target)))
    titles: dict[str, list[str]] = {}
    for slug, entry in fresh.items():
        titles.setdefault(_key(entry.model.title), []).append(slug)
    for slug, entry in list(gone.items()):
        same = titles.get(_key(entry.model.title), [])
        if len(same) == 1 and same[0] in fresh:
            pairs.append(Pair(gone.pop(slug), fresh.pop(same[0])))

    changes: list[ProjectChange] = []
    for a, b in pairs:
        change = _compare_project(a, b, _loaded(base), _loaded(head))
        if not change.is_empty():
            changes.append(change)
    head_broken = set(head.loaded.rejected) if head.loaded else set()
    head_broken_slugs = head.loaded.rejected_slugs if head.loaded else set()
    base_broken = set(base.loaded.rejected) if base.loaded else set()
    for slug, entry in gone.items():
        invalid = entry.rel in head_broken or slug in head_broken_slugs
        changes.append(
            ProjectChange(
                ChangeKind.INVALID if invalid else ChangeKind.REMOVED,
                slug,
                entry.model,
                entry.rel,
                _currency(entry, _loaded(base)),
            )
        )
    for slug, entry in fresh.items():
        changes.append(
            ProjectChange(
                ChangeKind.ADDED,
                slug,
                entry.model,
                entry.rel,
                _currency(entry, _loaded(head)),
                invalid_in="base" if entry.rel in base_broken else None,
            )
        )
    order = list(ChangeKind)  # changed, added, removed, invalid
    changes.sort(key=lambda c: (order.index(c.change), not c.turned_red, c.title.lower(), c.slug))
    return PortfolioDiff(base, head, changes)


def _loaded(snapshot: Snapshot) -> LoadResult:
    """What a side loaded: asked only for a side that has projects, so one that loaded."""
    assert snapshot.loaded is not None
    return snapshot.loaded


def _compare_project(
    a: Entry[Project], b: Entry[Project], base: LoadResult, head: LoadResult
) -> ProjectChange:
    p, q = a.model, b.model
    change = ProjectChange(
        ChangeKind.CHANGED,
        b.slug,
        q,
        b.rel,
        _currency(b, head),
        old_slug=a.slug,
        old_path=a.rel,
        old_project=p,
    )
    if p.phase is not q.phase:
        change.phase = PhaseChange(p.phase, q.phase)
    if p.status is not q.status:
        change.status = StatusChange(p.status, q.status)
    # The facts the field registry diffs, as the two front matters give them.
    for fact in registry.facts_for("diff"):
        old, new = fact.value_of(p), fact.value_of(q)
        if old != new:
            if fact.kind is Kind.DATE:
                change.dates.append(DateChange(fact.name, old, new))
            else:
                change.fields.append(FieldChange(fact.name, old, new))
    old_slip, new_slip = p.slip_days, q.slip_days
    if old_slip != new_slip:
        change.slip = SlipChange(old_slip, new_slip)
    change.budget = _budget_changes(a, b, base, head)
    bands_old, bands_new = base.config.risk_bands, head.config.risk_bands
    change.risks = _risk_changes(p.risks, q.risks, bands_old.band, bands_new.band)
    change.milestones = _milestone_changes(p.milestones, q.milestones)
    change.depends_added = [d for d in q.depends_on if d not in p.depends_on]
    change.depends_removed = [d for d in p.depends_on if d not in q.depends_on]
    change.body_changed = a.doc.body.strip() != b.doc.body.strip()
    change.allocations = allocation_changes(p, q, directory(base), directory(head))
    return change


def _budget_changes(
    a: Entry[Project], b: Entry[Project], base: LoadResult, head: LoadResult
) -> list[BudgetChange]:
    old_cur, new_cur = _currency(a, base), _currency(b, head)
    before, after = _budget_figures(a.model, old_cur), _budget_figures(b.model, new_cur)
    out = []
    for name in BUDGET_FIELDS:
        old, new = before[name], after[name]
        if old != new or (old is not None and new is not None and old_cur != new_cur):
            out.append(BudgetChange(name, old, new, new_cur, old_cur))
    return out


def _budget_figures(project: Project, currency: str) -> dict[str, Decimal | None]:
    """A project's planned, actual, EAC and variance, in whole units, as the site counts them."""
    b = project.budget
    if b is None:
        return dict.fromkeys(BUDGET_FIELDS)
    figures = project_figures(b.planned, b.actual, b.forecast, currency)
    if figures is None:  # no planned budget: no variance, the EAC is the forecast as written
        return {"planned": None, "actual": b.actual, "eac": eac(b.planned, b.forecast), "variance": None}
    return {
        "planned": figures.planned,
        "actual": figures.actual if figures.has_actual else None,
        "eac": figures.eac,
        "variance": figures.variance,
    }


def _match(old: Iterable[T], new: Iterable[T], name: Callable[[T], str]) -> Matched[T]:
    """Items matched by normalised name, in order."""
    new = list(new)
    pending: dict[str, list[T]] = {}
    for item in new:
        pending.setdefault(_key(name(item)), []).append(item)
    pairs: list[Pair[T]] = []
    removed: list[T] = []
    for item in old:
        same = pending.get(_key(name(item)))
        if same:
            pairs.append(Pair(item, same.pop(0)))
        else:
            removed.append(item)
    matched = {id(pair.new) for pair in pairs}
    return Matched(pairs, removed, [item for item in new if id(item) not in matched])


def _risk_state(risk: Risk, band) -> RiskState:
    return RiskState(risk.probability, risk.impact, risk.score, band(risk.score), risk.status.value)


def _risk_changes(old: list[Risk], new: list[Risk], band_old, band_new) -> list[RiskChange]:
    pairs, removed, added = _match(old, new, lambda r: r.title)
    out = []
    for a, b in pairs:
        before, after = _risk_state(a, band_old), _risk_state(b, band_new)
        if before == after:
            continue
        if a.status is not b.status:
            kind = (
                RiskChangeKind.CLOSED
                if a.status.is_live and not b.status.is_live
                else RiskChangeKind.REOPENED
                if b.status.is_live and not a.status.is_live
                else RiskChangeKind.STATUS
            )
        else:
            kind = RiskChangeKind.RESCORED
        out.append(RiskChange(kind, b.title, before, after))
    out += [RiskChange(RiskChangeKind.REMOVED, r.title, _risk_state(r, band_old), None) for r in removed]
    out += [RiskChange(RiskChangeKind.ADDED, r.title, None, _risk_state(r, band_new)) for r in added]
    return out


def _milestone_changes(old: list[Milestone], new: list[Milestone]) -> list[MilestoneChange]:
    pairs, removed, added = _match(old, new, lambda m: m.name)
    out = []
    for a, b in pairs:
        if a.done != b.done:
            out.append(
                MilestoneChange(
                    MilestoneChangeKind.DONE if b.done else MilestoneChangeKind.REOPENED, b.name, a, b
                )
            )
        elif a.date != b.date:
            out.append(MilestoneChange(MilestoneChangeKind.MOVED, b.name, a, b))
    out += [MilestoneChange(MilestoneChangeKind.REMOVED, m.name, m, None) for m in removed]
    out += [MilestoneChange(MilestoneChangeKind.ADDED, m.name, None, m) for m in added]
    return out
