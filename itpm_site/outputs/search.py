"""What the portfolio's search finds: one record per page that has something to find.

Each project, program and free page is a record made from the data (the rendered site is not
crawled again): the title, summary and status note, the Markdown body, the people and names
around the project and its budget figures, and one section per risk and per milestone with
its anchor on the project page (``risk-2``, ``milestone-1``). Sections, and the body's
headings with an id, become places a result links to: a match in a risk's mitigation leads
straight to ``projects/<slug>/#risk-2``, while the index keeps one record per page.

- ``record_makers`` lists the records in title order, ``iter_records`` makes them: a pure
  function of the portfolio.
- ``search_index`` turns them into the files the search page reads (``search/data/``).
- ``RecordsWithPages`` indexes each record in the render worker that renders its page
  (``build``); ``site_index`` assembles the index from those, the records kept from the last
  build (``search_cache``) and, for any other, records made on the spot.
  ``emit_search`` is the emitter ``serve`` uses after its pages.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING

from itpm_site.aggregate.capacity import PersonView
from itpm_site.aggregate.portfolio import (
    BudgetView,
    FreePage,
    Group,
    MilestoneView,
    Portfolio,
    ProjectView,
    RiskView,
)
from itpm_site.model import registry
from itpm_site.model.money import format_amount
from itpm_site.model.registry import Fact
from itpm_site.model.slugs import slugify
from itpm_site.outputs.search_cache import KeptRecords, pack, record_digest, unpack
from itpm_site.outputs.search_index import (
    INDEX_DIR,
    IndexBuilder,
    SearchRecord,
    Section,
    index_files,
    index_record,
    title_order,
)
from itpm_site.outputs.search_words import vocabulary
from itpm_site.outputs.site_file import SiteFile, made

if TYPE_CHECKING:
    from itpm_site.render.pages import PageSpec
    from itpm_site.render.site import SiteBuild

#: The filters a record may carry, in the order the search page shows them; ``state`` and
#: ``overdue`` have no checkbox, and are applied only by the words of a query ("on hold").
FACETS = ("type", "phase", "status", "high_risk", "program", "owner", "category", "state", "overdue")
QUERY_ONLY_FACETS = ("state", "overdue")

#: The words of the budget sentence, besides its label: shown on the page, never indexed.
BUDGET_WORDS = ("planned", "forecast", "spent", "EAC", "converted to")


def fact_labels() -> tuple[str, ...]:
    """The labels of the facts' sentences (the registry's searchable facts), of a program's
    projects and of the budget figures: shown on the page, never indexed."""
    return (*(f.search_label for f in registry.facts_for("search")), "Projects:", *BUDGET_WORDS)


# ------------------------------------------------------------------------------ records


def _sentence(label: str, values: Iterable[str | None]) -> str:
    items = [v.strip() for v in values if v and v.strip()]
    return f"{label}: {', '.join(items)}." if items else ""


def _full_stop(text: str | None) -> str:
    text = (text or "").strip()
    return text if not text or text.endswith(tuple(".!?:;…")) else text + "."


def risk_section(risk: RiskView) -> Section:
    """A risk: its title as a heading with the risk's anchor, then mitigation and owner."""
    r = risk.risk
    return Section(
        risk.anchor,
        r.title,
        " ".join(x for x in (_full_stop(r.mitigation), _sentence("Risk owner", [r.owner])) if x),
        ("Risk owner:",),
    )


def milestone_section(milestone: MilestoneView) -> Section:
    """A milestone: its name as a heading with the milestone's anchor, then its date."""
    m = milestone.milestone
    state = " (done)" if m.done else (" (overdue)" if milestone.overdue else "")
    return Section(
        milestone.anchor, m.name, f"Milestone due {m.date.isoformat()}{state}.", ("Milestone due", "(done)")
    )


def _figure(label: str, amount: Decimal, currency: str) -> str:
    full = format_amount(amount, currency)
    short = format_amount(amount, currency, compact=True)
    return f"{label} {full}" + (f" ({short})" if short != full else "")


def budget_sentence(budget: BudgetView | None) -> str:
    """The budget figures in the project's own currency, written in full and short, as the
    pages show them: 'Budget: planned 1,650,000 GEL (1.65M GEL), …'; then, for a budget in
    another currency than the site's, planned and EAC converted as the explorer shows them."""
    if budget is None:
        return ""
    figures = [
        _figure(label, amount, budget.currency)
        for label, amount in (
            ("planned", budget.planned),
            ("forecast", budget.forecast),
            ("spent", budget.actual),
        )
        if amount is not None
    ]
    base = budget.money.base if budget.money else None
    if base is not None and base.currency != budget.currency:
        figures.append(
            f"converted to {_figure('planned', base.planned, base.currency)}, "
            + _figure("EAC", base.eac, base.currency)
        )
    return f"{registry.label('budget')}: {', '.join(figures)}." if figures else ""


def _fact_sentence(fact: Fact, view: ProjectView) -> str:
    """A searchable fact as a sentence: 'Sponsor: Chief Risk Officer.'; the budget in figures."""
    if fact.name == "budget":
        return budget_sentence(view.budget)
    return fact.sentence(view)


def project_record(view: ProjectView, body_html: str) -> SearchRecord:
    """A project: summary, status note, body, then the people and names around it and the
    budget (in the opening, so a match there is a match on the project, not in its last
    section), then its risks and milestones."""
    p = view.project
    facts = [x for x in (_fact_sentence(fact, view) for fact in registry.facts_for("search")) if x]
    meta = {"owner": p.owner, "phase": p.phase.value}
    if p.status:
        meta["status"] = p.status.value
    # The result line: program, estimate at completion, end date.
    if p.program:
        meta["program"] = p.program
    if view.budget is not None and view.budget.eac is not None:
        meta["eac"] = format_amount(view.budget.eac, view.budget.currency)
    if p.end:
        meta["end"] = p.end.isoformat()
    if view.risks:
        # Band and state of each risk, in anchor order, for the badges of risk sub-results.
        meta["risks"] = " ".join(f"{r.band}/{r.risk.status.value}" for r in view.risks)
    filters = {"type": "project", "phase": p.phase.value, "owner": view.owner_slug}
    if p.status:
        filters["status"] = p.status.value
    if view.has_high_risk:
        filters["high_risk"] = "yes"
    if view.program_slug:
        filters["program"] = view.program_slug
    if view.category:
        filters["category"] = view.category.slug
    filters["state"] = p.state.value
    if view.overdue_milestones:
        filters["overdue"] = "yes"
    subject = [p.summary or "", *p.tags, p.program or "", view.category.label if view.category else ""]
    return SearchRecord(
        f"/{view.url}",
        p.title,
        [_full_stop(p.summary), _full_stop(p.status_note)],
        body_html,
        [*map(risk_section, view.risks), *map(milestone_section, view.milestones)],
        facts,
        meta,
        filters,
        [x for x in subject if x],
        fact_labels(),
    )


def program_record(group: Group, body_html: str) -> SearchRecord:
    """A program page: summary, owner, the titles of its projects, body."""
    facts = [
        x
        for x in (_sentence("Owner", [group.owner]), _sentence("Projects", [p.title for p in group.projects]))
        if x
    ]
    filters = {"type": "program", "program": group.slug}
    if group.owner:
        filters["owner"] = slugify(group.owner)
    return SearchRecord(
        f"/{group.url}",
        group.title,
        [_full_stop(group.summary)],
        body_html,
        [],
        facts,
        {"owner": group.owner} if group.owner else {},
        filters,
        [group.summary] if group.summary else [],
        fact_labels(),
    )


def page_record(url: str, title: str, summary: str | None, body_html: str) -> SearchRecord:
    """A free page (about, glossary, how to contribute)."""
    return SearchRecord(
        f"/{url}",
        title,
        [_full_stop(summary)],
        body_html,
        [],
        [],
        {},
        {"type": "page"},
        [summary] if summary else [],
    )


#: The labels of a person's facts: shown, never indexed.
PERSON_LABELS = ("Team:", "Role:", "Skills:")


def person_record(person: PersonView, body_html: str) -> SearchRecord:
    """A person of the directory (only when people are published): found by name (the
    title), team, role and skills (what the page is about), and the body."""
    p = person.person
    facts = [
        x
        for x in (
            _sentence("Team", [p.team]),
            _sentence("Role", [p.role]),
            _sentence("Skills", p.skills),
        )
        if x
    ]
    intro = " in ".join(x for x in (p.role, p.team) if x)
    return SearchRecord(
        f"/{person.url}",
        person.name,
        [_full_stop(intro)],
        body_html,
        [],
        facts,
        {"team": person.team},
        {"type": "person"},
        [x for x in (p.team, p.role, *p.skills) if x],
        PERSON_LABELS,
    )


@dataclass(frozen=True)
class RecordMaker:
    """A record of the site, before it is made: its place in title order, its URL (that of
    the page that owns it) and how to make it, given a function that turns Markdown into HTML."""

    order: tuple[str, str]
    url: str
    make: Callable[[Callable[[str], str]], SearchRecord]


def record_makers(portfolio: Portfolio) -> list[RecordMaker]:
    """Every record of the portfolio, to be made, in title order (the order of the index)."""

    def of_project(v: ProjectView, render: Callable[[str], str]) -> SearchRecord:
        return project_record(v, render(v.body))

    def of_program(g: Group, render: Callable[[str], str]) -> SearchRecord:
        return program_record(g, render(g.body) if g.body else "")

    def of_page(pg: FreePage, render: Callable[[str], str]) -> SearchRecord:
        return page_record(pg.url, pg.page.title, pg.page.summary, render(pg.body))

    def of_person(person: PersonView, render: Callable[[str], str]) -> SearchRecord:
        return person_record(person, render(person.body) if person.body.strip() else "")

    makers: list[RecordMaker] = []
    for view in portfolio.projects:
        makers.append(
            RecordMaker(
                title_order(view.project.title, f"/{view.url}"), f"/{view.url}", partial(of_project, view)
            )
        )
    for g in portfolio.programs:
        makers.append(RecordMaker(title_order(g.title, f"/{g.url}"), f"/{g.url}", partial(of_program, g)))
    for pg in portfolio.pages:
        makers.append(
            RecordMaker(title_order(pg.page.title, f"/{pg.url}"), f"/{pg.url}", partial(of_page, pg))
        )
    if portfolio.capacity is not None and portfolio.capacity.publish:
        for person in portfolio.capacity.people:
            makers.append(
                RecordMaker(
                    title_order(person.name, f"/{person.url}"), f"/{person.url}", partial(of_person, person)
                )
            )
    makers.sort(key=lambda m: m.order)
    return makers


def iter_records(portfolio: Portfolio, render: Callable[[str], str]) -> Iterator[SearchRecord]:
    """Every record of the portfolio in title order, each made as it is reached; ``render``
    turns Markdown into HTML."""
    for maker in record_makers(portfolio):
        yield maker.make(render)


def search_records(portfolio: Portfolio, render: Callable[[str], str]) -> list[SearchRecord]:
    return list(iter_records(portfolio, render))


# ------------------------------------------------------------------------------ index

#: What a render worker sends back for a page that owns a record: its URL, the name it is
#: kept under (``record_digest``) and the indexed record packed, or None when the records
#: kept from the last build hold it already.
MadeRecord = tuple[str, str, bytes | None]


def search_index(records: Iterable[SearchRecord], language: str = "en") -> dict[str, bytes]:
    """The index files of ``records`` by path under ``search/data/``."""
    return index_files((index_record(r) for r in records), FACETS, language, vocabulary(language))


class RecordsWithPages:
    """Each record indexed where its page is rendered (``write.pages`` calls ``of_page`` in the
    render worker, which has the page's body HTML at hand, and ``take`` in this process with
    what it sent back), so that indexing, most of the index's CPU, runs on every core instead
    of in this process. ``made`` holds what came back, by URL, for ``site_index``."""

    def __init__(self, site: SiteBuild, kept: KeptRecords) -> None:
        self.kept = kept
        self.language = site.portfolio.config.language
        self._makers = {m.url: m for m in record_makers(site.portfolio)}
        markdown, allow_html = site.markdown, site.portfolio.config.allow_html
        self._render = partial(markdown.render, allow_html=allow_html)
        self.made: dict[str, tuple[str, bytes | None]] = {}

    def of_page(self, page: PageSpec) -> MadeRecord | None:
        """The record of ``page`` (just rendered, so its body is in the Markdown cache), if it
        owns one."""
        maker = self._makers.get(f"/{page.url}")
        if maker is None:
            return None
        record = maker.make(self._render)
        name = record_digest(record, self.language)
        return maker.url, name, None if name in self.kept else pack(index_record(record))

    def take(self, made: MadeRecord) -> None:
        url, name, blob = made
        self.made[url] = (name, blob)


def site_index(
    site: SiteBuild, made: dict[str, tuple[str, bytes | None]], kept: KeptRecords
) -> dict[str, bytes]:
    """The index files of ``site`` by path under ``search/data/``: each record taken from
    those made with the pages (``made``, by URL: ``RecordsWithPages``), else from those kept
    from the last build, else made here; this build's records are then kept for the next.
    The same bytes as ``search_index`` of the site's records, whichever way each was made."""
    return assemble_index(site, index_entries(site, made, kept), kept)


#: A record of the index, in title order: how to make it, the name it is kept under
#: (``record_digest``) and, when at hand already, the record indexed and packed.
IndexEntry = tuple[RecordMaker, str, bytes | None]


def index_entries(
    site: SiteBuild,
    made: Mapping[str, tuple[str, bytes | None]],
    kept: KeptRecords,
    known: Mapping[str, str] | None = None,
) -> list[IndexEntry]:
    """Every record of ``site`` in title order, named: as made with its page (``made``, by
    URL), else as the last build named it (``known``, by URL: only for a page kept from that
    build's output, which the same inputs made), else made here (the kept records spare its
    indexing). A named record is not read from the kept ones until the index is assembled."""
    language = site.portfolio.config.language
    render = _markdown(site)
    named = known or {}
    entries: list[IndexEntry] = []
    for maker in record_makers(site.portfolio):
        name, blob = made.get(maker.url) or (named.get(maker.url, ""), None)
        if not name:  # a page not rendered this build (or rendered without its record)
            record = maker.make(render)
            name = record_digest(record, language)
            blob = kept.get(name) or pack(index_record(record))
        entries.append((maker, name, blob))
    return entries


def _markdown(site: SiteBuild) -> Callable[[str], str]:
    """How a record's Markdown is rendered: as on its page."""
    return partial(site.markdown.render, allow_html=site.portfolio.config.allow_html)


def assemble_index(site: SiteBuild, entries: list[IndexEntry], kept: KeptRecords) -> dict[str, bytes]:
    """The index files of ``entries`` by path under ``search/data/``; the records are kept
    for the next build."""
    language = site.portfolio.config.language
    render = _markdown(site)
    builder = IndexBuilder(language)
    for maker, name, blob in entries:
        blob = blob or kept.get(name)
        if blob is None:  # named after the last build, and no longer kept
            record = maker.make(render)
            name, blob = record_digest(record, language), pack(index_record(record))
        kept.use(name, blob)
        builder.add(unpack(blob))
    kept.save()
    return builder.files(FACETS, vocabulary(language))


_lock = threading.Lock()
# The records indexed by the last call in this process: the next call indexes only the
# others. (serve runs the emitters in a forked child where it can, and the child's records
# die with it; where it cannot fork, rebuilds share these.)
_kept = KeptRecords()


def search_index_files(site: SiteBuild) -> dict[str, bytes]:
    """The index files of ``site``, re-indexing only records that changed since the last
    call in this process."""
    with _lock:
        return site_index(site, {}, _kept)


def emit_search(site: SiteBuild) -> Iterator[SiteFile]:
    """Emitter: the search index under ``search/data/`` (none with ``--no-search``), made
    whole before its first file is planned: its files are named by their content."""
    if not site.search:
        return
    for path, data in search_index_files(site).items():
        yield SiteFile(f"{INDEX_DIR}/{path}", made(data))
