"""``itpm-site init DIR``: a new portfolio repository that builds and deploys out of the box."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import click
import pydantic

from itpm_site.commands.common import EXIT_OK, EXIT_USAGE, as_of_option
from itpm_site.commands.init_templates import MAINTAINER, files
from itpm_site.commands.install_source import install_line
from itpm_site.commands.new import _git_user
from itpm_site.model.config import SiteConfig, resolve_as_of


@click.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--title", default="IT Project Portfolio", show_default=True, help="Site title.")
@click.option("--owner", default=None, help="Owner of the example projects. [default: git user.name]")
@click.option(
    "--currency",
    default="USD",
    show_default=True,
    help="Base currency (ISO 4217) of the site and the examples.",
)
@click.option(
    "--force",
    is_flag=True,
    default=False,
    help="Also write into a folder that is not empty; existing files are kept.",
)
@click.option(
    "--maintainer",
    "maintainers",
    multiple=True,
    metavar="@USER|@ORG/TEAM",
    help="Who must review changes to themes/, site.yaml and .github/ (CODEOWNERS); repeatable.",
)
@as_of_option
def init(
    directory: Path,
    title: str,
    owner: str | None,
    currency: str,
    force: bool,
    maintainers: tuple[str, ...],
    as_of: dt.date | None,
) -> None:
    """Create a new portfolio repository in DIRECTORY.

    site.yaml, three example projects in different phases, an about page, .gitignore, a
    pre-commit configuration, a GitHub Actions workflow that checks pull requests, comments
    the portfolio diff, and deploys the site to GitHub Pages, and a CODEOWNERS file that asks
    a maintainer to review changes to themes, site.yaml and workflows. Existing files are never overwritten.

    The workflow and the pre-commit hook install this itpm-site: the pinned version from
    PyPI, or the git URL at the commit it was installed from (with a note saying what to
    change once it is released); otherwise init warns, and says what to write instead.
    """
    currency = currency.strip().upper()
    try:  # the same rule as site.yaml's currency
        SiteConfig.model_validate({"currency": currency})
    except pydantic.ValidationError:
        raise click.BadParameter(
            f"'{currency}' is not an ISO 4217 code such as USD", param_hint="--currency"
        ) from None
    for maintainer in maintainers:
        if not MAINTAINER.fullmatch(maintainer):
            raise click.BadParameter(
                f"'{maintainer}' is not a GitHub @user, @org/team or e-mail address",
                param_hint="--maintainer",
            )
    if directory.exists() and not directory.is_dir():
        click.echo(f"itpm-site: error: {directory} exists and is not a folder", err=True)
        raise SystemExit(EXIT_USAGE)
    if directory.is_dir() and any(directory.iterdir()) and not force:
        click.echo(
            f"itpm-site: error: {directory} is not empty; use --force to add the "
            "missing files (existing files are never overwritten)",
            err=True,
        )
        raise SystemExit(EXIT_USAGE)
    today = resolve_as_of(as_of, SiteConfig(), dict(os.environ))
    owner = owner or _git_user(directory if directory.is_dir() else Path.cwd()) or "Unassigned"
    # The workflow and the pre-commit hook install the itpm-site that is running: on the day
    # of init, a version not yet on PyPI (or someone else's package of that name) must not be
    # what the first pull request installs.
    install = install_line()
    written, skipped = [], []
    for rel, text in files(title, owner, currency, today, list(maintainers), install.requirement).items():
        path = directory / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with path.open("x", encoding="utf-8", newline="\n") as f:
                f.write(text)
            written.append(rel)
        except FileExistsError:
            skipped.append(rel)
    for rel in written:
        click.echo(f"created {rel}")
    for rel in skipped:
        click.echo(f"skipped {rel} (exists)")
    click.echo(_ensure_repository(directory))
    click.echo(f"the workflow installs: {install.requirement}")
    if install.warning:
        if install.loud:
            click.echo(
                click.style("\nitpm-site: warning: the workflow may not install", bold=True, fg="red")
                + "\n"
                + install.warning,
                err=True,
            )
        else:
            click.echo(f"itpm-site: note: {install.warning}", err=True)
    click.echo(
        f"\nnext: cd {directory} && itpm-site check && itpm-site serve\n"
        "then push it to GitHub and choose Settings → Pages → Source: GitHub Actions"
    )
    raise SystemExit(EXIT_OK)


def _ensure_repository(directory: Path) -> str:
    """Make DIRECTORY a git repository unless it is inside one already: the pull-request
    workflow and the history pages read git. Says what it did, in one line."""
    git = shutil.which("git")
    if git is None:
        return "git is not installed: run 'git init' in the folder before you push it"
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0"}
    inside = subprocess.run(
        [git, "rev-parse", "--is-inside-work-tree"],
        cwd=directory,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if inside.returncode == 0 and inside.stdout.strip() == "true":
        return "the folder is inside a git repository already: no 'git init'"
    made = subprocess.run(
        [git, "init", "-q"], cwd=directory, env=env, capture_output=True, text=True, check=False
    )
    if made.returncode != 0:
        return f"git init failed ({made.stderr.strip() or made.returncode}): run it yourself"
    return "initialised a git repository (git init)"
