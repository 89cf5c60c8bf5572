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
import struct
import sys
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from itpm_site.loader import (
    THEMES_DIR,
    DiskSources,
    LoadedFile,
    LoadResult,
    load_file,
    load_sources,
    sorted_content,
)
from itpm_site.parallel import paused_gc, pool_context, worker_count

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


# Set in this process just before the worker forks, read by the worker.
_SHARED: tuple[Path, DiskSources, list[tuple[str, str]], _Claims] | None = None


def _load_from_end(limit: int) -> dict[int, LoadedFile]:
    """In the worker: claim and load files from the end, up to ``limit`` or none left."""
    assert _SHARED is not None
    root, sources, ordered, claims = _SHARED
    loaded: dict[int, LoadedFile] = {}
    with paused_gc():  # all of it lives on, until it is sent
        while len(loaded) < limit and (taken := claims.from_end()):
            for index in taken:
                rel, section = ordered[index]
                loaded[index] = load_file(root, rel, section, lambda rel=rel: sources[rel])
    return loaded


class Loading:
    """A portfolio being loaded: ``result()`` finishes the job, once; ``close()`` (also done
    by ``result()``, and by leaving a ``with`` block) stops the worker and restores what was
    changed for it."""

    def __init__(self, root: Path, jobs: int | None = None) -> None:
        self.root = root.resolve()
        self.sources = DiskSources(self.root)
        self.ordered = [(rel, section) for section, rels in sorted_content(self.sources).items()
                        for rel in rels]
        self.pool: Any = None
        self.parts: list[Future] = []
        self.switch_interval = sys.getswitchinterval()
        self.done = False
        if (worker_count(jobs) < 2 or len(self.ordered) < MIN_FILES_FOR_WORKER
                or pool_context().get_start_method() != "fork"):
            return
        try:
            self._start()
        except OSError:  # no process to be had (limits, memory): load here, all of it
            self.close()

    def _start(self) -> None:
        global _SHARED
        from concurrent.futures import ProcessPoolExecutor

        self.claims = _Claims(len(self.ordered))
        _SHARED = (self.root, self.sources, self.ordered, self.claims)
        try:
            self.pool = ProcessPoolExecutor(max_workers=1, mp_context=pool_context())
            # Parts of a few dozen files: each is sent (and pickled, and unpickled here) while
            # both sides still load, not all at the end. The first submit forks the worker.
            parts = -(-len(self.ordered) // SENT_AT_ONCE)
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
        self.parts = []  # what the worker sent: in the result now, or not needed
        sys.setswitchinterval(self.switch_interval)

    def result(self) -> LoadResult:
        if self.done:
            raise RuntimeError("Loading.result() was called twice")
        self.done = True
        root, sources = self.root, self.sources
        if self.pool is None:
            return load_sources(root, sources, themes=root / THEMES_DIR)
        index = {rel: i for i, (rel, _) in enumerate(self.ordered)}
        mine = range(0)
        theirs: dict[int, LoadedFile] = {}
        parts = iter(self.parts)

        def read_file(rel: str, section: str) -> LoadedFile:
            # Called for every content file in list order: claim from the start while any
            # are left; the rest the worker has loaded (or is loading).
            nonlocal mine
            i = index[rel]
            if i >= mine.stop and i not in theirs:
                mine = self._claim_from_start()
            if i in mine:
                return load_file(root, rel, section, lambda: sources[rel])
            while i not in theirs:
                theirs.update(next(parts).result())
            return theirs.pop(i)

        try:
            return load_sources(root, sources, read_file, root / THEMES_DIR)
        finally:
            self.close()

    def _claim_from_start(self) -> range:
        while (taken := self.claims.from_start(timeout=1.0)) is None:
            # The worker holds the lock for microseconds: if it does for a second, see whether
            # it died holding it (its parts then carry the error), rather than wait for ever.
            for part in self.parts:
                if part.done() and part.exception() is not None:
                    raise part.exception()  # type: ignore[misc]
        return taken


def start_loading(root: Path, jobs: int | None = None) -> Loading:
    """Begin loading the portfolio at ``root`` (``jobs``: processes, default the CPUs)."""
    return Loading(root, jobs)
