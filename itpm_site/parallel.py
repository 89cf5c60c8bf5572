"""How many processes to use and how they start, and the collector paused while a build makes
what it keeps."""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import threading


def worker_count(requested: int | None = None) -> int:
    """--jobs, else ITPM_SITE_JOBS, else the usable CPU count."""
    if requested:
        return max(1, requested)
    env = os.environ.get("ITPM_SITE_JOBS", "")
    if env.isdigit() and int(env) > 0:
        return int(env)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS, Windows
        return max(1, os.cpu_count() or 1)


def pool_context() -> multiprocessing.context.BaseContext:
    """How render workers start: forked, so they inherit the computed site. They run on Linux
    only (``write.pages``), where forking is cheap and safe; elsewhere pages render in-process."""
    return multiprocessing.get_context("fork")


class PausedCollector:
    """Python's cyclic garbage collector, off while a build makes objects that stay alive.

    Loading 10,000 projects allocates millions of objects that all live to the end of the
    build (or of the server); the collector would walk them again and again for nothing.
    ``keep()`` puts what is built so far out of its sight (``gc.freeze``), which also keeps
    forked workers from touching, and so copying, those pages; ``resume()`` lets it run
    again, for the garbage that follows (rendering makes cyclic garbage: Jinja's contexts).
    Used as a context manager, the pause ends with the block, and what it kept is let go.
    """

    def __init__(self) -> None:
        self._was_enabled = gc.isenabled()
        self._kept = False
        gc.disable()

    def keep(self, collect: bool = False) -> None:
        """What is built so far lives on: the collector no longer walks it (``collect``: free
        what is garbage already, first)."""
        if collect:
            gc.collect()
        gc.freeze()
        self._kept = True

    def resume(self) -> None:
        """The collector runs again (if it ran before the pause)."""
        if self._was_enabled:
            gc.enable()

    def __enter__(self) -> PausedCollector:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._kept:
            gc.unfreeze()
        self.resume()


class Lifeline:
    """Forked workers that end with this process, however it ends (even by SIGKILL).

    Workers wait on a pipe from the pool for their next task; if this process is killed, that
    pipe stays open in every worker (each holds both of its ends) and they wait for ever. So
    each worker also watches this pipe, whose write end only this process keeps: the kernel
    closes it when this process dies, and a worker that reads end-of-file exits at once.
    Make one before forking the workers, pass ``hold`` as their initializer, ``close`` once
    they are gone.
    """

    def __init__(self) -> None:
        self.read_end, self.write_end = os.pipe()

    def hold(self) -> None:
        """In a worker: let go of the write end, and exit when the reading ends."""
        with contextlib.suppress(OSError):
            os.close(self.write_end)
        threading.Thread(target=self._watch, name="itpm-lifeline", daemon=True).start()

    def _watch(self) -> None:
        while True:
            try:
                if not os.read(self.read_end, 1):
                    break
            except InterruptedError:
                continue
            except OSError:  # the pipe is gone: nothing to watch
                return
        os._exit(1)  # the parent is gone: its folders are left for the next build to clean

    def close(self) -> None:
        for fd in (self.read_end, self.write_end):
            with contextlib.suppress(OSError):
                os.close(fd)
