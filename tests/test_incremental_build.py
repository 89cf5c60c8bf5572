"""Incremental builds (``build`` with its cache) against clean builds: after every edit, byte
for byte.

The random walk of tests/test_incremental.py (projects edited, added, deleted, renamed,
broken and fixed; programs, free pages, site.yaml, the theme) goes on here with what only a
build between commits sees: a people directory and team allocations, and commits that move
HEAD (the history pages) with or without a file changing. After each step ``build`` writes
into the same output as before, with its cache, and is compared with a build with no cache
at all.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import subprocess
from pathlib import Path

import pytest
from test_incremental import (
    AS_OF,
    MILESTONE_NAMES,
    OWNERS,
    Walk,
    assert_same_site,
    random_milestone,
    real_theme_ready,
    snapshot,
)

from itpm_site.build import DEPENDENCIES, INDEX_STATE, BuildOptions, BuildResult, build_site
from itpm_site.cache.folder import cache_folder
from itpm_site.outputs import exports, search
from itpm_site.outputs.search_index import INDEX_DIR
from itpm_site.render.dependencies import Dependencies, pages_to_render
from itpm_site.render.pages import PageSpec

GIT_ENV = {
    "GIT_AUTHOR_NAME": "PMO",
    "GIT_AUTHOR_EMAIL": "pmo@example.org",
    "GIT_COMMITTER_NAME": "PMO",
    "GIT_COMMITTER_EMAIL": "pmo@example.org",
    "GIT_CONFIG_NOSYSTEM": "1",
    "HOME": os.devnull,
}
TEAMS = ["Digital Delivery", "Platform", "Data"]


class BuildWalk(Walk):
    """The serve walk plus people, allocations and commits."""

    def __init__(self, root: Path, rng: random.Random, theme: str) -> None:
        super().__init__(root, rng, theme)
        self.people: dict[str, str] = {}  # slug -> name
        self.commits = 0
        self.git("init", "-q", "-b", "main")
        self.commit()

    def git(self, *args: str) -> None:
        env = {**os.environ, **GIT_ENV, "GIT_AUTHOR_DATE": "", "GIT_COMMITTER_DATE": ""}
        stamp = f"2026-05-{1 + self.commits % 28:02d}T12:00:00+00:00"
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = stamp
        subprocess.run(["git", *args], cwd=self.root, env=env, check=True, capture_output=True)

    def commit(self) -> str:
        """Commit what the walk wrote so far (maybe nothing: HEAD moves all the same)."""
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", f"step {self.commits}")
        self.commits += 1
        return "commit"

    def write_person(self, slug: str) -> None:
        name = self.people[slug]
        capacity = self.rng.choice([None, 50, 80, 100])
        lines = ["---", f"name: {name}", f"team: {self.rng.choice(TEAMS)}"]
        if capacity is not None:
            lines.append(f"capacity: {capacity}")
        lines += ["---", f"{name} works here.", ""]
        self.write(f"content/people/{slug}.md", "\n".join(lines))

    def edit_person(self) -> str:
        names = [n for n in OWNERS if n[:1].isupper() and n.isascii()]
        name = self.rng.choice(names)
        slug = name.lower().replace(" ", "-")
        self.people[slug] = name
        self.write_person(slug)
        return f"write person {slug}"

    def delete_person(self) -> str:
        if not self.people:
            return self.edit_person()
        slug = self.rng.choice(sorted(self.people))
        del self.people[slug]
        self.delete(f"content/people/{slug}.md")
        # Allocations to them are now errors until the PM takes them out.
        return f"delete person {slug}"

    def allocate(self) -> str:
        rel = self.pick()
        if rel is None or not self.people:
            return self.edit_person()
        p = self.projects[rel]
        names = [self.people[s] for s in sorted(self.people)]
        p["team"] = [
            {"person": name, "allocation": self.rng.choice([20, 50, 80, 100])}
            for name in self.rng.sample(names, self.rng.randint(1, len(names)))
        ]
        self.save(rel)
        return f"allocate people to {rel}"

    def unallocate(self) -> str:
        """Take out allocations to people no longer in the directory (the fix after a delete)."""
        for rel, p in self.projects.items():
            team = p.get("team") or []
            kept = [t for t in team if t["person"] in self.people.values()]
            if kept != team:
                p["team"] = kept
                if rel not in self.broken:
                    self.save(rel)
        return "take out allocations to people who left"

    def step(self) -> str:
        roll = self.rng.random()
        if roll < 0.08:
            return self.commit()
        if roll < 0.14:
            return self.edit_person()
        if roll < 0.17:
            return self.delete_person()
        if roll < 0.22:
            return self.allocate()
        if roll < 0.27:
            return self.unallocate()
        return super().step()


def build(root: Path, output: Path, cache: bool = True, as_of: dt.date = AS_OF) -> BuildResult:
    return build_site(BuildOptions(root=root, output=output, as_of=as_of, cache=cache, jobs=1))


def _cases() -> list:
    slow = [pytest.mark.slow]
    needs_theme = pytest.mark.skipif(not real_theme_ready(), reason="the default theme is not there yet")
    return [
        pytest.param("tiny", 5, 40, marks=slow, id="tiny-5-40"),
        pytest.param("tiny", 19, 40, marks=slow, id="tiny-19-40"),
        pytest.param("default", 23, 25, marks=[*slow, needs_theme], id="default-23-25"),
        pytest.param("tiny", 31, 10, id="tiny-31-10"),
    ]


@pytest.mark.parametrize(("theme", "seed", "steps"), _cases())
def test_random_edits_build_like_clean_builds(tmp_path: Path, theme: str, seed: int, steps: int) -> None:
    root = tmp_path / "portfolio"
    walk = BuildWalk(root, random.Random(seed), theme)
    out, clean = tmp_path / "out", tmp_path / "clean"
    first = build(root, out)
    assert first.ok, [d.headline() for d in first.diagnostics if d.is_error]
    assert build(root, clean, cache=False).ok
    assert_same_site(out, clean, "the first build")
    partial = 0
    history: list[str] = []
    # Now and then the as-of date moves (a build on the next day): what is overdue changes,
    # and with it the calendars, exports and pages. Its own generator: the walk stays as it was.
    days = random.Random(seed)
    as_of = AS_OF
    for number in range(steps):
        history.append(f"step {number}: {walk.step()}")
        if days.random() < 0.1:
            as_of += dt.timedelta(days=days.choice([1, 30]))
            history[-1] += f", as of {as_of}"
        result = build(root, out, as_of=as_of)
        expected = build(root, clean, cache=False, as_of=as_of)
        assert result.ok == expected.ok, history[-3:]
        assert_same_site(out, clean, "\n".join(history[-5:]))
        if result.ok and result.site is not None:
            partial += result.rendered < len(result.site.pages)
    assert partial >= steps // 4, "most edits should not render every page again"


# ------------------------------------------------------------------------------ details


@pytest.fixture
def walked(tmp_path: Path):
    root = tmp_path / "portfolio"
    walk = BuildWalk(root, random.Random(3), "tiny")
    out = tmp_path / "out"
    assert build(root, out).ok
    return walk, root, out


def test_one_edit_renders_its_pages_and_keeps_the_rest(walked, tmp_path: Path) -> None:
    walk, root, out = walked
    rel = next(r for r in sorted(walk.projects) if r not in walk.broken)
    walk.projects[rel]["title"] = "A title of its own"
    walk.save(rel)
    result = build(root, out)
    assert result.ok and result.site is not None
    slug = Walk.slug_of(rel)
    assert 0 < result.rendered < len(result.site.pages)
    assert "A title of its own" in (out / "projects" / slug / "index.html").read_text(encoding="utf-8")
    assert build(root, tmp_path / "clean", cache=False).ok
    assert_same_site(out, tmp_path / "clean", "one edit")


def test_nothing_changed_renders_nothing(walked) -> None:
    _, root, out = walked
    result = build(root, out)
    assert result.ok and result.rendered == 0 and result.made == 0


def test_one_edit_makes_its_own_calendar_and_keeps_the_others(walked, tmp_path: Path, monkeypatch) -> None:
    """A project's calendar follows that project only; the whole portfolio's files follow
    every project."""
    walk, root, out = walked
    good = [r for r in sorted(walk.projects) if r not in walk.broken]
    for rel in good[:3]:  # at least three projects with a calendar of their own
        if not walk.projects[rel]["milestones"]:
            walk.projects[rel]["milestones"] = [random_milestone(walk.rng, MILESTONE_NAMES[0])]
            walk.save(rel)
    assert build(root, out).ok
    made: list[str] = []
    real = exports.calendar
    monkeypatch.setattr(exports, "calendar", lambda name, *args: made.append(name) or real(name, *args))
    walk.projects[good[0]]["title"] = "A title of its own"
    walk.save(good[0])
    result = build(root, out)
    assert result.ok
    assert sorted(made) == ["A title of its own: milestones", "Walk portfolio: milestones"]
    calendar = out / "projects" / Walk.slug_of(good[0]) / "milestones.ics"
    assert "A title of its own" in calendar.read_text(encoding="utf-8")
    assert build(root, tmp_path / "clean", cache=False).ok
    assert_same_site(out, tmp_path / "clean", "one edit, calendars")


def test_a_page_changed_by_hand_is_rendered_again(walked, tmp_path: Path) -> None:
    """The live output is checked against its record: a page edited there is not kept."""
    _, root, out = walked
    page = out / "projects" / "index.html"
    good = page.read_bytes()
    page.write_bytes(good.replace(b"</body>", b"<script>alert(1)</script></body>"))
    result = build(root, out)
    assert result.ok and result.rendered == 1
    assert page.read_bytes() == good


def test_an_output_restored_from_a_ci_cache_is_reused_by_its_bytes(walked, tmp_path: Path) -> None:
    """After a restore, files have other inodes and times: their bytes decide."""
    walk, root, out = walked
    moved = tmp_path / "moved"
    shutil.copytree(out, moved)
    shutil.rmtree(out)
    shutil.copytree(moved, out)  # new inodes, as actions/cache leaves them
    one = out / "projects" / Walk.slug_of(sorted(walk.projects)[0]) / "index.html"
    one.write_bytes(one.read_bytes() + b"<!-- tampered -->")
    result = build(root, out)
    assert result.ok and result.rendered == 1
    assert build(root, tmp_path / "clean", cache=False).ok
    assert_same_site(out, tmp_path / "clean", "a restored output")


@pytest.mark.parametrize("damage", [b"", b"not json", b"/elsewhere\n{}", None])
def test_a_broken_or_foreign_record_only_costs_a_full_build(walked, damage: bytes | None) -> None:
    _, root, out = walked
    cache = cache_folder(root)
    assert cache is not None
    record = cache / DEPENDENCIES
    if damage is None:  # a record of another output folder
        record.write_bytes(record.read_bytes().replace(str(out.resolve()).encode(), b"/other/site", 1))
    else:
        record.write_bytes(damage)
    result = build(root, out)
    assert result.ok and result.site is not None
    assert result.rendered == len(result.site.pages)


def _assemblies(monkeypatch) -> list[int]:
    """Counts the search index's assemblies (one entry per assembly, its records)."""
    calls: list[int] = []
    real = search.assemble_index
    monkeypatch.setattr(search, "assemble_index", lambda site, e, k: calls.append(len(e)) or real(site, e, k))
    return calls


def test_an_unchanged_index_is_kept_whole(walked, tmp_path: Path, monkeypatch) -> None:
    _, root, out = walked
    assembled = _assemblies(monkeypatch)
    before = snapshot(out / INDEX_DIR)
    assert build(root, out).ok
    assert assembled == []
    assert snapshot(out / INDEX_DIR) == before


def test_an_index_changed_in_the_output_is_assembled_again(walked, tmp_path: Path, monkeypatch) -> None:
    _, root, out = walked
    assembled = _assemblies(monkeypatch)
    meta = out / INDEX_DIR / "meta.json"
    meta.write_bytes(meta.read_bytes() + b" ")
    assert build(root, out).ok
    assert len(assembled) == 1
    assert build(root, tmp_path / "clean", cache=False).ok
    assert_same_site(out, tmp_path / "clean", "an index changed by hand")


@pytest.mark.parametrize("damage", [b"", b"not json", b"/elsewhere\n{}"])
def test_a_broken_index_record_only_costs_an_assembly(walked, tmp_path: Path, monkeypatch, damage) -> None:
    _, root, out = walked
    cache = cache_folder(root)
    assert cache is not None
    (cache / INDEX_STATE).write_bytes(damage)
    assembled = _assemblies(monkeypatch)
    assert build(root, out).ok
    assert len(assembled) == 1
    assert build(root, tmp_path / "clean", cache=False).ok
    assert_same_site(out, tmp_path / "clean", "a broken index record")


def test_one_edit_makes_only_its_own_search_record(walked, tmp_path: Path, monkeypatch) -> None:
    """The records of the pages kept from the last build are named as that build named them,
    not made again; the index is assembled from them and the edited project's new record."""
    walk, root, out = walked
    rel = next(r for r in sorted(walk.projects) if r not in walk.broken)
    # Alone: no other project page shows it (a dependency's page lists its dependants).
    walk.drop_references(Walk.slug_of(rel))
    walk.projects[rel]["depends_on"] = []
    walk.save(rel)
    assert build(root, out).ok
    made: list[str] = []
    real = search.project_record
    monkeypatch.setattr(search, "project_record", lambda v, body: made.append(v.slug) or real(v, body))
    assembled = _assemblies(monkeypatch)
    walk.projects[rel]["summary"] = "A summary of its own."
    walk.save(rel)
    assert build(root, out).ok
    assert made == [Walk.slug_of(rel)] and len(assembled) == 1
    assert build(root, tmp_path / "clean", cache=False).ok
    assert_same_site(out, tmp_path / "clean", "one edit, search")


def test_a_build_into_another_folder_renders_everything(walked, tmp_path: Path) -> None:
    _, root, _ = walked
    result = build(root, tmp_path / "elsewhere")
    assert result.ok and result.site is not None
    assert result.rendered == len(result.site.pages)


def test_pages_to_render_compares_inputs_old_and_new() -> None:
    spec = {
        "a/index.html": PageSpec("a/index.html", "project.html", inputs=frozenset({"a", "b"})),
        "b/index.html": PageSpec("b/index.html", "project.html", inputs=frozenset({"b"})),
        "index.html": PageSpec("index.html", "dashboard.html"),
    }

    def deps(projects: dict[str, str], whole: str = "w", inputs_a: tuple = ("a", "b")) -> Dependencies:
        pages = {
            "a/index.html": ("k", inputs_a),
            "b/index.html": ("k", ("b",)),
            "index.html": ("k", None),
        }
        return Dependencies("e", whole, projects, pages)

    specs = list(spec.values())
    old = deps({"a": "1", "b": "1"})
    assert pages_to_render(old, deps({"a": "1", "b": "1"}), specs) == []
    assert [s.path for s in pages_to_render(old, deps({"a": "2", "b": "1"}), specs)] == [
        "a/index.html",
        "index.html",
    ]
    whole_changed = deps({"a": "1", "b": "1"}, whole="x")
    assert [s.path for s in pages_to_render(old, whole_changed, specs)] == ["index.html"]
    # A page that no longer shows 'b' still changes when 'b' does: its old inputs held it.
    assert [s.path for s in pages_to_render(old, deps({"a": "1", "b": "2"}, inputs_a=("a",)), specs)] == [
        "a/index.html",
        "b/index.html",
        "index.html",
    ]
    assert pages_to_render(None, old, specs) == specs
    assert pages_to_render(Dependencies("other", "w", {}, {}), old, specs) == specs
