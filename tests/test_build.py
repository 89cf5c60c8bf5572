"""End-to-end: build real sites into temporary folders and read the HTML."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from demo_people import Expected, expected_warnings, names
from goldenfiles import check_golden
from sitetools import Page, parse, resolve_link

from itpm_site.build import BuildOptions, build_site
from itpm_site.cli import cli
from itpm_site.load.portfolio import load_portfolio
from itpm_site.write.writer import MARKER

AS_OF = dt.date(2026, 11, 20)
REPO = Path(__file__).resolve().parent.parent


def tree_digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def demo_front_matter() -> list[dict]:
    """The demo's projects read straight from the files, independently of itpm-site."""
    projects = []
    for path in sorted((REPO / "content" / "projects").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        meta = yaml.safe_load(text.split("---\n", 2)[1])
        meta.setdefault("slug", path.stem)
        projects.append(meta)
    return projects


TINY = {
    "site.yaml": "title: Tiny\ncurrency: USD\nexchange_rates: {EUR: 1.1}\nas_of: 2026-03-01\n",
    "content/projects/alpha.md": textwrap.dedent("""\
        ---
        title: Alpha <script>alert(1)</script>
        phase: implementation
        status: red
        owner: Nino Beridze
        program: Core
        category: software
        summary: The first project.
        start: 2026-01-01
        end: 2026-06-30
        forecast_end: 2026-07-15
        budget: {planned: 100000, actual: 120000, forecast: 130000, currency: USD}
        risks:
          - {title: Vendor slips, probability: 4, impact: 5, mitigation: Weekly vendor call}
        milestones:
          - {name: Beta, date: 2026-02-01}
        tags: [web, security]
        ---
        ## Goals

        A [safe link](https://example.com) and [bad](javascript:alert(1)).
        """),
    "content/projects/beta.md": textwrap.dedent("""\
        ---
        title: Beta
        phase: planning
        status: green
        owner: Jan Kovač
        program: Core
        category: Help desk
        summary: The second project.
        start: 2026-02-01
        end: 2026-12-31
        budget: {planned: 50000, currency: EUR}
        depends_on: [alpha]
        tags: [web]
        ---
        Body of beta.
        """),
}


@pytest.fixture
def tiny(write_portfolio, tmp_path: Path) -> Path:
    return write_portfolio(tmp_path / "tiny", TINY)


def build(root: Path, out: Path, **kw) -> object:
    result = build_site(BuildOptions(root=root, output=out, as_of=kw.pop("as_of", AS_OF), **kw))
    return result


# ------------------------------------------------------------------------------ the demo


def test_demo_has_a_page_per_project_program_owner_phase_tag(demo_site: Path) -> None:
    projects = demo_front_matter()
    for p in projects:
        page = demo_site / "projects" / p["slug"] / "index.html"
        assert page.is_file(), p["slug"]
        assert p["title"] in parse(page).text
    for phase in ("initiation", "planning", "implementation", "monitoring", "closure"):
        assert (demo_site / "phases" / phase / "index.html").is_file()
    owners = {p["owner"] for p in projects}
    owner_pages = list((demo_site / "owners").glob("*/index.html"))
    assert len(owner_pages) == len(owners)
    tags = {t for p in projects for t in p.get("tags", [])}
    assert len(list((demo_site / "tags").glob("*/index.html"))) == len(tags)
    programs = {p["program"] for p in projects if p.get("program")}
    assert len(list((demo_site / "programs").glob("*/index.html"))) == len(programs)
    for section in (
        "risks",
        "budget",
        "roadmap",
        "milestones",
        "quality",
        "projects",
        "phases",
        "programs",
        "owners",
        "categories",
        "tags",
    ):
        assert (demo_site / section / "index.html").is_file(), section
    assert (demo_site / "404.html").is_file()
    assert (demo_site / "about" / "index.html").is_file()
    assert (demo_site / MARKER).is_file()


@pytest.mark.slow
def test_demo_every_internal_link_and_asset_resolves(demo_site: Path) -> None:
    broken = []
    # Each page parsed once: a link with a fragment reads its target's ids, and most targets
    # (the navigation's, a project's) are linked from many pages.
    pages: dict[Path, Page] = {}

    def parsed(path: Path) -> Page:
        if path not in pages:
            pages[path] = parse(path)
        return pages[path]

    for page_file in sorted(demo_site.rglob("*.html")):
        page = parsed(page_file)
        for href in page.links + page.assets:
            target = resolve_link(demo_site, page_file, href)
            if target is None:
                fragment = href.split("#", 1)[1] if href.startswith("#") else ""
                if fragment and fragment not in page.ids:
                    broken.append((page_file.relative_to(demo_site).as_posix(), href))
                continue
            if not target.is_file():
                broken.append((page_file.relative_to(demo_site).as_posix(), href))
                continue
            if "#" in href and target.suffix == ".html":
                fragment = href.split("#", 1)[1]
                if fragment and fragment not in parsed(target).ids:
                    broken.append((page_file.relative_to(demo_site).as_posix(), href))
    assert broken == []


def test_demo_makes_no_external_requests(demo_site: Path) -> None:
    for page_file in demo_site.rglob("*.html"):
        for asset in parse(page_file).assets:
            assert "://" not in asset and not asset.startswith("//"), (page_file, asset)
    for css in demo_site.rglob("*.css"):
        # The SVG namespace inside data: URIs is a name, not a request.
        text = css.read_text(encoding="utf-8").replace("http://www.w3.org/2000/svg", "")
        assert "http://" not in text and "https://" not in text, css


def test_budget_rollup_equals_independent_sums(demo_site: Path) -> None:
    """The dashboard's planned total, in USD, equals the sum of the files' amounts converted."""
    config = yaml.safe_load((REPO / "site.yaml").read_text(encoding="utf-8"))
    rates = {**config["exchange_rates"], config["currency"]: 1}
    planned = 0.0
    for p in demo_front_matter():
        budget = p.get("budget")
        if budget is None:
            continue
        if not isinstance(budget, dict):
            budget = {"planned": budget}
        if "planned" in budget:
            planned += float(budget["planned"]) * rates[budget.get("currency", "USD")]
    expected = f"{round(planned):,}"
    dashboard = parse(demo_site / "index.html").text
    assert expected in dashboard
    assert expected in parse(demo_site / "budget" / "index.html").text


def test_phase_counts_on_dashboard_match_the_files(demo_site: Path) -> None:
    counts: dict[str, int] = {}
    for p in demo_front_matter():
        counts[p["phase"]] = counts.get(p["phase"], 0) + 1
    for phase, n in counts.items():
        page = parse(demo_site / "phases" / phase / "index.html")
        hrefs = [a.get("href", "") for a in page.find_all("a")]
        slugs = {
            h.split("/")[3]
            for h in hrefs
            if h.startswith("../../projects/") and "?" not in h and h.count("/") >= 4
        }
        slugs.discard("")
        assert len(slugs) == n, phase


# ------------------------------------------------------------------------------ behaviour


def test_two_builds_are_byte_identical(tiny: Path, tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    assert build(tiny, a).ok and build(tiny, b).ok
    assert tree_digest(a) == tree_digest(b)


def test_source_date_epoch_sets_as_of(tiny: Path, tmp_path: Path, monkeypatch) -> None:
    (tiny / "site.yaml").write_text("title: Tiny\n", encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(dt.datetime(2026, 2, 15, tzinfo=dt.UTC).timestamp())))
    a, b = tmp_path / "a", tmp_path / "b"
    assert build_site(BuildOptions(root=tiny, output=a)).ok
    assert build_site(BuildOptions(root=tiny, output=b)).ok
    assert tree_digest(a) == tree_digest(b)
    assert "2026-02-15" in (a / "index.html").read_text(encoding="utf-8")


def test_untrusted_text_is_escaped_and_javascript_links_dropped(tiny: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert build(tiny, out).ok
    html = (out / "projects" / "alpha" / "index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
    assert 'href="javascript:' not in html
    assert 'href="https://example.com"' in html


def test_failed_build_leaves_previous_output_untouched(tiny: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert build(tiny, out).ok
    before = tree_digest(out)
    (tiny / "content" / "projects" / "broken.md").write_text(
        "---\ntitle: Broken\nphase: nowhere\nowner: X\n---\n", encoding="utf-8"
    )
    result = build(tiny, out)
    assert not result.ok
    assert tree_digest(out) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.")]


def test_failed_template_leaves_previous_output_untouched(tiny: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert build(tiny, out).ok
    before = tree_digest(out)
    override = tiny / "themes" / "default" / "templates"
    override.mkdir(parents=True)
    (override / "project.html").write_text(
        "{% extends 'base.html' %}{% block content %}{{ p.no_such_field.x }}{% endblock %}", encoding="utf-8"
    )
    result = build(tiny, out)
    assert not result.ok
    assert any(d.code == "template" and "project.html" in d.path for d in result.diagnostics)
    assert tree_digest(out) == before


def test_keep_going_publishes_valid_projects_and_lists_broken_files(tiny: Path, tmp_path: Path) -> None:
    (tiny / "content" / "projects" / "broken.md").write_text(
        "---\ntitle: Broken\nphase: nowhere\nowner: X\n---\n", encoding="utf-8"
    )
    out = tmp_path / "out"
    result = build(tiny, out, keep_going=True)
    assert result.ok
    assert (out / "projects" / "alpha" / "index.html").is_file()
    assert not (out / "projects" / "broken").exists()
    quality = parse(out / "quality" / "index.html").text
    assert "content/projects/broken.md" in quality
    assert "is not a phase" in quality


@pytest.mark.parametrize("where", ["root", "content", "foreign"])
def test_refuses_dangerous_output_folders(tiny: Path, tmp_path: Path, where: str) -> None:
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "precious.txt").write_text("keep me", encoding="utf-8")
    out = {"root": tiny, "content": tiny / "content" / "site", "foreign": foreign}[where]
    result = CliRunner().invoke(
        cli, ["build", "--root", str(tiny), "--output", str(out), "--as-of", "2026-03-01"]
    )
    assert result.exit_code == 2, result.output
    assert "refusing" in result.output
    assert (foreign / "precious.txt").read_text(encoding="utf-8") == "keep me"
    assert (tiny / "content" / "projects" / "alpha.md").is_file()


def test_build_cli_exit_codes(tiny: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(
        cli, ["build", "--root", str(tiny), "--output", str(tmp_path / "o"), "--as-of", "2026-03-01"]
    )
    assert ok.exit_code == 0, ok.output
    assert "built 2 projects" in ok.output
    (tiny / "content" / "projects" / "x.md").write_text("---\ntitle: X\n---\n", encoding="utf-8")
    bad = runner.invoke(cli, ["build", "--root", str(tiny), "--output", str(tmp_path / "o")])
    assert bad.exit_code == 1
    assert "content/projects/x.md:1:1: error: phase: required field 'phase' is missing" in bad.output
    assert "previous output was left untouched" in bad.output
    usage = runner.invoke(cli, ["build", "--root", str(tmp_path / "nowhere")])
    assert usage.exit_code == 2


def test_sub_path_base_url_links_stay_relative(tiny: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert build(tiny, out, base_url="https://acme.github.io/portfolio/").ok
    for page_file in out.rglob("*.html"):
        page = parse(page_file)
        for href in page.links + page.assets:
            if href.startswith(("http://", "https://", "mailto:")):
                continue
            assert not href.startswith("/"), (page_file, href)
            target = resolve_link(out, page_file, href)
            assert target is None or target.is_file(), (page_file, href)
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://acme.github.io/portfolio/projects/alpha/</loc>" in sitemap


def test_pretty_urls(tiny: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert build(tiny, out).ok
    html = {p.relative_to(out).as_posix() for p in out.rglob("*.html")}
    assert "projects/alpha/index.html" in html
    assert all(h.endswith("index.html") or h == "404.html" for h in html)


def test_user_theme_overrides_one_template_and_one_static_file(tiny: Path, tmp_path: Path) -> None:
    theme = tiny / "themes" / "default"
    (theme / "templates").mkdir(parents=True)
    (theme / "static" / "css").mkdir(parents=True)
    (theme / "templates" / "page.html").write_text(
        '{% extends "!default/page.html" %}{% block content %}<p id="custom">Custom</p>'
        "{{ super() }}{% endblock %}",
        encoding="utf-8",
    )
    (theme / "static" / "css" / "site.css").write_text("body { color: black; }\n", encoding="utf-8")
    (tiny / "content" / "pages").mkdir()
    (tiny / "content" / "pages" / "about.md").write_text("---\ntitle: About\n---\nHello.\n", encoding="utf-8")
    out = tmp_path / "out"
    assert build(tiny, out).ok
    about = parse(out / "about" / "index.html")
    assert "custom" in about.ids and "Hello." in about.text
    assert (out / "static" / "css" / "site.css").read_text(encoding="utf-8") == "body { color: black; }\n"
    assert (out / "projects" / "alpha" / "index.html").is_file()  # the rest is the default


def test_fragment_each_renders_an_item_once_and_links_it_from_every_page(tiny: Path, tmp_path: Path) -> None:
    """What the project tables use: each row rendered once per build, placed on pages at
    any depth with links relative to each (the count is kept only by the first rendering)."""
    templates = tiny / "themes" / "default" / "templates"
    templates.mkdir(parents=True)
    (templates / "_list.html").write_text(
        "{% macro listing() %}{% set ns = namespace(n=0) %}{% for _ in range(2) %}<ul>"
        '{% call(p) fragment_each("test-item", portfolio.projects, "slug") %}'
        '{% set ns.n = ns.n + 1 %}<li><a href="{{ p.url | url }}">{{ p.title }}</a></li>'
        '{% endcall %}</ul>{% endfor %}<p id="renders">{{ ns.n }}</p>{% endmacro %}',
        encoding="utf-8",
    )
    for name in ("project.html", "page.html"):
        (templates / name).write_text(
            f'{{% extends "!default/{name}" %}}{{% from "_list.html" import listing %}}'
            "{% block content %}{{ listing() }}{{ super() }}{% endblock %}",
            encoding="utf-8",
        )
    (tiny / "content" / "pages").mkdir()
    (tiny / "content" / "pages" / "about.md").write_text("---\ntitle: About\n---\nHello.\n", encoding="utf-8")
    out = tmp_path / "out"
    assert build(tiny, out, jobs=1).ok
    first = (out / "projects" / "alpha" / "index.html").read_text(encoding="utf-8")
    about = (out / "about" / "index.html").read_text(encoding="utf-8")
    slugs = sorted(p.name for p in (out / "projects").iterdir() if p.is_dir())
    assert slugs[0] == "alpha"  # the first project page, rendered first
    assert f'<p id="renders">{len(slugs)}</p>' in first  # every item rendered here...
    assert '<p id="renders">0</p>' in about  # ...and only placed here
    assert first.count('<li><a href="../../projects/alpha/">') == 2
    assert about.count('<li><a href="../projects/alpha/">') == 2


@pytest.mark.slow
def test_installed_wheel_ships_the_theme(tmp_path: Path) -> None:
    """Build a wheel, install it on its own, then build a portfolio in an unrelated folder."""
    wheels, target = tmp_path / "wheels", tmp_path / "installed"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run(
        [*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", str(wheels), str(REPO)],
        check=True,
        cwd=tmp_path,
    )
    wheel = next(wheels.glob("itpm_site-*.whl"))
    subprocess.run(
        [*pip, "install", "--no-deps", "--target", str(target), str(wheel)], check=True, cwd=tmp_path
    )
    site = tmp_path / "elsewhere"
    for rel, text in TINY.items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text(text, encoding="utf-8")
    # The wheel's copy first on the path: dependencies come from this environment.
    env = {**os.environ, "PYTHONPATH": str(target)}
    done = subprocess.run(
        [sys.executable, "-m", "itpm_site", "build", "--quiet"],
        cwd=site,
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert (site / "public" / "static" / "css" / "site.css").is_file()
    location = subprocess.run(
        [sys.executable, "-c", "import itpm_site.render.theme as t; print(t.default_theme_dir())"],
        capture_output=True,
        text=True,
        cwd=site,
        check=True,
        env=env,
    ).stdout
    assert location.strip() == str(target / "itpm_site" / "themes" / "default")


def test_page_titles_and_single_h1(demo_site: Path) -> None:
    for page_file in demo_site.rglob("*.html"):
        page = parse(page_file)
        assert len(page.find_all("h1")) == 1, page_file
        assert page.find_all("html")[0].get("lang") == "en"


def test_quality_page_of_the_demo_has_no_errors_and_only_the_warnings_it_means(demo_site: Path) -> None:
    """The demo leaves one project without a category, to show the "Uncategorised" rows, and
    allocates some people above capacity and over their leave, so that the people pages show
    real cases: exactly those warnings, each worked out from the raw front matter
    (``demo_people``), at its file and field, naming its person and, for over capacity, the
    months with the load and capacity of each."""
    root = Path(__file__).resolve().parents[1]
    demo = load_portfolio(root)
    people = names(root)

    def seen(d) -> Expected:
        person = next((n for n in people if d.message.startswith(n)), "")
        months = d.message.split(" above capacity in ")[1].split("; ")[0] if d.code == "over-capacity" else ""
        return Expected(d.code, d.path, d.field, person, months)

    found = sorted(seen(d) for d in demo.diagnostics)
    expected = sorted(
        [
            Expected("recommended", "content/projects/boston-office-move-it.md", "category", ""),
            *expected_warnings(root),
        ]
    )
    assert found == expected
    assert [d.message for d in demo.diagnostics if d.code == "recommended"] == [
        "recommended field 'category' is missing"
    ]
    assert {e.code for e in expected} == {"recommended", "over-capacity", "allocation-unavailable"}
    assert len({e.person for e in expected if e.code == "over-capacity"}) >= 5  # not one case repeated
    files = len({d.path for d in demo.diagnostics})
    page = Page((demo_site / "quality" / "index.html").read_text(encoding="utf-8"))
    assert f"0 errors and {len(expected)} warnings in {files} files" in page.text
    assert "recommended field 'category' is missing" in page.text


def many_projects(count: int = 320) -> dict[str, str]:
    """A portfolio with enough pages for the render workers."""
    files = {"site.yaml": "title: Many\ncurrency: EUR\nexchange_rates: {USD: 0.9}\n"}
    for i in range(count):
        files[f"content/projects/p{i:03d}.md"] = (
            f"---\ntitle: Project {i}\nphase: {['planning', 'implementation', 'closure'][i % 3]}\n"
            f"owner: Owner {i % 7}\nprogram: Program {i % 4}\ncategory: software\n"
            f"status: {['green', 'amber', 'red'][i % 3]}\nsummary: Number {i}.\n"
            f"start: 2026-01-01\nend: 2026-12-31\ntags: [t{i % 5}]\n"
            f"budget: {{planned: {1000 + i}, currency: {'USD' if i % 2 else 'EUR'}}}\n"
            f"risks: [{{title: Risk {i}, probability: {1 + i % 5}, impact: {1 + i % 4}}}]\n"
            f"---\n## Body {i}\n\nText with *emphasis* {i}.\n"
        )
    return files


@pytest.mark.slow
def test_parallel_build_equals_serial_build(write_portfolio, tmp_path: Path) -> None:
    """Enough pages for the render workers: the output is the same bytes as one process."""
    root = write_portfolio(tmp_path / "many", many_projects())
    serial, parallel = tmp_path / "serial", tmp_path / "parallel"
    assert build(root, serial, jobs=1, search=False, cache=False).ok
    assert build(root, parallel, jobs=2, search=False, cache=False).ok
    assert len(list(parallel.rglob("*.html"))) > 300
    assert tree_digest(serial) == tree_digest(parallel)


@pytest.mark.slow
def test_a_template_failing_in_a_render_worker_is_reported_and_nothing_is_published(
    write_portfolio, tmp_path: Path
) -> None:
    root = write_portfolio(tmp_path / "many", many_projects())
    out = tmp_path / "out"
    assert build(root, out, jobs=2, search=False).ok
    before = tree_digest(out)
    override = root / "themes" / "default" / "templates" / "project.html"
    override.parent.mkdir(parents=True)
    override.write_text(
        '{% extends "!default/project.html" %}{% block content %}\n'
        "{% if p.slug == 'p150' %}{{ no_such_name.title }}{% endif %}\n"
        "{{ super() }}{% endblock %}\n",
        encoding="utf-8",
    )
    result = build(root, out, jobs=2, search=False)
    assert not result.ok
    [problem] = [d for d in result.diagnostics if d.is_error]
    assert (problem.path, problem.line) == ("themes/default/templates/project.html", 2)
    assert "no_such_name" in problem.message
    assert tree_digest(out) == before


def test_pages_with_a_project_table_go_to_one_worker_first() -> None:
    """The render workers' chunks: every page once; the pages sharing table rows together and
    first (unless they outweigh one worker's share, then in as few chunks as that takes)."""
    from itpm_site.render.pages import PageSpec
    from itpm_site.write.pages import _chunks

    def plan(listing_size: int) -> list[PageSpec]:
        pages = [
            PageSpec(f"projects/p{i}/index.html", "project.html", inputs=frozenset({"x"})) for i in range(600)
        ]
        pages[100:100] = [
            PageSpec(
                f"tags/t{i}/index.html",
                "tag.html",
                lists_projects=True,
                inputs=frozenset(f"p{j}" for j in range(listing_size)),
            )
            for i in range(30)
        ]
        return pages

    for listing_size, runs in ((40, 1), (400, 2)):
        pages = plan(listing_size)
        chunks = _chunks(pages, workers=2, total_projects=600)
        assert sorted(i for chunk in chunks for i in chunk) == list(range(len(pages)))
        listing = [chunk for chunk in chunks if pages[chunk[0]].lists_projects]
        assert chunks[:runs] == listing and len(listing) == runs
        assert all(pages[i].lists_projects for chunk in listing for i in chunk)
        assert len(chunks) - runs >= 5  # the other pages in small chunks, for balance


GOLDEN_SITE = Path(__file__).parent / "golden" / "site"
GOLDEN_PAGES = ["projects/alpha/index.html", "risks/index.html", "tags/web/index.html"]


@pytest.mark.parametrize("page", GOLDEN_PAGES)
def test_golden_pages_of_the_tiny_portfolio(
    tiny: Path, tmp_path: Path, page: str, request: pytest.FixtureRequest
) -> None:
    """Template regressions show up as reviewable diffs of these files.

    After an intended change: ``pytest tests/test_build.py -k golden --update-golden``, then
    read the diff of tests/golden/site/ like code.
    """
    out = tmp_path / "out"
    assert build(tiny, out, search=False, cache=False).ok
    actual = (out / page).read_text(encoding="utf-8")
    check_golden(request, GOLDEN_SITE / page.replace("/", "__"), actual)


def test_every_folder_the_site_writes_is_reserved_from_free_pages(demo_site: Path) -> None:
    """A free page named like a page of the site's own (report, changes, …) would replace it."""
    from itpm_site.load.rules import RESERVED_PAGE_SLUGS

    free_pages = {p.stem for p in (REPO / "content" / "pages").glob("*.md")}
    folders = {p.name for p in demo_site.iterdir() if p.is_dir()}
    assert folders - free_pages <= RESERVED_PAGE_SLUGS


def test_keep_going_summary_counts_the_warnings_it_does_not_print(tiny: Path, tmp_path: Path) -> None:
    # Only the errors are printed; the summary line still counts every problem, as check does
    # and as the 'built …, N warnings' line after it does.
    (tiny / "content" / "projects" / "broken.md").write_text("---\ntitle: X\n---\n", encoding="utf-8")
    runner = CliRunner()
    checked = runner.invoke(cli, ["check", "--root", str(tiny)])
    built = runner.invoke(
        cli, ["build", "--root", str(tiny), "--output", str(tmp_path / "o"), "--keep-going"]
    )
    assert built.exit_code == 0, built.output
    summary = next(line for line in checked.output.splitlines() if " checked" in line)
    assert summary in built.output.splitlines()
    assert "warning:" not in built.output


def test_build_says_one_project_not_one_projects(write_portfolio, tmp_path: Path) -> None:
    root = write_portfolio(tmp_path / "one", {"content/projects/a.md": TINY["content/projects/alpha.md"]})
    result = CliRunner().invoke(cli, ["build", "--root", str(root), "--output", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    assert "built 1 project," in result.output


def test_extra_reaches_templates_and_exports_as_written(tmp_path: Path) -> None:
    """`extra:` is the place for keys only a theme uses: never an error, passed on untouched."""
    root = tmp_path / "pf"
    project = textwrap.dedent("""\
        ---
        title: Data Lake
        phase: planning
        owner: Ana
        extra:
          cost_centre: CC-104
          vendors: [Acme, Globex]
          Whatever-Key: {nested: true}
        ---
        Body.
        """)
    (root / "content/projects").mkdir(parents=True)
    (root / "content/programs").mkdir(parents=True)
    (root / "content/projects/data-lake.md").write_text(project, encoding="utf-8")
    (root / "content/programs/data.md").write_text(
        "---\ntitle: Data\nowner: Bo\nextra: {sponsor_office: Tbilisi}\n---\n", encoding="utf-8"
    )
    (root / "site.yaml").write_text("extra: {logo_text: ACME PMO}\n", encoding="utf-8")
    templates = root / "themes/default/templates"
    templates.mkdir(parents=True)
    (templates / "project.html").write_text(
        '{% extends "!default/project.html" %}{% block content %}'
        '<p id="cc">{{ p.project.extra.cost_centre }} {{ p.project.extra.vendors | join("+") }} '
        "{{ site.extra.logo_text }}</p>{{ super() }}{% endblock %}",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = build_site(BuildOptions(root=root, output=out, as_of=dt.date(2026, 3, 1)))
    assert result.ok, [d.headline() for d in result.errors]
    page = (out / "projects/data-lake/index.html").read_text(encoding="utf-8")
    assert '<p id="cc">CC-104 Acme+Globex ACME PMO</p>' in page
    data = yaml.safe_load((out / "portfolio.json").read_text(encoding="utf-8"))
    assert data["projects"][0]["extra"] == {
        "cost_centre": "CC-104",
        "vendors": ["Acme", "Globex"],
        "Whatever-Key": {"nested": True},
    }
