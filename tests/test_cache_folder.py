"""Caches live in the user's own cache folder: nothing in the portfolio's repository (which
anyone may send a pull request to) is ever read as a cache, written through or deleted."""

from __future__ import annotations

import datetime as dt
import marshal
import os
import pickle
import shutil
import sys
import time
from pathlib import Path

import jinja2
import pytest
from jinja2.bccache import Bucket

from itpm_site.build import BuildOptions, build_site
from itpm_site.cache import folder as cache_folder
from itpm_site.cache import loaded as load_cache
from itpm_site.cache import templates as cache_templates
from itpm_site.cache.templates import template_cache
from itpm_site.history.versions import CACHE_FILE as HISTORY_FILE
from itpm_site.render.markdown import _CACHE_FILE, _cache_version, content_key
from itpm_site.render.theme import default_theme_dir
from itpm_site.write.writer import OUTPUT_RECORD, SPARE_MARKER, SPARE_RECORD, spare_path

pytestmark = pytest.mark.usefixtures("plain_env")

BODY = "The quarterly review is on Friday.\n"
PORTFOLIO = {
    "site.yaml": "title: Cached\nas_of: 2026-11-20\n",
    "content/projects/review.md": (
        "---\ntitle: Quarterly Review\nphase: planning\nowner: Ann Lee\n---\n" + BODY
    ),
}
needs_links = pytest.mark.skipif(
    not hasattr(os, "symlink") or sys.platform == "win32",
    reason="symbolic links need privileges on Windows",
)
#: The real function (collected before the fixtures in conftest.py stand in for it).
REAL_CACHE_HOME = cache_folder.cache_home
posix_only = pytest.mark.skipif(not hasattr(os, "getuid"), reason="file owners and modes are POSIX")


def build(root: Path, cache: bool = True, incremental: bool = True) -> str:
    out = root / "public"
    options = BuildOptions(
        root=root, output=out, as_of=dt.date(2026, 11, 20), search=False, cache=cache, incremental=incremental
    )
    result = build_site(options)
    assert result.ok, [d.headline() for d in result.diagnostics]
    return (out / "projects" / "review" / "index.html").read_text(encoding="utf-8")


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def forged_markdown_cache() -> bytes:
    """A Markdown cache that turns the body into a script, as a pull request could commit."""
    entry = {content_key(BODY, False): "<p>Hello</p><script>alert('forged')</script>\n"}
    return marshal.dumps({"version": _cache_version(), "html": entry})


class Boom:
    """Pickled, it runs ``touch`` on the file named when it is read back."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self):
        return (Path.touch, (self.path,))


def forge_template(cache_dir: Path) -> None:
    """Compiled code for the project page that prints FORGED, filed where Jinja would look
    for the real template's compiled code in ``cache_dir``."""
    env = jinja2.Environment(autoescape=True)
    cache = template_cache(cache_dir)
    assert cache is not None
    theme = default_theme_dir() / "templates"
    filename = str(theme / "project.html")
    source = (theme / "project.html").read_text(encoding="utf-8")
    bucket = Bucket(env, cache.get_cache_key("project.html", filename), cache.get_source_checksum(source))
    bucket.code = env.compile("FORGED", "project.html", filename)
    # Only into the folder: not into the process's memory of compiled templates as well.
    jinja2.FileSystemBytecodeCache.dump_bytecode(cache, bucket)


# ------------------------------------------------------------------------------ where


def test_caches_are_kept_in_the_user_cache_folder_not_in_the_portfolio(
    tmp_path: Path, write_portfolio, user_cache: Path
) -> None:
    root = write_portfolio(tmp_path / "pf", PORTFOLIO)
    build(root)
    build(root)
    folder = cache_folder.cache_folder(root, create=False)
    assert folder is not None and folder.parent == user_cache
    assert folder.name == cache_folder.folder_name(root) == cache_folder.folder_name(tmp_path / "pf" / ".")
    for name in (_CACHE_FILE, load_cache.FILE, OUTPUT_RECORD, SPARE_RECORD, "templates", cache_folder.STAMP):
        assert (folder / name).exists(), name
    assert not (root / ".itpm-cache").exists()
    # The spare output stays beside the output, on its file system; nothing else is added.
    assert sorted(p.name for p in root.iterdir()) == [".public.spare", "content", "public", "site.yaml"]
    assert (spare_path(root / "public") / SPARE_MARKER).is_file()
    if hasattr(os, "getuid"):
        assert folder.stat().st_mode & 0o777 == 0o700
        assert user_cache.stat().st_mode & 0o077 == 0


def test_two_portfolios_have_two_folders(tmp_path: Path, write_portfolio) -> None:
    one = write_portfolio(tmp_path / "one", PORTFOLIO)
    two = write_portfolio(tmp_path / "two", PORTFOLIO)
    assert cache_folder.cache_folder(one) != cache_folder.cache_folder(two)


def test_no_cache_reads_and_writes_nothing(tmp_path: Path, write_portfolio, user_cache: Path) -> None:
    root = write_portfolio(tmp_path / "pf", PORTFOLIO)
    build(root, cache=False)
    build(root, cache=False)
    assert not user_cache.exists()
    assert not spare_path(root / "public").exists()


def test_a_rebuild_uses_the_user_cache_copy(tmp_path: Path, write_portfolio, monkeypatch) -> None:
    from itpm_site.render import markdown

    root = write_portfolio(tmp_path / "pf", PORTFOLIO)
    first = build(root)

    def fail(text: str, allow_html: bool = False) -> str:
        raise AssertionError("rendered again")

    monkeypatch.setattr(markdown, "render_markdown", fail)
    # Every page rendered again (not kept from the last output): from the cached Markdown.
    assert build(root, incremental=False) == first
    # What is read is that copy: a changed entry there shows (nothing else vouches for it).
    folder = cache_folder.cache_folder(root)
    assert folder is not None
    (folder / _CACHE_FILE).write_bytes(forged_markdown_cache())
    assert "alert('forged')" in build(root, incremental=False)


def test_compiled_templates_in_the_user_cache_are_used(
    tmp_path: Path, write_portfolio, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A process that compiled the real template before would not read the folder again; and the
    # forged code read here must not stay in the memory of later tests in this process.
    monkeypatch.setattr(cache_templates, "_COMPILED", {})
    root = write_portfolio(tmp_path / "pf", PORTFOLIO)
    folder = cache_folder.cache_folder(root)
    assert folder is not None
    forge_template(folder)
    assert build(root).strip() == "FORGED"


# ------------------------------------------------------------------------------ the repository


def commit_hostile_cache(root: Path, tmp_path: Path) -> Path:
    """A ``.itpm-cache/`` as a pull request could commit it, in every form earlier versions
    read: a Markdown cache turning the body into a script, pickles that run code, compiled
    templates, records vouching for files, links. Returns the file the pickles would make."""
    ran = tmp_path / "code-ran"
    cache = root / ".itpm-cache"
    cache.mkdir()
    (cache / _CACHE_FILE).write_bytes(forged_markdown_cache())
    (cache / load_cache.FILE).write_bytes(pickle.dumps(Boom(ran)))
    (cache / HISTORY_FILE).write_bytes(pickle.dumps(Boom(ran)))
    (cache / OUTPUT_RECORD).write_text('{"folder": "/", "files": {}}', encoding="utf-8")
    (cache / SPARE_RECORD).write_text('{"folder": "/", "files": {}}', encoding="utf-8")
    (cache / "spare").mkdir()
    (cache / "spare" / "index.html").write_text("<p>forged spare</p>", encoding="utf-8")
    forge_template(cache)
    return ran


def test_a_committed_cache_folder_changes_nothing(tmp_path: Path, write_portfolio) -> None:
    clean = write_portfolio(tmp_path / "clean", PORTFOLIO)
    build(clean)
    expected = tree(clean / "public")
    root = write_portfolio(tmp_path / "pf", PORTFOLIO)
    ran = commit_hostile_cache(root, tmp_path)
    committed = tree(root / ".itpm-cache")
    for _ in range(3):  # cold, then warm from the user's own cache
        page = build(root)
        assert "FORGED" not in page and "alert('forged')" not in page and "forged spare" not in page
        assert tree(root / "public") == expected  # byte-identical to a build without it
    assert not ran.exists()  # no pickle was read
    assert tree(root / ".itpm-cache") == committed  # nothing written there, nothing deleted


@needs_links
def test_links_committed_as_or_in_the_cache_folder_are_not_followed(tmp_path: Path, write_portfolio) -> None:
    root = write_portfolio(tmp_path / "pf", PORTFOLIO)
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "spare").mkdir(parents=True)
    (elsewhere / "spare" / "keep.txt").write_text("mine", encoding="utf-8")
    (root / ".itpm-cache").symlink_to(elsewhere, target_is_directory=True)
    victim = tmp_path / "victim.txt"
    victim.write_text("untouched", encoding="utf-8")
    (elsewhere / _CACHE_FILE).symlink_to("/dev/zero")  # read as a cache, it would never end
    (elsewhere / ".gitignore").symlink_to(victim)
    for _ in range(3):
        assert "quarterly review" in build(root)
    assert victim.read_text(encoding="utf-8") == "untouched"
    assert sorted(p.relative_to(elsewhere).as_posix() for p in elsewhere.rglob("*")) == [
        ".gitignore",
        _CACHE_FILE,
        "spare",
        "spare/keep.txt",
    ]  # nothing written there, nothing deleted


@needs_links
def test_a_spare_folder_committed_as_a_link_is_not_used(tmp_path: Path, write_portfolio) -> None:
    root = write_portfolio(tmp_path / "pf", PORTFOLIO)
    spare = spare_path(root / "public")
    target = tmp_path / "target"
    target.mkdir()
    spare.symlink_to(target, target_is_directory=True)  # what a checkout of a PR can do
    for _ in range(3):
        build(root)
    assert not (root / "public").is_symlink() and (root / "public" / "index.html").is_file()
    assert list(target.iterdir()) == []


def test_a_folder_in_the_spare_place_not_made_by_itpm_site_is_left_alone(
    tmp_path: Path, write_portfolio
) -> None:
    root = write_portfolio(tmp_path / "pf", PORTFOLIO)
    spare = spare_path(root / "public")
    spare.mkdir()
    (spare / "notes.txt").write_text("mine", encoding="utf-8")
    for _ in range(3):
        build(root)
    assert tree(spare) == {"notes.txt": b"mine"}


@needs_links
def test_theme_files_linked_from_outside_are_not_published(tmp_path: Path, write_portfolio) -> None:
    secret = tmp_path / "secret-key"
    secret.write_text("do not publish", encoding="utf-8")
    root = write_portfolio(
        tmp_path / "pf", {**PORTFOLIO, "themes/default/static/css/extra.css": "body { color: black }\n"}
    )
    (root / "themes" / "default" / "static" / "k.bin").symlink_to(secret)
    (root / "themes" / "default" / "static" / "inside.css").symlink_to(
        root / "themes" / "default" / "static" / "css" / "extra.css"
    )
    build(root)
    static = root / "public" / "static"
    assert not (static / "k.bin").exists()
    assert (static / "inside.css").read_text(encoding="utf-8") == "body { color: black }\n"
    assert (static / "css" / "extra.css").is_file()


# ------------------------------------------------------------------------------ the user's folder


@needs_links
@posix_only
def test_a_cache_folder_that_is_a_link_turns_the_cache_off(
    tmp_path: Path, write_portfolio, user_cache: Path
) -> None:
    root = write_portfolio(tmp_path / "pf", PORTFOLIO)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    user_cache.mkdir(mode=0o700)
    (user_cache / cache_folder.folder_name(root)).symlink_to(elsewhere, target_is_directory=True)
    assert cache_folder.cache_folder(root) is None
    build(root)
    build(root)
    assert list(elsewhere.iterdir()) == []
    shutil.rmtree(user_cache)
    user_cache.parent.joinpath("moved").mkdir(mode=0o700)
    user_cache.symlink_to(user_cache.parent / "moved", target_is_directory=True)  # the home itself
    assert cache_folder.cache_folder(root) is None


@posix_only
def test_a_cache_folder_others_may_write_to_turns_the_cache_off(
    tmp_path: Path, write_portfolio, user_cache: Path
) -> None:
    root = write_portfolio(tmp_path / "pf", PORTFOLIO)
    folder = cache_folder.cache_folder(root)
    assert folder is not None
    folder.chmod(0o777)
    assert cache_folder.cache_folder(root) is None
    folder.chmod(0o700)
    user_cache.chmod(0o777)
    assert cache_folder.cache_folder(root) is None


def test_without_a_cache_home_nothing_is_cached(
    tmp_path: Path, write_portfolio, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache_folder, "cache_home", lambda: None)
    root = write_portfolio(tmp_path / "pf", PORTFOLIO)
    assert "quarterly review is on Friday" in build(root)
    assert "quarterly review is on Friday" in build(root)
    assert sorted(p.name for p in root.iterdir()) == ["content", "public", "site.yaml"]


def test_itpm_site_cache_dir_names_the_cache_home_on_every_os(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("ITPM_SITE_CACHE_DIR", str(tmp_path / "ci-cache"))
    assert REAL_CACHE_HOME() == tmp_path / "ci-cache"
    monkeypatch.setenv("ITPM_SITE_CACHE_DIR", "relative/cache")  # not a place to trust
    assert REAL_CACHE_HOME() is None


@pytest.mark.skipif(sys.platform != "linux", reason="XDG_CACHE_HOME is the Linux rule")
def test_the_cache_home_follows_xdg_and_ignores_a_relative_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ITPM_SITE_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", "/somewhere/cache")
    assert REAL_CACHE_HOME() == Path("/somewhere/cache/itpm-site")
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")
    home = REAL_CACHE_HOME()
    assert home is None or home.is_absolute()


# ------------------------------------------------------------------------------ pruning


def test_folders_of_portfolios_not_built_for_90_days_are_removed(
    tmp_path: Path, write_portfolio, user_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old_root = write_portfolio(tmp_path / "old", PORTFOLIO)
    recent_root = write_portfolio(tmp_path / "recent", PORTFOLIO)
    old, recent = cache_folder.cache_folder(old_root), cache_folder.cache_folder(recent_root)
    assert old is not None and recent is not None
    day = 86400
    os.utime(old / cache_folder.STAMP, (time.time() - 91 * day,) * 2)
    os.utime(recent / cache_folder.STAMP, (time.time() - 89 * day,) * 2)
    other = user_cache / "not-a-portfolio"  # not a name itpm-site gives: never touched
    other.mkdir()
    os.utime(other, (time.time() - 400 * day,) * 2)
    monkeypatch.setattr(cache_folder, "_pruned", set())  # a new process
    root = write_portfolio(tmp_path / "pf", PORTFOLIO)
    build(root)
    assert not old.exists()
    assert recent.exists() and other.exists()
    assert cache_folder.cache_folder(root, create=False) is not None
    # A build marks its own folder as used, however old it was.
    mine = cache_folder.cache_folder(root, create=False)
    assert mine is not None
    os.utime(mine / cache_folder.STAMP, (time.time() - 100 * day,) * 2)
    monkeypatch.setattr(cache_folder, "_pruned", set())
    build(root)
    assert mine.exists() and time.time() - (mine / cache_folder.STAMP).stat().st_mtime < day
    assert (mine / cache_folder.STAMP).read_text(encoding="utf-8") == f"{root.resolve()}\n"


# ------------------------------------------------------------------------------ files


def test_cache_files_are_written_whole_or_not_at_all(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "kept.bin"
    cache_folder.write_file(path, b"first")
    assert cache_folder.read_file(path) == b"first"
    writer = cache_folder.AtomicWriter.open(path)
    assert writer is not None
    writer.write(b"sec")
    assert cache_folder.read_file(path) == b"first"  # not in place until committed
    writer.abort()
    assert cache_folder.read_file(path) == b"first"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.bin"]
    assert cache_folder.read_file(tmp_path / "missing") is None
    assert cache_folder.read_file(tmp_path) is None  # a folder


@needs_links
def test_a_cache_file_that_is_a_link_is_not_read(tmp_path: Path) -> None:
    (tmp_path / "real").write_bytes(b"data")
    (tmp_path / "link").symlink_to(tmp_path / "real")
    assert cache_folder.read_file(tmp_path / "link") is None
    (tmp_path / "zero").symlink_to("/dev/zero")
    assert cache_folder.read_file(tmp_path / "zero") is None
