"""Exports: portfolio.json, the CSV files, the calendars and the published schemas."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path

import icalendar
import jsonschema
import pytest

from itpm_site.build import BuildOptions, build_site, prepare
from itpm_site.model.portfolio_schema import portfolio_schema
from itpm_site.model.registry import project_columns
from itpm_site.model.schema import json_schema
from itpm_site.outputs.exports import (
    MILESTONE_COLUMNS,
    RISK_COLUMNS,
    csv_cell,
    fold,
    ics_text,
)
from itpm_site.render.pages import PageSpec, rendering

pytestmark = pytest.mark.usefixtures("plain_env")

AS_OF = dt.date(2026, 6, 1)
LONG_NAME = "ქართული ეტაპი — " * 6  # multi-byte text that must fold on character boundaries

FILES = {
    "site.yaml": "title: Export test\ncurrency: USD\nexchange_rates: {EUR: 1.1}\n"
    "base_url: https://example.org/pf/\n",
    "content/projects/evil.md": """\
---
title: '=HYPERLINK("x")'
phase: implementation
status: amber
status_date: 2026-05-20
owner: '@evil'
summary: '-2+3 looks like a formula'
category: software
program: Core, Platform
start: 2026-01-01
end: 2026-09-30
forecast_end: 2026-10-14
progress: 40
budget: {planned: 100000, actual: 30000, forecast: 90000, currency: EUR}
risks:
  - {title: "Vendor; slips, badly", probability: 4, impact: 4}
  - {title: Old risk, probability: 2, impact: 2, status: closed}
milestones:
  - {name: Kick-off, date: 2026-02-01, done: true}
  - {name: Beta, date: 2026-05-15}
  - {name: "Go-live, finally", date: 2026-09-30}
tags: [web]
---
Body.
""",
    "content/projects/beta.md": f"""\
---
title: Beta Platform
phase: planning
status: green
status_date: 2026-05-25
owner: Ana
summary: S
category: network-cloud
start: 2026-03-01
end: 2026-12-31
budget: 50000
milestones:
  - {{name: "{LONG_NAME}", date: 2026-07-01}}
depends_on: [evil]
---
""",
    "content/projects/plain.md": """\
---
title: Plain
phase: initiation
status: green
owner: Luka
summary: S
category: software
start: 2026-01-01
end: 2026-02-01
---
""",
}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    """The fixture portfolio built twice, into two folders."""
    from conftest import _write_portfolio

    root = _write_portfolio(tmp_path_factory.mktemp("pf"), FILES)
    outs = []
    for name in ("one", "two"):
        out = root.parent / name
        result = build_site(BuildOptions(root=root, output=out, as_of=AS_OF, search=False))
        assert result.ok, [d.headline() for d in result.diagnostics]
        outs.append(out)
    return outs[0], outs[1]


def read_csv(path: Path) -> list[list[str]]:
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM for Excel"
    assert b"\r\n" in data
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_projects_csv_rows_and_formula_neutralised(built):
    rows = read_csv(built[0] / "projects.csv")
    assert rows[0] == project_columns()
    by_slug = {r[0]: dict(zip(project_columns(), r, strict=True)) for r in rows[1:]}
    assert list(by_slug) == ["evil", "beta", "plain"]  # the site's order: by title ("=" < "b")
    evil = by_slug["evil"]
    assert evil["title"] == '\'=HYPERLINK("x")'
    assert evil["owner"] == "'@evil"
    assert evil["summary"] == "'-2+3 looks like a formula"
    # numbers stay numbers, even negative ones
    assert evil["variance"] == "-10000" and evil["variance_pct"] == "-10.0"
    assert (evil["currency"], evil["planned"], evil["planned_base"]) == ("EUR", "100000", "110000")
    assert evil["slip_days"] == "14" and evil["overdue_milestones"] == "1"
    assert evil["url"] == "https://example.org/pf/projects/evil/"
    assert evil["dependents"] == "beta" and by_slug["beta"]["depends_on"] == "evil"
    assert evil["next_milestone"] == "Beta"
    assert by_slug["plain"]["planned"] == ""


def test_risks_and_milestones_csv(built):
    rows = read_csv(built[0] / "risks.csv")
    assert rows[0] == RISK_COLUMNS
    assert [(r[0], r[3], r[6], r[7], r[9]) for r in rows[1:]] == [
        ("evil", "Vendor; slips, badly", "16", "critical", "true"),
        ("evil", "Old risk", "4", "low", "false"),
    ]
    assert rows[1][-1] == "https://example.org/pf/projects/evil/#risk-1"
    rows = read_csv(built[0] / "milestones.csv")
    assert rows[0] == MILESTONE_COLUMNS
    assert [(r[0], r[3], r[4], r[5], r[6]) for r in rows[1:]] == [
        ("evil", "Kick-off", "2026-02-01", "true", "false"),
        ("evil", "Beta", "2026-05-15", "false", "true"),
        ("beta", LONG_NAME.strip(), "2026-07-01", "false", "false"),
        ("evil", "Go-live, finally", "2026-09-30", "false", "false"),
    ]


def test_csv_cell():
    assert [csv_cell(v) for v in ("=1+1", "+1", "-x", "@a", "\tx", "\rx", "＝1", "ok", "a=b")] == [
        "'=1+1",
        "'+1",
        "'-x",
        "'@a",
        "'\tx",
        "'\rx",
        "'＝1",
        "ok",
        "a=b",
    ]
    from decimal import Decimal

    assert [csv_cell(v) for v in (-5, Decimal("-1.50"), None, True)] == ["-5", "-1.50", "", "true"]


def test_calendar_parses_with_stable_uids(built):
    one, two = built
    data = (one / "milestones.ics").read_bytes()
    assert data == (two / "milestones.ics").read_bytes()
    lines = data.split(b"\r\n")
    assert lines[-1] == b"" and all(len(line) <= 75 for line in lines)
    for line in lines:
        line.decode("utf-8")  # folding never splits a character
    assert b"\n" not in data.replace(b"\r\n", b"")
    cal = icalendar.Calendar.from_ical(data)
    assert cal["VERSION"] == "2.0" and "itpm-site" in str(cal["PRODID"])
    assert str(cal["X-WR-CALNAME"]) == "Export test: milestones"
    events = cal.walk("VEVENT")
    assert [str(e["UID"]) for e in events] == [
        "evil-milestone-1@itpm-site",
        "evil-milestone-2@itpm-site",
        "beta-milestone-1@itpm-site",
        "evil-milestone-3@itpm-site",
    ]
    go_live = events[3]
    assert go_live["DTSTART"].dt == dt.date(2026, 9, 30)
    assert go_live["DTEND"].dt == dt.date(2026, 10, 1)
    assert go_live["DTSTAMP"].dt == dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
    assert str(go_live["SUMMARY"]) == '=HYPERLINK("x"): Go-live, finally'
    assert str(go_live["URL"]) == "https://example.org/pf/projects/evil/#milestone-3"
    assert str(events[2]["SUMMARY"]) == f"Beta Platform: {LONG_NAME.strip()}"
    assert b"DTSTART;VALUE=DATE:20260930\r\n" in data
    assert b'SUMMARY:=HYPERLINK("x"): Go-live\\, finally\r\n' in data


def test_one_calendar_per_project_with_milestones(built):
    one, _ = built
    cal = icalendar.Calendar.from_ical((one / "projects/evil/milestones.ics").read_bytes())
    assert [str(e["UID"]) for e in cal.walk("VEVENT")] == [f"evil-milestone-{n}@itpm-site" for n in (1, 2, 3)]
    assert (one / "projects/beta/milestones.ics").is_file()
    assert not (one / "projects/plain/milestones.ics").exists()


def test_ics_text_escaping_and_folding():
    assert ics_text("a\\b;c,d\ne\r\nf") == "a\\\\b\\;c\\,d\\ne\\nf"
    folded = fold("SUMMARY:" + "ქ" * 40)
    parts = folded.split(b"\r\n")
    assert parts[-1] == b"" and all(len(p) <= 75 for p in parts)
    assert all(p.startswith(b" ") for p in parts[1:-1])
    assert b"".join(p[1:] if i else p for i, p in enumerate(parts[:-1])).decode() == "SUMMARY:" + "ქ" * 40
    assert fold("X:short") == b"X:short\r\n"


def test_portfolio_json_validates_and_carries_the_figures(built):
    one, _ = built
    doc = json.loads((one / "portfolio.json").read_text(encoding="utf-8"))
    schema = json.loads((one / "schema/portfolio.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(doc)
    jsonschema.Draft202012Validator(portfolio_schema()).validate(doc)
    assert doc["schema_version"] == 3 and doc["as_of"] == "2026-06-01"
    # Without a people directory: no people, no allocations, and no project FTE.
    assert doc["people"] == [] and doc["allocations"] == []
    assert {p["fte"] for p in doc["projects"]} == {None}
    projects = {p["slug"]: p for p in doc["projects"]}
    evil = projects["evil"]
    assert evil["budget"] == {
        "currency": "EUR",
        "planned": "100000",
        "actual": "30000",
        "forecast": "90000",
        "eac": "90000",
        "on_plan": False,
        "variance": "-10000",
        "variance_pct": -10.0,
        "spent_pct": 30.0,
        "over_budget": False,
        "base": {"planned": "110000", "actual": "33000", "eac": "99000", "variance": "-11000"},
    }
    assert evil["slip_days"] == 14 and evil["forecast_end"] == "2026-10-14"
    assert [(r["score"], r["band"], r["live"]) for r in evil["risks"]] == [
        (16, "critical", True),
        (4, "low", False),
    ]
    assert [m["overdue"] for m in evil["milestones"]] == [False, True, False]
    assert evil["dependents"] == ["beta"] and projects["beta"]["depends_on"] == ["evil"]
    assert evil["program"] == {"slug": "core-platform", "title": "Core, Platform"}
    assert "forecast-past-end" in [f["code"] for f in evil["flags"]]
    assert projects["plain"]["budget"] is None and projects["plain"]["forecast_end"] == "2026-02-01"
    rollup = doc["rollup"]
    assert rollup["projects"] == 3
    assert rollup["by_phase"]["implementation"] == 1
    budget = rollup["budget"]
    # Beta has no forecast: taken as on plan, its EAC is its planned 50,000
    assert budget["converted"] == {
        "projects": 2,
        "on_plan": 1,
        "planned": "160000",
        "actual": "33000",
        "eac": "149000",
        "variance": "-11000",
        "variance_pct": -6.9,
        "spent_pct": 30.0,
    }
    assert budget["converted_currencies"] == ["USD", "EUR"] and budget["not_converted"] == []
    assert {c: f["planned"] for c, f in budget["by_currency"].items()} == {"USD": "50000", "EUR": "100000"}
    assert (budget["projects"], budget["without_budget"], budget["on_plan"]) == (2, 1, 1)
    assert projects["plain"]["top_risk_score"] is None
    assert rollup["milestones"] == {"total": 4, "done": 1, "overdue": 1}
    assert rollup["risks"]["by_band"]["critical"] == 1


def test_byte_identical_across_builds(built):
    one, two = built
    names = [
        "portfolio.json",
        "projects.csv",
        "risks.csv",
        "milestones.csv",
        "milestones.ics",
        "projects/evil/milestones.ics",
        "schema/project.json",
        "schema/portfolio.json",
    ]
    for name in names:
        assert (one / name).read_bytes() == (two / name).read_bytes(), name


def test_front_matter_schemas_are_published(built):
    one, _ = built
    for kind in ("project", "program", "page", "site"):
        published = json.loads((one / f"schema/{kind}.json").read_text(encoding="utf-8"))
        assert published["$id"] == f"https://example.org/pf/schema/{kind}.json"
        assert {**published, "$id": None} == {**json_schema(kind), "$id": None}


def test_exports_links_partial(tmp_path, write_portfolio):
    root = write_portfolio(tmp_path, FILES)
    site = prepare(BuildOptions(root=root, as_of=AS_OF))
    template = site.env.from_string('{% include "_exports_links.html" %}')

    def render(page: PageSpec, **context) -> str:
        with rendering(page):
            return template.render(page=page, **context)

    html = render(PageSpec("index.html", "dashboard.html"))
    for href in ("portfolio.json", "projects.csv", "risks.csv", "milestones.csv", "milestones.ics"):
        assert f'href="{href}"' in html
    evil = site.portfolio.by_slug["evil"]
    html = render(PageSpec("projects/evil/index.html", "project.html"), p=evil)
    assert 'href="../../projects/evil/milestones.ics"' in html and "csv" not in html
    plain = site.portfolio.by_slug["plain"]
    html = render(PageSpec("projects/plain/index.html", "project.html"), p=plain)
    assert "href" not in html


def test_portfolio_json_streamed_equals_the_whole_document(write_portfolio, tmp_path):
    """portfolio.json is written one project at a time; the bytes are those of the whole
    document encoded at once."""
    from itpm_site.aggregate.portfolio import build_portfolio
    from itpm_site.load.portfolio import load_portfolio
    from itpm_site.outputs.exports import portfolio_data, portfolio_json

    portfolio = build_portfolio(load_portfolio(write_portfolio(tmp_path, FILES)), AS_OF)
    whole = json.dumps(portfolio_data(portfolio, "/"), ensure_ascii=False, separators=(",", ":"))
    assert portfolio_json(portfolio, "/") == (whole + "\n").encode("utf-8")
    assert len(json.loads(portfolio_json(portfolio, "/"))["projects"]) == 3


CENTS = {
    "site.yaml": "title: Cents\ncurrency: USD\nexchange_rates: {EUR: 1.1}\n",
    "content/projects/under.md": "---\ntitle: Under\nphase: planning\nowner: O\n"
    "budget: {planned: 1000.50, forecast: 1000.49, actual: 200.50}\n---\n",
    "content/projects/over.md": "---\ntitle: Over\nphase: planning\nowner: O\n"
    "budget: {planned: 0.49, forecast: 2.5, currency: EUR}\n---\n",
    "content/projects/on-plan.md": "---\ntitle: On plan\nphase: planning\nowner: O\n"
    "budget: {planned: 10.5, currency: EUR}\n---\n",
    "content/projects/no-plan.md": "---\ntitle: No plan\nphase: planning\nowner: O\n"
    "budget: {forecast: 7.5, actual: 0.4}\n---\n",
}


def test_every_export_row_reconciles_in_whole_units(tmp_path, write_portfolio):
    """Amounts with cents: every project row carries the whole-unit figures the pages show,
    so planned + variance = EAC on each row, in its currency and converted."""
    root = write_portfolio(tmp_path, CENTS)
    out = tmp_path / "out"
    result = build_site(BuildOptions(root=root, output=out, as_of=AS_OF, search=False))
    assert result.ok, [d.headline() for d in result.diagnostics]

    rows = read_csv(out / "projects.csv")
    csv_rows = {r[0]: dict(zip(project_columns(), r, strict=True)) for r in rows[1:]}
    doc = json.loads((out / "portfolio.json").read_text(encoding="utf-8"))
    json_rows = {p["slug"]: p["budget"] for p in doc["projects"]}
    for slug, row in csv_rows.items():
        budget = json_rows[slug]
        for planned, variance, eac in (
            (row["planned"], row["variance"], row["eac"]),
            (budget["planned"], budget["variance"], budget["eac"]),
        ):
            if planned:
                assert Decimal(planned) + Decimal(variance) == Decimal(eac), slug
        if budget["base"]:
            base = budget["base"]
            assert Decimal(base["planned"]) + Decimal(base["variance"]) == Decimal(base["eac"]), slug
            assert (row["planned_base"], row["eac_base"]) == (base["planned"], base["eac"])

    under = csv_rows["under"]
    assert (under["planned"], under["forecast"], under["eac"], under["variance"]) == (
        "1001",
        "1000",
        "1000",
        "-1",
    )
    assert under["actual"] == "201" and json_rows["under"]["actual"] == "201"
    assert (json_rows["over"]["planned"], json_rows["over"]["eac"], json_rows["over"]["variance"]) == (
        "0",
        "3",
        "3",
    )
    assert json_rows["on-plan"]["base"] == {"planned": "12", "actual": None, "eac": "12", "variance": "0"}
    assert (csv_rows["no-plan"]["planned"], csv_rows["no-plan"]["eac"], csv_rows["no-plan"]["actual"]) == (
        "",
        "8",
        "0",
    )
    # The rows add up to the rollup, in each currency.
    by_currency = doc["rollup"]["budget"]["by_currency"]
    for currency, figures in by_currency.items():
        for key in ("planned", "eac", "variance"):
            column = [
                Decimal(json_rows[s][key])
                for s in json_rows
                if json_rows[s]["currency"] == currency and json_rows[s]["planned"]
            ]
            assert sum(column) == Decimal(figures[key]), (currency, key)
