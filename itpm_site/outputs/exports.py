"""Exports written beside the pages: the portfolio as JSON, CSV and iCalendar, and the schemas.

Every figure comes from ``aggregate`` (computed once, tested there); this module only writes it
down. Outputs are byte-identical for the same input and ``as_of``: stable order, no clock.

- ``portfolio.json``: every project with its computed figures plus portfolio rollups,
  described by ``portfolio.schema.json`` (published at ``schema/portfolio.json``).
- ``projects.csv``, ``risks.csv``, ``milestones.csv``: UTF-8 with a BOM so Excel reads the
  accents, CRLF rows, and text cells that a spreadsheet would run as a formula neutralised.
- ``milestones.ics`` and ``projects/<slug>/milestones.ics``: RFC 5545 all-day events.
- ``schema/{project,program,page,site}.json``: the front-matter schemas, for editors.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections import Counter
from collections.abc import Iterable, Iterator
from decimal import Decimal
from importlib import resources
from typing import TYPE_CHECKING, Any

from itpm_site import __version__
from itpm_site.aggregate.portfolio import MilestoneView, Portfolio, ProjectView
from itpm_site.model.money import Figures, Rollup, whole
from itpm_site.model.vocab import RAG_KEYS, Phase, State

if TYPE_CHECKING:
    from itpm_site.render.site import SiteBuild

#: The version of portfolio.json's shape; bumped on incompatible changes only. 2: the money
#: model (EAC, variance over the same projects, converted and per-currency figures).
SCHEMA_VERSION = 2


def _absolute(base_url: str, url: str) -> str:
    """A site-root-relative URL under the base URL ('/portfolio/' + 'projects/a/')."""
    return base_url + url


def _amount(value: Decimal | None) -> str | None:
    """Amounts are decimal text in JSON ('250000'): never a float."""
    return None if value is None else format(value, "f")


def _units(value: Decimal | None) -> Decimal | None:
    """A project's amount as written, in whole units: the figure the money model counts and
    the pages show, so that planned + variance = EAC on every row of every export."""
    return None if value is None else whole(value)


def _pct(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


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


def _project(view: ProjectView, base_url: str, programs: dict[str, str]) -> dict[str, Any]:
    p = view.project
    b = view.budget
    return {
        "slug": view.slug,
        "url": _absolute(base_url, view.url),
        "source": view.source,
        "title": p.title,
        "summary": p.summary,
        "phase": p.phase.value,
        "status": p.status.value if p.status else None,
        "status_note": p.status_note,
        "status_date": _date(p.status_date),
        "state": p.state.value,
        "owner": p.owner,
        "sponsor": p.sponsor,
        "program": None
        if not view.program_slug
        else {"slug": view.program_slug, "title": programs.get(view.program_slug, p.program)},
        "category": None
        if view.category is None
        else {"slug": view.category.slug, "label": view.category.label, "known": view.category.known},
        "priority": p.priority.value if p.priority else None,
        "tags": list(p.tags),
        "team": list(view.team_names),
        "start": _date(p.start),
        "end": _date(p.end),
        "forecast_end": _date(p.effective_forecast_end),
        "slip_days": view.slip_days,
        "progress": p.progress,
        "budget": None
        if b is None
        else {
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
        },
        "top_risk_score": view.top_risk_score,
        # A theme's own keys, as written (never validated, so passed on untouched).
        "extra": dict(p.extra),
        "risks": [
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
        ],
        "milestones": [
            {
                "id": m.anchor,
                "name": m.milestone.name,
                "date": m.milestone.date.isoformat(),
                "done": m.milestone.done,
                "overdue": m.overdue,
                "days_from_today": m.days_from_today,
            }
            for m in view.milestones
        ],
        "depends_on": [d.slug for d in view.depends_on],
        "dependents": [d.slug for d in view.dependents],
        "missing_dependencies": list(view.missing_dependencies),
        "flags": [{"code": f.code, "text": f.text} for f in view.flags],
        "links": [{"title": link.title, "url": link.url} for link in p.links],
    }


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
    programs = {g.slug: g.title for g in portfolio.programs}
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
        **({"projects": [_project(view, base_url, programs) for view in projects]} if with_projects else {}),
    }


def portfolio_json(portfolio: Portfolio, base_url: str) -> bytes:
    """``portfolio_data`` as compact JSON (json's C encoder only runs without indent), one
    project at a time: the whole tree of 10,000 projects is never in memory."""
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    programs = {g.slug: g.title for g in portfolio.programs}
    head = encode(portfolio_data(portfolio, base_url, with_projects=False))
    parts = [head[:-1].encode("utf-8"), b',"projects":[']
    for index, view in enumerate(portfolio.projects):
        if index:
            parts.append(b",")
        parts.append(encode(_project(view, base_url, programs)).encode("utf-8"))
    parts.append(b"]}\n")
    return b"".join(parts)


def portfolio_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of portfolio.json."""
    text = resources.files("itpm_site").joinpath("portfolio.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


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


def csv_bytes(header: list[str], rows: Iterable[list[Any]]) -> bytes:
    """UTF-8 with a BOM (so Excel reads UTF-8), CRLF rows, every text cell neutralised."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


PROJECT_COLUMNS = [
    "slug",
    "title",
    "url",
    "phase",
    "status",
    "state",
    "owner",
    "sponsor",
    "program",
    "category",
    "priority",
    "start",
    "end",
    "forecast_end",
    "slip_days",
    "progress",
    "currency",
    "planned",
    "actual",
    "forecast",
    "eac",
    "variance",
    "variance_pct",
    "base_currency",
    "planned_base",
    "actual_base",
    "eac_base",
    "top_risk_score",
    "live_risks",
    "overdue_milestones",
    "next_milestone",
    "next_milestone_date",
    "depends_on",
    "dependents",
    "tags",
    "flags",
    "summary",
]


def projects_csv(portfolio: Portfolio, base_url: str) -> bytes:
    programs = {g.slug: g.title for g in portfolio.programs}
    base = portfolio.config.currency
    rows = []
    for v in portfolio.projects:
        p, b = v.project, v.budget
        nxt = v.next_milestone
        rows.append(
            [
                v.slug,
                p.title,
                _absolute(base_url, v.url),
                p.phase.value,
                p.status.value if p.status else None,
                p.state.value,
                p.owner,
                p.sponsor,
                programs.get(v.program_slug or "", p.program),
                v.category.label if v.category else None,
                p.priority.value if p.priority else None,
                _date(p.start),
                _date(p.end),
                _date(p.effective_forecast_end),
                v.slip_days,
                p.progress,
                b.currency if b else None,
                _units(b.planned) if b else None,
                _units(b.actual) if b else None,
                _units(b.forecast) if b else None,
                _units(b.eac) if b else None,
                b.variance if b else None,
                b.variance_pct if b else None,
                base if b else None,
                b.planned_base if b else None,
                b.actual_base if b else None,
                b.eac_base if b else None,
                v.top_risk_score,
                len(v.live_risks),
                len(v.overdue_milestones),
                nxt.milestone.name if nxt else None,
                _date(nxt.milestone.date) if nxt else None,
                " ".join(d.slug for d in v.depends_on),
                " ".join(d.slug for d in v.dependents),
                "; ".join(p.tags),
                "; ".join(f.text for f in v.flags),
                p.summary,
            ]
        )
    return csv_bytes(PROJECT_COLUMNS, rows)


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
    state = "done" if m.milestone.done else ("overdue" if m.overdue else "planned")
    description = (
        f"{m.project.title}: {m.milestone.name} ({state}).\n"
        f"Phase: {p.phase.label}. Status: {p.status.value if p.status else 'none'}. "
        f"Owner: {p.owner}."
    )
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


def data_files(site: SiteBuild) -> Iterator[tuple[str, bytes]]:
    """Emitter: portfolio.json, the CSV files and the calendars."""
    portfolio, base_url = site.portfolio, site.base_url
    title = portfolio.config.title
    yield "portfolio.json", portfolio_json(portfolio, base_url)
    yield "projects.csv", projects_csv(portfolio, base_url)
    yield "risks.csv", risks_csv(portfolio, base_url)
    yield "milestones.csv", milestones_csv(portfolio, base_url)
    events: dict[tuple[str, int], bytes] = {}  # each event is in two calendars
    yield (
        "milestones.ics",
        calendar(f"{title}: milestones", portfolio.milestones, portfolio.as_of, base_url, events),
    )
    for view in portfolio.projects:
        if view.milestones:
            yield (
                f"{view.url}milestones.ics",
                calendar(f"{view.title}: milestones", view.milestones, portfolio.as_of, base_url, events),
            )


def schema_files(site: SiteBuild) -> Iterator[tuple[str, bytes]]:
    """Emitter: the front-matter schemas and portfolio.json's schema under schema/."""
    from itpm_site.model.schema import SCHEMAS, json_schema

    base_url = site.base_url
    for kind in SCHEMAS:
        schema = json_schema(kind)
        if "://" in base_url:  # the schema's id is where it is published
            schema["$id"] = f"{base_url}schema/{kind}.json"
        yield f"schema/{kind}.json", (json.dumps(schema, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    schema = portfolio_schema()
    if "://" in base_url:
        schema["$id"] = f"{base_url}schema/portfolio.json"
    yield "schema/portfolio.json", (json.dumps(schema, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
