"""``itpm-site schema``: print the JSON Schema of the front matter."""

from __future__ import annotations

import click

from itpm_site.model.schema import SCHEMAS, schema_text


@click.command()
@click.option(
    "--for",
    "kind",
    type=click.Choice(list(SCHEMAS)),
    default="project",
    show_default=True,
    help="Which file's schema.",
)
def schema(kind: str) -> None:
    """Print the JSON Schema (draft 2020-12) of project front matter, for editors and tools."""
    click.echo(schema_text(kind), nl=False)
