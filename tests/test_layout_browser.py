"""Layout in real headless Chromium: every page type of the demo at desktop and phone sizes,
light and dark. Nothing in main is wider than its box (only the charts scroll sideways), the
page never scrolls sideways, every navigation link can be reached; the explorer is dense."""

from __future__ import annotations

from pathlib import Path

import pytest
from sitetools import once_per_run, serve

pytestmark = pytest.mark.browser

PAGE_TYPES = [
    "",
    "projects/",
    "projects/customer-portal-redesign/",
    "projects/policy-admin-migration/",
    "phases/",
    "phases/implementation/",
    "programs/",
    "programs/digital-channels/",
    "owners/",
    "owners/nino-beridze/",
    "categories/",
    "categories/software/",
    "tags/",
    "tags/security/",
    "risks/",
    "budget/",
    "roadmap/",
    "milestones/",
    "quality/",
    "report/",
    "search/?q=vendor",
    "about/",
    "people/",
    "people/luka-meskhi/",
    "capacity/",
    "no-such-page/",
]
VIEWPORTS = {
    "desktop": (1440, 900),
    "laptop": (1280, 800),
    # Tablets: landscape keeps the tables (tighter, some columns folded), portrait stacks them.
    "tablet-landscape": (1024, 768),
    "tablet-portrait": (768, 1024),
    "phone": (390, 844),
}
#: Where the navigation is folded behind a Menu button.
FOLDED_NAV = {"phone"}

#: What overflows its box in main: tables, their cells and their boxes, and any other element
#: wider than main, outside the charts that scroll on purpose (roadmap, heat map, bars); and
#: any figure broken over two lines.
OVERFLOW = """() => {
  const out = [];
  const doc = document.documentElement;
  if (doc.scrollWidth > doc.clientWidth) out.push(`page ${doc.scrollWidth} > ${doc.clientWidth}`);
  const main = document.querySelector('main');
  const right = main.getBoundingClientRect().right + 1;
  const name = e => e.tagName.toLowerCase()
    + (typeof e.className === 'string' && e.className ? '.' + e.className.trim().split(/\\s+/).join('.') : '')
    + ' "' + e.textContent.trim().slice(0, 40) + '"';
  for (const e of main.querySelectorAll('table, th, td, .table-wrap')) {
    if (e.closest('.chart-scroll') || !e.getClientRects().length) continue;
    if (e.scrollWidth > e.clientWidth + 1) {
      out.push(`${name(e)}: ${e.scrollWidth} > ${e.clientWidth}`);
    }
  }
  for (const e of main.querySelectorAll('*')) {
    // Charts scroll on purpose; a phone's card table keeps its header row for screen readers.
    if (e.closest('.chart-scroll, .is-stackable > thead, .visually-hidden')) continue;
    if (!e.getClientRects().length) continue;
    const r = e.getBoundingClientRect();
    if (r.width && r.right > right) {
      out.push(`${name(e)} ends at ${Math.round(r.right)} > ${Math.round(right)}`);
    }
  }
  // A figure never breaks inside itself: each text with a digit lies on one line.
  for (const e of main.querySelectorAll('td.num, .kpi-value, .money, .ms-date')) {
    if (e.closest('.chart-scroll') || !e.getClientRects().length) continue;
    const walker = document.createTreeWalker(e, NodeFilter.SHOW_TEXT);
    for (let t = walker.nextNode(); t; t = walker.nextNode()) {
      if (!/[0-9]/.test(t.data)) continue;
      const range = document.createRange();
      range.selectNodeContents(t);
      const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
      if (lines.size > 1) out.push(`${name(e)}: "${t.data.trim()}" on ${lines.size} lines`);
    }
  }
  return out.slice(0, 8);
}"""

#: Navigation links that cannot be seen and clicked (outside the viewport, hidden, covered).
UNREACHABLE_NAV = """() => [...document.querySelectorAll('#main-nav a')].filter(a => {
  const r = a.getBoundingClientRect();
  if (!r.width || !r.height || r.left < 0 || r.right > document.documentElement.clientWidth) return true;
  const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  return !(hit && a.contains(hit));
}).map(a => a.textContent.trim())"""


@pytest.fixture(scope="module")
def site_url(demo_site: Path):
    with serve(demo_site, mount="/portfolio/") as url:
        yield url


@pytest.fixture(scope="module")
def unconverted_url(tmp_path_factory):
    """The demo without exchange rates: USD, EUR and GEL each apart, in every rollup."""
    import datetime as dt
    import shutil

    from conftest import DEMO_AS_OF, DEMO_ROOT

    from itpm_site.build import BuildOptions, build_site

    def make(folder: Path) -> None:
        root = folder / "portfolio"
        shutil.copytree(DEMO_ROOT / "content", root / "content")
        config = (DEMO_ROOT / "site.yaml").read_text(encoding="utf-8")
        (root / "site.yaml").write_text(
            "\n".join(line for line in config.splitlines() if not line.startswith(("exchange_rates", "  "))),
            encoding="utf-8",
        )
        as_of = dt.date.fromisoformat(DEMO_AS_OF)
        result = build_site(BuildOptions(root=root, output=folder / "public", as_of=as_of, search=False))
        assert result.ok
        portfolio = result.site.portfolio
        assert not portfolio.rates_used and len(portfolio.unconvertible_currencies) == 2

    out = once_per_run(tmp_path_factory, "unconverted", make) / "public"
    with serve(out, mount="/portfolio/") as url:
        yield url


#: The pages that show money rolled up: where several currencies without a rate meet.
MONEY_PAGES = [
    "",
    "programs/",
    "programs/digital-channels/",
    "owners/",
    "categories/",
    "categories/software/",
    "budget/",
    "report/",
    "projects/",
]


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_several_unconverted_currencies_fit(browser, unconverted_url: str, size: str) -> None:
    """Program cards, KPI tiles and tables put one currency per line inside their box."""
    width, height = VIEWPORTS[size]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    problems = {}
    for path in MONEY_PAGES:
        page.goto(unconverted_url + path)
        found = page.evaluate(OVERFLOW)
        if found:
            problems[path or "/"] = found
    # A program with budgets in two currencies shows both, each on its own line in its card.
    page.goto(unconverted_url + "programs/")
    lines = page.evaluate("""() => [...document.querySelectorAll('.program-card .mini-facts dd')]
        .filter(dd => dd.querySelectorAll('.series-line').length > 1)
        .map(dd => [...dd.querySelectorAll('.series-line')]
          .map(l => Math.round(l.getBoundingClientRect().top)))""")
    context.close()
    assert problems == {}, "\n".join(f"{k}: {v}" for k, v in problems.items())
    assert lines, "no program card holds several currencies"
    for tops in lines:
        assert len(set(tops)) == len(tops)  # one line each


@pytest.fixture(scope="module")
def ka_site_url(demo_site_ka: Path):
    with serve(demo_site_ka, mount="/portfolio/") as url:
        yield url


# One test per viewport: each is a sweep of every page type, in both colour schemes. The scheme
# only changes colours, but the dark stylesheet is checked too: it is switched on the loaded page
# (the theme's scripts never read the scheme), so a sweep loads each page once.
@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_every_page_type_fits_its_viewport(browser, site_url: str, size: str) -> None:
    assert_pages_fit(browser, site_url, size, ("light", "dark"))


#: Georgian words are long (სტატუსის, ინფრასტრუქტურა): the widths where tables are tightest.
@pytest.mark.parametrize("size", ["desktop", "laptop", "phone"])
def test_every_georgian_page_type_fits_its_viewport(browser, ka_site_url: str, size: str) -> None:
    assert_pages_fit(browser, ka_site_url, size, ("light",))


def assert_pages_fit(browser, site_url: str, size: str, schemes: tuple[str, ...]) -> None:
    width, height = VIEWPORTS[size]
    problems: dict[str, list[str]] = {}
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    for path in PAGE_TYPES:
        page.emulate_media(color_scheme=schemes[0])
        page.goto(site_url + path)
        for scheme in schemes:
            page.emulate_media(color_scheme=scheme)
            found = page.evaluate(OVERFLOW)
            if found:
                problems[f"{scheme} {path or '/'}"] = found
        if size in FOLDED_NAV:
            toggle = page.locator(".nav-toggle")
            assert toggle.is_visible(), path
            assert page.locator("#main-nav a").first.is_hidden()  # folded until asked for
            toggle.click()
            assert toggle.get_attribute("aria-expanded") == "true"
        else:
            assert page.locator(".nav-toggle").is_hidden(), path
        unreachable = page.evaluate(UNREACHABLE_NAV)
        if unreachable:
            problems.setdefault(path or "/", []).append(f"navigation links out of reach: {unreachable}")
    context.close()
    assert problems == {}, "\n".join(f"{k}: {v}" for k, v in problems.items())


def test_explorer_is_dense_with_a_density_switch_and_a_sticky_header(browser, site_url: str) -> None:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.goto(site_url + "projects/")
    above_fold = page.evaluate("""() => [...document.querySelectorAll('#explorer tbody tr')]
        .filter(r => r.getBoundingClientRect().bottom <= window.innerHeight).length""")
    assert above_fold >= 15
    # The summary is the title's tooltip in the compact view.
    first = page.locator("#explorer tbody tr .project-title").first
    assert first.get_attribute("title")
    assert page.locator("#explorer tbody tr .summary").first.is_hidden()
    assert page.get_attribute("[data-density=compact]", "aria-pressed") == "true"

    page.click("[data-density=comfortable]")
    assert "density=comfortable" in page.url
    assert page.locator("#explorer tbody tr .summary").first.is_visible()
    # Remembered: the explorer opens comfortable next time, even without the parameter.
    page.goto(site_url + "projects/")
    assert page.get_attribute("[data-density=comfortable]", "aria-pressed") == "true"
    page.click("[data-density=compact]")
    assert "density" not in page.url

    page.mouse.wheel(0, 700)
    page.wait_for_function("window.scrollY > 500")
    top = page.evaluate("document.querySelector('#explorer thead th').getBoundingClientRect().top")
    assert abs(top) <= 1  # the header row stays at the top of the window
    context.close()


def test_phone_explorer_folds_its_filters_and_counts_them(browser, site_url: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(site_url + "projects/")
    summary = page.locator("#explorer-filters > summary")
    assert " ".join(summary.inner_text().split()) == "Filters (0)"
    assert page.locator("#f-status").is_hidden()
    # The first project is on the first screen, not two screens of filters down.
    first_row = page.evaluate("document.querySelector('#explorer tbody tr').getBoundingClientRect().top")
    assert first_row < 844
    summary.click()
    page.select_option("#f-status", "red")
    page.select_option("#f-phase", "implementation")
    assert " ".join(summary.inner_text().split()) == "Filters (2)"
    # Rows are cards whose cells say what they are.
    label = page.evaluate("""() => getComputedStyle(
        document.querySelector('#explorer tbody tr:not([hidden]) td[data-label]'), '::before').content""")
    assert label.strip('"') in {"Phase", "Status"}
    context.close()


def relative_luminance(rgb: str) -> float:
    parts = [float(v) for v in rgb[rgb.index("(") + 1 : rgb.index(")")].replace(",", " ").split()[:3]]

    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in parts)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_roadmap_names_legend_and_markers(browser, site_url: str, scheme: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, color_scheme=scheme)
    page = context.new_page()
    page.goto(site_url + "roadmap/")
    # On a phone the roadmap opens scrolled to today, which is in view.
    wrap = page.locator(".roadmap-wrap")
    assert wrap.evaluate("e => e.scrollLeft") > 0
    line = page.locator(".roadmap .today line").bounding_box()
    box = wrap.bounding_box()
    assert box["x"] <= line["x"] <= box["x"] + box["width"]
    # Scrolled to today, the names stay in view at the left edge (a sticky name column), and
    # above the bars they name; the same while the reader scrolls.
    for scroll in (None, 0.6):
        if scroll is not None:
            wrap.evaluate(f"e => {{ e.scrollLeft = e.scrollWidth * {scroll}; }}")
            page.wait_for_timeout(100)
        names = page.evaluate("""() => [...document.querySelectorAll('.roadmap .row-title')].map(t => {
          const r = t.getBoundingClientRect();
          const hit = document.elementFromPoint(r.left + 4, r.top + r.height / 2);
          const inView = r.top >= 0 && r.bottom <= window.innerHeight;
          return {left: r.left, inView, seen: !!hit && !!hit.closest('.roadmap-names')};
        })""")
        assert names and all(box["x"] <= n["left"] <= box["x"] + 60 for n in names), names[:3]
        assert any(n["inView"] for n in names)
        assert all(n["seen"] for n in names if n["inView"]), names[:3]
    # Full names, never cut: each row's link carries the full name, and its lines make it up.
    for link in page.locator(".roadmap a:has(.row-title)").all():
        full = link.locator("title").text_content()
        shown = " ".join(t.text_content() for t in link.locator("tspan").all())
        assert shown == full and "…" not in shown
    legend = page.locator(".roadmap-legend").inner_text()
    for entry in ("On hold", "Cancelled", "Milestone done", "Milestone overdue", "Milestone upcoming"):
        assert entry in legend
    colours = page.evaluate("""() => {
      const style = s => getComputedStyle(document.querySelector('.roadmap ' + s));
      return {done: style('.ms-done').fill, upcoming_fill: style('.ms-upcoming').fill,
              upcoming_edge: style('.ms-upcoming').stroke, overdue: style('.ms-overdue').fill,
              background: getComputedStyle(document.querySelector('.roadmap-wrap')).backgroundColor};
    }""")
    assert contrast(colours["done"], colours["upcoming_fill"]) >= 3
    assert contrast(colours["done"], colours["background"]) >= 3
    assert contrast(colours["upcoming_edge"], colours["background"]) >= 3
    assert contrast(colours["overdue"], colours["background"]) >= 3
    # An overdue marker is drawn after (above) the slip hatch of its row.
    order = page.evaluate("""() => [...document.querySelectorAll('.roadmap g[aria-hidden]')]
        .filter(g => g.querySelector('.bar-slip') && g.querySelector('.ms-overdue'))
        .map(g => [...g.querySelectorAll('.bar-slip, .ms-overdue')].map(e => e.getAttribute('class')))""")
    assert order and all(row[0] == "bar-slip" for row in order)
    context.close()


#: For each filter of the explorer: the text its select shows, and whether that text fits.
FILTERS = """() => [...document.querySelectorAll('#explorer-controls select')].map(s => {
  const probe = document.createElement('span');
  const style = getComputedStyle(s);
  probe.style.font = style.font;
  probe.style.position = 'absolute';
  probe.style.whiteSpace = 'pre';
  probe.textContent = s.options[s.selectedIndex].text;
  document.body.append(probe);
  const text = probe.getBoundingClientRect().width;
  probe.remove();
  const inner = s.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  return {id: s.id, text: probe.textContent, fits: text <= inner};
})"""

#: Titles cut short in the explorer, and how wide the project column is.
TITLES = """() => {
  const rows = [...document.querySelectorAll('#explorer tbody tr')];
  // A title cut short while its cell has room left beside it (beyond its state badge).
  const cut = rows.map(r => r.querySelector('.project-title'))
    .filter(a => a.scrollWidth > a.clientWidth + 1)
    .filter(a => {
      const cell = a.closest('td'), cs = getComputedStyle(cell);
      const inner = cell.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
      const badge = a.nextElementSibling && a.nextElementSibling.matches('.badge.state')
        ? a.nextElementSibling.getBoundingClientRect().width + 12 : 0;
      return inner - badge - a.clientWidth > 24;
    })
    .map(a => a.textContent.trim());
  const cell = document.querySelector('#explorer thead th');
  const visible = k => [...document.querySelectorAll(`#explorer thead th.col-${k}`)]
    .some(th => th.getClientRects().length);
  const wrap = document.querySelector('.explorer-wrap');
  return {cut, width: cell.getBoundingClientRect().width, eac: visible('eac'), variance: visible('variance'),
          table: document.querySelector('#explorer').getBoundingClientRect().width, box: wrap.clientWidth};
}"""


@pytest.mark.parametrize(
    ("width", "eac", "variance"), [(1680, True, True), (1440, True, False), (1024, False, False)]
)
def test_explorer_titles_filters_and_money_columns(
    browser, site_url: str, width: int, eac: bool, variance: bool
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(site_url + "projects/")
    filters = page.evaluate(FILTERS)
    # Each filter says what it filters, in full.
    assert [f["text"] for f in filters] == [
        "All phases",
        "All statuses",
        "All states",
        "All programs",
        "All owners",
        "All categories",
        "All tags",
        "With or without flags",
    ]
    assert [f["id"] for f in filters if not f["fits"]] == []
    titles = page.evaluate(TITLES)
    # The money columns fold by priority: variance first, then the forecast (EAC).
    assert (titles["eac"], titles["variance"]) == (eac, variance)
    if width >= 1400:
        # One line per project (compact): the project column takes the width the other
        # columns leave, and a title is cut only where its cell has no room left.
        assert titles["width"] > 16 * 16
        assert titles["cut"] == []
        assert titles["table"] <= titles["box"] + 1
    context.close()
