"""The search page's filters: what a search can be narrowed by, and every value it can take."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from itpm_site.model.i18n import N_, gettext
from itpm_site.model.slugs import slugify
from itpm_site.model.vocab import Phase, Status

if TYPE_CHECKING:
    from itpm_site.aggregate.portfolio import Portfolio


#: Values of the ``type`` filter.
TYPES = {"project": N_("Project"), "program": N_("Program"), "page": N_("Page")}
#: The type of a person's page, with people published.
PERSON_TYPE = ("person", N_("Person"))


@dataclass(frozen=True)
class Facet:
    """A filter of the search page: its key (the URL parameter), legend and values in order."""

    key: str
    label: str
    values: list[tuple[str, str]]  # (value as in the URL and the index, label)


def facets(portfolio: Portfolio) -> list[Facet]:
    """The search page's filters and every value they can take, in display order.

    Values are the explorer's (``projects/?status=red&owner=nino-beridze``): vocabulary values
    and slugs, so a search and the explorer read the same URL parameters.
    """
    owners = {g.slug: g.title for g in portfolio.owners}
    for program in portfolio.programs:  # a program's owner may own no project
        if program.owner:
            owners.setdefault(slugify(program.owner), program.owner)
    types = [(key, gettext(label)) for key, label in TYPES.items()]
    if portfolio.capacity is not None and portfolio.capacity.publish:
        types.append((PERSON_TYPE[0], gettext(PERSON_TYPE[1])))
    return [
        Facet("type", gettext("Type"), types),
        Facet("phase", gettext("Phase"), [(ph.value, ph.label) for ph in Phase]),
        Facet("status", gettext("Status"), [(st.value, st.label) for st in Status]),
        Facet("high_risk", gettext("Risk"), [("yes", gettext("Open high or critical risk"))]),
        Facet("program", gettext("Program"), [(g.slug, g.title) for g in portfolio.programs]),
        Facet("owner", gettext("Owner"), sorted(owners.items(), key=lambda o: (o[1].casefold(), o[0]))),
        Facet("category", gettext("Category"), [(g.slug, g.title) for g in portfolio.categories]),
    ]
