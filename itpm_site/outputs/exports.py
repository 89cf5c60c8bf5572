"""Exports written beside the pages: the portfolio as JSON, CSV and iCalendar, and the schemas.

Every figure comes from ``aggregate`` (computed once, tested there); this module only writes it
down. Outputs are byte-identical for the same input and ``as_of``: stable order, no clock.

- ``portfolio.json``: every project with its computed figures plus portfolio rollups,
  described by ``portfolio.schema.json`` (published at ``schema/portfolio.json``).
- A project's keys in portfolio.json and its columns in ``projects.csv`` are its facts in the
  field registry (``model/registry.py``); the budget, risks and milestones are shaped here.
- ``projects.csv``, ``risks.csv``, ``milestones.csv``: UTF-8 with a BOM so Excel reads the
  accents, CRLF rows, and text cells that a spreadsheet would run as a formula neutralised.
- ``milestones.ics`` and ``projects/<slug>/milestones.ics``: RFC 5545 all-day events.
- ``schema/{project,program,page,site}.json``: the front-matter schemas, for editors.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING, Any

from itpm_site import __version__
from itpm_site.aggregate.portfolio import MilestoneView, Portfolio, ProjectView
from itpm_site.model import registry
from itpm_site.model.i18n import gettext, pgettext
from itpm_site.model.money import Figures, Rollup, whole
from itpm_site.model.money import amount_text as _amount
from itpm_site.model.money import percent_number as _pct
from itpm_site.model.portfolio_schema import portfolio_schema
from itpm_site.model.registry import ExportContext, Kind
from itpm_site.model.vocab import RAG_KEYS, Phase, State
from itpm_site.outputs.site_file import SiteFile

if TYPE_CHECKING:
    from itpm_site.render.site import SiteBuild

#: The version of portfolio.json's shape. 2: the money model (EAC, variance over the same
#: projects, converted and per-currency figures). 3: people and allocations, each project's FTE.
SCHEMA_VERSION = 3


def _absolute(base_url: str, url: str) -> str:
    """A site-root-relative URL under the base URL ('/portfolio/' + 'projects/a/')."""
    return base_url + url


def _units(value: Decimal | None) -> Decimal | None:
    """A project's amount as written, in whole units: the figure the money model counts and
    the pages show, so that planned + variance = EAC on every row of every export."""
    return None if value is None else whole(value)


def _date(value) -> str | None:
    return None if value is None else value.isoformat()


# ------------------------------------------------------------------------------ portfolio.json


def _figures(f: Figures) -> dict[str, Any]:
    return {
        "projects": f.projects,
        "on_plan": f.on_plan,
        "planned": _amount(f.planned),
        "actual": _amount(f.actual) if f.has_actual else None,
        "eac": _amount(f.eac),
        "variance": _amount(f.variance),
        "variance_pct": _pct(f.variance_pct),
        "spent_pct": _pct(f.spent_pct),
    }


def _rollup(money: Rollup) -> dict[str, Any]:
    converted = money.converted
    return {
        "currency": money.base,
        "projects": money.projects,
        "without_budget": money.without_budget,
        "on_plan": money.on_plan,
        "converted": _figures(converted) if converted.projects else None,
        "converted_currencies": [money.base, *money.converted_from] if converted.projects else [],
        "not_converted": [f.currency for f in money.apart],
        "by_currency": {f.currency: _figures(f) for f in money.by_currency},
    }


def _budget(view: ProjectView) -> dict[str, Any] | None:
    b = view.budget
    if b is None:
        return None
    return {
        "currency": b.currency,
        "planned": _amount(_units(b.planned)),
        "actual": _amount(_units(b.actual)),
        "forecast": _amount(_units(b.forecast)),
        "eac": _amount(_units(b.eac)),
        "on_plan": b.on_plan,
        "variance": _amount(b.variance),
        "variance_pct": _pct(b.variance_pct),
        "spent_pct": _pct(b.spent_pct),
        "over_budget": b.over_budget,
        "base": None
        if b.converted is None
        else {
            "planned": _amount(b.planned_base),
            "actual": _amount(b.actual_base),
            "eac": _amount(b.eac_base),
            "variance": _amount(b.converted.variance),
        },
    }


def _risks(view: ProjectView) -> list[dict[str, Any]]:
    return [
        {
            "id": r.anchor,
            "title": r.risk.title,
            "probability": r.risk.probability,
            "impact": r.risk.impact,
            "score": r.score,
            "band": r.band,
            "status": r.risk.status.value,
            "live": r.live,
            "response": r.risk.response.value if r.risk.response else None,
            "owner": r.risk.owner,
            "mitigation": r.risk.mitigation,
        }
        for r in view.risks
    ]


def _milestones(view: ProjectView) -> list[dict[str, Any]]:
    return [
        {
            "id": m.anchor,
            "name": m.milestone.name,
            "date": m.milestone.date.isoformat(),
            "done": m.milestone.done,
            "overdue": m.overdue,
            "days_from_today": m.days_from_today,
        }
        for m in view.milestones
    ]


#: The facts whose value is a structure shaped here (the registry declares them and their schema).
_STRUCTURES: dict[str, Callable[[ProjectView], Any]] = {
    "budget": _budget,
    "risks": _risks,
    "milestones": _milestones,
}


def _people(portfolio: Portfolio, base_url: str) -> list[dict[str, Any]] | None:
    """The people directory with each person's load and capacity over the months of
    /capacity/; [] without a directory; None when people are not published."""
    capacity = portfolio.capacity
    if capacity is None:
        return []
    if not capacity.publish:
        return None
    return [
        {
            "slug": p.slug,
            "name": p.name,
            "team": p.person.team,
            "role": p.person.role,
            "capacity": p.person.capacity,
            "skills": list(p.person.skills),
            "unavailable": [
                {"from": u.start.isoformat(), "to": u.end.isoformat()} for u in p.person.unavailable
            ],
            "url": _absolute(base_url, p.url),
            "months": [
                {"month": c.month.isoformat()[:7], "load": c.load, "available": c.available, "over": c.over}
                for c in p.cells(capacity.months)
            ],
        }
        for p in capacity.people
    ]


def _allocations(portfolio: Portfolio) -> list[dict[str, Any]]:
    """Every ``team:`` entry of every project, as allocations.csv lists them (the person
    left out when people are not published); [] without a people directory."""
    capacity = portfolio.capacity
    if capacity is None:
        return []
    return [
        {
            "project": view.slug,
            "person": (m.person.slug if m.person else m.name) if capacity.publish else None,
            "team": m.person.person.team if m.person else None,
            "role": m.role or None,
            "allocation": m.allocation,
            "from": _date(m.start),
            "to": _date(m.end),
            "counts": bool(m.assignment.counts and m.person),
        }
        for view in portfolio.projects
        for m in view.members
    ]


def _json_writers(context: ExportContext) -> list[tuple[str, Callable[[ProjectView], Any]]]:
    """(key, value of a project) for each key of a project in portfolio.json, in order."""
    writers: list[tuple[str, Callable[[ProjectView], Any]]] = []
    for fact in registry.facts_for("json"):
        assert fact.json is not None
        if fact.kind is Kind.STRUCTURE and fact.json.value is None:
            writers.append((fact.name, _STRUCTURES[fact.name]))
        else:
            writers.append((fact.name, functools.partial(fact.json_value, context=context)))
    return writers


def _project(view: ProjectView, writers: list[tuple[str, Callable[[ProjectView], Any]]]) -> dict[str, Any]:
    """One project of portfolio.json: a key per exported fact of the registry."""
    return {key: value(view) for key, value in writers}


def _context(portfolio: Portfolio, base_url: str) -> ExportContext:
    return ExportContext(base_url, {g.slug: g.title for g in portfolio.programs})


def _projects(portfolio: Portfolio, base_url: str) -> list[dict[str, Any]]:
    writers = _json_writers(_context(portfolio, base_url))
    return [_project(view, writers) for view in portfolio.projects]


def portfolio_data(portfolio: Portfolio, base_url: str, with_projects: bool = True) -> dict[str, Any]:
    """The content of portfolio.json (shape: ``portfolio.schema.json``); its last key is
    ``projects`` (left out with ``with_projects=False``)."""
    config = portfolio.config
    everything = portfolio.all
    projects = portfolio.projects
    milestones = portfolio.milestones
    states = {s.value: 0 for s in State}
    for view in projects:
        states[view.project.state.value] += 1
    live = portfolio.live_risks
    bands = Counter(r.band for r in live)
    return {
        "schema_version": SCHEMA_VERSION,
        "generator": f"itpm-site {__version__}",
        "site": {
            "title": config.title,
            "base_url": base_url,
            "language": config.language,
            "currency": config.currency,
            # As a number, not as written: '2.950' and '2.95' are one rate.
            "exchange_rates": {
                c: _amount(r.normalize() + 0)
                for c, r in sorted(config.exchange_rates.items())
                if c != config.currency  # its own rate is 1 by definition
            },
        },
        "as_of": portfolio.as_of.isoformat(),
        "rollup": {
            "projects": len(projects),
            "by_phase": {ph.value: everything.phase_counts[ph] for ph in Phase},
            "by_status": {key: everything.status_counts.get(key, 0) for key in RAG_KEYS},
            "by_state": states,
            "budget": _rollup(everything.money),
            "risks": {
                "total": len(portfolio.risks),
                "live": len(live),
                "by_band": {name: bands[name] for name, _, _ in config.risk_bands.ranges()},
            },
            "milestones": {
                "total": len(milestones),
                "done": sum(1 for m in milestones if m.milestone.done),
                "overdue": sum(1 for m in milestones if m.overdue),
            },
            "flagged_projects": sum(1 for p in projects if p.warnings),
        },
        "programs": [
            {
                "slug": g.slug,
                "title": g.title,
                "url": _absolute(base_url, g.url),
                "owner": g.owner or None,
                "projects": [p.slug for p in g.projects],
            }
            for g in portfolio.programs
        ],
        "people": _people(portfolio, base_url),
        "allocations": _allocations(portfolio),
        **({"projects": _projects(portfolio, base_url)} if with_projects else {}),
    }


def portfolio_json(portfolio: Portfolio, base_url: str) -> bytes:
    """``portfolio_data`` as compact JSON (json's C encoder only runs without indent), one
    project at a time: the whole tree of 10,000 projects is never in memory."""
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    writers = _json_writers(_context(portfolio, base_url))
    head = encode(portfolio_data(portfolio, base_url, with_projects=False))
    parts = [head[:-1].encode("utf-8"), b',"projects":[']
    for index, view in enumerate(portfolio.projects):
        if index:
            parts.append(b",")
        parts.append(encode(_project(view, writers)).encode("utf-8"))
    parts.append(b"]}\n")
    return b"".join(parts)


# ------------------------------------------------------------------------------ CSV

#: A spreadsheet runs a cell starting with one of these as a formula (OWASP CSV injection),
#: including the full-width forms some spreadsheets normalise.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def csv_cell(value: Any) -> str:
    """One CSV cell: numbers as written; text that starts like a formula gets a leading '."""
    if type(value) is str:  # most cells: tested first
        return "'" + value if value.startswith(_FORMULA_START) else value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | Decimal):
        return format(value, "f") if isinstance(value, Decimal) else str(value)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_headings() -> dict[str, str]:
    """Each CSV column's name in the site's language (the key itself in English): the CSV
    files are for people and spreadsheets; scripts read portfolio.json, whose keys stay."""
    return {
        "slug": pgettext("CSV column", "slug"),
        "title": pgettext("CSV column", "title"),
        "url": pgettext("CSV column", "url"),
        "phase": pgettext("CSV column", "phase"),
        "status": pgettext("CSV column", "status"),
        "state": pgettext("CSV column", "state"),
        "owner": pgettext("CSV column", "owner"),
        "sponsor": pgettext("CSV column", "sponsor"),
        "program": pgettext("CSV column", "program"),
        "category": pgettext("CSV column", "category"),
        "priority": pgettext("CSV column", "priority"),
        "start": pgettext("CSV column", "start"),
        "end": pgettext("CSV column", "end"),
        "forecast_end": pgettext("CSV column", "forecast_end"),
        "slip_days": pgettext("CSV column", "slip_days"),
        "progress": pgettext("CSV column", "progress"),
        "currency": pgettext("CSV column", "currency"),
        "planned": pgettext("CSV column", "planned"),
        "actual": pgettext("CSV column", "actual"),
        "forecast": pgettext("CSV column", "forecast"),
        "eac": pgettext("CSV column", "eac"),
        "variance": pgettext("CSV column", "variance"),
        "variance_pct": pgettext("CSV column", "variance_pct"),
        "base_currency": pgettext("CSV column", "base_currency"),
        "planned_base": pgettext("CSV column", "planned_base"),
        "actual_base": pgettext("CSV column", "actual_base"),
        "eac_base": pgettext("CSV column", "eac_base"),
        "top_risk_score": pgettext("CSV column", "top_risk_score"),
        "live_risks": pgettext("CSV column", "live_risks"),
        "overdue_milestones": pgettext("CSV column", "overdue_milestones"),
        "next_milestone": pgettext("CSV column", "next_milestone"),
        "next_milestone_date": pgettext("CSV column", "next_milestone_date"),
        "depends_on": pgettext("CSV column", "depends_on"),
        "dependents": pgettext("CSV column", "dependents"),
        "tags": pgettext("CSV column", "tags"),
        "flags": pgettext("CSV column", "flags"),
        "summary": pgettext("CSV column", "summary"),
        "fte": pgettext("CSV column", "fte"),
        "project": pgettext("CSV column", "project"),
        "project_title": pgettext("CSV column", "project_title"),
        "risk": pgettext("CSV column", "risk"),
        "probability": pgettext("CSV column", "probability"),
        "impact": pgettext("CSV column", "impact"),
        "score": pgettext("CSV column", "score"),
        "band": pgettext("CSV column", "band"),
        "live": pgettext("CSV column", "live"),
        "response": pgettext("CSV column", "response"),
        "mitigation": pgettext("CSV column", "mitigation"),
        "milestone": pgettext("CSV column", "milestone"),
        "name": pgettext("CSV column", "name"),
        "date": pgettext("CSV column", "date"),
        "done": pgettext("CSV column", "done"),
        "overdue": pgettext("CSV column", "overdue"),
        "days_from_today": pgettext("CSV column", "days_from_today"),
        "person": pgettext("CSV column", "person"),
        "team": pgettext("CSV column", "team"),
        "role": pgettext("CSV column", "role"),
        "allocation": pgettext("CSV column", "allocation"),
        "from": pgettext("CSV column", "from"),
        "to": pgettext("CSV column", "to"),
        "counts": pgettext("CSV column", "counts"),
        "capacity": pgettext("CSV column", "capacity"),
        "skills": pgettext("CSV column", "skills"),
        "load_this_month": pgettext("CSV column", "load_this_month"),
        "load_next_month": pgettext("CSV column", "load_next_month"),
    }


def csv_bytes(header: list[str], rows: Iterable[list[Any]]) -> bytes:
    """UTF-8 with a BOM (so Excel reads UTF-8), CRLF rows, every text cell neutralised. The
    header is given as keys and written in the site's language (``csv_headings``)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    headings = csv_headings()
    writer.writerow([headings.get(key, key) for key in header])
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def _budget_cells(view: ProjectView, base: str) -> list[Any]:
    b = view.budget
    if b is None:
        return [None] * len(registry.fact("budget").columns)
    return [
        b.currency,
        _units(b.planned),
        _units(b.actual),
        _units(b.forecast),
        _units(b.eac),
        b.variance,
        b.variance_pct,
        base,
        b.planned_base,
        b.actual_base,
        b.eac_base,
    ]


def _milestone_cells(view: ProjectView) -> list[Any]:
    nxt = view.next_milestone
    return [
        len(view.overdue_milestones),
        nxt.milestone.name if nxt else None,
        _date(nxt.milestone.date) if nxt else None,
    ]


def projects_csv(portfolio: Portfolio, base_url: str) -> bytes:
    """One row per project, a column (or, for a structure, a few) per fact of the registry."""
    context = _context(portfolio, base_url)
    base = portfolio.config.currency
    structures: dict[str, Callable[[ProjectView], list[Any]]] = {
        "budget": lambda v: _budget_cells(v, base),
        "risks": lambda v: [len(v.live_risks)],
        "milestones": _milestone_cells,
    }

    def one_cell(fact: registry.Fact) -> Callable[[ProjectView], list[Any]]:
        return lambda view: [fact.csv_value(view, context)]

    cells = [
        structures[f.name] if f.kind is Kind.STRUCTURE and f.name in structures else one_cell(f)
        for f in registry.facts_for("csv")
    ]
    rows = ([cell for make in cells for cell in make(v)] for v in portfolio.projects)
    return csv_bytes(registry.project_columns(), rows)


RISK_COLUMNS = [
    "project",
    "project_title",
    "risk",
    "title",
    "probability",
    "impact",
    "score",
    "band",
    "status",
    "live",
    "response",
    "owner",
    "mitigation",
    "url",
]


def risks_csv(portfolio: Portfolio, base_url: str) -> bytes:
    """Every risk, in the register's order (live first, highest score first)."""
    rows = [
        [
            r.project.slug,
            r.project.title,
            r.index + 1,
            r.risk.title,
            r.risk.probability,
            r.risk.impact,
            r.score,
            r.band,
            r.risk.status.value,
            r.live,
            r.risk.response.value if r.risk.response else None,
            r.risk.owner,
            r.risk.mitigation,
            f"{_absolute(base_url, r.project.url)}#{r.anchor}",
        ]
        for r in portfolio.risks
    ]
    return csv_bytes(RISK_COLUMNS, rows)


MILESTONE_COLUMNS = [
    "project",
    "project_title",
    "milestone",
    "name",
    "date",
    "done",
    "overdue",
    "days_from_today",
    "url",
]


def milestones_csv(portfolio: Portfolio, base_url: str) -> bytes:
    rows = [
        [
            m.project.slug,
            m.project.title,
            m.index + 1,
            m.milestone.name,
            m.milestone.date.isoformat(),
            m.milestone.done,
            m.overdue,
            m.days_from_today,
            f"{_absolute(base_url, m.project.url)}#{m.anchor}",
        ]
        for m in portfolio.milestones
    ]
    return csv_bytes(MILESTONE_COLUMNS, rows)


# ------------------------------------------------------------------------------ iCalendar

PRODID = "-//itpm-site//Portfolio milestones//EN"


def ics_text(text: str) -> str:
    """RFC 5545 TEXT escaping: backslash, semicolon, comma and newline."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line: str) -> bytes:
    """One content line folded at 75 octets (RFC 5545 §3.1), never inside a UTF-8 character;
    continuation lines start with a space, every line ends with CRLF."""
    data = line.encode("utf-8")
    if len(data) <= 75:  # most lines
        return data + b"\r\n"
    parts: list[bytes] = []
    limit = 75
    while len(data) > limit:
        cut = limit
        while cut > 0 and (data[cut] & 0xC0) == 0x80:  # a UTF-8 continuation byte
            cut -= 1
        parts.append(data[:cut])
        data = data[cut:]
        limit = 74  # the leading space of a continuation line counts
    parts.append(data)
    return b"\r\n ".join(parts) + b"\r\n"


def milestone_uid(m: MilestoneView) -> str:
    return f"{m.project.slug}-milestone-{m.index + 1}@itpm-site"


def _event(m: MilestoneView, stamp: str, base_url: str) -> Iterator[str]:
    p = m.project.project
    day = m.milestone.date
    state = gettext("done") if m.milestone.done else (gettext("overdue") if m.overdue else gettext("planned"))
    status = p.status.label.lower() if p.status else gettext("none")
    description = gettext("%(project)s: %(milestone)s (%(state)s).") % {
        "project": m.project.title,
        "milestone": m.milestone.name,
        "state": state,
    }
    description += "\n" + gettext("Phase: %(phase)s. Status: %(status)s. Owner: %(owner)s.") % {
        "phase": p.phase.label,
        "status": status,
        "owner": p.owner,
    }
    yield "BEGIN:VEVENT"
    yield f"UID:{milestone_uid(m)}"
    yield f"DTSTAMP:{stamp}"
    yield f"DTSTART;VALUE=DATE:{day.strftime('%Y%m%d')}"
    if day < dt.date.max:  # without DTEND an all-day event lasts the one day (RFC 5545)
        yield f"DTEND;VALUE=DATE:{(day + dt.timedelta(days=1)).strftime('%Y%m%d')}"
    done = "✓ " if m.milestone.done else ""
    yield f"SUMMARY:{ics_text(f'{done}{m.project.title}: {m.milestone.name}')}"
    yield f"DESCRIPTION:{ics_text(description)}"
    if m.project.category:
        yield f"CATEGORIES:{ics_text(m.project.category.label)}"
    if "://" in base_url:  # URL must be absolute (a URI)
        yield f"URL:{_absolute(base_url, m.project.url)}#{m.anchor}"
    yield "TRANSP:TRANSPARENT"
    yield "END:VEVENT"


def calendar(
    name: str,
    milestones: Iterable[MilestoneView],
    as_of,
    base_url: str,
    events: dict[tuple[str, int], bytes] | None = None,
) -> bytes:
    """A VCALENDAR of all-day milestone events; DTSTAMP is ``as_of`` so builds repeat exactly.
    ``events`` keeps each milestone's folded event for the next calendar that lists it."""
    stamp = as_of.strftime("%Y%m%dT000000Z")
    head = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{ics_text(name)}",
    ]
    parts = [fold(line) for line in head]
    for m in milestones:
        key = (m.project.slug, m.index)
        event = events.get(key) if events is not None else None
        if event is None:
            event = b"".join(fold(line) for line in _event(m, stamp, base_url))
            if events is not None:
                events[key] = event
        parts.append(event)
    parts.append(fold("END:VCALENDAR"))
    return b"".join(parts)


# ------------------------------------------------------------------------------ emitters


def data_files(site: SiteBuild) -> Iterator[SiteFile]:
    """Emitter: portfolio.json, the CSV files and the calendars; a project's own calendar
    shows that project only."""
    portfolio, base_url = site.portfolio, site.base_url
    title, as_of = portfolio.config.title, portfolio.as_of
    yield SiteFile("portfolio.json", partial(portfolio_json, portfolio, base_url))
    yield SiteFile("projects.csv", partial(projects_csv, portfolio, base_url))
    yield SiteFile("risks.csv", partial(risks_csv, portfolio, base_url))
    yield SiteFile("milestones.csv", partial(milestones_csv, portfolio, base_url))
    events: dict[tuple[str, int], bytes] = {}  # each event is in two calendars
    every = partial(calendar, f"{title}: milestones", portfolio.milestones, as_of, base_url, events)
    yield SiteFile("milestones.ics", every)
    for view in portfolio.projects:
        if view.milestones:
            yield SiteFile(
                f"{view.url}milestones.ics",
                partial(calendar, f"{view.title}: milestones", view.milestones, as_of, base_url, events),
                frozenset({view.slug}),
            )


def schema_files(site: SiteBuild) -> Iterator[SiteFile]:
    """Emitter: the front-matter schemas and portfolio.json's schema under schema/."""
    from itpm_site.model.schema import SCHEMAS

    for kind in SCHEMAS:
        yield SiteFile(f"schema/{kind}.json", partial(_schema_file, kind, site.base_url))
    yield SiteFile("schema/portfolio.json", partial(_schema_file, None, site.base_url))


def _schema_file(kind: str | None, base_url: str) -> bytes:
    """A front-matter schema (``kind``) or, for None, portfolio.json's."""
    from itpm_site.model.schema import json_schema

    schema = portfolio_schema() if kind is None else json_schema(kind)
    if "://" in base_url:  # the schema's id is where it is published
        schema["$id"] = f"{base_url}schema/{kind or 'portfolio'}.json"
    return (json.dumps(schema, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
