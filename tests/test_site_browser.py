"""The built demo in real headless Chromium, served over HTTP under a sub-path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sitetools import NODE_MODULES, serve

pytestmark = pytest.mark.browser

AXE = NODE_MODULES / "axe-core" / "axe.min.js"

#: One page of every template, as URLs relative to the site root.
PAGE_TYPES = [
    "",
    "projects/",
    "projects/customer-portal-redesign/",
    "projects/tbilisi-branch-network-refresh/",
    "phases/",
    "phases/implementation/",
    "programs/",
    "programs/digital-channels/",
    "programs/data-analytics/",
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
    "about/",
    "people/",
    "people/luka-meskhi/",
    "capacity/",
    "no-such-page/",
]


@pytest.fixture(scope="module")
def site_url(demo_site: Path):
    with serve(demo_site, mount="/portfolio/") as url:
        yield url


class Tab:
    """One browser tab for a module's sweep of pages, with what went wrong on the page open."""

    def __init__(self, browser) -> None:
        self.context = browser.new_context()
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self._in_flight: set = set()
        page = self.page
        # The page asked for at a missing address is logged by Chromium as a 404: expected.
        page.on(
            "console",
            lambda m: (
                self.problems.append(f"console {m.type}: {m.text}")
                if m.type in ("error", "warning") and "no-such-page" not in (m.location or {}).get("url", "")
                else None
            ),
        )
        page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        page.on("requestfailed", lambda r: self.problems.append(f"failed request: {r.url}"))
        page.on(
            "response",
            lambda r: (
                self.problems.append(f"HTTP {r.status}: {r.url}")
                if r.status >= 400 and not r.url.endswith("/no-such-page/")
                else None
            ),
        )
        page.on("request", lambda r: self._in_flight.add(r))
        page.on("requestfinished", lambda r: self._in_flight.discard(r))
        page.on("requestfailed", lambda r: self._in_flight.discard(r))

    def open(self, url: str, scheme: str = "light"):
        """Load ``url`` and wait until its scripts' requests are done: no request in flight for
        100 ms (the site is served locally; Playwright's "networkidle" waits 500 ms a page)."""
        self.problems.clear()
        self.page.emulate_media(color_scheme=scheme)
        self.page.goto(url)
        quiet = 0
        for _ in range(400):  # 20 s at most
            quiet = quiet + 1 if not self._in_flight else 0
            if quiet > 4:
                break
            self.page.wait_for_timeout(25)
        else:
            raise AssertionError(f"{url}: requests still in flight after 20 s: {self._in_flight}")
        return self.page


@pytest.fixture(scope="module")
def tab(browser):
    opened = Tab(browser)
    yield opened
    opened.context.close()


@pytest.mark.parametrize("path", PAGE_TYPES)
def test_each_page_loads_cleanly_and_passes_the_audit_in_both_schemes(
    tab: Tab, site_url: str, path: str
) -> None:
    """No console error, failed request or HTTP error; no serious accessibility violation in
    the light scheme or in the dark one (switched on the loaded page: it only changes colours)."""
    page = tab.open(site_url + path)
    if not AXE.exists():
        assert tab.problems == []
        pytest.skip("the audit needs tests/node_modules/axe-core (.ci/run)")
    found = {"light": serious_violations(page)}
    page.emulate_media(color_scheme="dark")
    found["dark"] = serious_violations(page)
    assert tab.problems == []
    assert found == {"light": [], "dark": []}, json.dumps(found, indent=1)


@pytest.fixture(scope="module")
def ka_site_url(demo_site_ka: Path):
    with serve(demo_site_ka, mount="/portfolio/") as url:
        yield url


@pytest.mark.skipif(not AXE.exists(), reason="needs tests/node_modules/axe-core (.ci/run)")
@pytest.mark.parametrize("path", [*PAGE_TYPES, "search/?q=ბიუჯეტ"])
def test_each_georgian_page_loads_cleanly_and_passes_the_audit(tab: Tab, ka_site_url: str, path: str) -> None:
    page = tab.open(ka_site_url + path)
    found = serious_violations(page)
    assert tab.problems == []
    assert found == [], json.dumps(found, indent=1)


def serious_violations(page) -> list[dict]:
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"][:5]],
        }
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_pages_read_with_javascript_off(browser, site_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + "projects/")
    rows = page.locator("table tbody tr")
    assert rows.count() >= 30
    page.goto(site_url + "risks/")
    assert page.locator("svg[role='img']").count() >= 1
    context.close()


def test_sub_path_assets_load(tab: Tab, site_url: str) -> None:
    page = tab.open(site_url + "projects/customer-portal-redesign/")
    styles = page.evaluate("() => getComputedStyle(document.body).fontFamily")
    assert tab.problems == []
    assert styles  # the stylesheet was found under /portfolio/static/
