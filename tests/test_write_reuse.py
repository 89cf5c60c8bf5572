"""Rebuilds reuse the previous outputs (write.py): the result is always byte for byte a clean
build, whatever happened to the output folder between builds."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from test_build import TINY

from itpm_site.build import BuildOptions, build_site
from itpm_site.cache.folder import cache_folder
from itpm_site.write.writer import OUTPUT_RECORD, SPARE_MARKER, SPARE_RECORD, spare_path

AS_OF = dt.date(2026, 3, 1)
pytestmark = pytest.mark.usefixtures("plain_env")


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def folders(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_dir()}


def build(root: Path, out: Path, cache: bool = True) -> None:
    result = build_site(BuildOptions(root=root, output=out, as_of=AS_OF, search=False, cache=cache, jobs=1))
    assert result.ok, [d.headline() for d in result.diagnostics]


def assert_clean(root: Path, out: Path, tmp_path: Path, step: str) -> None:
    """``out`` equals a build of the same sources into an empty folder, without any cache."""
    clean = tmp_path / f"clean-{step}"
    build(root, clean, cache=False)
    got, want = snapshot(out), snapshot(clean)
    assert sorted(got.keys() ^ want.keys()) == [], step
    assert [rel for rel in want if got[rel] != want[rel]] == [], step
    assert folders(out) == folders(clean), step


def test_rebuilds_equal_clean_builds_through_edits_and_hand_changes(write_portfolio, tmp_path: Path) -> None:
    root = write_portfolio(tmp_path / "pf", TINY)
    out = tmp_path / "public"
    page = out / "projects" / "beta" / "index.html"

    build(root, out)
    assert_clean(root, out, tmp_path, "first build")
    first_inode = page.stat().st_ino

    # An edit to one project: the untouched project's page is the same file, not a copy.
    alpha = root / "content" / "projects" / "alpha.md"
    alpha.write_text(
        alpha.read_text(encoding="utf-8").replace("The first project.", "The first project, renamed."),
        encoding="utf-8",
    )
    build(root, out)
    assert_clean(root, out, tmp_path, "edit")
    assert page.stat().st_ino == first_inode
    assert b"renamed" in (out / "projects" / "alpha" / "index.html").read_bytes()

    # Someone adds a file to the output and edits a page by hand; two builds later the spare
    # (that output) is the staging folder again, and neither change survives.
    (out / "CNAME").write_text("portfolio.example.com\n", encoding="utf-8")
    with page.open("ab") as f:
        f.write(b"<!-- edited by hand -->")
    build(root, out)
    assert_clean(root, out, tmp_path, "hand changes, once")
    build(root, out)
    assert_clean(root, out, tmp_path, "hand changes, twice")

    # A project removed: its page and folder go, from the output and later from the spare.
    (root / "content" / "projects" / "beta.md").unlink()
    for step in ("removal", "removal, again", "removal, third"):
        build(root, out)
        assert_clean(root, out, tmp_path, step)
    assert not (out / "projects" / "beta").exists()


def records(root: Path) -> Path:
    """The folder of ``root``'s records (in the user's cache folder)."""
    folder = cache_folder(root, create=False)
    assert folder is not None
    return folder


def test_the_previous_build_is_kept_as_a_spare_beside_the_site(write_portfolio, tmp_path: Path) -> None:
    root = write_portfolio(tmp_path / "pf", TINY)
    out = tmp_path / "public"
    spare = spare_path(out)
    build(root, out)
    assert not spare.exists()  # nothing recorded before the first build
    build(root, out)
    assert spare.is_dir() and (spare / "index.html").is_file() and (spare / SPARE_MARKER).is_file()
    assert not (spare / ".itpm-site-output").exists()  # not a site to serve
    assert (records(root) / SPARE_RECORD).is_file()  # its record is in the user's cache folder
    # Nothing but the output and its spare (on the output's file system) is left beside it.
    assert sorted(p.name for p in tmp_path.iterdir()) == [".public.spare", "pf", "public"]
    assert spare.stat().st_dev == out.stat().st_dev


def test_a_build_without_cache_reuses_nothing_afterwards(write_portfolio, tmp_path: Path) -> None:
    root = write_portfolio(tmp_path / "pf", TINY)
    out = tmp_path / "public"
    build(root, out)
    assert (records(root) / OUTPUT_RECORD).is_file()
    build(root, out, cache=False)
    assert not (records(root) / OUTPUT_RECORD).exists()
    build(root, out)
    assert_clean(root, out, tmp_path, "after --no-cache")


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "fork"), reason="render workers fork")
def test_parallel_workers_reuse_files_too(write_portfolio, tmp_path: Path) -> None:
    files = dict(TINY)
    body = files["content/projects/beta.md"]
    for i in range(320):  # enough pages for the render workers to start
        files[f"content/projects/p{i:03}.md"] = body.replace("title: Beta", f"title: P {i}")
    root = write_portfolio(tmp_path / "pf", files)
    out = tmp_path / "public"
    for _ in range(3):
        result = build_site(BuildOptions(root=root, output=out, as_of=AS_OF, search=False, jobs=2))
        assert result.ok
    page = out / "projects" / "p007" / "index.html"
    inode = page.stat().st_ino
    build_site(BuildOptions(root=root, output=out, as_of=AS_OF, search=False, jobs=2))
    assert page.stat().st_ino == inode
    assert_clean(root, out, tmp_path, "parallel")


# ------------------------------------------------------------------------------ the writer alone


def write_site(root: Path, out: Path, files: dict[str, bytes]) -> None:
    from itpm_site.write.writer import SiteWriter

    with SiteWriter(root, out, cache_folder(root)) as writer:
        for rel, data in files.items():
            writer.write(rel, data)
        writer.commit()


def site_files(out: Path) -> dict[str, bytes]:
    return {rel: data for rel, data in snapshot(out).items() if rel != ".itpm-site-output"}


def test_paths_that_turn_from_file_to_folder_and_back(tmp_path: Path) -> None:
    root = tmp_path / "pf"
    (root / "content").mkdir(parents=True)
    out = tmp_path / "public"
    layouts = [
        {"x/index.html": b"x page", "y": b"y file", "z/deep/a.txt": b"a"},
        {"x": b"x is a file now", "y/index.html": b"y page", "z": b"z file"},
    ]
    for step in range(6):  # long enough for each layout to meet the other as the spare
        files = layouts[step % 2]
        write_site(root, out, files)
        assert site_files(out) == files, step
        assert {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_dir()} == {
            "/".join(rel.split("/")[:i]) for rel in files for i in range(1, rel.count("/") + 1)
        }


def test_links_and_folders_added_to_the_output_never_lead_outside(tmp_path: Path) -> None:
    root = tmp_path / "pf"
    (root / "content").mkdir(parents=True)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_bytes(b"not ours")
    out = tmp_path / "public"
    files = {"static/keep.txt": b"ours", "index.html": b"home"}
    write_site(root, out, files)
    write_site(root, out, files)
    (out / "static" / "keep.txt").unlink()
    (out / "static" / "keep.txt").symlink_to(outside / "keep.txt")
    (out / "linked").symlink_to(outside, target_is_directory=True)
    (out / "extra").mkdir()
    for _ in range(3):
        write_site(root, out, files)
        assert (outside / "keep.txt").read_bytes() == b"not ours"
        assert site_files(out) == files
        assert not (out / "linked").exists() and not (out / "extra").exists()


def test_a_stored_file_is_named_and_recorded_as_before(tmp_path) -> None:
    import json

    from itpm_site.cache.digest import digest
    from itpm_site.write.writer import StoredFile, store

    stored = store(tmp_path / "a.html", "a.html", b"<p>a</p>", None)
    st = (tmp_path / "a.html").stat()
    assert stored == StoredFile(st.st_size, st.st_mtime_ns, st.st_ino, digest(b"<p>a</p>"))
    # The output record keeps its JSON shape: one array per file.
    assert json.loads(json.dumps({"a.html": stored})) == {"a.html": list(stored)}
