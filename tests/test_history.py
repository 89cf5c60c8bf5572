"""History: the pages read from git history, checked against a scripted year of commits.

The trend figures are recomputed here from the portfolio as git has it at the end of each
week (PyYAML on the files of ``git archive``), not through the history code.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import shutil
import subprocess
import sys
import tarfile
from collections import Counter
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest
import yaml
from history_repo import PHASES, git, make_history_repo
from sitetools import Page

import itpm_site.history as history_module
from itpm_site.build import BuildOptions, build_site
from itpm_site.history import read_history
from itpm_site.load.portfolio import load_portfolio
from itpm_site.outputs.feeds import atom_feed, history_json

AS_OF = dt.date(2026, 12, 15)
HISTORY_PAGES = ("changes/index.html", "trends/index.html", "history.json", "changes.xml")
pytestmark = pytest.mark.usefixtures("plain_env")


@pytest.fixture(scope="session")
def scripted(tmp_path_factory):
    return make_history_repo(tmp_path_factory.mktemp("history") / "repo")


@pytest.fixture(scope="session")
def built(scripted, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("history-site") / "public"
    result = build_site(BuildOptions(root=scripted.path, output=out, as_of=AS_OF))
    assert result.ok, [d.headline() for d in result.diagnostics]
    return out


def _history_json(site: Path) -> dict:
    return json.loads((site / "history.json").read_text(encoding="utf-8"))


# ------------------------------------------------------------------------------ recomputed


def _files_at(repo: Path, week_end: dt.date) -> tuple[str, dict[str, str]]:
    """The last main-line commit on or before the end of ``week_end`` and its project files."""
    commit = git(
        repo, "rev-list", "--first-parent", "-1", f"--before={week_end.isoformat()}T23:59:59Z", "HEAD"
    )
    archive = subprocess.run(
        ["git", "-C", str(repo), "archive", "--format=tar", commit, "content/projects"],
        capture_output=True,
        check=True,
    ).stdout
    files = {}
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        for member in tar.getmembers():
            if member.isfile():
                files[member.name] = tar.extractfile(member).read().decode("utf-8")
    return commit, files


def _front_matter(text: str) -> dict | None:
    try:
        data = yaml.safe_load(text.split("---\n")[1])
    except yaml.YAMLError:
        return None
    return data if isinstance(data, dict) else None


def _band(score: int) -> str:
    return "low" if score < 5 else "medium" if score < 10 else "high" if score < 16 else "critical"


def _recompute(projects: list[dict], week_end: dt.date) -> dict:
    rag = Counter(p["status"] for p in projects)
    phases = Counter(p["phase"] for p in projects)
    money: dict[str, dict] = {}
    bands: Counter[str] = Counter()
    overdue = 0
    for p in projects:
        b = p["budget"]
        m = money.setdefault(b["currency"], {"projects": 0, "planned": Decimal(0), "eac": Decimal(0)})
        m["projects"] += 1
        m["planned"] += Decimal(b["planned"])
        m["eac"] += Decimal(b.get("forecast", b["planned"]))
        for r in p.get("risks", []):
            if r["status"] in ("open", "monitoring", "occurred"):
                bands[_band(r["probability"] * r["impact"])] += 1
        overdue += sum(1 for ms in p.get("milestones", []) if not ms["done"] and ms["date"] < week_end)
    return {
        "projects": len(projects),
        "rag": {k: rag[k] for k in ("green", "amber", "red")} | {"unknown": 0},
        "phases": {k: phases[k] for k in PHASES},
        "money": {
            c: {
                "projects": m["projects"],
                "planned": m["planned"],
                "eac": m["eac"],
                "variance": m["eac"] - m["planned"],
            }
            for c, m in sorted(money.items())
        },
        "live_risks": {k: bands[k] for k in ("low", "medium", "high", "critical")},
        "overdue_milestones": overdue,
    }


def _as_numbers(week: dict) -> dict:
    money = {
        c: {k: (Decimal(v) if k != "projects" else v) for k, v in m.items()} for c, m in week["money"].items()
    }
    keep = ("projects", "rag", "phases", "live_risks", "overdue_milestones")
    return {k: week[k] for k in keep} | {"money": money}


def test_every_week_matches_the_portfolio_checked_out_at_that_week(scripted, built):
    weeks = _history_json(built)["weeks"]
    assert len(weeks) >= 52
    last_valid: dict[str, dict] = {}  # a broken file counts as it last stood
    broken_weeks = 0
    for week in weeks:
        end = dt.date.fromisoformat(week["end"])
        commit, files = _files_at(scripted.path, end)
        assert week["commit"] == commit
        projects = []
        for rel, text in sorted(files.items()):
            data = _front_matter(text)
            if data is None:
                broken_weeks += 1
                data = last_valid[rel]
            last_valid[rel] = data
            projects.append(data)
        assert _as_numbers(week) == _recompute(projects, end), week["week"]
    assert broken_weeks >= 2  # the broken file stood over at least two week ends


def test_changes_page_lists_exactly_the_scripted_changes(scripted, built):
    page = Page((built / "changes" / "index.html").read_text(encoding="utf-8"))
    listed = Counter(
        (dt.date.fromisoformat(li["data-date"]), li["data-project"], li["data-kind"])
        for li in page.find_all("li")
        if "data-kind" in li
    )
    expected = Counter((c.date, c.slug, c.kind) for c in scripted.changes)
    assert listed == expected
    assert sum(expected.values()) >= 100


def test_merged_branches_count_when_they_are_merged(scripted, built):
    merges = git(scripted.path, "log", "--merges", "--first-parent", "--format=%cs").split()
    assert len(merges) >= 3
    changes = _history_json(built)["projects"]
    dates = {c["time"][:10] for p in changes.values() for c in p["changes"]}
    branch_dates = git(scripted.path, "log", "--no-merges", "--author=Bea Branch", "--format=%cs").split()
    assert set(merges) <= dates and not set(branch_dates) & (dates - set(merges))


def test_a_renamed_project_keeps_its_story(scripted, built):
    stories = _history_json(built)["projects"]
    renamed = [c.slug for c in scripted.changes if c.kind == "renamed" and stories[c.slug]["current"]]
    story = stories[renamed[0]]
    kinds = [c["kind"] for c in story["changes"]]
    assert kinds[0] == "added" and "renamed" in kinds
    old_slug = renamed[0].removesuffix("-renamed")
    assert story["changes"][0]["slug"] == old_slug  # as it was called then
    page = Page((built / "projects" / renamed[0] / "index.html").read_text(encoding="utf-8"))
    assert "Phase and health" in page.text and "File last changed" in page.text


def test_a_projects_story_counts_its_slips(scripted, built):
    slips = Counter(c.slug for c in scripted.changes if c.kind == "schedule")
    slug, moves = next((s, n) for s, n in slips.most_common() if n > 1)
    story = _history_json(built)["projects"][slug]
    assert story["end_moves"] == moves and story["end_moved_days"] == 14 * moves
    page = Page((built / "projects" / slug / "index.html").read_text(encoding="utf-8"))
    assert f"Moved {moves} times, +{14 * moves} d in all." in page.text


def test_dashboard_headline_and_feed(scripted, built):
    dashboard = Page((built / "index.html").read_text(encoding="utf-8")).text
    assert "Over time" in dashboard and "Week " in dashboard
    feed = (built / "changes.xml").read_text(encoding="utf-8")
    assert feed.startswith('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns=')
    assert "<entry>" in feed and "Ana Author" not in feed  # authors are off by default


def test_history_json_follows_its_schema(built):
    schema = json.loads((built / "schema" / "history.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(_history_json(built))


def test_authors_only_when_turned_on(scripted):
    loaded = load_portfolio(scripted.path)
    history = read_history(loaded, AS_OF, None, frozenset())
    assert history is not None
    history.settings = history.settings.model_copy(update={"authors": True})
    authors = {c.get("author") for p in history_json(history)["projects"].values() for c in p["changes"]}
    assert authors == {"Ana Author"}  # the merge's author: it is the merge that landed


def test_history_pages_are_reproducible(scripted, built, tmp_path, monkeypatch):
    again = tmp_path / "again"
    # Without the cache, nor the replay kept in this process: read afresh, the same bytes.
    monkeypatch.setattr(history_module, "_REPLAYS", {})
    result = build_site(BuildOptions(root=scripted.path, output=again, as_of=AS_OF, cache=False))
    assert result.ok
    for rel in HISTORY_PAGES:
        assert (again / rel).read_bytes() == (built / rel).read_bytes(), rel
    # Another "today" changes no figure of the history: only the clock-free commits count.
    later = read_history(load_portfolio(scripted.path), AS_OF + dt.timedelta(days=40), None, frozenset())
    assert later is not None
    assert history_json(later)["weeks"] == _history_json(built)["weeks"]
    assert atom_feed(later, "Scripted history", "/") == (built / "changes.xml").read_bytes()


def test_a_new_commit_loads_only_its_files(scripted, tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(scripted.path, repo, ignore=shutil.ignore_patterns("public", ".public.*"))
    cache = tmp_path / "cache"
    cache.mkdir()
    first = read_history(load_portfolio(repo), AS_OF, cache, frozenset())
    assert first is not None and first.loaded > 10
    again = read_history(load_portfolio(repo), AS_OF, cache, frozenset())
    assert again is not None and again.loaded == 0
    target = next(
        f
        for f in sorted((repo / "content" / "projects").glob("*.md"))
        if "phase: closure" not in f.read_text(encoding="utf-8")
    )
    target.write_text(
        target.read_text(encoding="utf-8").replace("phase: ", "phase: closure\n#", 1), encoding="utf-8"
    )
    git(repo, "commit", "-q", "-am", "Close one", when=dt.datetime(2026, 12, 1, tzinfo=dt.UTC))
    latest = read_history(load_portfolio(repo), AS_OF, cache, frozenset())
    assert latest is not None and latest.loaded == 1
    assert latest.items[-1].kind == "phase" and latest.items[-1].text.startswith("moved to Closure")


def _cli_build(root: Path, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "itpm_site",
            "build",
            "--root",
            str(root),
            "--output",
            str(out),
            "--as-of",
            AS_OF.isoformat(),
        ],
        capture_output=True,
        text=True,
    )


def test_shallow_clone_warns_once_and_builds(scripted, tmp_path):
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", scripted.path.as_uri(), str(clone)],
        check=True,
        capture_output=True,
    )
    done = _cli_build(clone, tmp_path / "out")
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("fetch-depth: 0") == 1 and "Traceback" not in done.stderr
    for page in ("changes", "trends"):
        text = Page((tmp_path / "out" / page / "index.html").read_text(encoding="utf-8")).text
        assert "shallow clone" in text and "fetch-depth: 0" in text
    data = _history_json(tmp_path / "out")
    assert data["available"] is False and data["weeks"] == [] and data["problem"]
    assert (tmp_path / "out" / "projects").is_dir()


def test_outside_git_no_history_pages_and_no_warning(tmp_path, write_portfolio):
    root = write_portfolio(
        tmp_path / "plain",
        {"content/projects/a.md": ("---\ntitle: A\nphase: planning\nowner: Ana\n---\nBody.\n")},
    )
    done = _cli_build(root, tmp_path / "out")
    assert done.returncode == 0, done.stderr
    assert "warning" not in done.stderr
    for rel in HISTORY_PAGES:
        assert not (tmp_path / "out" / rel).exists(), rel
    assert "Over time" not in (tmp_path / "out" / "index.html").read_text(encoding="utf-8")


def test_serve_shows_the_working_tree_as_now(scripted, tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(scripted.path, repo, ignore=shutil.ignore_patterns("public", ".public.*"))
    committed = read_history(load_portfolio(repo), AS_OF, None, frozenset())
    target = next(
        f
        for f in sorted((repo / "content" / "projects").glob("*.md"))
        if "status: red" not in f.read_text(encoding="utf-8")
    )
    target.write_text(
        re.sub(r"(?m)^status: \w+", "status: red", target.read_text(encoding="utf-8"), count=1),
        encoding="utf-8",
    )
    now = read_history(load_portfolio(repo), AS_OF, None, frozenset(), working_tree=True)
    assert committed is not None and now is not None
    assert now.items[:-1] == committed.items
    last = now.items[-1]
    assert (last.kind, last.slug, last.author) == ("status", target.stem, "(not committed yet)")
    assert (
        last.date == AS_OF
        and now.timeline.weeks[-1].figures.rag["red"] == committed.timeline.weeks[-1].figures.rag["red"] + 1
    )
    # The committed history is left as it was for the next rebuild.
    again = read_history(load_portfolio(repo), AS_OF, None, frozenset())
    assert again is not None and again.items == committed.items
    # A file broken in the working tree stays as committed.
    target.write_text("---\ntitle: [broken\n---\n", encoding="utf-8")
    broken = read_history(load_portfolio(repo), AS_OF, None, frozenset(), working_tree=True)
    assert broken is not None and broken.items == committed.items


def test_a_repository_without_commits_yet(tmp_path, write_portfolio):
    root = write_portfolio(
        tmp_path / "new",
        {"content/projects/a.md": ("---\ntitle: A\nphase: planning\nowner: Ana\n---\nBody.\n")},
    )
    git(root, "init", "-q", "-b", "main")
    done = _cli_build(root, tmp_path / "out")
    assert done.returncode == 0 and "warning" not in done.stderr, done.stderr
    page = Page((tmp_path / "out" / "changes" / "index.html").read_text(encoding="utf-8"))
    assert "No commits have changed the projects yet." in page.text
    assert _history_json(tmp_path / "out")["weeks"] == []
