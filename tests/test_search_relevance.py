"""Search relevance: the queries of ``search_relevance.tsv`` run through the search page's own
engine in headless Chromium, over the demo portfolio, a generated one, a hand-written PMO
portfolio (``search_pmo_portfolio.py``) and a held-out university portfolio
(``search_heldout_portfolio.py``); and what a query costs in bytes."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from search_heldout_portfolio import heldout_portfolio
from search_pmo_portfolio import pmo_portfolio
from search_portfolio import search_portfolio
from sitetools import build_in_language, once_per_run, serve

pytestmark = pytest.mark.browser

CASES_FILE = Path(__file__).with_name("search_relevance.tsv")
KINDS = {
    "title",
    "word",
    "prefix",
    "amount",
    "fold",
    "apostrophe",
    "typo",
    "phrase",
    "adjacent",
    "risk",
    "milestone",
    "stem",
    "owner",
    "program",
    "page",
    "project-first",
    "georgian",
    "nonsense",
    "facet",
    "extra",
    "subject",
    "whole",
    "label",
    "person",
}
TOP = 5


@dataclass(frozen=True)
class Case:
    line: int
    site: str
    kind: str
    query: str
    expected: tuple[str, ...]  # empty: nothing may be found


def read_cases(path: Path = CASES_FILE) -> list[Case]:
    cases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        site, kind, query, expected = line.split("\t")
        cases.append(Case(number, site, kind, query, () if expected == "-" else tuple(expected.split())))
    return cases


CASES = read_cases()


def test_the_test_set_covers_every_kind_on_both_sites() -> None:
    assert len(CASES) >= 80
    assert {c.kind for c in CASES} == KINDS
    assert {c.site for c in CASES} == {"demo", "generated", "pmo", "pmo-ka", "heldout"}
    for case in CASES:
        assert case.query.strip() and all(p.startswith("/") for p in case.expected), case


def built(root: Path, files: dict[str, str]) -> Path:
    from itpm_site.build import BuildOptions, build_site

    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    out = root / "public"
    result = build_site(BuildOptions(root=root, output=out, as_of=dt.date(2026, 11, 20)))
    assert result.ok, [d.headline() for d in result.diagnostics]
    return out


@pytest.fixture(scope="module")
def generated_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Used by the relevance set and by the index-loading tests, which may run in another worker.
    return (
        once_per_run(tmp_path_factory, "search-generated", lambda root: built(root, search_portfolio()))
        / "public"
    )


@pytest.fixture(scope="module")
def pmo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built(tmp_path_factory.mktemp("search-pmo"), pmo_portfolio())


@pytest.fixture(scope="module")
def heldout_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built(tmp_path_factory.mktemp("search-heldout"), heldout_portfolio())


@pytest.fixture(scope="module")
def pmo_ka_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same portfolio on a Georgian site: its words are English, the site's are Georgian
    (the words of its filters come from the Georgian catalog)."""
    root = tmp_path_factory.mktemp("search-pmo-ka")
    for rel, text in pmo_portfolio().items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    out = root / "public"
    build_in_language(root, out, "ka", "2026-11-20", cache=False)
    return out


# Opens the index as the search page does and answers every query: the URLs of the first
# results (from the site root), and how many there were.
RUN_QUERIES = """async ([queries, first]) => {
    const meta = new URL("data/meta.json", location.href).href;
    const root = new URL("../", location.href);
    const index = await window.ItpmSearch.open(meta, root.href);
    const out = [];
    for (const query of queries) {
        const answer = await index.search(query, {});
        const top = await Promise.all(answer.ids.slice(0, first).map((id) => index.record(id, [], [])));
        out.push({count: answer.ids.length,
                  urls: top.map((r) => "/" + r.url.slice(root.pathname.length))});
    }
    return out;
}"""


@pytest.fixture(scope="module")
def answers(
    browser,
    demo_site: Path,
    generated_site: Path,
    pmo_site: Path,
    pmo_ka_site: Path,
    heldout_site: Path,
) -> dict[Case, dict]:
    out: dict[Case, dict] = {}
    sites = {
        "demo": demo_site,
        "generated": generated_site,
        "pmo": pmo_site,
        "pmo-ka": pmo_ka_site,
        "heldout": heldout_site,
    }
    for name, site in sites.items():
        cases = [c for c in CASES if c.site == name]
        with serve(site, mount="/portfolio/") as base:
            context = browser.new_context()
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda e, seen=errors: seen.append(str(e)))
            page.goto(base + "search/")
            results = page.evaluate(RUN_QUERIES, [[c.query for c in cases], TOP])
            context.close()
            assert errors == []
        out.update(zip(cases, results, strict=True))
    return out


def rank(case: Case, answer: dict) -> int | None:
    """Where the first expected page is among the first results (1-based), if it is."""
    for position, url in enumerate(answer["urls"], 1):
        if url in case.expected:
            return position
    return None


def expected_pages_come_first(answers: dict[Case, dict]) -> None:
    ranked = {c: rank(c, a) for c, a in answers.items() if c.expected}
    top = [c for c, r in ranked.items() if r is not None]
    first = [c for c, r in ranked.items() if r == 1]
    missed = [
        f"line {c.line} {c.kind} {c.query!r}: {answers[c]['urls']}" for c, r in ranked.items() if r != 1
    ]
    report = f"in top {TOP}: {len(top)}/{len(ranked)}, first: {len(first)}/{len(ranked)}\n" + "\n".join(
        missed
    )
    print(report)
    assert len(top) >= 0.97 * len(ranked), report
    assert len(first) >= 0.90 * len(ranked), report


def nonsense_finds_nothing(answers: dict[Case, dict]) -> None:
    found = {c.query: a["urls"] for c, a in answers.items() if not c.expected and a["count"]}
    assert found == {}


def an_owners_own_projects_fill_the_top(answers: dict[Case, dict]) -> None:
    for case, answer in answers.items():
        if case.kind == "owner":
            n = min(len(case.expected), TOP)
            assert set(answer["urls"][:n]) == set(case.expected[:n]), (case.query, answer)


def status_and_phase_words_list_only_the_projects_they_name(answers: dict[Case, dict]) -> None:
    """A query of filter words (and a few others) is answered as the filter is: nothing else
    among the first results."""
    for case, answer in answers.items():
        if case.kind == "facet":
            n = min(len(case.expected), TOP)
            assert len(answer["urls"]) == n and set(answer["urls"]) <= set(case.expected), (case, answer)


def a_project_outranks_the_pages_that_list_it(answers: dict[Case, dict]) -> None:
    for case, answer in answers.items():
        if case.kind == "project-first":
            assert answer["urls"][0] == case.expected[0], (case.query, answer)


CHECKS = (
    expected_pages_come_first,
    nonsense_finds_nothing,
    an_owners_own_projects_fill_the_top,
    status_and_phase_words_list_only_the_projects_they_name,
    a_project_outranks_the_pages_that_list_it,
)


def test_the_relevance_set(answers: dict[Case, dict]) -> None:
    """Every check of the set, in one test: its answers take four site builds and a browser,
    and a module's fixture is made again in each worker process its tests land in."""
    failed: dict[str, str] = {}
    for check in CHECKS:
        try:
            check(answers)
        except AssertionError as problem:
            failed[check.__name__] = str(problem)
    assert failed == {}, "\n\n".join(f"{name}:\n{problem}" for name, problem in failed.items())


# ------------------------------------------------------------------------------ bytes


def index_bytes(site: Path) -> int:
    folder = site / "search" / "data"
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


@pytest.mark.parametrize(
    "query", ["payroll", "nordic pay", "pasword reset", "sd-w", '"month-end close"', "blockchain quantum"]
)
def test_a_query_loads_a_small_part_of_the_index(browser, generated_site: Path, query: str) -> None:
    """The first query of a fresh tab loads the index's table of contents, the word chunks its
    words fall in and the fragments of the results it shows: never the whole index."""
    with serve(generated_site, mount="/portfolio/") as base:
        context = browser.new_context()
        loaded: dict[str, int] = {}
        context.on(
            "response",
            lambda r: (
                loaded.__setitem__(r.url, len(r.body()))
                if "/search/data/" in r.url and r.status == 200
                else None
            ),
        )
        page = context.new_page()
        page.goto(base + "search/?q=" + query.replace(" ", "+").replace('"', "%22"))
        page.wait_for_function(
            "() => /result/.test(document.getElementById('search-status').textContent)"
            " && !document.getElementById('search-results').hasAttribute('aria-busy')"
        )
        page.wait_for_load_state("networkidle")
        context.close()
    chunks = [u for u in loaded if "/search/data/w-" in u]
    fragments = [u for u in loaded if "/search/data/d/" in u]
    meta = json.loads((generated_site / "search" / "data" / "meta.json").read_bytes())
    assert len(chunks) <= len(meta["chunks"]) // 2, chunks
    assert len(fragments) <= 60  # a phrase checks at most 60 records; a page shows 20
    assert sum(loaded.values()) < index_bytes(generated_site) / 4
