"""Every figure of /capacity/ and /people/ recomputed from the raw front matter, by a
separate, straightforward day-by-day count (not the site's code), and read back from the
built HTML; and the figures beside each other add up."""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import html as html_lib
import io
import json
import re
from collections import defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
AS_OF = dt.date(2026, 11, 20)


def _front(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])


def _date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _months() -> list[tuple[int, int]]:
    y, m = AS_OF.year, AS_OF.month
    out = []
    for _ in range(12):
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _recompute() -> tuple[dict[str, dict], dict[tuple[str, tuple[int, int]], int]]:
    people = {}
    for path in sorted((ROOT / "content/people").glob("*.md")):
        data = _front(path)
        people[path.stem] = data
    by_name = {d["name"]: slug for slug, d in people.items()}
    loads: dict[tuple[str, tuple[int, int]], int] = defaultdict(int)
    for path in (ROOT / "content/projects").rglob("*.md"):
        data = _front(path)
        if data.get("state") == "cancelled":
            continue
        for entry in data.get("team") or []:
            if not isinstance(entry, dict) or entry.get("allocation") is None:
                continue
            slug = entry["person"] if entry["person"] in people else by_name[entry["person"]]
            start = _date(entry.get("from") or data["start"])
            end = _date(entry.get("to") or data["end"])
            for y, m in _months():
                days = calendar.monthrange(y, m)[1]
                covered = sum(1 for d in range(1, days + 1) if start <= dt.date(y, m, d) <= end)
                # Half up, with integers only: floor((2 × a × covered + days) / (2 × days)).
                loads[slug, (y, m)] += (2 * entry["allocation"] * covered + days) // (2 * days)
    return people, loads


def _available(person: dict, y: int, m: int) -> int:
    days = calendar.monthrange(y, m)[1]
    away = set()
    for p in person.get("unavailable") or []:
        for d in range(1, days + 1):
            if _date(p["from"]) <= dt.date(y, m, d) <= _date(p["to"]):
                away.add(d)
    capacity = person.get("capacity", 100)
    return (2 * capacity * (days - len(away)) + days) // (2 * days)


def _cells(html: str, row_attr: str) -> dict[str, list[str]]:
    rows = {}
    for m in re.finditer(rf'<tr[^>]* {row_attr}="([^"]+)">(.*?)</tr>', html, re.S):
        rows[m[1]] = [
            re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", m[2], re.S)
        ]
    return rows


def test_capacity_page_recomputed(demo_site: Path) -> None:
    people, loads = _recompute()
    html = (demo_site / "capacity/index.html").read_text(encoding="utf-8")
    rows = _cells(html, "data-person")
    assert set(rows) == set(people)
    teams: dict[str, list[str]] = defaultdict(list)
    for slug, person in people.items():
        teams[person["team"]].append(slug)
        expected = []
        for y, m in _months():
            load, available = loads[slug, (y, m)], _available(person, y, m)
            expected.append(
                ("▲ " if load > available else "")
                + f"{load}%"
                + (f" over capacity of {available}%" if load > available else "")
            )
        assert rows[slug] == expected, slug
    totals = _cells(html, "data-team-total")
    grand = [0] * 12
    grand_available = [0] * 12
    for team, slugs in teams.items():
        key = re.sub(r"[^a-z0-9]+", "-", team.lower()).strip("-")
        shown = [c.replace("▲ ", "").replace(" over capacity", "") for c in totals[key]]
        want = []
        for i, (y, m) in enumerate(_months()):
            demanded = sum(loads[s, (y, m)] for s in slugs)
            available = sum(_available(people[s], y, m) for s in slugs)
            grand[i] += demanded
            grand_available[i] += available
            want.append(f"{demanded / 100:.2f} / {available / 100:.2f}")
        assert shown == want, team
    assert totals["all"] == [
        f"{d / 100:.2f} / {a / 100:.2f}" for d, a in zip(grand, grand_available, strict=True)
    ]
    # FTE by program and by phase: each table's rows add up to its total row, which is the grand total.
    for kind in ("program", "phase"):
        table = re.search(rf'<table class="data fte-table" data-kind="{kind}">(.*?)</table>', html, re.S)[1]
        body, foot = table.split("<tfoot>")
        body_rows = [
            [float(x) for x in re.findall(r'data-figure="fte">([\d.]+)<', r)]
            for r in body.split("</tr>")
            if "fte" in r
        ]
        total = [float(x) for x in re.findall(r'data-figure="fte">([\d.]+)<', foot)]
        assert total == [g / 100 for g in grand]
        assert [round(sum(col), 2) for col in zip(*body_rows, strict=True)] == total


def test_people_page_recomputed(demo_site: Path) -> None:
    people, loads = _recompute()
    html = (demo_site / "people/index.html").read_text(encoding="utf-8")
    (this, nxt) = _months()[:2]
    for slug, person in people.items():
        row = re.search(rf'<a href="[^"]*{slug}/">.*?</tr>', html, re.S)[0]
        figures = re.findall(r'data-sort="(\d+)" data-figure="load"', row)
        assert figures == [str(loads[slug, this]), str(loads[slug, nxt])], slug
        for (y, m), shown in zip((this, nxt), figures, strict=True):
            available = _available(person, y, m)
            if int(shown) > available:  # flagged with the capacity it exceeds, not by colour alone
                assert f"over {available}%" in row, slug


def _project_loads() -> dict[str, int]:
    """Each project's load in the month of as_of, recomputed day by day from its front matter:
    the sum over its allocations that count, each share rounded half up on its own."""
    people = {path.stem: _front(path)["name"] for path in (ROOT / "content/people").glob("*.md")}
    y, m = _months()[0]
    days = calendar.monthrange(y, m)[1]
    loads = {}
    for path in (ROOT / "content/projects").rglob("*.md"):
        data = _front(path)
        total = 0
        for entry in data.get("team") or []:
            if data.get("state") == "cancelled" or not isinstance(entry, dict):
                continue
            if entry.get("allocation") is None:
                continue
            assert entry["person"] in people or entry["person"] in people.values()
            start = _date(entry.get("from") or data["start"])
            end = _date(entry.get("to") or data["end"])
            covered = sum(1 for d in range(1, days + 1) if start <= dt.date(y, m, d) <= end)
            total += (2 * entry["allocation"] * covered + days) // (2 * days)
        loads[data.get("slug") or path.stem] = total
    return loads


def _fte_rows(html: str, kind: str) -> tuple[dict[str, str], str]:
    """The month of as_of in the capacity page's FTE table by ``kind``: (row title -> FTE, total)."""
    table = re.search(rf'<table class="data fte-table" data-kind="{kind}">(.*?)</table>', html, re.S)[1]
    body, foot = table.split("<tfoot>")
    rows = {}
    for row in re.findall(r"<tr><th scope=\"row\">(.*?)</tr>", body, re.S):
        title = html_lib.unescape(re.sub(r"<[^>]+>", "", row.split("</th>")[0]).strip())
        rows[title] = re.search(r'data-figure="fte">([\d.]+)<', row)[1]
    return rows, re.search(r'data-figure="fte">([\d.]+)<', foot)[1]


def test_project_fte_recomputed_and_adding_up_to_the_capacity_page(demo_site: Path) -> None:
    """A project's FTE (this month) in the explorer, on its page, in projects.csv and in
    portfolio.json is its allocations' share of the month; the projects of each program and
    each phase add up to that row of /capacity/'s FTE tables, and all of them to its total."""
    from decimal import Decimal

    from itpm_site.model.vocab import Phase

    loads = _project_loads()
    doc = json.loads((demo_site / "portfolio.json").read_text(encoding="utf-8"))
    fte = {p["slug"]: p["fte"] for p in doc["projects"]}
    assert fte == {slug: f"{load / 100:.2f}" for slug, load in loads.items()}
    assert any(load for load in loads.values()) and any(not load for load in loads.values())

    text = (demo_site / "projects.csv").read_bytes().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert {r["slug"]: r["fte"] for r in rows} == fte

    explorer = (demo_site / "projects/index.html").read_text(encoding="utf-8")
    header = re.search(r'<th scope="col"[^>]* data-key="fte" title="([^"]+)">FTE<', explorer)
    assert header and "capacity page" in header[1]
    for row in re.findall(r"<tr data-.*?</tr>", explorer, re.S):
        slug = re.search(r'href="[^"]*projects/([^/"]+)/"', row)[1]
        cell = re.findall(r"<td[^>]*>.*?</td>", row, re.S)[-1]
        assert cell == f'<td class="num col-fte" data-sort="{loads[slug]}">{fte[slug]}</td>', slug

    page = (demo_site / "projects/customer-360/index.html").read_text(encoding="utf-8")
    assert f'<dt>FTE this month</dt><dd><a href="../../capacity/">{fte["customer-360"]}</a></dd>' in page

    html = (demo_site / "capacity/index.html").read_text(encoding="utf-8")
    by_program: dict[str, Decimal] = defaultdict(Decimal)
    by_phase: dict[str, Decimal] = defaultdict(Decimal)
    for p in doc["projects"]:
        by_program[p["program"]["title"] if p["program"] else "No program"] += Decimal(p["fte"])
        by_phase[Phase(p["phase"]).label] += Decimal(p["fte"])
    total = sum(Decimal(f) for f in fte.values())
    for kind, sums in (("program", by_program), ("phase", by_phase)):
        shown, shown_total = _fte_rows(html, kind)
        assert Decimal(shown_total) == total, kind
        assert {k: Decimal(v) for k, v in shown.items() if Decimal(v)} == {
            k: v for k, v in sums.items() if v
        }, kind


def test_portfolio_json_people_and_allocations(demo_site: Path) -> None:
    """portfolio.json validates against its schema with people, and lists the people and
    allocations of people.csv and allocations.csv, with the loads of /capacity/."""
    import jsonschema

    doc = json.loads((demo_site / "portfolio.json").read_text(encoding="utf-8"))
    schema = json.loads((demo_site / "schema/portfolio.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(doc)
    assert doc["schema_version"] == 3

    people, loads = _recompute()
    assert sorted(p["slug"] for p in doc["people"]) == sorted(people)
    for p in doc["people"]:
        front = people[p["slug"]]
        assert (p["name"], p["team"], p["capacity"]) == (
            front["name"],
            front.get("team"),
            front.get("capacity", 100),
        )
        assert [m["month"] for m in p["months"]] == [f"{y}-{m:02d}" for y, m in _months()]
        for month, (y, m) in zip(p["months"], _months(), strict=True):
            assert month["load"] == loads[p["slug"], (y, m)], (p["slug"], y, m)
            assert month["available"] == _available(front, y, m)
            assert month["over"] == (month["load"] > month["available"])

    def csv_rows(name: str) -> list[dict[str, str]]:
        text = (demo_site / name).read_bytes().decode("utf-8-sig")
        return list(csv.DictReader(io.StringIO(text, newline="")))

    allocations = csv_rows("allocations.csv")
    assert len(doc["allocations"]) == len(allocations)
    for a, row in zip(doc["allocations"], allocations, strict=True):
        assert (a["project"], a["person"], a["role"] or "", a["from"], a["to"]) == (
            row["project"],
            row["person"],
            row["role"],
            row["from"],
            row["to"],
        )
        assert str(a["allocation"] if a["allocation"] is not None else "") == row["allocation"]
        assert str(a["counts"]).lower() == row["counts"]
    # A person's load this month is the sum of the projects' shares of it.
    assert sum(p["months"][0]["load"] for p in doc["people"]) == sum(_project_loads().values())
