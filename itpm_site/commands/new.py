"""``itpm-site new project "Title"``: start a project file from the template."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import click

from itpm_site.commands.common import as_of_option, root_option
from itpm_site.config import resolve_as_of
from itpm_site.loader import CONTENT_DIR, Collector, load_config
from itpm_site.scaffold import write_new_project


@click.group()
def new() -> None:
    """Create new content files."""


def _git_user(root: Path) -> str | None:
    try:
        done = subprocess.run(["git", "config", "user.name"], cwd=root, capture_output=True,
                              text=True, timeout=5, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None


@new.command("project")
@click.argument("title")
@root_option
@click.option("--owner", default=None, help="Project manager. [default: git user.name]")
@click.option("--program", default=None, help="Program the project belongs to.")
@click.option("--category", default="software", show_default=True,
              help="software | network-cloud | data-analytics | it-services")
@as_of_option
def new_project(title: str, root: Path, owner: str | None, program: str | None,
                category: str, as_of: dt.date | None) -> None:
    """Write content/projects/<slug>.md for a new project in the initiation phase."""
    import os

    if not title.strip():
        raise click.BadParameter("the title must not be empty", param_hint="TITLE")
    config = load_config(root, Collector())
    today = resolve_as_of(as_of, config, dict(os.environ))
    owner = owner or _git_user(root) or "Unassigned"
    path = write_new_project(root / CONTENT_DIR / "projects", title.strip(), owner, today,
                             category=category, program=program, currency=config.currency)
    click.echo(f"created {path.relative_to(root).as_posix() if not path.is_absolute() else path}")
    click.echo("next: fill in the summary, dates and budget, then run 'itpm-site check'")
