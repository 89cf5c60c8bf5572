"""Search in real headless Chromium: a fixture portfolio built with its index, served over HTTP
under a sub-path, searched the way a reader does it."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from sitetools import NODE_MODULES, build_in_language, once_per_run, serve

pytestmark = pytest.mark.browser

AXE = NODE_MODULES / "axe-core" / "axe.min.js"


def project(
    slug: str, title: str, phase: str, status: str, owner: str, body: str, extra: str = ""
) -> tuple[str, str]:
    return f"content/projects/{slug}.md", (
        f"---\ntitle: {title}\nphase: {phase}\nstatus: {status}\nowner: {owner}\n"
        f"program: Secure Infrastructure\ncategory: software\nstart: 2026-01-01\n"
        f"end: 2026-12-31\nstatus_date: 2026-11-15\nsummary: {title} for the bank.\n{extra}"
        f"---\n{body}\n"
    )


# 'vendor' is in four bodies: two red projects, one green, one amber.
PORTFOLIO = dict(
    [
        ("site.yaml", "title: Search fixture\nas_of: 2026-11-20\n"),
        (
            "content/programs/secure-infrastructure.md",
            "---\ntitle: Secure Infrastructure\nowner: Levan Japaridze\n---\nNetworks and identity.\n",
        ),
        project(
            "edge-firewall",
            "Edge Firewall Renewal",
            "implementation",
            "red",
            "Nino Beridze",
            "The vendor ships the appliances. A zebrafish lives here.\n\n## Server room\n\n"
            "The fish tank sits by the racks.",
            "risks:\n"
            "  - {title: Licence audit, probability: 2, impact: 2, mitigation: Keep records}\n"
            "  - title: Appliances held at customs\n    probability: 4\n    impact: 4\n"
            "    mitigation: Bonded warehouse pre-clearance with the broker\n",
        ),
        project(
            "payments-hub",
            "Payments Hub",
            "planning",
            "red",
            "Nino Beridze",
            "The core banking vendor delivers the adapter. Incidents are raised in ServiceNow.",
        ),
        project(
            "mobile-app",
            "Mobile App",
            "planning",
            "green",
            "Ana Lomidze",
            "A new vendor builds the app. AWS CloudTrail logs every call.",
        ),
        project(
            "cloud-landing-zone",
            "Cloud Landing Zone",
            "implementation",
            "amber",
            "Jan Kovač",
            "Our cloud vendor hosts the landing zone.",
        ),
        project(
            "branch-network",
            "თბილისის ფილიალების ქსელის განახლება",
            "planning",
            "green",
            "Sandro Gogoladze",
            "## ბიუჯეტი\n\nპროექტის ბიუჯეტი 1 480 000 ლარია.",
        ),
        project(
            "data-catalogue",
            "Data Catalogue",
            "initiation",
            "amber",
            "Elena Rossi",
            "A catalogue with lineage from S/4HANA and the group's CRM.",
        ),
        (
            "content/pages/about.md",
            "---\ntitle: About\n---\nHow the PMO works. The service desk serves every service.\n",
        ),
    ]
)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from itpm_site.build import BuildOptions, build_site

    def make(root: Path) -> None:
        for rel, text in PORTFOLIO.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text, encoding="utf-8")
        result = build_site(BuildOptions(root=root, output=root / "public", as_of=dt.date(2026, 11, 20)))
        assert result.ok, [d.headline() for d in result.diagnostics]

    out = once_per_run(tmp_path_factory, "search-fixture", make) / "public"
    assert (out / "search" / "data" / "meta.json").exists()
    return out


@pytest.fixture(scope="module")
def base(site: Path):
    with serve(site, mount="/portfolio/") as url:
        yield url


# A Georgian site: Georgian and Latin names side by side.
KA_PORTFOLIO = dict(
    [
        ("site.yaml", "title: Search fixture\nas_of: 2026-11-20\nlanguage: ka\n"),
        (
            "content/programs/secure-infrastructure.md",
            "---\ntitle: Secure Infrastructure\nowner: Levan Japaridze\n---\nNetworks.\n",
        ),
        project(
            "edge-firewall",
            "Edge Firewall Renewal",
            "implementation",
            "red",
            "Nino Beridze",
            "The vendor ships the appliances.",
        ),
        project(
            "branch-network",
            "თბილისის ფილიალების ქსელის განახლება",
            "planning",
            "red",
            "ლევან ბერიძე",
            "## ბიუჯეტი\n\nპროექტის ბიუჯეტი 1 480 000 ლარია.",
        ),
        project(
            "call-centre",
            "ქოლ-ცენტრის ტელეფონია",
            "planning",
            "green",
            "Ana Lomidze",
            "ბიუჯეტში ზრდა არ არის მოსალოდნელი.",
        ),
    ]
)


@pytest.fixture(scope="module")
def ka_base(tmp_path_factory: pytest.TempPathFactory):
    def make(root: Path) -> None:
        for rel, text in KA_PORTFOLIO.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text, encoding="utf-8")
        build_in_language(root, root / "public", "ka", "2026-11-20", cache=False)

    out = once_per_run(tmp_path_factory, "search-fixture-ka", make) / "public"
    with serve(out, mount="/portfolio/") as url:
        yield url


class Reader:
    """A browser tab that records every console error and failed request."""

    def __init__(self, browser, **context_options) -> None:
        self.context = browser.new_context(**context_options)
        self.page = self.context.new_page()
        self.problems: list[str] = []
        page = self.page
        page.on(
            "console",
            lambda m: (
                self.problems.append(f"console {m.type}: {m.text}")
                if m.type in ("error", "warning")
                else None
            ),
        )
        page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        # A request the tab itself cancels by navigating away (the favicon, say) is not a
        # failure of the site.
        self.context.on(
            "requestfailed",
            lambda r: self.problems.append(f"failed: {r.url}") if r.failure != "net::ERR_ABORTED" else None,
        )
        self.context.on(
            "response",
            lambda r: self.problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None,
        )

    def search(self, url: str) -> None:
        """Open a search page and wait until its first search has finished."""
        self.page.goto(url)
        self.wait_for_status()

    def wait_for_status(self, contains: str = "") -> None:
        self.page.wait_for_function(
            """(text) => { const s = document.getElementById('search-status').textContent;
                           return /result|Type to search|შედეგ|აკრიფეთ/.test(s) && s.includes(text)
                             && !document.getElementById('search-results').hasAttribute('aria-busy'); }""",
            arg=contains,
            timeout=15000,
        )

    def titles(self) -> list[str]:
        return self.page.locator(".search-result-title a").all_inner_texts()

    def count(self, facet: str, value: str) -> str:
        return self.page.locator(
            f"fieldset[data-facet={facet}] input[value='{value}'] ~ .facet-count"
        ).inner_text()

    def close(self) -> list[str]:
        self.context.close()
        return self.problems


@pytest.fixture
def reader(browser):
    tab = Reader(browser)
    yield tab
    assert tab.close() == [], "console errors or failed requests"


# ------------------------------------------------------------------------------ finding


def test_a_word_only_in_one_body_finds_that_project(reader: Reader, base: str) -> None:
    reader.search(base + "search/?q=zebrafish")
    assert reader.titles() == ["Edge Firewall Renewal"]
    assert reader.page.inner_text("#search-status") == "1 result for “zebrafish”."
    mark = reader.page.locator(".search-result-excerpt mark").first
    assert mark.inner_text().lower().startswith("zebrafish")
    link = reader.page.locator(".search-result-title a").first
    assert link.get_attribute("href") == "/portfolio/projects/edge-firewall/"
    badges = reader.page.locator(".search-result-badges").first.inner_text()
    assert "Implementation" in badges and "Red" in badges


def test_a_risk_mitigation_leads_to_the_risk(reader: Reader, base: str) -> None:
    reader.search(base + "search/?q=bonded+warehouse")
    assert reader.titles() == ["Edge Firewall Renewal"]
    risk = reader.page.locator(".search-subresult").first
    assert "Risk: Appliances held at customs" in risk.inner_text()
    assert "Critical" in risk.inner_text() and "open" in risk.inner_text()
    assert risk.locator("mark").first.inner_text().lower() == "bonded"
    link = risk.locator("a")
    assert link.get_attribute("href") == "/portfolio/projects/edge-firewall/#risk-2"
    link.click()
    reader.page.wait_for_url(re.compile(r"/projects/edge-firewall/#risk-2$"))
    assert reader.page.locator("#risk-2").count() == 1


def test_a_match_under_a_body_heading_links_to_that_section(reader: Reader, base: str) -> None:
    reader.search(base + "search/?q=tank")
    sub = reader.page.locator(".search-subresult a").first
    assert sub.inner_text() == "Server room"
    assert sub.get_attribute("href") == "/portfolio/projects/edge-firewall/#h-server-room"


def test_a_georgian_query_finds_the_georgian_project(reader: Reader, base: str) -> None:
    reader.search(base + "search/?q=ბიუჯეტი")
    assert reader.titles() == ["თბილისის ფილიალების ქსელის განახლება"]


def test_latin_letters_find_georgian_words_and_georgian_letters_latin_words(
    reader: Reader, ka_base: str
) -> None:
    """Georgian words are found in Latin letters too, spelt as slugs spell them."""
    both = {"Edge Firewall Renewal", "თბილისის ფილიალების ქსელის განახლება"}
    reader.search(ka_base + "search/?q=Beridze")
    assert set(reader.titles()) == both
    # The owner written in Latin letters first: the word as written weighs more.
    assert reader.titles()[0] == "Edge Firewall Renewal"
    reader.search(ka_base + "search/?q=ბერიძე")
    assert set(reader.titles()) == both
    assert reader.titles()[0] == "თბილისის ფილიალების ქსელის განახლება"
    reader.search(ka_base + "search/?q=tbilisi")  # თბილისის begins so, in Latin letters
    # The project, then its program, which lists it.
    assert reader.titles() == ["თბილისის ფილიალების ქსელის განახლება", "Secure Infrastructure"]
    assert reader.page.locator(".search-result mark").first.inner_text() == "თბილისის"


def test_georgian_words_are_found_by_their_beginning_not_a_stem(reader: Reader, ka_base: str) -> None:
    # No Snowball stemmer for Georgian: ბიუჯეტი (budget) does not find ბიუჯეტში (in the
    # budget); the beginning both forms share finds both.
    reader.search(ka_base + "search/?q=ბიუჯეტი")
    assert reader.titles() == ["თბილისის ფილიალების ქსელის განახლება"]
    reader.search(ka_base + "search/?q=ბიუჯეტ")
    assert set(reader.titles()) == {"თბილისის ფილიალების ქსელის განახლება", "ქოლ-ცენტრის ტელეფონია"}
    assert reader.page.inner_text("#search-status").startswith("2 შედეგი")


def test_a_georgian_status_word_applies_the_filter(reader: Reader, ka_base: str) -> None:
    reader.search(ka_base + "search/?q=წითელი")
    assert set(reader.titles()) == {"Edge Firewall Renewal", "თბილისის ფილიალების ქსელის განახლება"}
    assert reader.page.inner_text("#search-implied").startswith("სტატუსი: წითელი — 2 შედეგი")
    reader.search(ka_base + "search/?q=მწვანე+ბიუჯეტ")
    assert reader.titles() == ["ქოლ-ცენტრის ტელეფონია"]
    reader.search(ka_base + "search/?q=red")  # the English word names the filter too
    assert len(reader.titles()) == 2


def test_georgian_filter_words_come_from_the_catalog_in_their_declined_forms(
    reader: Reader, ka_base: str
) -> None:
    """The site's own words for a filter value (its catalog's "search words": synonyms beside
    the label) name it, declined as a sentence declines them, and the site's fillers need not
    be found: the Georgian site has no stemmer, so a word is read as the filter or filler word
    whose beginning it shares."""
    red = {"Edge Firewall Renewal", "თბილისის ფილიალების ქსელის განახლება"}
    planning = {"თბილისის ფილიალების ქსელის განახლება", "ქოლ-ცენტრის ტელეფონია"}
    for query, expected in [
        ("წითელი პროექტები", red),  # red projects: პროექტები is a filler
        ("წითელ პროექტებს", red),  # the same in the dative
        ("გრაფიკიდან გადახრილი", red),  # off track: a synonym from the catalog
        ("დაგეგმვის ფაზაში", planning),  # in the planning phase
        ("დაგეგმვის ფაზაში მყოფი პროექტები", planning),  # projects in the planning phase
    ]:
        reader.search(ka_base + "search/?q=" + query.replace(" ", "+"))
        assert set(reader.titles()) == expected, query
        assert reader.page.inner_text("#search-implied").split(":")[0] in {"სტატუსი", "ფაზა"}, query
    # A Georgian word that only begins like a filter word by more letters is a word.
    reader.search(ka_base + "search/?q=ბიუჯეტში")
    assert reader.titles() == ["ქოლ-ცენტრის ტელეფონია"]
    assert reader.page.locator("#search-implied").inner_text() == ""


def test_accents_are_optional(reader: Reader, base: str) -> None:
    # Diacritics are folded: 'Kovac' finds the project owned by Jan Kovač, and the other way.
    reader.search(base + "search/?q=Kovac")
    assert "Cloud Landing Zone" in reader.titles()
    assert "Kovač" in reader.page.locator(".search-result").first.inner_text()


def test_a_word_finds_the_words_it_begins_and_ranks_titles_first(reader: Reader, base: str) -> None:
    reader.search(base + "search/?q=firew")
    assert reader.titles()[0] == "Edge Firewall Renewal"
    assert reader.page.locator(".search-result mark").first.inner_text() == "Firewall"


# Strings where lower-casing, compatibility forms, diacritics and scripts meet: the browser
# must cut them into the words the indexer put in the index.
TRICKY = [
    "Jan Kovač's ﬁrewall",
    "KOVAČ kovac Kovac\u030c",
    "İstanbul Straße ΟΔΟΣ",
    "პროექტის ბიუჯეტი 1 480 000 ლარია.",
    "v2.0_beta ½ x²",
    "नमस्ते दुनिया",
    "東京タワー ｶﾀｶﾅ",
    "\U00010330\U00010331 gothic",
    "e\u0301te\u0301 — Ångström",
    "Søren Ødegård, Jürgen Straßmann, ẞ Łódź Đorđe Æsir Œuvre Þór Ħal Işık",
    "Siobhán O'Connor, D’Arcy, Kovač's, pʼyat",
    "1,650,000 1.65M 1.650.000,50 $3.2bn 12.5",
    "GEL 50,000. v2.0 3.11.7 2026-05-12",
    "1 050 000 and 1\u00a0050\u202f000, 2026 100 staff, 12 1234, 1 05",
]


def test_the_browser_finds_words_as_the_indexer_does(reader: Reader, base: str) -> None:
    from itpm_site.outputs.search_index import words

    reader.search(base + "search/")
    found = reader.page.evaluate("(all) => all.map((s) => window.ItpmSearch.words(s))", TRICKY)
    assert found == [words(s) for s in TRICKY]


def test_the_browser_folds_letters_with_the_table_the_index_carries(reader: Reader, base: str) -> None:
    from itpm_site.outputs.search_index import LETTERS

    reader.search(base + "search/")
    meta = reader.page.evaluate("() => fetch('data/meta.json').then((r) => r.json())")
    assert meta["letters"] == LETTERS
    folded = reader.page.evaluate("(t) => Object.keys(t).map((c) => window.ItpmSearch.fold(c))", LETTERS)
    assert folded == list(LETTERS.values())


def test_edits_count_a_swap_as_one(reader: Reader, base: str) -> None:
    reader.search(base + "search/")
    pairs = [
        ["pasword", "password"],
        ["onbaording", "onboarding"],
        ["lakehose", "lakehouse"],
        ["telephny", "telephony"],
        ["ransomeware", "ransomware"],
        ["cobol", "cool"],
        ["blockchain", "blackchair"],
        ["vendor", "vendor"],
    ]
    found = reader.page.evaluate("(pairs) => pairs.map(([a, b]) => window.ItpmSearch.edits(a, b, 2))", pairs)
    assert found == [1, 1, 1, 1, 1, 1, 2, 0]
    assert reader.page.evaluate("() => window.ItpmSearch.edits('blockchain', 'quantum', 2)") == 3


def test_quotes_make_phrases(reader: Reader, base: str) -> None:
    reader.search(base + "search/")
    parsed = reader.page.evaluate("() => window.ItpmSearch.parse('\"month-end close\" erp “o’connor team')")
    assert parsed == {
        "sequence": ["month", "end", "close", "erp", "oconnor", "team"],
        "phrases": [["month", "end", "close"], ["oconnor", "team"]],
        "terms": ["month", "end", "close", "erp", "oconnor", "team"],
        "compounds": [],  # a hyphenated word inside quotes stays its parts
    }


def test_a_typo_finds_the_word_meant_only_when_nothing_else_does(reader: Reader, base: str) -> None:
    reader.search(base + "search/?q=zebrafsh")
    assert reader.titles() == ["Edge Firewall Renewal"]
    assert reader.page.locator(".search-result-excerpt mark").first.inner_text() == "zebrafish"
    reader.search(base + "search/?q=zebrafsh+qwertyuiop")
    assert reader.titles() == []


def test_a_quoted_phrase_needs_its_words_side_by_side(reader: Reader, base: str) -> None:
    reader.search(base + "search/?q=vendor+ships")
    assert reader.titles() == ["Edge Firewall Renewal"]
    reader.search(base + "search/?q=%22ships+vendor%22")  # both words, not in that order
    assert reader.titles() == []
    reader.search(base + "search/?q=%22cloud+vendor%22")
    assert reader.titles() == ["Cloud Landing Zone"]


def test_words_side_by_side_rank_first(reader: Reader, base: str) -> None:
    """Record 0 has 'vendor' and 'delivery' more often; record 1 has them side by side."""
    reader.search(base + "search/")
    ids = reader.page.evaluate("""() => {
        const ix = new window.ItpmSearch.Index(location.href, location.href,
            {count: 2, average_length: 10, chunks: [["delivery", "c1"]]},
            {length: [10, 10], fragment: ["a", "b"], facets: {}});
        ix.loaded.c1 = Promise.resolve({words: ["delivery", "vendor"],
                                        postings: [[0, 24, 1, 8], [0, 24, 1, 8]]});
        ix.loaded["d/a.sdat"] = Promise.resolve({title: "A", blocks: [[null, "",
            "Delivery is late. The vendor is slow. Delivery again. Vendor again."]]});
        ix.loaded["d/b.sdat"] = Promise.resolve({title: "B", blocks: [[null, "",
            "The vendor delivery is late."]]});
        return Promise.all([ix.search("vendor delivery", {}), ix.search("delivery vendor", {}),
                            ix.search('"vendor delivery"', {})]).then((r) => r.map((a) => a.ids));
    }""")
    assert ids == [[1, 0], [0, 1], [1]]


def test_the_last_word_is_a_beginning_however_short(reader: Reader, base: str) -> None:
    reader.search(base + "search/?q=zebrafish+l")  # 'lives'
    assert reader.titles() == ["Edge Firewall Renewal"]
    reader.search(base + "search/?q=l+zebrafish")  # not last: only the word 'l'
    assert reader.titles() == []


def test_words_in_a_risk_title_are_marked(reader: Reader, base: str) -> None:
    reader.search(base + "search/?q=customs")
    risk = reader.page.locator(".search-subresult").first
    assert risk.locator("a mark").inner_text() == "customs"


def test_excerpts_mark_the_words_found_and_escape_the_rest(reader: Reader, base: str) -> None:
    reader.search(base + "search/")
    text = (
        "<b>Tom</b> & Jerry. "
        + " ".join(f"w{i}" for i in range(40))
        + " the vendor ships; Vendors wait. "
        + " ".join(f"z{i}" for i in range(40))
        + "."
    )
    cut = reader.page.evaluate("([t, q]) => window.ItpmSearch.excerpt(t, q)", [text, ["vendor"]])
    assert cut["hits"] == 2
    html = cut["html"]
    # The sentence with the words, cut to 30 words that end with it.
    assert html.startswith("… w15 ") and html.endswith(
        " the <mark>vendor</mark> ships; <mark>Vendors</mark> wait. …"
    )
    assert len(re.findall(r"[\w]+", re.sub(r"</?mark>", "", html))) == 30
    whole = reader.page.evaluate(
        "([t, q]) => window.ItpmSearch.excerpt(t, q)", ["<b>Tom</b> & Jerry.", ["tom"]]
    )
    assert whole == {"html": "&lt;b&gt;<mark>Tom</mark>&lt;/b&gt; &amp; Jerry.", "hits": 1, "distinct": 1}
    short = reader.page.evaluate(
        "() => window.ItpmSearch.excerpt('one two three four zebra', ['zebra']).html"
    )
    assert short == "one two three four <mark>zebra</mark>"


def test_an_excerpt_is_the_sentence_with_most_of_the_words(reader: Reader, base: str) -> None:
    reader.search(base + "search/")
    text = (
        "Owner: Ann Lee. The firewall is old. Its vendor is slow. "
        "The firewall vendor ships in May. Tags: vendor."
    )
    html = reader.page.evaluate(
        "([t, q]) => window.ItpmSearch.excerpt(t, q).html", [text, ["firewall", "vendor"]]
    )
    assert html == "… The <mark>firewall</mark> <mark>vendor</mark> ships in May. …"
    first = reader.page.evaluate("([t, q]) => window.ItpmSearch.excerpt(t, q).html", [text, ["nothing"]])
    assert first == "Owner: Ann Lee. …"  # no word found: the opening sentence


def test_other_forms_of_a_word_are_found(reader: Reader, base: str) -> None:
    """Stems are in the index; the browser only compares them. Record 0 says 'migrate',
    record 1 'migration', record 2 'migrator' (given another stem here)."""
    reader.search(base + "search/")
    found = reader.page.evaluate("""() => {
        const ix = new window.ItpmSearch.Index(location.href, location.href,
            {count: 3, average_length: 10, chunks: [["migrate", "c1"]], stemmed: true},
            {length: [10, 10, 10], fragment: ["a", "b", "c"], facets: {}});
        ix.loaded.c1 = Promise.resolve({words: ["migrate", "migration", "migrator"],
                                        postings: [[0, 4], [1, 4], [2, 4]],
                                        stems: ["migrat", "migrat", ""]});
        const ask = (q) => ix.search(q, {}).then((r) => [r.ids, r.words.sort()]);
        return Promise.all(["migration", "migrations", "migrating", "migra", "migrant"].map(ask));
    }""")
    assert found == [
        [[1, 0], ["migrate", "migration"]],  # the word itself first, then its other form
        [[1, 0], ["migrate", "migration"]],  # not in the index: cut back to a word it has
        [[0, 1], ["migrate", "migration"]],  # cut back to the stem 'migrat'
        [[0, 2, 1], ["migrate", "migration", "migrator"]],  # a beginning: shorter words first
        [[], []],
    ]


def test_cut_back_words_find_their_forms_and_nothing_else(reader: Reader, base: str) -> None:
    reader.search(base + "search/")
    found = reader.page.evaluate("""() => {
        const words = ["com", "commercial", "delivers", "happiness", "policies", "policy"];
        const ix = new window.ItpmSearch.Index(location.href, location.href,
            {count: 6, average_length: 10, chunks: [["com", "c1"]], stemmed: true},
            {length: [10, 10, 10, 10, 10, 10], fragment: words, facets: {}});
        ix.loaded.c1 = Promise.resolve({words: words,
            postings: words.map((_, i) => [i, 4]),
            stems: ["", "commerci", "deliv", "happi", "polici", "polici"]});
        const ask = (q) => ix.search(q, {}).then((r) => r.words.sort());
        return Promise.all(["company", "delivered", "happy", "policies", "policy"].map(ask));
    }""")
    assert found == [
        [],  # not 'com' and every word it begins
        ["delivers"],  # through the stem deliv
        ["happiness"],  # happy: the stem happi, Snowball's y made i
        ["policies", "policy"],  # the stem polici begins neither as written
        ["policies", "policy"],
    ]


def test_a_plural_finds_the_singular_and_marks_it(reader: Reader, base: str) -> None:
    reader.search(base + "search/?q=vendors")  # only 'vendor' is written
    assert len(reader.titles()) == 4
    assert reader.page.locator(".search-result mark").first.inner_text() == "vendor"
    reader.search(base + "search/?q=delivered")  # 'delivers' is written: the stem deliv
    assert reader.titles() == ["Payments Hub"]


def test_a_longer_rarer_word_does_not_outrank_the_word_typed(reader: Reader, base: str) -> None:
    """'data' in record 0 twice; record 1 has it once and 'database' three times; record 2
    once. Each query word has one rarity, so the record with most 'data' comes first."""
    reader.search(base + "search/")
    ids = reader.page.evaluate("""() => {
        const ix = new window.ItpmSearch.Index(location.href, location.href,
            {count: 3, average_length: 10, chunks: [["data", "c1"]]},
            {length: [10, 10, 10], fragment: ["a", "b", "c"], facets: {}});
        ix.loaded.c1 = Promise.resolve({words: ["data", "database"],
                                        postings: [[0, 16, 1, 8, 1, 8], [1, 24]]});
        return ix.search("data", {}).then((r) => r.ids);
    }""")
    assert ids == [0, 1, 2]


def test_nothing_found_suggests_the_explorer(reader: Reader, base: str) -> None:
    reader.search(base + "search/?q=qwertyuiop&status=red")
    assert reader.titles() == []
    assert reader.page.is_visible("#search-empty")
    href = reader.page.get_attribute("#search-explorer", "href")
    assert href == "../projects/?q=qwertyuiop&status=red"  # the explorer reads the same URL


# ------------------------------------------------------------------------------ filters


def test_a_filter_narrows_the_results_and_counts_are_right(reader: Reader, base: str) -> None:
    reader.search(base + "search/?q=vendor")
    assert sorted(reader.titles()) == [
        "Cloud Landing Zone",
        "Edge Firewall Renewal",
        "Mobile App",
        "Payments Hub",
    ]
    assert [reader.count("status", s) for s in ("red", "green", "amber")] == ["2", "1", "1"]
    assert reader.count("owner", "nino-beridze") == "2"
    assert reader.page.locator("fieldset[data-facet=owner] input[value=elena-rossi]").is_hidden()

    reader.page.check("fieldset[data-facet=status] input[value=red]")
    reader.wait_for_status("Status: Red")
    assert sorted(reader.titles()) == ["Edge Firewall Renewal", "Payments Hub"]
    assert "status=red" in reader.page.url
    # The other values of the filter in use keep their counts (red or amber adds up) ...
    assert [reader.count("status", s) for s in ("red", "green", "amber")] == ["2", "1", "1"]
    # ... and the other filters count within the red results.
    assert reader.count("phase", "implementation") == "1"
    assert reader.count("phase", "planning") == "1"
    assert reader.count("high_risk", "yes") == "1"

    reader.page.check("fieldset[data-facet=status] input[value=amber]")
    reader.wait_for_status("Status: Amber or Red")
    assert sorted(reader.titles()) == ["Cloud Landing Zone", "Edge Firewall Renewal", "Payments Hub"]


def test_a_filter_value_nothing_has_finds_nothing(reader: Reader, base: str) -> None:
    # No project is in closure: a shared link asking for it lists nothing, not the records
    # without a phase (the program, the page).
    reader.search(base + "search/?phase=closure")
    assert reader.titles() == []
    assert reader.page.inner_text("#search-status").startswith("No results")
    reader.search(base + "search/?q=vendor&phase=closure&phase=planning")
    assert reader.titles() and reader.count("phase", "closure") == "0"


def test_filters_alone_list_matching_records(reader: Reader, base: str) -> None:
    reader.search(base + "search/?owner=nino-beridze&type=project")
    assert reader.titles() == ["Edge Firewall Renewal", "Payments Hub"]  # sorted by title


def test_a_hand_written_url_may_use_names(reader: Reader, base: str) -> None:
    reader.search(base + "search/?q=vendor&owner=Nino+Beridze")
    assert sorted(reader.titles()) == ["Edge Firewall Renewal", "Payments Hub"]
    assert reader.page.is_checked("fieldset[data-facet=owner] input[value=nino-beridze]")


# ------------------------------------------------------------------------------ the URL


def test_the_url_holds_the_whole_state(reader: Reader, base: str) -> None:
    reader.search(base + "search/?q=vendor&phase=planning")
    assert sorted(reader.titles()) == ["Mobile App", "Payments Hub"]
    assert reader.page.input_value("#search-q") == "vendor"
    assert reader.page.is_checked("fieldset[data-facet=phase] input[value=planning]")

    reader.page.fill("#search-q", "zebrafish")  # typing updates the URL as it goes
    reader.wait_for_status("zebrafish")
    assert reader.page.url.endswith("search/?q=zebrafish&phase=planning")
    assert reader.titles() == []

    shared = reader.page.url  # a link pasted into a chat opens the same search
    reader.page.goto(base, wait_until="networkidle")
    reader.search(shared)
    assert reader.page.input_value("#search-q") == "zebrafish"
    assert reader.page.is_checked("fieldset[data-facet=phase] input[value=planning]")


def test_back_and_forward_walk_through_filter_changes(reader: Reader, base: str) -> None:
    reader.search(base + "search/?q=vendor")
    reader.page.check("fieldset[data-facet=status] input[value=red]")
    reader.wait_for_status("Status: Red")
    reader.page.go_back()
    reader.wait_for_status("4 results")
    assert reader.page.url.endswith("search/?q=vendor")
    assert not reader.page.is_checked("fieldset[data-facet=status] input[value=red]")
    reader.page.go_forward()
    reader.wait_for_status("Status: Red")
    assert len(reader.titles()) == 2


# ------------------------------------------------------------------------------ keyboard


def test_slash_focuses_the_header_box_which_submits_to_the_search_page(reader: Reader, base: str) -> None:
    page = reader.page
    page.goto(base + "projects/")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "site-search-q"
    page.keyboard.type("zebrafish")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/portfolio/search/\?q=zebrafish$"))
    reader.wait_for_status("zebrafish")
    assert reader.titles() == ["Edge Firewall Renewal"]
    # '/' typed into a field is just a character.
    page.focus("#search-q")
    page.keyboard.press("End")
    page.keyboard.type("/")
    assert page.input_value("#search-q") == "zebrafish/"


def test_arrow_keys_move_through_results_and_enter_opens_one(reader: Reader, base: str) -> None:
    page = reader.page
    reader.search(base + "search/?q=vendor&status=red")
    first, second = reader.titles()
    page.focus("#search-q")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.textContent") == first
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.textContent") == second
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.id") == "search-q"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/portfolio/projects/[a-z-]+/$"))
    assert page.locator("h1").inner_text() == first


# ------------------------------------------------------------------------------ PMO words


def test_a_status_word_applies_the_filter_and_says_so(reader: Reader, base: str) -> None:
    reader.search(base + "search/?q=red+projects")
    assert reader.titles() == ["Edge Firewall Renewal", "Payments Hub"]
    assert reader.page.inner_text("#search-implied").startswith("Status: Red — 2 results")
    reader.search(base + "search/?q=amber+vendor")  # vendor: two red, one green, one amber
    assert reader.titles() == ["Cloud Landing Zone"]
    reader.search(base + "search/?q=on+hold")  # no project is on hold
    assert reader.titles() == []
    reader.search(base + "search/?q=red")
    reader.page.click("#search-implied button")
    reader.wait_for_status()
    assert reader.page.locator("#search-implied").is_hidden()
    # As a word, "red" still finds the red projects first (as if it were their tag).
    assert set(reader.titles()[:2]) == {"Edge Firewall Renewal", "Payments Hub"}


def test_a_word_no_page_has_is_left_out_and_named(reader: Reader, base: str) -> None:
    reader.search(base + "search/?q=vendor+appliances+delays")
    assert reader.titles() == ["Edge Firewall Renewal"]
    assert reader.page.inner_text(".search-result-missing") == "Missing: delays"
    reader.search(base + "search/?q=vendor+appliances")
    assert reader.page.locator(".search-result-missing").count() == 0
    reader.search(base + "search/?q=zebrafish+blockchain+quantum")  # two words missing
    assert reader.titles() == []


def test_amounts_as_people_say_them_are_read_as_the_index_writes_them(reader: Reader, base: str) -> None:
    reader.search(base + "search/")
    sequences = reader.page.evaluate(
        "(qs) => qs.map((q) => window.ItpmSearch.parse(q).sequence)",
        ["2.75 million", "2.75m", "2750k EUR", "1 050 000", "1.050.000", "750 thousand", "3 bn", "top 5"],
    )
    assert sequences == [
        ["2.75m"],
        ["2.75m"],
        ["2.75m", "eur"],
        ["1050000"],
        ["1050000"],
        ["750k"],
        ["3bn"],
        ["top", "5"],
    ]
    compounds = reader.page.evaluate("() => window.ItpmSearch.parse('SAP S/4HANA on 2026-05-12').compounds")
    assert compounds == [{"joined": "s4hana", "parts": ["s", "4hana"]}]


def test_a_typo_is_read_before_a_stem(reader: Reader, base: str) -> None:
    """servicenwo is one swap from ServiceNow; cut back to 'servic' it would find the About
    page's service desk first."""
    reader.search(base + "search/?q=servicenwo")
    assert reader.titles() == ["Payments Hub"]
    assert reader.page.locator(".search-result-excerpt mark").all_inner_texts() == ["ServiceNow"]


def test_whole_words_come_before_the_words_they_begin_and_only_they_are_marked(
    reader: Reader, base: str
) -> None:
    reader.search(base + "search/?q=cloud")
    # The program page lists the project; CloudTrail comes last.
    assert reader.titles() == ["Cloud Landing Zone", "Secure Infrastructure", "Mobile App"]
    first = reader.page.locator(".search-result").first
    assert set(first.locator("mark").all_inner_texts()) <= {"Cloud", "cloud"}


def test_a_product_name_with_a_slash_is_one_word(reader: Reader, base: str) -> None:
    reader.search(base + "search/?q=S%2F4HANA")
    assert reader.titles() == ["Data Catalogue"]
    assert reader.page.locator(".search-result mark").all_inner_texts() == ["S", "4HANA"]


def test_a_result_shows_program_and_end_and_an_excerpt_from_a_section(reader: Reader, base: str) -> None:
    reader.search(base + "search/?q=fish+tank")  # under the body's "Server room" heading
    context = reader.page.inner_text(".search-result-context")
    assert "Program: Secure Infrastructure" in context and "Ends: 2026-12-31" in context
    assert reader.page.locator(".search-result-excerpt mark").all_inner_texts() == ["fish", "tank"]


def test_arrow_keys_step_over_sub_results_and_right_enters_them(reader: Reader, base: str) -> None:
    page = reader.page
    reader.search(base + "search/?q=appliances")  # in the body and in a risk
    assert reader.titles() == ["Edge Firewall Renewal"]
    page.focus("#search-q")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.textContent") == "Edge Firewall Renewal"
    page.keyboard.press("ArrowRight")
    assert "Appliances held at customs" in page.evaluate("document.activeElement.textContent")
    page.keyboard.press("ArrowLeft")
    assert page.evaluate("document.activeElement.textContent") == "Edge Firewall Renewal"
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.id") == "search-q"


# ------------------------------------------------------------------------------ fallbacks


def test_without_javascript_the_page_explains_and_links_the_explorer(browser, base: str) -> None:
    tab = Reader(browser, java_script_enabled=False)
    tab.page.goto(base + "search/?q=vendor")
    text = tab.page.inner_text("main")
    assert "Search needs JavaScript" in text
    assert tab.page.locator("noscript a[href='../projects/']").count() == 1 or "project explorer" in text
    assert tab.close() == []


def test_opened_from_a_file_the_page_says_to_serve_it(browser, site: Path) -> None:
    tab = Reader(browser)
    tab.page.goto((site / "search" / "index.html").as_uri())
    tab.page.wait_for_selector("#search-file", state="visible")
    assert "served over HTTP" in tab.page.inner_text("#search-file")
    assert tab.page.is_hidden("#search-app")
    tab.context.close()  # a file:// page may log the browser's own file-access messages


def test_fits_a_phone(browser, base: str) -> None:
    tab = Reader(browser, viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    tab.search(base + "search/?q=vendor")
    assert tab.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert not tab.page.evaluate("document.getElementById('search-filters').open")
    assert len(tab.titles()) == 4
    assert tab.close() == []


@pytest.mark.skipif(not AXE.exists(), reason="needs tests/node_modules/axe-core (.ci/run)")
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_accessibility_violations(browser, base: str, scheme: str) -> None:
    tab = Reader(browser, color_scheme=scheme)
    tab.search(base + "search/?q=vendor&status=red")
    tab.page.add_script_tag(path=str(AXE))
    result = tab.page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
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
    assert tab.close() == []
