"""The site ready to render: the portfolio with its rollups, its pages planned and the theme's
template environment, built from the loaded portfolio (``prepare``); and the diagnostic that
points at a failing template."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import jinja2

from itpm_site.aggregate.portfolio import Portfolio, build_portfolio
from itpm_site.cache.folder import cache_folder
from itpm_site.history import History, read_history
from itpm_site.load.portfolio import load_portfolio
from itpm_site.load.result import LoadResult
from itpm_site.model.config import normalize_base_url, resolve_as_of, resolve_report_since
from itpm_site.model.diagnostic import Diagnostic, Severity
from itpm_site.render.markdown import MarkdownCache
from itpm_site.render.pages import PageSpec, SiteContext, make_environment, plan_pages
from itpm_site.render.theme import Theme


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


class TemplateProblem(Exception):
    """A theme template failed; carries a diagnostic that names the template and line."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


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
    history = read_history(
        loaded,
        as_of,
        cache_folder(loaded.root) if options.cache else None,
        frozenset(p.slug for p in portfolio.projects),
        working_tree=options.history_working_tree,
    )
    theme = Theme.resolve(loaded.root, config.theme)
    markdown = markdown or MarkdownCache()
    site = SiteContext(portfolio, base_url, markdown, search=options.search, history=history)
    env = make_environment(theme, site, bytecode_cache)
    return SiteBuild(
        options,
        loaded,
        portfolio,
        plan_pages(portfolio, history, *resolve_report_since(options.since, config, as_of)),
        env,
        theme,
        base_url,
        markdown,
        history,
    )


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
