"""Validated content files kept between builds, by content (``loaded.bin`` in the
portfolio's user-cache folder, see ``folder``).

A file whose bytes are those of the last build is not parsed and validated again: its result
(entry, diagnostics, claimed slugs) is read back. The whole-portfolio rules still run on
every build. Each content file's result is kept pickled, with a digest of the file's bytes,
under a fingerprint of everything else a result depends on: the portfolio's place (documents
carry their path), this itpm-site's code (the bytes of its modules, not their modification
times: a CI job that installs the same itpm-site afresh on every run keeps its cache), Python
and the parsing and validating libraries. Any of those changing starts afresh.

The file is the pickled results one after the other, then an index of them (name, digest,
where), then the index's place. It is read in one piece and each result unpickled from its
slice, and written result by result as the build loads them: a large portfolio's results are
not cut into one allocation per file that would stay in the process after use, nor held whole
to be written.

Pickle runs code when it reads: the file is only ever read from the user's own cache folder,
never from the portfolio (see ``folder``).
"""

from __future__ import annotations

import contextlib
import pickle
import struct
import sys
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from itpm_site.cache.digest import code_digest
from itpm_site.cache.folder import AtomicWriter, private_folder, read_file

FILE = "loaded.bin"
PICKLE = pickle.HIGHEST_PROTOCOL
_TRAILER = struct.Struct("=Q")  # where the index starts


def fingerprint(root: Path) -> tuple | None:
    """What every kept result depends on besides its file; None if it cannot be known (no
    package metadata, say), and then nothing is kept."""
    try:
        libraries = [version(name) for name in ("pydantic", "pydantic-core", "PyYAML", "pycountry")]
    except PackageNotFoundError:
        return None
    import yaml

    return (3, str(root), sys.version, libraries, yaml.__with_libyaml__, code_digest())


class LoadCache:
    """The results kept for the portfolio at ``root`` in ``folder`` (none if it has none, or
    they were made by something else)."""

    def __init__(self, folder: Path, root: Path) -> None:
        self.folder = folder
        self.fingerprint = fingerprint(root)
        self._data = memoryview(b"")
        self.index: dict[str, tuple[str, int, int]] = {}  # name: (digest, start, end)
        raw = read_file(folder / FILE) if self.fingerprint else None
        if raw is None or len(raw) < _TRAILER.size:
            return
        data = memoryview(raw)
        try:
            (start,) = _TRAILER.unpack_from(data, len(data) - _TRAILER.size)
            stored = pickle.loads(data[start : len(data) - _TRAILER.size])
        except Exception:  # damaged, or pickled by another version: start afresh
            return
        if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == self.fingerprint:
            self._data, self.index = data, stored[1]

    def get(self, rel: str, file_digest: str) -> memoryview | None:
        """The pickled result of ``rel`` if it was kept for these very bytes."""
        kept = self.index.get(rel)
        if kept is None or kept[0] != file_digest:
            return None
        return self._data[kept[1] : kept[2]]

    def writer(self) -> CacheWriter | None:
        """A new cache file to fill (None where none can be written)."""
        if self.fingerprint is None or not private_folder(self.folder):
            return None
        for left in self.folder.glob(f"{FILE}.*.tmp"):  # a build killed while writing
            with contextlib.suppress(OSError):
                if time.time() - left.lstat().st_mtime > 600:
                    left.unlink()
        return CacheWriter(self)

    def close(self) -> None:
        self._data, self.index = memoryview(b""), {}


class CacheWriter:
    """Results added one by one (``add``) in the order they are loaded, then ``finish``.

    Nothing is written while every result added is the one kept (a rebuild with no change
    writes nothing); from the first new one, each is written as it comes and let go.
    """

    def __init__(self, cache: LoadCache) -> None:
        self.cache = cache
        self.index: dict[str, tuple[str, int, int]] = {}
        self.held: list[tuple[str, str, memoryview]] = []  # kept ones, until a new one comes
        self.out: AtomicWriter | None = None
        self.failed = False  # no file could be opened: nothing more to do
        self.at = 0

    def add(self, rel: str, file_digest: str, blob: bytes | memoryview, fresh: bool) -> None:
        if self.failed:
            return
        if self.out is None and not fresh:
            self.held.append((rel, file_digest, memoryview(blob)))
            return
        if self.out is None:
            self._open()
        self._write(rel, file_digest, blob)

    def finish(self) -> None:
        """Write the index, unless nothing changed (the same files, each as kept)."""
        if self.failed:
            return
        if self.out is None:
            if [rel for rel, _, _ in self.held] == list(self.cache.index):
                return
            self._open()
        out = self.out
        if out is None:
            return
        out.write(pickle.dumps((self.cache.fingerprint, self.index), protocol=PICKLE))
        out.write(_TRAILER.pack(self.at))
        out.commit()

    def abort(self) -> None:
        if self.out is not None:
            self.out.abort()
            self.out = None

    def _open(self) -> None:
        self.out = AtomicWriter.open(self.cache.folder / FILE)
        held, self.held = self.held, []
        if self.out is None:
            self.failed = True
            return
        for rel, file_digest, blob in held:
            self._write(rel, file_digest, blob)

    def _write(self, rel: str, file_digest: str, blob: bytes | memoryview) -> None:
        if self.out is not None:
            self.out.write(blob)
        self.index[rel] = (file_digest, self.at, self.at + len(blob))
        self.at += len(blob)
