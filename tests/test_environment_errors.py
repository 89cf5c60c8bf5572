"""A read-only folder, a full disk, a file where a folder should be: the environment's failures
are one line naming the path and the problem, exit 2, and the previous site stays as it was —
never "internal error … this is a bug" (issue 13, finding 8).

Tests run as root, which ignores permission bits: the failures are made with a file in the way
of a folder, or raised at the write boundary as the operating system would raise them.
"""

from __future__ import annotations

import errno
import os
import pathlib
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from portfolios import valid_projects

from itpm_site.cli import cli
from itpm_site.write import pages as write_pages
from itpm_site.write import writer as write

pytestmark = pytest.mark.usefixtures("plain_env")


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def build(root: Path, *args: str):
    return CliRunner().invoke(cli, ["build", "--root", str(root), "-q", "--no-search", *args])


def assert_one_line_naming(result, path: Path | str, problem: str) -> None:
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert str(path) in lines[0] and problem in lines[0], lines[0]
    assert "internal error" not in result.stderr and "bug" not in result.stderr


@pytest.fixture
def built(tmp_path, write_portfolio) -> tuple[Path, dict[str, bytes]]:
    """A portfolio of 12 projects, built once; then its title changes (the next build would
    change every page)."""
    root = write_portfolio(tmp_path / "pf", valid_projects(12, "Before"))
    assert build(root).exit_code == 0
    before = snapshot(root / "public")
    (root / "site.yaml").write_text("title: After\nas_of: 2026-11-20\n", encoding="utf-8")
    return root, before


def no_space(target: Path, rel: str, data: bytes, reuse):
    """``write.store`` on a full disk: the write itself fails, naming no path."""
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_a_file_where_the_output_folder_should_be(tmp_path, write_portfolio):
    root = write_portfolio(tmp_path / "pf", valid_projects(3, "Files"))
    (tmp_path / "blocker").write_text("not a folder\n", encoding="utf-8")
    result = build(root, "--output", str(tmp_path / "blocker" / "public"))
    assert_one_line_naming(result, tmp_path / "blocker", "Not a directory")
    assert (tmp_path / "blocker").read_text(encoding="utf-8") == "not a folder\n"


def test_a_full_disk_keeps_the_previous_site(built, monkeypatch):
    root, before = built
    monkeypatch.setattr(write, "store", no_space)
    result = build(root)
    assert_one_line_naming(result, (root / "public").resolve(), "No space left on device")
    assert "previous output was left untouched" in result.stderr
    assert snapshot(root / "public") == before
    assert not list(root.glob(".public.building-*"))


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="render workers fork on Linux")
def test_a_full_disk_in_the_render_workers(tmp_path, write_portfolio, monkeypatch):
    root = write_portfolio(tmp_path / "pf", valid_projects(320, "Before"))
    assert build(root, "--jobs", "2").exit_code == 0
    before = snapshot(root / "public")
    (root / "site.yaml").write_text("title: After\nas_of: 2026-11-20\n", encoding="utf-8")
    monkeypatch.setattr(write_pages, "store", no_space)  # forked workers inherit it
    assert len(before) > write_pages.MIN_PAGES_FOR_WORKERS  # so rendering is parallel
    result = build(root, "--jobs", "2")
    assert_one_line_naming(result, (root / "public").resolve(), "No space left on device")
    assert snapshot(root / "public") == before


def test_a_read_only_portfolio_folder(built, monkeypatch):
    root, before = built
    real_mkdir = pathlib.Path.mkdir

    def read_only(self, *args, **kwargs):
        if self.parent == root.resolve():
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(self))
        return real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "mkdir", read_only)
    result = build(root, "--no-cache")
    assert_one_line_naming(result, root.resolve() / ".public.building-", "Read-only file system")
    assert snapshot(root / "public") == before


def test_init_where_a_file_is_in_the_way(tmp_path):
    (tmp_path / "blocker").write_text("", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "itpm_site", "init", str(tmp_path / "blocker" / "portfolio")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.splitlines() == [
        f"itpm-site: error: {tmp_path / 'blocker' / 'portfolio'}: Not a directory"
    ]


def test_serve_without_a_private_folder(tmp_path, write_portfolio, monkeypatch):
    root = write_portfolio(tmp_path / "pf", valid_projects(3, "Serve"))
    where = tmp_path / "tmp" / "itpm-site-serve-x"

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(where))

    monkeypatch.setattr(tempfile, "mkdtemp", full)
    result = CliRunner().invoke(cli, ["serve", "--root", str(root), "--port", "auto"])
    assert_one_line_naming(result, where, "No space left on device")
    assert "cannot listen" not in result.stderr
