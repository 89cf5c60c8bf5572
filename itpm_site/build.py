"""The pipeline, stage by stage: load → aggregate → history → plan → render → outputs → write.

``build_site`` is the story of ``itpm-site build``, top to bottom. ``prepare`` (aggregate,
history, plan) and the steps that render the pages and make the files beside them are what
``serve`` runs too, on what an edit touched. Each stage is a package of its own; this module
only runs them in order, with the options of one build (``BuildOptions``).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from itpm_site.aggregate.portfolio import Portfolio, build_portfolio
from itpm_site.cache.digest import digest
from itpm_site.cache.folder import cache_folder, read_file, write_file
from itpm_site.cache.templates import template_cache
from itpm_site.history import read_history
from itpm_site.load.portfolio import load_portfolio
from itpm_site.load.result import LoadResult
from itpm_site.model.config import normalize_base_url, resolve_as_of, resolve_report_since
from itpm_site.model.diagnostic import Diagnostic
from itpm_site.model.i18n import use_language
from itpm_site.model.text import plural
from itpm_site.outputs import emitters, search
from itpm_site.outputs.search_cache import IndexState, KeptRecords
from itpm_site.outputs.search_index import INDEX_DIR
from itpm_site.outputs.site_file import SiteFile
from itpm_site.parallel import PausedCollector, worker_count
from itpm_site.render.dependencies import Dependencies, dependencies, pages_to_render, stale
from itpm_site.render.markdown import MarkdownCache, load_cache, save_cache
from itpm_site.render.pages import PageSpec, SiteContext, make_environment, plan_pages, sitemap
from itpm_site.render.site import SiteBuild, TemplateProblem, template_diagnostic
from itpm_site.render.theme import Theme
from itpm_site.write.pages import PageExtra, render_all, write_all
from itpm_site.write.writer import SiteWriter, forget


@dataclass
class BuildOptions:
    root: Path
    output: Path | None = None
    base_url: str | None = None
    as_of: dt.date | None = None
    #: The last steering committee's date (``--since``; default: site.yaml, else 30 days back).
    since: dt.date | None = None
    keep_going: bool = False
    jobs: int | None = None
    search: bool = True
    #: Keep caches between builds, in the user's cache folder (see ``cache.folder``).
    cache: bool = True
    #: The history pages show the working tree as "now", after HEAD (``serve``).
    history_working_tree: bool = False
    #: The site's language (``--language``), over site.yaml's.
    language: str | None = None
    #: Called with (done, total) while pages are written, for a progress display.
    progress: Callable[[int, int], None] | None = None
    #: Render only the pages the changes since the last build touch (with the cache); off,
    #: every page is rendered (the output is the same either way).
    incremental: bool = True

    @property
    def output_dir(self) -> Path:
        return self.output if self.output is not None else self.root / "public"


@dataclass
class BuildResult:
    loaded: LoadResult
    diagnostics: list[Diagnostic] = field(default_factory=list)
    written: int = 0
    #: Pages rendered (the others were kept from the last build's output, unchanged).
    rendered: int = 0
    #: Files beside the pages made (exports, feeds; the others were kept likewise).
    made: int = 0
    output: Path | None = None
    site: SiteBuild | None = None

    @property
    def ok(self) -> bool:
        return self.output is not None


def build_site(options: BuildOptions) -> BuildResult:
    """Load, validate and — unless there are errors (and no --keep-going) — write the site."""
    # The collector stays off from here to forking: everything built until then lives to the
    # end of the build, and re-enabling it in between only buys a full collection of it.
    with PausedCollector() as collector:
        # 1. load: every file read and validated, every problem a diagnostic.
        cache = cache_folder(options.root) if options.cache else None
        loaded = load_portfolio(options.root, cache)
        result = BuildResult(loaded, list(loaded.diagnostics))
        if loaded.errors and not options.keep_going:
            return result
        for entries in (loaded.projects, loaded.programs, loaded.pages):
            for entry in entries:
                entry.doc.release()  # diagnostics are made: less for every worker to carry
        markdown = MarkdownCache()  # keyed by content, not by file
        if cache is not None:
            load_cache(markdown, cache)
        # 2. aggregate, 3. history, 4. plan.
        site = prepare(options, loaded, markdown, template_cache(cache))
        result.site = site
        # Done once here rather than in every forked render worker.
        site.portfolio.precompute()
        site.theme.preload(site.env)
        # What is built so far lives to the end; rendering makes garbage of its own.
        collector.keep()
        collector.resume()
        # 5. render, 6. outputs, 7. write.
        if not write_site(options, site, cache, result):
            return result
        if cache is not None:
            save_cache(markdown, cache, markdown_bodies(site.portfolio), site.portfolio.config.allow_html)
        return result


def prepare(
    options: BuildOptions,
    loaded: LoadResult | None = None,
    markdown: MarkdownCache | None = None,
    bytecode_cache: jinja2.BytecodeCache | None = None,
) -> SiteBuild:
    """Everything up to rendering: the rollups, the history, the theme and the pages planned
    (``loaded``: the portfolio loaded already; else it is loaded now)."""
    loaded = loaded or load_portfolio(options.root)
    if options.language and options.language != loaded.config.language:
        loaded.config = loaded.config.model_copy(update={"language": options.language})
    config = loaded.config
    # Every word and figure from here on is in the site's language (forked workers inherit it).
    use_language(config.language, config.labels.overrides(config.language))
    as_of = resolve_as_of(options.as_of, config, dict(os.environ))
    # 2. aggregate: the portfolio with its rollups.
    portfolio = build_portfolio(loaded, as_of)
    # 3. history: the portfolio over the git history (None outside a repository).
    history = read_history(
        loaded,
        as_of,
        cache_folder(loaded.root) if options.cache else None,
        frozenset(p.slug for p in portfolio.projects),
        working_tree=options.history_working_tree,
    )
    # 4. plan: the theme's templates and every page, with what it shows.
    base_url = normalize_base_url(options.base_url) if options.base_url else config.base_url
    theme = Theme.resolve(loaded.root, config.theme)
    markdown = markdown or MarkdownCache()
    context = SiteContext(portfolio, base_url, markdown, search=options.search, history=history)
    env = make_environment(theme, context, bytecode_cache)
    pages = plan_pages(portfolio, history, *resolve_report_since(options.since, config, as_of))
    return SiteBuild(loaded, portfolio, pages, env, theme, base_url, markdown, history, options.search)


#: In the cache folder: what each page of the last build's output was made from, and what
#: its search index was assembled from.
DEPENDENCIES = "pages.json"
INDEX_STATE = "index.json"


def _record_head(output: Path) -> bytes:
    """The first line of each record: the output folder the build it describes wrote."""
    return f"{output.resolve()}\n".encode()


def _recorded(cache: Path | None, name: str, output: Path) -> bytes | None:
    """The record ``name`` of the last build, if that build was of ``output``."""
    raw = read_file(cache / name) if cache is not None else None
    head = _record_head(output)
    return raw[len(head) :] if raw is not None and raw.startswith(head) else None


def _previous(cache: Path | None, output: Path) -> Dependencies | None:
    """What the pages in ``output`` were made from, as the last build recorded it; None if
    that build was of another output folder, or left no record."""
    raw = _recorded(cache, DEPENDENCIES, output)
    return Dependencies.from_bytes(raw) if raw is not None else None


def _previous_index(cache: Path | None, output: Path) -> IndexState | None:
    """What the search index in ``output`` was assembled from (``_previous``'s terms)."""
    raw = _recorded(cache, INDEX_STATE, output)
    return IndexState.from_bytes(raw) if raw is not None else None


def _forget_pages(cache: Path | None) -> None:
    if cache is not None:
        (cache / DEPENDENCIES).unlink(missing_ok=True)
        (cache / INDEX_STATE).unlink(missing_ok=True)


def write_site(options: BuildOptions, site: SiteBuild, cache: Path | None, result: BuildResult) -> bool:
    """Render the pages straight into the writer's staging folder (on every core), the
    files beside them meanwhile, and swap the folder in whole; False (the diagnostic added
    to ``result``, the output as it was) if a template fails.

    With the cache, a page or an export whose inputs did not change since the last build is
    kept from its output (``render.dependencies``); the rest are rendered or made."""
    total = len(site.pages)
    if cache is None:  # this build's files are not recorded: nothing of it may be reused
        forget(cache_folder(site.loaded.root, create=False), options.output_dir)
    # Planned now, made (or kept) while the workers render: the index is assembled after.
    files = list(planned_files(site, skip=frozenset({search.emit_search})))
    now = site_dependencies(options, site, files) if cache is not None else None
    before = _previous(cache, options.output_dir) if options.incremental and now is not None else None
    differs = stale(before, now) if now is not None else None
    last_index = _previous_index(cache, options.output_dir) if before is not None and site.search else None
    made = 0
    with SiteWriter(options.root, options.output_dir, cache) as writer:
        # Until this build's output and record are in place, the last record says nothing.
        _forget_pages(cache)
        todo = site.pages if before is None or now is None else pages_to_render(before, now, site.pages)
        if len(todo) < total:
            chosen = {spec.path for spec in todo}
            # A page the live output no longer holds as recorded is rendered after all.
            todo = [spec for spec in site.pages if spec.path in chosen or not writer.carry(spec.path)]
        # Each search record is indexed by the render worker that renders its page; the index
        # is assembled in order once the pages are done, a page not rendered giving its record
        # kept from the last build. Read before the workers fork: a kept record is not
        # indexed again.
        records = search.RecordsWithPages(site, KeptRecords.load(cache)) if site.search else None
        index = None
        try:

            def meanwhile() -> None:  # runs once the render workers are forked
                nonlocal made
                for rel, data in support_files(site):
                    writer.write(rel, data)
                for file in files:
                    if differs is None or differs(file.path) or not writer.carry(file.path):
                        writer.write(file.path, file.make())
                        made += 1

            for _ in _rendered_into(writer, site, todo, options.jobs, meanwhile, records):
                if options.progress:
                    options.progress(writer.count, total)
            if records is not None:
                rendered = {spec.path for spec in todo}
                kept = [spec for spec in site.pages if spec.path not in rendered]
                everything = now.everything if now is not None else None
                index = _write_index(writer, site, records, kept, last_index, everything)
        except TemplateProblem as problem:
            writer.abort()
            result.diagnostics.append(problem.diagnostic)
            return False
        writer.commit()
    if cache is not None and now is not None:
        head = _record_head(options.output_dir)
        write_file(cache / DEPENDENCIES, head + now.to_bytes())
        if index is not None:
            write_file(cache / INDEX_STATE, head + index.to_bytes())
    result.written = writer.count
    result.rendered = len(todo)
    result.made = made
    result.output = options.output_dir
    return True


def _write_index(
    writer: SiteWriter,
    site: SiteBuild,
    records: search.RecordsWithPages,
    kept: Sequence[PageSpec],
    last: IndexState | None,
    everything: str | None,
) -> IndexState | None:
    """The search index into ``writer``: kept whole from the live output when it would be
    assembled from the same records in the same order as the last build's (``last``), else
    assembled. A page ``kept`` from the last build's output gives its record as that build
    named it. What the index was assembled from, to record (None: nothing to record)."""
    known: dict[str, str] = {}
    if last is not None:
        known = {url: last.records[url] for spec in kept if (url := f"/{spec.url}") in last.records}
    entries = search.index_entries(site, records.made, records.kept, known)
    if everything is None:  # the pages' inputs are not known: nothing of this index is reused
        key = None
    else:
        key = digest(repr((everything, [name for _, name, _ in entries])).encode("utf-8"))
    names = {maker.url: name for maker, name, _ in entries}
    if key is not None and last is not None and last.key == key:
        carried = []
        for rel in last.files:
            if not writer.carry(rel):
                break
            carried.append(rel)
        else:
            records.kept.close()
            return IndexState(key, names, last.files)
        for rel in carried:  # the live output no longer holds the index as recorded
            writer.discard(rel)
    files = []
    for rel, data in search.assemble_index(site, entries, records.kept).items():
        writer.write(f"{INDEX_DIR}/{rel}", data)
        files.append(f"{INDEX_DIR}/{rel}")
    return IndexState(key, names, files) if key is not None else None


def site_dependencies(
    options: BuildOptions, site: SiteBuild, files: Sequence[SiteFile] = ()
) -> Dependencies | None:
    """What each page of ``site``, and each of ``files`` beside them, is made from
    (``render.dependencies``)."""
    since = resolve_report_since(options.since, site.loaded.config, site.portfolio.as_of)
    return dependencies(site, site.loaded.digests, since, [(f.path, f.inputs) for f in files])


def _rendered_into(
    writer: SiteWriter,
    site: SiteBuild,
    pages: Sequence[PageSpec],
    jobs: int | None,
    meanwhile: Callable[[], None],
    extra: PageExtra[Any] | None = None,
) -> Iterator[str]:
    """5. render: the pages, written by the render workers into the writer's staging folder."""
    try:
        yield from write_all(
            site.env,
            pages,
            site.markdown,
            worker_count(jobs),
            len(site.portfolio.projects),
            writer,
            meanwhile,
            extra,
        )
    except jinja2.TemplateError as exc:
        raise TemplateProblem(template_diagnostic(exc, site.theme)) from None


def page_files(site: SiteBuild, pages: Sequence[PageSpec], jobs: int | None) -> Iterator[tuple[str, bytes]]:
    """5. render: the given pages of the site as bytes (``serve`` re-renders only some); a
    template that fails raises TemplateProblem."""
    try:
        yield from render_all(
            site.env, pages, site.markdown, worker_count(jobs), len(site.portfolio.projects)
        )
    except jinja2.TemplateError as exc:
        raise TemplateProblem(template_diagnostic(exc, site.theme)) from None


def support_files(site: SiteBuild) -> Iterator[tuple[str, bytes]]:
    """The sitemap and the theme's static files."""
    yield "sitemap.xml", sitemap(site.pages, site.base_url)
    for rel, path in site.theme.static_files().items():
        yield f"static/{rel}", path.read_bytes()


def planned_files(site: SiteBuild, skip: frozenset[emitters.Emitter] = frozenset()) -> Iterator[SiteFile]:
    """6. outputs: exports, the search index and the feeds, each file still to be made
    (``skip``: those whose work is done another way, as ``build`` does the index beside the
    render workers)."""
    for emit in emitters.ALL:
        if emit not in skip:
            yield from emit(site)


def emitted_files(site: SiteBuild) -> Iterator[tuple[str, bytes]]:
    """6. outputs: every file of ``planned_files``, made."""
    for file in planned_files(site):
        yield file.path, file.make()


def summary_note(warnings: int, left_out: int = 0) -> str:
    """What the line that sums up a build (``build``, ``serve``) says after its counts:
    ', 2 warnings (see /quality/), 1 file with errors left out'; '' when all is well."""
    note = f", {plural(warnings, 'warning')} (see /quality/)" if warnings else ""
    return note + (f", {plural(left_out, 'file')} with errors left out" if left_out else "")


def markdown_bodies(portfolio: Portfolio) -> list[str]:
    """Every Markdown body the pages render: projects, program files, free pages."""
    return (
        [p.body for p in portfolio.projects]
        + [g.body for g in portfolio.programs if g.body]
        + [page.body for page in portfolio.pages]
    )
