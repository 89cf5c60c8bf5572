"""The warnings the demo's people and allocations must give, worked out from the raw front
matter with plain YAML and a day-by-day count, apart from itpm-site's own code.

Rules (docs/people.md): an allocation's share of a month = allocation × days covered / days
in the month, rounded half up; a person's load = the sum of their shares on projects that are
not cancelled; capacity = capacity × days available / days in the month, rounded the same
way. Over capacity in a month: one warning at every allocation with a share in one of the
person's months over capacity, naming the first four of those months. An allocation that
overlaps a period of leave: one warning per period. An allocation before the project's start
or after its (forecast) end: a warning at from/to.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from pathlib import Path
from typing import NamedTuple

import yaml

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class Expected(NamedTuple):
    code: str
    path: str
    field: str
    person: str
    #: For over-capacity: the months as the message lists them; '' otherwise.
    months: str = ""


def _front(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])


def _date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _months(start: dt.date, end: dt.date) -> list[tuple[int, int]]:
    out, (y, m) = [], (start.year, start.month)
    while (y, m) <= (end.year, end.month):
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _days(start: dt.date, end: dt.date, y: int, m: int) -> int:
    return sum(1 for d in range(1, calendar.monthrange(y, m)[1] + 1) if start <= dt.date(y, m, d) <= end)


def _round(numerator: int, denominator: int) -> int:
    return (2 * numerator + denominator) // (2 * denominator)  # half up, integers only


def names(root: Path) -> list[str]:
    """The names of the people of the portfolio at ``root``."""
    return [_front(p)["name"] for p in sorted((root / "content/people").glob("*.md"))]


def expected_warnings(root: Path) -> list[Expected]:
    """Every people warning of the portfolio at ``root``, sorted."""
    people = {p.stem: _front(p) for p in sorted((root / "content/people").glob("*.md"))}
    by_name = {d["name"]: slug for slug, d in people.items()}
    out: list[Expected] = []
    # slug -> (year, month) -> [(path, index in team:, share)]
    Shares = dict[tuple[int, int], list[tuple[str, int, int]]]
    shares: dict[str, Shares] = defaultdict(lambda: defaultdict(list))
    for path in sorted((root / "content/projects").rglob("*.md")):
        rel = path.relative_to(root).as_posix()
        data = _front(path)
        for index, entry in enumerate(data.get("team") or []):
            if not isinstance(entry, dict):
                continue  # a plain name: the project's own dates, no allocation
            slug = entry["person"] if entry["person"] in people else by_name[entry["person"]]
            person = people[slug]
            start = _date(entry.get("from") or data["start"])
            end = _date(entry.get("to") or data["end"])
            last = _date(data.get("forecast_end") or data["end"])
            if start < _date(data["start"]):
                out.append(Expected("allocation-outside-project", rel, f"team[{index}].from", person["name"]))
            if end > last:
                out.append(Expected("allocation-outside-project", rel, f"team[{index}].to", person["name"]))
            if not entry.get("allocation"):
                continue
            for away in person.get("unavailable") or []:
                if max(start, _date(away["from"])) <= min(end, _date(away["to"])):
                    out.append(Expected("allocation-unavailable", rel, f"team[{index}]", person["name"]))
            if data.get("state") == "cancelled":
                continue
            for y, m in _months(start, end):
                share = _round(entry["allocation"] * _days(start, end, y, m), calendar.monthrange(y, m)[1])
                if share:
                    shares[slug][y, m].append((rel, index, share))
    for slug, months in shares.items():
        person = people[slug]
        over = []
        for y, m in sorted(months):
            total = sum(s for _, _, s in months[y, m])
            days = calendar.monthrange(y, m)[1]
            away = {
                d
                for a in person.get("unavailable") or []
                for d in range(1, days + 1)
                if _date(a["from"]) <= dt.date(y, m, d) <= _date(a["to"])
            }
            limit = _round(person.get("capacity", 100) * (days - len(away)), days)
            if total > limit:
                over.append(((y, m), total, limit))
        contributions: dict[tuple[str, int], list[str]] = defaultdict(list)
        for (y, m), total, limit in over:
            for rel, index, _ in months[y, m]:
                contributions[rel, index].append(f"{MONTHS[m - 1]} {y} ({total}%, capacity {limit}%)")
        for (rel, index), listed in contributions.items():
            shown = ", ".join(listed[:4]) + (f" and {len(listed) - 4} more months" if len(listed) > 4 else "")
            out.append(Expected("over-capacity", rel, f"team[{index}]", person["name"], shown))
    return sorted(out)
