"""Each project's story: its health and phase over time, how its end date and estimate at
completion moved, the risks it opened and closed, and when its file last changed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from itpm_site.history.figures import estimate_at_completion
from itpm_site.history.items import ChangeItem, describe
from itpm_site.history.timeline import Timeline
from itpm_site.model.vocab import Status


@dataclass(frozen=True)
class HealthEntry:
    """A phase or RAG change, with the status note written with it."""

    time: dt.datetime
    phase: str
    status: Status | None
    status_note: str | None
    what: str


@dataclass
class Story:
    slug: str
    items: list[ChangeItem] = field(default_factory=list)
    health: list[HealthEntry] = field(default_factory=list)
    #: (when, forecast end): a point each time the forecast end (else the end) changed.
    forecast_end: list[tuple[dt.datetime, dt.date | None]] = field(default_factory=list)
    #: (when, estimate at completion, currency): a point each time it changed.
    eac: list[tuple[dt.datetime, Decimal | None, str]] = field(default_factory=list)
    last_updated: dt.datetime | None = None
    stale: bool = False

    @property
    def end_moves(self) -> int:
        """How many times the forecast end moved after the project first had one."""
        dated = [d for _, d in self.forecast_end]
        first = next((i for i, d in enumerate(dated) if d is not None), len(dated))
        return max(0, len(dated) - first - 1)

    @property
    def end_moved_days(self) -> int:
        """How far the forecast end moved in all, in days (later is positive)."""
        dated = [d for _, d in self.forecast_end if d is not None]
        return (dated[-1] - dated[0]).days if len(dated) > 1 else 0

    @property
    def risk_items(self) -> list[ChangeItem]:
        return [i for i in self.items if i.kind == "risks"]


def tell_stories(timeline: Timeline) -> tuple[dict[str, Story], dict[str, str], list[ChangeItem]]:
    """Every project's story by its latest slug, each earlier slug's latest one, and every
    change in words, oldest first."""
    stories: dict[str, Story] = {}
    renamed: dict[str, str] = {}
    items: list[ChangeItem] = []
    for step in timeline.commits:
        commit = step.commit
        for change in step.projects:
            if change.renamed and change.old_slug:
                story = stories.pop(change.old_slug, None) or Story(change.slug)
                story.slug = change.slug
                stories[change.slug] = story
                renamed[change.old_slug] = change.slug
            story = stories.setdefault(change.slug, Story(change.slug))
            said = describe(change, commit)
            story.items += said
            items += said
            if change.change == "removed":
                continue
            p = change.project
            if change.change == "added" or change.phase or change.status:
                what = (
                    "added"
                    if change.change == "added"
                    else ", ".join(
                        w for w in ("phase" if change.phase else "", "status" if change.status else "") if w
                    )
                )
                story.health.append(HealthEntry(commit.time, p.phase.label, p.status, p.status_note, what))
            end = p.effective_forecast_end
            if not story.forecast_end or story.forecast_end[-1][1] != end:
                story.forecast_end.append((commit.time, end))
            eac = estimate_at_completion(p.budget)
            if not story.eac or story.eac[-1][1:] != (eac, change.currency):
                story.eac.append((commit.time, eac, change.currency))
    return stories, {old: _latest(old, renamed) for old in renamed}, items


def _latest(slug: str, renamed: dict[str, str]) -> str:
    seen = {slug}
    while slug in renamed and renamed[slug] not in seen:
        slug = renamed[slug]
        seen.add(slug)
    return slug


def mark_updates(stories: dict[str, Story], timeline: Timeline, as_of: dt.date, stale_days: int) -> None:
    """When each project's file last changed in git, and whether that is longer ago than
    ``stale_days`` before ``as_of``."""
    for rel, version in timeline.state.items():
        when = timeline.changed_at.get(rel)
        story = stories.setdefault(version.slug, Story(version.slug))
        if when is not None and (story.last_updated is None or when > story.last_updated):
            story.last_updated = when
    for story in stories.values():
        if story.last_updated is not None:
            story.stale = (as_of - story.last_updated.date()).days > stale_days
