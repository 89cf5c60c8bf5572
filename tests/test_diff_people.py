"""``itpm-site diff`` and people: allocations added, removed and changed on a project, and the
people a change newly puts over capacity, in the summary line, the report and the JSON.

Expected figures are worked out by hand in the comments (load = allocation × days of the
month covered / days in the month, rounded half up).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from history_repo import git

from itpm_site.cli import cli

pytestmark = pytest.mark.usefixtures("plain_env")

PEOPLE = {
    "ana": "name: Ana Example\nteam: Data\n",
    "ben": "name: Ben Example\nteam: Data\ncapacity: 80\n",
    "cleo": "name: Cleo Example\nteam: Web\ncapacity: 50\n",
}


def project(title: str, team: list[str]) -> str:
    lines = "".join(f"  - {t}\n" for t in team)
    return (
        f"---\ntitle: {title}\nphase: implementation\nstatus: green\nowner: Someone\nsummary: S\n"
        f"category: software\nstart: 2026-01-01\nend: 2026-12-31\nteam:\n{lines}---\nBody.\n"
    )


def commit(root: Path, files: dict[str, str], day: str) -> str:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", day, when=dt.datetime.fromisoformat(f"{day}T12:00:00+00:00"))
    return git(root, "rev-parse", "HEAD")


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    root = tmp_path_factory.mktemp("diff-people") / "portfolio"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    people = {f"content/people/{slug}.md": f"---\n{text}---\n" for slug, text in PEOPLE.items()}
    revs = {
        # Ana 50% on A + 40% on B = 90% of 100; Ben 40% of 80; Cleo 30% of 50 (Jan-Jun, then B).
        "c1": commit(
            root,
            {
                **people,
                "content/projects/a.md": project(
                    "A",
                    [
                        "Ana Example",  # a plain name: no allocation, counts in no load
                        "{person: ana, role: Analyst, allocation: 50}",
                        "{person: Ben Example, allocation: 40}",
                        "{person: cleo, allocation: 30, from: 2026-01-01, to: 2026-06-30}",
                    ],
                ),
                "content/projects/b.md": project(
                    "B",
                    [
                        "{person: ana, allocation: 40}",
                        "{person: cleo, allocation: 30, from: 2026-07-01, to: 2026-12-31}",
                    ],
                ),
            },
            "2026-03-02",
        ),
    }
    # Ana 50 → 70 on A (110% of 100 all year: newly over); Ben leaves A; Cleo gets a second,
    # later period on A (October, 10%: 30 + 10 = 40% of 50, within). The plain 'Ana Example'
    # entry is now written by slug and the allocation by name: the same person, no change.
    revs["c2"] = commit(
        root,
        {
            "content/projects/a.md": project(
                "A",
                [
                    "ana",
                    "{person: Ana Example, role: Analyst, allocation: 70}",
                    "{person: cleo, allocation: 30, from: 2026-01-01, to: 2026-06-30}",
                    "{person: cleo, allocation: 10, from: 2026-10-01, to: 2026-10-31}",
                ],
            ),
        },
        "2026-03-09",
    )
    # Ana 70 → 80 (still over: no month newly over); Cleo's first period runs to 15 September:
    # July and August 30 + 30 = 60% of 50 (newly over), September 15 + 30 = 45% (within).
    revs["c3"] = commit(
        root,
        {
            "content/projects/a.md": project(
                "A",
                [
                    "ana",
                    "{person: Ana Example, role: Analyst, allocation: 80}",
                    "{person: cleo, allocation: 30, from: 2026-01-01, to: 2026-09-15}",
                    "{person: cleo, allocation: 10, from: 2026-10-01, to: 2026-10-31}",
                ],
            ),
        },
        "2026-03-16",
    )
    # A broken person file and a team entry naming nobody: reported as errors, no traceback.
    revs["c4"] = commit(
        root,
        {
            "content/people/ben.md": "---\nname: Ben Example\ncapacity: lots\n---\n",
            "content/projects/b.md": project(
                "B", ["{person: ana, allocation: 40}", "{person: Zed, allocation: 5}"]
            ),
        },
        "2026-03-23",
    )
    return root, revs


def diff(root: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["diff", *args, "--root", str(root)])
    assert result.exit_code == 0, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.output


def test_allocation_changes_and_a_new_over_allocation_in_the_summary_line(repo) -> None:
    root, revs = repo
    out = diff(root, revs["c1"], revs["c2"])
    first = out.splitlines()[0]
    assert first.endswith(
        "1 changed · 1 allocation added · 1 allocation removed · 1 allocation changed"
        " · ⚠️ **1 person newly over capacity**"
    ), first
    summary = json.loads(diff(root, revs["c1"], revs["c2"], "--format", "json"))["summary"]
    assert {k: v for k, v in summary.items() if v} == {
        "changed": 1,
        "allocations_added": 1,
        "allocations_removed": 1,
        "allocations_changed": 1,
        "over_capacity": 1,
    }


def test_the_report_lists_the_team_changes_and_who_is_over_when(repo) -> None:
    root, revs = repo
    out = diff(root, revs["c1"], revs["c2"])
    assert (
        "| Ana Example | changed: allocation | Analyst, 50%, 2026-01-01 – 2026-12-31"
        " | Analyst, 70%, 2026-01-01 – 2026-12-31 |"
    ) in out
    assert "| Ben Example | ➖ removed | 40%, 2026-01-01 – 2026-12-31 | – |" in out
    assert "| Cleo Example | ➕ added | – | 10%, 2026-10-01 – 2026-10-31 |" in out
    # The plain entry now written by slug is the same person and the same (no) allocation.
    assert out.count("| Ana Example |") == 2  # the team row and the over-capacity row
    over = [line for line in out.splitlines() if line.startswith("| Ana Example | Jan 2026")]
    assert over == [
        "| Ana Example | Jan 2026 110% of 100% (was 90%), Feb 2026 110% of 100% (was 90%), "
        "Mar 2026 110% of 100% (was 90%), Apr 2026 110% of 100% (was 90%), May 2026 110% of 100% "
        "(was 90%), Jun 2026 110% of 100% (was 90%), and 6 more months | A, B |"
    ]


def test_json_allocations_and_over_capacity(repo) -> None:
    root, revs = repo
    doc = json.loads(diff(root, revs["c1"], revs["c2"], "--format", "json"))
    (a,) = doc["projects"]
    assert a["slug"] == "a"
    assert a["allocations"] == [
        {
            "change": "changed",
            "person": "Ana Example",
            "slug": "ana",
            "fields": ["allocation"],
            "old": {"role": "Analyst", "allocation": 50, "from": "2026-01-01", "to": "2026-12-31"},
            "new": {"role": "Analyst", "allocation": 70, "from": "2026-01-01", "to": "2026-12-31"},
        },
        {
            "change": "removed",
            "person": "Ben Example",
            "slug": "ben",
            "fields": [],
            "old": {"role": None, "allocation": 40, "from": "2026-01-01", "to": "2026-12-31"},
            "new": None,
        },
        {
            "change": "added",
            "person": "Cleo Example",
            "slug": "cleo",
            "fields": [],
            "old": None,
            "new": {"role": None, "allocation": 10, "from": "2026-10-01", "to": "2026-10-31"},
        },
    ]
    (ana,) = doc["over_capacity"]
    assert (ana["person"], ana["slug"], ana["projects"]) == ("Ana Example", "ana", ["a", "b"])
    assert ana["months"] == [
        {"month": f"2026-{m:02d}", "load": 110, "capacity": 100, "base_load": 90, "base_capacity": 100}
        for m in range(1, 13)
    ]


def test_only_months_newly_over_count(repo) -> None:
    root, revs = repo
    doc = json.loads(diff(root, revs["c2"], revs["c3"], "--format", "json"))
    assert doc["summary"]["allocations_changed"] == 2
    assert [(x["person"], x["fields"]) for x in doc["projects"][0]["allocations"]] == [
        ("Ana Example", ["allocation"]),  # 70 → 80: over before and after, so not new
        ("Cleo Example", ["to"]),
    ]
    (cleo,) = doc["over_capacity"]
    assert cleo["slug"] == "cleo"
    assert cleo["months"] == [
        {"month": "2026-07", "load": 60, "capacity": 50, "base_load": 30, "base_capacity": 50},
        {"month": "2026-08", "load": 60, "capacity": 50, "base_load": 30, "base_capacity": 50},
    ]
    assert cleo["projects"] == ["a", "b"]
    first = diff(root, revs["c2"], revs["c3"]).splitlines()[0]
    assert first.endswith("1 changed · 2 allocations changed · ⚠️ **1 person newly over capacity**"), first


def test_bad_people_files_are_errors_not_tracebacks(repo) -> None:
    root, revs = repo
    doc = json.loads(diff(root, revs["c3"], revs["c4"], "--format", "json"))
    errors = [(e["path"], e["line"], e["field"], e["code"]) for e in doc["head"]["errors"]]
    assert errors == [
        ("content/people/ben.md", 3, "capacity", "range"),
        ("content/projects/b.md", 12, "team[1].person", "unknown-person"),
    ]
    out = diff(root, revs["c3"], revs["c4"])
    assert "`content/projects/b.md:12:" in out and "no person in content/people/ is called 'Zed'" in out


def test_no_people_directory_no_capacity_lines(tmp_path: Path) -> None:
    root = tmp_path / "p"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    c1 = commit(root, {"content/projects/a.md": project("A", ["Ana", "Ben"])}, "2026-03-02")
    team = ["Ana", "{person: Cleo, allocation: 60}"]
    c2 = commit(root, {"content/projects/a.md": project("A", team)}, "2026-03-09")
    doc = json.loads(diff(root, c1, c2, "--format", "json"))
    assert doc["over_capacity"] == []
    changes = [(x["change"], x["person"], x["slug"]) for x in doc["projects"][0]["allocations"]]
    assert changes == [("removed", "Ben", None), ("added", "Cleo", None)]
