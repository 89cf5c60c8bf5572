"""The JSON Schema (draft 2020-12) of portfolio.json: a project from the field registry, the
rest (the site, the rollups, the programs) written out here.

``itpm_site/portfolio.schema.json`` is this schema, committed so that a change of the export's
shape shows in review; ``tests/test_registry.py`` fails when it is out of date. Regenerate it
with ``itpm-site schema --for portfolio > itpm_site/portfolio.schema.json``.
"""

from __future__ import annotations

import json
from typing import Any

from itpm_site.model.config import RiskBands
from itpm_site.model.registry import (
    AMOUNT,
    BOOLEAN,
    OPTIONAL_AMOUNT,
    OPTIONAL_TEXT,
    PERCENT,
    TEXT,
    Schema,
    described,
    items,
    nullable,
    project_schema,
    record,
    ref,
    scale,
)
from itpm_site.model.slugs import SLUG_PATTERN
from itpm_site.model.vocab import RAG_KEYS, Phase, State

DESCRIPTION = (
    "The portfolio with every computed figure, as published at /portfolio.json. Amounts are "
    "decimal strings (exact, never floats); percentages are numbers with one decimal; dates are "
    "YYYY-MM-DD. schema_version changes only when the shape changes incompatibly; new keys may be "
    "added within a version. Money follows one model: eac (estimate at completion) is the "
    "forecast where given, else the planned budget; variance = eac − planned; rollup figures are "
    "whole units, converted per project where an exchange rate allows (version 2). People and "
    "their allocations, and each project's fte, in whole percent of full time as /capacity/ counts "
    "them (version 3)."
)

COUNT: Schema = {"type": "integer", "minimum": 0}


def _counts(keys: list[str]) -> Schema:
    return record(dict.fromkeys(keys, COUNT))


def _figures() -> Schema:
    return record(
        {
            "projects": described(COUNT, "Projects with a planned budget counted here."),
            "on_plan": described(COUNT, "Of them, those without a forecast: eac taken as planned."),
            "planned": AMOUNT,
            "actual": described(OPTIONAL_AMOUNT, "Spent to date; null when no project reports spending."),
            "eac": described(AMOUNT, "Estimate at completion: forecast, else planned."),
            "variance": described(AMOUNT, "eac − planned (positive: over budget)."),
            "variance_pct": described(PERCENT, "variance / planned × 100, one decimal."),
            "spent_pct": described(
                PERCENT, "actual / planned of the projects that report spending × 100, one decimal."
            ),
        },
        "Budget figures of the projects with a planned budget, in whole units of one currency. "
        "planned + variance = eac.",
    )


def _budget_rollup() -> Schema:
    return record(
        {
            "currency": described(ref("currency"), "The base currency."),
            "projects": described(COUNT, "Projects with a planned budget."),
            "without_budget": described(COUNT, "Projects without a planned budget: in no figure."),
            "on_plan": described(COUNT, "Projects with a budget but no forecast, taken as on plan."),
            "converted": {
                "description": "The budgets in the base currency plus those converted with an "
                "exchange rate; null when none.",
                **nullable(ref("figures")),
            },
            "converted_currencies": described(
                items(ref("currency")), "The currencies summed in converted: the base currency first."
            ),
            "not_converted": described(
                items(ref("currency")), "Currencies without an exchange rate: shown apart, never added."
            ),
            "by_currency": {
                "type": "object",
                "description": "Figures per currency, as written in the budgets.",
                "additionalProperties": ref("figures"),
                "propertyNames": ref("currency"),
            },
        }
    )


PERCENT_OF_TIME: Schema = {"type": "integer", "minimum": 0}


def _people() -> Schema:
    month = record(
        {
            "month": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$", "description": "YYYY-MM."},
            "load": described(
                PERCENT_OF_TIME,
                "Percent of full time allocated: the sum of the month's shares of the person's "
                "allocations that count (each allocation × days covered ÷ days in the month, a "
                "whole percent).",
            ),
            "available": described(
                PERCENT_OF_TIME,
                "Capacity that month: capacity × days the person is not unavailable ÷ days in "
                "the month, a whole percent.",
            ),
            "over": described(BOOLEAN, "load > available."),
        }
    )
    person = record(
        {
            "slug": ref("slug"),
            "name": TEXT,
            "team": OPTIONAL_TEXT,
            "role": OPTIONAL_TEXT,
            "capacity": described(scale(0, 100), "Percent of full time the person works."),
            "skills": items(TEXT),
            "unavailable": described(
                items(record({"from": ref("date"), "to": ref("date")})),
                "Leave and other absences, both days included.",
            ),
            "url": described(TEXT, "The person's page under the site's base_url."),
            "months": described(
                {**items(month), "minItems": 12, "maxItems": 12},
                "The twelve months from the month of as_of, as on /capacity/.",
            ),
        }
    )
    return {
        "description": "The people directory (content/people/): [] without one; null when people "
        "are not published (site.yaml people: {publish: false}).",
        **nullable(items(person)),
    }


def _allocations() -> Schema:
    return described(
        items(
            record(
                {
                    "project": ref("slug"),
                    "person": described(
                        OPTIONAL_TEXT,
                        "The person's slug (the name as written when not in the directory); null "
                        "when people are not published.",
                    ),
                    "team": described(OPTIONAL_TEXT, "The person's team; null without one."),
                    "role": OPTIONAL_TEXT,
                    "allocation": described(
                        scale(0, 100, nullable=True),
                        "Percent of full time; null when the entry states none.",
                    ),
                    "from": described(
                        nullable(ref("date")), "The first day: from, else the project's start."
                    ),
                    "to": described(nullable(ref("date")), "The last day: to, else the project's end."),
                    "counts": described(
                        BOOLEAN,
                        "Counts in a load: a person of the directory, an allocation and a period, "
                        "a project not cancelled.",
                    ),
                }
            )
        ),
        "Every team: entry of every project, as allocations.csv lists them; [] without a people directory.",
    )


def portfolio_schema() -> dict[str, Any]:
    """The JSON Schema of portfolio.json."""
    body = record(
        {
            "schema_version": {"const": 3},
            "generator": TEXT,
            "site": record(
                {
                    "title": TEXT,
                    "base_url": TEXT,
                    "language": TEXT,
                    "currency": ref("currency"),
                    "exchange_rates": {
                        "type": "object",
                        "additionalProperties": AMOUNT,
                        "description": "Value of one unit in the base currency.",
                    },
                }
            ),
            "as_of": described(ref("date"), "The date taken as today for overdue and days_from_today."),
            "rollup": record(
                {
                    "projects": COUNT,
                    "by_phase": _counts([p.value for p in Phase]),
                    "by_status": _counts(list(RAG_KEYS)),
                    "by_state": _counts([s.value for s in State]),
                    "budget": _budget_rollup(),
                    "risks": record(
                        {
                            "total": COUNT,
                            "live": COUNT,
                            "by_band": {
                                "type": "object",
                                "additionalProperties": COUNT,
                                "description": "Live risks per band (the site's risk_bands).",
                            },
                        }
                    ),
                    "milestones": _counts(["total", "done", "overdue"]),
                    "flagged_projects": described(
                        COUNT, "Projects with a warning flag (a missing status date alone is not one)."
                    ),
                }
            ),
            "programs": items(
                record(
                    {
                        "slug": TEXT,
                        "title": TEXT,
                        "url": TEXT,
                        "owner": {"type": ["string", "null"]},
                        "projects": items(ref("slug")),
                    }
                )
            ),
            "people": _people(),
            "allocations": _allocations(),
            "projects": items(ref("project")),
        }
    )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://itpm-site.example/schema/portfolio.json",
        "title": "itpm-site portfolio.json",
        "description": DESCRIPTION,
        **body,
        "$defs": {
            "amount": {
                "type": "string",
                "pattern": "^-?[0-9]+(\\.[0-9]+)?$",
                "description": 'An exact decimal amount as text, e.g. "250000" or "270000.00".',
            },
            "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
            "date": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "format": "date"},
            "slug": {"type": "string", "pattern": SLUG_PATTERN},
            "phase": {"enum": [p.value for p in Phase]},
            "band": {"enum": list(RiskBands.model_fields)},
            "project": project_schema(),
            "figures": _figures(),
        },
    }


def portfolio_schema_text() -> str:
    """The schema as the committed ``portfolio.schema.json`` holds it."""
    return json.dumps(portfolio_schema(), indent=2, ensure_ascii=False) + "\n"
