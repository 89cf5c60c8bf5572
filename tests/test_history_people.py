"""FTE demanded over time: for each week, the load the projects' allocations demand in the
month the week ends in, recomputed here day by day from the raw front matter of each
version, and reconciled with /capacity/ for the month of as_of."""

from __future__ import annotations

import calendar
import datetime as dt
import json
import re
import shutil
from pathlib import Path

import jsonschema
import pytest
import yaml
from history_repo import git
from sitetools import Page

from itpm_site.build import BuildOptions, build_site

ROOT = Path(__file__).resolve().parents[1]
AS_OF = dt.date(2026, 11, 20)
CHANGED = "content/projects/customer-360.md"
FIRST, SECOND = dt.date(2026, 10, 5), dt.date(2026, 11, 2)


def _date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def demanded(projects: dict[str, str], year: int, month: int) -> int:
    """The month's load over every allocation that counts, from the files' text: each
    allocation × days covered / days in the month, rounded half up, then added."""
    days = calendar.monthrange(year, month)[1]
    total = 0
    for text in projects.values():
        data = yaml.safe_load(text.split("---")[1])
        if data.get("state") == "cancelled":
            continue
        for entry in data.get("team") or []:
            if not isinstance(entry, dict) or entry.get("allocation") is None:
                continue
            start = _date(entry.get("from") or data["start"])
            end = _date(entry.get("to") or data["end"])
            covered = sum(1 for d in range(1, days + 1) if start <= dt.date(year, month, d) <= end)
            total += (2 * entry["allocation"] * covered + days) // (2 * days)
    return total


def _projects(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted((root / "content/projects").rglob("*.md"))
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, dict[dt.date, dict[str, str]]]:
    """The demo in two commits: on 5 October Customer 360 gives Maria Schmidt 50% (30% in the
    demo) and has Ana Lomidze out of the team; on 2 November, the demo as it is."""
    folder = tmp_path_factory.mktemp("history-people")
    root = folder / "portfolio"
    root.mkdir()
    shutil.copytree(ROOT / "content", root / "content")
    shutil.copy2(ROOT / "site.yaml", root / "site.yaml")
    changed = root / CHANGED
    final = changed.read_text(encoding="utf-8")
    first = final.replace("role: Data Architect, allocation: 30", "role: Data Architect, allocation: 50")
    first = first.replace("  - {person: Ana Lomidze, role: Product Owner, allocation: 20}\n", "")
    assert first != final
    changed.write_text(first, encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "first", when=dt.datetime.combine(FIRST, dt.time(12), dt.UTC))
    states = {FIRST: _projects(root)}
    changed.write_text(final, encoding="utf-8")
    git(root, "commit", "-q", "-am", "second", when=dt.datetime.combine(SECOND, dt.time(12), dt.UTC))
    states[SECOND] = _projects(root)
    out = folder / "public"
    result = build_site(BuildOptions(root=root, output=out, as_of=AS_OF, search=False))
    assert result.ok, [d.headline() for d in result.diagnostics if d.is_error]
    return out, states


def test_each_week_demands_what_its_version_allocates_in_its_month(built) -> None:
    out, states = built
    weeks = json.loads((out / "history.json").read_text(encoding="utf-8"))["weeks"]
    assert [w["week"] for w in weeks] == ["2026-W41", "2026-W42", "2026-W43", "2026-W44", "2026-W45"]
    for w in weeks:
        end = dt.date.fromisoformat(w["end"])
        state = states[SECOND] if end >= SECOND else states[FIRST]
        percent = demanded(state, end.year, end.month)
        assert w["fte_demanded"] == {
            "month": f"{end.year}-{end.month:02d}",
            "percent": percent,
            "fte": f"{percent // 100}.{percent % 100:02d}",
        }, w["week"]
    # W44 ends on 1 November: a November figure of the first version; W45 one of the second.
    by_week = {w["week"]: w["fte_demanded"]["percent"] for w in weeks}
    assert by_week["2026-W44"] == demanded(states[FIRST], 2026, 11)
    assert by_week["2026-W45"] == demanded(states[SECOND], 2026, 11)
    assert by_week["2026-W41"] != by_week["2026-W44"]  # October against November


def test_the_last_week_reconciles_with_capacity(built) -> None:
    out, _ = built
    weeks = json.loads((out / "history.json").read_text(encoding="utf-8"))["weeks"]
    capacity = (out / "capacity/index.html").read_text(encoding="utf-8")
    row = re.search(r'<tr data-team-total="all">(.*?)</tr>', capacity, re.S)[1]
    first_cell = re.findall(r'data-figure="team-fte">(.*?)</td>', row, re.S)[0]
    nov_demanded = re.sub(r"<[^>]+>", " ", first_cell).split()[0]
    assert weeks[-1]["fte_demanded"]["month"] == "2026-11" == AS_OF.strftime("%Y-%m")
    assert weeks[-1]["fte_demanded"]["fte"] == nov_demanded


def test_trends_show_the_same_figures(built) -> None:
    out, _ = built
    weeks = json.loads((out / "history.json").read_text(encoding="utf-8"))["weeks"]
    html = (out / "trends/index.html").read_text(encoding="utf-8")
    table = re.search(r'<table class="data" id="table-fte">(.*?)</table>', html, re.S)[1]
    rows = re.findall(
        r'<th scope="row">(.*?)</th><td>(.*?)</td><td class="num" data-figure="fte">(.*?)</td>', table
    )
    months = {"2026-10": "Oct 2026", "2026-11": "Nov 2026"}
    assert rows == [(w["week"], months[w["fte_demanded"]["month"]], w["fte_demanded"]["fte"]) for w in weeks]
    page = Page(html)
    assert "FTE demanded" in page.text
    assert 'id="trend-fte-title"' in html  # the chart, with its title


def test_history_json_still_follows_its_schema(built) -> None:
    out, _ = built
    schema = json.loads((out / "schema/history.json").read_text(encoding="utf-8"))
    document = json.loads((out / "history.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(document)


def test_no_allocations_no_fte_section(tmp_path: Path, write_portfolio) -> None:
    root = write_portfolio(
        tmp_path / "p",
        {
            "content/projects/a.md": (
                "---\ntitle: A\nphase: planning\nowner: O\nstart: 2026-01-01\nend: 2026-12-31\n"
                "team: [Ana, Ben]\n---\n"
            )
        },
    )
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "a", when=dt.datetime(2026, 3, 2, 12, tzinfo=dt.UTC))
    out = tmp_path / "out"
    assert build_site(BuildOptions(root=root, output=out, as_of=dt.date(2026, 3, 20), search=False)).ok
    (week,) = json.loads((out / "history.json").read_text(encoding="utf-8"))["weeks"]
    assert week["fte_demanded"] == {"month": "2026-03", "percent": 0, "fte": "0.00"}
    assert "table-fte" not in (out / "trends/index.html").read_text(encoding="utf-8")
