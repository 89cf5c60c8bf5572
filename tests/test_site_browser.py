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


def open_page(browser, url: str, scheme: str = "light"):
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    problems: list[str] = []
    # The page asked for at a missing address is logged by Chromium as a 404: expected.
    page.on(
        "console",
        lambda m: (
            problems.append(f"console {m.type}: {m.text}")
            if m.type in ("error", "warning") and "no-such-page" not in (m.location or {}).get("url", "")
            else None
        ),
    )
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"failed request: {r.url}"))
    page.on(
        "response",
        lambda r: (
            problems.append(f"HTTP {r.status}: {r.url}")
            if r.status >= 400 and not r.url.endswith("/no-such-page/")
            else None
        ),
    )
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return context, page, problems


@pytest.mark.parametrize("path", PAGE_TYPES)
def test_no_console_errors_or_failed_requests(browser, site_url: str, path: str) -> None:
    context, _page, problems = open_page(browser, site_url + path)
    context.close()
    assert problems == []


@pytest.fixture(scope="module")
def ka_site_url(demo_site_ka: Path):
    with serve(demo_site_ka, mount="/portfolio/") as url:
        yield url


@pytest.mark.skipif(not AXE.exists(), reason="needs tests/node_modules/axe-core (.ci/run)")
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", PAGE_TYPES)
def test_no_serious_accessibility_violations(browser, site_url: str, path: str, scheme: str) -> None:
    assert_no_serious_violations(browser, site_url + path, scheme)


@pytest.mark.skipif(not AXE.exists(), reason="needs tests/node_modules/axe-core (.ci/run)")
@pytest.mark.parametrize("path", [*PAGE_TYPES, "search/?q=ბიუჯეტ"])
def test_no_serious_accessibility_violations_in_georgian(browser, ka_site_url: str, path: str) -> None:
    assert_no_serious_violations(browser, ka_site_url + path, "light")


def assert_no_serious_violations(browser, url: str, scheme: str) -> None:
    context, page, _ = open_page(browser, url, scheme)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    context.close()
    serious = [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"][:5]],
        }
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], json.dumps(serious, indent=1)


def test_pages_read_with_javascript_off(browser, site_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + "projects/")
    rows = page.locator("table tbody tr")
    assert rows.count() >= 30
    page.goto(site_url + "risks/")
    assert page.locator("svg[role='img']").count() >= 1
    context.close()


def test_sub_path_assets_load(browser, site_url: str) -> None:
    context, page, problems = open_page(browser, site_url + "projects/customer-portal-redesign/")
    styles = page.evaluate("() => getComputedStyle(document.body).fontFamily")
    context.close()
    assert problems == []
    assert styles  # the stylesheet was found under /portfolio/static/
