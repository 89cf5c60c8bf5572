"""The pipeline: load → validate → aggregate → render → write, one stage per module."""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import io
import os
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

import jinja2
from jinja2.bccache import Bucket

from itpm_site import search
from itpm_site.aggregate import Portfolio, build_portfolio
from itpm_site.cache_seal import (
    CACHE_DIR,
    ensure_cache_dir,
    is_real_folder,
    read_sealed,
    write_sealed,
)
from itpm_site.config import normalize_base_url, resolve_as_of
from itpm_site.diagnostics import Diagnostic, Severity
from itpm_site.history import History, read_history
from itpm_site.load_pool import Loading, start_loading
from itpm_site.loader import LoadResult, load_portfolio
from itpm_site.markdown import MarkdownCache, load_cache, save_cache
from itpm_site.parallel import worker_count
from itpm_site.render import (
    PageSpec,
    SiteContext,
    make_environment,
    plan_pages,
    sitemap,
)
from itpm_site.render_pool import render_all, write_all
from itpm_site.theme import Theme
from itpm_site.write import SiteWriter, forget

#: Extra outputs (exports, search index): functions of the built site yielding (path, bytes).
Emitter = Callable[["SiteBuild"], Iterable[tuple[str, bytes]]]


@dataclass
class BuildOptions:
    root: Path
    output: Path | None = None
    base_url: str | None = None
    as_of: dt.date | None = None
    keep_going: bool = False
    jobs: int | None = None
    search: bool = True
    #: Keep rendered Markdown in ROOT/.itpm-cache between builds (keyed by content).
    cache: bool = True
    #: The history pages show the working tree as "now", after HEAD (``serve``).
    history_working_tree: bool = False
    #: Called with (done, total) while pages are written, for a progress display.
    progress: Callable[[int, int], None] | None = None

    @property
    def output_dir(self) -> Path:
        return self.output if self.output is not None else self.root / "public"


@dataclass
class SiteBuild:
    """A site ready to be written: the portfolio, its pages and the template environment."""

    options: BuildOptions
    loaded: LoadResult
    portfolio: Portfolio
    pages: list[PageSpec]
    env: jinja2.Environment
    theme: Theme
    base_url: str
    markdown: MarkdownCache
    #: The portfolio over time (None outside a git repository).
    history: History | None = None


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


class TemplateProblem(Exception):
    """A theme template failed; carries a diagnostic that names the template and line."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


def _emitters() -> list[Emitter]:
    # Imported here so that a stage missing from an older theme never breaks the build.
    from itpm_site import emitters

    return emitters.ALL


def prepare(
    options: BuildOptions,
    loaded: LoadResult | None = None,
    markdown: MarkdownCache | None = None,
    bytecode_cache: jinja2.BytecodeCache | None = None,
) -> SiteBuild:
    """Everything up to rendering: aggregate, plan the pages, set up the theme."""
    loaded = loaded or load_portfolio(options.root)
    config = loaded.config
    as_of = resolve_as_of(options.as_of, config, dict(os.environ))
    base_url = normalize_base_url(options.base_url) if options.base_url else config.base_url
    portfolio = build_portfolio(loaded, as_of)
    cache_dir = loaded.root / CACHE_DIR
    history = read_history(
        loaded,
        as_of,
        cache_dir if options.cache and is_real_folder(cache_dir) else None,
        frozenset(p.slug for p in portfolio.projects),
        working_tree=options.history_working_tree,
    )
    theme = Theme.resolve(loaded.root, config.theme)
    markdown = markdown or MarkdownCache()
    site = SiteContext(portfolio, base_url, markdown, search=options.search, history=history)
    env = make_environment(theme, site, bytecode_cache)
    return SiteBuild(
        options, loaded, portfolio, plan_pages(portfolio, history), env, theme, base_url, markdown, history
    )


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


def template_diagnostic(exc: jinja2.TemplateError, theme: Theme) -> Diagnostic:
    name = getattr(exc, "filename", None) or getattr(exc, "name", None)
    line = getattr(exc, "lineno", None)
    if not name:
        # An error while rendering (an undefined name, say) carries no position, but Jinja's
        # traceback has the template's frames, with the template's line numbers.
        for frame, lineno in traceback.walk_tb(exc.__traceback__):
            if "__jinja_exception__" in frame.f_globals or "__jinja_template__" in frame.f_globals:
                name, line = frame.f_code.co_filename, lineno
    source_line = ""
    if name and line and Path(name).is_file():
        with contextlib.suppress(OSError, UnicodeDecodeError, IndexError):
            source_line = Path(name).read_text(encoding="utf-8").split("\n")[line - 1]
        if len(theme.folders) > 1:  # the portfolio's own theme: a path like the content's
            root = theme.folders[0].parent.parent
            if Path(name).is_relative_to(root):
                name = Path(name).relative_to(root).as_posix()
    return Diagnostic(
        path=str(name or "template"),
        line=line or 1,
        column=1,
        severity=Severity.ERROR,
        field="template",
        message=f"template error: {exc.message or exc}",
        hint="fix the template in your theme (or remove the override)",
        code="template",
        length=max(1, len(source_line)),
        source_line=source_line,
    )


def build_site(options: BuildOptions, loading: Loading | None = None) -> BuildResult:
    """Load, validate and — unless there are errors (and no --keep-going) — write the site.

    ``loading``: the portfolio's loading, if the caller began it earlier (``start_loading``).
    """
    # The collector stays off from here to forking: everything built until then lives to the
    # end of the build, and re-enabling it in between only buys a full collection of it.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        loading = loading or start_loading(options.root, options.jobs, options.cache)
        try:
            # Read while the loading worker loads: the cache is keyed by content, not by file.
            # (A cache folder that is a link is read too, and trusted no more: every entry is
            # sealed. Loading made the folder if it keeps its files there.)
            markdown = MarkdownCache()
            if options.cache:
                load_cache(markdown, loading.root / CACHE_DIR)
            loaded = loading.result()
        finally:
            loading.close()  # result() did, unless something failed before it
        result = BuildResult(loaded, list(loaded.diagnostics))
        if loaded.errors and not options.keep_going:
            return result
        for entries in (loaded.projects, loaded.programs, loaded.pages):
            for entry in entries:
                entry.doc.release()  # diagnostics are made: less for every worker to carry
        return _write_site(options, loaded, result, markdown, gc_was_enabled)
    finally:
        gc.unfreeze()
        if gc_was_enabled:
            gc.enable()


def _write_site(
    options: BuildOptions,
    loaded: LoadResult,
    result: BuildResult,
    markdown: MarkdownCache,
    gc_enabled: bool = True,
) -> BuildResult:
    cache_dir = loaded.root / CACHE_DIR
    cache = options.cache and ensure_cache_dir(cache_dir)
    site = prepare(options, loaded, markdown, template_cache(cache_dir) if cache else None)
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
    if not options.cache:  # this build's files are not recorded: nothing of it may be reused
        forget(cache_dir, options.output_dir)
    with SiteWriter(options.root, options.output_dir, cache_dir if cache else None) as writer:
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
    if cache:
        save_cache(markdown, cache_dir, markdown_bodies(site.portfolio), site.portfolio.config.allow_html)
    result.written = writer.count
    result.output = options.output_dir
    return result


def template_cache(cache_dir: Path) -> jinja2.BytecodeCache | None:
    """Compiled templates kept in ROOT/.itpm-cache/templates (Jinja checks each against its
    source); None where the folder cannot be made, which only costs speed."""
    folder = cache_dir / "templates"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return SealedBytecodeCache(str(folder)) if is_real_folder(folder) else None


class SealedBytecodeCache(jinja2.FileSystemBytecodeCache):
    """Jinja's compiled templates, each file sealed (see ``cache_seal``): compiled code runs
    as it is, so only code this user's itpm-site compiled is ever loaded."""

    def load_bytecode(self, bucket: Bucket) -> None:
        data = read_sealed(Path(self._get_cache_filename(bucket)))
        if data is not None:
            bucket.load_bytecode(io.BytesIO(data))

    def dump_bytecode(self, bucket: Bucket) -> None:
        out = io.BytesIO()
        bucket.write_bytecode(out)
        write_sealed(Path(self._get_cache_filename(bucket)), out.getvalue())


def markdown_bodies(portfolio: Portfolio) -> list[str]:
    """Every Markdown body the pages render: projects, program files, free pages."""
    return (
        [p.body for p in portfolio.projects]
        + [g.body for g in portfolio.programs if g.body]
        + [page.body for page in portfolio.pages]
    )
