"""Links in bodies written to a file (b.md, img/x.png) instead of a page: check warns, at the
line, with the page's address when the file is a content file."""

from __future__ import annotations

from pathlib import Path

import pytest

from itpm_site.load.body_links import BodyLink, relative_links
from itpm_site.load.portfolio import load_portfolio

pytestmark = pytest.mark.usefixtures("plain_env")


def project(title: str, body: str) -> str:
    return f"---\ntitle: {title}\nphase: planning\nowner: Ana\n---\n{body}"


@pytest.mark.parametrize(
    ("body", "found"),
    [
        ("See [B](b.md).", [BodyLink(0, 9, "b.md")]),
        ("![plan](img/plan.png)", [BodyLink(0, 9, "img/plan.png")]),
        ("x\n[ref]: ../pages/about.md", [BodyLink(1, 8, "../pages/about.md")]),
        ("[B](<b c.md> 'title')", [BodyLink(0, 5, "b c.md")]),
        # Links to pages (from the page's address), anchors, roots and full URLs are right.
        ("[B](../b/) [top](#top) [root](/projects/b/) [w](https://x.org/a.md) [m](mailto:a@b)", []),
        # Code is not a link.
        ("```\n[x](a.md)\n```\n`[y](b.md)`\n    [z](c.md)\n~~~~\n[u](d.md)", []),
        ("```\nunclosed fence [x](a.md)", []),
        # Raw HTML is escaped unless the site allows it: only then are its links links.
        ('<a href="notes.md">n</a>', []),
    ],
)
def test_relative_links_outside_code(body, found):
    assert list(relative_links(body)) == found


def test_raw_html_links_count_where_raw_html_is_rendered():
    assert list(relative_links('<a href="notes.md">n</a> <img SRC="x.png">', html=True)) == [
        BodyLink(0, 10, "notes.md"),
        BodyLink(0, 36, "x.png"),
    ]


def test_check_names_the_page_to_link_to_instead(tmp_path: Path, write_portfolio) -> None:
    root = write_portfolio(
        tmp_path,
        {
            "content/projects/a.md": project(
                "A", "Intro.\n\nSee [B](b.md#risks), [about](../pages/about.md) and [B again](../b/).\n"
            ),
            "content/projects/b.md": project("B", "![plan](img/plan.png) ![gone](img/gone.png)\n"),
            "content/projects/img/plan.png": "not really a picture",
            "content/pages/about.md": "---\ntitle: About\n---\nBack to [A](../projects/a.md).\n",
        },
    )
    found = [
        (d.path, d.severity.value, d.line, d.column, d.hint)
        for d in load_portfolio(root).diagnostics
        if d.code == "relative-link"
    ]
    assert found == [
        (
            "content/pages/about.md",
            "warning",
            4,
            13,
            "link to the page made from content/projects/a.md instead: '../projects/a/'",
        ),
        (
            "content/projects/a.md",
            "warning",
            8,
            9,
            "link to the page made from content/projects/b.md instead: '../../projects/b/#risks'",
        ),
        (
            "content/projects/a.md",
            "warning",
            8,
            30,
            "link to the page made from content/pages/about.md instead: '../../about/'",
        ),
        (
            "content/projects/b.md",
            "warning",
            6,
            9,
            "link to a page by its address from this one, such as '../../projects/<slug>/', or write a "
            "full URL; only Markdown files under content/ become pages, other files are not copied to "
            "the site",
        ),
    ]


def test_the_warning_shows_the_body_line(tmp_path: Path, write_portfolio) -> None:
    root = write_portfolio(tmp_path, {"content/projects/a.md": project("A", "one\ntwo [B](b.md)\n")})
    (diag,) = [d for d in load_portfolio(root).diagnostics if d.code == "relative-link"]
    assert diag.line == 7 and diag.source_line == "two [B](b.md)"
    assert diag.message.startswith("the link 'b.md' names a file")
