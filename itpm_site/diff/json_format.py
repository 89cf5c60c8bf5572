"""``itpm-site diff --format json``: the change model as a documented JSON document, for tools."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from itpm_site.diff.changes import PortfolioDiff, ProjectChange, RiskState, Snapshot
from itpm_site.diff.impact import Impact
from itpm_site.diff.people import AllocationState, NewOverCapacity
from itpm_site.load.diagnostics import valid_utf8_json
from itpm_site.model.money import amount_text, eac, percent_number
from itpm_site.model.project import Milestone

#: The version of the JSON shape (``--format json``); bumped on incompatible changes only.
DIFF_FORMAT_VERSION = 1


def _plain(value: Any) -> Any:
    """Dates as ISO text, amounts as exact decimal text, enums as their value."""
    if hasattr(value, "value"):  # an enum, a str one included
        return value.value
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return amount_text(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _project_facts(change: ProjectChange) -> dict[str, Any]:
    p = change.project
    b = p.budget
    return {
        "phase": p.phase.value,
        "status": _plain(p.status),
        "state": p.state.value,
        "owner": p.owner,
        "program": p.program,
        "category": p.category,
        "start": _plain(p.start),
        "end": _plain(p.end),
        "forecast_end": _plain(p.forecast_end),
        "progress": p.progress,
        "budget": None
        if b is None
        else {
            "currency": change.currency,
            "planned": _plain(b.planned),
            "actual": _plain(b.actual),
            "forecast": _plain(b.forecast),
            "eac": _plain(eac(b.planned, b.forecast)),
        },
        "risks": len(p.risks),
        "milestones": len(p.milestones),
    }


def _risk_json(state: RiskState | None) -> dict | None:
    if state is None:
        return None
    return {
        "probability": state.probability,
        "impact": state.impact,
        "score": state.score,
        "band": state.band,
        "status": state.status,
    }


def _milestone_json(m: Milestone | None) -> dict | None:
    return None if m is None else {"date": m.date.isoformat(), "done": m.done}


def project_json(change: ProjectChange) -> dict[str, Any]:
    return {
        "change": change.change,
        "slug": change.slug,
        "title": change.title,
        "path": change.path,
        "old_slug": change.old_slug,
        "old_path": change.old_path,
        "renamed": change.renamed,
        "moved": change.moved,
        "invalid_in": "head" if change.change == "invalid" else change.invalid_in,
        "project": _project_facts(change),
        "phase": None
        if change.phase is None
        else {
            "old": change.phase.old.value,
            "new": change.phase.new.value,
            "direction": change.phase.direction,
            "steps": change.phase.steps,
        },
        "status": None
        if change.status is None
        else {
            "old": _plain(change.status.old),
            "new": _plain(change.status.new),
            "direction": change.status.direction,
            "turned_red": change.status.turned_red,
        },
        "fields": [{"field": f.field, "old": _plain(f.old), "new": _plain(f.new)} for f in change.fields],
        "dates": [
            {"field": d.field, "old": _plain(d.old), "new": _plain(d.new), "days": d.days}
            for d in change.dates
        ],
        "slip": None
        if change.slip is None
        else {"old": change.slip.old, "new": change.slip.new, "days": change.slip.days},
        "budget": [
            {
                "field": b.field,
                "currency": b.currency,
                "old_currency": b.old_currency,
                "old": _plain(b.old),
                "new": _plain(b.new),
                "delta": _plain(b.delta),
                "percent": percent_number(b.percent),
            }
            for b in change.budget
        ],
        "risks": [
            {"change": r.change, "title": r.title, "old": _risk_json(r.old), "new": _risk_json(r.new)}
            for r in change.risks
        ],
        "milestones": [
            {
                "change": m.change,
                "name": m.name,
                "old": _milestone_json(m.old),
                "new": _milestone_json(m.new),
                "days": m.days,
            }
            for m in change.milestones
        ],
        "depends_on": {"added": change.depends_added, "removed": change.depends_removed},
        "body_changed": change.body_changed,
        "allocations": [
            {
                "change": a.change,
                "person": a.person,
                "slug": a.slug or None,
                "fields": a.fields,
                "old": _allocation_json(a.old),
                "new": _allocation_json(a.new),
            }
            for a in change.allocations
        ],
    }


def _allocation_json(state: AllocationState | None) -> dict | None:
    if state is None:
        return None
    return {
        "role": state.role or None,
        "allocation": state.allocation,
        "from": _plain(state.start),
        "to": _plain(state.end),
    }


def over_capacity_json(items: list[NewOverCapacity]) -> list[dict[str, Any]]:
    """The people the change puts over capacity: each month as YYYY-MM, load and capacity in
    percent of full time, head and base (null: the person was not in the base's directory)."""
    return [
        {
            "person": o.person,
            "slug": o.slug,
            "months": [
                {
                    "month": m.month.strftime("%Y-%m"),
                    "load": m.load,
                    "capacity": m.capacity,
                    "base_load": m.base_load,
                    "base_capacity": m.base_capacity,
                }
                for m in o.months
            ],
            "projects": [slug for slug, _ in o.projects],
        }
        for o in items
    ]


def _side_json(snapshot: Snapshot) -> dict[str, Any]:
    loaded = snapshot.loaded
    return {
        "label": snapshot.label,
        "commit": snapshot.commit,
        "missing": loaded is None,
        "projects": snapshot.project_count,
        "errors": [d.to_json() for d in snapshot.errors],
        "warnings": len(loaded.warnings) if loaded else 0,
    }


def impact_json(impact: Impact) -> dict[str, Any]:
    """Planned and EAC, head minus base: the base currency (with what was converted into it),
    then each currency without a rate; amounts as strings, like every amount here."""
    return {
        "currency": impact.base,
        "lines": [
            {
                "currency": line.currency,
                "planned": amount_text(line.planned),
                "eac": amount_text(line.eac),
                "converted_from": list(line.converted_from),
            }
            for line in impact.lines
        ],
    }


def to_json(diff: PortfolioDiff) -> dict[str, Any]:
    """The documented JSON shape (``version`` 1)."""
    return {
        "version": DIFF_FORMAT_VERSION,
        "base": _side_json(diff.base),
        "head": _side_json(diff.head),
        "summary": diff.summary(),
        "impact": impact_json(diff.impact()),
        "projects": [project_json(p) for p in diff.projects],
        "over_capacity": over_capacity_json(diff.over_capacity),
    }


def format_json(diff: PortfolioDiff) -> str:
    # A file name that is not UTF-8 still gives a valid JSON document.
    return valid_utf8_json(json.dumps(to_json(diff), ensure_ascii=False, indent=2)) + "\n"
