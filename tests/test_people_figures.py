"""Every figure of /capacity/ and /people/ recomputed from the raw front matter, by a
separate, straightforward day-by-day count (not the site's code), and read back from the
built HTML; and the figures beside each other add up."""

from __future__ import annotations

import calendar
import datetime as dt
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
