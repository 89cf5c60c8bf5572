"""Stage 4: the pages of the site, each a template rendered with plain data.

``plan_pages`` lists every page with the projects it shows (its inputs), so ``serve`` can
re-render only what an edit touches; ``render_pages`` turns them into bytes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gettext as gettext_module
import json
import posixpath
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import partial
from html import escape as xml_escape
from typing import Any

import jinja2
from markupsafe import Markup, escape

from itpm_site import __version__
from itpm_site.aggregate.portfolio import Portfolio
from itpm_site.history import History
from itpm_site.model import i18n
from itpm_site.model.config import DEFAULT_REPORT_DAYS, base_path
from itpm_site.model.groups import GroupKind
from itpm_site.model.i18n import N_
from itpm_site.model.i18n import gettext as _
from itpm_site.model.money import percent
from itpm_site.model.text import plural, plural_word
from itpm_site.model.vocab import (
    BAND_LABELS,
    PHASE_INFO,
    RAG_KEYS,
    RAG_LABELS,
    RISK_RESPONSE_LABELS,
    RISK_STATUS_LABELS,
    Phase,
    Status,
    status_key,
)
from itpm_site.render import charts, people_charts
from itpm_site.render import history as history_views
from itpm_site.render.facets import facets
from itpm_site.render.markdown import MarkdownCache
from itpm_site.render.report import build_pack, css_string
from itpm_site.render.theme import Theme

#: The site's sections, in navigation order: (url, label).
NAV = (
    ("", N_("Dashboard")),
    ("projects/", N_("Projects")),
    (GroupKind.PHASE.index_url, N_("Phases")),
    (GroupKind.PROGRAM.index_url, N_("Programs")),
    ("risks/", N_("Risks")),
    ("budget/", N_("Budget")),
    ("roadmap/", N_("Roadmap")),
    ("milestones/", N_("Milestones")),
)


#: The site files the outputs stage writes (``outputs/exports.py``), as (path, label) for links in the theme.
SITE_EXPORTS = (
    ("portfolio.json", N_("Portfolio (JSON)")),
    ("projects.csv", N_("Projects (CSV)")),
    ("risks.csv", N_("Risks (CSV)")),
    ("milestones.csv", N_("Milestones (CSV)")),
    ("milestones.ics", N_("Milestones (calendar, .ics)")),
)


@dataclass
class PageSpec:
    """One output page: where it goes, which template, its data and what it depends on."""

    path: str  # output path, e.g. 'projects/crm/index.html'
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    #: Slugs of the projects whose data the page shows; None means "the whole portfolio".
    inputs: frozenset[str] | None = None
    title: str = ""
    section: str = ""  # which NAV entry is current
    in_sitemap: bool = True
    #: The page has a table of projects, whose rows every such page shares (rendered once per
    #: process): the render workers give these pages to one process together.
    lists_projects: bool = False

    @property
    def url(self) -> str:
        """Pretty URL relative to the site root: 'projects/crm/'."""
        return self.path[: -len("index.html")] if self.path.endswith("index.html") else self.path


#: The index page of each kind of group, in the order pages are planned: (kind, title, NAV section).
_GROUP_INDEXES = (
    (GroupKind.PHASE, N_("Phases"), GroupKind.PHASE.index_url),
    (GroupKind.PROGRAM, N_("Programs"), GroupKind.PROGRAM.index_url),
    (GroupKind.OWNER, N_("Owners"), "projects/"),
    (GroupKind.CATEGORY, N_("Categories"), "projects/"),
    (GroupKind.TAG, N_("Tags"), "projects/"),
)


def _slugs(items: Iterable) -> frozenset[str]:
    return frozenset(p.slug for p in items)


def plan_pages(
    portfolio: Portfolio,
    history: History | None = None,
    since: dt.date | None = None,
    since_source: str = "",
) -> list[PageSpec]:
    """Every HTML page of the site, in a stable order (the history pages only where the
    portfolio is in a git repository). ``since``: the steering-committee pack's last
    committee (default: 30 days before as_of), and ``since_source`` where it was set."""
    if since is None:
        since = portfolio.as_of - dt.timedelta(days=DEFAULT_REPORT_DAYS)
    pages: list[PageSpec] = [
        PageSpec("index.html", "dashboard.html", title=_("Dashboard"), section=""),
        PageSpec(
            "projects/index.html",
            "projects.html",
            title=_("Projects"),
            section="projects/",
            lists_projects=True,
        ),
        *(
            PageSpec(f"{kind.index_url}index.html", f"{kind.folder}.html", title=_(title), section=section)
            for kind, title, section in _GROUP_INDEXES
        ),
        PageSpec("risks/index.html", "risks.html", title=_("Risk register"), section="risks/"),
        PageSpec("budget/index.html", "budget.html", title=_("Budget"), section="budget/"),
        PageSpec(
            "figures/index.html", "figures.html", title=_("How the figures are computed"), section="budget/"
        ),
        PageSpec("roadmap/index.html", "roadmap.html", title=_("Roadmap"), section="roadmap/"),
        PageSpec("milestones/index.html", "milestones.html", title=_("Milestones"), section="milestones/"),
        PageSpec("quality/index.html", "quality.html", title=_("Data quality"), section=""),
        PageSpec(
            "report/index.html",
            "report.html",
            {"pack": build_pack(portfolio, history, since, since_source)},
            title=_("Steering-committee pack"),
            section="",
        ),
        PageSpec(
            "search/index.html",
            "search.html",
            {"facets": facets(portfolio)},
            title=_("Search"),
            section="",
        ),
        PageSpec("404.html", "404.html", title=_("Page not found"), in_sitemap=False),
    ]
    if history is not None:
        pages += [
            PageSpec("changes/index.html", "changes.html", title=_("What changed")),
            PageSpec("trends/index.html", "trends.html", title=_("Trends")),
        ]
    for view in portfolio.projects:
        related = {view.slug, *(d.slug for d in view.depends_on), *(d.slug for d in view.dependents)}
        pages.append(
            PageSpec(
                f"{view.url}index.html",
                "project.html",
                {"p": view},
                frozenset(related),
                view.title,
                "projects/",
            )
        )
    for kind, _title, section in _GROUP_INDEXES:
        for group in portfolio.groups(kind):
            inputs: frozenset[str] | None = _slugs(group.projects)
            if kind is GroupKind.PHASE:  # its stage navigation counts the projects of every phase
                inputs = None
            elif group.owner and (owner := portfolio.owner_group(group.owner)):
                # Links the owner's page while there is one.
                inputs = _slugs(group.projects) | _slugs(owner.projects)
            pages.append(
                PageSpec(
                    f"{group.url}index.html",
                    f"{kind}.html",
                    {"group": group},
                    inputs,
                    group.title,
                    section,
                    lists_projects=True,
                )
            )
    for page in portfolio.pages:
        pages.append(
            PageSpec(
                f"{page.url}index.html", "page.html", {"fp": page}, frozenset(), page.page.title, page.url
            )
        )
    return pages + _people_pages(portfolio)


def _people_pages(portfolio: Portfolio) -> list[PageSpec]:
    """The people directory's pages: none without one; capacity by team only when people
    are not published."""
    capacity = portfolio.capacity
    if capacity is None:
        return []
    pages = [
        PageSpec("capacity/index.html", "capacity.html", {"capacity": capacity}, None, "Capacity", "people/")
    ]
    if capacity.publish:
        pages.append(
            PageSpec("people/index.html", "people.html", {"capacity": capacity}, None, "People", "people/")
        )
        pages += [
            PageSpec(
                f"{person.url}index.html", "person.html", {"person": person}, None, person.name, "people/"
            )
            for person in capacity.people
        ]
    return pages


def layout_inputs(portfolio: Portfolio) -> tuple:
    """What the layout (base.html) shows of the whole portfolio on every page, beyond the
    config and the free pages: when it changes, every page changes (``serve`` renders them all).
    """
    return (len(portfolio.projects), tuple(portfolio.rates_used))


# ------------------------------------------------------------------------------ helpers


def relative_url(from_path: str, target: str) -> str:
    """A link from the page at ``from_path`` to the site-root-relative ``target``."""
    depth = from_path.count("/")
    prefix = "../" * depth
    if target in ("", "./"):
        return prefix or "./"
    return prefix + target


_URL_UNSAFE = {c: f"%{ord(c):02X}" for c in ' "<>`{}|\\^'}


def _href(url: str) -> str:
    """An address from content with the characters that may not appear raw in one (space,
    quotes, angle brackets…) percent-encoded; everything else, %-escapes included, is kept."""
    return "".join(_URL_UNSAFE.get(c, c) for c in url)


def _people_nav(portfolio: Portfolio) -> tuple[tuple[str, str], ...]:
    """The People entry of the navigation, with a people directory (to capacity by team when
    people are not published)."""
    if portfolio.capacity is None:
        return ()
    return (("people/" if portfolio.capacity.publish else "capacity/", "People"),)


@dataclass
class SiteContext:
    """What every template may use."""

    portfolio: Portfolio
    base_url: str
    markdown: MarkdownCache
    search: bool = True
    history: History | None = None
    #: Rendered fragments shared by the pages of one build (see ``fragment``).
    fragments: dict[tuple, str] = field(default_factory=dict)

    def globals(self) -> dict[str, Any]:
        return {
            "portfolio": self.portfolio,
            "site": self.portfolio.config,
            "as_of": self.portfolio.as_of,
            "base_url": self.base_url,
            "base_path": base_path(self.base_url),
            "nav": NAV + _people_nav(self.portfolio),
            "phases": list(Phase),
            "phase_info": PHASE_INFO,
            "statuses": list(Status),
            "index_urls": {kind.value: kind.index_url for kind in GroupKind if kind.folder},
            "group_url": lambda kind, slug: GroupKind(kind).url(slug),
            "status_key": status_key,
            "rag_keys": RAG_KEYS,
            "rag_labels": RAG_LABELS,
            "band_labels": BAND_LABELS,
            "risk_status_labels": RISK_STATUS_LABELS,
            "risk_response_labels": RISK_RESPONSE_LABELS,
            "charts": charts,
            "people_charts": people_charts,
            "version": __version__,
            "search_enabled": self.search,
            "site_exports": SITE_EXPORTS,
            "history": self.history,
            "history_views": history_views,
            "language": i18n.language(),
            # The catalog entries the theme's scripts use (none in English, the source).
            "script_messages": i18n.script_messages(i18n.language()),
        }


def _install_gettext(env: jinja2.Environment, catalog: gettext_module.NullTranslations) -> None:
    """Jinja's i18n extension with ``catalog``, whose ``_``, ``gettext`` and ``ngettext`` take
    the evaluation context instead of the template's context: Jinja copies the template's
    context for each call of a function that takes it inside a loop, and the pages that list
    every project make hundreds of thousands of these calls. What they give is Jinja's
    newstyle gettext, byte for byte: the message as Markup when autoescaping, formatted with
    its variables (also without any, as Jinja does: '%%' gives '%'). A message without
    variables is looked up and formatted once per environment. The message's own arguments
    are positional only, as in Jinja: a template may name its variables 'message' or 'num'."""
    env.install_gettext_translations(catalog, newstyle=True)  # type: ignore[attr-defined]
    plain: dict[tuple[str, bool], str] = {}

    def formatted(text: str, autoescape: bool, variables: dict[str, Any]) -> str:
        return (Markup(text) if autoescape else text) % variables

    @jinja2.pass_eval_context
    def gettext(eval_ctx: jinja2.nodes.EvalContext, message: str, /, **variables: Any) -> str:
        if variables:
            return formatted(catalog.gettext(message), eval_ctx.autoescape, variables)
        key = (message, eval_ctx.autoescape)
        text = plain.get(key)
        if text is None:
            text = plain[key] = formatted(catalog.gettext(message), eval_ctx.autoescape, {})
        return text

    @jinja2.pass_eval_context
    def ngettext(
        eval_ctx: jinja2.nodes.EvalContext, singular: str, plural: str, num: int, /, **variables: Any
    ) -> str:
        variables.setdefault("num", num)
        return formatted(catalog.ngettext(singular, plural, num), eval_ctx.autoescape, variables)

    env.globals.update(_=gettext, gettext=gettext, ngettext=ngettext)


def make_environment(
    theme: Theme, site: SiteContext, bytecode_cache: jinja2.BytecodeCache | None = None
) -> jinja2.Environment:
    env = theme.environment(bytecode_cache)
    _install_gettext(env, i18n.catalog())
    env.globals.update(site.globals())
    env.filters.update(
        {
            # Every figure in the site's language (ISO stays in datetime attributes and exports).
            "money": i18n.format_amount,
            "date": i18n.format_date,
            "pct": i18n.format_percent,
            "number": i18n.format_number,
            "plural": plural,
            "plural_word": plural_word,
            "days": partial(i18n.signed_days, short=True),
            "href": _href,
            "percent_of": lambda part, whole: percent(part, whole),
            "tojson_attr": lambda v: json.dumps(v, ensure_ascii=False, default=str),
            "css_string": lambda v: Markup(css_string(str(v))),
        }
    )
    allow_html = site.portfolio.config.allow_html

    # Hosts serve 404.html at whatever address was missing, at any depth, where a relative
    # link would resolve against that address: when base_url names the site's place, the
    # 404 page links from there. With the default '/', its links stay relative (the site may
    # be served under a sub-path nobody told us about) and the page inlines its stylesheet.
    site_root = "" if site.base_url == "/" else site.base_url

    def url(target: str) -> str:
        if _IN_FRAGMENT.get(False):  # resolved when the fragment is placed on a page
            return _ROOT_MARK + target if target else _HOME_MARK
        page = _PAGE.get(None)
        path = page.path if page is not None else ""
        if path == "404.html" and site_root:
            return site_root + target
        return relative_url(path, target)

    def markdown(text: str, id_prefix: str = "") -> Markup:
        """A body as HTML; ``id_prefix`` keeps its heading ids apart from those of other
        bodies on the same page (the pack shows the start of several)."""
        html = site.markdown.render(text, allow_html)
        if id_prefix:
            html = html.replace(' id="h-', f' id="{id_prefix}h-').replace(
                ' href="#h-', f' href="#{id_prefix}h-'
            )
        return Markup(html)

    def inline_static(rel: str) -> Markup:
        """A theme static file's text, for pages that cannot rely on relative asset links."""
        return Markup(theme.static_files()[rel].read_text(encoding="utf-8"))

    def rendered_once(key: tuple, render: Callable[[], Any]) -> str:
        html = site.fragments.get(key)
        if html is None:
            token = _IN_FRAGMENT.set(True)
            try:
                html = site.fragments[key] = str(render())
            finally:
                _IN_FRAGMENT.reset(token)
        return html

    def placed(html: str) -> Markup:
        if _IN_FRAGMENT.get(False):  # nested: the outer fragment resolves the links
            return Markup(html)
        up = url("x")[:-1]  # this page's way to the site root: '../../', '' or the base URL
        # The fragment's HTML is final: what goes into it is escaped here, as the template
        # would have escaped it (the 404 page's base URL is site.yaml's text as written).
        return Markup(html.replace(_ROOT_MARK, escape(up)).replace(_HOME_MARK, escape(url(""))))

    def fragment(*key: Any, caller) -> Markup:
        """``{% call fragment(key…) %}…{% endcall %}``: render once per build, reuse after.

        The key must name everything the fragment shows that can differ between pages; the
        portfolio is fixed for a build. Links made with url need not be in it: inside a
        fragment they are kept relative to the site root and made relative to each page that
        shows it, so one rendering serves pages at every depth.
        """
        return placed(rendered_once(key, caller))

    def fragment_each(name: str, items: Iterable, key: str, caller) -> Markup:
        """``{% call(item) fragment_each(name, items, key) %}…{% endcall %}``: a fragment
        for each item (named by its attribute ``key``, such as 'slug'), in one call: a table of
        10,000 rows is one call and one pass over its links, not 10,000 of each. (Its keys
        start with this function: they never meet fragment()'s.)"""
        return placed(
            "".join(
                [
                    rendered_once((fragment_each, name, getattr(item, key)), partial(caller, item))
                    for item in items
                ]
            )
        )

    @jinja2.pass_context
    def url_filter(context, target: str) -> str:
        """``{{ 'projects/' | url }}``: url() as a filter, which Jinja calls directly (a global
        function goes through Context.call, on every link of every page). pass_context keeps
        Jinja from running it at compile time for a literal target, when no page is being
        rendered."""
        return url(target)

    env.globals["url"] = url
    env.filters["url"] = url_filter
    env.globals["fragment"] = fragment
    env.globals["fragment_each"] = fragment_each
    env.globals["inline_static"] = inline_static
    env.filters["markdown"] = markdown
    return env


#: The page being rendered (in this thread): ``url`` makes links relative to it, so macros
#: need no page context and each macro file is set up once per build, not once per page.
_PAGE: ContextVar[PageSpec] = ContextVar("itpm_site_page")
#: Set while a fragment renders; its links then start with these marks ("the site root, seen
#: from the page", and "the home page") until the fragment is placed on a page. Control
#: characters: they cannot come from content (YAML and Markdown text never carries them here).
_IN_FRAGMENT: ContextVar[bool] = ContextVar("itpm_site_in_fragment")
_ROOT_MARK = "\x00"
_HOME_MARK = "\x01"


@contextlib.contextmanager
def rendering(page: PageSpec) -> Iterator[None]:
    """Templates rendered inside this block link from ``page`` (``url``)."""
    token = _PAGE.set(page)
    try:
        yield
    finally:
        _PAGE.reset(token)


def render_page(env: jinja2.Environment, page: PageSpec) -> str:
    """One page's HTML."""
    with rendering(page):
        return "".join(env.get_template(page.template).generate(page=page, **page.context))


def render_pages(env: jinja2.Environment, pages: Iterable[PageSpec]) -> Iterator[tuple[str, bytes]]:
    """(output path, bytes) for each page, in order."""
    for page in pages:
        yield page.path, render_page(env, page).encode("utf-8")


def sitemap(pages: Iterable[PageSpec], base_url: str) -> bytes:
    """sitemap.xml; the protocol wants absolute URLs, so set an absolute base_url for it."""
    root = base_url
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    for page in pages:
        if page.in_sitemap:
            # html.escape does what xml.sax.saxutils.escape does here, without importing
            # urllib, http and ssl into every build.
            loc = xml_escape(posixpath.join(root, page.url), quote=False)
            lines.append(f"  <url><loc>{loc}</loc></url>")
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")
