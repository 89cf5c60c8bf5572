"""The ``itpm-site`` command line: a click group of thin commands."""

from __future__ import annotations

import contextlib
import logging
import os
import sys

import click

from itpm_site import __version__
from itpm_site.commands.build import build
from itpm_site.commands.check import check
from itpm_site.commands.diff import diff
from itpm_site.commands.init import init
from itpm_site.commands.new import new
from itpm_site.commands.schema import schema
from itpm_site.commands.serve import serve

EXIT_INTERNAL = 70  # sysexits EX_SOFTWARE: a bug in itpm-site, not in the content


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="itpm-site")
def cli() -> None:
    """Turn a folder of Markdown project files into an IT project portfolio website."""


for command in (build, check, new, schema, diff, serve, init):
    cli.add_command(command)


def main() -> None:
    """Entry point: run the CLI; an unexpected failure is a one-line report, not a traceback."""
    try:
        cli.main(prog_name="itpm-site", standalone_mode=True)
    except KeyboardInterrupt:
        click.echo("\ninterrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # a traceback shown to a user is a bug: report it briefly
        if os.environ.get("ITPM_SITE_DEBUG"):
            raise
        click.echo(f"itpm-site: internal error: {type(exc).__name__}: {exc}", err=True)
        click.echo("This is a bug in itpm-site. Run again with ITPM_SITE_DEBUG=1 for details.",
                   err=True)
        sys.exit(EXIT_INTERNAL)


def run() -> None:
    """The console script: ``main``, then exit without tearing down the heap.

    A build of 10,000 projects leaves millions of live objects; freeing them one by one at
    interpreter exit takes seconds and serves no purpose once every file is written and closed.
    """
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        if exc.code is not None and not isinstance(exc.code, int):
            print(exc.code, file=sys.stderr)
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)
