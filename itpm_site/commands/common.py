"""Options shared by the commands, and how a command reports problems and exits."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import NoReturn

import click

from itpm_site.load.diagnostics import Summary, format_github, format_human, format_json, use_color
from itpm_site.model.diagnostic import Diagnostic
from itpm_site.model.i18n import LANGUAGES

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2

FORMATS = {"human": format_human, "github": format_github, "json": format_json}


def iso_date(ctx, param, value):
    """A date option's value (--as-of, --since, new project's --start): ISO, in the range
    every date of the content has."""
    from itpm_site.model.fields import date_out_of_range

    if value is None:
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a date; use YYYY-MM-DD") from None
    problem = date_out_of_range(day)
    if problem:  # the same range as every date in the content
        raise click.BadParameter(problem)
    return day


def root_option(f):
    return click.option(
        "--root",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path("."),
        show_default=True,
        help="The portfolio folder (holds content/ and site.yaml).",
    )(f)


def output_option(f):
    return click.option(
        "--output",
        "-o",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Where the site is written. [default: ROOT/public]",
    )(f)


def _base_url(ctx, param, value):
    if value is None:
        return None
    from itpm_site.model.config import BASE_URL_HINT, check_base_url

    try:
        return check_base_url(value)
    except ValueError as exc:
        raise click.BadParameter(f"{exc}; {BASE_URL_HINT}") from None


def base_url_option(f):
    return click.option(
        "--base-url",
        callback=_base_url,
        default=None,
        metavar="URL",
        help="Override site.yaml's base_url, e.g. /portfolio/ or https://acme.github.io/portfolio/.",
    )(f)


def as_of_option(f):
    return click.option(
        "--as-of",
        callback=iso_date,
        default=None,
        metavar="YYYY-MM-DD",
        help="The date taken as today. [default: site.yaml, SOURCE_DATE_EPOCH, or today]",
    )(f)


def language_option(f):
    return click.option(
        "--language",
        type=click.Choice(LANGUAGES),
        default=None,
        help="The site's language, over site.yaml's (the command line itself stays English).",
    )(f)


def since_option(f):
    return click.option(
        "--since",
        callback=iso_date,  # the same date rules as --as-of
        default=None,
        metavar="YYYY-MM-DD",
        help="The last steering committee's date: the pack (/report/) lists the changes after "
        "it. [default: site.yaml's report.since, else 30 days before the as-of date]",
    )(f)


def verbosity_options(f):
    # Two independent flags, not a paired --x/--no-x option: its default has changed across
    # click releases before.
    f = click.option("--verbose", "-v", is_flag=True, default=False, help="Say more about what is done.")(f)
    return click.option("--quiet", "-q", is_flag=True, default=False, help="Print only problems.")(f)


def format_option(f):
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(list(FORMATS)),
        default="human",
        show_default=True,
        help="How diagnostics are printed.",
    )(f)


def report(
    diagnostics: list[Diagnostic],
    files: int,
    fmt: str = "human",
    quiet: bool = False,
    stream=None,
    counted: list[Diagnostic] | None = None,
) -> Summary:
    """Print diagnostics in the chosen format and return the counts (of ``counted`` when only
    some of them are printed: the summary line always counts every problem found)."""
    stream = stream or sys.stdout
    summary = Summary.of(diagnostics if counted is None else counted, files)
    if fmt == "human":
        text = format_human(diagnostics, summary, color=use_color(stream))
        if quiet and not diagnostics:
            return summary
    else:
        text = FORMATS[fmt](diagnostics, summary)
    stream.write(text)
    stream.flush()
    return summary


def os_problem(exc: OSError, where: Path | None = None) -> str:
    """One line for a failure of the environment (a read-only folder, a full disk): the path
    it concerns (``where`` when the error names none) and what went wrong."""
    path = exc.filename if exc.filename is not None else where
    problem = exc.strerror or str(exc) or type(exc).__name__
    if exc.filename2 is not None:
        problem += f" (renaming to {exc.filename2})"
    return f"{path}: {problem}" if path is not None else problem


def usage_error(message: str) -> NoReturn:
    """Say what is wrong with how the command was called, and exit with EXIT_USAGE."""
    click.echo(f"itpm-site: error: {message}", err=True)
    raise SystemExit(EXIT_USAGE)


def exit_unless_portfolio(root: Path) -> None:
    """For commands that need a portfolio before they load it (new, serve)."""
    from itpm_site.load.loader import PortfolioNotFound, require_portfolio

    try:
        require_portfolio(root.resolve())
    except PortfolioNotFound as exc:
        usage_error(str(exc))
