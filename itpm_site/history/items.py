"""Each semantic change put in words, by kind, for the changes page, the feed and the stories.

A ``ProjectChange`` of one commit becomes one ``ChangeItem`` per thing a steering committee
asks about: health, phase, new and removed projects, state, money, dates, risks, milestones.
Edits to other fields (owner, progress, the description) count as updates of the project but
are not listed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from itpm_site.diff.changes import ChangeKind, ProjectChange
from itpm_site.history.commits import Commit
from itpm_site.history.figures import estimate_at_completion
from itpm_site.model.money import format_amount
from itpm_site.model.text import signed_days

#: The kinds of change, in the order the changes page shows them, with their headings.
KINDS = {
    "status": "Health (RAG)",
    "phase": "Phase moves",
    "added": "New projects",
    "removed": "Removed projects",
    "state": "Closed, paused or resumed",
    "budget": "Budget and forecast",
    "schedule": "Dates and slips",
    "risks": "Risks",
    "milestones": "Milestones done",
    "renamed": "Renamed",
}


@dataclass(frozen=True)
class ChangeItem:
    kind: str
    slug: str  # the project's slug at the time of the change
    title: str
    text: str
    commit: str
    time: dt.datetime
    author: str
    #: What happened, where a kind holds several things a committee counts apart: a risk
    #: 'opened', 'closed', 'mitigated', 'occurred', 'reopened', 'removed' or 'rescored'; a
    #: milestone 'done' or 'moved'. '' otherwise.
    detail: str = ""

    @property
    def date(self) -> dt.date:
        return self.time.date()


class EacDelta(NamedTuple):
    amount: Decimal
    currency: str


def eac_delta(change: ProjectChange) -> EacDelta | None:
    """How much the estimate at completion moved, in the project's currency (None when it
    did not move, or moved between currencies)."""
    old, new = change.old_project, change.project
    if change.change is not ChangeKind.CHANGED or old is None:
        return None
    before, after = estimate_at_completion(old.budget), estimate_at_completion(new.budget)
    if before is None or after is None or before == after:
        return None
    if any(b.currency != b.old_currency for b in change.budget):
        return None
    return EacDelta(after - before, change.currency)


_BUDGET_WORDS = {"planned": "planned", "eac": "forecast at completion"}


def describe(change: ProjectChange, commit: Commit) -> list[ChangeItem]:
    """The change in words: one item per kind of change it holds."""
    texts: list[tuple[str, str] | tuple[str, str, str]] = []
    p = change.project
    if change.change is ChangeKind.ADDED:
        status = p.status.value if p.status else "no status"
        texts.append(("added", f"new project ({p.phase.label}, {status})"))
    elif change.change is ChangeKind.REMOVED:
        texts.append(("removed", "removed from the portfolio"))
    elif change.change is ChangeKind.CHANGED:
        texts += _changed(change)
    return [
        ChangeItem(kind, change.slug, change.title, text, commit.id, commit.time, commit.author, *detail)
        for kind, text, *detail in texts
    ]


def _changed(c: ProjectChange) -> list[tuple[str, str] | tuple[str, str, str]]:
    out: list[tuple[str, str] | tuple[str, str, str]] = []
    if c.status:
        old = c.status.old.value if c.status.old else "no status"
        new = c.status.new.value if c.status.new else "no status"
        out.append(("status", f"turned {new} (was {old})" if c.status.new else f"status cleared (was {old})"))
    if c.phase:
        out.append(("phase", f"moved to {c.phase.new.label} (from {c.phase.old.label})"))
    for f in c.fields:
        if f.field == "state":
            out.append(("state", f"now {f.new.value} (was {f.old.value})"))
    moves = []
    for b in c.budget:
        # Spending to date moves every month, and the variance follows planned and EAC: one
        # item says how the budget and its estimate moved.
        if b.field not in _BUDGET_WORDS:
            continue
        old = format_amount(b.old, b.old_currency) if b.old is not None else "none"
        new = format_amount(b.new, b.currency) if b.new is not None else "none"
        delta = f" ({format_amount(b.delta, b.currency, signed=True)})" if b.delta is not None else ""
        moves.append(f"{_BUDGET_WORDS[b.field]} {old} → {new}{delta}")
    if moves:
        out.append(("budget", "; ".join(moves)))
    for d in c.dates:
        if d.field == "start":
            continue
        name = "end date" if d.field == "end" else "forecast end"
        moved = f" ({signed_days(d.days)})" if d.days else ""
        out.append(("schedule", f"{name} {_iso(d.old)} → {_iso(d.new)}{moved}"))
    for m in c.milestones:
        if m.change == "moved" and m.days and m.old and m.new:
            out.append(
                (
                    "schedule",
                    f"milestone “{m.name}” moved {m.old.date.isoformat()} → "
                    f"{m.new.date.isoformat()} ({signed_days(m.days)})",
                    "moved",
                )
            )
        elif m.change == "done":
            out.append(("milestones", f"milestone “{m.name}” done", "done"))
    for r in c.risks:
        detail, text = _risk(r)
        if text:
            out.append(("risks", text, detail))
    if c.renamed:
        out.append(("renamed", f"renamed from {c.old_slug}"))
    return out


def _iso(day: dt.date | None) -> str:
    return day.isoformat() if day else "none"


def _risk(r) -> tuple[str, str]:
    """(what happened, in words)."""
    if r.change == "added":
        return "opened", f"risk “{r.title}” opened (score {r.new.score}, {r.new.band})"
    if r.change == "closed":
        return str(r.new.status), f"risk “{r.title}” {r.new.status}"
    if r.change == "reopened":
        return "reopened", f"risk “{r.title}” reopened ({r.new.status})"
    if r.change == "removed":
        return "removed", f"risk “{r.title}” removed"
    if r.new and r.new.status == "occurred" and r.old and r.old.status != "occurred":
        return "occurred", f"risk “{r.title}” occurred"
    if r.rescored:
        verb = "raised" if r.new.score > r.old.score else "lowered"
        return "rescored", f"risk “{r.title}” {verb} to {r.new.score} ({r.new.band}, was {r.old.score})"
    return "", ""
