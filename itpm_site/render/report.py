"""The steering-committee pack (``/report/``) shaped for its template: the cover's figures,
"since the last committee" (the history's changes in a period, by what a committee asks
about), and a page for each project that needs attention.

Every figure here is taken from the portfolio or the history the other pages show: the cover's
counts and budgets are the dashboard's, and the changes are the ``/changes/`` page's items,
filtered by date. Templates only display what is computed here.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from itpm_site.aggregate.portfolio import MilestoneView, Portfolio, ProjectView, RiskView
from itpm_site.history import History
from itpm_site.history.items import ChangeItem
from itpm_site.model.i18n import N_, format_number, gettext, ngettext
from itpm_site.model.vocab import Status

#: The sections of "since the last committee", in the order a committee reads them:
#: (key, heading, which history items: (kind, details or None for every detail)).
SINCE_SECTIONS: tuple[tuple[str, str, tuple[str, frozenset[str] | None]], ...] = (
    ("status", N_("Status changes (RAG)"), ("status", None)),
    ("phase", N_("Phase moves"), ("phase", None)),
    ("budget", N_("Re-forecasts: budget and estimate at completion"), ("budget", None)),
    ("schedule", N_("Re-forecasts: dates and slips"), ("schedule", None)),
    ("risks-opened", N_("Risks opened or reopened"), ("risks", frozenset({"opened", "reopened"}))),
    ("risks-occurred", N_("Risks that occurred"), ("risks", frozenset({"occurred"}))),
    (
        "risks-closed",
        N_("Risks closed or mitigated"),
        ("risks", frozenset({"closed", "mitigated", "removed"})),
    ),
    ("risks-rescored", N_("Risks rescored"), ("risks", frozenset({"rescored"}))),
    ("milestones", N_("Milestones reached"), ("milestones", frozenset({"done"}))),
    ("added", N_("New projects"), ("added", None)),
    ("state", N_("Closed, paused or resumed"), ("state", None)),
    ("removed", N_("Removed projects"), ("removed", None)),
    ("renamed", N_("Renamed"), ("renamed", None)),
)

#: How many milestones and risks a project's page of the pack lists before "and N more".
PROJECT_LIMIT = 6
#: About how much of the body's first section a project's page holds (whole paragraphs, at
#: least one): with its figures, risks and milestones, one printed A4 page.
INTRO_CHARS = 900


@dataclass
class SinceSection:
    key: str
    heading: str
    items: list[ChangeItem]


@dataclass
class PackProject:
    """One project's page of the pack."""

    view: ProjectView
    #: Live risks (open, monitoring, occurred), occurred first, then by score.
    risks: list[RiskView]
    risks_more: int
    #: Milestones: overdue first, then the open ones by date, then those done (latest first).
    milestones: list[MilestoneView]
    milestones_more: int
    #: The body's first section (Markdown), up to its second heading, in whole paragraphs.
    intro: str
    #: The first section goes on beyond ``intro`` (the rest is on the project's page).
    intro_cut: bool = False


@dataclass
class Pack:
    as_of: dt.date
    since: dt.date
    #: Which setting gave ``since``, in words for the page.
    since_source: str
    projects: list[PackProject]
    #: Why the changes cannot be listed ('' when the history is there).
    history_problem: str
    sections: list[SinceSection] = field(default_factory=list)
    #: Milestones due in the period (after since, before as_of) and not done.
    missed: list[MilestoneView] = field(default_factory=list)

    @property
    def history_available(self) -> bool:
        return not self.history_problem

    @property
    def change_count(self) -> int:
        return sum(len(s.items) for s in self.sections)

    @property
    def period_days(self) -> int:
        return (self.as_of - self.since).days

    @property
    def inverted(self) -> bool:
        """The "since" date is not before the as-of date: there is no period to list."""
        return self.since >= self.as_of

    @property
    def since_summary(self) -> list[str]:
        """The period in a few counts, for the cover: ['2 status changes', …] (each counts
        the items of one section of the "since" page, so the two agree)."""
        words = {
            "status": lambda n: ngettext("%(n)s status change", "%(n)s status changes", n),
            "phase": lambda n: ngettext("%(n)s phase move", "%(n)s phase moves", n),
            "budget": lambda n: ngettext("%(n)s budget re-forecast", "%(n)s budget re-forecasts", n),
            "schedule": lambda n: ngettext("%(n)s date change", "%(n)s date changes", n),
            "risks-opened": lambda n: ngettext("%(n)s risk opened", "%(n)s risks opened", n),
            "risks-occurred": lambda n: ngettext("%(n)s risk occurred", "%(n)s risks occurred", n),
            "risks-closed": lambda n: ngettext("%(n)s risk closed", "%(n)s risks closed", n),
            "milestones": lambda n: ngettext("%(n)s milestone reached", "%(n)s milestones reached", n),
        }
        out = [
            words[s.key](len(s.items)) % {"n": format_number(len(s.items))}
            for s in self.sections
            if s.key in words and s.items
        ]
        if self.missed:
            n = len(self.missed)
            out.append(
                ngettext("%(n)s milestone missed", "%(n)s milestones missed", n) % {"n": format_number(n)}
            )
        return out


def report_projects(portfolio: Portfolio) -> list[ProjectView]:
    """The projects of the steering-committee pack: red, then amber, then any other with an
    overdue milestone; by title within each."""

    calm = Status.GREEN.rank

    def rank(view: ProjectView) -> int:
        return min(view.status_rank, calm)  # green and no status alike: not a reason to report

    chosen = [v for v in portfolio.projects if rank(v) < calm or any(m.overdue for m in v.milestones)]
    return sorted(chosen, key=lambda v: (rank(v), v.title.lower(), v.slug))


_HEADING = re.compile(r"^ {0,3}#{1,6}(?:[ \t]|$)")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")


def first_section(body: str) -> str:
    """The body up to its second heading (the first when text comes before it): what a
    project says first about itself, without the rest of its description."""
    lines = body.strip("\n").split("\n")
    seen_text = False
    fenced = ""
    for i, line in enumerate(lines):
        fence = _FENCE.match(line)
        if fence:  # a '#' inside a code block is not a heading
            fenced = "" if fenced == fence[1] else (fenced or fence[1])
        elif not fenced and _HEADING.match(line) and seen_text:
            return "\n".join(lines[:i]).strip()
        if line.strip() and not (not fenced and _HEADING.match(line)):
            seen_text = True
    return "\n".join(lines).strip()


def paragraphs_within(text: str, limit: int) -> tuple[str, bool]:
    """The first paragraphs of ``text`` within about ``limit`` characters (always the
    first), and whether any were left out."""
    blocks = [b for b in re.split(r"\n[ \t]*\n", text) if b.strip()]
    kept: list[str] = []
    size = 0
    for block in blocks:
        if kept and size + len(block) > limit:
            break
        kept.append(block)
        size += len(block)
    return "\n\n".join(kept), len(kept) < len(blocks)


def _project(view: ProjectView) -> PackProject:
    risks = sorted(view.live_risks, key=lambda r: (r.risk.status.value != "occurred", -r.score, r.index))
    done = sorted(
        (m for m in view.milestones if m.milestone.done), key=lambda m: m.milestone.date, reverse=True
    )
    open_ = sorted(
        (m for m in view.milestones if not m.milestone.done), key=lambda m: (not m.overdue, m.milestone.date)
    )
    milestones = open_ + done
    intro, cut = paragraphs_within(first_section(view.body), INTRO_CHARS)
    return PackProject(
        view,
        risks[:PROJECT_LIMIT],
        max(0, len(risks) - PROJECT_LIMIT),
        milestones[:PROJECT_LIMIT],
        max(0, len(milestones) - PROJECT_LIMIT),
        intro,
        cut,
    )


def _in_period(item: ChangeItem, since: dt.date, as_of: dt.date) -> bool:
    return since < item.date <= as_of


def build_pack(portfolio: Portfolio, history: History | None, since: dt.date, since_source: str = "") -> Pack:
    as_of = portfolio.as_of
    if history is None:
        problem = gettext(
            "This portfolio is not in a git repository, so there is no history to read the "
            "changes from: phase moves, status changes, re-forecasts, risks and milestones "
            "reached are listed here once the portfolio is kept in git."
        )
    elif not history.available:
        problem = gettext("The changes cannot be listed: %(problem)s.") % {"problem": history.problem}
    else:
        problem = ""
    pack = Pack(
        as_of,
        since,
        since_source or gettext("%(days)s days before the as-of date") % {"days": (as_of - since).days},
        [_project(v) for v in report_projects(portfolio)],
        problem,
    )
    if history is not None and history.available:
        items = [i for i in history.items if _in_period(i, since, as_of)]
        for key, heading, (kind, details) in SINCE_SECTIONS:
            chosen = [i for i in items if i.kind == kind and (details is None or i.detail in details)]
            pack.sections.append(SinceSection(key, gettext(heading), chosen))
    pack.missed = sorted(
        (
            m
            for p in portfolio.projects
            for m in p.milestones
            if not m.milestone.done and since < m.milestone.date < as_of
        ),
        key=lambda m: (m.milestone.date, m.project.title.lower()),
    )
    return pack


_CSS_UNSAFE = re.compile(r'[\\"\x00-\x1f\x7f<>&]')


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string, safe inside a ``<style>`` element: quotes,
    backslashes, controls and ``< > &`` as CSS escapes (no ``</style>`` can close it). Each
    escape ends with a space, which CSS takes as its end: a space written after it stays."""
    return '"' + _CSS_UNSAFE.sub(lambda m: f"\\{ord(m[0]):06x} ", text) + '"'
