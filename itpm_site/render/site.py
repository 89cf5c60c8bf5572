"""The site ready to render: the portfolio with its rollups, its pages planned and the theme's
template environment (made by ``build.prepare``); and the diagnostic that points at a failing
template."""

from __future__ import annotations

import contextlib
import traceback
from dataclasses import dataclass
from pathlib import Path

import jinja2

from itpm_site.aggregate.portfolio import Portfolio
from itpm_site.history import History
from itpm_site.load.result import LoadResult
from itpm_site.model.diagnostic import Diagnostic, Severity
from itpm_site.render.markdown import MarkdownCache
from itpm_site.render.pages import PageSpec
from itpm_site.render.theme import Theme


@dataclass
class SiteBuild:
    """A site ready to be written: the portfolio, its pages and the template environment."""

    loaded: LoadResult
    portfolio: Portfolio
    pages: list[PageSpec]
    env: jinja2.Environment
    theme: Theme
    base_url: str
    markdown: MarkdownCache
    #: The portfolio over time (None outside a git repository).
    history: History | None = None
    #: Whether the site has a search index (``--no-search``: none).
    search: bool = True


class TemplateProblem(Exception):
    """A theme template failed; carries a diagnostic that names the template and line."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


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
