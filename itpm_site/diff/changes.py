"""What changed between two versions of a portfolio, semantically, for a pull request.

``compare`` turns two loaded portfolios (``LoadResult``) into a change model — projects added,
removed, renamed; phase moves; status changes; owner, program and date changes; schedule slip;
budget per field; risks and milestones — and ``format_markdown`` / ``format_json`` show it.
Pure functions: reading the revisions from git is ``gitsource``'s job.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from itpm_site.load.diagnostics import Diagnostic, valid_utf8_json
from itpm_site.load.result import Entry, LoadResult
from itpm_site.model.money import (
    eac,
    format_amount,
    format_percent,
    percent,
    project_figures,
)
from itpm_site.model.project import Milestone, Project, Risk
from itpm_site.model.vocab import Phase, Status

#: The version of the JSON shape (``--format json``); bumped on incompatible changes only.
DIFF_FORMAT_VERSION = 1

#: Errors listed per side in the Markdown report; the rest are counted.
MAX_LISTED_ERRORS = 10

# ------------------------------------------------------------------------------ the model


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
    field: str
    old: Any
    new: Any


@dataclass(frozen=True)
class DateChange:
    field: str
    old: Any  # dt.date | None
    new: Any

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
    """Schedule slip (forecast end − committed end) in days, before and after."""

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
        return self.new - self.old if self.comparable else None

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
    """``change``: added | removed | closed | reopened | status | rescored (the main one;
    ``old`` and ``new`` hold everything)."""

    change: str
    title: str
    old: RiskState | None
    new: RiskState | None

    @property
    def rescored(self) -> bool:
        return bool(self.old and self.new and self.old.score != self.new.score)


@dataclass(frozen=True)
class MilestoneChange:
    """``change``: added | removed | moved | done | reopened."""

    change: str
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
    """One project that differs. ``change``: added | removed | changed | invalid (valid in
    the base, but its file has errors in the head: not compared)."""

    change: str
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
        return self.change == "changed" and not (
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
        )


@dataclass
class PortfolioDiff:
    base: Snapshot
    head: Snapshot
    projects: list[ProjectChange]

    def of_kind(self, change: str) -> list[ProjectChange]:
        return [p for p in self.projects if p.change == change]

    def summary(self) -> dict[str, int]:
        changed = self.of_kind("changed")
        risks = [r for p in changed for r in p.risks]
        milestones = [m for p in changed for m in p.milestones]
        return {
            "added": len(self.of_kind("added")),
            "removed": len(self.of_kind("removed")),
            "renamed": sum(1 for p in changed if p.renamed),
            "changed": len(changed),
            "invalid": len(self.of_kind("invalid")),
            "turned_red": sum(1 for p in changed if p.turned_red),
            "status_worse": sum(1 for p in changed if p.status and p.status.direction == "worse"),
            "status_better": sum(1 for p in changed if p.status and p.status.direction == "better"),
            "phase_forward": sum(1 for p in changed if p.phase and p.phase.direction == "forward"),
            "phase_backward": sum(1 for p in changed if p.phase and p.phase.direction == "backward"),
            "risks_added": sum(1 for r in risks if r.change == "added"),
            "risks_closed": sum(1 for r in risks if r.change == "closed"),
            "milestones_done": sum(1 for m in milestones if m.change == "done"),
            "milestones_moved": sum(1 for m in milestones if m.change == "moved"),
            "base_errors": len(self.base.errors),
            "head_errors": len(self.head.errors),
        }

    @property
    def unchanged(self) -> bool:
        return not self.projects


# ------------------------------------------------------------------------------ comparing

#: Text fields compared as they are written.
TEXT_FIELDS = (
    "title",
    "state",
    "owner",
    "sponsor",
    "program",
    "category",
    "priority",
    "status_note",
    "progress",
)
DATE_FIELDS = ("start", "end", "forecast_end")
#: The budget figures compared, as the money model defines them (so the diff shows the
#: forecast at completion and the variance that the site shows).
BUDGET_FIELDS = ("planned", "actual", "eac", "variance")
BUDGET_LABELS = {
    "planned": "Budget planned",
    "actual": "Budget actual",
    "eac": "Forecast at completion (EAC)",
    "variance": "Variance",
}


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
    pairs: list[tuple[Entry[Project], Entry[Project]]] = [
        (old[s], new[s]) for s in sorted(old.keys() & new.keys())
    ]
    gone = {s: old[s] for s in sorted(old.keys() - new.keys())}
    fresh = {s: new[s] for s in sorted(new.keys() - old.keys())}

    by_path = {e.rel: s for s, e in fresh.items()}
    for slug, entry in list(gone.items()):
        target = by_path.get((renames or {}).get(entry.rel, ""))
        if target in fresh:
            pairs.append((gone.pop(slug), fresh.pop(target)))
    titles: dict[str, list[str]] = {}
    for slug, entry in fresh.items():
        titles.setdefault(_key(entry.model.title), []).append(slug)
    for slug, entry in list(gone.items()):
        same = titles.get(_key(entry.model.title), [])
        if len(same) == 1 and same[0] in fresh:
            pairs.append((gone.pop(slug), fresh.pop(same[0])))

    changes: list[ProjectChange] = []
    for a, b in pairs:
        change = _compare_project(a, b, base.loaded, head.loaded)  # type: ignore[arg-type]
        if not change.is_empty():
            changes.append(change)
    head_broken = set(head.loaded.rejected) if head.loaded else set()
    head_broken_slugs = head.loaded.rejected_slugs if head.loaded else set()
    base_broken = set(base.loaded.rejected) if base.loaded else set()
    for slug, entry in gone.items():
        invalid = entry.rel in head_broken or slug in head_broken_slugs
        changes.append(
            ProjectChange(
                "invalid" if invalid else "removed",
                slug,
                entry.model,
                entry.rel,
                _currency(entry, base.loaded),
            )
        )  # type: ignore
    for slug, entry in fresh.items():
        changes.append(
            ProjectChange(
                "added",
                slug,
                entry.model,
                entry.rel,
                _currency(entry, head.loaded),  # type: ignore[arg-type]
                invalid_in="base" if entry.rel in base_broken else None,
            )
        )
    order = {"changed": 0, "added": 1, "removed": 2, "invalid": 3}
    changes.sort(key=lambda c: (order[c.change], not c.turned_red, c.title.lower(), c.slug))
    return PortfolioDiff(base, head, changes)


def _compare_project(
    a: Entry[Project], b: Entry[Project], base: LoadResult, head: LoadResult
) -> ProjectChange:
    p, q = a.model, b.model
    change = ProjectChange(
        "changed", b.slug, q, b.rel, _currency(b, head), old_slug=a.slug, old_path=a.rel, old_project=p
    )
    if p.phase is not q.phase:
        change.phase = PhaseChange(p.phase, q.phase)
    if p.status is not q.status:
        change.status = StatusChange(p.status, q.status)
    change.fields = [
        FieldChange(name, getattr(p, name), getattr(q, name))
        for name in TEXT_FIELDS
        if getattr(p, name) != getattr(q, name)
    ]
    change.dates = [
        DateChange(name, getattr(p, name), getattr(q, name))
        for name in DATE_FIELDS
        if getattr(p, name) != getattr(q, name)
    ]
    old_slip, new_slip = _slip(p), _slip(q)
    if old_slip != new_slip:
        change.slip = SlipChange(old_slip, new_slip)
    change.budget = _budget_changes(a, b, base, head)
    bands_old, bands_new = base.config.risk_bands, head.config.risk_bands
    change.risks = _risk_changes(p.risks, q.risks, bands_old.band, bands_new.band)
    change.milestones = _milestone_changes(p.milestones, q.milestones)
    change.depends_added = [d for d in q.depends_on if d not in p.depends_on]
    change.depends_removed = [d for d in p.depends_on if d not in q.depends_on]
    change.body_changed = a.doc.body.strip() != b.doc.body.strip()
    return change


def _slip(project: Project) -> int | None:
    """forecast_end − end in days (0 when there is no separate forecast); None without end."""
    if project.end is None:
        return None
    return (project.effective_forecast_end - project.end).days  # type: ignore[operator]


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


def _match(old: Iterable, new: Iterable, name) -> tuple[list, list, list]:
    """(pairs, only old, only new), matching items by normalised name, in order."""
    pending: dict[str, list] = {}
    for item in new:
        pending.setdefault(_key(name(item)), []).append(item)
    pairs, removed = [], []
    for item in old:
        same = pending.get(_key(name(item)))
        if same:
            pairs.append((item, same.pop(0)))
        else:
            removed.append(item)
    matched = {id(b) for _, b in pairs}
    added = [item for item in new if id(item) not in matched]
    return pairs, removed, added


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
                "closed"
                if a.status.is_live and not b.status.is_live
                else "reopened"
                if b.status.is_live and not a.status.is_live
                else "status"
            )
        else:
            kind = "rescored"
        out.append(RiskChange(kind, b.title, before, after))
    out += [RiskChange("removed", r.title, _risk_state(r, band_old), None) for r in removed]
    out += [RiskChange("added", r.title, None, _risk_state(r, band_new)) for r in added]
    return out


def _milestone_changes(old: list[Milestone], new: list[Milestone]) -> list[MilestoneChange]:
    pairs, removed, added = _match(old, new, lambda m: m.name)
    out = []
    for a, b in pairs:
        if a.done != b.done:
            out.append(MilestoneChange("done" if b.done else "reopened", b.name, a, b))
        elif a.date != b.date:
            out.append(MilestoneChange("moved", b.name, a, b))
    out += [MilestoneChange("removed", m.name, m, None) for m in removed]
    out += [MilestoneChange("added", m.name, None, m) for m in added]
    return out


# ------------------------------------------------------------------------------ JSON


def _plain(value: Any) -> Any:
    """Dates as ISO text, amounts as exact decimal text, enums as their value."""
    if value is None or isinstance(value, bool | int | str):
        return value.value if hasattr(value, "value") else value
    if isinstance(value, Decimal):
        return format(value, "f")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "value"):
        return value.value
    return str(value)


def _pct(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def _project_facts(change: ProjectChange) -> dict[str, Any]:
    p = change.project
    b = p.budget
    return {
        "phase": p.phase.value,
        "status": _plain(p.status),
        "state": p.state.value,
        "owner": p.owner,
        "program": p.program,
        "category": p.category,
        "start": _plain(p.start),
        "end": _plain(p.end),
        "forecast_end": _plain(p.forecast_end),
        "progress": p.progress,
        "budget": None
        if b is None
        else {
            "currency": change.currency,
            "planned": _plain(b.planned),
            "actual": _plain(b.actual),
            "forecast": _plain(b.forecast),
            "eac": _plain(eac(b.planned, b.forecast)),
        },
        "risks": len(p.risks),
        "milestones": len(p.milestones),
    }


def _risk_json(state: RiskState | None) -> dict | None:
    if state is None:
        return None
    return {
        "probability": state.probability,
        "impact": state.impact,
        "score": state.score,
        "band": state.band,
        "status": state.status,
    }


def _milestone_json(m: Milestone | None) -> dict | None:
    return None if m is None else {"date": m.date.isoformat(), "done": m.done}


def project_json(change: ProjectChange) -> dict[str, Any]:
    return {
        "change": change.change,
        "slug": change.slug,
        "title": change.title,
        "path": change.path,
        "old_slug": change.old_slug,
        "old_path": change.old_path,
        "renamed": change.renamed,
        "moved": change.moved,
        "invalid_in": "head" if change.change == "invalid" else change.invalid_in,
        "project": _project_facts(change),
        "phase": None
        if change.phase is None
        else {
            "old": change.phase.old.value,
            "new": change.phase.new.value,
            "direction": change.phase.direction,
            "steps": change.phase.steps,
        },
        "status": None
        if change.status is None
        else {
            "old": _plain(change.status.old),
            "new": _plain(change.status.new),
            "direction": change.status.direction,
            "turned_red": change.status.turned_red,
        },
        "fields": [{"field": f.field, "old": _plain(f.old), "new": _plain(f.new)} for f in change.fields],
        "dates": [
            {"field": d.field, "old": _plain(d.old), "new": _plain(d.new), "days": d.days}
            for d in change.dates
        ],
        "slip": None
        if change.slip is None
        else {"old": change.slip.old, "new": change.slip.new, "days": change.slip.days},
        "budget": [
            {
                "field": b.field,
                "currency": b.currency,
                "old_currency": b.old_currency,
                "old": _plain(b.old),
                "new": _plain(b.new),
                "delta": _plain(b.delta),
                "percent": _pct(b.percent),
            }
            for b in change.budget
        ],
        "risks": [
            {"change": r.change, "title": r.title, "old": _risk_json(r.old), "new": _risk_json(r.new)}
            for r in change.risks
        ],
        "milestones": [
            {
                "change": m.change,
                "name": m.name,
                "old": _milestone_json(m.old),
                "new": _milestone_json(m.new),
                "days": m.days,
            }
            for m in change.milestones
        ],
        "depends_on": {"added": change.depends_added, "removed": change.depends_removed},
        "body_changed": change.body_changed,
    }


def _side_json(snapshot: Snapshot) -> dict[str, Any]:
    loaded = snapshot.loaded
    return {
        "label": snapshot.label,
        "commit": snapshot.commit,
        "missing": loaded is None,
        "projects": snapshot.project_count,
        "errors": [d.to_json() for d in snapshot.errors],
        "warnings": len(loaded.warnings) if loaded else 0,
    }


def to_json(diff: PortfolioDiff) -> dict[str, Any]:
    """The documented JSON shape (``version`` 1)."""
    return {
        "version": DIFF_FORMAT_VERSION,
        "base": _side_json(diff.base),
        "head": _side_json(diff.head),
        "summary": diff.summary(),
        "projects": [project_json(p) for p in diff.projects],
    }


def format_json(diff: PortfolioDiff) -> str:
    # A file name that is not UTF-8 still gives a valid JSON document.
    return valid_utf8_json(json.dumps(to_json(diff), ensure_ascii=False, indent=2)) + "\n"


# ------------------------------------------------------------------------------ Markdown

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&#!$])")
STATUS_ICON = {None: "⚪", Status.GREEN: "🟢", Status.AMBER: "🟠", Status.RED: "🔴"}
TRUNCATED_NOTE = (
    "\n_… the rest is left out to keep this comment short: run "
    "`itpm-site diff` locally or use `--format json` for everything._\n"
)


def md(text: Any) -> str:
    """User text made inert in Markdown: one line, punctuation escaped, no @mentions."""
    flat = " ".join(str(text).split())
    # A zero-width space after '@' keeps a name like '@team' from notifying anyone.
    return _MD_SPECIAL.sub(r"\\\1", flat).replace("@", "@\u200b")


def code(text: str) -> str:
    """Inline code that survives backticks and table pipes in the text."""
    flat = " ".join(text.split()).replace("|", "\\|")
    ticks = "`" * (max((len(run) for run in re.findall("`+", flat)), default=0) + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") else ""
    return f"{ticks}{pad}{flat}{pad}{ticks}"


def _status(status: Status | None) -> str:
    return f"{STATUS_ICON[status]} {status.value if status else 'none'}"


def _money(amount: Decimal | None, currency: str) -> str:
    return "–" if amount is None else format_amount(amount, currency)


def _signed(amount: Decimal, currency: str) -> str:
    return ("+" if amount > 0 else "") + format_amount(amount, currency)


def _days(n: int | None) -> str:
    if n is None:
        return "–"
    return f"{'+' if n > 0 else ''}{n} day{'' if abs(n) == 1 else 's'}"


def _date(value: Any) -> str:
    return value.isoformat() if value else "–"


def _value(value: Any) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return md(getattr(value, "value", value))


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _project_name(change: ProjectChange) -> str:
    return f"{md(change.title)} ({code(change.slug)})"


def summary_line(diff: PortfolioDiff) -> str:
    s = diff.summary()
    where = f"{code(diff.base.label)} → {code(diff.head.label)}"
    parts = [f"{s[k]} {k}" for k in ("added", "removed", "renamed", "changed") if s[k]]
    if s["turned_red"]:
        parts.append(f"🔴 **{s['turned_red']} turned red**")
    if s["phase_forward"] or s["phase_backward"]:
        parts.append(f"{_plural(s['phase_forward'] + s['phase_backward'], 'phase move')}")
    if s["invalid"]:
        parts.append(f"⚠️ {s['invalid']} not compared")
    if s["head_errors"]:
        parts.append(f"⚠️ **{_plural(s['head_errors'], 'error')} in {md(diff.head.label)}**")
    text = " · ".join(parts) if parts else "no project changes"
    return f"**Portfolio diff** {where}: {text}"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _added_removed(title: str, items: list[ProjectChange], removed: bool) -> list[str]:
    rows = []
    for c in items:
        p = c.project
        planned = _money(p.budget.planned, c.currency) if p.budget else "–"
        note = " (had errors in the base)" if c.invalid_in == "base" else ""
        rows.append([_project_name(c) + note, p.phase.label, _status(p.status), md(p.owner), planned])
    header = ["Project", "Phase", "Status", "Owner", "Planned budget"]
    return [f"### {title} ({len(items)})", "", *_table(header, rows), ""]


def _change_rows(c: ProjectChange) -> list[list[str]]:
    rows: list[list[str]] = []
    if c.status:
        note = {"worse": "worse", "better": "better", "set": "set", "cleared": "cleared"}[c.status.direction]
        if c.status.turned_red:
            note = "🔴 **turned red**"
        rows.append(["Status", _status(c.status.old), _status(c.status.new), note])
    if c.phase:
        arrow = "⏩ forward" if c.phase.direction == "forward" else "⏪ **backward**"
        rows.append(
            ["Phase", c.phase.old.label, c.phase.new.label, f"{arrow} {_plural(c.phase.steps, 'stage')}"]
        )
    for f in c.fields:
        label = f.field.replace("_", " ").capitalize()
        note = ""
        if f.field == "progress" and f.old is not None and f.new is not None:
            note = f"{'+' if f.new > f.old else ''}{f.new - f.old} points"
        old, new = _value(f.old), _value(f.new)
        if f.field == "progress":
            old, new = (f"{v}%" if v != "–" else v for v in (old, new))
        rows.append([label, old, new, note])
    for d in c.dates:
        label = {"start": "Start", "end": "End (committed)", "forecast_end": "Forecast end"}[d.field]
        rows.append([label, _date(d.old), _date(d.new), _days(d.days) if d.days else ""])
    if c.slip:
        note = ""
        if c.slip.days:
            note = f"{_days(c.slip.days)} {'later' if c.slip.days > 0 else 'earlier'}"
        rows.append(["Schedule slip", _days(c.slip.old), _days(c.slip.new), note])
    for b in c.budget:
        note = ""
        if b.delta is not None:
            pct = b.percent if b.field != "variance" else None  # a % of a variance means little
            note = _signed(b.delta, b.currency) + (
                f" ({format_percent(pct, signed=True)})" if pct is not None else ""
            )
        elif b.currency != b.old_currency and b.old is not None and b.new is not None:
            note = f"currency {b.old_currency} → {b.currency}"
        old = (
            _signed(b.old, b.old_currency)
            if b.field == "variance" and b.old is not None
            else _money(b.old, b.old_currency)
        )
        new = (
            _signed(b.new, b.currency)
            if b.field == "variance" and b.new is not None
            else _money(b.new, b.currency)
        )
        rows.append([BUDGET_LABELS[b.field], old, new, note])
    return rows


_RISK_CHANGE = {
    "added": "➕ added",
    "removed": "➖ removed",
    "closed": "✅ closed",
    "reopened": "↩️ reopened",
    "status": "status",
    "rescored": "re-scored",
}
_MILESTONE_CHANGE = {
    "added": "➕ added",
    "removed": "➖ removed",
    "done": "✅ done",
    "reopened": "↩️ reopened",
    "moved": "moved",
}


def _gap(lines: list[str]) -> list[str]:
    """A blank line before a new block, unless there is one already."""
    return [""] if lines and lines[-1] else []


def _risk_cell(state: RiskState | None, other: RiskState | None) -> str:
    if state is None:
        return "–"
    text = f"{state.score} ({state.band})"
    if other is None or other.status != state.status:
        text += f", {state.status}"
    return text


def _changed_section(c: ProjectChange) -> list[str]:
    icon = "🔴 " if c.turned_red else ""
    lines = [f"#### {icon}{_project_name(c)}", ""]
    if c.renamed:
        lines += [
            f"Renamed from {code(c.old_slug or '')}: its URL changes "
            f"({code(c.old_path or '')} → {code(c.path)}).",
            "",
        ]
    elif c.moved:
        lines += [f"File moved: {code(c.old_path or '')} → {code(c.path)}.", ""]
    rows = _change_rows(c)
    if rows:
        lines += [*_gap(lines), *_table(["", "Before", "After", "Change"], rows)]
    if c.risks:
        rows = []
        for r in c.risks:
            kind = _RISK_CHANGE[r.change]
            if r.rescored and r.change != "rescored":
                kind += ", re-scored"
            if r.new and r.new.status == "occurred" and (not r.old or r.old.status != "occurred"):
                kind = "⚠️ **occurred**"
            rows.append([md(r.title), kind, _risk_cell(r.old, r.new), _risk_cell(r.new, r.old)])
        lines += [*_gap(lines), "**Risks**", "", *_table(["Risk", "Change", "Before", "After"], rows)]
    if c.milestones:
        rows = []
        for m in c.milestones:
            kind = _MILESTONE_CHANGE[m.change]
            if m.days:
                kind += f" {_days(m.days)}" if m.change == "moved" else f", moved {_days(m.days)}"
            rows.append(
                [md(m.name), kind, _date(m.old.date if m.old else None), _date(m.new.date if m.new else None)]
            )
        lines += [
            *_gap(lines),
            "**Milestones**",
            "",
            *_table(["Milestone", "Change", "Before", "After"], rows),
        ]
    deps = [f"depends on {code(d)} now" for d in c.depends_added]
    deps += [f"no longer depends on {code(d)}" for d in c.depends_removed]
    notes = []
    if deps:
        notes.append("Dependencies: " + "; ".join(deps) + ".")
    if c.body_changed:
        notes.append("Description edited.")
    if notes:
        lines += [*_gap(lines), " ".join(notes)]
    return [*lines, ""] if lines[-1] else lines


def _errors_section(snapshot: Snapshot, invalid: list[ProjectChange]) -> list[str]:
    errors = snapshot.errors
    if not errors and not invalid:
        return []
    lines = [f"### ⚠️ Errors in {md(snapshot.label)} ({len(errors)})", ""]
    for c in invalid:
        lines.append(f"- {_project_name(c)}: {code(c.path)} has errors now, so it is not compared")
    for d in errors[:MAX_LISTED_ERRORS]:
        subject = f"{md(d.field)}: " if d.field else ""
        lines.append(f"- {code(f'{d.path}:{d.line}:{d.column}')} {subject}{md(d.message)}")
    if len(errors) > MAX_LISTED_ERRORS:
        lines.append(
            f"- … and {len(errors) - MAX_LISTED_ERRORS} more (run `itpm-site check` for all of them)"
        )
    return [*lines, ""]


def format_markdown(diff: PortfolioDiff, max_chars: int | None = None) -> str:
    """A pull-request comment: the summary line first, then one section per kind of change.

    ``max_chars`` keeps the comment under a size limit by leaving out whole project sections.
    """
    head = [summary_line(diff), ""]
    if diff.base.loaded is None:
        head += [f"_No portfolio at {code(diff.base.label)}: every project is new._", ""]
    if diff.head.loaded is None:
        head += [f"_No portfolio at {code(diff.head.label)}._", ""]
    blocks: list[list[str]] = []
    changed = diff.of_kind("changed")
    if changed:
        blocks.append([f"### ✏️ Changed ({len(changed)})", ""])
        blocks += [_changed_section(c) for c in changed]
    for kind, title in (("added", "➕ Added"), ("removed", "➖ Removed")):
        items = diff.of_kind(kind)
        if items:
            blocks.append(_added_removed(title, items, kind == "removed"))
    blocks.append(_errors_section(diff.head, diff.of_kind("invalid")))
    base_errors = diff.base.errors
    if base_errors:
        blocks.append(
            [
                f"_{md(diff.base.label)} had {_plural(len(base_errors), 'error')} "
                "already; its valid projects were compared._",
                "",
            ]
        )
    text = "\n".join(head) + "\n"
    for block in blocks:
        chunk = "\n".join(block) + "\n" if block else ""
        if max_chars and len(text) + len(chunk) + len(TRUNCATED_NOTE) > max_chars:
            text += TRUNCATED_NOTE
            break
        text += chunk
    return text.rstrip("\n") + "\n"
