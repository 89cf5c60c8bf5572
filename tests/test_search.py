"""The search index: its records, the Pagefind files the emitter yields, and determinism."""

from __future__ import annotations

import datetime as dt
import gzip
import logging
from pathlib import Path

import pytest

from itpm_site import search
from itpm_site.aggregate import build_portfolio
from itpm_site.build import BuildOptions, build_site
from itpm_site.loader import load_portfolio
from itpm_site.markdown import render_markdown

pytestmark = pytest.mark.usefixtures("plain_env")

AS_OF = dt.date(2026, 11, 20)

PORTFOLIO = {
    "site.yaml": "title: Search fixture\nas_of: 2026-11-20\n",
    "content/programs/secure-infrastructure.md": (
        "---\ntitle: Secure Infrastructure\nowner: Levan Japaridze\n"
        "summary: Networks, identity and resilience.\n---\n"
        "The program keeps the bank's infrastructure patched and segmented.\n"),
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
        "| Site | Date |\n|---|---|\n| Tbilisi | Q4 |\n"),
    "content/projects/branch-network.md": (
        "---\ntitle: თბილისის ფილიალების ქსელის განახლება\nphase: planning\nstatus: green\n"
        "owner: Sandro Gogoladze\nprogram: Secure Infrastructure\ncategory: network-cloud\n"
        "start: 2026-04-01\nend: 2027-02-26\nstatus_date: 2026-11-17\n"
        "summary: თბილისის 37 ფილიალის ქსელის სრული განახლება.\n---\n"
        "## ბიუჯეტი\n\nპროექტის ბიუჯეტი 1 480 000 ლარია.\n"),
    "content/projects/data-catalogue.md": (
        "---\ntitle: Data Catalogue\nphase: initiation\nowner: Elena Rossi\ncategory: data\n"
        "start: 2026-03-01\nend: 2026-09-30\nstatus: amber\nstatus_date: 2026-11-01\n"
        "summary: One catalogue of the bank's datasets.\n---\nA catalogue with lineage.\n"),
    "content/pages/about.md": (
        "---\ntitle: About this portfolio\n---\nHow the PMO keeps the register current.\n"),
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
    """No index remembered from another test, and the 'not available' notice not yet given."""
    monkeypatch.setattr(search, "_last", None)
    monkeypatch.setattr(search, "_said_unavailable", False)


def needs_pagefind() -> None:
    try:
        from pagefind.service import get_executable

        found = get_executable()
    except (ImportError, OSError):
        found = None
    if found is None or not Path(found).exists():
        pytest.skip("the Pagefind binary is not installed (pip install 'pagefind[bin]')")


# ------------------------------------------------------------------------------ records


def test_one_record_per_project_program_and_page(records) -> None:
    assert sorted(records) == ["/about/", "/programs/secure-infrastructure/",
                               "/projects/branch-network/", "/projects/data-catalogue/",
                               "/projects/edge-firewall/"]
    assert {r.filters["type"][0] for r in records.values()} == {"project", "program", "page"}


def test_project_record_words_meta_and_filters(records) -> None:
    r = records["/projects/edge-firewall/"]
    assert r.title == "Edge Firewall Renewal"
    assert r.intro[0] == "Replace the perimeter appliances before support ends."
    for words in ("Owner: Nino Beridze.", "Sponsor: Chief Information Officer.",
                  "Team: Jan Kovač, Ana Lomidze.", "Program: Secure Infrastructure.",
                  "Tags: security, network.", "Milestones: Cut-over weekend."):
        assert words in r.intro[2]
    assert "<strong>quarantined</strong>" in r.body_html
    assert 'id="h-scope"' in r.body_html  # body headings keep their anchors
    assert r.meta == {"owner": "Nino Beridze", "phase": "implementation", "status": "red",
                      "risks": "critical/open low/closed"}
    assert r.filters == {
        "type": ["project"], "phase": ["implementation"], "owner": ["nino-beridze"],
        "status": ["red"], "high_risk": ["yes"], "program": ["secure-infrastructure"],
        "category": ["network-cloud"]}


def test_risks_are_sections_with_the_anchors_of_the_project_page(records) -> None:
    r = records["/projects/edge-firewall/"]
    assert r.sections == [
        search.Section("risk-1", "Appliance shipment held at customs",
                       "Bonded warehouse pre-clearance with the broker. Risk owner: Jan Kovač."),
        search.Section("risk-2", "Rule migration misses legacy exceptions",
                       "Shadow mode for two weeks."),
    ]


def test_the_document_pagefind_reads(records) -> None:
    document = records["/projects/edge-firewall/"].html("en")
    assert document.startswith('<html lang="en"><body><p>Replace the perimeter')
    # Headings with an id become sub-results: a match in a mitigation links to the risk.
    assert ('<section><h2 id="risk-1">Appliance shipment held at customs</h2>'
            "<p>Bonded warehouse pre-clearance with the broker. Risk owner: Jan Kovač.</p>"
            "</section>") in document
    # The opening (summary, people) comes before the body's first heading.
    assert document.index("Owner: Nino Beridze") < document.index('id="h-scope"')
    tail = document[document.index("<div data-pagefind-ignore>"):]
    assert '<span data-pagefind-meta="title">Edge Firewall Renewal</span>' in tail
    assert f'<span data-pagefind-meta="all">{search.ALL_WORD}</span>' in tail
    assert '<span data-pagefind-filter="owner">nino-beridze</span>' in tail
    assert '<span data-pagefind-sort="title">edge firewall renewal</span>' in tail


def test_the_document_escapes_text_and_drops_pagefind_attributes_from_bodies() -> None:
    record = search.SearchRecord(
        "/x/", "A <b>&</b> title", ["Tom & <Jerry>"],
        '<div data-pagefind-body class="c"><p data-pagefind-weight=\'9\'>body</p></div>')
    document = record.html("en")
    assert "<p>Tom &amp; &lt;Jerry&gt;</p>" in document
    assert '<span data-pagefind-meta="title">A &lt;b&gt;&amp;&lt;/b&gt; title</span>' in document
    assert '<div class="c"><p>body</p></div>' in document
    assert record.text == "Tom & <Jerry> body"


def test_georgian_text_is_kept_as_written(records) -> None:
    r = records["/projects/branch-network/"]
    assert r.title == "თბილისის ფილიალების ქსელის განახლება"
    assert "პროექტის ბიუჯეტი 1 480 000 ლარია." in r.text
    assert "high_risk" not in r.filters


def test_program_and_page_records(records) -> None:
    program = records["/programs/secure-infrastructure/"]
    assert program.filters == {"type": ["program"], "program": ["secure-infrastructure"],
                               "owner": ["levan-japaridze"]}
    assert program.intro[0] == "Networks, identity and resilience."
    assert "Projects: Edge Firewall Renewal, თბილისის" in program.intro[1]
    assert "patched and segmented" in program.text
    page = records["/about/"]
    assert page.filters == {"type": ["page"]}
    assert "keeps the register current" in page.text


def test_facets_list_every_value_with_its_label(portfolio_root: Path) -> None:
    portfolio = build_portfolio(load_portfolio(portfolio_root), AS_OF)
    facets = {f.key: f for f in search.facets(portfolio)}
    assert list(facets) == list(search.FACETS)
    assert ("implementation", "Implementation") in facets["phase"].values
    assert ("nino-beridze", "Nino Beridze") in facets["owner"].values
    assert ("levan-japaridze", "Levan Japaridze") in facets["owner"].values  # program owner
    assert ("network-cloud", "Network & cloud") in facets["category"].values
    assert facets["program"].values == [("secure-infrastructure", "Secure Infrastructure")]


# ------------------------------------------------------------------------------ determinism


def test_canonicalize_sorts_filter_values_and_filters() -> None:
    def pack(value) -> bytes:
        return search._pack(value)[0]

    files = {
        "pagefind-entry.json": b'{"version":"1.5.2","languages":{"en":{"hash":"en_0000000000",'
                               b'"wasm":"en","page_count":2}}}',
        "pagefind.en_0000000000.pf_meta": pack(["1.5.2", [["en_a", 3], ["en_b", 4]], [],
                                                [["type", "en_1111111"], ["owner", "en_2222222"]],
                                                [], ["title"]]),
        "filter/en_1111111.pf_filter": pack(["type", [["risk", [1]], ["project", [0]]]]),
        "filter/en_2222222.pf_filter": pack(["owner", [["zurab", [0]], ["ana", [1]]]]),
    }
    out = search.canonicalize(files)
    meta_name = next(p for p in out if p.endswith(".pf_meta"))
    meta = search._unpack(out[meta_name])
    assert [name for name, _ in meta[3]] == ["owner", "type"]
    for _name, digest in meta[3]:
        values = search._unpack(out[f"filter/{digest}.pf_filter"])[1]
        assert [v for v, _ in values] == sorted(v for v, _ in values)
    assert meta_name.removeprefix("pagefind.").removesuffix(".pf_meta").encode() in \
        out["pagefind-entry.json"]
    assert search.canonicalize(out) == out  # already canonical: unchanged


def test_cbor_round_trip() -> None:
    value = ["1.5.2", [0, 23, 24, 255, 256, 65535, 65536, 2**32], [-3, -24, -25, -70000],
             "ბიუჯეტი", b"\x00\x01"]
    encoded = search._cbor_encode(value)
    assert search._cbor_decode(encoded) == (value, len(encoded))
    assert gzip.decompress(search._pack(value)[0]).startswith(b"pagefind_dcd")


# ------------------------------------------------------------------------------ the emitter


def build(root: Path, out: Path, **options) -> Path:
    result = build_site(BuildOptions(root=root, output=out, as_of=AS_OF, **options))
    assert result.ok, [d.headline() for d in result.diagnostics]
    return out


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.usefixtures("fresh_search")
def test_the_emitter_writes_the_pagefind_bundle(portfolio_root: Path, tmp_path: Path) -> None:
    needs_pagefind()
    site = build(portfolio_root, tmp_path / "out")
    files = tree(site / "pagefind")
    for name in ("pagefind.js", "pagefind-worker.js", "pagefind-entry.json", "wasm.en.pagefind"):
        assert name in files
    assert any(p.endswith(".pf_meta") for p in files)
    assert sum(p.startswith("fragment/") for p in files) == 5  # one per record
    assert any(p.startswith("index/") for p in files)
    assert sum(p.startswith("filter/") for p in files) == len(search.FACETS)
    # Pagefind's own UIs are not shipped: the theme has its own.
    assert not any(p.startswith(("pagefind-ui", "pagefind-modular", "pagefind-component"))
                   for p in files)
    page = (site / "search" / "index.html").read_text(encoding="utf-8")
    assert 'data-pagefind="../pagefind/pagefind.js"' in page
    assert 'id="site-search-q"' in (site / "index.html").read_text(encoding="utf-8")


@pytest.mark.usefixtures("fresh_search")
def test_two_builds_are_byte_identical(portfolio_root: Path, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    needs_pagefind()
    first = tree(build(portfolio_root, tmp_path / "a"))
    monkeypatch.setattr(search, "_last", None)  # index again rather than reuse the first one
    second = tree(build(portfolio_root, tmp_path / "b"))
    assert first.keys() == second.keys()
    assert [p for p in first if first[p] != second[p]] == []


@pytest.mark.usefixtures("fresh_search")
def test_no_search_yields_no_index(portfolio_root: Path, tmp_path: Path) -> None:
    site = build(portfolio_root, tmp_path / "out", search=False)
    assert not (site / "pagefind").exists()
    page = (site / "search" / "index.html").read_text(encoding="utf-8")
    assert "built without search" in page
    assert "search.js" not in page
    assert 'id="site-search-q"' not in (site / "index.html").read_text(encoding="utf-8")


def test_no_search_on_the_command_line(portfolio_root: Path, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from itpm_site.cli import cli

    out = tmp_path / "cli"
    result = CliRunner().invoke(cli, ["build", "--root", str(portfolio_root), "--output",
                                      str(out), "--no-search", "-q"])
    assert result.exit_code == 0, result.output
    assert (out / "index.html").exists() and not (out / "pagefind").exists()


@pytest.mark.usefixtures("fresh_search")
def test_without_the_binary_the_site_is_built_without_search(
        portfolio_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "no-such-pagefind"))
    with caplog.at_level(logging.WARNING, logger="itpm_site.search"):
        site = build(portfolio_root, tmp_path / "a")
        build(portfolio_root, tmp_path / "b")
    assert (site / "index.html").exists()
    assert not (site / "pagefind").exists()
    notices = [r.getMessage() for r in caplog.records if r.name == "itpm_site.search"]
    assert len(notices) == 1, notices  # said once, not on every rebuild
    assert "built without a search index" in notices[0]
    assert "pagefind[bin]" in notices[0]


@pytest.mark.usefixtures("fresh_search")
def test_unchanged_records_reuse_the_index(portfolio_root: Path, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """``serve`` asks for the index after every rebuild (emit_search): unchanged records
    reuse the last one."""
    from itpm_site.build import prepare

    needs_pagefind()
    calls = []
    real = search.build_index
    monkeypatch.setattr(search, "build_index",
                        lambda documents, language: calls.append(1) or real(documents, language))

    def index() -> dict[str, bytes]:
        return dict(search.emit_search(prepare(BuildOptions(portfolio_root, as_of=AS_OF))))

    first = index()
    assert index() == first  # a rebuild after a template edit
    assert len(calls) == 1
    project = portfolio_root / "content" / "projects" / "data-catalogue.md"
    project.write_text(project.read_text(encoding="utf-8").replace("lineage", "provenance"),
                       encoding="utf-8")
    assert index() != first
    assert len(calls) == 2


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="render workers fork")
def test_index_built_beside_the_render_workers_equals_a_serial_one(tmp_path: Path,
                                                                  write_portfolio) -> None:
    """With no Markdown cache the index waits for the bodies the workers render; the index
    is the same bytes as one built after the pages by a single process."""
    needs_pagefind()
    files = {"site.yaml": "title: Many\n"}
    for i in range(330):
        files[f"content/projects/p{i:03}.md"] = (
            f"---\ntitle: Project {i}\nphase: planning\nowner: Ann Lee\n---\n"
            f"## Scope\n\nWord{i} and the firewall number {i * 7}.\n")
    root = write_portfolio(tmp_path / "pf", files)

    def index(jobs: int) -> dict[str, bytes]:
        out = tmp_path / f"out{jobs}"
        assert build_site(BuildOptions(root=root, output=out, as_of=AS_OF, jobs=jobs,
                                       cache=False)).ok
        index = out / "pagefind"
        return {p.relative_to(index).as_posix(): p.read_bytes()
                for p in sorted(index.rglob("*")) if p.is_file()}

    parallel = index(2)
    assert any(rel.startswith("fragment/") for rel in parallel)
    assert parallel == index(1)
