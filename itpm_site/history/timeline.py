"""The portfolio replayed commit by commit: what each commit changed, and the figures at the
end of every week.

The state is each project file's last valid version. A commit's changed files are compared
with ``diff.compare`` (the same change model as ``itpm-site diff``), over just those files, so
the cost of a commit is that of its own changes. A file version with errors leaves its
project as it last stood.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from itpm_site.diff.changes import (
    PortfolioDiff,
    ProjectChange,
    Snapshot,
    compare,
)
from itpm_site.history.commits import Commit, FileChange
from itpm_site.history.figures import (
    Figures,
    RunningFigures,
    Tally,
    tally,
)
from itpm_site.history.versions import Version, Versions, VersionStore
from itpm_site.load.loader import SITE_FILE, section_of
from itpm_site.load.result import LoadResult
from itpm_site.model.config import SiteConfig


@dataclass(frozen=True)
class Week:
    """An ISO week, Monday to Sunday (dates in UTC)."""

    start: dt.date

    @property
    def end(self) -> dt.date:
        return self.start + dt.timedelta(days=6)

    @property
    def label(self) -> str:
        year, number, _ = self.start.isocalendar()
        return f"{year}-W{number:02d}"

    def next(self) -> Week:
        return Week(self.start + dt.timedelta(days=7))

    @classmethod
    def of(cls, day: dt.date) -> Week:
        return cls(day - dt.timedelta(days=day.weekday()))


@dataclass
class CommitChanges:
    """What one commit changed, in the change model of ``diff``."""

    commit: Commit
    projects: list[ProjectChange]


@dataclass
class WeekFigures:
    week: Week
    commit: str  # the last commit on or before the week's end
    figures: Figures


@dataclass
class Timeline:
    commits: list[CommitChanges] = field(default_factory=list)
    weeks: list[WeekFigures] = field(default_factory=list)
    #: The projects at the last commit, by path; when each path last changed.
    state: dict[str, Version] = field(default_factory=dict)
    changed_at: dict[str, dt.datetime] = field(default_factory=dict)
    config: SiteConfig = field(default_factory=SiteConfig)


def replay(commits: list[Commit], store: VersionStore, root: Path) -> Replayer:
    """Every commit applied in order (``Replayer.timeline()`` has the result)."""
    store.prefetch(
        (f.blob, f.path, c.id)
        for c in commits
        for f in c.files
        if f.blob and section_of(f.path) == "projects"
    )
    replayer = Replayer(root)
    for commit in commits:
        replayer.apply(commit, store)
    return replayer


class Replayer:
    """Applies commits in order, taking the figures at the end of each week; it can go on
    with later commits, or be forked to apply the working tree to a copy."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.progress = Timeline()
        self.counted = _Counted()
        self.week: Week | None = None
        self.last_commit = ""

    def apply(self, commit: Commit, store: Versions) -> None:
        if self.week is None:
            self.week = Week.of(commit.time.date())
        while commit.time.date() > self.week.end:
            self.progress.weeks.append(
                WeekFigures(self.week, self.last_commit, self.counted.running.at(self.week.end))
            )
            self.week = self.week.next()
        self.progress.commits.append(_apply(commit, self.progress, store, self.root, self.counted))
        self.last_commit = commit.id

    def timeline(self) -> Timeline:
        """The history so far: weeks from the first commit's to the last one's."""
        weeks = list(self.progress.weeks)
        if self.week is not None:
            weeks.append(WeekFigures(self.week, self.last_commit, self.counted.running.at(self.week.end)))
        return dataclasses.replace(self.progress, weeks=weeks)

    def fork(self) -> Replayer:
        """A copy to go on with, leaving this one as it is."""
        other = Replayer(self.root)
        other.progress = dataclasses.replace(
            self.progress,
            commits=list(self.progress.commits),
            weeks=list(self.progress.weeks),
            state=dict(self.progress.state),
            changed_at=dict(self.progress.changed_at),
        )
        other.counted = self.counted.copy()
        other.week, other.last_commit = self.week, self.last_commit
        return other


class _Counted:
    """The running figures of the state, and each version's tally under the site.yaml in
    force (made once per version)."""

    def __init__(self) -> None:
        self.running = RunningFigures()
        self.config: SiteConfig | None = None
        self.made: dict[int, tuple[Version, Tally]] = {}

    def copy(self) -> _Counted:
        other = _Counted()
        other.running = self.running.copy()
        other.config, other.made = self.config, dict(self.made)
        return other

    def tally(self, version: Version, config: SiteConfig) -> Tally:
        kept = self.made.get(id(version))
        if kept is None or kept[0] is not version:
            kept = self.made[id(version)] = (version, tally(version.project, config))
        return kept[1]

    def update(self, gone: list[Version], came: list[Version], timeline: Timeline) -> None:
        config = timeline.config
        if config is not self.config:  # another currency or risk bands: count afresh
            self.config, self.made, self.running = config, {}, RunningFigures()
            for version in timeline.state.values():
                self.running.add(self.tally(version, config))
            return
        for version in gone:
            self.running.add(self.tally(version, config), -1)
        for version in came:
            self.running.add(self.tally(version, config))


def _apply(
    commit: Commit, timeline: Timeline, store: Versions, root: Path, counted: _Counted
) -> CommitChanges:
    state = timeline.state
    before: dict[str, Version] = {}
    after: dict[str, Version] = {}
    renames: dict[str, str] = {}
    config_before = timeline.config
    for change in commit.files:
        if change.path == SITE_FILE and change.status != "R":
            if change.status == "D":
                timeline.config = SiteConfig()
            else:
                timeline.config = store.config(change.blob) or timeline.config
            continue
        _apply_file(change, state, store, before, after, renames)
        if change.path in state:
            timeline.changed_at[change.path] = commit.time
        if change.old_path:
            timeline.changed_at.pop(change.old_path, None)
    counted.update(list(before.values()), list(after.values()), timeline)
    diff = compare(
        _snapshot("before", before, config_before, root),
        _snapshot("after", after, timeline.config, root),
        renames,
    )
    return CommitChanges(commit, diff.projects)


def _apply_file(
    change: FileChange,
    state: dict[str, Version],
    store: Versions,
    before: dict[str, Version],
    after: dict[str, Version],
    renames: dict[str, str],
) -> None:
    old_path = change.old_path or change.path
    if section_of(old_path) != "projects" and section_of(change.path) != "projects":
        return
    previous = state.pop(old_path, None)
    if previous is not None:
        before.setdefault(old_path, previous)
    if change.status == "D" or section_of(change.path) != "projects":
        return
    version = store.version(change.blob, change.path)
    if version is None and previous is not None:  # broken: the project as it last stood
        version = previous.moved_to(change.path) if change.old_path else previous
    if version is not None:
        state[change.path] = after[change.path] = version
    if change.old_path:
        renames[change.old_path] = change.path


def _snapshot(label: str, versions: dict[str, Version], config: SiteConfig, root: Path) -> Snapshot:
    loaded = LoadResult(root=root, config=config, projects=[v.entry() for _, v in sorted(versions.items())])
    return Snapshot(label, loaded)


__all__ = ["CommitChanges", "PortfolioDiff", "Replayer", "Timeline", "Week", "WeekFigures", "replay"]
