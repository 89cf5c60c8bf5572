"""The field registry (model/registry.py): a fact declared there, and only there, reaches every
output it names; and the committed portfolio.schema.json is the one the registry generates."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import jsonschema
import pytest

import itpm_site
from itpm_site.aggregate.portfolio import build_portfolio
from itpm_site.build import BuildOptions, build_site
from itpm_site.diff.changes import Snapshot, compare
from itpm_site.diff.json_format import to_json
from itpm_site.diff.markdown import format_markdown
from itpm_site.load.portfolio import load_portfolio
from itpm_site.model import registry
from itpm_site.model.portfolio_schema import portfolio_schema, portfolio_schema_text
from itpm_site.model.project import Project
from itpm_site.model.registry import Column, Csv, Diff, Fact, Filter, Kind, Page, Search
from itpm_site.outputs.search import fact_labels, search_records

pytestmark = pytest.mark.usefixtures("plain_env")

AS_OF = dt.date(2026, 6, 1)
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
        *("depends_on", "dependents", "tags", "flags", "summary", "fte"),
    ]


# ------------------------------------------------------------------------------ a throwaway fact

#: Declared here and nowhere else: a code name, kept under ``extra:`` in the front matter.
CODENAME = Fact(
    "codename",
    "Code name",
    Kind.TEXT,
    "The project's code name.",
    source=lambda project: project.extra.get("codename"),
    csv=Csv(),
    search=Search(),
    diff=Diff(),
    page=Page(),
    filter=Filter(every="All code names"),
    column=Column(title="The name the team uses."),
)


def project(title: str, codename: str | None) -> str:
    extra = f"extra: {{codename: {codename}}}\n" if codename else ""
    return (
        f"---\ntitle: {title}\nphase: planning\nstatus: green\nowner: Ana Lima\nsummary: S.\n"
        f"category: software\nstart: 2026-01-01\nend: 2026-12-31\n{extra}---\nBody.\n"
    )


@pytest.fixture
def with_codename(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "FACTS", (*registry.FACTS, CODENAME))


@pytest.fixture
def built(with_codename, tmp_path: Path, write_portfolio) -> Path:
    root = write_portfolio(
        tmp_path / "pf",
        {
            "content/projects/falcon.md": project("Falcon", "Blue Falcon"),
            "content/projects/kite.md": project("Kite", "Red Kite"),
            "content/projects/plain.md": project("Plain", None),
        },
    )
    out = tmp_path / "public"
    result = build_site(BuildOptions(root=root, output=out, as_of=AS_OF, jobs=1, cache=False))
    assert result.ok, [d.headline() for d in result.diagnostics]
    return out


def test_a_fact_declared_in_the_registry_alone_is_exported(built: Path) -> None:
    doc = json.loads((built / "portfolio.json").read_text(encoding="utf-8"))
    assert [(p["slug"], p["codename"]) for p in doc["projects"]] == [
        ("falcon", "Blue Falcon"),
        ("kite", "Red Kite"),
        ("plain", None),
    ]
    schema = json.loads((built / "schema/portfolio.json").read_text(encoding="utf-8"))
    project_schema = schema["$defs"]["project"]
    assert project_schema["properties"]["codename"] == {
        "type": ["string", "null"],
        "description": "The project's code name.",
    }
    assert project_schema["required"][-1] == "codename"
    assert schema == {**portfolio_schema(), "$id": schema["$id"]}
    jsonschema.Draft202012Validator(schema).validate(doc)

    text = (built / "projects.csv").read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0][-1] == "codename"
    assert [row[-1] for row in rows[1:]] == ["Blue Falcon", "Red Kite", ""]


def test_a_fact_declared_in_the_registry_alone_is_shown_and_filtered(built: Path) -> None:
    page = (built / "projects/falcon/index.html").read_text(encoding="utf-8")
    assert "<div><dt>Code name</dt><dd>Blue Falcon</dd></div>" in page
    assert "<div><dt>Code name</dt><dd>–</dd></div>" in (built / "projects/plain/index.html").read_text(
        encoding="utf-8"
    )
    explorer = (built / "projects/index.html").read_text(encoding="utf-8")
    assert '<select id="f-codename" name="codename">' in explorer
    assert (
        '<option value="">All code names</option>\n'
        '<option value="blue-falcon">Blue Falcon</option><option value="red-kite">Red Kite</option>'
    ) in explorer
    assert 'data-codename="blue-falcon"' in explorer and 'data-codename=""' in explorer
    # A column of the project tables, sortable (a header with a data-key), on every rollup page.
    header = (
        '<th scope="col" class="col-codename" data-type="text" data-key="codename" '
        'title="The name the team uses.">Code name</th>'
    )
    for page in ("projects/index.html", "phases/planning/index.html"):
        html = (built / page).read_text(encoding="utf-8")
        assert header in html, page
        assert '<td class="col-codename" data-sort="Blue Falcon">Blue Falcon</td>' in html, page
        assert '<td class="col-codename" data-sort=""><span class="muted">–</span></td>' in html, page


def test_a_fact_declared_in_the_registry_alone_is_searched(with_codename, tmp_path, write_portfolio) -> None:
    root = write_portfolio(tmp_path, {"content/projects/falcon.md": project("Falcon", "Blue Falcon")})
    portfolio = build_portfolio(load_portfolio(root), AS_OF)
    (record,) = search_records(portfolio, lambda text: text)
    assert "Code name: Blue Falcon." in record.facts
    assert record.labels == fact_labels() and "Code name:" in fact_labels()


def test_a_fact_declared_in_the_registry_alone_is_diffed(with_codename, tmp_path, write_portfolio) -> None:
    base = write_portfolio(
        tmp_path / "base", {"content/projects/falcon.md": project("Falcon", "Blue Falcon")}
    )
    head = write_portfolio(tmp_path / "head", {"content/projects/falcon.md": project("Falcon", "Red Kite")})
    diff = compare(Snapshot("base", load_portfolio(base)), Snapshot("head", load_portfolio(head)))
    assert "| Code name | Blue Falcon | Red Kite |  |" in format_markdown(diff)
    (change,) = to_json(diff)["projects"]
    assert {"field": "codename", "old": "Blue Falcon", "new": "Red Kite"} in change["fields"]
