"""New files from templates: a project file whose unknowns are placeholders ``check`` rejects.

A scaffold must never pass as a finished project: a budget of 0, a sponsor "TBD" or a green
status nobody assessed would be published as data. What the command line does not give is
written as a placeholder (``<executive sponsor>``) that ``check`` names until it is filled
in, and the status is left empty until it is assessed.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from itpm_site.model.slugs import latin_words, slugify

PROJECT_TEMPLATE = """\
---
title: {title}
phase: initiation
status:            # green | amber | red, once assessed (with status_date)
owner: {owner}
sponsor: {sponsor}
{program}category: {category}
priority: medium
start: {start}
end: {end}
progress: 0
budget:
  planned: {planned}
  currency: {currency}
risks: []
milestones: []
tags: []
summary: {summary}
---
## Purpose

Why this project exists and what problem it solves.

## Feasibility

Options considered, rough cost and benefit, and the recommendation.

## Scope

What is in and out of scope.

## Stakeholders

Who is affected, who decides, who must be consulted.
"""


@dataclass(frozen=True)
class Known:
    """What the command line gave for a new project; None is written as a placeholder."""

    owner: str | None = None
    sponsor: str | None = None
    program: str | None = None
    category: str = "software"
    summary: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    planned: Decimal | None = None
    currency: str = "USD"


#: Placeholders written for what is not known yet; each is rejected by ``check`` by name.
PLACEHOLDERS = {
    "owner": "<project manager>",
    "sponsor": "<executive sponsor>",
    "summary": "<one sentence: the purpose and the expected benefit>",
    "start": "<YYYY-MM-DD>",
    "end": "<YYYY-MM-DD>",
    "planned": "<approved budget>",
}


def _yaml_text(value: str) -> str:
    # JSON strings are valid YAML scalars: safe for any title, including ':' or quotes.
    return json.dumps(value, ensure_ascii=False)


def unique_slug(folder: Path, title: str) -> str:
    """A slug from the title that no file in ``folder`` (recursively) uses yet. Other scripts
    are spelt in Latin letters first (ბიუჯეტი: biujeti), so a Georgian title gets a slug of
    its own rather than 'project'."""
    base = slugify(title) if latin_words(title) else "project"
    taken = {p.stem.lower() for p in folder.rglob("*.md")} if folder.is_dir() else set()
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def project_text(title: str, known: Known) -> str:
    def text(name: str, value: str | None) -> str:
        return _yaml_text(value) if value else _yaml_text(PLACEHOLDERS[name])

    def day(name: str, value: dt.date | None) -> str:
        return value.isoformat() if value else _yaml_text(PLACEHOLDERS[name])

    return PROJECT_TEMPLATE.format(
        title=_yaml_text(title),
        owner=text("owner", known.owner),
        sponsor=text("sponsor", known.sponsor),
        program=f"program: {_yaml_text(known.program)}\n" if known.program else "",
        category=_yaml_text(known.category),
        start=day("start", known.start),
        end=day("end", known.end),
        planned=f"{known.planned:f}" if known.planned is not None else _yaml_text(PLACEHOLDERS["planned"]),
        currency=known.currency,
        summary=text("summary", known.summary),
    )


def missing(known: Known) -> list[str]:
    """The fields left as placeholders, in the order the file has them."""
    given = {
        "owner": known.owner,
        "sponsor": known.sponsor,
        "start": known.start,
        "end": known.end,
        "budget": known.planned,
        "summary": known.summary,
    }
    return [name for name, value in given.items() if value is None or value == ""]


def write_new_project(projects_dir: Path, title: str, known: Known) -> Path:
    """Write a new project file with a unique slug; never overwrites."""
    projects_dir.mkdir(parents=True, exist_ok=True)
    slug = unique_slug(projects_dir, title)
    path = projects_dir / f"{slug}.md"
    with path.open("x", encoding="utf-8", newline="\n") as f:
        f.write(project_text(title, known))
    return path
