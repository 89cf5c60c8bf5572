"""The Georgian site in Chromium: what the scripts write (search results and their filters,
the explorer's count and sort state, the people table) is in Georgian too, checked against
every English message of the catalog as the static test checks the built pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from sitetools import serve
from test_i18n import _patterns

pytestmark = pytest.mark.browser

#: Visible text and labels, outside the user's own Markdown and the check's English messages.
VISIBLE = """() => {
  const skip = el => el.closest('.prose, [lang="en"], script, style, code, pre, kbd');
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || skip(el) || !node.textContent.trim() || !el.getClientRects().length) continue;
    out.push(node.textContent);
  }
  for (const el of document.body.querySelectorAll('[title], [aria-label], [alt], [placeholder]')) {
    if (skip(el)) continue;
    for (const name of ['title', 'aria-label', 'alt', 'placeholder']) {
      const value = el.getAttribute(name);
      if (value) out.push(value);
    }
  }
  return out;
}"""


@pytest.fixture(scope="module")
def ka_url(demo_site_ka: Path):
    with serve(demo_site_ka, mount="/portfolio/") as url:
        yield url


def _english(texts: list[str]) -> list[str]:
    patterns = _patterns()
    return sorted({t.strip() for t in texts if any(p.fullmatch(t) for p in patterns)})


@pytest.mark.parametrize(
    ("path", "act"),
    [
        # Results, their facets and the filter a status word applies, written by search.js.
        ("search/?q=ბიუჯეტ", None),
        ("search/?q=წითელი", None),
        ("search/?q=zzzqqq", None),
        # The explorer's count, filtered and sorted from the URL.
        ("projects/?status=red&sort=budget&dir=desc", None),
        # The people table, filtered by team in the page.
        ("people/", "select"),
    ],
)
def test_script_written_text_is_georgian(browser, ka_url: str, path: str, act: str | None) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(ka_url + path)
    page.wait_for_load_state("networkidle")
    if path.startswith("search/"):
        # The status line says how many were found (or that none were) once the query ran.
        page.wait_for_function("() => document.getElementById('search-status').textContent.trim() !== ''")
        found = page.locator("#search-results > *").count()
        assert (found > 0) == ("zzzqqq" not in path), path
    if act == "select":
        select = page.locator("#f-team")
        select.select_option(index=1)
    texts = page.evaluate(VISIBLE)
    assert texts, "no visible text read"
    assert _english(texts) == [], path
    context.close()
