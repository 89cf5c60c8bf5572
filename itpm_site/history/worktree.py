"""The working tree as one more commit on top of HEAD, for ``serve``: what is being edited
shows in the history as "now" before it is committed."""

from __future__ import annotations

import datetime as dt

from itpm_site.history.commits import Commit, FileChange
from itpm_site.history.versions import Version, version_of
from itpm_site.load.loader import SITE_FILE
from itpm_site.load.result import LoadResult
from itpm_site.model.config import SiteConfig

WORKING_TREE = "working-tree"
NOT_COMMITTED = "(not committed yet)"


class WorkingTreeVersions:
    """The working tree's project files, already loaded, in the place of the version store."""

    def __init__(self, versions: dict[str, Version], config: SiteConfig) -> None:
        self.versions, self._config = versions, config

    def version(self, blob: str, rel: str) -> Version | None:
        return self.versions.get(rel)

    def config(self, blob: str) -> SiteConfig:
        return self._config


def working_tree_commit(
    loaded: LoadResult, state: dict[str, Version], config: SiteConfig, when: dt.datetime
) -> tuple[Commit, WorkingTreeVersions] | None:
    """The working tree's differences from the last commit (``state``, ``config``) as a
    commit at ``when``; None when there are none. A file with errors stays as committed."""
    versions = {e.rel: version_of(e) for e in loaded.projects}
    rejected = set(loaded.rejected)
    files = []
    for rel in sorted(state.keys() | versions.keys()):
        old, new = state.get(rel), versions.get(rel)
        if rel in rejected:
            continue
        if new is None:
            files.append(FileChange("D", rel, ""))
        elif old is None:
            files.append(FileChange("A", rel, WORKING_TREE))
        elif (old.slug, old.doc.body, old.project) != (new.slug, new.doc.body, new.project):
            files.append(FileChange("M", rel, WORKING_TREE))
    if loaded.config != config:
        files.append(FileChange("M", SITE_FILE, WORKING_TREE))
    if not files:
        return None
    return (
        Commit(WORKING_TREE, when, NOT_COMMITTED, tuple(files)),
        WorkingTreeVersions(versions, loaded.config),
    )
