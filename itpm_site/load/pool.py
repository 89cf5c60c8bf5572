"""Loading the portfolio's files on two processes, begun before it is needed.

``start_loading`` forks a worker at once (where processes can be forked, Linux): it loads
content files from the end of the list while this process goes on with other work — ``build``
imports its rendering stack and reads its caches meanwhile. ``result()`` then loads files from
the start of the list until the two meet. Each side claims a few files at a time from a shared
pair of counters, so the split follows whichever process has more time; the worker also pickles
what it loaded, which costs it about a fifth more per file. The result is the same as loading
in one process, file for file and diagnostic for diagnostic.

One loading at a time per process: the worker reads module state set when it forks.
"""

from __future__ import annotations

import mmap
import pickle
import struct
import sys
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from itpm_site.cache import loaded as load_cache
from itpm_site.cache.digest import digest
from itpm_site.cache.loaded import PICKLE
from itpm_site.cache.seal import CACHE_DIR
from itpm_site.load.loader import THEMES_DIR, DiskSources, LoadedFile, load_file, load_sources, sorted_content
from itpm_site.load.result import LoadResult
from itpm_site.parallel import (
    Lifeline,
    paused_gc,
    pool_context,
    worker_count,
)

#: Below this many content files, a second process costs more than it saves.
MIN_FILES_FOR_WORKER = 400
#: Files claimed at a time: about 2 ms of work, so neither side waits long for the other.
BATCH = 8
#: Files the worker loads before sending them.
SENT_AT_ONCE = 6 * BATCH

_COUNTERS = struct.Struct("=ii")  # next file from the start, end of the files left


class _Claims:
    """The files still to load, ``[low, high)``, shared by this process and its forked worker."""

    def __init__(self, total: int) -> None:
        self.memory = mmap.mmap(-1, _COUNTERS.size)  # anonymous: shared with a forked child
        _COUNTERS.pack_into(self.memory, 0, 0, total)
        self.lock = pool_context().Lock()

    def left(self) -> int:
        low: int
        high: int
        with self.lock:
            low, high = _COUNTERS.unpack_from(self.memory)
        return high - low

    def from_start(self, timeout: float = -1) -> range | None:
        """The next files from the start (empty once none are left); None if the lock was
        not had within ``timeout`` seconds."""
        if not self.lock.acquire(timeout=timeout):
            return None
        try:
            low, high = _COUNTERS.unpack_from(self.memory)
            taken = range(low, min(low + BATCH, high))
            _COUNTERS.pack_into(self.memory, 0, taken.stop, high)
        finally:
            self.lock.release()
        return taken

    def from_end(self) -> range:
        with self.lock:
            low, high = _COUNTERS.unpack_from(self.memory)
            taken = range(max(high - BATCH, low), high)
            _COUNTERS.pack_into(self.memory, 0, low, taken.start)
        return taken


class _Files:
    """The content files to load (positions in ``ordered``), and how to read each."""

    def __init__(
        self,
        root: Path,
        sources: DiskSources,
        ordered: list[tuple[str, str]],
        todo: list[int],
        data: dict[int, bytes],
    ) -> None:
        self.root, self.sources, self.ordered = root, sources, ordered
        self.todo = todo
        self.data = data  # bytes already read (to find the kept files), by position

    def load(self, position: int) -> tuple[LoadedFile, str]:
        """Load the ``position``-th file to load: (its result, the digest of its bytes, or ''
        if it could not be read)."""
        index = self.todo[position]
        rel, section = self.ordered[index]
        data = self.data.pop(index, None)
        if data is None:
            try:
                data = self.sources[rel]
            except OSError:  # load_file reads it again, to report why it cannot be read
                return load_file(self.root, rel, section, lambda: self.sources[rel]), ""
        return load_file(self.root, rel, section, lambda: data), digest(data)


# Set in this process just before the worker forks, read by the worker.
_SHARED: tuple[_Files, _Claims] | None = None


def _load_from_end(limit: int) -> dict[int, load_cache.Kept]:
    """In the worker: claim and load files from the end, up to ``limit`` or none left; each
    sent pickled, as it is kept in the cache."""
    assert _SHARED is not None
    files, claims = _SHARED
    loaded: dict[int, load_cache.Kept] = {}
    with paused_gc():  # all of it lives on, until it is sent
        while len(loaded) < limit and (taken := claims.from_end()):
            for position in taken:
                result, file_digest = files.load(position)
                loaded[position] = (file_digest, pickle.dumps(result, PICKLE))
    return loaded


class Loading:
    """A portfolio being loaded: ``result()`` finishes the job, once; ``close()`` (also done
    by ``result()``, and by leaving a ``with`` block) stops the worker and restores what was
    changed for it.

    With ``cache`` (``build``), files unchanged since the last build are read back from
    ``load_cache`` instead of being loaded, and what was loaded is kept for the next one.
    """

    def __init__(self, root: Path, jobs: int | None = None, cache: bool = False) -> None:
        self.root = root.resolve()
        self.sources = DiskSources(self.root)
        self.ordered = [
            (rel, section) for section, rels in sorted_content(self.sources).items() for rel in rels
        ]
        self.pool: Any = None
        self.lifeline: Lifeline | None = None
        self.parts: list[Future] = []
        self.switch_interval = sys.getswitchinterval()
        self.done = False
        self.store = load_cache.LoadCache(self.root / CACHE_DIR, self.root) if cache else None
        self.kept: dict[int, tuple[str, memoryview]] = {}  # unchanged files: digest, result
        data: dict[int, bytes] = {}
        if self.store is not None and self.store.index:
            for index, (rel, _) in enumerate(self.ordered):
                try:
                    data[index] = self.sources[rel]
                except OSError:
                    continue  # loaded, and reported, as ever
                file_digest = digest(data[index])
                blob = self.store.get(rel, file_digest)
                if blob is not None:
                    self.kept[index] = (file_digest, blob)
                    del data[index]
        todo = [i for i in range(len(self.ordered)) if i not in self.kept]
        self.files = _Files(self.root, self.sources, self.ordered, todo, data)
        self.claims = _Claims(len(todo))
        if (
            worker_count(jobs) < 2
            or len(todo) < MIN_FILES_FOR_WORKER
            or pool_context().get_start_method() != "fork"
        ):
            return
        try:
            self._start()
        except OSError:  # no process to be had (limits, memory): load here, all of it
            self.close()

    def _start(self) -> None:
        global _SHARED
        from concurrent.futures import ProcessPoolExecutor

        _SHARED = (self.files, self.claims)
        self.lifeline = Lifeline()  # a build killed while loading takes the worker with it
        try:
            self.pool = ProcessPoolExecutor(
                max_workers=1, mp_context=pool_context(), initializer=self.lifeline.hold
            )
            # Parts of a few dozen files: each is sent (and pickled, and unpickled here) while
            # both sides still load, not all at the end. The first submit forks the worker.
            parts = -(-len(self.files.todo) // SENT_AT_ONCE)
            self.parts = [self.pool.submit(_load_from_end, SENT_AT_ONCE) for _ in range(parts)]
        finally:
            _SHARED = None
        # This process's pool threads pass the worker its next part and take its last one:
        # let them in soon, not after Python's default 5 ms, while this thread is busy.
        sys.setswitchinterval(min(self.switch_interval, 0.0005))

    def __enter__(self) -> Loading:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
            self.pool = None
        if self.lifeline is not None:
            self.lifeline.close()
            self.lifeline = None
        self.parts = []  # what the worker sent: in the result now, or not needed
        sys.setswitchinterval(self.switch_interval)

    def result(self) -> LoadResult:
        if self.done:
            raise RuntimeError("Loading.result() was called twice")
        self.done = True
        root, files = self.root, self.files
        position = {index: n for n, index in enumerate(files.todo)}
        index_of = {rel: i for i, (rel, _) in enumerate(self.ordered)}
        writer = self.store.writer() if self.store is not None else None
        mine = range(0)
        theirs: dict[int, load_cache.Kept] = {}
        parts = iter(self.parts)

        def read_file(rel: str, section: str) -> LoadedFile:
            # Called for every content file in list order. Kept files are read back; of the
            # others, this process claims from the start while any are left, and the rest the
            # worker has loaded (or is loading).
            nonlocal mine
            blob: bytes | memoryview
            result: LoadedFile
            i = index_of[rel]
            if i in self.kept:
                file_digest, blob = self.kept[i]
                try:
                    result = pickle.loads(blob)
                except Exception:  # kept by a library the fingerprint does not name: load
                    result = load_file(root, rel, section, lambda: self.sources[rel])
                    blob = pickle.dumps(result, PICKLE)
                    fresh = True
                else:
                    fresh = False
                if writer is not None:
                    writer.add(rel, file_digest, blob, fresh=fresh)
                return result
            n = position[i]
            if n >= mine.stop and n not in theirs:
                mine = self._claim_from_start()
            if n in mine:
                result, file_digest = files.load(n)
                if writer is not None and file_digest:
                    writer.add(rel, file_digest, pickle.dumps(result, PICKLE), fresh=True)
                return result
            while n not in theirs:
                theirs.update(next(parts).result())
            file_digest, blob = theirs.pop(n)
            if writer is not None and file_digest:
                writer.add(rel, file_digest, blob, fresh=True)
            result = pickle.loads(blob)
            return result

        try:
            loaded = load_sources(root, self.sources, read_file, root / THEMES_DIR)
            if writer is not None:
                writer.finish()
        except BaseException:
            if writer is not None:
                writer.abort()
            raise
        finally:
            self.close()
            if self.store is not None:  # 73 MB at 10,000 files: not for the whole build
                self.store.close()
            self.kept = {}
        return loaded

    def _claim_from_start(self) -> range:
        while (taken := self.claims.from_start(timeout=1.0)) is None:
            # The worker holds the lock for microseconds: if it does for a second, see whether
            # it died holding it (its parts then carry the error), rather than wait for ever.
            for part in self.parts:
                if part.done() and (error := part.exception()) is not None:
                    raise error
        return taken


def start_loading(root: Path, jobs: int | None = None, cache: bool = False) -> Loading:
    """Begin loading the portfolio at ``root`` (``jobs``: processes, default the CPUs;
    ``cache``: read back, and keep, files unchanged between builds)."""
    return Loading(root, jobs, cache)


def load_portfolio(root: Path, jobs: int | None = None) -> LoadResult:
    """Load every file of the portfolio at ``root``: one pass, every problem reported.

    With two or more processes (``jobs``, default: the CPUs) and enough files, a forked
    worker loads some of the files (see ``load_pool``); the result is the same either way.
    """
    return start_loading(root, jobs).result()
