"""The projects explorer (projects/) in real headless Chromium: sorting, filtering, the URL."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from sitetools import serve

pytestmark = pytest.mark.browser

DEMO = Path(__file__).resolve().parent.parent / "content" / "projects"


def demo_projects() -> list[dict]:
    """Front matter of the demo's projects, read without itpm-site."""
    return [
        yaml.safe_load(path.read_text(encoding="utf-8").split("---\n", 2)[1])
        for path in sorted(DEMO.rglob("*.md"))
    ]


@pytest.fixture(scope="module")
def site_url(demo_site: Path):
    with serve(demo_site, mount="/portfolio/") as url:
        yield url


@pytest.fixture
def page(browser):
    # Wide enough that every column this file sorts by is shown (they fold on narrower screens).
    context = browser.new_context(viewport={"width": 1600, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    yield page
    context.close()
    assert errors == []


def visible_titles(page) -> list[str]:
    return page.eval_on_selector_all(
        "#explorer tbody tr:not([hidden]) .project-title", "links => links.map(a => a.textContent)"
    )


def column_values(page, index: int) -> list[str]:
    return page.eval_on_selector_all(
        "#explorer tbody tr:not([hidden])",
        f"rows => rows.map(r => r.cells[{index}].getAttribute('data-sort'))",
    )


def test_a_status_filter_shows_exactly_those_projects_and_says_so(page, site_url: str) -> None:
    red = sorted(p["title"] for p in demo_projects() if str(p.get("status", "")).lower() == "red")
    page.goto(site_url + "projects/")
    page.select_option("#f-status", "red")
    assert sorted(visible_titles(page)) == red
    assert page.inner_text("#explorer-count") == f"Showing {len(red)} of {len(demo_projects())} projects"
    assert "status=red" in page.url


def test_text_search_finds_words_shown_in_the_row_and_tags(page, site_url: str) -> None:
    projects = demo_projects()
    page.goto(site_url + "projects/")
    page.fill("#f-q", "tbilisi")
    expected = sorted(
        p["title"]
        for p in projects
        if "tbilisi"
        in (" ".join([p["title"], p.get("summary", ""), p.get("owner", ""), *p.get("tags", [])]).lower())
    )
    assert expected and sorted(visible_titles(page)) == expected
    # A tag is found though the table does not show tags.
    tag = next(t for p in projects for t in p.get("tags", []))
    page.fill("#f-q", tag)
    assert set(visible_titles(page)) >= {p["title"] for p in projects if tag in p.get("tags", [])}


def test_headers_sort_numbers_largest_first_then_reverse(page, site_url: str) -> None:
    page.goto(site_url + "projects/")
    page.click("#explorer th[data-key=budget] button")
    budgets = [float(v) for v in column_values(page, 6) if v]
    assert budgets == sorted(budgets, reverse=True) and len(budgets) > 10
    assert page.get_attribute("#explorer th[data-key=budget]", "aria-sort") == "descending"
    page.click("#explorer th[data-key=budget] button")
    budgets = [float(v) for v in column_values(page, 6) if v]
    assert budgets == sorted(budgets)
    # Text sorts by what the cell shows, case-insensitively, and '–' (none) goes last.
    page.click("#explorer th[data-key=program] button")
    programs = page.eval_on_selector_all(
        "#explorer tbody tr", "rows => rows.map(r => r.cells[4].textContent.trim())"
    )
    named = [p for p in programs if p != "–"]
    assert named == sorted(named, key=str.lower)
    assert programs[len(named) :] == ["–"] * (len(programs) - len(named))


def test_the_fte_column_from_the_registry_sorts_as_a_number(page, site_url: str) -> None:
    """The FTE column is declared in the field registry alone; the explorer sorts it like the
    template's own columns, largest first, and by the URL."""
    page.goto(site_url + "projects/?sort=fte&dir=desc")
    assert page.get_attribute("#explorer th[data-key=fte]", "aria-sort") == "descending"
    index = page.eval_on_selector_all(
        "#explorer thead th", "ths => ths.findIndex(th => th.getAttribute('data-key') === 'fte')"
    )
    loads = [int(v) for v in column_values(page, index)]
    assert loads == sorted(loads, reverse=True) and loads[0] > loads[-1]
    page.click("#explorer th[data-key=fte] button")
    assert [int(v) for v in column_values(page, index)] == sorted(loads)


def test_the_url_restores_filters_and_sort(page, site_url: str) -> None:
    page.goto(site_url + "projects/?phase=implementation&sort=risk&dir=desc")
    assert page.input_value("#f-phase") == "implementation"
    phases = page.eval_on_selector_all(
        "#explorer tbody tr:not([hidden])", "rows => rows.map(r => r.dataset.phase)"
    )
    assert phases and set(phases) == {"implementation"}
    scores = [int(v) for v in column_values(page, 9) if v]  # after planned, EAC and variance
    assert scores == sorted(scores, reverse=True)


def test_the_dashboard_links_every_flagged_project(page, site_url: str) -> None:
    page.goto(site_url)
    cards = page.locator(".attention-card").count()
    link = page.locator("a[href$='projects/?flagged=yes']")
    assert link.count() == 1
    total = int(link.inner_text().split()[1])
    assert total > cards
    link.click()
    page.wait_for_url("**/projects/?flagged=yes")
    assert page.input_value("#f-flagged") == "yes"
    assert len(visible_titles(page)) == total
