"""Incremental rebuilds (serve) against clean builds: after every edit, byte for byte.

A seeded random walk edits a small portfolio the way people do — status, phase, owner,
program, budget, risks, dependencies, titles, files added, deleted, renamed and moved, broken and
fixed, program files, free pages, site.yaml, the theme's CSS — and after each step compares the
folder ``serve`` keeps up to date with what a clean ``build`` writes for the same files.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import random
import shutil
import signal
from collections.abc import Callable
from pathlib import Path

import pytest
from servetools import (
    TINY_PROJECT,
    tiny_theme,
    worker_irrelevant,
    worker_start,  # noqa: F401 - an autouse fixture, for this module
)

from itpm_site.build import BuildOptions, build_site
from itpm_site.render.theme import default_theme_dir
from itpm_site.serve.incremental import IncrementalBuilder

AS_OF = dt.date(2026, 6, 1)


def real_theme_ready() -> bool:
    return (default_theme_dir() / "templates" / "project.html").is_file()


# ------------------------------------------------------------------------------ the portfolio

OWNERS = ["Nino Beridze", "nino beridze", "Giorgi Kapanadze", "ანა ლომიძე", "Luka Meskhi"]
PROGRAMS = [None, "Digital Channels", "digital channels", "Core Platform", "Data & Analytics"]
PHASES = ["initiation", "planning", "Execution", "monitoring", "closure", "Implementation"]
STATUSES = [None, "green", "amber", "red", "at-risk"]
CATEGORIES = [None, "software", "Network", "data", "Quantum computing"]
TAGS = ["web", "Web", "cloud", "security", "data"]
CURRENCIES = [None, "USD", "EUR", "GEL", "GBP"]
WORDS = [
    "Portal",
    "Upgrade",
    "Migration",
    "Analytics",
    "Network",
    "Refresh",
    "Zero Trust",
    "Cloud",
    "CRM",
    "Data",
    "Mobile",
    "Identity",
    "Archive",
]


def random_project(rng: random.Random, slugs: list[str]) -> dict:
    start = AS_OF + dt.timedelta(days=rng.randint(-400, 100))
    end = start + dt.timedelta(days=rng.randint(30, 500))
    project = {
        "title": " ".join(rng.sample(WORDS, 2)) + f" {rng.randint(1, 99)}",
        "phase": rng.choice(PHASES),
        "owner": rng.choice(OWNERS),
        "status": rng.choice(STATUSES),
        "program": rng.choice(PROGRAMS),
        "category": rng.choice(CATEGORIES),
        # 'web' and 'Web' across projects share a page; in one project they are a repeat.
        "tags": list({t.casefold(): t for t in rng.sample(TAGS, rng.randint(0, 2))}.values()),
        "start": start.isoformat(),
        "end": end.isoformat(),
        "summary": rng.choice(["One line.", None, "Another <b>summary</b> & more."]),
        "budget": random_budget(rng),
        # Titles of their own: a risk listed twice in one project is an error.
        "risks": [random_risk(rng, title) for title in rng.sample(RISK_TITLES, rng.randint(0, 3))],
        "milestones": [
            random_milestone(rng, name) for name in rng.sample(MILESTONE_NAMES, rng.randint(0, 2))
        ],
        "depends_on": rng.sample(slugs, min(len(slugs), rng.randint(0, 2))) if slugs else [],
        "body": rng.choice(["Plain body.", "## Scope\n\n- one\n- two\n", "Body with `code`."]),
    }
    if rng.random() < 0.3:
        project["status_date"] = (AS_OF - dt.timedelta(days=rng.randint(0, 90))).isoformat()
    return project


def random_budget(rng: random.Random):
    if rng.random() < 0.2:
        return None
    if rng.random() < 0.2:
        return rng.randint(1, 900) * 1000
    budget = {"planned": rng.randint(1, 900) * 1000, "actual": rng.randint(0, 900) * 1000}
    if rng.random() < 0.5:
        budget["forecast"] = rng.randint(1, 900) * 1000
    currency = rng.choice(CURRENCIES)
    if currency:
        budget["currency"] = currency
    return budget


RISK_TITLES = ["Vendor slips", "Key person leaves", "Scope creep"]


def random_risk(rng: random.Random, title: str) -> dict:
    return {
        "title": title,
        "probability": rng.randint(1, 5),
        "impact": rng.randint(1, 5),
        "status": rng.choice(["open", "monitoring", "closed", "mitigated"]),
    }


MILESTONE_NAMES = ["Beta", "Go-live", "Handover"]


def random_milestone(rng: random.Random, name: str) -> dict:
    date = AS_OF + dt.timedelta(days=rng.randint(-60, 120))
    return {
        "name": name,
        "date": date.isoformat(),
        "done": rng.random() < 0.3,
    }


def _yaml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def project_text(project: dict) -> str:
    lines = ["---"]
    for key, value in project.items():
        if key == "body" or value is None or value == []:
            continue
        if isinstance(value, dict):
            lines.append(f"{key}:")
            lines.extend(f"  {k}: {_yaml_value(v)}" for k, v in value.items())
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            lines.append(f"{key}:")
            for item in value:
                first = True
                for k, v in item.items():
                    lines.append(f"  {'- ' if first else '  '}{k}: {_yaml_value(v)}")
                    first = False
        elif isinstance(value, list):
            lines.append(f"{key}: [{', '.join(_yaml_value(v) for v in value)}]")
        else:
            lines.append(f"{key}: {_yaml_value(value)}")
    lines.append("---")
    lines.append(project.get("body", ""))
    return "\n".join(lines) + "\n"


SITE_YAML = """title: "{title}"
currency: {currency}
exchange_rates: {rates}
"""
CURRENCY_SETTINGS = [
    ("USD", "{EUR: 1.08, GEL: 0.37}"),
    ("EUR", "{USD: 0.92, GEL: 0.34}"),
    ("USD", "{EUR: 1.1}"),
]

PROGRAM_FILES = {
    "digital-channels": ("Digital Channels", "Nino Beridze", "Web and mobile."),
    "core-platform": ("Core Platform", "Giorgi Kapanadze", "The shared core."),
}


class Walk:
    """The portfolio on disk plus the model it was written from, and the random edits."""

    def __init__(self, root: Path, rng: random.Random, theme: str) -> None:
        self.root, self.rng = root, rng
        self.projects: dict[str, dict] = {}  # relative path -> project
        # A project depends only on projects older than itself: the graph stays acyclic
        # (cycle() makes one on purpose, and it is fixed again).
        self.age: dict[str, int] = {}
        self.broken: dict[str, str] = {}  # relative path -> good text to restore
        self.theme = theme
        self.css = 0
        self.cover = False  # see step()
        self.made: set[str] = set()  # the kinds of edit made so far
        self.fell_back = False  # see instead()
        (root / "content" / "projects").mkdir(parents=True)
        self.write(
            "site.yaml",
            SITE_YAML.format(title="Walk portfolio", currency="USD", rates=CURRENCY_SETTINGS[0][1]),
        )
        for slug, (title, owner, summary) in PROGRAM_FILES.items():
            self.write(f"content/programs/{slug}.md", self.program_text(title, owner, summary))
        self.write("content/pages/about.md", "---\ntitle: About\n---\nAbout this portfolio.\n")
        if theme == "tiny":
            for rel, text in tiny_theme().items():
                self.write(rel, text)
        else:  # a copy: the walk must not see the theme change under it while it runs
            shutil.copytree(default_theme_dir(), root / "themes" / "default")
        self.write_css()
        for _ in range(8):
            self.add_project()

    @staticmethod
    def program_text(title: str, owner: str, summary: str) -> str:
        return f"---\ntitle: {title}\nowner: {owner}\nsummary: {summary}\n---\nProgram body.\n"

    def write(self, rel: str, text: str) -> None:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        # Like an editor's safe save: write a temporary file, then rename it over the file.
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)

    def delete(self, rel: str) -> None:
        (self.root / rel).unlink()
        _prune(self.root / rel)

    def write_css(self) -> None:
        # An extra stylesheet in the portfolio's own theme folder (the real theme keeps its own).
        self.write("themes/default/static/css/local.css", f"main {{ margin: {self.css}px; }}\n")

    # -------------------------------------------------------------- projects

    def slugs(self) -> list[str]:
        return [self.slug_of(rel) for rel in self.projects]

    @staticmethod
    def slug_of(rel: str) -> str:
        return rel.rsplit("/", 1)[-1][:-3]

    def save(self, rel: str) -> None:
        self.write(rel, project_text(self.projects[rel]))

    def add_project(self) -> str:
        rel = f"content/projects/p{self.rng.randint(0, 10**6)}.md"
        if self.rng.random() < 0.2:
            rel = f"content/projects/team-{self.rng.randint(1, 2)}/{rel.rsplit('/', 1)[1]}"
        self.projects[rel] = random_project(self.rng, self.slugs())
        self.age[rel] = len(self.age) and max(self.age.values()) + 1
        self.save(rel)
        return f"add {rel}"

    def pick(self) -> str | None:
        candidates = [rel for rel in self.projects if rel not in self.broken]
        return self.rng.choice(sorted(candidates)) if candidates else None

    def edit_project(self) -> str:
        rel = self.pick()
        if rel is None:
            return self.instead(self.add_project)
        p = self.projects[rel]
        field = self.rng.choice(
            [
                "phase",
                "status",
                "owner",
                "program",
                "budget",
                "risks",
                "depends_on",
                "title",
                "tags",
                "category",
                "milestones",
                "body",
                "summary",
            ]
        )
        older = [self.slug_of(r) for r in self.projects if self.age[r] < self.age[rel]]
        fresh = random_project(self.rng, older)
        p[field] = fresh[field]
        self.save(rel)
        return f"edit {field} of {rel}"

    def delete_project(self, fix_references: bool) -> str:
        rel = self.pick()
        if rel is None or len(self.projects) < 3:
            return self.instead(self.add_project)
        slug = self.slug_of(rel)
        del self.projects[rel]
        self.delete(rel)
        self.drop_references(slug, save=fix_references)
        return f"delete {rel}" + (" and its references" if fix_references else "")

    def drop_references(self, slug: str, save: bool = True) -> None:
        """Remove ``slug`` from every depends_on: now, or (``save`` False) as the fix of the
        files left pointing at a project that is gone."""
        for other, p in self.projects.items():
            if slug in p["depends_on"]:
                p["depends_on"] = [s for s in p["depends_on"] if s != slug]
                if not save:
                    self.broken.setdefault(other, project_text(p))
                elif other in self.broken:
                    self.broken[other] = project_text(p)
                else:
                    self.save(other)

    def rename_project(self) -> str:
        rel = self.pick()
        if rel is None:
            return self.instead(self.add_project)
        old_slug = self.slug_of(rel)
        folder = rel.rsplit("/", 1)[0]
        if self.rng.random() < 0.3:
            folder = "content/projects/moved"
        new = f"{folder}/r{self.rng.randint(0, 10**6)}.md"
        self.projects[new] = self.projects.pop(rel)
        self.age[new] = self.age.pop(rel)
        (self.root / new).parent.mkdir(parents=True, exist_ok=True)
        os.replace(self.root / rel, self.root / new)
        _prune(self.root / rel)
        # The new slug sorts after every slug it may depend on only by chance: keep references
        # (and the graph acyclic) by renaming the references too, as a PM would.
        new_slug = self.slug_of(new)
        for other, p in self.projects.items():
            if old_slug in p["depends_on"]:
                p["depends_on"] = [new_slug if s == old_slug else s for s in p["depends_on"]]
                if other in self.broken:
                    self.broken[other] = project_text(p)
                else:
                    self.save(other)
        return f"rename {rel} -> {new}"

    def break_file(self) -> str:
        rel = self.pick()
        if rel is None:
            return self.instead(self.add_project)
        good = (self.root / rel).read_text(encoding="utf-8")
        self.broken[rel] = good
        bad = self.rng.choice(
            [
                good.replace("phase: ", "phase: Execution-ish ", 1),
                good.replace("---\n", "---\ntitle: [unclosed\n", 1),
                good.replace("owner: ", "ownr: ", 1),
                good.replace("---\n", "---\nprogress: 140\n", 1),
            ]
        )
        self.write(rel, bad)
        return f"break {rel}"

    def fix_file(self) -> str:
        rel = self.rng.choice(sorted(self.broken))
        self.write(rel, self.broken.pop(rel))
        return f"fix {rel}"

    def cycle(self) -> str:
        """A dependency cycle (an error for both projects), fixed again later."""
        slugs = self.slugs()
        candidates = [
            rel for rel in self.projects if rel not in self.broken and self.projects[rel]["depends_on"]
        ]
        if not candidates:
            return self.instead(self.edit_project)
        rel = self.rng.choice(sorted(candidates))
        target = next(r for r in self.projects if self.slug_of(r) == self.projects[rel]["depends_on"][0])
        if target in self.broken or self.slug_of(rel) not in slugs:
            return self.instead(self.edit_project)
        self.broken[target] = (self.root / target).read_text(encoding="utf-8")
        bad = dict(self.projects[target])
        bad["depends_on"] = [*bad["depends_on"], self.slug_of(rel)]
        self.write(target, project_text(bad))
        return f"cycle {rel} <-> {target}"

    # -------------------------------------------------------------- the rest

    def edit_program(self) -> str:
        slug = self.rng.choice(sorted(PROGRAM_FILES))
        title, owner, _ = PROGRAM_FILES[slug]
        owner = self.rng.choice(OWNERS)
        self.write(
            f"content/programs/{slug}.md",
            self.program_text(title, owner, f"Summary {self.rng.randint(0, 99)}."),
        )
        return f"edit program {slug}"

    def edit_page(self) -> str:
        choice = self.rng.random()
        if choice < 0.3:
            self.write(
                "content/pages/glossary.md",
                f"---\ntitle: Glossary {self.rng.randint(0, 9)}\norder: "
                f"{self.rng.randint(-1, 2)}\n---\nRAG means red, amber, green.\n",
            )
            return "write page glossary"
        if choice < 0.45 and (self.root / "content/pages/glossary.md").exists():
            self.delete("content/pages/glossary.md")
            return "delete page glossary"
        self.write(
            "content/pages/about.md", f"---\ntitle: About\n---\nAbout, version {self.rng.randint(0, 999)}.\n"
        )
        return "edit page about"

    def edit_site(self) -> str:
        currency, rates = self.rng.choice(CURRENCY_SETTINGS)
        self.write(
            "site.yaml",
            SITE_YAML.format(
                title=f"Walk portfolio {self.rng.randint(0, 9)}", currency=currency, rates=rates
            ),
        )
        return f"edit site.yaml ({currency})"

    def edit_template(self) -> str:
        """A change to the layout every page uses (and, now and then, a syntax error)."""
        text = (self.root / "themes/default/templates/base.html").read_text(encoding="utf-8")
        if self.rng.random() < 0.25 and "base.html" not in {Path(r).name for r in self.broken}:
            self.broken["themes/default/templates/base.html"] = text
            self.write("themes/default/templates/base.html", text.replace("</body>", "{% if %}</body>", 1))
            return "break the base template"
        self.css += 1
        self.write(
            "themes/default/templates/base.html", text.replace("</body>", f"<!-- v{self.css} --></body>", 1)
        )
        return "edit the base template"

    def edit_css(self) -> str:
        self.css += 1
        self.write_css()
        return "edit css"

    def kinds(self) -> dict[str, tuple[Callable[[], str], int]]:
        """Every kind of edit the walk makes: its name, what it does and how often."""
        return {
            "edit project": (self.edit_project, 30),
            "add project": (self.add_project, 8),
            "delete project": (lambda: self.delete_project(True), 6),
            "delete project, leave references": (lambda: self.delete_project(False), 2),
            "rename project": (self.rename_project, 6),
            "break file": (self.break_file, 6),
            "cycle": (self.cycle, 2),
            "edit program": (self.edit_program, 4),
            "edit page": (self.edit_page, 4),
            "edit site": (self.edit_site, 1),
            "edit css": (self.edit_css, 3),
            "edit template": (self.edit_template, 1),
        }

    def step(self) -> str:
        """One edit: a fix of a broken file half the time there is one, else one of
        ``kinds()`` by weight. With ``cover`` set, each kind is made once (in a random order)
        before any is made again, so a short walk makes every kind of edit."""
        if self.broken and self.rng.random() < 0.5:
            self.made.add("fix file")
            return self.fix_file()
        kinds = self.kinds()
        fresh = [name for name in kinds if name not in self.made] if self.cover else []
        if fresh:
            name = self.rng.choice(fresh)
        else:
            name = self.rng.choices(list(kinds), weights=[w for _, w in kinds.values()])[0]
        self.fell_back = False
        done = kinds[name][0]()
        if not self.fell_back:
            self.made.add(name)
        return done

    def instead(self, op: Callable[[], str]) -> str:
        """An edit made instead of the one asked for, which could not be made (nothing to
        delete, say): the kind asked for is not counted as made."""
        self.fell_back = True
        return op()

    def all_kinds(self) -> set[str]:
        return {*self.kinds(), "fix file"}


def _prune(path: Path) -> None:
    folder = path.parent
    while folder.name != "projects" and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


# ------------------------------------------------------------------------------ comparing


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def folders(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_dir()}


def assert_same_site(
    served: Path, clean: Path, step: str, skip: Callable[[str], bool] | None = None, emitted: bool = False
) -> None:
    """Byte for byte. ``skip``: pages still to be rendered; ``emitted``: the emitters' files
    are still to be produced (then only the pages, sitemap and static files are compared)."""
    got, want = snapshot(served), snapshot(clean)
    if emitted:
        core = {
            rel
            for rel in want
            if rel.endswith(".html")
            or rel.startswith("static/")
            or rel in ("sitemap.xml", ".itpm-site-output")
        }
        got = {rel: data for rel, data in got.items() if rel in core or rel.endswith(".html")}
        want = {rel: data for rel, data in want.items() if rel in core}
    if skip is not None:
        got = {rel: data for rel, data in got.items() if not skip(rel)}
        want = {rel: data for rel, data in want.items() if not skip(rel)}
    missing, extra = sorted(want.keys() - got.keys()), sorted(got.keys() - want.keys())
    assert not missing and not extra, f"after {step}: missing {missing[:5]}, extra {extra[:5]}"
    for rel in want:
        if got[rel] != want[rel]:
            diff = "\n".join(
                list(
                    difflib.unified_diff(
                        want[rel].decode(errors="replace").splitlines(),
                        got[rel].decode(errors="replace").splitlines(),
                        "clean",
                        "served",
                        lineterm="",
                    )
                )[:40]
            )
            pytest.fail(f"after {step}: {rel} differs from a clean build\n{diff}")
    if skip is None and not emitted:
        assert folders(served) == folders(clean), f"after {step}: folders differ"


#: A full walk (``slow``: run by ``.ci/run`` and by a plain ``pytest``) is SPLIT walks of
#: STEPS // SPLIT edits each, seeded apart, one test each: the same number of edits, each
#: compared with a clean build, in tests short enough for the parallel workers to share out.
#: The short walks of the quick selection (``pytest -m "not slow"``) take other seeds.
STEPS = 60
SPLIT = 4
#: The background worker started the Windows way (``spawn``) walks COVER_STEPS edits per
#: theme, every kind of edit made at least once (``Walk.cover``), instead of a full walk
#: again: what the start method changes is how each kind of job reaches the worker, and the
#: full walks with the platform's start method keep the long random sequences.
COVER_STEPS = 16


def cases(theme: str, seed: int, defer: bool, steps: int) -> list:
    """A full walk (in SPLIT parts) with the platform's background worker (``forkserver``)
    or, without ``defer``, when no worker is ever started; and with ``defer`` a covering walk
    with the worker started by ``spawn``: those are ``slow``. A short walk once, in one part,
    with the platform's worker."""
    marks = [pytest.mark.slow] if steps == STEPS else []
    if theme == "default":
        marks.append(
            pytest.mark.skipif(
                not real_theme_ready(), reason="the default theme's templates are not there yet"
            )
        )

    def case(start: str, seed: int | str, steps: int, cover: bool = False):
        name = f"{start}-{theme}-{seed}-{defer}-{steps}" + ("-cover" if cover else "")
        return pytest.param(start, theme, seed, defer, steps, cover, marks=marks, id=name)

    if steps != STEPS:
        return [case("default", seed, steps)]
    start = "forkserver" if defer else "default"
    walks = [case(start, f"{seed}.{part}", steps // SPLIT) for part in range(SPLIT)]
    if defer:
        walks.append(case("spawn", seed, COVER_STEPS, cover=True))
    return walks


CASES = [
    *cases("tiny", 7, False, STEPS),
    *cases("tiny", 2026, True, STEPS),
    *cases("default", 7, True, STEPS),
    *cases("tiny", 11, False, 12),
    # Each step with ``defer`` waits for the background worker, which runs at a lower priority.
    *cases("default", 3, True, 6),
]


@pytest.mark.parametrize(
    ("worker_start", "theme", "seed", "defer", "steps", "cover"),
    CASES,
    indirect=["worker_start"],
)
def test_random_edits_match_clean_builds(
    tmp_path: Path, theme: str, seed: int | str, defer: bool, steps: int, cover: bool
) -> None:
    """After every edit the served folder equals a clean build. With ``defer`` (what serve
    does) the pages rendered before the reload must already be right, and after the
    background work everything is. With ``cover``, the walk makes every kind of edit."""
    rng = random.Random(seed)
    root = tmp_path / "portfolio"
    walk = Walk(root, rng, theme)
    walk.cover = cover
    served = tmp_path / "serve" / "site"
    clean = tmp_path / "clean"
    options = BuildOptions(root=root, as_of=AS_OF)
    builder = IncrementalBuilder(options, served)
    first = builder.rebuild(defer=defer)
    assert first.ok, [d.headline() for d in first.errors]
    builder.finish()  # with defer, the first build leaves the emitters' files to the background
    assert build_site(BuildOptions(root=root, output=clean, as_of=AS_OF, incremental=False)).ok
    assert_same_site(served, clean, "the first build")
    partial = 0
    history: list[str] = []
    for number in range(steps):
        step = f"step {number}: {walk.step()}"
        history.append(step)
        result = builder.rebuild(defer=defer)
        expected = build_site(BuildOptions(root=root, output=clean, as_of=AS_OF, incremental=False))
        assert result.ok == expected.ok, (
            step,
            [d.headline() for d in result.errors],
            [d.headline() for d in expected.diagnostics if d.is_error],
        )
        if defer:
            # What is not waiting for the background is already what a clean build has.
            assert_same_site(
                served, clean, "\n".join(history[-5:]), skip=builder.waiting, emitted=builder.busy
            )
            builder.finish()
            assert not builder.busy and not builder.problems
        assert_same_site(served, clean, "\n".join(history[-5:]))
        partial += result.ok and not result.full
    assert partial >= steps // 4, "most edits should not re-render the whole site"
    if cover:
        assert walk.made == walk.all_kinds(), f"kinds of edit not made: {walk.all_kinds() - walk.made}"


# ------------------------------------------------------------------------------ details


@pytest.fixture
def small(tmp_path: Path):
    root = tmp_path / "portfolio"
    rng = random.Random(1)
    walk = Walk(root, rng, "tiny")
    builder = IncrementalBuilder(BuildOptions(root=root, as_of=AS_OF), tmp_path / "site")
    assert builder.rebuild().ok
    return walk, builder


@worker_irrelevant  # no background work: rebuild() without defer
def test_one_project_edit_renders_only_its_pages(small) -> None:
    """An edit re-renders the project's own page, the pages that show it (its groups, its
    dependencies' pages) and the whole-portfolio pages: nothing else."""
    walk, builder = small
    total = len(builder.site.pages)
    rel = sorted(walk.projects)[0]
    walk.projects[rel]["title"] += " (renamed)"
    walk.save(rel)
    result = builder.rebuild()
    assert result.ok and not result.full and result.parsed == 1
    slug = walk.slug_of(rel)
    showing = [s for s in builder.site.pages if s.inputs is None or slug in s.inputs]
    assert result.rendered == len(showing) < total
    assert f"projects/{walk.slug_of(rel)}/index.html" in result.written


@worker_irrelevant  # no background work: rebuild() without defer
def test_nothing_changed_writes_nothing(small) -> None:
    _, builder = small
    result = builder.rebuild()
    assert result.ok and result.parsed == 0 and result.rendered == 0
    assert not result.written and not result.removed


@worker_irrelevant  # no background work: rebuild() without defer
def test_same_size_same_mtime_edit_is_seen(small) -> None:
    """Change detection is by content, so an edit that keeps size and mtime is not missed."""
    walk, builder = small
    path = walk.root / "content/projects/fixed.md"
    path.write_text("---\ntitle: Fixed\nphase: planning\nowner: Ann\nstatus: green\n---\n", encoding="utf-8")
    assert builder.rebuild().ok
    stat = path.stat()
    path.write_text(path.read_text(encoding="utf-8").replace("green", "amber"), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size
    result = builder.rebuild()
    assert result.ok and result.parsed == 1 and "index.html" in result.written  # lists status


@worker_irrelevant  # no background work: rebuild() without defer
def test_css_only_change_renders_no_page(small) -> None:
    walk, builder = small
    walk.edit_css()
    result = builder.rebuild()
    assert result.ok and result.rendered == 0
    assert result.written == ["static/css/local.css"] and result.css_only


@worker_irrelevant  # no background work: rebuild() without defer
def test_template_error_keeps_the_last_site(small, tmp_path: Path) -> None:
    walk, builder = small
    before = snapshot(builder.folder)
    walk.write("themes/default/templates/project.html", "{% extends 'base.html' %}{% block x %}")
    result = builder.rebuild()
    assert not result.ok and result.errors[0].field == "template"
    assert snapshot(builder.folder) == before
    walk.write("themes/default/templates/project.html", TINY_PROJECT)
    assert builder.rebuild().ok
    assert snapshot(builder.folder) == before


@worker_irrelevant  # no background work: rebuild() without defer
def test_deleted_project_page_disappears(small) -> None:
    walk, builder = small
    rel = sorted(walk.projects)[-1]
    slug = walk.slug_of(rel)
    walk.drop_references(slug)
    del walk.projects[rel]
    walk.delete(rel)
    assert builder.rebuild().ok
    assert not (builder.folder / "projects" / slug).exists()


@worker_irrelevant  # no background work: rebuild() without defer
def test_removed_content_folder_is_an_error_not_a_crash(small) -> None:
    walk, builder = small
    shutil.rmtree(walk.root / "content")
    result = builder.rebuild()
    assert not result.ok and result.errors[0].code == "no-content"


def test_background_work_that_dies_is_given_up_not_retried(small, monkeypatch) -> None:
    """If the background worker dies before reporting a page (a crash), that page keeps its
    last good version and a problem is reported, instead of the job being started over
    forever; the next rebuild's background work has a new worker."""
    from itpm_site.serve import background

    walk, builder = small
    submit = background.Worker.submit

    def submit_and_crash(worker, *args, **kwargs):
        submit(worker, *args, **kwargs)
        os.kill(worker._process.pid, signal.SIGKILL)

    monkeypatch.setattr(background.Worker, "submit", submit_and_crash)
    walk.edit_project()
    while not builder.rebuild(defer=True).deferred:
        walk.edit_project()
    builder.finish()
    assert not builder.busy
    [problem] = builder.problems
    assert problem.code == "internal" and "index.html" in problem.message
    monkeypatch.undo()
    walk.edit_project()
    assert builder.rebuild(defer=True).ok
    builder.finish()
    assert not builder.busy and not builder.problems
    builder.close()
