"""What the portfolio's search finds: one record per page that has something to find.

Each project, program and free page is a record made from the data (the rendered site is not
crawled again): the title, summary and status note, the Markdown body, the people and names
around the project and its budget figures, and one section per risk and per milestone with
its anchor on the project page (``risk-2``, ``milestone-1``). Sections, and the body's
headings with an id, become places a result links to: a match in a risk's mitigation leads
straight to ``projects/<slug>/#risk-2``, while the index keeps one record per page.

- ``iter_records`` builds the records, in title order: a pure function of the portfolio.
- ``search_index`` turns them into the files the search page reads (``search/data/``).
- ``BackgroundIndex`` indexes them while the pages render (``build``); ``emit_search`` is the
  emitter ``serve`` uses after its pages.
"""

from __future__ import annotations

import concurrent.futures
import threading
from collections.abc import Callable, Iterable, Iterator
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
from itpm_site.outputs.search_index import (
    INDEX_DIR,
    IndexBuilder,
    IndexedRecord,
    SearchRecord,
    Section,
    index_files,
    index_record,
    title_order,
)
from itpm_site.outputs.search_words import vocabulary

if TYPE_CHECKING:
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


def iter_records(portfolio: Portfolio, render: Callable[[str], str]) -> Iterator[SearchRecord]:
    """Every record of the portfolio in title order (the order of the index), each made as
    it is reached; ``render`` turns Markdown into HTML."""

    def of_project(v: ProjectView) -> SearchRecord:
        return project_record(v, render(v.body))

    def of_program(g: Group) -> SearchRecord:
        return program_record(g, render(g.body) if g.body else "")

    def of_page(pg: FreePage) -> SearchRecord:
        return page_record(pg.url, pg.page.title, pg.page.summary, render(pg.body))

    def of_person(person: PersonView) -> SearchRecord:
        return person_record(person, render(person.body) if person.body.strip() else "")

    makers: list[tuple[tuple[str, str], Callable[[], SearchRecord]]] = []
    for view in portfolio.projects:
        makers.append(((view.project.title, f"/{view.url}"), partial(of_project, view)))
    for g in portfolio.programs:
        makers.append(((g.title, f"/{g.url}"), partial(of_program, g)))
    for pg in portfolio.pages:
        makers.append(((pg.page.title, f"/{pg.url}"), partial(of_page, pg)))
    if portfolio.capacity is not None and portfolio.capacity.publish:
        for person in portfolio.capacity.people:
            makers.append(((person.name, f"/{person.url}"), partial(of_person, person)))
    makers.sort(key=lambda m: title_order(*m[0]))
    for _, make in makers:
        yield make()


def search_records(portfolio: Portfolio, render: Callable[[str], str]) -> list[SearchRecord]:
    return list(iter_records(portfolio, render))


# ------------------------------------------------------------------------------ index


_lock = threading.Lock()
# The records indexed by the last call in this process, by key: the next call indexes only
# the others. (serve runs the emitters in a forked child where it can, and the child's
# records die with it; where it cannot fork, rebuilds share this.)
_indexed: dict[tuple, IndexedRecord] = {}


def search_index(records: Iterable[SearchRecord], language: str = "en") -> dict[str, bytes]:
    """The index files of ``records`` by path under ``search/data/``."""
    return index_files((index_record(r) for r in records), FACETS, language, vocabulary(language))


def search_index_files(site: SiteBuild) -> dict[str, bytes]:
    """The index files of ``site``, re-indexing only records that changed since the last
    call in this process."""
    global _indexed
    config = site.portfolio.config
    records = iter_records(site.portfolio, lambda text: site.markdown.render(text, config.allow_html))
    with _lock:
        indexed = {}
        for record in records:
            key = record.key()
            indexed[key] = _indexed.get(key) or index_record(record)
        _indexed = indexed
        return index_files(indexed.values(), FACETS, config.language, vocabulary(config.language))


class BackgroundIndex:
    """The index built in a thread while the pages render (``build``).

    ``start`` it once the render workers are forked. A record's body comes from the Markdown
    cache; one the workers have not rendered yet is waited for, and rendered here if the pages
    end without it. ``files()`` gives the index once the pages are done; ``cancel()`` stops it.
    """

    def __init__(self, site: SiteBuild) -> None:
        self.site = site
        self.pages_done = threading.Event()
        self._cancelled = False
        self._outcome: concurrent.futures.Future = concurrent.futures.Future()
        self._started = False

    def start(self) -> None:
        """Start indexing; call once the render workers are forked (a thread running while a
        process forks could leave the child holding its locks)."""
        if not self._started:
            self._started = True
            threading.Thread(target=self._work, name="search-index", daemon=True).start()

    def _body(self, text: str) -> str:
        markdown, allow_html = self.site.markdown, self.site.portfolio.config.allow_html
        while True:
            if self._cancelled:
                raise _Cancelled
            html = markdown.cached(text, allow_html)
            if html is not None:
                return html
            if self.pages_done.is_set():
                return markdown.render(text, allow_html)
            markdown.wait_for_more(0.2)

    def _work(self) -> None:
        try:
            # Records come in title order: each goes into the index as it is made.
            builder = IndexBuilder(self.site.portfolio.config.language)
            for record in iter_records(self.site.portfolio, self._body):
                builder.add(index_record(record))
            files = builder.files(FACETS, vocabulary(self.site.portfolio.config.language))
        except _Cancelled:
            files = {}
        except BaseException as exc:  # handed to the caller of files()
            self._outcome.set_exception(exc)
            return
        self._outcome.set_result(files)

    def files(self) -> Iterator[tuple[str, bytes]]:
        """(path, bytes) of the index; call when the pages are done."""
        self.pages_done.set()
        self.start()
        for path, data in self._outcome.result().items():
            yield f"{INDEX_DIR}/{path}", data

    def cancel(self) -> None:
        self._cancelled = True
        self.pages_done.set()


class _Cancelled(Exception):
    pass


def emit_search(site: SiteBuild) -> Iterator[tuple[str, bytes]]:
    """Emitter: the search index under ``search/data/`` (none with ``--no-search``)."""
    if not site.search:
        return
    for path, data in search_index_files(site).items():
        yield f"{INDEX_DIR}/{path}", data
