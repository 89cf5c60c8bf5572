"""``itpm-site check``: load and validate the portfolio, write nothing."""

from __future__ import annotations

from pathlib import Path

import click

from itpm_site.commands.common import (
    EXIT_CONTENT,
    EXIT_OK,
    format_option,
    report,
    root_option,
    usage_error,
    verbosity_options,
)
from itpm_site.load.loader import PortfolioNotFound
from itpm_site.load.portfolio import load_portfolio
from itpm_site.parallel import PausedCollector


@click.command()
@root_option
@format_option
@click.option("--strict", is_flag=True, default=False, help="Fail on warnings too.")
@verbosity_options
def check(root: Path, fmt: str, strict: bool, quiet: bool, verbose: bool) -> None:
    """Check every file of the portfolio and report every problem (exit 1 on errors)."""
    try:
        with PausedCollector():
            result = load_portfolio(root)
    except PortfolioNotFound as exc:
        usage_error(str(exc))
    summary = report(result.diagnostics, result.files, fmt, quiet)
    failed = summary.errors > 0 or (strict and summary.warnings > 0)
    raise SystemExit(EXIT_CONTENT if failed else EXIT_OK)
