"""What a serve session keeps between rebuilds: each content file's validated result by the
digest of its bytes. The server's builder and the background worker each keep one, so that a
rebuild parses only the files that changed. (Compiled templates are kept where build keeps
them, in the portfolio's cache folder: ``cache.templates``.)"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from itpm_site.cache.digest import digest
from itpm_site.load.loader import (
    CONTENT_DIR,
    SITE_FILE,
    THEMES_DIR,
    DiskSources,
    LoadedFile,
    has_people_folder,
    load_file,
    load_sources,
    relative,
    section_of,
)
from itpm_site.load.result import LoadResult


class FileCache:
    """The last few ``LoadedFile`` of each content file, by the digest of the bytes they came
    from: a file saved back as it was (a typo fixed, an undo) gets its earlier entry back, so
    nothing looks changed."""

    VERSIONS = 4

    def __init__(self, root: Path) -> None:
        self.root = root
        self._files: dict[tuple[str, str], dict[str, LoadedFile]] = {}
        self._disk: DiskSources | None = None  # site.yaml and content files, by rel
        #: The files the last load read: ``{rel: bytes or OSError}``.
        self.sources: dict[str, bytes | OSError] = {}
        self.parsed = 0  # files parsed by the last load

    @property
    def _listing(self) -> dict[str, Path] | None:
        return self._disk.paths if self._disk is not None else None

    def _same_files(self, hints: Iterable[str]) -> bool:
        """Do these changed paths leave the list of files as it was (edits, no new names)?"""
        listing = self._listing
        if listing is None:
            return False
        for hint in hints:
            rel = relative(self.root, Path(hint))
            if rel in listing:
                if not listing[rel].is_file():
                    return False  # deleted
            elif (
                rel == SITE_FILE
                or section_of(rel) is not None
                or (rel.startswith(CONTENT_DIR + "/") and not rel.endswith(".md"))
            ):
                return False  # a new file, or a folder added, moved or removed
        return True

    def load(self, hints: Iterable[str] | None = None) -> LoadResult:
        """The portfolio as ``load_portfolio`` would load it, parsing only changed files.

        ``hints``: the paths the watcher saw change, if known; when they are all edits of known
        files the folders are not listed again. Every file is read and hashed either way.
        """
        if self._disk is None or hints is None or not self._same_files(hints):
            self._disk = DiskSources(self.root)
        disk = self._disk
        sources = ReadFiles()
        for rel in disk:
            try:
                sources.files[rel] = disk[rel]  # read as build reads it: links out of content/ refused
            except FileNotFoundError:  # deleted since it was listed: the next rebuild sees it gone
                continue
            except OSError as problem:  # the loader reports it on the file
                sources.files[rel] = problem
        self.sources = sources.files
        return self.parse(sources)

    def parse(self, sources: ReadFiles) -> LoadResult:
        """The portfolio these files make, parsing only the files not seen before (the
        background worker loads the server's files with it)."""
        seen: set[tuple[str, str]] = set()
        self.parsed = 0
        digests: dict[str, str] = {}

        def read_file(rel: str, section: str) -> LoadedFile:
            if sources.failed(rel):
                return load_file(self.root, rel, section, lambda: sources[rel])
            data = sources[rel]
            key = (rel, section)
            seen.add(key)
            new = digests[rel] = digest(data)
            versions = self._files.setdefault(key, {})
            loaded = versions.pop(new, None)
            if loaded is None:
                loaded = load_file(self.root, rel, section, lambda: data)
                self.parsed += 1
            versions[new] = loaded  # the most recent last
            while len(versions) > self.VERSIONS:
                del versions[next(iter(versions))]
            return loaded

        result = load_sources(
            self.root, sources, read_file, self.root / THEMES_DIR, has_people_folder(self.root)
        )
        for key in set(self._files) - seen:  # deleted or renamed files
            del self._files[key]
        result.digests = digests
        return result


class ReadFiles(Mapping[str, bytes]):
    """The files read for one rebuild; a file that could not be read raises again when asked
    for, so that the loader reports it exactly as ``build`` does."""

    def __init__(self, files: Mapping[str, bytes | OSError] | None = None) -> None:
        self.files: dict[str, bytes | OSError] = dict(files or {})

    def __getitem__(self, rel: str) -> bytes:
        value = self.files[rel]
        if isinstance(value, OSError):
            raise value
        return value

    def __iter__(self) -> Iterator[str]:
        return iter(self.files)

    def __len__(self) -> int:
        return len(self.files)

    def failed(self, rel: str) -> bool:
        return isinstance(self.files.get(rel), OSError)
