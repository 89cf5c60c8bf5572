"""One ``itpm-site serve`` session: the incremental builder, the HTTP server, the event hub and the
file watcher, wired together.

The site is built into a private temporary folder (never into ``public/``, which stays the
user's build output) and served from there; the folder is removed when the session ends.
Rebuilds run one at a time on the watcher's thread and tell the browser to reload as soon as
the pages that show few projects are written; a background thread then has a worker process
render the big pages and run the emitters (``IncrementalBuilder.work``), and a request for a
page still waiting for it is answered when that page is ready. Whatever happens in a rebuild
(content errors, a broken template, a bug) is reported in the terminal and in the browser, and
the session goes on serving the last good site.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path

from itpm_site.build import BuildOptions, summary_note
from itpm_site.load.diagnostics import Collector, Summary, format_human
from itpm_site.load.loader import load_config
from itpm_site.model.config import base_path, normalize_base_url
from itpm_site.model.diagnostic import Diagnostic
from itpm_site.render.theme import default_theme_dir
from itpm_site.serve.incremental import Background, IncrementalBuilder, Rebuild
from itpm_site.serve.livereload import Hub
from itpm_site.serve.overlay import internal_error
from itpm_site.serve.server import DevServer, bind
from itpm_site.serve.watch import Watcher

#: How long a request waits for a page that is still being rendered before it takes the file
#: as it is, the last good version (a dev server should not hang on a huge site, nor during a
#: burst of edits, when background work starts over on every change and may never finish).
FRESH_WAIT_SECONDS = 3.0

#: ``echo(text, err)`` prints a line for the person running serve.
Echo = Callable[[str, bool], None]


def _silent(text: str, err: bool = False) -> None:
    pass


class ServeSession:
    """Build, serve, watch; ``close()`` stops everything and removes the private folder."""

    def __init__(
        self,
        options: BuildOptions,
        host: str = "127.0.0.1",
        port: int | None = 8000,
        poll: bool = False,
        echo: Echo = _silent,
        color: bool = False,
        verbose: bool = False,
        workdir: Path | None = None,
        any_host: bool = False,
    ) -> None:
        self.options = options
        self.root = options.root.resolve()
        self.echo = echo
        self.color = color
        self.verbose = verbose
        self._own_workdir = workdir is None
        self.workdir = workdir or Path(tempfile.mkdtemp(prefix="itpm-site-serve-"))
        self.builder = IncrementalBuilder(
            options, self.workdir / "site", long_lived=True, listener=self._background_event
        )
        self._stop = threading.Event()
        self._worker = threading.Thread(
            target=self.builder.work, args=(self._stop,), name="itpm-serve-background", daemon=True
        )
        self.hub = Hub()
        self.last: Rebuild | None = None
        self.rebuilds = 0
        self._built = False
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._serving = threading.Event()
        self._closed = False
        self._first_base = self._configured_base_path()
        self._served_stale = threading.Event()  # a reload is owed once background work ends
        try:
            self.server = bind(
                host,
                port,
                lambda address: DevServer(address, self, self.hub, log_requests=verbose, any_host=any_host),
            )
        except BaseException:
            self._remove_workdir()
            raise
        self.watcher = Watcher(
            self.root, self._on_change, poll=poll, extra=[default_theme_dir()], on_first=self.builder.hold
        )

    # ------------------------------------------------------------- what the server reads

    @property
    def folder(self) -> Path:
        return self.builder.folder

    @property
    def has_site(self) -> bool:
        return self.builder.has_site

    @property
    def errors(self) -> list[Diagnostic]:
        return self.hub.errors

    def waiting(self, rel: str) -> bool:
        return self.builder.waiting(rel)

    def wait_fresh(self, rel: str) -> bool:
        fresh = self.builder.wait_fresh(rel, FRESH_WAIT_SECONDS)
        if not fresh and not self.builder.waiting(rel):
            # Not a page still to render (whose reload comes when it is: "fresh"), so an
            # emitted file the emitters have not made yet.
            self._served_stale.set()
        return fresh

    @property
    def base_path(self) -> str:
        site = self.builder.site
        return base_path(site.base_url) if site is not None else self._first_base

    @property
    def language(self) -> str:
        site = self.builder.site
        if site is not None:
            return site.portfolio.config.language
        if self.options.language:
            return self.options.language
        return load_config(self.root, Collector()).language

    def _configured_base_path(self) -> str:
        if self.options.base_url:
            return base_path(normalize_base_url(self.options.base_url))
        return base_path(load_config(self.root, Collector()).base_url)

    @property
    def url(self) -> str:
        return self.server.url()

    # ------------------------------------------------------------------ rebuilding

    def rebuild(self, paths: Iterable[str] = ()) -> Rebuild:
        """Bring the served site up to date and tell the open pages; never raises.

        ``paths``: what the watcher saw change (a hint; without it every folder is listed).
        """
        paths = set(paths)
        with self._lock:
            started = time.perf_counter()
            try:
                result = self.builder.rebuild(hints=paths or None, defer=True)
            except Exception as exc:  # a bug must not stop the server: report it, keep serving
                self.echo(
                    "itpm-site: the rebuild failed:\n" + "".join(traceback.format_exception(exc)).rstrip(),
                    True,
                )
                result = Rebuild(
                    ok=False, errors=[internal_error(exc)], seconds=time.perf_counter() - started
                )
            self.rebuilds += 1
            try:
                if result.ok and result.changed:
                    self.hub.site_changed(result.written if result.css_only else None)
                self.hub.set_errors(result.errors)
            finally:
                self.builder.release()  # the reload is out: the background work may start
            self.last = result
            self._report(result, sorted(paths))
            return result

    def _background_event(self, kind: str, data: object) -> None:
        """From the background work: a problem in a big page, or everything up to date."""
        if kind == "problem":
            assert isinstance(data, Diagnostic)
            self.echo(format_human([data], Summary.of([data], 1), color=self.color).rstrip("\n"), True)
            last = self.last.errors if self.last else []
            self.hub.set_errors([*last, *self.builder.problems])
        elif kind == "fresh":
            self.hub.site_changed()  # a page served stale is up to date: show it now
        elif kind == "settled" and self._served_stale.is_set():
            self._served_stale.clear()
            self.hub.site_changed()  # files served stale (or not yet) show the fresh version
        if kind == "settled" and isinstance(data, Background) and (data.rendered or data.emitted):
            self.echo(
                f"  then {data.rendered} bigger pages ({data.written} changed) and "
                f"{data.emitted} export/search files updated in the background, "
                f"{data.seconds:.1f} s",
                False,
            )

    def _on_change(self, paths: set[str]) -> None:
        self.rebuild(paths)

    def _report(self, result: Rebuild, paths: list[str]) -> None:
        changed = [self._rel(p) for p in paths]
        if changed:
            more = f" and {len(changed) - 3} more" if len(changed) > 3 else ""
            self.echo(f"changed: {', '.join(changed[:3])}{more}", False)
        ms = f"{result.seconds * 1000:.0f} ms"
        if result.errors:
            text = format_human(result.errors, Summary.of(result.errors, result.files), color=self.color)
            self.echo(text.rstrip("\n"), True)
            self.echo(
                "the last good site is still served"
                if self.has_site
                else "nothing to serve until these are fixed",
                True,
            )
            self._had_errors = True
            return
        if getattr(self, "_had_errors", False):
            # Say so: a fix that restores the file exactly is otherwise only "no change".
            self.echo("fixed: no more errors (the browser overlay is gone)", False)
            self._had_errors = False
        warnings = sum(1 for d in result.diagnostics if not d.is_error)
        if self.verbose and warnings:
            warned = [d for d in result.diagnostics if not d.is_error]
            self.echo(
                format_human(warned, Summary.of(warned, result.files), color=self.color).rstrip("\n"), True
            )
        note = summary_note(warnings)
        if not result.changed:
            self.echo(f"no change to the site ({ms})", False)
            return
        if not self._built:
            self._built = True
            self.echo(f"built the site in {result.seconds:.1f} s: {result.rendered} pages{note}", False)
            return
        kind = "full" if result.full else "incremental"
        stages = [
            f"{stage} {seconds * 1000:.0f}"
            for stage, seconds in result.stages.items()
            if stage not in ("start", "end") or seconds >= 0.005
        ]
        later = f"; {result.deferred} more pages follow in the background" if result.deferred else ""
        self.echo(
            f"rebuilt ({kind}) in {ms} ({', '.join(stages)}): {result.rendered} pages "
            f"rendered, {len(result.written)} files written, {len(result.removed)} removed"
            f"{later}{note}",
            False,
        )

    def _rel(self, path: str) -> str:
        try:
            return Path(path).relative_to(self.root).as_posix()
        except ValueError:
            return path

    # ------------------------------------------------------------------ running

    def start_watching(self) -> None:
        self.watcher.start()
        self._worker.start()

    def serve_forever(self) -> None:
        """Answer requests until ``close()`` (or Ctrl-C in the calling thread)."""
        self._serving.set()
        try:
            self.server.serve_forever(poll_interval=0.2)
        finally:
            self._serving.clear()

    def start(self) -> ServeSession:
        """Build, watch and serve in background threads (for tests and embedding)."""
        self.rebuild()
        self.start_watching()
        self._thread = threading.Thread(target=self.serve_forever, name="itpm-serve-http", daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        """Stop watching and serving, end the event streams, remove the private folder."""
        if self._closed:
            return
        self._closed = True
        self.watcher.stop()
        self._stop.set()
        self.builder.wake()
        if self._worker.is_alive():
            self._worker.join(timeout=10)
        self.builder.close()
        self.hub.close()
        if self._serving.is_set():
            self.server.shutdown()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self.server.server_close()
        self._remove_workdir()

    def _remove_workdir(self) -> None:
        if self._own_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> ServeSession:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
