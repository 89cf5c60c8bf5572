"""people.csv and allocations.csv: the people directory and every allocation, Excel-safe like
the other CSV files (``exports.csv_bytes``). With ``people: {publish: false}`` neither file
names anyone: people.csv is not written and allocations.csv gives the team, not the person."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import TYPE_CHECKING

from itpm_site.outputs.exports import csv_bytes
from itpm_site.outputs.site_file import SiteFile

if TYPE_CHECKING:
    from itpm_site.render.site import SiteBuild

PEOPLE_COLUMNS = [
    "slug",
    "name",
    "team",
    "role",
    "capacity",
    "skills",
    "url",
    "load_this_month",
    "load_next_month",
]
ALLOCATION_COLUMNS = [
    "project",
    "project_title",
    "person",
    "team",
    "role",
    "allocation",
    "from",
    "to",
    "counts",
]


def people_files(site: SiteBuild) -> Iterator[SiteFile]:
    """Emitter: people.csv and allocations.csv, with a people directory."""
    capacity = site.portfolio.capacity
    if capacity is None:
        return
    if capacity.publish:
        yield SiteFile("people.csv", partial(people_csv, site))
    yield SiteFile("allocations.csv", partial(allocations_csv, site))


def people_csv(site: SiteBuild) -> bytes:
    """people.csv: one row per person of the directory (only when people are published)."""
    capacity = site.portfolio.capacity
    assert capacity is not None
    return csv_bytes(
        PEOPLE_COLUMNS,
        (
            [
                p.slug,
                p.name,
                p.team,
                p.person.role,
                p.person.capacity,
                "; ".join(p.person.skills),
                site.base_url + p.url,
                p.this_month.load,
                p.next_month.load,
            ]
            for p in capacity.people
        ),
    )


def allocations_csv(site: SiteBuild) -> bytes:
    capacity = site.portfolio.capacity
    publish = capacity is not None and capacity.publish
    rows = []
    for view in site.portfolio.projects:
        for m in view.members:
            a = m.assignment
            rows.append(
                [
                    view.slug,
                    view.title,
                    (m.person.slug if m.person else m.name) if publish else "",
                    m.person.team if m.person else "",
                    a.role,
                    a.allocation,
                    a.start.isoformat() if a.start else None,
                    a.end.isoformat() if a.end else None,
                    "true" if a.counts and m.person else "false",
                ]
            )
    return csv_bytes(ALLOCATION_COLUMNS, rows)
