"""The steering-committee pack (/report/): which projects it holds, in which order, and that
readers can find it (navigation, dashboard, sitemap)."""

from __future__ import annotations

from pathlib import Path

import yaml
from sitetools import parse

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
    # The summary comes first, with an index linking each project's page of the pack.
    assert html.index("Portfolio summary") < html.index("<article")
    assert {f"#{a['id']}" for a in articles} <= set(page.links)


def test_the_pack_is_linked_and_in_the_sitemap(demo_site: Path) -> None:
    for rel in ("index.html", "projects/index.html", "roadmap/index.html"):
        links = parse(demo_site / rel).links
        assert any(href.rstrip("/").endswith("report") for href in links), rel
    sitemap = (demo_site / "sitemap.xml").read_text(encoding="utf-8")
    assert "report/</loc>" in sitemap
