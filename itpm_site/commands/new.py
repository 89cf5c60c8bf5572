"""``itpm-site new project "Title"``: start a project file from the template."""

from __future__ import annotations

import datetime as dt
import subprocess
from decimal import Decimal
from pathlib import Path

import click

from itpm_site.commands.common import exit_unless_portfolio, iso_date, root_option
from itpm_site.commands.scaffold import Known, missing, write_new_project
from itpm_site.load.diagnostics import Collector
from itpm_site.load.loader import CONTENT_DIR, load_config
from itpm_site.model.amounts import AmountError, parse_amount
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


def _amount(ctx: click.Context, param: click.Parameter, value: str | None) -> Decimal | None:
    if value is None:
        return None
    try:
        return parse_amount(value)
    except AmountError as exc:
        raise click.BadParameter(f"{exc}: {exc.hint}") from None


@new.command("project")
@click.argument("title")
@root_option
@click.option("--owner", default=None, help="Project manager. [default: git user.name]")
@click.option("--sponsor", default=None, help="Executive sponsor.")
@click.option("--program", default=None, help="Program the project belongs to.")
@click.option(
    "--category",
    default="software",
    show_default=True,
    help="software | network-cloud | data-analytics | it-services",
)
@click.option("--summary", default=None, help="One sentence: the purpose and the expected benefit.")
@click.option("--start", default=None, callback=iso_date, help="Start date, YYYY-MM-DD.")
@click.option("--end", default=None, callback=iso_date, help="Committed end date, YYYY-MM-DD.")
@click.option(
    "--budget", default=None, callback=_amount, help="Approved budget (planned), e.g. 250000 or 250k."
)
def new_project(
    title: str,
    root: Path,
    owner: str | None,
    sponsor: str | None,
    program: str | None,
    category: str,
    summary: str | None,
    start: dt.date | None,
    end: dt.date | None,
    budget: Decimal | None,
) -> None:
    """Write content/projects/<slug>.md for a new project in the initiation phase.

    What is not given here is written as a placeholder such as <executive sponsor>, which
    'check' reports until it is filled in; the status is left empty until it is assessed.
    """
    if not title.strip():
        raise click.BadParameter("the title must not be empty", param_hint="TITLE")
    if start and end and end < start:
        raise click.BadParameter(f"the end ({end}) is before the start ({start})", param_hint="--end")
    exit_unless_portfolio(root)
    config = load_config(root, Collector())
    index = config.category_index()
    if normalize(category) not in index:
        close = did_you_mean(category, {k: c.slug for k, c in index.items()})
        known_categories = ", ".join(c.slug for c in config.categories)
        raise click.BadParameter(
            f"'{category}' is not a category of this portfolio"
            + (f"; did you mean '{close}'?" if close else "")
            + f" (known: {known_categories})",
            param_hint="--category",
        )
    projects = root / CONTENT_DIR / "projects"
    same_title = (
        [p for p in sorted(projects.rglob("*.md")) if _title_of(p) == title.strip()]
        if projects.is_dir()
        else []
    )
    if same_title:
        # Two files with one title are an error of 'check': the project would be counted twice.
        raise click.BadParameter(
            f"{same_title[0].relative_to(root).as_posix()} already has this title; give the new "
            "project a title of its own",
            param_hint="TITLE",
        )
    known = Known(
        owner=(owner or "").strip() or _git_user(root),
        sponsor=(sponsor or "").strip() or None,
        program=(program or "").strip() or None,
        category=index[normalize(category)].slug,
        summary=(summary or "").strip() or None,
        start=start,
        end=end,
        planned=budget,
        currency=config.currency,
    )
    path = write_new_project(projects, title.strip(), known)
    click.echo(f"created {path.relative_to(root).as_posix() if not path.is_absolute() else path}")
    left = missing(known)
    if left:
        click.echo(
            f"next: fill in {', '.join(left)} (written as placeholders that 'itpm-site check' "
            "reports until they are), and the status once it is assessed"
        )
    else:
        click.echo("next: set the status once it is assessed, then run 'itpm-site check'")


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
