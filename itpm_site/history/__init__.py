"""The history stage: the portfolio over time, read from the git repository that holds it.

``read_history`` replays the commits that changed the projects (``commits``, ``timeline``),
loading each file version once (``versions``) and comparing each commit's files with the
change model of ``diff``; from that come the weekly figures (``figures``), the changes in
words (``items``) and each project's story (``stories``). ``views`` shapes them for the
pages, ``feeds`` writes changes.xml and history.json.

Outside a git repository there is no history (and no history pages). In a shallow clone the
pages explain how to fetch the history; nothing fails.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from itpm_site.history.commits import head_commit, read_commits
from itpm_site.history.items import ChangeItem
from itpm_site.history.stories import Story, mark_updates, tell_stories
from itpm_site.history.timeline import Replayer, Timeline, replay
from itpm_site.history.versions import VersionStore
from itpm_site.history.worktree import working_tree_commit
from itpm_site.load.git import GitError, Repository
from itpm_site.load.result import LoadResult
from itpm_site.model.config import HistorySettings
from itpm_site.model.groups import project_url

SHALLOW_WARNING = (
    "this is a shallow clone, so the history pages (/changes/, /trends/) are "
    "empty: fetch the full history ('fetch-depth: 0' in actions/checkout, or "
    "git fetch --unshallow)"
)


@dataclass
class History:
    """The portfolio's history as the pages show it."""

    settings: HistorySettings
    timeline: Timeline = field(default_factory=Timeline)
    stories: dict[str, Story] = field(default_factory=dict)
    #: Earlier slugs of renamed projects -> their latest slug.
    renamed: dict[str, str] = field(default_factory=dict)
    #: Every change in words, oldest first.
    items: list[ChangeItem] = field(default_factory=list)
    #: Slugs of the projects the site has pages for.
    current: frozenset[str] = frozenset()
    #: Why there is no history to show (a shallow clone, git failing); '' when there is.
    problem: str = ""
    shallow: bool = False
    #: File versions this build read from git (the rest were kept from earlier builds).
    loaded: int = 0
    #: What of the history was left out, one line each (a commit git could not describe, a
    #: file version beyond the limits), for the build to show.
    warnings: list[str] = field(default_factory=list)
    #: The commit HEAD named when the history was read ('' without commits): a rebuild
    #: after a commit renders the history pages again, even if no file changed since.
    head: str = ""

    @property
    def available(self) -> bool:
        return not self.problem

    def project_url(self, slug: str) -> str | None:
        """The page of the project a change was made to, under its latest slug, if it has
        one now."""
        slug = self.renamed.get(slug, slug)
        return project_url(slug) if slug in self.current else None

    def story(self, slug: str) -> Story | None:
        return self.stories.get(slug) if self.available else None


#: The last replay of each portfolio in this process, with the commit it ran to: ``serve``
#: rebuilds on every edit, and HEAD rarely moves meanwhile.
_REPLAYS: dict[Path, tuple[str, Replayer, list[str]]] = {}


def read_history(
    loaded: LoadResult,
    as_of: dt.date,
    cache_dir: Path | None,
    current: frozenset[str],
    working_tree: bool = False,
) -> History | None:
    """The history of the portfolio at ``loaded.root`` up to HEAD; None outside git.

    ``cache_dir``: where loaded file versions are kept between builds (None: nowhere).
    ``working_tree``: the files as loaded (``loaded``) count as one more change, "now"
    (``as_of``, or just after HEAD if that is later), as ``serve`` shows them.
    """
    settings = loaded.config.history
    try:
        repo = Repository.find(loaded.root)
    except GitError:
        return None  # not in a repository, or no git: a site without history pages
    if repo.shallow:
        return History(settings, current=current, problem=SHALLOW_WARNING, shallow=True)
    try:
        replayer, loaded_versions, warnings, head = _replayed(loaded.root, repo, cache_dir)
    except GitError as exc:
        return History(settings, current=current, problem=f"cannot read the history: {exc}")
    if working_tree:
        replayer = _with_working_tree(replayer, loaded, as_of)
    timeline = replayer.timeline()
    stories, renamed, items = tell_stories(timeline)
    mark_updates(stories, timeline, as_of, settings.stale_days)
    return History(
        settings,
        timeline,
        stories,
        renamed,
        items,
        current,
        loaded=loaded_versions,
        warnings=warnings,
        head=head,
    )


def _replayed(root: Path, repo: Repository, cache_dir: Path | None) -> tuple[Replayer, int, list[str], str]:
    """The commits up to HEAD replayed (or kept from the last time), how many file versions
    had to be read from git, what was left out, and HEAD's commit."""
    head = head_commit(repo)
    kept = _REPLAYS.get(root)
    if kept is not None and kept[0] == head:
        return kept[1], 0, kept[2], head
    store = VersionStore(root, repo, cache_dir)
    commits, warnings = read_commits(repo, head) if head else ([], [])
    replayer = replay(commits, store, root)
    store.save()
    warnings += store.warnings
    _REPLAYS[root] = (head, replayer, warnings)
    return replayer, store.loaded, warnings, head


def _with_working_tree(replayer: Replayer, loaded: LoadResult, as_of: dt.date) -> Replayer:
    sofar = replayer.progress
    last = sofar.commits[-1].commit.time if sofar.commits else None
    when = dt.datetime.combine(as_of, dt.time(12), tzinfo=dt.UTC)
    if last is not None and when < last:
        when = last + dt.timedelta(seconds=1)
    found = working_tree_commit(loaded, sofar.state, sofar.config, when)
    if found is None:
        return replayer
    commit, versions = found
    forked = replayer.fork()
    forked.apply(commit, versions)
    return forked
