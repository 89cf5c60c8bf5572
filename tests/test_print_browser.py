"""Print: Chromium's PDFs of the demo's project pages and of the steering-committee pack.

A project's status, key facts, budget, risks and the start of its milestones are on its first
A4 page; no card is split by a page break; the pack prints its summary, then one page per
project. Geometry is read in print emulation at the width of an A4 page's printable area."""

from __future__ import annotations

import html
import io
import re
from pathlib import Path

import pypdf
import pytest
from sitetools import parse, serve

pytestmark = pytest.mark.browser

# A4 less the 12 mm margins of print.css, in CSS pixels (96 per inch).
PAGE_WIDTH = round((210 - 24) / 25.4 * 96)
PAGE_HEIGHT = round((297 - 24) / 25.4 * 96)

#: Top and bottom (page coordinates) of the elements a first page must hold, and of every card.
GEOMETRY = """() => {
  const box = e => { const r = e.getBoundingClientRect();
                     return [r.top + window.scrollY, r.bottom + window.scrollY]; };
  const first = s => { const e = document.querySelector(s); return e ? box(e) : null; };
  return {
    status: first('.status-card'), facts: first('#facts-h'), budget: first('#budget-h'),
    risks: first('#risks-h'), milestones: first('#ms-h'),
    first_milestone: first(':is(section[aria-labelledby="ms-h"]) :is(tbody tr, .empty)'),
    // A project's description flows across pages like any document's text (no box in print).
    cards: [...document.querySelectorAll('main .card:not(.prose), main .kpi, main .report-project')]
      .filter(e => e.getClientRects().length)
      .map(e => ({box: box(e), avoid: getComputedStyle(e).breakInside,
                  before: getComputedStyle(e).breakBefore, text: e.textContent.trim().slice(0, 30)})),
    hidden: [...document.querySelectorAll('.main-nav, .header-search, .exports, .source, .nav-toggle')]
      .filter(e => e.getClientRects().length).map(e => e.className),
    // External links with their address printed after them.
    external: [...document.querySelectorAll('main a[href^="http"]')]
      .map(a => [a.getAttribute('href'), getComputedStyle(a, '::after').content]),
  };
}"""


def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))


@pytest.fixture(scope="module")
def print_page(browser, demo_site: Path):
    with serve(demo_site, mount="/portfolio/") as url:
        context = browser.new_context(viewport={"width": PAGE_WIDTH, "height": PAGE_HEIGHT})
        page = context.new_page()
        page.emulate_media(media="print")

        def open_(path: str):
            page.goto(url + path)
            return page

        yield open_
        context.close()


def project_paths(demo_site: Path) -> list[str]:
    return sorted(
        p.parent.relative_to(demo_site).as_posix() + "/"
        for p in (demo_site / "projects").glob("*/index.html")
    )


def test_a_project_prints_its_essentials_on_the_first_page(print_page, demo_site: Path) -> None:
    paths = project_paths(demo_site)
    assert len(paths) >= 20
    late, split, pages = [], [], {}
    printed_urls = 0
    for path in paths:
        page = print_page(path)
        g = page.evaluate(GEOMETRY)
        assert g["hidden"] == [], path
        for href, after in g["external"]:
            assert href in after, (path, href, after)
        printed_urls += len(g["external"])
        for key in ("status", "facts", "budget", "risks", "milestones", "first_milestone"):
            if g[key] is None or g[key][1] > PAGE_HEIGHT:
                late.append(f"{path}: {key}")
        for card in g["cards"]:
            top, bottom = card["box"]
            # Kept whole: the card asks not to be split, and fits on one page.
            if card["avoid"] != "avoid" or bottom - top > PAGE_HEIGHT:
                split.append(f"{path}: {card['text']!r} ({round(bottom - top)} px, {card['avoid']})")
        pages[path] = pdf_pages(page.pdf(format="A4", print_background=True))
    assert late == []
    assert split == []
    assert printed_urls >= 10  # the demo's projects link their trackers and wikis
    # The essentials on page one, then dependencies, team, links and the description: two or
    # three pages (it was three or four, with cards split across them).
    assert set(pages.values()) <= {2, 3}, pages


def test_the_steering_committee_pack_prints_one_project_per_page(print_page, demo_site: Path) -> None:
    """The PDF Chromium prints, read back as text: the cover, "since the last committee",
    then one page per project; every page with the running header and footer."""
    page = print_page("report/")
    g = page.evaluate(GEOMETRY)
    projects = [c for c in g["cards"] if c["before"] == "page"]
    listed = parse(demo_site / "report" / "index.html").find_all("article")
    assert len(projects) == len(listed) >= 5
    for card in projects:
        assert card["avoid"] == "avoid"
    reader = pypdf.PdfReader(io.BytesIO(page.pdf(format="A4", print_background=True)))
    texts = [" ".join(p.extract_text().split()) for p in reader.pages]
    total = len(texts)
    # Cover, "since the last committee" (with the index of the pack), then one page each.
    assert total == 2 + len(projects), [t[:120] for t in texts]
    for number, text in enumerate(texts, start=1):
        # The running header and footer (CSS @page margin boxes), on every page.
        assert "Kartli Mutual — IT Project Portfolio" in text, number
        assert "As of 20 Nov 2026" in text, number
        assert f"Page {number} of {total}" in text, number
        assert "Steering-committee pack" in text, number
    cover, since, *pages = texts
    # The cover's figures: RAG counts and the budget by program and currency, as on the
    # dashboard (the demo's 32 projects; USD with EUR and GEL converted).
    assert "21 Green 9 Amber 2 Red" in cover
    assert "Health (RAG) of 32 projects" in cover
    assert "No program 1 777,000 762,200 -14,800" in cover
    assert "Total 31 20,295,100 20,695,940 +400,840" in cover
    assert "GEL 7 9,510,000 9,510,000 0.37 3,518,700 3,518,700" in cover
    assert "20.3M USD" in cover  # the dashboard's planned budget
    assert "Since the last committee From 21 Oct 2026" in since
    assert "Milestones missed 5" in since
    titles = re.findall(
        r'id="report-[^"]+-h"><a href="[^"]+">([^<]+)</a>',
        (demo_site / "report/index.html").read_text("utf-8"),
    )
    assert len(titles) == len(pages)
    for title, text in zip(titles, pages, strict=True):
        body = text.split("Steering-committee pack", 1)[-1]
        assert body.lstrip().startswith(html.unescape(title)), (title, text[:200])
        assert "LIVE RISKS" in body.upper() and "MILESTONES" in body.upper()
