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
from itpm_site.model.i18n import N_, format_amount, gettext, signed_days
from itpm_site.model.vocab import BAND_LABELS, RISK_STATUS_LABELS, Status

#: The kinds of change, in the order the changes page shows them, with their headings.
#: The headings are in English here (marked with N_) and given in the site's language where
#: shown; the items' words are in the site's language (the PR comment does not use them).
KINDS = {
    "status": N_("Health (RAG)"),
    "phase": N_("Phase moves"),
    "added": N_("New projects"),
    "removed": N_("Removed projects"),
    "state": N_("Closed, paused or resumed"),
    "budget": N_("Budget and forecast"),
    "schedule": N_("Dates and slips"),
    "risks": N_("Risks"),
    "milestones": N_("Milestones done"),
    "renamed": N_("Renamed"),
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


_BUDGET_WORDS = {"planned": N_("planned"), "eac": N_("forecast at completion")}


def _status(status: Status | None) -> str:
    """A RAG status as the items write it: 'green', 'no status' (lower case in English)."""
    return status.label.lower() if status else gettext("no status")


def describe(change: ProjectChange, commit: Commit) -> list[ChangeItem]:
    """The change in words: one item per kind of change it holds."""
    texts: list[tuple[str, str] | tuple[str, str, str]] = []
    p = change.project
    if change.change is ChangeKind.ADDED:
        texts.append(
            (
                "added",
                gettext("new project (%(phase)s, %(status)s)")
                % {"phase": p.phase.label, "status": _status(p.status)},
            )
        )
    elif change.change is ChangeKind.REMOVED:
        texts.append(("removed", gettext("removed from the portfolio")))
    elif change.change is ChangeKind.CHANGED:
        texts += _changed(change)
    return [
        ChangeItem(kind, change.slug, change.title, text, commit.id, commit.time, commit.author, *detail)
        for kind, text, *detail in texts
    ]


def _changed(c: ProjectChange) -> list[tuple[str, str] | tuple[str, str, str]]:
    out: list[tuple[str, str] | tuple[str, str, str]] = []
    if c.status:
        old, new = _status(c.status.old), _status(c.status.new)
        words = (
            gettext("turned %(new)s (was %(old)s)")
            if c.status.new
            else gettext("status cleared (was %(old)s)")
        )
        out.append(("status", words % {"new": new, "old": old}))
    if c.phase:
        out.append(
            (
                "phase",
                gettext("moved to %(new)s (from %(old)s)")
                % {"new": c.phase.new.label, "old": c.phase.old.label},
            )
        )
    for f in c.fields:
        if f.field == "state":
            out.append(
                ("state", gettext("now %(new)s (was %(old)s)") % {"new": _state(f.new), "old": _state(f.old)})
            )
    moves = []
    for b in c.budget:
        # Spending to date moves every month, and the variance follows planned and EAC: one
        # item says how the budget and its estimate moved.
        if b.field not in _BUDGET_WORDS:
            continue
        old = format_amount(b.old, b.old_currency) if b.old is not None else gettext("none")
        new = format_amount(b.new, b.currency) if b.new is not None else gettext("none")
        delta = f" ({format_amount(b.delta, b.currency, signed=True)})" if b.delta is not None else ""
        moves.append(f"{gettext(_BUDGET_WORDS[b.field])} {old} → {new}{delta}")
    if moves:
        out.append(("budget", "; ".join(moves)))
    for d in c.dates:
        if d.field == "start":
            continue
        name = gettext("end date") if d.field == "end" else gettext("forecast end")
        moved = f" ({signed_days(d.days)})" if d.days else ""
        out.append(("schedule", f"{name} {_iso(d.old)} → {_iso(d.new)}{moved}"))
    for m in c.milestones:
        if m.change == "moved" and m.days and m.old and m.new:
            out.append(
                (
                    "schedule",
                    gettext("milestone “%(name)s” moved %(old)s → %(new)s (%(days)s)")
                    % {
                        "name": m.name,
                        "old": m.old.date.isoformat(),
                        "new": m.new.date.isoformat(),
                        "days": signed_days(m.days),
                    },
                    "moved",
                )
            )
        elif m.change == "done":
            out.append(("milestones", gettext("milestone “%(name)s” done") % {"name": m.name}, "done"))
    for r in c.risks:
        detail, text = _risk(r)
        if text:
            out.append(("risks", text, detail))
    if c.renamed:
        out.append(("renamed", gettext("renamed from %(slug)s") % {"slug": c.old_slug}))
    return out


#: The states as the items write them (their values, in English).
_STATE_WORDS = {
    "active": N_("active"),
    "on-hold": N_("on-hold"),
    "cancelled": N_("cancelled"),
    "done": N_("done"),
}


def _state(state) -> str:
    return gettext(_STATE_WORDS.get(state.value, state.value))


def _iso(day: dt.date | None) -> str:
    return day.isoformat() if day else gettext("none")


def _risk(r) -> tuple[str, str]:
    """(what happened, in words)."""
    title = r.title
    if r.change == "added":
        band = BAND_LABELS[r.new.band].lower()
        return "opened", gettext("risk “%(title)s” opened (score %(score)s, %(band)s)") % {
            "title": title,
            "score": r.new.score,
            "band": band,
        }
    if r.change == "closed":
        return str(r.new.status), gettext("risk “%(title)s” %(status)s") % {
            "title": title,
            "status": RISK_STATUS_LABELS.get(str(r.new.status), str(r.new.status)),
        }
    if r.change == "reopened":
        return "reopened", gettext("risk “%(title)s” reopened (%(status)s)") % {
            "title": title,
            "status": RISK_STATUS_LABELS.get(str(r.new.status), str(r.new.status)),
        }
    if r.change == "removed":
        return "removed", gettext("risk “%(title)s” removed") % {"title": title}
    if r.new and r.new.status == "occurred" and r.old and r.old.status != "occurred":
        return "occurred", gettext("risk “%(title)s” occurred") % {"title": title}
    if r.rescored:
        words = (
            gettext("risk “%(title)s” raised to %(score)s (%(band)s, was %(old)s)")
            if r.new.score > r.old.score
            else gettext("risk “%(title)s” lowered to %(score)s (%(band)s, was %(old)s)")
        )
        band = BAND_LABELS[r.new.band].lower()
        return "rescored", words % {"title": title, "score": r.new.score, "band": band, "old": r.old.score}
    return "", ""
