"""Rendering pages on every core.

Pages are independent once the portfolio is computed, and rendering (Markdown + templates) is
most of a build. Where processes can be forked (Linux), workers inherit the computed site —
nothing is pickled on the way in — and send back page bytes plus the Markdown they rendered,
so the parent's cache stays warm for the next rebuild. Elsewhere pages render in-process. The
bytes are the same either way.
"""

from __future__ import annotations

import math
import sys
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from pathlib import Path
from typing import Any, Protocol, TypeVar, overload

import jinja2

from itpm_site.parallel import Lifeline, pool_context
from itpm_site.render.markdown import MarkdownCache
from itpm_site.render.pages import PageSpec, render_pages
from itpm_site.write.writer import (
    Reuse,
    SiteWriter,
    StoredFile,
    staging_path,
    store,
)

#: Below this much work (about this many project pages: see ``_weight``), starting processes
#: costs more than it saves. A rebuild of a few pages that list every project is worth it.
MIN_PAGES_FOR_WORKERS = 300

_Made = TypeVar("_Made")


class PageExtra(Protocol[_Made]):
    """Work done for a page where it is rendered, with what rendering it left at hand (its
    Markdown cached): ``of_page`` runs in the render worker right after the page, and what it
    gives (None: nothing) comes back to this process, to ``take``."""

    def of_page(self, page: PageSpec) -> _Made | None: ...

    def take(self, made: _Made) -> None: ...


# Set in the parent just before the workers fork, read by them.
_SHARED: (
    tuple[jinja2.Environment, Sequence[PageSpec], MarkdownCache, Reuse | None, PageExtra[Any] | None] | None
) = None


def _weight(page: PageSpec, total_projects: int) -> float:
    if page.inputs is None:  # whole-portfolio pages list every project
        return 1 + total_projects / 10
    return 1 + len(page.inputs) / 10


def _chunks(pages: Sequence[PageSpec], workers: int, total_projects: int) -> list[list[int]]:
    """Runs of pages of similar total cost, several per worker for balance.

    The pages with a table of projects come first, in as few runs as balance allows: each
    process renders a project's row once and reuses it, so pages sharing rows in one process
    render the rows once in all, not once per process.
    """
    weights = [_weight(p, total_projects) for p in pages]
    share = sum(weights) / workers
    listing = [i for i, p in enumerate(pages) if p.lists_projects]
    rest = [i for i, p in enumerate(pages) if not p.lists_projects]
    runs = max(1, math.ceil(sum(weights[i] for i in listing) / share))
    return _runs(listing, weights, sum(weights[i] for i in listing) / runs) + _runs(
        rest, weights, max(20.0, share / 8)
    )


def _runs(indices: list[int], weights: list[float], target: float) -> list[list[int]]:
    """``indices`` cut into consecutive runs of about ``target`` weight each."""
    chunks: list[list[int]] = [[]]
    load = 0.0
    for index in indices:
        if load >= target and chunks[-1]:
            chunks.append([])
            load = 0.0
        chunks[-1].append(index)
        load += weights[index]
    return chunks if chunks[0] else []


class _Failed(Exception):
    """A page failed in a worker; the parent renders it again to raise the real error."""


def _render_chunk(
    indices: list[int], folder: str | None = None
) -> tuple[list[tuple[str, bytes | StoredFile]], list[tuple[str, str]], int, set[str], list[object]]:
    """Render pages; with ``folder``, store them there and send back their paths and what was
    stored (see ``write.store``), the Markdown rendered, the keys of all Markdown used, and
    what the page extra made of them."""
    if _SHARED is None:  # set by the parent before the workers fork
        raise RuntimeError("a render worker was started without the pages to render")
    env, pages, markdown, reuse, extra = _SHARED
    markdown.fresh = []
    markdown.used = set()
    out: list[tuple[str, bytes | StoredFile]] = []
    extras: list[object] = []
    made: set[Path] = set()
    for index in indices:
        try:
            rendered = list(render_pages(env, [pages[index]]))
        except Exception:  # a template error: the parent renders the page again to report it
            return out, markdown.fresh, index, markdown.used, extras
        for rel, data in rendered:  # an I/O error here (disk full) goes to the parent as is
            if folder is None:
                out.append((rel, data))
            else:
                out.append((rel, store(staging_path(Path(folder), rel, made), rel, data, reuse)))
        if extra is not None and (result := extra.of_page(pages[index])) is not None:
            extras.append(result)
    return out, markdown.fresh, -1, markdown.used, extras


def _parallel(pages: Sequence[PageSpec], workers: int, total_projects: int) -> bool:
    if workers < 2 or not sys.platform.startswith("linux"):
        return False
    return sum(_weight(p, total_projects) for p in pages) >= MIN_PAGES_FOR_WORKERS


@overload
def _run(
    env: jinja2.Environment,
    pages: Sequence[PageSpec],
    markdown: MarkdownCache,
    workers: int,
    total_projects: int,
    folder: None,
) -> Iterator[tuple[str, bytes]]: ...
@overload
def _run(
    env: jinja2.Environment,
    pages: Sequence[PageSpec],
    markdown: MarkdownCache,
    workers: int,
    total_projects: int,
    folder: str,
    meanwhile: Callable[[], None] | None = None,
    reuse: Reuse | None = None,
    extra: PageExtra[Any] | None = None,
) -> Iterator[tuple[str, StoredFile]]: ...
def _run(
    env: jinja2.Environment,
    pages: Sequence[PageSpec],
    markdown: MarkdownCache,
    workers: int,
    total_projects: int,
    folder: str | None,
    meanwhile: Callable[[], None] | None = None,
    reuse: Reuse | None = None,
    extra: PageExtra[Any] | None = None,
) -> Iterator[tuple[str, bytes | StoredFile]]:
    """Pages rendered on ``workers`` processes: as bytes, or (with ``folder``) stored there
    by the workers, each as the writer's record of it."""
    global _SHARED
    chunks = deque(_chunks(pages, workers, total_projects))
    _SHARED = (env, pages, markdown, reuse, extra)
    # Pages sent back as bytes: a bounded window of chunks in flight keeps finished pages
    # from piling up in memory while one chunk (a big listing page) is slow. Pages written by
    # the workers cost nothing to keep waiting, so all chunks go at once. Either way chunks
    # are taken as they finish: the first (the pages with a project table) is the longest.
    limit = workers * 2 if folder is None else len(chunks)
    order: dict = {}  # of chunks that finish together, the first submitted is taken first
    lifeline = Lifeline()  # a build killed half-way takes its workers with it
    try:
        with ProcessPoolExecutor(
            max_workers=workers, mp_context=pool_context(), initializer=lifeline.hold
        ) as pool:
            window: set = set()
            while chunks or window:
                while chunks and len(window) < limit:
                    future = pool.submit(_render_chunk, chunks.popleft(), folder)
                    order[future] = len(order)
                    window.add(future)
                if meanwhile is not None:  # the parent's own work, while the workers render
                    meanwhile()
                    meanwhile = None
                done, window = wait(window, return_when=FIRST_COMPLETED)
                for future in sorted(done, key=order.__getitem__):
                    rendered, fresh, failed, used, extras = future.result()
                    for key, html in fresh:
                        markdown.put_key(key, html)
                    markdown.used |= used
                    if extra is not None:
                        for made in extras:
                            extra.take(made)
                    yield from rendered
                    if failed >= 0:  # raises the template error, with its real traceback
                        yield from render_pages(env, [pages[failed]])
                        raise _Failed(pages[failed].path)
    finally:
        _SHARED = None
        lifeline.close()


def render_all(
    env: jinja2.Environment,
    pages: Sequence[PageSpec],
    markdown: MarkdownCache,
    workers: int,
    total_projects: int,
) -> Iterator[tuple[str, bytes]]:
    """(path, bytes) for every page; on ``workers`` processes when there are enough pages."""
    if not _parallel(pages, workers, total_projects):
        yield from render_pages(env, pages)
        return
    yield from _run(env, pages, markdown, workers, total_projects, None)


def write_all(
    env: jinja2.Environment,
    pages: Sequence[PageSpec],
    markdown: MarkdownCache,
    workers: int,
    total_projects: int,
    writer: SiteWriter,
    meanwhile: Callable[[], None] | None = None,
    extra: PageExtra[Any] | None = None,
) -> Iterator[str]:
    """Render every page into ``writer``'s staging folder; yields each page's path.

    In parallel the workers write the files themselves (the pages never travel through a
    pipe to this process), and ``meanwhile`` runs here while they do; serially it runs after.
    ``extra`` runs after each page, where the page was rendered.
    """
    if not _parallel(pages, workers, total_projects):
        for page in pages:
            for rel, data in render_pages(env, [page]):
                writer.write(rel, data)
                yield rel
            if extra is not None and (made := extra.of_page(page)) is not None:
                extra.take(made)
        if meanwhile is not None:
            meanwhile()
        return
    for rel, entry in _run(
        env, pages, markdown, workers, total_projects, str(writer.staging), meanwhile, writer.reuse, extra
    ):
        writer.record(rel, entry)
        yield rel
