"""``people: {publish: false}``: the demo built with it names nobody of content/people/.

What "names nobody" means, precisely: a person's name written in a project's own fields
(``owner``, ``sponsor``, a risk's owner, the body) is the project's data, and stays wherever
the site shows that field, as in a portfolio without a people directory. What the directory
and the ``team:`` allocations add must not name anyone. So the demo is built twice from the
same git history: once as it is with ``publish: false``, once with content/people/ removed
and every ``team:`` taken out (the baseline). Every output file of the first build is
searched for every person's name and slug, in the forms the site writes them (as written,
folded as the search index folds words, JSON-escaped, as a slug); it may hold each of them
no more often than the same file of the baseline does, and files the baseline does not have
(``capacity/``, ``allocations.csv``) not at all. The search index's files, whose names are
hashes of their contents, are compared as one file, decompressed.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from history_repo import git
from sitetools import once_per_run

from itpm_site.build import BuildOptions, build_site
from itpm_site.cli import cli
from itpm_site.outputs.search_index import fold

ROOT = Path(__file__).resolve().parents[1]
AS_OF = dt.date(2026, 11, 20)
#: The project whose allocations the scripted history changes.
CHANGED = "content/projects/customer-360.md"
SEARCH_DATA = "search/data/"


def _people() -> dict[str, str]:
    """slug -> name of every person of the demo."""
    found = {}
    for path in sorted((ROOT / "content/people").glob("*.md")):
        found[path.stem] = yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])["name"]
    return found


def _without_team(text: str) -> str:
    """A project file without its ``team:`` (a block of list items, or one line)."""
    out, skipping = [], False
    for line in text.split("\n"):
        if line.startswith("team:"):
            skipping = True
            continue
        if skipping and line.startswith(("  ", "-")):
            continue
        skipping = False
        out.append(line)
    return "\n".join(out)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _repository(dest: Path, *, people: bool) -> Path:
    """The demo with ``people: {publish: false}`` in a git repository of two commits: the
    second changes an allocation, adds a person to the team, and changes the status of the
    same project (so that the baseline's history has the same change, without the team).
    ``people=False``: the baseline, without content/people/ and without any ``team:``."""
    dest.mkdir(parents=True)
    shutil.copytree(ROOT / "content", dest / "content")
    site = (ROOT / "site.yaml").read_text(encoding="utf-8")
    (dest / "site.yaml").write_text(site + "people:\n  publish: false\n", encoding="utf-8")
    changed = dest / CHANGED
    final = changed.read_text(encoding="utf-8")
    if not people:
        shutil.rmtree(dest / "content/people")
        for path in (dest / "content/projects").rglob("*.md"):
            path.write_text(_without_team(path.read_text(encoding="utf-8")), encoding="utf-8")
        final = changed.read_text(encoding="utf-8")
    else:
        _edit(changed, "role: Data Architect, allocation: 30", "role: Data Architect, allocation: 50")
        _edit(changed, "  - {person: Ana Lomidze, role: Product Owner, allocation: 20}\n", "")
    _edit(changed, "\nstatus: amber\n", "\nstatus: green\n")
    git(dest, "init", "-q", "-b", "main")
    git(dest, "add", "-A")
    git(dest, "commit", "-q", "-m", "The demo portfolio", when=dt.datetime(2026, 10, 5, 12, tzinfo=dt.UTC))
    changed.write_text(final, encoding="utf-8")
    git(dest, "commit", "-q", "-am", "Customer 360: team", when=dt.datetime(2026, 11, 2, 12, tzinfo=dt.UTC))
    return dest


def _build(root: Path, out: Path) -> Path:
    result = build_site(BuildOptions(root=root, output=out, as_of=AS_OF))
    assert result.ok, [d.headline() for d in result.diagnostics if d.is_error]
    return out


def _texts(site: Path) -> dict[str, str]:
    """Every output file as text (lower case), by path; the search index's files as one."""
    texts: dict[str, str] = {}
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        rel = path.relative_to(site).as_posix()
        data = path.read_bytes()
        if rel.startswith(SEARCH_DATA):
            if data[:2] == b"\x1f\x8b":
                data = gzip.decompress(data)
            rel = SEARCH_DATA
        text = data.decode("utf-8", errors="replace").replace("\r\n ", "")  # unfold iCalendar
        texts[rel] = texts.get(rel, "") + text.lower() + "\n"
    return texts


def _needles(slug: str, name: str) -> set[str]:
    return {
        name.lower(),
        fold(name),
        json.dumps(name)[1:-1].lower(),
        slug,
    }


def _counts(texts: dict[str, str], people: dict[str, str]) -> Counter:
    counts: Counter = Counter()
    for rel, text in texts.items():
        for slug, name in people.items():
            for needle in _needles(slug, name):
                n = text.count(needle)
                if n:
                    counts[rel, slug, needle] = n
    return counts


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    def make(folder: Path) -> None:
        _build(_repository(folder / "hidden", people=True), folder / "hidden-site")
        _build(_repository(folder / "baseline", people=False), folder / "baseline-site")

    folder = once_per_run(tmp_path_factory, "privacy", make)
    return folder / "hidden-site", folder / "baseline-site"


def test_the_build_has_the_history_and_capacity_it_is_meant_to_check(sites) -> None:
    hidden, _ = sites
    for rel in ("capacity/index.html", "allocations.csv", "changes.xml", "history.json"):
        assert (hidden / rel).is_file(), rel
    feed = (hidden / "changes.xml").read_text(encoding="utf-8")
    assert "Customer 360 and Master Data: turned amber" in feed


def test_no_person_page_and_no_people_csv(sites) -> None:
    hidden, _ = sites
    assert not (hidden / "people").exists()
    assert not (hidden / "people.csv").exists()
    sitemap = (hidden / "sitemap.xml").read_text(encoding="utf-8")
    assert "/people/" not in sitemap
    assert "/capacity/" in sitemap


def test_no_output_file_names_a_person_more_than_the_projects_own_fields_do(sites) -> None:
    hidden, baseline = sites
    people = _people()
    base_texts = _texts(baseline)
    hidden_texts = _texts(hidden)
    base = _counts(base_texts, people)
    leaks = []
    for (rel, slug, needle), n in sorted(_counts(hidden_texts, people).items()):
        allowed = base.get((rel, slug, needle), 0) if rel in base_texts else 0
        if n > allowed:
            leaks.append(f"{rel}: {needle!r} {n} times (the project's own fields: {allowed})")
    assert not leaks, "\n".join(leaks)
    # The search is checked, not skipped: its files were read and hold the owners' names.
    assert any(rel == SEARCH_DATA and slug == "nino-beridze" for rel, slug, _ in base)


def test_allocations_csv_gives_teams_not_people(sites) -> None:
    hidden, _ = sites
    text = (hidden / "allocations.csv").read_text(encoding="utf-8-sig")
    header, *rows = [line.split(",") for line in text.strip().splitlines()]
    person, team = header.index("person"), header.index("team")
    assert rows and all(row[person] == "" for row in rows)
    assert {row[team] for row in rows} >= {"Security", "Infrastructure", "Digital Delivery"}


def test_portfolio_json_has_no_person_records(sites) -> None:
    """portfolio.json withholds the people (null) and gives each allocation its team, not its
    person, as allocations.csv does; the projects' FTE figures stay (they name nobody)."""
    hidden, _ = sites
    doc = json.loads((hidden / "portfolio.json").read_text(encoding="utf-8"))
    assert doc["people"] is None
    assert doc["allocations"] and all(a["person"] is None for a in doc["allocations"])
    assert {a["team"] for a in doc["allocations"]} >= {"Security", "Infrastructure", "Digital Delivery"}
    assert all(p["team"] == [] for p in doc["projects"])
    assert any(p["fte"] not in (None, "0.00") for p in doc["projects"])


def test_capacity_is_shown_by_team_only(sites) -> None:
    hidden, _ = sites
    html = (hidden / "capacity/index.html").read_text(encoding="utf-8")
    assert "data-person=" not in html
    assert re.search(r'data-team-total="security"', html)
    assert "People are not published" in html


def test_the_quality_page_keeps_every_warning_without_the_names(sites) -> None:
    hidden, _ = sites
    html = (hidden / "quality/index.html").read_text(encoding="utf-8")
    assert "above their capacity" in html
    checked = CliRunner().invoke(cli, ["check", "--root", str(hidden.parent / "hidden"), "--format", "json"])
    reported = json.loads(checked.output)
    warnings = [d for d in reported["diagnostics"] if d["severity"] == "warning"]
    over = [d for d in warnings if d["code"] == "over-capacity"]
    # check names the people; the page keeps one line per warning, at the same place.
    assert over and all(any(name in d["message"] for name in _people().values()) for d in over)
    assert html.count('class="diag diag-warning"') == len(warnings)
    for d in over:
        assert f"line {d['line']}" in html


def test_check_checks_everything_whether_or_not_people_are_published(sites, tmp_path) -> None:
    hidden, _ = sites
    root = hidden.parent / "hidden"
    published = tmp_path / "published"
    shutil.copytree(root, published, ignore=shutil.ignore_patterns(".git"))
    (published / "site.yaml").write_text((ROOT / "site.yaml").read_text(encoding="utf-8"), encoding="utf-8")

    def check(folder: Path) -> list[str]:
        done = CliRunner().invoke(cli, ["check", "--root", str(folder), "--format", "github"])
        return sorted(done.output.splitlines())

    assert check(root) == check(published)
    assert any("over-capacity" in line or "above capacity" in line for line in check(root))


def test_a_broken_person_file_is_listed_without_its_name(tmp_path, write_portfolio) -> None:
    """With --keep-going, a person file with an error shows on /quality/ as a file of
    content/people/, neither its slug nor the name in it."""
    root = write_portfolio(
        tmp_path / "p",
        {
            "site.yaml": "people: {publish: false}\n",
            "content/people/zurab-odishelidze.md": "---\nname: Zurab Odishelidze\ncapacity: lots\n---\n",
            "content/people/tea-abuladze.md": "---\nname: Tea Abuladze\nteam: Security\n---\n",
            "content/projects/a.md": (
                "---\ntitle: A\nphase: planning\nowner: Someone Else\nstart: 2026-01-01\n"
                "end: 2026-12-31\nteam:\n  - {person: Tea Abuladze, allocation: 60}\n"
                "  - {person: tea-abuladze, allocation: 60, from: 2026-03-01, to: 2026-03-31}\n"
                "  - {person: Zurab Odishelidze, allocation: 10}\n---\n"
            ),
        },
    )
    out = tmp_path / "site"
    result = build_site(BuildOptions(root=root, output=out, as_of=dt.date(2026, 3, 2), keep_going=True))
    assert [d.path for d in result.diagnostics if d.is_error] == ["content/people/zurab-odishelidze.md"]
    quality = (out / "quality/index.html").read_text(encoding="utf-8")
    for rel, text in _texts(out).items():
        for secret in ("zurab", "odishelidze", "tea abuladze", "tea-abuladze"):
            assert secret not in text, (secret, rel)
    assert "<code>content/people/</code>" in quality
    assert "a person file has an error" in quality
    assert "above their capacity" in quality  # Tea: 60 + 60 in March
