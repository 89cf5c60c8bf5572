"""``itpm-site schema``: print the JSON Schema of the front matter, or of portfolio.json."""

from __future__ import annotations

import click

from itpm_site.model.schema import KINDS, schema_text


@click.command()
@click.option(
    "--for",
    "kind",
    type=click.Choice(KINDS),
    default="project",
    show_default=True,
    help="Which file's schema: a front matter's, or portfolio.json's.",
)
def schema(kind: str) -> None:
    """Print the JSON Schema (draft 2020-12) of project front matter, for editors and tools
    (--for portfolio: of the portfolio.json export)."""
    click.echo(schema_text(kind), nl=False)
