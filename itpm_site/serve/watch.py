"""Watching the portfolio: content/, themes/ and site.yaml, with editors' noise filtered out and
bursts of events turned into one rebuild.

An editor's save is many events (a temporary file written and renamed over the original, a
swap file, a backup ``~`` file, vim's ``4913`` probe). Only paths that can change the site count,
and a rebuild starts once the file system has been quiet for ``QUIET_SECONDS``. Events that
arrive during a rebuild start another one after it, never one in parallel.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers.api import BaseObserver, ObservedWatch

from itpm_site.load.loader import CONTENT_DIR, SITE_FILE, section_of, stray_reason

#: How long the file system must be quiet before a rebuild starts.
QUIET_SECONDS = 0.1

_EVENTS = [
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileClosedEvent,
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
]

THEMES_DIR = "themes"


def _noise(name: str) -> bool:
    """Editors' temporary, swap, lock and backup files."""
    return (
        name.startswith((".", "#", "~"))
        or name.endswith(("~", "#", ".swp", ".swx", ".swo", ".tmp", ".bak", ".part", ".crdownload"))
        or "___jb_" in name
        or name == "4913"
    )


def relevant(root: Path, path: str, is_directory: bool) -> bool:
    """Can a change at ``path`` change the site?"""
    try:
        rel = Path(path).relative_to(root).as_posix()
    except ValueError:
        return True  # outside the portfolio: a watched default theme (theme development)
    if rel == SITE_FILE:
        return True
    top = rel.split("/", 1)[0]
    if top == CONTENT_DIR:
        if is_directory:  # a folder of projects added, removed or renamed
            return not any(_noise(part) for part in rel.split("/"))
        return section_of(rel) is not None or stray_reason(rel) is not None
    if top == THEMES_DIR:
        return not any(_noise(part) for part in rel.split("/"))
    return False


class _Handler(FileSystemEventHandler):
    def __init__(self, watcher: Watcher) -> None:
        self.watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        paths = [event.src_path, getattr(event, "dest_path", "")]
        hits = {
            p for p in (_text(x) for x in paths if x) if relevant(self.watcher.root, p, event.is_directory)
        }
        if event.is_directory and event.event_type in ("created", "moved"):
            self.watcher.ensure_watches()
        if hits:
            self.watcher.add(hits)


def _text(path: str | bytes) -> str:
    return path.decode(errors="surrogateescape") if isinstance(path, bytes) else path


class Watcher:
    """Calls ``on_change(paths)`` after each quiet burst of relevant file events."""

    def __init__(
        self,
        root: Path,
        on_change: Callable[[set[str]], None],
        poll: bool = False,
        extra: Iterable[Path] = (),
        quiet: float = QUIET_SECONDS,
        on_first: Callable[[], None] | None = None,
    ) -> None:
        self.root = root.resolve()
        self.on_change = on_change
        self.on_first = on_first  # called at the first event of a burst
        self.quiet = quiet
        self.extra = [p.resolve() for p in extra if p.is_dir()]
        self.observer: BaseObserver
        if poll:
            from watchdog.observers.polling import PollingObserver

            self.observer = PollingObserver(timeout=0.5)
        else:
            from watchdog.observers import Observer

            self.observer = Observer()
        self._handler = _Handler(self)
        self._watched: dict[Path, ObservedWatch] = {}
        self._cond = threading.Condition()
        self._pending: set[str] = set()
        self._last = 0.0
        self._stopping = False
        self._worker = threading.Thread(target=self._run, name="itpm-serve-rebuild", daemon=True)

    def _schedule(self, path: Path, recursive: bool) -> None:
        if path in self._watched or not path.is_dir():
            return
        with contextlib.suppress(OSError):  # vanished meanwhile: the root watch sees it return
            self._watched[path] = self.observer.schedule(
                self._handler, str(path), recursive=recursive, event_filter=_EVENTS
            )

    def ensure_watches(self) -> None:
        """Watch content/ and themes/ (recursively) and the root itself (for site.yaml, and for
        those folders appearing later)."""
        # A folder that was deleted and created again needs a new watch.
        for path in [p for p in self._watched if not p.is_dir()]:
            watch = self._watched.pop(path)
            with contextlib.suppress(KeyError, OSError):
                self.observer.unschedule(watch)
        self._schedule(self.root, recursive=False)
        self._schedule(self.root / CONTENT_DIR, recursive=True)
        self._schedule(self.root / THEMES_DIR, recursive=True)
        for folder in self.extra:
            if not folder.is_relative_to(self.root):
                self._schedule(folder, recursive=True)

    def start(self) -> None:
        self.ensure_watches()
        self.observer.start()
        self._worker.start()

    def add(self, paths: set[str]) -> None:
        if self.on_first is not None:
            self.on_first()
        with self._cond:
            self._pending |= paths
            self._last = time.monotonic()
            self._cond.notify()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._pending and not self._stopping:
                    self._cond.wait()
                if self._stopping:
                    return
                # Debounce: wait until no event came for `quiet` seconds.
                while not self._stopping:
                    left = self._last + self.quiet - time.monotonic()
                    if left <= 0:
                        break
                    self._cond.wait(left)
                if self._stopping:
                    return
                paths, self._pending = self._pending, set()
            self.on_change(paths)

    def stop(self) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        self.observer.stop()
        if self.observer.is_alive():
            self.observer.join(timeout=5)
        if self._worker.is_alive() and self._worker is not threading.current_thread():
            self._worker.join(timeout=30)
