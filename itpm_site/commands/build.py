"""``itpm-site build``: validate, then write the site atomically."""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

import click

from itpm_site.build import BuildOptions, build_site, summary_note
from itpm_site.commands.common import (
    EXIT_CONTENT,
    EXIT_OK,
    EXIT_USAGE,
    as_of_option,
    base_url_option,
    format_option,
    language_option,
    os_problem,
    output_option,
    report,
    root_option,
    since_option,
    usage_error,
    verbosity_options,
)
from itpm_site.load.diagnostics import visible
from itpm_site.load.loader import PortfolioNotFound
from itpm_site.model.text import plural
from itpm_site.write.writer import OutputError

#: Lines of history warnings printed; a count stands for the rest.
_HISTORY_WARNINGS_SHOWN = 20


class _Progress:
    """A single self-overwriting line on a terminal; silent in CI and when piped."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if not self.enabled or (now - self.last < 0.1 and done < total):
            return
        self.last = now
        width = 30
        filled = width * done // max(total, 1)
        sys.stderr.write(f"\r  rendering [{'#' * filled}{'.' * (width - filled)}] {done}/{total} pages")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()


@click.command()
@root_option
@output_option
@base_url_option
@as_of_option
@language_option
@since_option
@click.option(
    "--keep-going",
    is_flag=True,
    default=False,
    help="Publish the valid projects even if some files have errors; the broken "
    "files are listed on the data-quality page.",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Processes for rendering. [default: number of CPUs]",
)
@click.option("--no-search", is_flag=True, default=False, help="Skip the search index.")
@click.option(
    "--no-cache",
    is_flag=True,
    default=False,
    help="Read and keep no cache (all Markdown rendered afresh, no output reused).",
)
@format_option
@verbosity_options
def build(
    root: Path,
    output: Path | None,
    base_url: str | None,
    as_of: dt.date | None,
    language: str | None,
    since: dt.date | None,
    keep_going: bool,
    jobs: int | None,
    no_search: bool,
    no_cache: bool,
    fmt: str,
    quiet: bool,
    verbose: bool,
) -> None:
    """Validate the portfolio and write the site (default: ROOT/public)."""
    started = time.monotonic()
    show_progress = not quiet and sys.stderr.isatty()
    try:
        options = BuildOptions(
            root=root,
            output=output,
            base_url=base_url,
            as_of=as_of,
            language=language,
            since=since,
            keep_going=keep_going,
            jobs=jobs,
            search=not no_search,
            cache=not no_cache,
            progress=_Progress(show_progress),
        )
        result = build_site(options)
    except PortfolioNotFound as exc:
        usage_error(str(exc))
    except OutputError as exc:
        usage_error(str(exc))
    except OSError as exc:  # the environment (a read-only folder, a full disk), not a bug
        where = (output if output is not None else root / "public").resolve()
        click.echo(
            f"itpm-site: error: cannot write the site: {os_problem(exc, where)}; "
            "the previous output was left untouched",
            err=True,
        )
        raise SystemExit(EXIT_USAGE) from None
    diagnostics = result.diagnostics
    if diagnostics or not quiet:
        shown = (
            diagnostics
            if (verbose or not result.ok or fmt != "human")
            else [d for d in diagnostics if d.is_error]
        )
        if shown or fmt != "human":
            report(shown, result.loaded.files, fmt, quiet, counted=diagnostics)
    site = result.site  # set on every build that wrote its output
    if not result.ok or site is None:
        click.echo("itpm-site: build failed; the previous output was left untouched", err=True)
        raise SystemExit(EXIT_CONTENT)
    history = site.history
    if history is not None and history.problem and not quiet:
        click.echo(f"itpm-site: warning: {history.problem}", err=True)
    if history is not None and history.warnings and not quiet:
        shown_history = history.warnings[:_HISTORY_WARNINGS_SHOWN]
        for line in shown_history:
            click.echo(f"itpm-site: warning: history: {visible(line)}", err=True)
        if len(history.warnings) > len(shown_history):
            more = len(history.warnings) - len(shown_history)
            click.echo(f"itpm-site: warning: history: {more} more like these", err=True)
    if not quiet:
        note = summary_note(len(result.loaded.warnings), len(result.loaded.rejected))
        kept = len(site.pages) - result.rendered
        pages = f" ({result.rendered} pages rendered, {kept} unchanged kept)" if kept else ""
        click.echo(
            f"built {plural(len(site.portfolio.projects), 'project')}, {result.written} files{pages} "
            f"into {result.output} in {time.monotonic() - started:.1f} s{note}"
        )
    raise SystemExit(EXIT_OK)
