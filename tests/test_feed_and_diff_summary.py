"""The Atom feed's links, ids and dates; the trends' money in the base currency; and
``diff``'s summary line: every count it makes, and the portfolio's money impact in the base
currency."""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner
from history_repo import git

from itpm_site.build import BuildOptions, build_site
from itpm_site.cli import cli

pytestmark = pytest.mark.usefixtures("plain_env")

ATOM = "{http://www.w3.org/2005/Atom}"
BASE = "https://acme.github.io/portfolio/"


def project(title: str, status: str = "green", phase: str = "planning", extra: str = "") -> str:
    return (
        f"---\ntitle: {title}\nphase: {phase}\nstatus: {status}\nowner: Ana\nsummary: S\n"
        f"category: software\nstart: 2026-01-01\nend: 2026-12-31\n{extra}---\nBody.\n"
    )


def put(root: Path, slug: str, text: str) -> None:
    path = root / "content" / "projects" / f"{slug}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def commit(root: Path, message: str, day: str) -> str:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message, when=dt.datetime.fromisoformat(f"{day}T12:00:00+00:00"))
    return git(root, "rev-parse", "HEAD")


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """Three commits in three weeks; the second and third change the projects."""
    root = tmp_path_factory.mktemp("feed") / "portfolio"
    root.mkdir()
    (root / "site.yaml").write_text(
        "title: Feed test\ncurrency: USD\nexchange_rates: {EUR: 1.5}\n", encoding="utf-8"
    )
    git(root, "init", "-q", "-b", "main")
    risks = "risks:\n  - {title: Vendor, probability: 3, impact: 3}\n"
    milestones = "milestones:\n  - {name: Beta, date: 2026-06-15, done: false}\n"
    put(root, "a", project("A", extra="budget: {planned: 1000, currency: EUR}\n" + risks + milestones))
    put(root, "b", project("B", "amber", extra="budget: {planned: 500}\n"))
    put(root, "c", project("C", "red", extra="budget: {planned: 50, currency: CHF}\n"))
    revs = {"c1": commit(root, "start", "2026-03-02")}
    # A: re-forecast (EUR), risk closed, milestone done, phase move; B: turns red; C: better, CHF up.
    put(
        root,
        "a",
        project(
            "A",
            phase="implementation",
            extra="budget: {planned: 1000, forecast: 1200, currency: EUR}\n"
            + risks.replace("impact: 3}", "impact: 3, status: closed}")
            + milestones.replace("done: false", "done: true"),
        ),
    )
    put(root, "b", project("B", "red", extra="budget: {planned: 500}\n"))
    put(root, "c", project("C", "amber", extra="budget: {planned: 80, currency: CHF}\n"))
    revs["c2"] = commit(root, "moves", "2026-03-11")
    put(root, "b", project("B", "red", extra="budget: {planned: 700}\n"))
    revs["c3"] = commit(root, "B grows", "2026-03-18")
    return root, revs


# ------------------------------------------------------------------------------------ feed


def _feed(root: Path, out: Path, base_url: str) -> ET.Element:
    result = build_site(
        BuildOptions(root=root, output=out, base_url=base_url, as_of=dt.date(2026, 3, 20), search=False)
    )
    assert result.ok, [d.headline() for d in result.diagnostics]
    return ET.fromstring((out / "changes.xml").read_bytes())


def test_each_entry_links_to_its_week_on_the_changes_page(repo, tmp_path: Path) -> None:
    root, revs = repo
    feed = _feed(root, tmp_path / "public", BASE)
    changes = (tmp_path / "public" / "changes" / "index.html").read_text(encoding="utf-8")
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 3  # one per commit, the first adding the projects
    links = [e.find(f"{ATOM}link").get("href") for e in entries]
    # Newest first: 18 March 2026 is in ISO week 12, 11 March in week 11, 2 March in week 10.
    assert links == [f"{BASE}changes/#week-2026-W{n}" for n in (12, 11, 10)]
    for link in links:
        assert f'id="{link.split("#")[1]}"' in changes  # the anchor exists on the page
    ids = [e.find(f"{ATOM}id").text for e in entries]
    assert ids == [f"urn:itpm-site:commit:{revs[c]}" for c in ("c3", "c2", "c1")]
    for e in entries:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", e.find(f"{ATOM}updated").text)


def test_the_feed_names_itself_with_an_absolute_base_url(repo, tmp_path: Path) -> None:
    root, _ = repo
    feed = _feed(root, tmp_path / "public", BASE)
    self_links = [link for link in feed.findall(f"{ATOM}link") if link.get("rel") == "self"]
    assert [(link.get("href"), link.get("type")) for link in self_links] == [
        (f"{BASE}changes.xml", "application/atom+xml")
    ]
    assert feed.find(f"{ATOM}id").text == f"{BASE}changes.xml"
    assert feed.find(f"{ATOM}updated").text == "2026-03-18T12:00:00Z"  # the latest commit
    # Under a relative base URL there is no address to name: no rel="self", and an id that
    # stays the same from build to build.
    relative = _feed(root, tmp_path / "relative", "/portfolio/")
    again = _feed(root, tmp_path / "again", "/portfolio/")
    assert not [link for link in relative.findall(f"{ATOM}link") if link.get("rel") == "self"]
    assert relative.find(f"{ATOM}id").text == again.find(f"{ATOM}id").text
    assert relative.find(f"{ATOM}id").text.startswith("urn:itpm-site:changes:")


# ---------------------------------------------------------------------------------- trends


def test_trends_convert_where_rates_exist_and_say_what_is_apart(repo, tmp_path: Path) -> None:
    root, _ = repo
    _feed(root, tmp_path / "public", BASE)
    html = (tmp_path / "public" / "trends" / "index.html").read_text(encoding="utf-8")
    money = html[html.index('id="money-h"') : html.index('id="risk-h"')]
    text = " ".join(re.sub(r"<[^>]+>", "", money).split())
    assert "with EUR converted at the rates of site.yaml" in text
    assert "Kept apart, each in its own chart, never added to the others: CHF" in text
    headings = re.findall(r"<h3>(.*?)</h3>", money)
    assert [re.sub(r"<[^>]+>", "", h) for h in headings] == [
        "USD with EUR converted",
        "CHF no exchange rate: kept apart",
    ]
    assert "trend-money-eur" not in money  # EUR is in the USD chart, not in one of its own
    # The last week (2026-W12): B 700 USD + A 1,000 EUR at 1.5 planned; A's EAC 1,200 EUR.
    rows = re.findall(
        r'<tr><th scope="row">2026-W12</th><td class="num">(\d+)</td><td class="num">([\d,]+)</td>'
        r'<td class="num">([\d,]+)</td><td class="num">([\d,]+)</td></tr>',
        money,
    )
    assert rows == [("2", "2,200", "2,500", "300"), ("1", "80", "80", "0")]


# ------------------------------------------------------------------------------------ diff


def _diff(root: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["diff", *args, "--root", str(root)])
    assert result.exit_code == 0, result.output
    return result.output


def test_the_summary_line_names_every_count(repo) -> None:
    root, revs = repo
    out = _diff(root, revs["c1"], revs["c2"])
    summary = json.loads(_diff(root, revs["c1"], revs["c2"], "--format", "json"))["summary"]
    first = out.splitlines()[0]
    assert first.endswith(
        "3 changed · 🔴 **1 turned red** · 1 status better · 1 phase move · 1 risk closed · 1 milestone done"
    ), first
    # Each non-zero count of the JSON summary is in the line.
    words = {
        "changed": "3 changed",
        "turned_red": "1 turned red",
        "status_worse": "1 turned red",  # the one that got worse is the one that turned red
        "status_better": "1 status better",
        "phase_forward": "1 phase move",
        "risks_closed": "1 risk closed",
        "milestones_done": "1 milestone done",
    }
    assert {k for k, v in summary.items() if v} == set(words)
    for phrase in words.values():
        assert phrase in first


def test_the_impact_in_the_base_currency(repo) -> None:
    root, revs = repo
    out = _diff(root, revs["c1"], revs["c2"])
    # EUR converted at 1.5: A's forecast 1,000 → 1,200 EUR is +300 USD of EAC; CHF has no rate.
    assert (
        "**Portfolio impact** in USD: EAC +300 USD, planned 0 USD (EUR converted); "
        "EAC +30 CHF, planned +30 CHF (no exchange rate)"
    ) in out
    doc = json.loads(_diff(root, revs["c1"], revs["c2"], "--format", "json"))
    assert doc["impact"] == {
        "currency": "USD",
        "lines": [
            {"currency": "USD", "planned": "0", "eac": "300", "converted_from": ["EUR"]},
            {"currency": "CHF", "planned": "30", "eac": "30", "converted_from": []},
        ],
    }
    later = _diff(root, revs["c2"], revs["c3"])
    assert "**Portfolio impact** in USD: EAC +200 USD, planned +200 USD (EUR converted)" in later
