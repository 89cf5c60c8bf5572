"""Rebuilds reuse the previous outputs (write.py): the result is always byte for byte a clean
build, whatever happened to the output folder between builds."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from test_build import TINY

from itpm_site.build import BuildOptions, build_site
from itpm_site.write import OUTPUT_RECORD, SPARE

AS_OF = dt.date(2026, 3, 1)
pytestmark = pytest.mark.usefixtures("plain_env")


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def folders(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_dir()}


def build(root: Path, out: Path, cache: bool = True) -> None:
    result = build_site(BuildOptions(root=root, output=out, as_of=AS_OF, search=False,
                                     cache=cache, jobs=1))
    assert result.ok, [d.headline() for d in result.diagnostics]


def assert_clean(root: Path, out: Path, tmp_path: Path, step: str) -> None:
    """``out`` equals a build of the same sources into an empty folder, without any cache."""
    clean = tmp_path / f"clean-{step}"
    build(root, clean, cache=False)
    got, want = snapshot(out), snapshot(clean)
    assert sorted(got.keys() ^ want.keys()) == [], step
    assert [rel for rel in want if got[rel] != want[rel]] == [], step
    assert folders(out) == folders(clean), step


def test_rebuilds_equal_clean_builds_through_edits_and_hand_changes(write_portfolio,
                                                                      tmp_path: Path) -> None:
    root = write_portfolio(tmp_path / "pf", TINY)
    out = tmp_path / "public"
    page = out / "projects" / "beta" / "index.html"

    build(root, out)
    assert_clean(root, out, tmp_path, "first build")
    first_inode = page.stat().st_ino

    # An edit to one project: the untouched project's page is the same file, not a copy.
    alpha = root / "content" / "projects" / "alpha.md"
    alpha.write_text(alpha.read_text(encoding="utf-8").replace("The first project.",
                                                               "The first project, renamed."),
                     encoding="utf-8")
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


def test_the_previous_build_is_kept_as_a_spare_outside_the_site(write_portfolio,
                                                                 tmp_path: Path) -> None:
    root = write_portfolio(tmp_path / "pf", TINY)
    out = tmp_path / "public"
    build(root, out)
    assert not (root / ".itpm-cache" / SPARE).exists()  # nothing recorded before the first build
    build(root, out)
    spare = root / ".itpm-cache" / SPARE
    assert spare.is_dir() and (spare / "index.html").is_file()
    assert not (spare / ".itpm-site-output").exists()  # not a site to serve
    # Nothing but the output itself is left beside it.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pf", "public"]


def test_a_build_without_cache_reuses_nothing_afterwards(write_portfolio, tmp_path: Path) -> None:
    root = write_portfolio(tmp_path / "pf", TINY)
    out = tmp_path / "public"
    build(root, out)
    assert (root / ".itpm-cache" / OUTPUT_RECORD).is_file()
    build(root, out, cache=False)
    assert not (root / ".itpm-cache" / OUTPUT_RECORD).exists()
    build(root, out)
    assert_clean(root, out, tmp_path, "after --no-cache")


@pytest.mark.skipif(not hasattr(os, "fork"), reason="render workers fork")
def test_parallel_workers_reuse_files_too(write_portfolio, tmp_path: Path) -> None:
    files = dict(TINY)
    body = files["content/projects/beta.md"]
    for i in range(320):  # enough pages for the render workers to start
        files[f"content/projects/p{i:03}.md"] = body.replace("title: Beta", f"title: P {i}")
    root = write_portfolio(tmp_path / "pf", files)
    out = tmp_path / "public"
    for _ in range(3):
        result = build_site(BuildOptions(root=root, output=out, as_of=AS_OF, search=False,
                                         jobs=2))
        assert result.ok
    page = out / "projects" / "p007" / "index.html"
    inode = page.stat().st_ino
    build_site(BuildOptions(root=root, output=out, as_of=AS_OF, search=False, jobs=2))
    assert page.stat().st_ino == inode
    assert_clean(root, out, tmp_path, "parallel")
