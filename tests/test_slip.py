"""Schedule slip: one rule (``Project.slip_days``), the same figure on the pages, in the exports
and in ``itpm-site diff``.

SPEC: ``forecast_end`` defaults to ``end``, and slip = ``forecast_end`` − ``end`` in days. So a
project with an end and no forecast of its own slips 0 days (on plan, not unknown); without an
end there is nothing to slip from.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_diff import commit, git, project, write

from itpm_site.aggregate.portfolio import build_portfolio
from itpm_site.cli import cli
from itpm_site.diff.changes import Snapshot, compare
from itpm_site.load.portfolio import load_portfolio
from itpm_site.model.project import Project

pytestmark = pytest.mark.usefixtures("plain_env")


def _project(**dates: str) -> Project:
    return Project.model_validate({"title": "P", "phase": "planning", "owner": "Ana", **dates})


@pytest.mark.parametrize(
    ("dates", "slip"),
    [
        ({"end": "2026-06-01", "forecast_end": "2026-06-15"}, 14),
        ({"end": "2026-06-01", "forecast_end": "2026-05-01"}, -31),
        ({"end": "2026-06-01", "forecast_end": "2026-06-01"}, 0),
        # No forecast: it defaults to the committed end, so no slip (not an unknown one).
        ({"end": "2026-06-01"}, 0),
        # No committed end: nothing to slip from, whatever the forecast.
        ({"forecast_end": "2026-06-15"}, None),
        ({}, None),
    ],
)
def test_slip_rule(dates: dict[str, str], slip: int | None) -> None:
    assert _project(**dates).slip_days == slip


@pytest.mark.parametrize(
    ("dates", "word"),
    [
        ({"end": "2026-06-01", "forecast_end": "2026-06-15"}, "late"),
        ({"end": "2026-06-01", "forecast_end": "2026-05-01"}, "early"),
        ({"end": "2026-06-01"}, ""),
        ({"forecast_end": "2026-06-15"}, ""),
    ],
)
def test_the_view_says_late_or_early_from_the_same_rule(dates: dict[str, str], word: str) -> None:
    """Templates and flags read ``slip_class`` instead of comparing the slip themselves."""
    from itpm_site.aggregate.portfolio import ProjectView

    assert ProjectView("p", _project(**dates), "p.md", "", 1).slip_class == word


def test_the_portfolio_and_the_diff_take_the_projects_slip(write_portfolio, tmp_path: Path) -> None:
    files = {
        "site.yaml": "title: T\ncurrency: USD\n",
        "content/projects/plain.md": project("Plain"),
        "content/projects/late.md": project("Late", extra="forecast_end: 2027-01-14\n"),
        "content/projects/open.md": project("Open").replace("end: 2026-12-31\n", ""),
    }
    loaded = load_portfolio(write_portfolio(tmp_path, files))
    assert not loaded.errors
    views = build_portfolio(loaded, dt.date(2026, 6, 1)).by_slug
    assert {slug: views[slug].slip_days for slug in views} == {"plain": 0, "late": 14, "open": None}
    # Each project compared with itself as it was without a forecast of its own.
    before = {e.slug: e.model.model_copy(update={"forecast_end": None}) for e in loaded.projects}
    for entry in loaded.projects:
        assert entry.model.slip_days == views[entry.slug].slip_days
    diff = compare(Snapshot("base", _with(loaded, before)), Snapshot("head", loaded))
    slips = {c.slug: (c.slip.old, c.slip.new) for c in diff.projects if c.slip}
    assert slips == {"late": (0, 14)}


def _with(loaded, models: dict[str, Project]):
    entries = [dataclasses.replace(e, model=models[e.slug]) for e in loaded.projects]
    return dataclasses.replace(loaded, projects=entries)


def test_diff_and_the_project_page_agree(tmp_path: Path) -> None:
    """A forecast added in a pull request: the diff's slip is the one the built site shows, and
    the project without a forecast is on plan (0) in both."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    files = {
        "site.yaml": "title: T\ncurrency: USD\n",
        "content/projects/plain.md": project("Plain"),
        "content/projects/late.md": project("Late"),
    }
    write(repo, files)
    commit(repo, "first")
    write(repo, {"content/projects/late.md": project("Late", extra="forecast_end: 2027-01-15\n")})
    commit(repo, "second")

    runner = CliRunner()
    result = runner.invoke(cli, ["diff", "HEAD~1", "HEAD", "--root", str(repo), "--format", "json"])
    assert result.exit_code == 0, result.output
    change = next(p for p in json.loads(result.stdout)["projects"] if p["slug"] == "late")
    assert change["slip"] == {"old": 0, "new": 15, "days": 15}
    report = runner.invoke(cli, ["diff", "HEAD~1", "HEAD", "--root", str(repo)]).stdout
    assert "| Schedule slip | 0 days | +15 days | +15 days later |" in report

    out = tmp_path / "site"
    built = runner.invoke(cli, ["build", "--root", str(repo), "--output", str(out), "--as-of", "2026-06-01"])
    assert built.exit_code == 0, built.output
    page = (out / "projects" / "late" / "index.html").read_text("utf-8")
    assert '<span class="slip late">+15 d late</span>' in page
    exported = {
        p["slug"]: p["slip_days"] for p in json.loads((out / "portfolio.json").read_text("utf-8"))["projects"]
    }
    assert exported == {"late": change["slip"]["new"], "plain": change["slip"]["old"]}
    assert 'class="slip' not in (out / "projects" / "plain" / "index.html").read_text("utf-8")
