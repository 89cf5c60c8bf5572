"""``serve`` in a real browser (headless Chromium): a page reloads itself after an edit, shows the
error overlay for a broken file and drops it after the fix, and takes a CSS change without
reloading."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from servetools import (
    patient_requests,  # noqa: F401 - an autouse fixture, for this module
    tiny_theme,
    wait_for,
)

from itpm_site.build import BuildOptions
from itpm_site.serve.session import ServeSession

pytestmark = pytest.mark.browser

AS_OF = dt.date(2026, 6, 1)
TIMEOUT = 15_000  # ms


def project(title: str, phase: str = "planning", status: str = "green") -> str:
    return (
        f"---\ntitle: {title}\nphase: {phase}\nstatus: {status}\nowner: Ann Lee\n"
        "summary: S.\ncategory: software\nstart: 2026-01-01\nend: 2026-12-31\n---\nBody.\n"
    )


def save(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


@pytest.fixture
def served(tmp_path: Path, write_portfolio):
    root = write_portfolio(
        tmp_path / "portfolio",
        {
            "site.yaml": "title: Browser test\nbase_url: /portfolio/\n",
            "content/projects/alpha.md": project("Alpha"),
            "content/projects/beta.md": project("Beta"),
            **tiny_theme(),
        },
    )
    with ServeSession(BuildOptions(root=root, as_of=AS_OF), port=0) as session:
        session.start()
        yield root, session


@pytest.fixture
def page(browser):
    context = browser.new_context()
    pg = context.new_page()
    pg.set_default_timeout(TIMEOUT)
    pg.console_errors = []
    pg.on("console", lambda m: m.type == "error" and pg.console_errors.append(m.text))
    pg.on("response", lambda r: r.status >= 400 and pg.console_errors.append(f"{r.status} {r.url}"))
    pg.on("pageerror", lambda e: pg.console_errors.append(str(e)))
    yield pg
    context.close()


def open_live(page, session: ServeSession, url: str) -> None:
    before = session.hub.clients
    page.goto(url)
    # Connected: the server counts the page's event stream.
    wait_for(lambda: session.hub.clients > before, what="the page's event stream")


def test_page_reloads_after_an_edit(served, page) -> None:
    root, session = served
    open_live(page, session, session.url + "projects/alpha/")
    assert page.text_content("h1") == "Alpha"
    page.evaluate("window.__before = 1")
    save(root / "content/projects/alpha.md", project("Alpha Prime", status="red"))
    page.wait_for_function("() => document.querySelector('h1').textContent === 'Alpha Prime'")
    assert page.evaluate("window.__before") is None  # a real reload, not a patched page
    assert page.console_errors == []


def test_overlay_shows_errors_and_goes_away_after_the_fix(served, page, browser) -> None:
    root, session = served
    open_live(page, session, session.url + "projects/beta/")
    path = root / "content/projects/alpha.md"
    evil = "<img src=x onerror=window.__xss=1>"
    save(path, project("Alpha", phase=evil))
    overlay = page.locator("#itpm-site-overlay .diagnostic")
    overlay.first.wait_for()
    text = overlay.first.inner_text()
    assert "content/projects/alpha.md:3:8" in text
    assert f"error: phase: '{evil}' is not a phase" in text  # shown as text, never as HTML
    assert f"3 | phase: {evil}" in text and "^~~~" in text
    assert "help:" in text
    assert page.evaluate("window.__xss") is None
    assert page.locator("#itpm-site-overlay img").count() == 0
    assert page.text_content("h1") == "Beta"  # the last good site stays under the overlay
    # A page opened while the file is broken shows the overlay too.
    other = browser.new_page()
    try:
        other.goto(session.url)
        other.locator("#itpm-site-overlay .diagnostic").first.wait_for(timeout=TIMEOUT)
    finally:
        other.close()
    page.evaluate("window.__kept = 1")
    save(path, project("Alpha"))  # the fix: the served site is as it was, so no reload needed
    page.locator("#itpm-site-overlay").wait_for(state="detached")
    assert page.evaluate("window.__kept") == 1
    assert page.console_errors == []


def test_css_change_applies_without_a_reload(served, page) -> None:
    root, session = served
    open_live(page, session, session.url)
    page.evaluate("window.__state = 42")
    assert page.evaluate("getComputedStyle(document.body).color") == "rgb(34, 34, 34)"
    save(root / "themes/default/static/css/site.css", "body { color: rgb(153, 0, 0); }\n")
    page.wait_for_function("() => getComputedStyle(document.body).color === 'rgb(153, 0, 0)'")
    assert page.evaluate("window.__state") == 42
    assert page.locator('link[rel="stylesheet"]').count() == 1
    assert page.console_errors == []


def test_overlay_in_the_site_language(tmp_path: Path, write_portfolio, page) -> None:
    """A Georgian site's overlay speaks Georgian around the diagnostics, which stay the
    command line's English (marked lang="en")."""
    root = write_portfolio(
        tmp_path / "portfolio",
        {
            "site.yaml": "title: Browser test\nbase_url: /portfolio/\nlanguage: ka\n",
            "content/projects/alpha.md": project("Alpha"),
            **tiny_theme(),
        },
    )
    with ServeSession(BuildOptions(root=root, as_of=AS_OF), port=0) as session:
        session.start()
        open_live(page, session, session.url)
        save(root / "content/projects/alpha.md", project("Alpha", phase="nowhere"))
        page.locator("#itpm-site-overlay .diagnostic").first.wait_for()
        overlay = page.locator("#itpm-site-overlay")
        assert overlay.locator("h2").inner_text() == (
            "itpm-site: 1 შეცდომა — ისევ ბოლო წარმატებული აწყობა ჩანს"
        )
        assert overlay.locator("button").inner_text() == "დახურვა"
        assert overlay.locator(".note").inner_text().startswith("შეინახეთ")
        diagnostic = overlay.locator(".diagnostic").first
        assert diagnostic.get_attribute("lang") == "en"
        assert "error: phase: 'nowhere' is not a phase" in diagnostic.inner_text()
        overlay.locator("button").click()
        overlay.wait_for(state="detached")
        assert page.console_errors == []
