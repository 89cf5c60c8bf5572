"""The field registry (model/registry.py): its facts and their order, and the committed
portfolio.schema.json is the one the registry generates."""

from __future__ import annotations

from pathlib import Path

import pytest

import itpm_site
from itpm_site.model import registry
from itpm_site.model.portfolio_schema import portfolio_schema_text
from itpm_site.model.project import Project
from itpm_site.model.registry import Csv, Fact, Kind

pytestmark = pytest.mark.usefixtures("plain_env")

COMMITTED = Path(itpm_site.__file__).parent / "portfolio.schema.json"


def test_the_committed_portfolio_schema_is_the_generated_one() -> None:
    assert COMMITTED.read_text(encoding="utf-8") == portfolio_schema_text(), (
        "itpm_site/portfolio.schema.json is out of date: regenerate it with "
        "`itpm-site schema --for portfolio > itpm_site/portfolio.schema.json`"
    )


def test_every_front_matter_key_is_a_fact() -> None:
    """A key the contract accepts is published only by its declaration in the registry."""
    names = [f.name for f in registry.FACTS]
    assert len(names) == len(set(names))
    assert set(Project.model_fields) <= set(names)


def test_every_output_resolves_its_order() -> None:
    for output in registry.OUTPUTS:
        assert registry.facts_for(output)


def test_an_order_after_a_fact_outside_the_output_is_refused() -> None:
    odd = Fact("odd", "Odd", Kind.TEXT, csv=Csv(after="extra"))  # extra is in no CSV column
    with pytest.raises(ValueError, match=r"odd: its csv comes after 'extra'"):
        registry.facts_for("csv", (*registry.FACTS, odd))


def test_projects_csv_keeps_the_columns_spreadsheets_read() -> None:
    """The CSV's columns are read by position: a new fact's column goes last unless its
    declaration says otherwise."""
    assert registry.project_columns() == [
        *("slug", "title", "url", "phase", "status", "state", "owner", "sponsor", "program"),
        *("category", "priority", "start", "end", "forecast_end", "slip_days", "progress"),
        *("currency", "planned", "actual", "forecast", "eac", "variance", "variance_pct"),
        *("base_currency", "planned_base", "actual_base", "eac_base"),
        *("top_risk_score", "live_risks", "overdue_milestones", "next_milestone", "next_milestone_date"),
        *("depends_on", "dependents", "tags", "flags", "summary"),
    ]
