"""Search records indexed where their pages render, and kept between builds: the index is the
same bytes as one made from the site's records in one process, however each record was made
(by a render worker, read back from the cache, or in the parent for a page not rendered)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from search_portfolio import FIRST, LAST, PLANTED, search_portfolio

from itpm_site.build import BuildOptions, BuildResult, build_site, prepare
from itpm_site.cache.folder import cache_folder
from itpm_site.outputs import search
from itpm_site.outputs import search_cache as kept_records
from itpm_site.render.markdown import render_markdown

AS_OF = dt.date(2026, 11, 20)

#: Every kind of record: projects, a program (from search_portfolio), a free page, people.
EXTRA = {
    "content/pages/about.md": (
        "---\ntitle: About\nsummary: How the register is kept.\n---\nIt is kept weekly.\n"
    ),
    "content/people/jan-kovac.md": (
        "---\nname: Jan Kovač\nteam: Security\nrole: Engineer\nskills: [PKI]\n---\n"
        "## Background\n\nTen years.\n"
    ),
    "content/people/nino-beridze.md": "---\nname: ნინო ბერიძე\nteam: Security\n---\n",
}


#: Records besides the generated projects: the planted projects, the program, the free page
#: and the people.
OTHERS = len(PLANTED) + 1 + 1 + len(FIRST) * len(LAST) + 3


def _portfolio(tmp_path: Path, write_portfolio, count: int) -> Path:
    files = {**search_portfolio(count=count), **EXTRA}
    files["site.yaml"] += "people: {publish: true}\n"
    # With a people directory, everyone on a team must be in it.
    for name in [f"{first} {last}" for first in FIRST for last in LAST] + ["Søren Ødegård"]:
        files[f"content/people/{name.lower().replace(' ', '-')}.md"] = f"---\nname: {name}\n---\n"
    return write_portfolio(tmp_path / "pf", files)


def _build(root: Path, out: Path, language: str, **options) -> tuple[BuildResult, dict[str, bytes]]:
    result = build_site(BuildOptions(root=root, output=out, as_of=AS_OF, language=language, **options))
    assert result.ok, [d.headline() for d in result.diagnostics]
    folder = out / "search" / "data"
    files = {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    return result, files


def _expected(result: BuildResult, language: str) -> dict[str, bytes]:
    """The index as made before records were made with their pages: every record of the site
    made and indexed in this process."""
    assert result.site is not None
    return search.search_index(search.search_records(result.site.portfolio, render_markdown), language)


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "fork"), reason="render workers fork")
@pytest.mark.parametrize("language", ["en", "ka"])
def test_records_made_by_the_render_workers_index_as_in_one_process(
    tmp_path: Path, write_portfolio, language: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _portfolio(tmp_path, write_portfolio, 330)  # enough pages for the render workers
    # What this process makes itself, and what it is sent.
    here: list[str] = []
    sent: list[bool] = []
    of_page, take = search.RecordsWithPages.of_page, search.RecordsWithPages.take
    monkeypatch.setattr(
        search.RecordsWithPages, "of_page", lambda s, page: here.append(page.url) or of_page(s, page)
    )
    monkeypatch.setattr(
        search.RecordsWithPages, "take", lambda s, made: sent.append(made[2] is not None) or take(s, made)
    )
    cold, files = _build(root, tmp_path / "cold", language, jobs=2)
    expected = _expected(cold, language)
    assert files == expected
    records = sum(p.startswith("d/") for p in files)
    assert records >= 330 + OTHERS
    # Every record was indexed by a render worker and sent back.
    assert here == [] and sent == [True] * records
    # Warm: every record is the one kept; the workers index none again, and send none.
    sent.clear()
    _, files = _build(root, tmp_path / "warm", language, jobs=2)
    assert files == expected
    assert sent == [False] * records
    # Without the cache, nothing is read or kept, and the index is the same.
    _, files = _build(root, tmp_path / "none", language, jobs=2, cache=False)
    assert files == expected


@pytest.mark.parametrize("language", ["en", "ka"])
def test_a_record_is_indexed_once_then_kept(
    tmp_path: Path, write_portfolio, language: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In one process (the serial path): each record is indexed as its page renders on the
    first build, none on the second, only the changed one after an edit."""
    root = _portfolio(tmp_path, write_portfolio, 20)
    indexed: list[str] = []
    real = search.index_record
    monkeypatch.setattr(search, "index_record", lambda record: indexed.append(record.url) or real(record))
    first, files = _build(root, tmp_path / "a", language, jobs=1)
    assert len(indexed) == len(set(indexed)) >= 20 + OTHERS
    assert files == _expected(first, language)
    indexed.clear()
    _, again = _build(root, tmp_path / "b", language, jobs=1)
    assert again == files and indexed == []
    project = root / "content" / "projects" / "p0003.md"
    project.write_text(project.read_text(encoding="utf-8") + "\nA new word: quokka.\n", encoding="utf-8")
    edited, files = _build(root, tmp_path / "c", language, jobs=1)
    assert indexed == ["/projects/p0003/"]
    assert files == _expected(edited, language)


def test_records_not_made_with_pages_come_from_the_cache_else_are_made(
    tmp_path: Path, write_portfolio, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What an incremental build does: most pages not rendered, so their records come from the
    cache; a changed one is made at the end."""
    root = _portfolio(tmp_path, write_portfolio, 20)
    _, files = _build(root, tmp_path / "a", "en", jobs=1)
    folder = cache_folder(root)
    assert folder is not None and (folder / kept_records.FILE).is_file()
    project = root / "content" / "projects" / "p0007.md"
    project.write_text(project.read_text(encoding="utf-8") + "\nA new word: quokka.\n", encoding="utf-8")
    site = prepare(BuildOptions(root=root, as_of=AS_OF))
    indexed: list[str] = []
    real = search.index_record
    monkeypatch.setattr(search, "index_record", lambda record: indexed.append(record.url) or real(record))
    made = search.site_index(site, {}, kept_records.KeptRecords.load(folder))
    assert indexed == ["/projects/p0007/"]
    expected = search.search_index(search.search_records(site.portfolio, render_markdown), "en")
    assert made == expected and made != files


@pytest.mark.parametrize("damage", [b"", b"not marshal at all", "cut", None])
def test_a_broken_or_foreign_cache_only_costs_time(
    tmp_path: Path, write_portfolio, damage: bytes | str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _portfolio(tmp_path, write_portfolio, 5)
    _, files = _build(root, tmp_path / "a", "en", jobs=1)
    folder = cache_folder(root)
    assert folder is not None
    kept = folder / kept_records.FILE
    if damage is None:  # a file of another version of the code
        monkeypatch.setattr(kept_records, "version", lambda: "another")
    elif damage == "cut":  # the head whole, the records not (read once the workers fork)
        kept.write_bytes(kept.read_bytes()[:-100])
    else:
        kept.write_bytes(damage)
    assert kept_records.KeptRecords.load(folder).records == {}
    _, again = _build(root, tmp_path / "b", "en", jobs=1)
    assert again == files


def test_the_language_is_part_of_the_name_a_record_is_kept_under() -> None:
    record = search.page_record("about/", "About", "Kept weekly.", "<p>Weekly.</p>")
    assert kept_records.record_digest(record, "en") != kept_records.record_digest(record, "ka")
    same = search.page_record("about/", "About", "Kept weekly.", "<p>Weekly.</p>")
    assert kept_records.record_digest(same, "en") == kept_records.record_digest(record, "en")
    other = search.page_record("about/", "About", "Kept weekly.", "<p>Monthly.</p>")
    assert kept_records.record_digest(other, "en") != kept_records.record_digest(record, "en")


def test_a_kept_record_unpacks_to_the_record_indexed() -> None:
    record = search.index_record(search.page_record("about/", "About", "Kept weekly.", "<p>Weekly.</p>"))
    assert kept_records.unpack(kept_records.pack(record)) == record
