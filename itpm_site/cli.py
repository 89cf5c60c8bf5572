"""The ``itpm-site`` command line: a click group of thin commands."""

from __future__ import annotations

import importlib
import os
import sys

import click

from itpm_site import __version__

EXIT_INTERNAL = 70  # sysexits EX_SOFTWARE: a bug in itpm-site, not in the content

#: Each command, in the order of the help, and the module defining it (as a function of the
#: same name). Only the command that runs is imported: ``build`` needs none of ``diff``,
#: ``serve`` or ``init`` and what they import.
COMMANDS = ("build", "check", "new", "schema", "diff", "serve", "init")


class _Commands(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module = importlib.import_module(f"itpm_site.commands.{cmd_name}")
        command: click.Command = getattr(module, cmd_name)
        return command


@click.group(
    cls=_Commands, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100}
)
@click.version_option(__version__, "--version", prog_name="itpm-site")
def cli() -> None:
    """Turn a folder of Markdown project files into an IT project portfolio website."""
    from itpm_site.commands.common import usage_error
    from itpm_site.model.config import source_date

    try:  # every command may take today from it: a broken one is said at once, by name
        source_date(os.environ)
    except ValueError as exc:
        usage_error(str(exc))


def main() -> None:
    """Entry point: run the CLI; an unexpected failure is a one-line report, not a traceback."""
    try:
        cli.main(prog_name="itpm-site", standalone_mode=True)
    except KeyboardInterrupt:
        click.echo("\ninterrupted", err=True)
        sys.exit(130)
    except OSError as exc:  # the environment (a read-only folder, a full disk), not a bug
        if os.environ.get("ITPM_SITE_DEBUG"):
            raise
        from itpm_site.commands.common import EXIT_USAGE, os_problem

        click.echo(f"itpm-site: error: {os_problem(exc)}", err=True)
        sys.exit(EXIT_USAGE)
    except Exception as exc:  # a traceback shown to a user is a bug: report it briefly
        if os.environ.get("ITPM_SITE_DEBUG"):
            raise
        click.echo(f"itpm-site: internal error: {type(exc).__name__}: {exc}", err=True)
        click.echo("This is a bug in itpm-site. Run again with ITPM_SITE_DEBUG=1 for details.", err=True)
        sys.exit(EXIT_INTERNAL)
