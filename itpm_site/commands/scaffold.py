"""New files from templates: a project file that passes ``check --strict`` as written."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from itpm_site.model.slugs import latin_words, slugify

PROJECT_TEMPLATE = """\
---
title: {title}
phase: initiation
status: green
status_date: {today}
owner: {owner}
sponsor: {sponsor}
{program}category: {category}
priority: medium
start: {start}
end: {end}
progress: 0
budget:
  planned: 0
  currency: {currency}
risks: []
milestones:
  - name: Business case approved
    date: {milestone}
    done: false
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


def project_text(
    title: str,
    owner: str,
    today: dt.date,
    category: str = "software",
    program: str | None = None,
    sponsor: str = "TBD",
    currency: str = "USD",
) -> str:
    return PROJECT_TEMPLATE.format(
        title=_yaml_text(title),
        owner=_yaml_text(owner),
        sponsor=_yaml_text(sponsor),
        program=f"program: {_yaml_text(program)}\n" if program else "",
        category=_yaml_text(category),
        today=today.isoformat(),
        start=today.isoformat(),
        end=(today + dt.timedelta(days=180)).isoformat(),
        milestone=(today + dt.timedelta(days=30)).isoformat(),
        currency=currency,
        summary=_yaml_text(f"{title}: purpose and expected benefit in one sentence."),
    )


def write_new_project(projects_dir: Path, title: str, owner: str, today: dt.date, **options) -> Path:
    """Write a new project file with a unique slug; never overwrites."""
    projects_dir.mkdir(parents=True, exist_ok=True)
    slug = unique_slug(projects_dir, title)
    path = projects_dir / f"{slug}.md"
    with path.open("x", encoding="utf-8", newline="\n") as f:
        f.write(project_text(title, owner, today, **options))
    return path
