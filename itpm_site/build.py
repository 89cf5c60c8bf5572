"""The pipeline: load → validate → aggregate → render → write, one stage per module."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from itpm_site.aggregate import Portfolio, build_portfolio
from itpm_site.config import normalize_base_url, resolve_as_of
from itpm_site.diagnostics import Diagnostic, Severity
from itpm_site.loader import LoadResult, load_portfolio
from itpm_site.markdown import MarkdownCache
from itpm_site.parallel import worker_count
from itpm_site.render import (
    PageSpec,
    SiteContext,
    make_environment,
    plan_pages,
    render_pages,
    sitemap,
)
from itpm_site.theme import Theme
from itpm_site.write import SiteWriter

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


def prepare(options: BuildOptions, loaded: LoadResult | None = None,
            markdown: MarkdownCache | None = None) -> SiteBuild:
    """Everything up to rendering: aggregate, plan the pages, set up the theme."""
    loaded = loaded or load_portfolio(options.root)
    config = loaded.config
    as_of = resolve_as_of(options.as_of, config, dict(os.environ))
    base_url = normalize_base_url(options.base_url) if options.base_url else config.base_url
    portfolio = build_portfolio(loaded, as_of)
    theme = Theme.resolve(loaded.root, config.theme)
    markdown = markdown or MarkdownCache()
    site = SiteContext(portfolio, base_url, markdown, search=options.search)
    env = make_environment(theme, site)
    # Bodies are the bulk of the work and independent: render them up front, on every core.
    markdown.render_many([p.body for p in portfolio.projects], config.allow_html,
                         worker_count(options.jobs))
    return SiteBuild(options, loaded, portfolio, plan_pages(portfolio), env, theme, base_url,
                     markdown)


def site_files(site: SiteBuild) -> Iterator[tuple[str, bytes]]:
    """Every file of the site as (relative path, bytes): pages, static files, extras."""
    try:
        yield from render_pages(site.env, site.pages)
    except jinja2.TemplateError as exc:
        raise TemplateProblem(template_diagnostic(exc, site.theme)) from None
    yield "sitemap.xml", sitemap(site.pages, site.base_url)
    for rel, path in site.theme.static_files().items():
        yield f"static/{rel}", path.read_bytes()
    for emit in _emitters():
        yield from emit(site)


def template_diagnostic(exc: jinja2.TemplateError, theme: Theme) -> Diagnostic:
    name = getattr(exc, "filename", None) or getattr(exc, "name", None) or "template"
    line = getattr(exc, "lineno", None) or 1
    return Diagnostic(path=str(name), line=line, column=1, severity=Severity.ERROR,
                      field="template", message=f"template error: {exc.message or exc}",
                      hint="fix the template in your theme (or remove the override)",
                      code="template")


def build_site(options: BuildOptions) -> BuildResult:
    """Load, validate and — unless there are errors (and no --keep-going) — write the site."""
    loaded = load_portfolio(options.root)
    result = BuildResult(loaded, list(loaded.diagnostics))
    if loaded.errors and not options.keep_going:
        return result
    site = prepare(options, loaded)
    result.site = site
    total = len(site.pages)
    with SiteWriter(options.root, options.output_dir) as writer:
        try:
            for rel, data in site_files(site):
                writer.write(rel, data)
                if options.progress and writer.count <= total:
                    options.progress(writer.count, total)
        except TemplateProblem as problem:
            writer.abort()
            result.diagnostics.append(problem.diagnostic)
            return result
        writer.commit()
    result.written = writer.count
    result.output = options.output_dir
    return result
