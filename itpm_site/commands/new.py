"""``itpm-site new project "Title"``: start a project file from the template."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import click

from itpm_site.commands.common import as_of_option, exit_unless_portfolio, root_option
from itpm_site.commands.scaffold import write_new_project
from itpm_site.load.diagnostics import Collector
from itpm_site.load.loader import CONTENT_DIR, load_config
from itpm_site.model.config import resolve_as_of
from itpm_site.model.vocab import did_you_mean, normalize


@click.group()
def new() -> None:
    """Create new content files."""


def _git_user(root: Path) -> str | None:
    try:
        done = subprocess.run(
            ["git", "config", "user.name"], cwd=root, capture_output=True, text=True, timeout=5, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None


@new.command("project")
@click.argument("title")
@root_option
@click.option("--owner", default=None, help="Project manager. [default: git user.name]")
@click.option("--program", default=None, help="Program the project belongs to.")
@click.option(
    "--category",
    default="software",
    show_default=True,
    help="software | network-cloud | data-analytics | it-services",
)
@as_of_option
def new_project(
    title: str, root: Path, owner: str | None, program: str | None, category: str, as_of: dt.date | None
) -> None:
    """Write content/projects/<slug>.md for a new project in the initiation phase."""
    import os

    if not title.strip():
        raise click.BadParameter("the title must not be empty", param_hint="TITLE")
    exit_unless_portfolio(root)
    config = load_config(root, Collector())
    index = config.category_index()
    if normalize(category) not in index:
        close = did_you_mean(category, {k: c.slug for k, c in index.items()})
        known = ", ".join(c.slug for c in config.categories)
        raise click.BadParameter(
            f"'{category}' is not a category of this portfolio"
            + (f"; did you mean '{close}'?" if close else "")
            + f" (known: {known})",
            param_hint="--category",
        )
    category = index[normalize(category)].slug
    projects = root / CONTENT_DIR / "projects"
    same_title = (
        [p for p in sorted(projects.rglob("*.md")) if _title_of(p) == title.strip()]
        if projects.is_dir()
        else []
    )
    today = resolve_as_of(as_of, config, dict(os.environ))
    owner = owner or _git_user(root) or "Unassigned"
    path = write_new_project(
        root / CONTENT_DIR / "projects",
        title.strip(),
        owner,
        today,
        category=category,
        program=program,
        currency=config.currency,
    )
    click.echo(f"created {path.relative_to(root).as_posix() if not path.is_absolute() else path}")
    for other in same_title:
        click.echo(f"note: {other.relative_to(root).as_posix()} has the same title", err=True)
    click.echo("next: fill in the summary, dates and budget, then run 'itpm-site check'")


def _title_of(path: Path) -> str | None:
    """The title line of a project file, read cheaply (no validation)."""
    try:
        for line in path.read_text(encoding="utf-8").split("\n")[1:40]:
            if line.startswith("title:"):
                return line[len("title:") :].strip().strip("\"'")
            if line.rstrip() == "---":
                break
    except (OSError, UnicodeDecodeError):
        return None
    return None
