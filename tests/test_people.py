"""People and capacity: the load arithmetic against a hand-computed table, and the checks."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from itpm_site.aggregate.portfolio import build_portfolio
from itpm_site.load.portfolio import load_portfolio
from itpm_site.model import capacity as cap

pytestmark = pytest.mark.usefixtures("plain_env")

D = dt.date


def dd(text: str) -> str:
    return textwrap.dedent(text)


# ------------------------------------------------------------------------------ arithmetic

#: (allocation, from, to, month) -> load in whole percent, computed by hand:
#: allocation × days of the month covered / days in the month, rounded half up.
SHARES = [
    (50, D(2026, 3, 1), D(2026, 6, 30), D(2026, 3, 1), 50),  # whole month
    (50, D(2026, 3, 16), D(2026, 6, 30), D(2026, 3, 1), 26),  # 50 × 16/31 = 25.81
    (60, D(2026, 2, 16), D(2026, 9, 30), D(2026, 2, 1), 28),  # 60 × 13/28 = 27.86
    (100, D(2026, 4, 1), D(2026, 4, 15), D(2026, 4, 1), 50),  # 100 × 15/30 = 50
    (25, D(2026, 4, 1), D(2026, 4, 15), D(2026, 4, 1), 13),  # 25 × 15/30 = 12.5, half up
    (30, D(2024, 2, 1), D(2024, 2, 10), D(2024, 2, 1), 10),  # leap year: 30 × 10/29 = 10.34
    (80, D(2026, 1, 1), D(2026, 12, 31), D(2027, 1, 1), 0),  # outside the period
    (40, D(2026, 5, 31), D(2026, 5, 31), D(2026, 5, 1), 1),  # one day: 40/31 = 1.29
]


@pytest.mark.parametrize(("allocation", "start", "end", "month", "expected"), SHARES)
def test_share_of_a_month(allocation, start, end, month, expected) -> None:
    assert cap.share(allocation, start, end, month) == expected


#: (capacity, unavailable periods, month) -> available percent, by hand.
AVAILABLE = [
    (100, [], D(2026, 8, 1), 100),
    (80, [(D(2026, 8, 1), D(2026, 8, 14))], D(2026, 8, 1), 44),  # 80 × 17/31 = 43.87
    (100, [(D(2026, 7, 25), D(2026, 8, 3))], D(2026, 8, 1), 90),  # 100 × 28/31 = 90.32
    # Overlapping periods count each day once: 1-10 and 5-15 are 15 days; 100 × 15/30 off.
    (100, [(D(2026, 9, 1), D(2026, 9, 10)), (D(2026, 9, 5), D(2026, 9, 15))], D(2026, 9, 1), 50),
    (50, [(D(2026, 1, 1), D(2026, 12, 31))], D(2026, 6, 1), 0),
]


@pytest.mark.parametrize(("capacity", "periods", "month", "expected"), AVAILABLE)
def test_available_capacity(capacity, periods, month, expected) -> None:
    assert cap.available(capacity, periods, month) == expected


def test_months_fte_and_labels() -> None:
    assert list(cap.months(D(2026, 11, 20), D(2027, 2, 1))) == [
        D(2026, 11, 1),
        D(2026, 12, 1),
        D(2027, 1, 1),
        D(2027, 2, 1),
    ]
    assert cap.next_months(D(2026, 11, 20), 3) == [D(2026, 11, 1), D(2026, 12, 1), D(2027, 1, 1)]
    assert [cap.fte(n) for n in (0, 5, 50, 100, 125, 1234)] == [
        "0.00",
        "0.05",
        "0.50",
        "1.00",
        "1.25",
        "12.34",
    ]
    assert cap.month_label(D(2026, 3, 1)) == "Mar 2026"


PERSON = """\
---
name: Nino Beridze
team: Security
capacity: 80
unavailable:
  - {from: 2026-08-01, to: 2026-08-14}
---
"""


def _project(title: str, team: str, extra: str = "") -> str:
    head = f"---\ntitle: {title}\nphase: planning\nowner: Nino Beridze\nstart: 2026-03-01\nend: 2026-09-30\n"
    return head + extra + "team:\n" + team + "---\n"


def test_person_load_table(tmp_path: Path, write_portfolio) -> None:
    """A person's load month by month from two projects, partial months and leave: the
    table below is computed by hand."""
    write_portfolio(
        tmp_path,
        {
            "content/people/nino.md": PERSON,
            "content/projects/a.md": _project(
                "Alpha", "  - {person: nino, role: Architect, allocation: 60, from: 2026-03-16}\n"
            ),
            "content/projects/b.md": _project(
                "Beta", "  - {person: Nino Beridze, allocation: 40, from: 2026-07-01, to: 2026-08-31}\n"
            ),
            "content/projects/c.md": _project(
                "Gamma", "  - {person: nino, allocation: 90}\n", extra="state: cancelled\n"
            ),
        },
    )
    portfolio = build_portfolio(load_portfolio(tmp_path), D(2026, 7, 10))
    assert portfolio.capacity is not None
    (person,) = portfolio.capacity.people
    # March: 60 × 16/31 = 30.97 → 31; July, August: 60 + 40; the cancelled project counts nowhere.
    assert person.loads == {
        D(2026, 3, 1): 31,
        D(2026, 4, 1): 60,
        D(2026, 5, 1): 60,
        D(2026, 6, 1): 60,
        D(2026, 7, 1): 100,
        D(2026, 8, 1): 100,
        D(2026, 9, 1): 60,
    }
    assert [(c.label, c.load, c.available, c.over) for c in person.over_soon] == [
        ("Jul 2026", 100, 80, True),
        ("Aug 2026", 100, 44, True),
    ]
    assert [p.title for p in person.owned] == ["Alpha", "Beta", "Gamma"]


# ------------------------------------------------------------------------------ checks


def _problems(root: Path) -> list[tuple]:
    return [
        (d.path, d.severity.value, d.field, d.line, d.column, d.code, d.message, d.suggestion)
        for d in load_portfolio(root).diagnostics
        if d.code != "recommended"
    ]


def test_checks_name_file_line_field(tmp_path: Path, write_portfolio) -> None:
    write_portfolio(
        tmp_path,
        {
            "content/people/nino.md": PERSON,
            "content/people/luka.md": "---\nname: Luka Meskhi\ncapcity: 50\n---\n",
            "content/projects/a.md": _project(
                "Alpha",
                "  - Nino Berdize\n"
                "  - {person: nino, allocation: 60, from: 2026-02-16}\n"
                "  - {person: ana, allocation: 150, frm: 2026-01-01}\n",
            ),
            "content/projects/b.md": _project(
                "Beta", "  - {person: Nino Beridze, allocation: 40, from: 2026-07-01, to: 2026-10-31}\n"
            ),
        },
    )
    got = _problems(tmp_path)
    A, B, L = "content/projects/a.md", "content/projects/b.md", "content/people/luka.md"
    assert (
        L,
        "error",
        "capcity",
        3,
        1,
        "unknown-key",
        "unknown key 'capcity'; did you mean 'capacity'?",
        "capacity",
    ) in got
    assert (
        A,
        "error",
        "team[0]",
        8,
        5,
        "unknown-person",
        "no person in content/people/ is called 'Nino Berdize'; did you mean 'Nino Beridze'?",
        "Nino Beridze",
    ) in got
    assert (
        A,
        "error",
        "team[2].person",
        10,
        14,
        "unknown-person",
        "no person in content/people/ is called 'ana'",
        "",
    ) in got
    assert (A, "error", "team[2].allocation", 10, 31, "range", "150 is not between 0 and 100", "") in got
    assert (
        A,
        "error",
        "team[2].frm",
        10,
        36,
        "unknown-key",
        "unknown key 'frm'; did you mean 'from'?",
        "from",
    ) in got
    codes = {(d[0], d[2], d[5]) for d in got}
    # b.md is valid: its period and its share of the over-allocation are warnings there.
    assert (B, "team[0].to", "allocation-outside-project") in codes
    assert (B, "team[0]", "allocation-unavailable") in codes
    # a.md has errors of its own: it is left out, so Beta alone is no over-allocation.
    assert (B, "team[0]", "over-capacity") not in codes


def test_over_capacity_warns_every_contributing_file(tmp_path: Path, write_portfolio) -> None:
    write_portfolio(
        tmp_path,
        {
            "content/people/nino.md": PERSON,
            "content/projects/a.md": _project(
                "Alpha", "  - {person: nino, role: Architect, allocation: 60}\n"
            ),
            "content/projects/b.md": _project(
                "Beta", "  - {person: Nino Beridze, allocation: 40, from: 2026-07-01, to: 2026-08-31}\n"
            ),
            "content/projects/c.md": _project("Gamma", "  - Nino Beridze\n"),  # no allocation: no load
        },
    )
    over = [d for d in load_portfolio(tmp_path).diagnostics if d.code == "over-capacity"]
    assert [(d.path, d.field, d.severity.value) for d in over] == [
        ("content/projects/a.md", "team[0]", "warning"),
        ("content/projects/b.md", "team[0]", "warning"),
    ]
    assert over[0].message == (
        "Nino Beridze is allocated above capacity in Jul 2026 (100%, capacity 80%), "
        "Aug 2026 (100%, capacity 44%); other projects: Beta"
    )
    assert over[1].message.endswith("other projects: Alpha")


def test_no_directory_no_checks(tmp_path: Path, write_portfolio) -> None:
    """Without content/people/, team names are free text as before; allocations are valid."""
    write_portfolio(
        tmp_path,
        {"content/projects/a.md": _project("Alpha", "  - Anyone\n  - {person: x, allocation: 50}\n")},
    )
    loaded = load_portfolio(tmp_path)
    assert [d for d in loaded.diagnostics if d.code != "recommended"] == []
    assert build_portfolio(loaded, D(2026, 5, 1)).capacity is None


def test_bad_people_files_never_raise(tmp_path: Path, write_portfolio) -> None:
    write_portfolio(
        tmp_path,
        {
            "content/people/a.md": (
                "---\nname: [1, 2]\ncapacity: lots\nunavailable: {from: x}\nskills: a, b\n---\n"
            ),
            "content/people/b.md": (
                "---\nname: B\nunavailable:\n  - {from: 2026-05-01, to: 2026-04-01}\n---\n"
            ),
            "content/people/c.md": "---\nname: b\n---\n",
            "content/projects/a.md": _project(
                "Alpha", "  - {person: b, allocation: -5, to: 2026-01-01}\n  - 12\n  - {}\n"
            ),
        },
    )
    got = _problems(tmp_path)
    fields = {(d[0], d[2]) for d in got if d[1] == "error"}
    assert ("content/people/a.md", "name") in fields
    assert ("content/people/a.md", "capacity") in fields
    assert ("content/people/b.md", "unavailable[0].to") in fields
    assert ("content/people/b.md", "name") in fields  # 'B' and 'b' are one name
    assert ("content/projects/a.md", "team[0].allocation") in fields


def test_a_name_wins_over_a_slug_that_only_looks_like_it(tmp_path: Path, write_portfolio) -> None:
    """'Jan Kovač' folds to 'jan-kovac', the file name of someone else: the name decides."""
    write_portfolio(
        tmp_path,
        {
            "content/people/jan-kovac.md": "---\nname: Jan Novak\nteam: Net\n---\n",
            "content/people/jkovac.md": "---\nname: Jan Kovač\nteam: Sec\n---\n",
            "content/projects/a.md": _project(
                "Alpha", "  - {person: Jan Kovač, allocation: 50}\n  - {person: jan-kovac, allocation: 10}\n"
            ),
        },
    )
    portfolio = build_portfolio(load_portfolio(tmp_path), D(2026, 5, 1))
    assert portfolio.capacity is not None
    loads = {p.person.name: p.loads.get(D(2026, 5, 1)) for p in portfolio.capacity.people}
    assert loads == {"Jan Kovač": 50, "Jan Novak": 10}


def test_a_period_reversed_by_the_projects_dates_is_an_error(tmp_path: Path, write_portfolio) -> None:
    """A 'to' before the project's start (or a 'from' after its end) leaves the other end to
    the project's dates: the period ends before it starts and would count in no load."""
    write_portfolio(
        tmp_path,
        {
            "content/people/nino.md": PERSON,
            "content/projects/a.md": _project(
                "Alpha",
                "  - {person: nino, allocation: 20, to: 2026-02-28}\n"
                "  - {person: nino, allocation: 40, from: 2026-10-01}\n",
            ),
        },
    )
    found = [(p[2], p[3], p[1], p[5]) for p in _problems(tmp_path) if p[5] == "allocation-period"]
    assert found == [
        ("team[0].to", 8, "error", "allocation-period"),
        ("team[1].from", 9, "error", "allocation-period"),
    ]


def test_one_person_and_period_twice_is_an_error(tmp_path: Path, write_portfolio) -> None:
    """By slug and by name, or once with the project's own dates written out: one load counted
    twice. A plain name beside an allocation counts in no load, so it is no repeat."""
    write_portfolio(
        tmp_path,
        {
            "content/people/nino.md": PERSON,
            "content/projects/a.md": _project(
                "Alpha",
                "  - Nino Beridze\n"
                "  - {person: nino, allocation: 30}\n"
                "  - {person: Nino Beridze, allocation: 30}\n"
                "  - {person: nino, allocation: 10, from: 2026-03-01, to: 2026-09-30}\n"
                "  - {person: nino, allocation: 10, from: 2026-04-01}\n",
            ),
        },
    )
    found = [(p[2], p[3], p[1]) for p in _problems(tmp_path) if p[5] == "repeated-item"]
    assert found == [("team[2]", 10, "error"), ("team[3]", 11, "error")]


def test_a_people_folder_with_only_a_readme_still_checks_every_team(tmp_path: Path, write_portfolio) -> None:
    write_portfolio(
        tmp_path,
        {
            "content/people/README.md": "# Our people\n",
            "content/projects/a.md": _project("Alpha", "  - {person: Nino Beridze, allocation: 50}\n"),
        },
    )
    assert [(p[2], p[5]) for p in _problems(tmp_path)] == [("team[0].person", "unknown-person")]


def test_a_persons_chart_is_bounded_and_says_so(tmp_path: Path, write_portfolio) -> None:
    """An allocation to 2999 would chart twelve thousand months: the chart keeps two years
    before the month of as_of and three after it, and says where the rest is."""
    write_portfolio(
        tmp_path,
        {
            "content/people/nino.md": PERSON,
            "content/projects/a.md": "---\ntitle: Alpha\nphase: planning\nowner: Nino Beridze\n"
            "start: 1990-01-01\nend: 2999-12-31\nteam:\n  - {person: nino, allocation: 10}\n---\n",
        },
    )
    portfolio = build_portfolio(load_portfolio(tmp_path), D(2026, 5, 10))
    assert portfolio.capacity is not None
    (person,) = portfolio.capacity.people
    months = [c.month for c in person.chart_months]
    assert (months[0], months[-1], len(months)) == (D(2024, 5, 1), D(2029, 4, 1), 60)
    assert person.chart_clipped
