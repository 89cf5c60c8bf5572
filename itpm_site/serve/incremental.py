"""Incremental rebuilds for ``serve``: redo only what an edit touches, and never serve stale pages.

What changed is decided from the files' bytes, not from the watcher's events, so an odd event
can only delay a rebuild, never make one wrong (the events only tell whether the list of files
may have changed):

* every content file is read and hashed; a file whose bytes are unchanged keeps its previous
  ``LoadedFile``; only changed files are parsed again;
* the whole-portfolio stages (``rules.apply``, ``build_portfolio``, ``plan_pages``) run again:
  they are cheap next to parsing and rendering, and running them is what keeps rollups right;
* which pages to render again is decided exactly as ``build`` decides it between two builds,
  by comparing what each page is made from (``render.dependencies``): the edited project's
  pages, the pages that list it, the whole-portfolio pages; everything when a setting, a
  template or anything every page shows changed; a theme's static files alone re-render none;
  pages gone from the plan are deleted;
* the sitemap, the static files and the emitters' outputs (search index, exports) are produced
  again on every rebuild; like pages, a file is written only when its bytes changed.

``rebuild()`` does all of it before it returns. ``rebuild(defer=True)`` (what ``serve`` does)
renders only the pages that show a few projects — the edited project's own page, small
groups — and leaves the big pages (dashboard, lists, large groups) and the emitters' outputs to
``work()``, which runs in the background after the browser has been told to reload. A request
for a page that is still waiting is answered only once that page is rendered (``wait_fresh``
moves it to the front), so nothing stale is ever served.

A rebuild with content errors, or whose templates fail, writes nothing: the last good site stays
served, and the errors are returned for the terminal and the browser overlay.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import gc
import os
import shutil
import tempfile
import threading
import time
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import jinja2.bccache

from itpm_site.build import (
    BuildOptions,
    emitted_files,
    page_files,
    prepare,
    site_dependencies,
    support_files,
)
from itpm_site.cache.folder import cache_folder
from itpm_site.cache.templates import template_cache
from itpm_site.load.loader import (
    PortfolioNotFound,
)
from itpm_site.model.config import resolve_as_of
from itpm_site.model.diagnostic import Diagnostic, Severity
from itpm_site.parallel import PausedCollector
from itpm_site.render.dependencies import Dependencies, pages_to_render
from itpm_site.render.markdown import MarkdownCache
from itpm_site.render.pages import PageSpec
from itpm_site.render.site import SiteBuild, TemplateProblem, template_diagnostic
from itpm_site.serve import background
from itpm_site.serve.files import FileCache
from itpm_site.serve.output import CORE, EMITTED, ServedSite
from itpm_site.write.writer import MARKER, MARKER_TEXT

#: With ``defer``, pages that show at most this many projects are rendered before the reload;
#: bigger ones (and every page of a full re-render) are rendered in the background.
EAGER_INPUTS = 25


@dataclass
class Rebuild:
    """What one rebuild did."""

    ok: bool
    #: Errors that kept the site from being updated (content or template): the overlay's list.
    errors: list[Diagnostic] = field(default_factory=list)
    #: Every diagnostic of the load (errors and warnings), for the terminal.
    diagnostics: list[Diagnostic] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    full: bool = False
    rendered: int = 0
    #: Pages left to the background (``defer``): they may change too.
    deferred: int = 0
    parsed: int = 0
    files: int = 0
    seconds: float = 0.0
    #: Seconds spent in each stage: load, model, plan, render, write.
    stages: dict[str, float] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.written or self.removed or self.deferred)

    @property
    def css_only(self) -> bool:
        """Only stylesheets changed: the browser can swap them without reloading the page."""
        return (
            bool(self.written)
            and not self.removed
            and not self.deferred
            and all(rel.endswith(".css") for rel in self.written)
        )


class _Clock:
    def __init__(self) -> None:
        self.stages: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.stages[stage] = now - self._last
        self._last = now


@dataclass
class Background:
    """What the background work did since the last rebuild (for the terminal)."""

    rendered: int = 0
    written: int = 0
    emitted: int = 0
    seconds: float = 0.0


#: ``listener(kind, data)``: "problem" (a Diagnostic) or "settled" (a Background).
Listener = Callable[[str, object], None]


class IncrementalBuilder:
    """Keeps ``folder`` equal to what ``build`` would write for the portfolio as it is now."""

    def __init__(
        self, options: BuildOptions, folder: Path, long_lived: bool = False, listener: Listener | None = None
    ) -> None:
        self.options = options
        self.root = options.root.resolve()
        self.served = ServedSite(folder)
        self.files = FileCache(self.root)
        self.markdown = MarkdownCache()
        self.listener = listener
        # The compiled templates build keeps (the worker reads them too): one cache for both.
        cache = cache_folder(self.root) if options.cache else None
        self._templates = template_cache(cache)
        self._long_lived = long_lived
        self._cond = threading.Condition(threading.RLock())
        self._site: SiteBuild | None = None  # the last site written
        self._sources: dict[str, bytes | OSError] = {}  # the files it was made from
        self._token = 0  # what the worker was told to make of them (``background.Worker``)
        self._worker = background.Worker(self.root, cache)
        weakref.finalize(self, self._worker.close)
        self._dependencies: Dependencies | None = None  # of the last site written
        self._generation = 0
        self._rebuilding = 0
        self._held = False  # a change is on its way: background work gives way at once
        self._paused: list[PausedCollector] = []  # resumed once background work starts
        self._deferred: dict[str, PageSpec] = {}  # pages still to render, in plan order
        self._emitted_due = False
        self._wanted: list[str] = []
        self._emitted_wanted = False
        #: Pages a request got before they were up to date (``wait_fresh`` gave up waiting):
        #: the listener hears ("fresh", path) the moment each is, so the browser reloads then.
        self._served_stale: set[str] = set()
        self._background = Background()
        self._freed: list[SiteBuild | None] = []
        self._warmed: SiteBuild | None = None
        #: Problems background work found in the current site (a big page whose template
        #: fails): that page keeps its last good version.
        self.problems: list[Diagnostic] = []

    @property
    def folder(self) -> Path:
        return self.served.folder

    @property
    def site(self) -> SiteBuild | None:
        """The last site written."""
        return self._site

    @property
    def has_site(self) -> bool:
        """True once a site has been written (before that, there is nothing to serve)."""
        return self._site is not None

    # ------------------------------------------------------------------ rebuilding

    def rebuild(self, hints: Iterable[str] | None = None, defer: bool = False) -> Rebuild:
        """Bring the served folder up to date with the files on disk (with ``defer``, partly:
        see the module's docstring).

        Raises only for unexpected failures (a bug, a full disk); the served folder is then
        left as it was.
        """
        started = time.perf_counter()
        clock = _Clock()
        with self._cond:
            self._rebuilding += 1  # background work stops and commits nothing meanwhile
        # A rebuild makes many objects and frees few; the collector would walk the whole
        # portfolio again and again. It is switched off until the rebuild is over and, with
        # ``defer``, until the background work starts: off the path to the reload.
        collector = PausedCollector()
        clock.lap("start")
        try:
            result = self._rebuild(hints, defer, clock, collector)
        finally:
            with self._cond:
                if defer:
                    self._paused.append(collector)
                else:
                    collector.resume()
                self._rebuilding -= 1
                self._cond.notify_all()
        clock.lap("end")
        result.seconds = time.perf_counter() - started
        return result

    def _rebuild(
        self, hints: Iterable[str] | None, defer: bool, clock: _Clock, collector: PausedCollector
    ) -> Rebuild:
        first = self.files._listing is None
        if not first:  # after the first build, other threads run: no forked render workers
            self.options = dataclasses.replace(self.options, jobs=1)
        try:
            loaded = self.files.load(hints)
            sources = self.files.sources
        except PortfolioNotFound as exc:  # content/ was deleted or renamed
            return Rebuild(
                ok=False,
                errors=[Diagnostic("content/", 1, 1, Severity.ERROR, "", str(exc), code="no-content")],
            )
        if first and self._long_lived:
            # The entries live as long as the server: the collector need not walk them again.
            collector.keep(collect=True)
        result = Rebuild(
            ok=False,
            diagnostics=list(loaded.diagnostics),
            parsed=self.files.parsed,
            files=loaded.files,
            stages=clock.stages,
        )
        clock.lap("load")
        if loaded.errors:
            result.errors = list(loaded.errors)
            return result
        token = 0
        if defer and self._site is not None:  # the worker makes its copy while we render
            as_of = resolve_as_of(self.options.as_of, loaded.config, dict(os.environ))
            token = self._worker.prepare(self._worker_options(as_of), sources)
        site = prepare(self.options, loaded, self.markdown)
        site.env.bytecode_cache = self._templates
        facts = site_dependencies(self.options, site)
        clock.lap("model")
        previous, before = self._site, self._dependencies
        full = previous is None or before is None or facts is None or before.everything != facts.everything
        touched = list(site.pages) if full or facts is None else pages_to_render(before, facts, site.pages)
        lazy = defer and previous is not None  # pages wait only if there is a site to serve
        eager = touched
        try:
            if lazy:
                eager = (
                    _samples(site, touched)
                    if full
                    else [s for s in touched if s.inputs is not None and len(s.inputs) <= EAGER_INPUTS]
                )
                if full:  # a template that does not compile is found now, not in the background
                    for name in sorted({s.template for s in site.pages}):
                        site.env.get_template(name)
        except jinja2.TemplateError as exc:
            result.errors = [template_diagnostic(exc, site.theme)]
            return result
        clock.lap("plan")
        update = self.served.begin(CORE)
        emitted = None if defer else self.served.begin(EMITTED)
        try:
            for rel, data in page_files(site, eager, self.options.jobs):
                update.write(rel, data)
            for spec in site.pages:
                update.keep(spec.path)
            for rel, data in support_files(site):
                update.write(rel, data)
            update.write(MARKER, MARKER_TEXT)
            if emitted is not None:
                for rel, data in emitted_files(site):
                    emitted.write(rel, data)
        except TemplateProblem as problem:
            update.abort()
            if emitted is not None:
                emitted.abort()
            result.errors = [problem.diagnostic]
            return result
        except BaseException:
            update.abort()
            if emitted is not None:
                emitted.abort()
            raise
        done = {s.path for s in eager}
        later = [s for s in touched if s.path not in done]
        clock.lap("render")
        with self._cond:
            result.written, result.removed = update.commit()
            if emitted is not None:
                written, removed = emitted.commit()
                result.written = sorted(result.written + written)
                result.removed = sorted(result.removed + removed)
            plan = {spec.path: spec for spec in site.pages}
            waiting = {path for path in self._deferred if path in plan and path not in done}
            waiting |= {spec.path for spec in later}
            self._deferred = {path: spec for path, spec in plan.items() if path in waiting}
            # A page served stale that this rebuild rendered (or dropped) is covered by its reload.
            self._served_stale &= self._deferred.keys()
            self._emitted_due = defer
            # The previous site is freed in the background: at 10,000 projects that takes
            # longer than sending the reload.
            if defer:
                self._freed.append(previous)
            self._wanted = [path for path in self._wanted if path in waiting]
            self._site, self._dependencies, self._sources, self._token = site, facts, sources, token
            self._generation += 1
            self._background = Background()
            self.problems = []
            self._cond.notify_all()
        result.ok, result.full = True, full
        result.rendered, result.deferred = len(eager), len(later)
        clock.lap("write")
        return result

    # ------------------------------------------------------------------ background work

    @property
    def busy(self) -> bool:
        """True while pages or emitted files are waiting to be brought up to date."""
        with self._cond:
            return bool(self._deferred or self._emitted_due)

    def hold(self) -> None:
        """A rebuild is coming (files are changing): background work stops until it is done."""
        with self._cond:
            self._held = True

    def release(self) -> None:
        """No rebuild is coming after all: background work may go on."""
        with self._cond:
            self._held = False
            self._cond.notify_all()

    def _current(self, generation: int) -> bool:
        return generation == self._generation and not (self._rebuilding or self._held)

    def work(self, stop: threading.Event | None = None, until_idle: bool = False) -> None:
        """Render the deferred pages, then the emitted files, until ``stop`` (or, with
        ``until_idle``, until nothing is left). Gives way to every rebuild at once."""
        stop = stop or threading.Event()
        while not stop.is_set():
            with self._cond:
                while not stop.is_set():
                    quiet = not (self._rebuilding or self._held)
                    if quiet and self._paused:
                        self._cond.wait(0.03)  # let the reload go out before collecting
                        if not (self._rebuilding or self._held):
                            for collector in self._paused:
                                collector.resume()
                            self._paused.clear()
                        continue
                    if quiet and (self._deferred or self._emitted_due):
                        break
                    if quiet and until_idle:
                        return
                    self._cond.wait(0.5)
                if stop.is_set():
                    return
                generation, site, sources, token = self._generation, self._site, self._sources, self._token
                wanted = [p for p in self._wanted if p in self._deferred]
                pages = wanted + [path for path in self._deferred if path not in wanted]
                emitted, emitted_first = self._emitted_due, self._emitted_wanted
                current = {rel: d for rel, (d, _) in self.served.files.items()}
                self._freed.clear()
                warm = self._warmed is not site
                self._warmed = site
            if site is None:  # pages are deferred only once there is a site
                continue
            if warm:
                _compile_all(site)
            started = time.perf_counter()
            staging = Path(tempfile.mkdtemp(dir=self.served.folder.parent, prefix=".job-"))
            options = self._worker_options(site.portfolio.as_of)
            replan = functools.partial(self._replan, generation, stop, frozenset(wanted), emitted_first)
            reported: set[str | None] = set()
            try:
                self._worker.submit(token, options, sources, pages, emitted, emitted_first, current, staging)
                for message in self._worker.messages(replan):
                    reported.add(None if message[0] == "emitted" else message[1])
                    self._take(message, generation, staging)
                if not replan():  # the job ended by itself: whatever it did not report failed
                    self._give_up(
                        generation,
                        pages,
                        emitted,
                        reported,
                        "the background renderer stopped before it got to this file",
                    )
            except Exception as exc:  # a bug: give up on this site's background work, loudly
                self._give_up(generation, pages, emitted, reported, f"{type(exc).__name__}: {exc}")
            finally:
                self._worker.stop()
                shutil.rmtree(staging, ignore_errors=True)
            with self._cond:
                self._background.seconds += time.perf_counter() - started
                settled = self._current(generation) and not (self._deferred or self._emitted_due)
                report = self._background
            if settled:
                gc.collect()  # what the rebuilds left (see rebuild)
                self._tell("settled", report)

    def _worker_options(self, as_of: dt.date | None) -> BuildOptions:
        """The worker makes the same site from the same files and these options (``as_of`` as
        the server has it: a job that runs past midnight must not see another day)."""
        return dataclasses.replace(self.options, root=self.root, as_of=as_of, progress=None)

    def finish(self) -> None:
        """Do all background work now, waiting for it (for tests and one-off use)."""
        self.release()
        self.work(until_idle=True)

    def wake(self) -> None:
        """Wake ``work`` now (after its ``stop`` is set, so that it returns at once rather than
        at its next poll)."""
        with self._cond:
            self._cond.notify_all()

    def close(self) -> None:
        """End the background worker process (the builder still works: a later job starts
        another)."""
        self._worker.close()

    def _stopped(self, generation: int, stop: threading.Event) -> bool:
        return stop.is_set() or self._rebuilding > 0 or self._held or generation != self._generation

    def _replan(
        self, generation: int, stop: threading.Event, wanted: frozenset[str], emitted_first: bool
    ) -> bool:
        """Should the running job stop: for a newer rebuild, or because someone asks for a page
        (or an emitted file) that it would do only later?"""
        return (
            self._stopped(generation, stop)
            or any(p in self._deferred and p not in wanted for p in self._wanted)
            or (self._emitted_wanted and not emitted_first and self._emitted_due)
        )

    def _give_up(
        self, generation: int, pages: list[str], emitted: bool, reported: set[str | None], why: str
    ) -> None:
        """Drop what a job left undone (its files keep their last good version), so that the
        same failure is not tried again and again; report it."""
        with self._cond:
            if not self._current(generation):
                return
            left = [path for path in pages if path not in reported and path in self._deferred]
            emitted = emitted and None not in reported and self._emitted_due
            if not left and not emitted:
                return
            for path in left:
                del self._deferred[path]
                self._served_stale.discard(path)  # it keeps its last good version, as served
            if emitted:
                self._emitted_due = self._emitted_wanted = False
            what = ", ".join(left[:3]) + (f" and {len(left) - 3} more" if len(left) > 3 else "")
            if emitted:
                what = f"{what} and the emitted files" if what else "the emitted files"
            problem = Diagnostic(
                "itpm-site",
                0,
                0,
                Severity.ERROR,
                "",
                f"internal error: {why} ({what})",
                "they keep their last good version; the terminal may say more "
                "— this is a bug in itpm-site, please report it",
                code="internal",
            )
            self.problems.append(problem)
            self._cond.notify_all()
        self._tell("problem", problem)

    def _take(self, message: tuple, generation: int, staging: Path) -> None:
        """One report of the background job: bring that file (or the emitted files) in."""
        kind = message[0]
        problem = fresh = None
        with self._cond:
            if not self._current(generation):
                return
            if kind == "page":
                _, rel, new = message
                written = self.served.adopt(rel, new, staging / background.PAGES, CORE)
                self._deferred.pop(rel, None)
                fresh = rel if rel in self._served_stale else None
                self._served_stale.discard(rel)
                self._background.rendered += 1
                self._background.written += written
            elif kind == "emitted":
                update = self.served.begin(EMITTED, staging / background.EMITTED)
                for rel, new in message[1]:
                    update.adopt(rel, new)
                files_written, files_removed = update.commit()
                self._emitted_due = self._emitted_wanted = False
                self._background.emitted += len(files_written) + len(files_removed)
            else:  # a problem: that page (or the emitted files) keeps its last good version
                _, rel, problem = message
                if rel is None:
                    self._emitted_due = self._emitted_wanted = False
                else:
                    self._deferred.pop(rel, None)
                    self._served_stale.discard(rel)
                self.problems.append(problem)
            self._cond.notify_all()
        if problem is not None:
            self._tell("problem", problem)
        if fresh is not None:
            self._tell("fresh", fresh)

    def _tell(self, kind: str, data: object) -> None:
        if self.listener is not None:
            self.listener(kind, data)

    def wait_fresh(self, rel: str, timeout: float) -> bool:
        """Wait until the served file ``rel`` is up to date (asking for it first); False if
        that took longer than ``timeout`` seconds (the file is then served as it is)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                page = rel in self._deferred
                # Before the first emitters' run no one knows their files: wait for any.
                kind = self.served.scope_of(rel)
                emitted = self._emitted_due and (
                    kind == EMITTED or (kind is None and not self.served.paths(EMITTED))
                )
                if not (page or emitted):
                    return True
                if page and rel not in self._wanted:
                    self._wanted.insert(0, rel)
                if emitted:
                    self._emitted_wanted = True
                self._cond.notify_all()
                left = deadline - time.monotonic()
                if left <= 0:
                    if page:
                        self._served_stale.add(rel)
                    return False
                self._cond.wait(left)

    def waiting(self, rel: str) -> bool:
        """Is ``rel`` a page that is still to be rendered (and not on disk yet, maybe)?"""
        with self._cond:
            return rel in self._deferred


def _compile_all(site: SiteBuild) -> None:
    """Compile every template into the shared cache (a build that rendered in worker processes
    left it empty), so that the next rebuild does not pay for it."""
    for name in site.env.list_templates():
        try:
            site.env.get_template(name)
        except jinja2.TemplateError:
            continue  # reported when a page uses it


def _samples(site: SiteBuild, touched: list[PageSpec]) -> list[PageSpec]:
    """For a full re-render left to the background: one small page of each template that has
    small pages, rendered now so that a template that fails on every page is found at once."""
    smallest: dict[str, PageSpec] = {}
    for spec in touched:
        if spec.inputs is None or len(spec.inputs) > EAGER_INPUTS:
            continue
        best = smallest.get(spec.template)
        if best is None or len(spec.inputs) < len(best.inputs or ()):
            smallest[spec.template] = spec
    return sorted(smallest.values(), key=lambda s: s.path)
