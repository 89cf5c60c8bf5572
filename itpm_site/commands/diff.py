"""``itpm-site diff BASE [HEAD]``: what changed in the portfolio between two git revisions."""

from __future__ import annotations

import re
from pathlib import Path

import click

from itpm_site.commands.common import EXIT_OK, root_option, usage_error
from itpm_site.diff.changes import Snapshot, compare
from itpm_site.diff.json_format import format_json
from itpm_site.diff.markdown import format_markdown
from itpm_site.load.git import GitError, Repository, SnapshotLoader
from itpm_site.load.loader import PortfolioNotFound
from itpm_site.load.result import LoadResult

WORKING_TREE = "working tree"


@click.command()
@click.argument("base")
@click.argument("head", required=False)
@root_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "json"]),
    default="markdown",
    show_default=True,
    help="Markdown for a pull-request comment, or JSON for tools.",
)
@click.option(
    "--max-chars",
    type=click.IntRange(min=1000),
    default=None,
    metavar="N",
    help="Keep the Markdown under N characters (GitHub comments: 65536) by leaving "
    "out whole project sections.",
)
def diff(base: str, head: str | None, root: Path, fmt: str, max_chars: int | None) -> None:
    """Report what changed in the portfolio between BASE and HEAD (default: the working tree).

    Projects added, removed and renamed; phase moves; status changes; owner, program and
    date changes; budget per field; risks and milestones. The files are read from git
    objects: nothing in the working tree changes. Exit 2 when a revision does not exist.
    """
    try:
        repo = Repository.find(root)
        base_commit = repo.resolve(base)
        head_commit = repo.resolve(head) if head is not None else None
        loader = SnapshotLoader(root)
        before = Snapshot(_label(base), _load(repo, loader, base_commit), base_commit)
        if head is None or head_commit is None:
            after = Snapshot(WORKING_TREE, loader.load_working_tree(), None)
        else:
            after = Snapshot(_label(head), _load(repo, loader, head_commit), head_commit)
        renames = repo.renames(base_commit, head_commit)
    except (GitError, PortfolioNotFound) as exc:
        usage_error(str(exc))
    result = compare(before, after, renames)
    if fmt == "json":
        click.echo(format_json(result), nl=False)
    else:
        click.echo(format_markdown(result, max_chars), nl=False)
    raise SystemExit(EXIT_OK)


def _label(revision: str) -> str:
    """How a revision is shown: a full commit id is cut to the 7 characters people read."""
    return revision[:7] if re.fullmatch(r"[0-9a-f]{40}|[0-9a-f]{64}", revision) else revision


def _load(repo: Repository, loader: SnapshotLoader, commit: str) -> LoadResult | None:
    """The portfolio at ``commit``, or None when the revision has no content/ folder yet."""
    return loader.load_commit(repo, commit) if repo.has_portfolio(commit) else None
