"""The background half of a ``serve`` rebuild: the big pages and the emitters' files, rendered in
a worker process.

On a big portfolio the dashboard and the lists take seconds each, and the emitters (exports,
search index) longer still, mostly in Python. In a thread they would hold the
interpreter lock against the next rebuild, and a template macro that renders a 10,000-row table
cannot be stopped half-way: the work must be in a process that can be killed the moment a newer
rebuild (or a request for a page it has not reached) makes its plan out of date.

That process must not be forked from the server: ``serve`` runs the HTTP server, the watcher,
the rebuilds and this work in threads, and a child forked from a threaded process inherits
their locks in whatever state they were (logging, the import lock, the allocator's), which can
hang it. So the worker is started through ``multiprocessing``'s *forkserver* (a clean,
single-threaded process that forks workers with the package already imported) or, where there
is none (Windows) or when ``ITPM_SERVE_WORKER=spawn`` asks for it, *spawn*; messages go over a
``multiprocessing`` ``Connection``.

A fresh process cannot inherit the computed site, and pickling it (the entries, the portfolio,
the page plan) costs more than computing it again from the files, on both sides, and holds the
server's interpreter lock while it runs. The worker makes the site itself instead, from the
very bytes the server read (sent once, then only the files that changed), with the same
incremental file cache the server uses; it lives as long as the session, so that cache stays
warm. The files are sent as soon as a rebuild has read them (``prepare``): the worker makes
its copy on the other core while the server renders, and the job that follows finds it ready.

Being long-lived, the worker must not be killed to stop a job. Where it can fork safely (it
runs no thread), it renders each job in a child of its own that it kills when told to stop,
keeping its cache. With ``spawn`` it renders the job itself and is terminated instead; the
next job starts a new worker, with a cold cache.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.connection
import os
import queue
import signal
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from itpm_site.build import BuildOptions, emitted_files, prepare
from itpm_site.cache.digest import digest
from itpm_site.cache.templates import template_cache
from itpm_site.render.markdown import MarkdownCache
from itpm_site.render.pages import PageSpec, render_page
from itpm_site.render.site import SiteBuild, template_diagnostic
from itpm_site.serve.files import FileCache, ReadFiles
from itpm_site.serve.overlay import internal_error

#: Subfolders of a job's staging folder.
PAGES, EMITTED = "pages", "emitted"

#: ``ITPM_SERVE_WORKER=spawn`` starts the worker with ``spawn`` and has it render each job
#: itself, as on Windows (the tests use it to run that path on Linux too). Unset or
#: ``forkserver``: the forkserver where the platform has one.
WORKER_ENV = "ITPM_SERVE_WORKER"

#: What a job reports, one at a time:
#: ("page", path, digest) — the page is rendered (and staged, if its bytes changed);
#: ("emitted", [(path, digest), ...]) — the emitters ran (changed files staged);
#: ("problem", path or None, Diagnostic) — that page (None: the emitters) failed.
Message = tuple

#: How long to wait for the worker to confirm that a job has stopped before ending it. It may
#: be busy making its copy of the site, which cannot be cut short, and a new worker would have
#: to make it from scratch: only a worker that hangs is ended.
STOP_SECONDS = 60.0


@dataclass
class Source:
    """The site a job is for: what ``prepare`` sends ahead, and every job again."""

    #: Which ``prepare`` sent it (0: none): the worker's copy made then is this site.
    token: int
    options: BuildOptions
    #: The portfolio's files as the server read them: ``{rel: bytes or OSError}``; None for a
    #: file whose bytes the worker already has (sent with an earlier message).
    sources: dict[str, Any]


@dataclass
class Job:
    """Render these pages, in this order, then (if ``emitted``) run the emitters."""

    site: Source
    pages: list[str]
    emitted: bool
    emitted_first: bool
    #: Digests of the files served now: a file with the same digest is not staged again.
    current: dict[str, str]
    staging: Path


def start_method() -> str:
    """``forkserver`` or ``spawn`` (see ``WORKER_ENV``)."""
    wanted = os.environ.get(WORKER_ENV, "").strip().lower()
    if wanted == "spawn" or "forkserver" not in multiprocessing.get_all_start_methods():
        return "spawn"
    return "forkserver"


# ---------------------------------------------------------------------- in the worker process


def _stage(folder: Path, rel: str, data: bytes) -> None:
    path = folder.joinpath(*rel.split("/"))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _page(site: SiteBuild, job: Job, spec: PageSpec) -> Message:
    try:
        data = render_page(site.env, spec).encode("utf-8")
    except jinja2.TemplateError as exc:
        return ("problem", spec.path, template_diagnostic(exc, site.theme))
    except Exception as exc:  # a bug in a filter, say: the page keeps its last good version
        return ("problem", spec.path, internal_error(exc))
    new = digest(data)
    if job.current.get(spec.path) != new:
        _stage(job.staging / PAGES, spec.path, data)
    return ("page", spec.path, new)


def _emitted(site: SiteBuild, job: Job) -> Message:
    produced = []
    try:
        for rel, data in emitted_files(site):
            new = digest(data)
            if job.current.get(rel) != new:
                _stage(job.staging / EMITTED, rel, data)
            produced.append((rel, new))
    except Exception as exc:
        return ("problem", None, internal_error(exc))
    return ("emitted", produced)


def run(site: SiteBuild, job: Job) -> Iterator[Message]:
    """Do the job, reporting each file as it is done."""
    plan = {spec.path: spec for spec in site.pages}
    if job.emitted and job.emitted_first:
        yield _emitted(site, job)
    for path in job.pages:
        spec = plan.get(path)
        if spec is not None:  # the server's plan is the same; a page it lacks stays unreported
            yield _page(site, job, spec)
    if job.emitted and not job.emitted_first:
        yield _emitted(site, job)


class _Site:
    """The worker's copy of the server's state: the files as last sent, the parsed files, the
    rendered Markdown and the compiled templates, kept from job to job."""

    def __init__(self, root: Path, cache: Path | None) -> None:
        self.files = FileCache(root)
        self.markdown = MarkdownCache()
        self.templates = template_cache(cache)
        self.sources: dict[str, Any] = {}
        self.site: SiteBuild | None = None
        self.made: tuple[int, BuildOptions] | None = None  # what self.site was made for

    def make(self, source: Source) -> SiteBuild:
        """The site ``source`` stands for (the one made already, if it is the same)."""
        known = self.sources
        self.sources = {rel: known[rel] if data is None else data for rel, data in source.sources.items()}
        fresh = any(data is not None for data in source.sources.values())
        if self.site is not None and not fresh and self.made == (source.token, source.options):
            return self.site
        self.site = self.made = None
        loaded = self.files.parse(ReadFiles(self.sources))
        if loaded.errors:  # the server only asks for sites that loaded without errors
            raise RuntimeError(f"the worker's copy of the site has errors: {loaded.errors[0].headline()}")
        site = prepare(source.options, loaded, self.markdown)
        site.env.bytecode_cache = self.templates
        self.site, self.made = site, (source.token, source.options)
        return site


def _worker(conn: multiprocessing.connection.Connection, root: Path, cache: Path | None, fork: bool) -> None:
    """The worker's main loop: ``("site", Source)`` makes that site ahead of its job;
    ``("job", Job)`` is answered by the job's messages, then ``("done",)``; ``("stop",)`` (or
    a new site: a rebuild is under way) ends the running job at once."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the server, which stops us
    # Making the copy of the site overlaps the server's rebuild: on a busy machine, the
    # rebuild (the reload) comes first. (No ``nice`` on Windows.)
    with contextlib.suppress(AttributeError, OSError):
        os.nice(5)
    state = _Site(root, cache)
    pending = None
    while True:
        try:
            request = pending or conn.recv()
        except (EOFError, OSError):
            return  # the server is gone
        pending = None
        if request[0] == "site":
            with contextlib.suppress(Exception):  # the job that follows makes it again, and says why
                state.make(request[1])
            continue
        if request[0] != "job":
            continue  # a stop for a job that had already ended (its "done" is on its way)
        job: Job = request[1]
        try:
            site = state.make(job.site)
        except Exception:
            conn.send(("failed", traceback.format_exc()))
            conn.send(("done",))
            continue
        if fork:
            pending = _run_in_child(conn, site, job)
        else:
            for message in run(site, job):
                conn.send(message)
        conn.send(("done",))


def _run_in_child(conn: multiprocessing.connection.Connection, site: SiteBuild, job: Job) -> tuple | None:
    """Render ``job`` in a forked child (this process runs no thread: forking it is safe),
    passing its reports on, and kill the child if the server says stop or sends a new site
    (returned, to be made next)."""
    reader, writer = multiprocessing.Pipe(duplex=False)
    pid = os.fork()
    if pid == 0:
        try:
            reader.close()
            conn.close()  # the worker's line to the server: if the worker dies, the server sees it
            for message in run(site, job):
                writer.send(message)
        finally:
            os._exit(0)
    writer.close()
    try:
        while True:
            ready = multiprocessing.connection.wait([conn, reader])
            if conn in ready:  # a stop, or a new site
                request = conn.recv()
                return request if request[0] == "site" else None
            try:
                conn.send_bytes(reader.recv_bytes())
            except EOFError:
                return None  # the child is done (or died: what it did not report stays waiting)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)
        reader.close()


# ---------------------------------------------------------------------- in the server


class Worker:
    """The server's handle on its worker process, started at the first job."""

    def __init__(self, root: Path, cache: Path | None = None) -> None:
        self.root = root
        #: The portfolio's cache folder, for the compiled templates (the server's, named here:
        #: a worker process may have started with another environment).
        self.cache = cache
        self.method = start_method()
        self._process: multiprocessing.process.BaseProcess | None = None
        self._conn: multiprocessing.connection.Connection | None = None
        self._sent: dict[str, Any] = {}  # the files the running worker has
        self._running = False
        self._token = 0
        # ``prepare`` is called by the rebuilds, the rest by the background thread.
        self._lock = threading.RLock()
        # Messages go out through a thread of their own: a worker busy making its copy of the
        # site does not read, and a rebuild must never wait for it.
        self._outbox: queue.SimpleQueue[tuple | None] | None = None

    @property
    def alive(self) -> bool:
        return self._process is not None and self._process.is_alive()

    def _start(self) -> None:
        self.method = start_method()
        context = multiprocessing.get_context(self.method)
        if self.method == "forkserver":
            context.set_forkserver_preload(["itpm_site.serve.background"])
        ours, theirs = context.Pipe()
        # Every concrete context has Process; get_context(str) is typed as their base class.
        process = context.Process(  # type: ignore[attr-defined]
            target=_worker,
            args=(theirs, self.root, self.cache, self.method == "forkserver" and hasattr(os, "fork")),
            name="itpm-serve-worker",
            daemon=True,
        )
        process.start()
        theirs.close()
        outbox: queue.SimpleQueue[tuple | None] = queue.SimpleQueue()
        threading.Thread(target=_post, args=(ours, outbox), name="itpm-serve-post", daemon=True).start()
        self._process, self._conn, self._sent, self._outbox = process, ours, {}, outbox

    def _source(self, options: BuildOptions, sources: dict[str, Any], token: int) -> Source:
        """What to send: the files the worker does not have yet (call with the lock held)."""
        delta = {}
        for rel, data in sources.items():
            before = self._sent.get(rel)
            same = before is data or (
                isinstance(data, bytes) and isinstance(before, bytes) and before == data
            )
            delta[rel] = None if same else data
        self._sent = dict(sources)
        return Source(token, options, delta)

    def _send(self, message: tuple) -> bool:
        if self._outbox is None:
            return False
        self._outbox.put(message)  # a worker that died is seen by ``messages``
        return True

    def prepare(self, options: BuildOptions, sources: dict[str, Any]) -> int:
        """Have the worker make this site now, ahead of its job; a token for ``submit``
        (0 if the worker is not running: the job will start it)."""
        with self._lock:
            if not self.alive:
                return 0
            self._token += 1
            if not self._send(("site", self._source(options, sources, self._token))):
                return 0
            return self._token

    def submit(
        self,
        token: int,
        options: BuildOptions,
        sources: dict[str, Any],
        pages: list[str],
        emitted: bool,
        emitted_first: bool,
        current: dict[str, str],
        staging: Path,
    ) -> None:
        """Start a job (the previous one must be over: ``messages`` ended, or ``stop``) for
        the site that ``prepare`` sent with ``token``, or that these options and files make."""
        with self._lock:
            if not self.alive:
                self._shut()
                self._start()
            job = Job(self._source(options, sources, token), pages, emitted, emitted_first, current, staging)
            self._running = self._send(("job", job))

    def messages(self, stopped: Callable[[], bool]) -> Iterator[Message]:
        """The job's reports as they come, until it is done or ``stopped()`` (then ``stop()``)."""
        conn = self._conn
        while self._running and conn is not None and not stopped():
            try:
                if not conn.poll(0.05):
                    continue
                message = conn.recv()
            except (EOFError, OSError):  # the worker died: what it did not report stays waiting
                self._shut()
                return
            if message[0] == "done":
                self._running = False
                return
            if message[0] == "failed":
                self._running = False
                self._finish()
                raise RuntimeError(f"the background worker failed:\n{message[1]}")
            yield message

    def _finish(self) -> None:
        """Read what is left of the job up to its ``done`` (or give the worker up)."""
        conn = self._conn
        deadline = time.monotonic() + STOP_SECONDS
        try:
            while conn is not None and time.monotonic() < deadline:
                if conn.poll(0.05) and conn.recv()[0] == "done":
                    return
        except (EOFError, OSError):
            pass
        self._shut()

    def stop(self) -> None:
        """Stop the running job now (nothing more of it is written or reported)."""
        if not self._running:
            return
        self._running = False
        with self._lock:
            if self.method == "spawn" or self._conn is None:
                self._shut()  # it renders the job itself: only ending it stops a page half-way
                return
            if not self._send(("stop",)):
                return
        self._finish()

    def _shut(self) -> None:
        with self._lock:
            process, conn, outbox = self._process, self._conn, self._outbox
            self._process = self._conn = self._outbox = None
            self._running = False
            self._sent = {}
        if process is not None:  # first: a message being sent to it then fails at once
            if process.is_alive():
                process.terminate()
            process.join(5)
            if process.is_alive():
                process.kill()
                process.join()
        if outbox is not None:
            outbox.put(None)
        if conn is not None:
            conn.close()

    def close(self) -> None:
        """End the worker (at the end of the session)."""
        self._shut()


def _post(conn: multiprocessing.connection.Connection, outbox: queue.SimpleQueue) -> None:
    """Send the worker its messages, in order, until ``None`` (or the line is closed)."""
    while (message := outbox.get()) is not None:
        try:
            conn.send(message)
        except (OSError, ValueError):  # the worker is gone, or the line closed: ``messages`` sees it
            return
