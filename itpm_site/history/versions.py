"""Project file versions, each loaded once by its blob id and kept in the build cache.

A version is loaded through the same loader as the working tree (``load_file``), so history
sees exactly what a build of that commit would have seen. What is kept of it is what
history compares and counts: the project, its slug and a digest of its body. The kept
versions live in one file (``history.bin`` in the portfolio's user-cache folder), under the same
fingerprint as the loading cache (this itpm-site's code and libraries): a rebuild after one
new commit loads only the files that commit changed.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from itpm_site.cache.folder import read_file, write_file
from itpm_site.cache.loaded import fingerprint
from itpm_site.load.diagnostics import Collector
from itpm_site.load.git import Repository
from itpm_site.load.loader import config_from_source, load_file
from itpm_site.load.result import Entry
from itpm_site.model.config import SiteConfig
from itpm_site.model.project import Project

CACHE_FILE = "history.bin"


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
    body = hashlib.blake2b(entry.doc.body.strip().encode("utf-8"), digest_size=16)
    return Version(entry.slug, entry.model, VersionDoc(entry.rel, body.hexdigest()))


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
        self.kept: dict[tuple[str, str], Version | None] = self._read()
        self.loaded = 0  # versions loaded in this build (not found in the cache)
        self._configs: dict[str, SiteConfig | None] = {}

    def _read(self) -> dict[tuple[str, str], Version | None]:
        data = read_file(self.path) if self.path and self.fingerprint else None
        if data is None:
            return {}
        try:
            stored_fingerprint, kept = pickle.loads(data)
        except Exception:  # damaged, or pickled by another version: start afresh
            return {}
        return kept if stored_fingerprint == self.fingerprint else {}

    def prefetch(self, wanted: Iterable[tuple[str, str]]) -> None:
        """Load every (blob, path) not kept yet, reading their blobs through one git process."""
        missing = list(dict.fromkeys(k for k in wanted if k not in self.kept))
        if not missing:
            return
        contents = self.repo.blobs([blob for blob, _ in missing])
        for (blob, rel), data in zip(missing, contents, strict=True):
            self.kept[(blob, rel)] = self._load(rel, data)
        self.loaded += len(missing)

    def version(self, blob: str, rel: str) -> Version | None:
        """The version of ``rel`` with content ``blob``; None when that file had errors."""
        if (blob, rel) not in self.kept:
            self.prefetch([(blob, rel)])
        return self.kept[(blob, rel)]

    def _load(self, rel: str, data: bytes) -> Version | None:
        entry = load_file(self.root, rel, "projects", lambda: data).entry
        return None if entry is None else version_of(entry)

    def config(self, blob: str) -> SiteConfig | None:
        """site.yaml at that version; None when it had errors."""
        if blob not in self._configs:
            data = self.repo.blobs([blob])[0]
            out = Collector()
            config = config_from_source(self.root, lambda: data, out)
            self._configs[blob] = None if any(d.is_error for d in out.items) else config
        return self._configs[blob]

    def save(self) -> None:
        """Keep the versions for the next build (only when this one loaded new ones)."""
        if self.loaded and self.path and self.fingerprint:
            write_file(
                self.path, pickle.dumps((self.fingerprint, self.kept), protocol=pickle.HIGHEST_PROTOCOL)
            )
