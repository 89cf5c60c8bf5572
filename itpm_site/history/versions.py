"""Project file versions, each loaded once by its blob id and kept in the build cache.

A version is loaded through the same loader as the working tree (``load_file``), so history
sees exactly what a build of that commit would have seen. What is kept of it is what
history compares and counts: the project, its slug and a digest of its body. The kept
versions live in one file (``history.bin`` in the portfolio's user-cache folder), under the same
fingerprint as the loading cache (this itpm-site's code and libraries): a rebuild after one
new commit loads only the files that commit changed.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from itpm_site.cache.digest import digest
from itpm_site.cache.folder import read_file, write_file
from itpm_site.cache.loaded import fingerprint
from itpm_site.load.diagnostics import Collector
from itpm_site.load.frontmatter import MAX_BODY_BYTES, MAX_FRONT_MATTER_BYTES
from itpm_site.load.git import ObjectReader, Repository
from itpm_site.load.loader import SITE_FILE, config_from_source, load_file
from itpm_site.load.result import Entry
from itpm_site.model.config import SiteConfig
from itpm_site.model.project import Project

CACHE_FILE = "history.bin"
#: The largest a project file can be and be within the limits of ``check`` (front matter,
#: its two fences, the body). A larger version is never read into memory: a history may
#: hold versions far larger than any file that passes ``check`` today.
MAX_VERSION_BYTES = MAX_FRONT_MATTER_BYTES + MAX_BODY_BYTES + 64


@dataclass(frozen=True)
class VersionDoc:
    """What the comparison reads of a document: its path and (a digest of) its body."""

    rel: str
    body: str


@dataclass(frozen=True)
class Version:
    """One valid version of a project file."""

    slug: str
    project: Project
    doc: VersionDoc

    @property
    def rel(self) -> str:
        return self.doc.rel

    def entry(self) -> Entry[Project]:
        # A VersionDoc stands in for the Document: it has what comparing reads (rel, body).
        return Entry(self.project, self.slug, self.doc)  # type: ignore[arg-type]

    def moved_to(self, rel: str) -> Version:
        """The same version under another path (a rename whose new content is broken)."""
        return Version(self.slug, self.project, VersionDoc(rel, self.doc.body))


def version_of(entry: Entry[Project]) -> Version:
    """What history keeps of a loaded project file."""
    body = digest(entry.doc.body.strip().encode("utf-8"))
    return Version(entry.slug, entry.model, VersionDoc(entry.rel, body))


class Versions(Protocol):
    """Where a replay reads each changed file's version and site.yaml: the version store, or
    the working tree's files already loaded."""

    def version(self, blob: str, rel: str) -> Version | None: ...

    def config(self, blob: str) -> SiteConfig | None: ...


class VersionStore:
    """Loads file versions by blob id, reading from git only those not kept from before."""

    def __init__(self, root: Path, repo: Repository, cache_dir: Path | None) -> None:
        self.root, self.repo = root, repo
        self.path = cache_dir / CACHE_FILE if cache_dir else None
        self.fingerprint = fingerprint(root) if self.path else None
        self.kept: dict[tuple[str, str], Version | None] = {}
        #: Versions passed over as too large, each with its warning (kept with the versions,
        #: so that every build says so, not only the one that first read them).
        self.skipped: dict[tuple[str, str], str] = {}
        self._read()
        self.loaded = 0  # versions loaded in this build (not found in the cache)
        self._configs: dict[str, SiteConfig | None] = {}
        #: One line for each version this build passes over.
        self.warnings: list[str] = []

    def _read(self) -> None:
        data = read_file(self.path) if self.path and self.fingerprint else None
        if data is None:
            return
        try:
            stored_fingerprint, kept, skipped = pickle.loads(data)
        except Exception:  # damaged, or pickled by another version: start afresh
            return
        if stored_fingerprint == self.fingerprint:
            self.kept, self.skipped = kept, skipped

    def prefetch(self, wanted: Iterable[tuple[str, str, str]]) -> None:
        """Load every (blob, path) not kept yet; ``wanted`` names each with the commit that
        brought it. Blobs are read one at a time and only what is kept of each stays, so
        memory does not grow with the size of the history."""
        missing: dict[tuple[str, str], str] = {}
        for blob, rel, commit in wanted:
            key = (blob, rel)
            if key not in self.kept:
                missing.setdefault(key, commit)
            elif key in self.skipped and self.skipped[key] not in self.warnings:
                self.warnings.append(self.skipped[key])
        if not missing:
            return
        with self.repo.reader() as read:
            for (blob, rel), commit in missing.items():
                self.kept[(blob, rel)] = self._read_version(read, blob, rel, commit)
        self.loaded += len(missing)

    def version(self, blob: str, rel: str) -> Version | None:
        """The version of ``rel`` with content ``blob``; None when that file had errors."""
        if (blob, rel) not in self.kept:
            self.prefetch([(blob, rel, "")])
        return self.kept[(blob, rel)]

    def _read_version(self, read: ObjectReader, blob: str, rel: str, commit: str) -> Version | None:
        data, size = read(blob, MAX_VERSION_BYTES)
        if data is None:
            where = f" at commit {commit}" if commit else ""
            warning = (
                f"{rel}{where}: {size:,} bytes, more than a project file within the limits can "
                f"hold ({MAX_VERSION_BYTES:,}); that version is left out of the history"
            )
            self.skipped[(blob, rel)] = warning
            self.warnings.append(warning)
            return None
        entry = load_file(self.root, rel, "projects", lambda: data).entry
        return None if entry is None else version_of(entry)

    def config(self, blob: str) -> SiteConfig | None:
        """site.yaml at that version; None when it had errors or is beyond its limit."""
        if blob not in self._configs:
            with self.repo.reader() as read:
                data, size = read(blob, MAX_FRONT_MATTER_BYTES)
            if data is None:
                self.warnings.append(
                    f"{SITE_FILE} ({blob}): {size:,} bytes, more than the limit of "
                    f"{MAX_FRONT_MATTER_BYTES:,}; that version is left out of the history"
                )
                self._configs[blob] = None
                return None
            out = Collector()
            config = config_from_source(self.root, lambda: data, out)
            self._configs[blob] = None if any(d.is_error for d in out.items) else config
        return self._configs[blob]

    def save(self) -> None:
        """Keep the versions for the next build (only when this one loaded new ones)."""
        if self.loaded and self.path and self.fingerprint:
            write_file(
                self.path,
                pickle.dumps((self.fingerprint, self.kept, self.skipped), protocol=pickle.HIGHEST_PROTOCOL),
            )
