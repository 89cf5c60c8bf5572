"""The steering-committee pack (/report/): which projects it holds, in which order, and that
readers can find it (navigation, dashboard, sitemap)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml
from history_repo import git
from sitetools import parse

from itpm_site.build import BuildOptions, build_site
from itpm_site.render.report import css_string, first_section, paragraphs_within

pytestmark = pytest.mark.usefixtures("plain_env")

DEMO = Path(__file__).resolve().parent.parent / "content" / "projects"
AS_OF = "2026-11-20"  # the demo site's as_of (conftest.DEMO_AS_OF)


def expected_titles() -> list[str]:
    """Red, then amber, then any other project with an overdue milestone; by title."""
    chosen = []
    for path in sorted(DEMO.rglob("*.md")):
        meta = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n", 2)[1])
        status = str(meta.get("status", "")).lower()
        overdue = any(not m.get("done") and str(m["date"]) < AS_OF for m in meta.get("milestones") or [])
        rank = {"red": 0, "amber": 1}.get(status, 2)
        if rank < 2 or overdue:
            chosen.append((rank, meta["title"].lower(), meta["title"]))
    return [title for *_, title in sorted(chosen)]


def test_the_pack_holds_red_amber_and_overdue_projects_in_order(demo_site: Path) -> None:
    page = parse(demo_site / "report" / "index.html")
    articles = page.find_all("article")
    assert len(articles) == len(expected_titles()) >= 5
    html = (demo_site / "report" / "index.html").read_text(encoding="utf-8")
    positions = [html.index(f'id="report-{a["id"].removeprefix("report-")}-h"') for a in articles]
    assert positions == sorted(positions)
    found = [html.index(f">{title}</a></h2>") for title in expected_titles()]
    assert found == sorted(found)  # the same order as the rule gives
    # The cover and "since the last committee" come first, with an index linking each
    # project's page of the pack.
    assert html.index('id="cover-h"') < html.index('id="since"') < html.index("<article")
    assert {f"#{a['id']}" for a in articles} <= set(page.links)


def test_the_pack_is_linked_and_in_the_sitemap(demo_site: Path) -> None:
    for rel in ("index.html", "projects/index.html", "roadmap/index.html"):
        links = parse(demo_site / rel).links
        assert any(href.rstrip("/").endswith("report") for href in links), rel
    sitemap = (demo_site / "sitemap.xml").read_text(encoding="utf-8")
    assert "report/</loc>" in sitemap


# ------------------------------------------------------------------ the pack's cover and "since"

COMMITTEE = dt.date(2026, 10, 1)  # the last committee, in site.yaml
PACK_AS_OF = dt.date(2026, 11, 20)


def _project(title: str, status: str, phase: str = "implementation", **extra: str) -> str:
    lines = [
        "---",
        f"title: {title}",
        f"phase: {phase}",
        f"status: {status}",
        f"status_note: {title} note.",
        "owner: ნინო ბერიძე",
        "summary: One line.",
        "category: software",
        "start: 2026-01-01",
        "end: 2027-06-30",
        *(f"{k}: {v}" for k, v in extra.items()),
        "---",
        "",
    ]
    return "\n".join(lines)


def _risks(*risks: tuple[str, str]) -> str:
    return "risks:\n" + "".join(
        f"  - {{title: {t}, probability: 4, impact: 4, status: {s}}}\n" for t, s in risks
    )


def _write(root: Path, slug: str, text: str) -> None:
    path = root / "content" / "projects" / f"{slug}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def committee_repo(tmp_path_factory) -> Path:
    """A portfolio in git: changes before the last committee (1 Oct 2026), and after it a
    status change, a phase move, a re-forecast, a risk opened, one occurred and one closed,
    and a milestone done. A milestone due in the period is not done (missed)."""
    root = tmp_path_factory.mktemp("committee") / "portfolio"
    root.mkdir()
    (root / "site.yaml").write_text(
        "title: Committee </style> test\ncurrency: USD\nexchange_rates: {GEL: 0.37}\n"
        f"report: {{since: {COMMITTEE}}}\n",
        encoding="utf-8",
    )
    git(root, "init", "-q", "-b", "main")
    base = "budget: {planned: 100000, currency: GEL}\n"
    ms = (
        "milestones:\n  - {name: Pilot, date: 2026-11-01, done: false}\n"
        "  - {name: Design, date: 2026-09-01, done: false}\n"
    )
    _write(
        root,
        "alpha",
        _project("Alpha", "green", "planning").removesuffix("---\n")
        + base
        + _risks(("Vendor late", "open"), ("Key person leaves", "open"))
        + ms
        + "---\n## Why\n\nBecause.\n\n## How\n\nLater.\n",
    )
    _write(root, "beta", _project("Beta", "amber") + "## Goal\n\nShip it.\n")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Start", when=dt.datetime(2026, 9, 1, 12, tzinfo=dt.UTC))
    # Before the committee: Beta turns red (not in the period).
    _write(root, "beta", _project("Beta", "red") + "## Goal\n\nShip it.\n")
    git(root, "commit", "-q", "-am", "Beta red", when=dt.datetime(2026, 9, 20, 12, tzinfo=dt.UTC))
    # After it: Alpha amber, in implementation, re-forecast, risks opened/occurred/closed, Design done.
    _write(
        root,
        "alpha",
        _project("Alpha", "amber", "implementation").removesuffix("---\n")
        + "budget: {planned: 100000, forecast: 120000, currency: GEL}\n"
        + _risks(("Vendor late", "occurred"), ("Key person leaves", "closed"), ("Licence audit", "open"))
        + ms.replace("2026-09-01, done: false", "2026-09-01, done: true")
        + "---\n## Why\n\nBecause.\n\n## How\n\nLater.\n",
    )
    git(root, "commit", "-q", "-am", "Alpha moves", when=dt.datetime(2026, 10, 15, 12, tzinfo=dt.UTC))
    return root


def _text(html: str) -> str:
    """The text of some HTML, as a reader sees it (tags removed, spaces collapsed)."""
    return " ".join(re.sub(r"<[^>]+>", "", html).split())


def _build(root: Path, out: Path, since: dt.date | None = None) -> Path:
    result = build_site(BuildOptions(root=root, output=out, as_of=PACK_AS_OF, since=since, search=False))
    assert result.ok, [d.headline() for d in result.diagnostics]
    return out


def test_since_the_last_committee_lists_the_period_by_kind(committee_repo: Path, tmp_path: Path) -> None:
    out = _build(committee_repo, tmp_path / "public")
    html = (out / "report" / "index.html").read_text(encoding="utf-8")
    since = html[html.index('id="since"') : html.index('id="index-h"')]
    items = dict(re.findall(r'<h3 id="since-([a-z-]+)">.*?<span class="count">(\d+)</span>', since))
    assert items == {
        "status": "1",  # Alpha turned amber; Beta's red came before the committee
        "phase": "1",
        "budget": "1",
        "risks-opened": "1",
        "risks-occurred": "1",
        "risks-closed": "1",
        "milestones": "1",
        "missed": "1",  # Pilot, due 1 Nov, not done
    }
    text = _text(since)
    assert "From 1 Oct 2026 (set by report.since in site.yaml) to 20 Nov 2026: 50 days" in text
    assert "Alpha: turned amber (was green)" in text
    assert "Beta: turned red" not in text
    assert "risk “Vendor late” occurred" in text and "risk “Key person leaves” closed" in text
    assert "“Pilot” not done" in text
    # The cover counts what the page lists.
    cover = _text(html[: html.index('id="since"')])
    assert (
        "1 status change, 1 phase move, 1 budget re-forecast, 1 risk opened, 1 risk occurred, "
        "1 risk closed, 1 milestone reached, 1 milestone missed" in cover
    )
    # The same items as the changes page, for the period.
    changes = (out / "changes" / "index.html").read_text(encoding="utf-8")
    listed = re.findall(r'data-kind="(\w+)" data-project="(\w+)" data-date="(2026-1[01]-\d\d)"', changes)
    in_pack = re.findall(r'<li data-kind="(\w+)" data-project="(\w+)">', since)
    assert sorted(set(in_pack)) == sorted({(k, p) for k, p, d in listed if d > str(COMMITTEE)})


def test_since_option_overrides_site_yaml(committee_repo: Path, tmp_path: Path) -> None:
    out = _build(committee_repo, tmp_path / "public", since=dt.date(2026, 9, 10))
    text = _text((out / "report" / "index.html").read_text(encoding="utf-8"))
    assert "From 10 Sep 2026 (set by the --since option)" in text
    assert "Beta: turned red (was amber)" in text


def test_the_default_period_is_30_days_and_no_history_is_said(tmp_path: Path, write_portfolio) -> None:
    root = write_portfolio(tmp_path / "p", {"content/projects/a.md": _project("Gamma", "red")})
    out = _build(root, tmp_path / "public")
    text = _text((out / "report" / "index.html").read_text(encoding="utf-8"))
    assert "From 21 Oct 2026 (set by the default, 30 days before as_of) to 20 Nov 2026: 30 days" in text
    assert "not in a git repository, so there is no history" in text
    assert "Status changes" not in text


def test_a_project_page_of_the_pack_has_its_state_and_first_section(
    committee_repo: Path, tmp_path: Path
) -> None:
    out = _build(committee_repo, tmp_path / "public")
    html = (out / "report" / "index.html").read_text(encoding="utf-8")
    alpha = html[html.index('id="report-alpha"') :]
    alpha = alpha[: alpha.index("</article>")]
    text = _text(alpha)
    assert "Status note: Alpha note." in text
    # Live risks with their state, occurred first; the closed one is not live.
    assert text.index("Vendor late") < text.index("Licence audit")
    assert re.search(r"Vendor late\s*</th>\s*<td class=\"risk-state\">Occurred</td>", alpha)
    assert "Key person leaves" not in text
    assert "Pilot" in text and "Overdue by 19 days" in text and "Done" in text
    # The body's first section only.
    assert "Because." in text and "Later." not in text
    # Figures: planned + variance = EAC, in the project's currency.
    assert "100,000 GEL" in text and "120,000 GEL" in text and "+20,000 GEL" in text


def test_the_running_header_escapes_the_portfolio_name(committee_repo: Path, tmp_path: Path) -> None:
    out = _build(committee_repo, tmp_path / "public")
    html = (out / "report" / "index.html").read_text(encoding="utf-8")
    style = html[html.index('<style media="print">') : html.index("</style>")]
    assert "@top-left" in style and 'counter(page) " of " counter(pages)' in style
    assert "</style" not in style[len('<style media="print">') :]
    assert r'"Committee \00003c /style\00003e  test"' in style
    assert '"As of 20 Nov 2026"' in style


def test_the_cover_reconciles_with_the_budget_page(demo_site: Path) -> None:
    def totals(rel: str, table_class: str) -> list[str]:
        html = (demo_site / rel).read_text(encoding="utf-8")
        found = []
        for table in re.findall(rf'<table class="data {table_class}".*?</table>', html, re.S):
            foot = re.search(r"<tfoot>(.*?)</tfoot>", table, re.S)
            cells = re.findall(r'<td class="num[^"]*">([^<]*)</td>', foot[1]) if foot else []
            found.append(cells)
        return found

    report = totals("report/index.html", "report-budget-table")
    budget_html = (demo_site / "budget" / "index.html").read_text(encoding="utf-8")
    by_program = budget_html[budget_html.index('id="by-program"') : budget_html.index('id="by-category"')]
    foot = re.search(r"<tfoot>(.*?)</tfoot>", by_program, re.S)
    assert foot is not None
    cells = re.findall(r'<td class="num[^"]*">([^<]*)</td>', foot[1])
    projects, planned, _actual, eac, variance = cells[:5]
    assert report[0] == [projects, planned, eac, variance]
    page = parse(demo_site / "report" / "index.html")
    assert "No program" in page.text  # every project has a row


def test_report_since_in_site_yaml_is_validated(tmp_path: Path, write_portfolio) -> None:
    from click.testing import CliRunner

    from itpm_site.cli import cli

    for value, expected in (("{since: 2026-02-30}", "not a real date"), ("{sinse: 2026-02-01}", "sinse")):
        root = write_portfolio(
            tmp_path / value[1:6],
            {"site.yaml": f"report: {value}\n", "content/projects/a.md": _project("Gamma", "red")},
        )
        result = CliRunner().invoke(cli, ["check", "--root", str(root)])
        assert result.exit_code == 1, result.output
        assert expected in result.output and "site.yaml" in result.output


def test_first_section_and_paragraphs() -> None:
    assert first_section("Intro.\n\n## Next\n\nMore.") == "Intro."
    assert first_section("## Why\n\nBecause.\n\n## How\n\nLater.") == "## Why\n\nBecause."
    assert (
        first_section("## Why\n\n```\n# not a heading\n```\n\n## How\n")
        == "## Why\n\n```\n# not a heading\n```"
    )
    assert paragraphs_within("a" * 10 + "\n\n" + "b" * 10, 15) == ("a" * 10, True)
    assert paragraphs_within("a" * 30, 15) == ("a" * 30, False)  # the first, always
    assert css_string('x"\\<') == '"x\\000022 \\00005c \\00003c "'


def test_a_since_date_after_as_of_says_there_is_no_period(committee_repo: Path, tmp_path: Path) -> None:
    out = _build(committee_repo, tmp_path / "public", since=dt.date(2026, 12, 1))
    text = _text((out / "report" / "index.html").read_text(encoding="utf-8"))
    assert "is not before the as-of date: there is no period to list" in text
    assert "Status changes" not in text and "“Pilot” not done" not in text


def test_the_dashboard_health_by_program_covers_every_project(demo_site: Path) -> None:
    html = (demo_site / "index.html").read_text(encoding="utf-8")
    rows = html[html.index('<ul class="health-rows">') :]
    rows = rows[: rows.index("</ul>")]
    counts = re.findall(r'<span class="muted small">(\d+)</span>', rows)
    assert "<span>No program</span>" in rows
    assert sum(int(c) for c in counts) == len(list((demo_site / "projects").glob("*/index.html")))
