"""The served copy of the site: a private folder updated file by file, never half-written.

Changes are staged beside the folder and moved in with ``os.replace``, so a request never reads
half a file; an ``Update`` that fails changes nothing. Files whose bytes did not change are not
touched. Each file belongs to a *scope* (the pages with the sitemap and static files, or the
emitters' outputs), so that each part can be brought up to date on its own: an update removes
only the files of its own scope that it did not produce.

Not thread-safe by itself: the incremental builder commits under its lock.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from itpm_site.cache.digest import digest

CORE = "core"  # pages, sitemap, static files, the output marker
EMITTED = "emitted"  # exports, search index


class ServedSite:
    """A folder holding the site being served, with the digest and scope of every file."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        #: Every file of the site (relative path) -> (digest of its bytes, scope).
        self.files: dict[str, tuple[str, str]] = {}
        self._scopes: dict[str, set[str]] = {CORE: set(), EMITTED: set()}

    def digest_of(self, rel: str) -> str | None:
        entry = self.files.get(rel)
        return entry[0] if entry else None

    def scope_of(self, rel: str) -> str | None:
        entry = self.files.get(rel)
        return entry[1] if entry else None

    def paths(self, scope: str) -> set[str]:
        return set(self._scopes[scope])

    def _record(self, rel: str, new: str, scope: str) -> None:
        old = self.files.get(rel)
        if old is not None and old[1] != scope:
            self._scopes[old[1]].discard(rel)
        self.files[rel] = (new, scope)
        self._scopes[scope].add(rel)

    def begin(self, scope: str, staging: Path | None = None) -> Update:
        return Update(self, scope, staging)

    def _path(self, rel: str) -> Path:
        return self.folder.joinpath(*rel.split("/"))

    def _move_in(self, rel: str, staged: Path) -> None:
        target = self._path(rel)
        if target.is_dir():  # a folder that became a file: rare, but possible
            shutil.rmtree(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staged, target)

    def put(self, rel: str, data: bytes, scope: str) -> bool:
        """Write one file now (if its bytes changed); True if it was written."""
        new = digest(data)
        if self.digest_of(rel) == new:
            self._record(rel, new, scope)
            return False
        fd, tmp = tempfile.mkstemp(dir=self.folder.parent, prefix=".put-")
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        self._move_in(rel, Path(tmp))
        self._record(rel, new, scope)
        return True

    def adopt(self, rel: str, new: str, staging: Path, scope: str) -> bool:
        """The file ``rel`` has the digest ``new``; if that is a change, its bytes are under
        ``staging`` (written there by another process) and are moved in now. True if moved."""
        if self.digest_of(rel) == new:
            self._record(rel, new, scope)
            return False
        self._move_in(rel, staging.joinpath(*rel.split("/")))
        self._record(rel, new, scope)
        return True

    def remove(self, rel: str) -> None:
        _, scope = self.files.pop(rel)
        self._scopes[scope].discard(rel)
        target = self._path(rel)
        target.unlink(missing_ok=True)
        _prune_empty(target.parent, self.folder)


class Update:
    """The files of one scope for one rebuild: staged until ``commit``, dropped by ``abort``.

    Files of the scope that are neither written nor kept are removed on commit.
    """

    def __init__(self, site: ServedSite, scope: str, staging: Path | None = None) -> None:
        self.site = site
        self.scope = scope
        self.present: set[str] = set()
        self.staged: dict[str, str] = {}  # rel -> new digest
        # A staging folder given by the caller (filled by another process) is the caller's.
        self._owned = staging is None
        self.staging = staging or Path(tempfile.mkdtemp(dir=site.folder.parent, prefix=".staging-"))

    def write(self, rel: str, data: bytes) -> None:
        """The file ``rel`` has these bytes; they are staged only if they changed."""
        self.present.add(rel)
        new = digest(data)
        if self.site.digest_of(rel) == new:
            self.staged.pop(rel, None)
            return
        path = self.staging.joinpath(*rel.split("/"))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.staged[rel] = new

    def adopt(self, rel: str, new: str) -> None:
        """The file ``rel`` has the digest ``new``; if that is a change, its bytes are already
        at its place in the staging folder (written there by another process)."""
        self.present.add(rel)
        if self.site.digest_of(rel) == new:
            self.staged.pop(rel, None)
            return
        if not self.staging.joinpath(*rel.split("/")).is_file():
            raise FileNotFoundError(f"{rel} changed but was not staged")
        self.staged[rel] = new

    def keep(self, rel: str) -> None:
        """The file ``rel`` stays as it is (a page that was not rendered again)."""
        self.present.add(rel)

    def commit(self) -> tuple[list[str], list[str]]:
        """Move the staged files in, remove the scope's files not present: (written, removed)."""
        site = self.site
        written = sorted(self.staged)
        for rel in written:
            site._move_in(rel, self.staging.joinpath(*rel.split("/")))
            site._record(rel, self.staged[rel], self.scope)
        for rel in self.present - site._scopes[self.scope] - self.staged.keys():
            if rel in site.files:  # a file that moves to this scope
                site._record(rel, site.files[rel][0], self.scope)
        removed = sorted(site._scopes[self.scope] - self.present)
        for rel in removed:
            site.remove(rel)
        self.abort()
        return written, removed

    def abort(self) -> None:
        if self._owned:
            shutil.rmtree(self.staging, ignore_errors=True)


def _prune_empty(folder: Path, top: Path) -> None:
    """Remove ``folder`` and its parents up to ``top`` while they are empty (as a fresh build
    would not have them)."""
    while folder != top and folder.is_relative_to(top):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
