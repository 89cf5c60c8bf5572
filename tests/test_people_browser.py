"""The people pages in real headless Chromium: the /people/ table's team filter and sorting
(people.js), the capacity heat map read with colours off, and its fit: whole at laptop and
desktop widths, scrolling in its own box with the names pinned on a phone."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from sitetools import serve
from test_people_figures import _months, _recompute

pytestmark = pytest.mark.browser

PEOPLE = Path(__file__).resolve().parent.parent / "content" / "people"


def demo_people() -> dict[str, dict]:
    """slug -> front matter of each person of the demo, read without itpm-site."""
    return {
        path.stem: yaml.safe_load(path.read_text(encoding="utf-8").split("---\n", 2)[1])
        for path in sorted(PEOPLE.glob("*.md"))
    }


def slug_of(team: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in team.lower()).split())


@pytest.fixture(scope="module")
def site_url(demo_site: Path):
    with serve(demo_site, mount="/portfolio/") as url:
        yield url


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    yield page
    context.close()
    assert errors == []


def visible_names(page) -> list[str]:
    return page.eval_on_selector_all(
        "#people tbody tr:not([hidden]) th a", "links => links.map(a => a.textContent.trim())"
    )


def visible_sort_values(page, column: int) -> list[str]:
    return page.eval_on_selector_all(
        "#people tbody tr:not([hidden])",
        f"rows => rows.map(r => r.cells[{column}])"
        ".map(c => c.getAttribute('data-sort') ?? c.textContent.trim())",
    )


def test_the_team_filter_shows_exactly_that_team_and_says_how_many(page, site_url: str) -> None:
    people = demo_people()
    page.goto(site_url + "people/")
    assert page.locator("#people-controls").is_visible()  # shown by the script
    options = page.eval_on_selector_all("#f-team option", "os => os.map(o => [o.value, o.textContent])")
    teams = sorted({p["team"] for p in people.values()})
    assert options == [["", "All teams"], *[[slug_of(t), t] for t in teams]]
    for team in teams:
        page.select_option("#f-team", slug_of(team))
        expected = sorted(p["name"] for p in people.values() if p["team"] == team)
        assert sorted(visible_names(page)) == expected, team
        n = len(expected)
        assert page.inner_text("#people-count") == f"{n} {'person' if n == 1 else 'people'}"
    page.select_option("#f-team", "")
    assert len(visible_names(page)) == len(people)
    assert page.inner_text("#people-count") == f"{len(people)} people"


def test_sorting_by_name_team_and_load_this_month(page, site_url: str) -> None:
    people = demo_people()
    _, loads = _recompute()
    this_month = _months()[0]
    page.goto(site_url + "people/")
    header = page.locator("#people thead th")

    arrow = "b => getComputedStyle(b, '::after').content"
    assert header.nth(0).locator("button").evaluate(arrow) == '"↕"'  # the theme's sort buttons
    header.nth(0).locator("button").click()  # Name, ascending
    assert header.nth(0).get_attribute("aria-sort") == "ascending"
    assert header.nth(0).locator("button").evaluate(arrow) == '"↑"'
    assert visible_names(page) == sorted((p["name"] for p in people.values()), key=str.lower)
    header.nth(0).locator("button").click()  # and descending
    assert header.nth(0).get_attribute("aria-sort") == "descending"
    assert visible_names(page) == sorted((p["name"] for p in people.values()), key=str.lower, reverse=True)

    header.nth(1).locator("button").click()  # Team: one sort moves the others' aria-sort
    assert header.nth(0).get_attribute("aria-sort") is None
    teams = visible_sort_values(page, 1)
    assert teams == sorted(teams, key=str.lower)

    header.nth(4).locator("button").click()  # load this month, numerically, lowest first
    shown = [int(v) for v in visible_sort_values(page, 4)]
    by_slug = {p["name"]: slug for slug, p in people.items()}
    assert shown == sorted(loads[slug, this_month] for slug in people)
    # Each row moved whole: its name goes with its own load.
    for name, load in zip(visible_names(page), shown, strict=True):
        assert loads[by_slug[name], this_month] == load, name


def test_filter_and_sort_together(page, site_url: str) -> None:
    people = demo_people()
    page.goto(site_url + "people/")
    page.select_option("#f-team", "security")
    page.locator("#people thead th").nth(3).locator("button").click()  # capacity
    capacities = [int(v) for v in visible_sort_values(page, 3)]
    security = [p for p in people.values() if p["team"] == "Security"]
    assert capacities == sorted(p.get("capacity", 100) for p in security)
    assert sorted(visible_names(page)) == sorted(p["name"] for p in security)


#: Every load cell of the heat map and every team total: its figures, whether it says it is
#: over (a '▲' and the words, not only a colour), and the marker's size on screen.
HEAT_CELLS = """() => [...document.querySelectorAll('#capacity-heatmap td')].map(td => {
  const marker = [...td.querySelectorAll('[aria-hidden=true]')].find(s => s.textContent.includes('▲'));
  const box = marker ? marker.getBoundingClientRect() : null;
  return {
    kind: td.dataset.figure,
    text: td.textContent.replace(/\\s+/g, ' ').trim(),
    seen: td.innerText.replace(/\\s+/g, ' ').trim(),
    available: td.dataset.available ? Number(td.dataset.available) : null,
    shade: td.className,
    marker: !!(box && box.width > 0 && box.height > 0),
  };
})"""


@pytest.mark.parametrize("forced", ["none", "active"])
def test_over_capacity_cells_say_so_without_colour(browser, site_url: str, forced: str) -> None:
    """With forced colours (the user's own colours replace the shades) and without: each cell
    over capacity shows a '▲' marker and reads 'over capacity'; no other cell does."""
    context = browser.new_context(viewport={"width": 1440, "height": 900}, forced_colors=forced)
    page = context.new_page()
    page.goto(site_url + "capacity/")
    cells = page.evaluate(HEAT_CELLS)
    context.close()
    loads = [c for c in cells if c["kind"] == "load"]
    assert len(loads) == len(demo_people()) * 12
    over = 0
    for c in loads:
        load = int(c["text"].split("%")[0].lstrip("▲ "))
        if load > c["available"]:
            over += 1
            assert c["marker"] and c["seen"].startswith("▲"), c
            assert f"over capacity of {c['available']}%" in c["text"], c
            assert "heat-4" in c["shade"]
        else:
            assert "▲" not in c["text"] and "over" not in c["text"] and "heat-4" not in c["shade"], c
    assert over >= 10  # the demo has people over capacity on purpose
    teams_over = [c for c in cells if c["kind"] == "team-fte" and "heat-4" in c["shade"]]
    assert all(c["marker"] and "over capacity" in c["text"] for c in teams_over)


#: Each table box of main: how wide its content is against its box; and the page's own width.
BOXES = """() => ({
  page: [document.documentElement.scrollWidth, document.documentElement.clientWidth],
  boxes: [...document.querySelectorAll('main .table-wrap, main .chart-wrap')]
    .filter(e => e.getClientRects().length)
    .map(e => [e.getAttribute('aria-label') || e.className, e.scrollWidth, e.clientWidth]),
})"""


@pytest.mark.parametrize("width", [1024, 1280, 1440])
@pytest.mark.parametrize("path", ["people/", "people/luka-meskhi/", "capacity/"])
def test_people_pages_fit_whole_on_a_laptop(browser, site_url: str, path: str, width: int) -> None:
    """The heat map scrolls on purpose on a narrow screen (so the layout test leaves it out);
    from 1024 px up, it and every other table fit their box: nothing to scroll to."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(site_url + path)
    found = page.evaluate(BOXES)
    context.close()
    assert found["page"][0] <= found["page"][1]
    assert found["boxes"]
    assert [b for b in found["boxes"] if b[1] > b[2] + 1] == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_phone_heat_map_scrolls_in_its_box_with_the_names_pinned(browser, site_url: str, scheme: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, color_scheme=scheme)
    page = context.new_page()
    page.goto(site_url + "capacity/")
    doc = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert doc[0] <= doc[1]  # the page itself never scrolls sideways
    wrap = page.locator(".heatmap-scroll")
    assert wrap.get_attribute("tabindex") == "0"  # reachable by keyboard
    assert wrap.evaluate("e => e.scrollWidth > e.clientWidth")
    wrap.evaluate("e => { e.scrollLeft = e.scrollWidth; }")
    page.wait_for_timeout(100)
    # Scrolled to the last month, each name is still at the left edge of the box, on top.
    names = page.evaluate("""() => {
      const box = document.querySelector('.heatmap-scroll').getBoundingClientRect();
      return [...document.querySelectorAll('#capacity-heatmap tr[data-person] > th')].slice(0, 6).map(th => {
        th.scrollIntoView({block: 'center', inline: 'nearest', behavior: 'instant'});
        const r = th.getBoundingClientRect();
        const hit = document.elementFromPoint(r.left + 6, r.top + r.height / 2);
        return {left: Math.round(r.left - box.left), top: !!hit && th.contains(hit)};
      });
    }""")
    assert names and all(n["left"] <= 2 and n["top"] for n in names), names
    last = page.locator("#capacity-heatmap thead th").last.bounding_box()
    box = wrap.bounding_box()
    assert last["x"] + last["width"] <= box["x"] + box["width"] + 1  # the last month is reachable
    context.close()
