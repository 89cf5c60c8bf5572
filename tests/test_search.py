"""The search index: its records, how words are found, the files the emitter yields, and
determinism."""

from __future__ import annotations

import datetime as dt
import gettext
import json
import unicodedata
from pathlib import Path

import pytest

from itpm_site.aggregate.portfolio import build_portfolio
from itpm_site.build import BuildOptions, build_site
from itpm_site.load.portfolio import load_portfolio
from itpm_site.outputs import search, search_index
from itpm_site.render.facets import facets
from itpm_site.render.markdown import render_markdown

pytestmark = pytest.mark.usefixtures("plain_env")

AS_OF = dt.date(2026, 11, 20)

PORTFOLIO = {
    "site.yaml": "title: Search fixture\nas_of: 2026-11-20\n",
    "content/programs/secure-infrastructure.md": (
        "---\ntitle: Secure Infrastructure\nowner: Levan Japaridze\n"
        "summary: Networks, identity and resilience.\n---\n"
        "The program keeps the bank's infrastructure patched and segmented.\n"
    ),
    "content/projects/edge-firewall.md": (
        "---\ntitle: Edge Firewall Renewal\nphase: Execution\nstatus: red\n"
        "owner: Nino Beridze\nsponsor: Chief Information Officer\nprogram: Secure Infrastructure\n"
        "category: network\nstart: 2026-01-10\nend: 2026-12-18\nstatus_date: 2026-11-15\n"
        "team: [Jan Kovač, Ana Lomidze]\ntags: [security, network]\n"
        "summary: Replace the perimeter appliances before support ends.\n"
        "risks:\n"
        "  - title: Appliance shipment held at customs\n    probability: 4\n    impact: 4\n"
        "    owner: Jan Kovač\n    mitigation: Bonded warehouse pre-clearance with the broker\n"
        "    status: open\n"
        "  - title: Rule migration misses legacy exceptions\n    probability: 2\n    impact: 2\n"
        "    mitigation: Shadow mode for two weeks\n    status: closed\n"
        "milestones:\n  - name: Cut-over weekend\n    date: 2026-12-05\n---\n"
        "## Scope\n\nThe **quarantined** zone moves behind the new cluster.\n\n"
        "| Site | Date |\n|---|---|\n| Tbilisi | Q4 |\n"
    ),
    "content/projects/branch-network.md": (
        "---\ntitle: თბილისის ფილიალების ქსელის განახლება\nphase: planning\nstatus: green\n"
        "owner: Sandro Gogoladze\nprogram: Secure Infrastructure\ncategory: network-cloud\n"
        "start: 2026-04-01\nend: 2027-02-26\nstatus_date: 2026-11-17\n"
        "summary: თბილისის 37 ფილიალის ქსელის სრული განახლება.\n---\n"
        "## ბიუჯეტი\n\nპროექტის ბიუჯეტი 1 480 000 ლარია.\n"
    ),
    "content/projects/data-catalogue.md": (
        "---\ntitle: Data Catalogue\nphase: initiation\nowner: Elena Rossi\ncategory: data\n"
        "start: 2026-03-01\nend: 2026-09-30\nstatus: amber\nstatus_date: 2026-11-01\n"
        "budget: {planned: 1650000, forecast: 1700000, actual: 612000, currency: GEL}\n"
        "summary: One catalogue of the bank's datasets.\n---\nA catalogue with lineage.\n"
    ),
    "content/pages/about.md": (
        "---\ntitle: About this portfolio\n---\nHow the PMO keeps the register current.\n"
    ),
}


@pytest.fixture
def portfolio_root(tmp_path: Path, write_portfolio) -> Path:
    return write_portfolio(tmp_path / "pf", PORTFOLIO)


@pytest.fixture
def records(portfolio_root: Path) -> dict[str, search.SearchRecord]:
    portfolio = build_portfolio(load_portfolio(portfolio_root), AS_OF)
    return {r.url: r for r in search.search_records(portfolio, render_markdown)}


@pytest.fixture
def fresh_search(monkeypatch: pytest.MonkeyPatch) -> None:
    """No records remembered from another test's build."""
    monkeypatch.setattr(search, "_kept", search.KeptRecords())


# ------------------------------------------------------------------------------ records


def test_one_record_per_project_program_and_page(records) -> None:
    assert sorted(records) == [
        "/about/",
        "/programs/secure-infrastructure/",
        "/projects/branch-network/",
        "/projects/data-catalogue/",
        "/projects/edge-firewall/",
    ]
    assert {r.filters["type"] for r in records.values()} == {"project", "program", "page"}


def test_project_record_words_meta_and_filters(records) -> None:
    r = records["/projects/edge-firewall/"]
    assert r.title == "Edge Firewall Renewal"
    assert r.intro[0] == "Replace the perimeter appliances before support ends."
    assert r.facts == [
        "Owner: Nino Beridze.",
        "Sponsor: Chief Information Officer.",
        "Team: Jan Kovač, Ana Lomidze.",
        "Program: Secure Infrastructure.",
        "Category: Network & cloud.",
        "Tags: security, network.",
    ]
    assert "<strong>quarantined</strong>" in r.body_html
    assert 'id="h-scope"' in r.body_html  # body headings keep their anchors
    assert r.meta == {
        "owner": "Nino Beridze",
        "phase": "implementation",
        "status": "red",
        "risks": "critical/open low/closed",
        "program": "Secure Infrastructure",
        "end": "2026-12-18",
    }
    assert r.filters == {
        "type": "project",
        "phase": "implementation",
        "owner": "nino-beridze",
        "status": "red",
        "high_risk": "yes",
        "program": "secure-infrastructure",
        "category": "network-cloud",
        "state": "active",
    }
    # What the project is about: its words weigh more than the body's.
    assert r.subject == [
        "Replace the perimeter appliances before support ends.",
        "security",
        "network",
        "Secure Infrastructure",
        "Network & cloud",
    ]


def test_risks_and_milestones_are_sections_with_the_anchors_of_the_project_page(records) -> None:
    r = records["/projects/edge-firewall/"]
    assert r.sections == [
        search.Section(
            "risk-1",
            "Appliance shipment held at customs",
            "Bonded warehouse pre-clearance with the broker. Risk owner: Jan Kovač.",
            ("Risk owner:",),
        ),
        search.Section(
            "risk-2",
            "Rule migration misses legacy exceptions",
            "Shadow mode for two weeks.",
            ("Risk owner:",),
        ),
        search.Section(
            "milestone-1", "Cut-over weekend", "Milestone due 2026-12-05.", ("Milestone due", "(done)")
        ),
    ]


def test_budget_figures_are_written_in_full_and_short_in_their_currency(records) -> None:
    r = records["/projects/data-catalogue/"]
    assert r.facts[-1] == (
        "Budget: planned 1,650,000 GEL (1.65M GEL), forecast 1,700,000 GEL "
        "(1.7M GEL), spent 612,000 GEL (612k GEL)."
    )
    assert {"1650000", "1.65m", "1700000", "1.7m", "612000", "612k", "gel"} <= set(
        search_index.words(r.facts[-1])
    )
    assert search.budget_sentence(None) == ""
    # The data catalogue's record says when the project ends and what it will cost.
    assert r.meta["eac"] == "1,700,000 GEL" and r.meta["end"] == "2026-09-30"


def test_budgets_in_another_currency_are_written_converted_too(tmp_path: Path, write_portfolio) -> None:
    files = dict(PORTFOLIO)
    files["site.yaml"] = (
        "title: Search fixture\nas_of: 2026-11-20\ncurrency: EUR\nexchange_rates: {GEL: 0.35}\n"
    )
    portfolio = build_portfolio(load_portfolio(write_portfolio(tmp_path / "pf", files)), AS_OF)
    r = {x.url: x for x in search.search_records(portfolio, render_markdown)}["/projects/data-catalogue/"]
    assert r.facts[-1].endswith("converted to planned 577,500 EUR (577.5k EUR), EAC 595,000 EUR (595k EUR).")
    counts = search_index.index_record(r).codes
    assert {"577500", "577.5k", "595000", "595k"} <= set(counts)


def test_the_words_of_filters_are_one_table_carried_in_the_index(index) -> None:
    """The status and phase words are data: meta.json carries them, folded as queries are, each
    naming a filter the records table has and a value records can take."""
    from itpm_site.model.vocab import Phase, State, Status
    from itpm_site.outputs import search_words

    meta = json.loads(index["meta.json"])
    vocabulary = meta["vocabulary"]
    assert vocabulary == search_words.vocabulary("en")
    values = {
        "status": {s.value for s in Status},
        "phase": {p.value for p in Phase},
        "state": {s.value for s in State},
        "high_risk": {"yes"},
        "overdue": {"yes"},
    }
    for phrase, targets in vocabulary["facets"].items():
        assert phrase == " ".join(search_index.words(phrase)), phrase
        for facet, value in targets:
            assert facet in search.FACETS and value in values[facet], (phrase, facet, value)
    assert vocabulary["facets"]["at risk"] == [["status", "amber"]]
    assert vocabulary["facets"]["on hold"] == [["state", "on-hold"]]
    assert vocabulary["facets"]["closure"] == [["phase", "closure"]]
    assert "projects" in vocabulary["fillers"] and vocabulary["scales"]["million"] == 1_000_000
    # A label for every value a query can apply.
    labels = vocabulary["labels"]
    assert all(f"{f}={v}" in labels for targets in vocabulary["facets"].values() for f, v in targets)


def test_every_project_carries_its_state_and_overdue_milestones(records) -> None:
    assert records["/projects/edge-firewall/"].filters["state"] == "active"
    assert "overdue" not in records["/projects/edge-firewall/"].filters  # due 2026-12-05


def test_the_labels_of_facts_are_not_indexed(records) -> None:
    """'Owner:', 'Risk owner:', 'Milestone due', 'planned' label values: a query for them must
    not find every record; the values are indexed."""
    codes = search_index.index_record(records["/projects/edge-firewall/"]).codes
    for label in ("owner", "sponsor", "team", "tags", "milestone", "due", "category"):
        assert label not in codes, label
    assert {"nino", "beridze", "kovac", "chief", "security"} <= set(codes)
    budget = search_index.index_record(records["/projects/data-catalogue/"]).codes
    assert not {"budget", "planned", "forecast", "spent"} & set(budget)
    assert "1650000" in budget


def test_blocks_are_the_opening_then_each_anchored_heading_then_the_risks(records) -> None:
    parts = search_index.blocks(records["/projects/edge-firewall/"])
    assert [(b.anchor, b.title) for b in parts] == [
        (None, ""),
        ("h-scope", "Scope"),
        ("risk-1", "Appliance shipment held at customs"),
        ("risk-2", "Rule migration misses legacy exceptions"),
        ("milestone-1", "Cut-over weekend"),
    ]
    assert parts[0].text.startswith("Replace the perimeter appliances before support ends.")
    assert parts[0].text.endswith(
        "Owner: Nino Beridze. Sponsor: Chief Information Officer. "
        "Team: Jan Kovač, Ana Lomidze. Program: Secure Infrastructure. "
        "Category: Network & cloud. Tags: security, network."
    )
    # Tags are gone, entities decoded, table cells kept apart.
    assert parts[1].text == "The quarantined zone moves behind the new cluster. Site Date Tbilisi Q4"
    assert parts[2].text == "Bonded warehouse pre-clearance with the broker. Risk owner: Jan Kovač."


def test_body_text_before_the_first_heading_opens_the_record() -> None:
    record = search.SearchRecord(
        "/x/",
        "A <b>&</b> title",
        ["Tom & <Jerry>"],
        "<p>Lead &amp; more.</p><script>var hidden = 1;</script>"
        '<h2 class="c" id="h-next">Next <em>part</em></h2><p>body</p>',
        facts=["Owner: Ann."],
    )
    parts = search_index.blocks(record)
    assert [(b.anchor, b.title, b.text) for b in parts] == [
        (None, "", "Tom & <Jerry> Lead & more. Owner: Ann."),
        ("h-next", "Next part", "body"),
    ]


def test_words_are_folded_as_the_browser_folds_them() -> None:
    assert search_index.fold("Jan KOVAČ") == "jan kovac"
    assert search_index.words("Jan Kovač ﬁrewall, Ölçü_ünü; v2.0 ÉTÉ") == [
        "jan",
        "kovac",
        "firewall",
        "olcu",
        "unu",
        "v2",
        "0",
        "ete",
    ]
    # Digits grouped by spaces are one number, as people write amounts.
    georgian = search_index.words("პროექტის ბიუჯეტი 1 480 000 ლარია.")
    assert georgian == ["პროექტის", "ბიუჯეტი", "1480000", "ლარია"]
    assert search_index.words("in 2026 100 staff, 12 1234") == ["in", "2026", "100", "staff", "12", "1234"]
    assert search_index.words("İstanbul Straße") == ["istanbul", "strasse"]


def test_letters_without_a_combining_accent_fold_by_the_one_table() -> None:
    assert search_index.words(
        "Søren Ødegård, Jürgen Straßmann, Łukasz, Đorđe, Æsir, Œuvre, Þór, Ħal Far, Işık"
    ) == [
        "soren",
        "odegard",
        "jurgen",
        "strassmann",
        "lukasz",
        "dorde",
        "aesir",
        "oeuvre",
        "thor",
        "hal",
        "far",
        "isik",
    ]
    # Every entry is one lower-case character that NFKD leaves as it is.
    for letter in search_index.LETTERS:
        assert len(letter) == 1 and letter == letter.lower()
        assert unicodedata.normalize("NFKD", letter) == letter


def test_apostrophes_join_a_word_and_the_index_keeps_its_parts_too() -> None:
    assert search_index.words("Siobhán O'Connor, D’Arcy and Kovač's") == [
        "siobhan",
        "oconnor",
        "darcy",
        "and",
        "kovacs",
    ]
    assert search_index.word_counts("O'Connor D’Arcy, O’Connor") == {
        "oconnor": 2,
        "o": 2,
        "connor": 2,
        "darcy": 1,
        "d": 1,
        "arcy": 1,
    }


def test_hyphenated_words_are_indexed_joined_too() -> None:
    assert search_index.word_counts("Wi-Fi for SD-WAN sites on 2026-05-12, 1,650,000") == {
        "wi": 1,
        "fi": 1,
        "for": 1,
        "sd": 1,
        "wan": 1,
        "sites": 1,
        "on": 1,
        "2026": 1,
        "05": 1,
        "12": 1,
        "1650000": 1,
        "wifi": 1,
        "sdwan": 1,
    }


def test_product_names_with_slashes_and_points_are_one_word_and_their_parts() -> None:
    counts = search_index.word_counts("SAP S/4HANA on ASP.NET, see v2.0 and 1.65M on 12/05/2026.")
    assert {"s4hana", "s", "4hana", "aspnet", "asp", "net"} <= set(counts)
    # Numbers and dates are not product names.
    assert not {"165m", "12052026"} & set(counts)


@pytest.mark.parametrize(
    ("written", "word"),
    [
        ("1 650 000", "1650000"),
        ("1\u00a0650\u202f000", "1650000"),
        ("1,650,000", "1650000"),
        ("1.650.000", "1650000"),
        ("1650000", "1650000"),
        ("1.65M", "1.65m"),
        ("1,65M", "1.65m"),
        ("$3.2bn", "3.2bn"),
        ("612,000.50", "612000.50"),
        ("1.650.000,50", "1650000.50"),
        ("12.5", "12.5"),
        ("GEL 50,000.", "50000"),
    ],
)
def test_grouped_digits_are_one_number(written: str, word: str) -> None:
    assert search_index.words(written)[-1] == word


def test_words_are_sorted_as_javascript_compares_strings() -> None:
    # An astral letter is two UTF-16 units starting 0xD800, before U+E000 in JavaScript.
    assert sorted(["\ue000", "\U00010330", "a"], key=search_index._js_order) == ["a", "\U00010330", "\ue000"]


def test_georgian_text_is_kept_as_written(records) -> None:
    r = records["/projects/branch-network/"]
    assert r.title == "თბილისის ფილიალების ქსელის განახლება"
    assert "პროექტის ბიუჯეტი 1 480 000 ლარია." in r.text
    assert "high_risk" not in r.filters


def test_program_and_page_records(records) -> None:
    program = records["/programs/secure-infrastructure/"]
    assert program.filters == {
        "type": "program",
        "program": "secure-infrastructure",
        "owner": "levan-japaridze",
    }
    assert program.intro[0] == "Networks, identity and resilience."
    assert "Projects: Edge Firewall Renewal, თბილისის" in program.facts[1]
    assert "patched and segmented" in program.text
    page = records["/about/"]
    assert page.filters == {"type": "page"}
    assert "keeps the register current" in page.text


def test_facets_list_every_value_with_its_label(portfolio_root: Path) -> None:
    portfolio = build_portfolio(load_portfolio(portfolio_root), AS_OF)
    by_key = {f.key: f for f in facets(portfolio)}
    assert list(by_key) == [f for f in search.FACETS if f not in search.QUERY_ONLY_FACETS]
    assert ("implementation", "Implementation") in by_key["phase"].values
    assert ("nino-beridze", "Nino Beridze") in by_key["owner"].values
    assert ("levan-japaridze", "Levan Japaridze") in by_key["owner"].values  # program owner
    assert ("network-cloud", "Network & cloud") in by_key["category"].values
    assert by_key["program"].values == [("secure-infrastructure", "Secure Infrastructure")]


# ------------------------------------------------------------------------------ the index


def lookup(files: dict[str, bytes], term: str) -> dict[str, int]:
    """What the browser does for one word of a query: {URL: posting code} of every record
    with a word beginning with ``term``, read from the index files alone."""
    meta = json.loads(files["meta.json"])
    docs = search_index.read(files[meta["docs"]])
    urls = [search_index.read(files[f"d/{name}.sdat"])["url"] for name in docs["fragment"]]
    found: dict[str, int] = {}
    for _first, name in meta["chunks"]:
        chunk = search_index.read(files[name])
        for word, postings in zip(chunk["words"], chunk["postings"], strict=True):
            if word.startswith(term):
                doc = 0
                for gap, code in zip(postings[::2], postings[1::2], strict=True):
                    doc += gap
                    found[urls[doc]] = max(found.get(urls[doc], 0), code)
    return found


@pytest.fixture
def index(records) -> dict[str, bytes]:
    return search.search_index(records.values())


def test_every_word_finds_its_records(index) -> None:
    assert list(lookup(index, "quarantined")) == ["/projects/edge-firewall/"]
    assert list(lookup(index, "bonded")) == ["/projects/edge-firewall/"]  # a mitigation
    assert list(lookup(index, "kovac")) == ["/projects/edge-firewall/"]  # Kovač, folded
    assert list(lookup(index, "ბიუჯეტი")) == ["/projects/branch-network/"]
    assert set(lookup(index, "segment")) == {"/programs/secure-infrastructure/"}  # a prefix
    assert lookup(index, "zebrafish") == {}


def test_codes_count_words_and_mark_title_and_owner(index) -> None:
    firewall = lookup(index, "firewall")
    # In the project's title; in the program, among the titles of its projects.
    assert firewall["/projects/edge-firewall/"] == 1 * 8 + 4
    assert firewall["/programs/secure-infrastructure/"] == 1 * 8
    assert lookup(index, "beridze")["/projects/edge-firewall/"] == 1 * 8 + 1  # the owner
    # In the summary and a tag: what the project is about.
    assert lookup(index, "perimeter")["/projects/edge-firewall/"] == 1 * 8 + 2
    assert lookup(index, "security")["/projects/edge-firewall/"] == 1 * 8 + 2


def test_georgian_words_are_held_in_latin_letters_too(index) -> None:
    """As slugs spell them (one table, carried in meta.json for the browser), found as often
    but in no field: they weigh less than the words as written."""
    from itpm_site.model.slugs import GEORGIAN_LATIN, georgian_in_latin, slugify

    assert georgian_in_latin("ბერიძე") == "beridze" and georgian_in_latin("beridze") is None
    assert georgian_in_latin("ᲑᲔᲠᲘᲫᲔ".lower()) == "beridze"  # Mtavruli capitals
    for name in ("ნინო ბერიძე", "თბილისის ფილიალების ქსელის განახლება", "პროექტის წყალი ჭიჭყინა"):
        assert slugify(name) == "-".join(georgian_in_latin(w) or w for w in search_index.words(name))
    # In the title and the summary; in Latin letters, as in no field.
    assert lookup(index, "თბილისის")["/projects/branch-network/"] == 2 * 8 + 4 + 2
    assert lookup(index, "tbilisis")["/projects/branch-network/"] == 2 * 8
    assert lookup(index, "biujeti")["/projects/branch-network/"] == 2 * 8
    meta = json.loads(index["meta.json"])
    assert meta["latin"] == GEORGIAN_LATIN and meta["latin"]["ძ"] == "dz"


def test_an_index_without_georgian_words_carries_no_table_but_a_georgian_one_does() -> None:
    record = search.page_record("about/", "About", "How we work.", "")
    english = json.loads(search.search_index([record])["meta.json"])
    assert "latin" not in english
    assert "latin" in json.loads(search.search_index([record], "ka")["meta.json"])


def test_a_georgian_site_names_filters_with_its_labels_too() -> None:
    from itpm_site.outputs import search_words

    georgian = search_words.vocabulary("ka")
    english = search_words.vocabulary("en")
    assert georgian["facets"]["წითელი"] == [["status", "red"]]
    assert georgian["facets"]["დაგეგმვა"] == [["phase", "planning"]]
    assert georgian["facets"]["შეჩერებული"] == [["state", "on-hold"]]
    assert georgian["facets"]["red"] == english["facets"]["red"]  # English words still work
    assert georgian["facet_names"]["status"] == "სტატუსი"
    assert georgian["labels"]["status=red"] == "წითელი"
    assert not [k for k in english["facets"] if not k.isascii()]
    assert english["labels"]["status=red"] == "Red"


def test_filter_words_and_fillers_in_the_sites_language_come_from_its_catalog() -> None:
    """Every "search words" message of a catalog names its value: each of its phrases, as
    folded, is in the vocabulary with that value; the English ones stay on every site."""
    from itpm_site.model import i18n
    from itpm_site.outputs import search_words

    for language in i18n.LANGUAGES:
        table = search_words.vocabulary(language)
        written = search_words.written_words(i18n.translations(language))
        assert set(written) == set(search_words.FACET_WORDS)
        for (facet, value), phrases in {**search_words.FACET_WORDS, **written}.items():
            for phrase in phrases:
                key = " ".join(search_index.words(phrase))
                assert [facet, value] in table["facets"][key], (language, phrase)
        fillers = [
            w for f in search_words.filler_words(i18n.translations(language)) for w in search_index.words(f)
        ]
        assert set(fillers) | set(search_words.FILLERS) <= set(table["fillers"])

    # A translation is read from the catalog, whatever it says.
    class Catalog(gettext.NullTranslations):
        def pgettext(self, context: str, message: str) -> str:
            return "x1, y2 z3" if context == "search words" else message

    assert set(search_words.written_words(Catalog()).values()) == {("x1", "y2 z3")}
    assert search_words.filler_words(Catalog()) == ("x1", "y2 z3")
    # The Georgian catalog gives more than the labels: synonyms and the fillers.
    georgian = search_words.vocabulary("ka")
    assert georgian["facets"]["გრაფიკიდან გადახრილი"] == [["status", "red"]]
    assert {"პროექტები", "პროექტი"} <= set(georgian["fillers"])


def test_a_language_without_a_stemmer_reads_its_filter_words_by_their_shared_beginning() -> None:
    from itpm_site.outputs import search_words

    assert "forms" not in search_words.vocabulary("en")  # English has its stemmer
    forms = search_words.vocabulary("ka")["forms"]
    georgian = {w for k in search_words.vocabulary("ka")["facets"] for w in k.split()}
    for stem, word in forms.items():
        assert word.startswith(stem) and len(word) - len(stem) == 1 and len(stem) >= 3
        assert word in georgian or word in search_words.vocabulary("ka")["fillers"]
        assert word.isascii() is False  # English words are matched as written
    assert forms["წითელ"] == "წითელი" and forms["დახურვ"] == "დახურვა"
    # A beginning two words share names neither.
    assert search_words.word_forms("ka", ["ტესტი", "ტესტა"]) == {}
    assert search_words.word_forms("ka", ["ტესტი", "ან", "ტესტის"]) == {"ტესტ": "ტესტი"}


def test_words_with_other_forms_carry_their_stem() -> None:
    words = ["migrate", "migration", "risk", "risks", "delivers", "data", "ბიუჯეტი", "ბიუჯეტის"]
    stem = search_index.stemmer("en")
    assert stem is not None
    assert search_index.shared_stems({w: stem(w) for w in words}) == {
        "migrate": "migrat",
        "migration": "migrat",
        "risk": "risk",
        "risks": "risk",  # its own stem, but shared
        "delivers": "deliv",
    }  # alone, but 'delivered' finds it through its stem
    assert search_index.stemmer("ka") is None  # no Georgian stemmer: nothing is grouped


def test_chunks_list_stems_beside_their_words(tmp_path: Path, write_portfolio) -> None:
    root = write_portfolio(
        tmp_path / "pf",
        {
            "site.yaml": "title: Forms\n",
            "content/projects/a.md": "---\ntitle: Cloud migration\nphase: planning\nowner: A\n"
            "---\nWe migrate the mail servers.\n",
        },
    )
    portfolio = build_portfolio(load_portfolio(root), AS_OF)
    files = search.search_index(search.search_records(portfolio, render_markdown))
    chunk = search_index.read(files[json.loads(files["meta.json"])["chunks"][0][1]])
    stem = dict(zip(chunk["words"], chunk["stems"], strict=True))
    assert stem["migration"] == stem["migrate"] == "migrat"
    assert stem["mail"] == ""  # its own stem, shared with no word: nothing to find through it


def test_the_records_table_is_in_title_order_with_filter_values(index, records) -> None:
    meta = json.loads(index["meta.json"])
    assert meta["format"] == search_index.FORMAT and meta["count"] == 5
    docs = search_index.read(index[meta["docs"]])
    titles = [search_index.read(index[f"d/{n}.sdat"])["title"] for n in docs["fragment"]]
    assert titles == sorted(titles, key=str.casefold)
    status = docs["facets"]["status"]
    assert status["values"] == ["amber", "green", "red"]
    assert [status["values"][v] if v >= 0 else None for v in status["of"]] == [
        None,
        "amber",
        "red",
        None,
        "green",
    ]  # About, Data, Edge, Secure, თბილისის
    assert set(docs["facets"]) == set(search.FACETS)


def test_chunks_split_the_words_in_order(records, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search_index, "CHUNK_BYTES", 200)
    files = search.search_index(records.values())
    chunks = json.loads(files["meta.json"])["chunks"]
    assert len(chunks) > 5
    every = [w for _, name in chunks for w in search_index.read(files[name])["words"]]
    assert every == sorted(every, key=search_index._js_order)
    assert [first for first, _ in chunks] == [search_index.read(files[n])["words"][0] for _, n in chunks]
    assert lookup(files, "quarantined") == lookup(search.search_index(records.values()), "quarantined")


def test_fragments_hold_what_a_result_shows(index) -> None:
    fragments = [search_index.read(data) for path, data in index.items() if path.startswith("d/")]
    firewall = next(f for f in fragments if f["url"] == "/projects/edge-firewall/")
    assert firewall["title"] == "Edge Firewall Renewal" and firewall["type"] == "project"
    assert firewall["meta"]["risks"] == "critical/open low/closed"
    assert firewall["blocks"][2] == [
        "risk-1",
        "Appliance shipment held at customs",
        "Bonded warehouse pre-clearance with the broker. Risk owner: Jan Kovač.",
    ]


def test_the_index_is_the_same_in_any_record_order(records) -> None:
    ordered = list(records.values())
    assert search.search_index(ordered) == search.search_index(ordered[::-1])


# ------------------------------------------------------------------------------ the emitter


def build(root: Path, out: Path, **options) -> Path:
    result = build_site(BuildOptions(root=root, output=out, as_of=AS_OF, **options))
    assert result.ok, [d.headline() for d in result.diagnostics]
    return out


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.mark.usefixtures("fresh_search")
def test_the_build_writes_the_index(portfolio_root: Path, tmp_path: Path) -> None:
    site = build(portfolio_root, tmp_path / "out")
    files = tree(site / "search" / "data")
    meta = json.loads(files["meta.json"])
    assert meta["docs"] in files
    assert all(name in files for _, name in meta["chunks"])
    assert sum(p.startswith("d/") for p in files) == 5  # one fragment per record
    assert len(files) == 2 + len(meta["chunks"]) + 5  # and nothing else
    assert lookup(files, "bonded") == {"/projects/edge-firewall/": 8}
    page = (site / "search" / "index.html").read_text(encoding="utf-8")
    assert 'data-index="../search/data/meta.json" data-root="../"' in page
    assert 'src="../static/js/search-index.js"' in page
    assert 'id="site-search-q"' in (site / "index.html").read_text(encoding="utf-8")


@pytest.mark.usefixtures("fresh_search")
def test_two_builds_are_byte_identical(portfolio_root: Path, tmp_path: Path) -> None:
    first = tree(build(portfolio_root, tmp_path / "a", cache=False))
    second = tree(build(portfolio_root, tmp_path / "b", cache=False))
    assert first.keys() == second.keys()
    assert [p for p in first if first[p] != second[p]] == []


@pytest.mark.usefixtures("fresh_search")
def test_no_search_yields_no_index(portfolio_root: Path, tmp_path: Path) -> None:
    site = build(portfolio_root, tmp_path / "out", search=False)
    assert not (site / "search" / "data").exists()
    page = (site / "search" / "index.html").read_text(encoding="utf-8")
    assert "built without search" in page
    assert "search.js" not in page
    assert 'id="site-search-q"' not in (site / "index.html").read_text(encoding="utf-8")


def test_no_search_on_the_command_line(portfolio_root: Path, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from itpm_site.cli import cli

    out = tmp_path / "cli"
    result = CliRunner().invoke(
        cli, ["build", "--root", str(portfolio_root), "--output", str(out), "--no-search", "-q"]
    )
    assert result.exit_code == 0, result.output
    assert (out / "index.html").exists() and not (out / "search" / "data").exists()


@pytest.mark.usefixtures("fresh_search")
def test_the_emitter_indexes_only_the_records_that_changed(
    portfolio_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The emitter indexes only the records the same process has not indexed before (serve
    rebuilds in-process where it cannot fork)."""
    from itpm_site.build import prepare

    indexed: list[str] = []
    real = search.index_record
    monkeypatch.setattr(search, "index_record", lambda record: indexed.append(record.url) or real(record))

    def index() -> dict[str, bytes]:
        site = prepare(BuildOptions(portfolio_root, as_of=AS_OF))
        return {f.path: f.make() for f in search.emit_search(site)}

    first = index()
    assert len(indexed) == 5
    assert index() == first  # a rebuild after a template edit
    assert len(indexed) == 5
    project = portfolio_root / "content" / "projects" / "data-catalogue.md"
    project.write_text(project.read_text(encoding="utf-8").replace("lineage", "provenance"), encoding="utf-8")
    changed = index()
    assert indexed[5:] == ["/projects/data-catalogue/"]
    files = {path.removeprefix("search/data/"): data for path, data in changed.items()}
    assert list(lookup(files, "provenance")) == ["/projects/data-catalogue/"]
    assert lookup(files, "lineage") == {}


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="render workers fork")
def test_index_built_beside_the_render_workers_equals_a_serial_one(tmp_path: Path, write_portfolio) -> None:
    """With no Markdown cache the index waits for the bodies the workers render; the index
    is the same bytes as one built after the pages by a single process."""
    files = {"site.yaml": "title: Many\n"}
    for i in range(330):
        files[f"content/projects/p{i:03}.md"] = (
            f"---\ntitle: Project {i}\nphase: planning\nowner: Ann Lee\n---\n"
            f"## Scope\n\nWord{i} and the firewall number {i * 7}.\n"
        )
    root = write_portfolio(tmp_path / "pf", files)

    def index(jobs: int) -> dict[str, bytes]:
        out = tmp_path / f"out{jobs}"
        assert build_site(BuildOptions(root=root, output=out, as_of=AS_OF, jobs=jobs, cache=False)).ok
        return tree(out / "search" / "data")

    parallel = index(2)
    assert sum(rel.startswith("d/") for rel in parallel) == 330
    assert parallel == index(1)
    assert list(lookup(parallel, "word329")) == ["/projects/p329/"]


# ------------------------------------------------------------------------------ people

PEOPLE = {
    "content/people/jan-kovac.md": (
        "---\nname: Jan Kovač\nteam: Security\nrole: Network Security Engineer\n"
        "skills: [firewalls, PKI]\n---\n## Background\n\nTen years of perimeter work.\n"
    ),
    "content/people/ana-lomidze.md": "---\nname: Ana Lomidze\n---\n",
}


@pytest.mark.parametrize("publish", [True, False])
def test_people_are_records_only_when_published(tmp_path: Path, write_portfolio, publish: bool) -> None:
    files = {**PORTFOLIO, **PEOPLE}
    files["site.yaml"] += f"people: {{publish: {'true' if publish else 'false'}}}\n"
    root = write_portfolio(tmp_path / "pf", files)
    portfolio = build_portfolio(load_portfolio(root), AS_OF)
    found = {r.url: r for r in search.search_records(portfolio, render_markdown)}
    types = dict(next(f for f in facets(portfolio) if f.key == "type").values)
    people = sorted(u for u in found if u.startswith("/people/"))
    if not publish:
        assert people == [] and "person" not in types
        return
    assert people == ["/people/ana-lomidze/", "/people/jan-kovac/"] and types["person"] == "Person"
    jan = found["/people/jan-kovac/"]
    assert (jan.title, jan.filters, jan.meta) == ("Jan Kovač", {"type": "person"}, {"team": "Security"})
    assert jan.intro == ["Network Security Engineer in Security."]
    assert jan.facts == ["Team: Security.", "Role: Network Security Engineer.", "Skills: firewalls, PKI."]
    assert jan.subject == ["Security", "Network Security Engineer", "firewalls", "PKI"]
    # The body's headings keep the ids of the person's page: a sub-result links there.
    assert 'id="h-background"' in jan.body_html
    # Someone with a name only is still found by it.
    assert found["/people/ana-lomidze/"].intro == [""] and found["/people/ana-lomidze/"].facts == []
    index = search.search_index(found.values())
    # By name (folded, in the title: code 4), by team, role and skill (what the page is about: 2).
    assert lookup(index, "kovac")["/people/jan-kovac/"] == 1 * 8 + 4
    assert lookup(index, "pki")["/people/jan-kovac/"] == 1 * 8 + 2
    assert lookup(index, "engineer")["/people/jan-kovac/"] == 2 * 8 + 2  # intro and role
    assert "/people/jan-kovac/" in lookup(index, "perimeter")  # the body
    assert "/people/jan-kovac/" not in lookup(index, "skills")  # a label, not a word of the page
