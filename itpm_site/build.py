"""The pipeline: load → validate → aggregate → render → write, one stage per module."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

import jinja2

from itpm_site.aggregate.portfolio import Portfolio
from itpm_site.cache.folder import cache_folder
from itpm_site.cache.templates import template_cache
from itpm_site.load.portfolio import load_portfolio
from itpm_site.load.result import LoadResult
from itpm_site.model.diagnostic import Diagnostic
from itpm_site.outputs import search
from itpm_site.parallel import worker_count
from itpm_site.render.markdown import MarkdownCache, load_cache, save_cache
from itpm_site.render.pages import (
    PageSpec,
    sitemap,
)
from itpm_site.render.site import BuildOptions, SiteBuild, TemplateProblem, prepare, template_diagnostic
from itpm_site.write.pages import render_all, write_all
from itpm_site.write.writer import SiteWriter, forget

#: Extra outputs (exports, search index): functions of the built site yielding (path, bytes).
Emitter = Callable[["SiteBuild"], Iterable[tuple[str, bytes]]]


@dataclass
class BuildResult:
    loaded: LoadResult
    diagnostics: list[Diagnostic] = field(default_factory=list)
    written: int = 0
    output: Path | None = None
    site: SiteBuild | None = None

    @property
    def ok(self) -> bool:
        return self.output is not None


def _emitters() -> list[Emitter]:
    # Imported here so that a stage missing from an older theme never breaks the build.
    from itpm_site.outputs import emitters

    return emitters.ALL


def page_files(site: SiteBuild, pages: Sequence[PageSpec]) -> Iterator[tuple[str, bytes]]:
    """The given pages of the site (``serve`` re-renders only some); a template that fails
    raises TemplateProblem."""
    try:
        yield from render_all(
            site.env, pages, site.markdown, worker_count(site.options.jobs), len(site.portfolio.projects)
        )
    except jinja2.TemplateError as exc:
        raise TemplateProblem(template_diagnostic(exc, site.theme)) from None


def write_pages(
    site: SiteBuild, writer: SiteWriter, meanwhile: Callable[[], None] | None = None
) -> Iterator[str]:
    """Render every page straight into the writer's staging folder (on every core)."""
    try:
        yield from write_all(
            site.env,
            site.pages,
            site.markdown,
            worker_count(site.options.jobs),
            len(site.portfolio.projects),
            writer,
            meanwhile,
        )
    except jinja2.TemplateError as exc:
        raise TemplateProblem(template_diagnostic(exc, site.theme)) from None


def support_files(site: SiteBuild) -> Iterator[tuple[str, bytes]]:
    """The sitemap and the theme's static files."""
    yield "sitemap.xml", sitemap(site.pages, site.base_url)
    for rel, path in site.theme.static_files().items():
        yield f"static/{rel}", path.read_bytes()


def emitted_files(site: SiteBuild, skip: frozenset[Emitter] = frozenset()) -> Iterator[tuple[str, bytes]]:
    """The emitters' outputs: exports and the search index (``skip``: those whose work is
    done another way, as ``build`` does the index beside the render workers)."""
    for emit in _emitters():
        if emit not in skip:
            yield from emit(site)


def build_site(options: BuildOptions) -> BuildResult:
    """Load, validate and — unless there are errors (and no --keep-going) — write the site."""
    # The collector stays off from here to forking: everything built until then lives to the
    # end of the build, and re-enabling it in between only buys a full collection of it.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        cache = cache_folder(options.root) if options.cache else None
        loaded = load_portfolio(options.root, cache)
        result = BuildResult(loaded, list(loaded.diagnostics))
        if loaded.errors and not options.keep_going:
            return result
        for entries in (loaded.projects, loaded.programs, loaded.pages):
            for entry in entries:
                entry.doc.release()  # diagnostics are made: less for every worker to carry
        # The cache is keyed by content, not by file.
        markdown = MarkdownCache()
        if cache is not None:
            load_cache(markdown, cache)
        return _write_site(options, loaded, result, markdown, cache, gc_was_enabled)
    finally:
        gc.unfreeze()
        if gc_was_enabled:
            gc.enable()


def _write_site(
    options: BuildOptions,
    loaded: LoadResult,
    result: BuildResult,
    markdown: MarkdownCache,
    cache: Path | None,
    gc_enabled: bool = True,
) -> BuildResult:
    site = prepare(options, loaded, markdown, template_cache(cache) if cache else None)
    # Done once here rather than in every forked render worker.
    site.portfolio.precompute()
    site.theme.preload(site.env)
    # What is built so far lives to the end: out of the collector's sight from now on (which
    # also keeps forked workers from touching, and so copying, its pages). Rendering makes
    # cyclic garbage (Jinja's contexts), so the collector runs again from here, in the
    # workers too.
    gc.freeze()
    if gc_enabled:
        gc.enable()
    result.site = site
    total = len(site.pages)
    if cache is None:  # this build's files are not recorded: nothing of it may be reused
        forget(cache_folder(loaded.root, create=False), options.output_dir)
    with SiteWriter(options.root, options.output_dir, cache) as writer:
        # The search index is built in a thread while the pages render.
        index = search.BackgroundIndex(site) if options.search else None
        try:

            def meanwhile() -> None:  # runs once the render workers are forked
                if index:
                    index.start()
                exports = emitted_files(site, skip=frozenset({search.emit_search}))
                for rel, data in chain(support_files(site), exports):
                    writer.write(rel, data)

            for _ in write_pages(site, writer, meanwhile):
                if options.progress:
                    options.progress(writer.count, total)
            for rel, data in index.files() if index else ():
                writer.write(rel, data)
        except TemplateProblem as problem:
            writer.abort()
            result.diagnostics.append(problem.diagnostic)
            return result
        finally:
            if index:
                index.cancel()  # no-op once the index is written
        writer.commit()
    if cache is not None:
        save_cache(markdown, cache, markdown_bodies(site.portfolio), site.portfolio.config.allow_html)
    result.written = writer.count
    result.output = options.output_dir
    return result


def markdown_bodies(portfolio: Portfolio) -> list[str]:
    """Every Markdown body the pages render: projects, program files, free pages."""
    return (
        [p.body for p in portfolio.projects]
        + [g.body for g in portfolio.programs if g.body]
        + [page.body for page in portfolio.pages]
    )
