"""Cache files are sealed: a file committed into .itpm-cache by someone else is never read."""

from __future__ import annotations

import datetime as dt
import marshal
from pathlib import Path

import jinja2
import pytest
from jinja2.bccache import Bucket

from itpm_site.build import build_site
from itpm_site.cache import seal as cache_seal
from itpm_site.cache.templates import template_cache
from itpm_site.render.markdown import _CACHE_FILE, _cache_version, content_key
from itpm_site.render.site import BuildOptions
from itpm_site.render.theme import default_theme_dir

pytestmark = pytest.mark.usefixtures("plain_env")

BODY = "The quarterly review is on Friday.\n"
PORTFOLIO = {
    "site.yaml": "title: Sealed\nas_of: 2026-11-20\n",
    "content/projects/review.md": (
        "---\ntitle: Quarterly Review\nphase: planning\nowner: Ann Lee\n---\n" + BODY
    ),
}


def build(root: Path) -> str:
    out = root / "public"
    result = build_site(BuildOptions(root=root, output=out, as_of=dt.date(2026, 11, 20), search=False))
    assert result.ok, [d.headline() for d in result.diagnostics]
    return (out / "projects" / "review" / "index.html").read_text(encoding="utf-8")


def test_a_seal_opens_only_with_the_key_that_made_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "cached"
    cache_seal.write_sealed(path, b"data")
    sealed = path.read_bytes()
    assert sealed.endswith(b"data")
    assert cache_seal.unseal(sealed) == b"data"
    assert cache_seal.read_sealed(path) == b"data"
    assert cache_seal.unseal(sealed[:-1] + b"A") is None  # tampered
    assert cache_seal.unseal(b"data") is None  # never sealed
    monkeypatch.setattr(cache_seal, "_key", lambda: b"k" * 32)
    assert cache_seal.unseal(sealed) is None  # another user's, another machine's


def test_the_key_is_made_once_outside_the_portfolio(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr("sys.platform", "linux")
    cache_seal._key.cache_clear()
    try:
        key = cache_seal._key()
        assert key is not None and len(key) == 32
        path = tmp_path / "cache" / "itpm-site" / "cache-key"
        assert path.read_bytes() == key
        assert path.stat().st_mode & 0o077 == 0  # the user's alone
        cache_seal._key.cache_clear()
        assert cache_seal._key() == key  # read back, not made again
        assert list(path.parent.iterdir()) == [path]
    finally:
        cache_seal._key.cache_clear()


def test_without_a_key_nothing_is_cached(
    tmp_path: Path, write_portfolio, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache_seal, "_key", lambda: None)
    root = write_portfolio(tmp_path / "pf", PORTFOLIO)
    assert "quarterly review is on Friday" in build(root)
    assert not (root / ".itpm-cache" / _CACHE_FILE).exists()


def forged_markdown_cache() -> bytes:
    """A Markdown cache that turns the body into a script, as a pull request could commit."""
    entry = {content_key(BODY, False): "<p>Hello</p><script>alert('forged')</script>\n"}
    return marshal.dumps({"version": _cache_version(), "html": entry})


def test_a_committed_markdown_cache_is_ignored(tmp_path: Path, write_portfolio) -> None:
    root = write_portfolio(tmp_path / "pf", PORTFOLIO)
    (root / ".itpm-cache").mkdir()
    (root / ".itpm-cache" / _CACHE_FILE).write_bytes(forged_markdown_cache())
    page = build(root)
    assert "alert('forged')" not in page
    assert "The quarterly review is on Friday." in page


def test_a_sealed_markdown_cache_is_used(tmp_path: Path, write_portfolio) -> None:
    # The other side of the test above: the cache is read when this user's itpm-site wrote
    # it, so ignoring the committed one is the seal's doing.
    root = write_portfolio(tmp_path / "pf", PORTFOLIO)
    (root / ".itpm-cache").mkdir()
    cache_seal.write_sealed(root / ".itpm-cache" / _CACHE_FILE, forged_markdown_cache())
    assert "alert('forged')" in build(root)


def test_a_rebuild_renders_no_markdown_and_the_old_json_cache_goes(
    tmp_path: Path, write_portfolio, monkeypatch: pytest.MonkeyPatch
) -> None:
    from itpm_site.render import markdown

    root = write_portfolio(tmp_path / "pf", PORTFOLIO)
    (root / ".itpm-cache").mkdir()
    (root / ".itpm-cache" / "markdown.json").write_text("{}", encoding="utf-8")  # an old one
    first = build(root)
    assert (root / ".itpm-cache" / _CACHE_FILE).is_file()
    assert not (root / ".itpm-cache" / "markdown.json").exists()

    def fail(text: str, allow_html: bool = False) -> str:
        raise AssertionError("rendered again")

    monkeypatch.setattr(markdown, "render_markdown", fail)
    assert build(root) == first


def forge_template(root: Path, sealed: bool) -> None:
    """Compiled code for the project page that prints FORGED, filed where Jinja looks for the
    real template's compiled code."""
    env = jinja2.Environment(autoescape=True)
    cache = template_cache(root / ".itpm-cache")
    assert cache is not None
    theme = default_theme_dir() / "templates"
    filename = str(theme / "project.html")
    source = (theme / "project.html").read_text(encoding="utf-8")
    bucket = Bucket(env, cache.get_cache_key("project.html", filename), cache.get_source_checksum(source))
    bucket.code = env.compile("FORGED", "project.html", filename)
    if sealed:
        cache.dump_bytecode(bucket)
    else:
        with open(cache._get_cache_filename(bucket), "wb") as out:
            bucket.write_bytecode(out)


def test_committed_compiled_templates_are_never_run(tmp_path: Path, write_portfolio) -> None:
    root = write_portfolio(tmp_path / "pf", PORTFOLIO)
    forge_template(root, sealed=False)
    page = build(root)
    assert "FORGED" not in page and "Quarterly Review" in page


def test_sealed_compiled_templates_are_used(tmp_path: Path, write_portfolio) -> None:
    root = write_portfolio(tmp_path / "pf", PORTFOLIO)
    forge_template(root, sealed=True)
    assert build(root).strip() == "FORGED"


# ------------------------------------------------------------------------------ links


needs_links = pytest.mark.skipif(
    not hasattr(__import__("os"), "symlink") or __import__("sys").platform == "win32",
    reason="symbolic links need privileges on Windows",
)


@needs_links
def test_a_link_committed_as_the_cache_folder_turns_the_cache_off(tmp_path: Path, write_portfolio) -> None:
    root = write_portfolio(tmp_path / "pf", PORTFOLIO)
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "spare").mkdir(parents=True)
    (elsewhere / "spare" / "keep.txt").write_text("mine", encoding="utf-8")
    (root / ".itpm-cache").symlink_to(elsewhere, target_is_directory=True)
    assert "quarterly review" in build(root)
    assert build(root)
    assert sorted(p.relative_to(elsewhere).as_posix() for p in elsewhere.rglob("*")) == [
        "spare",
        "spare/keep.txt",
    ]  # nothing written there, nothing deleted


@needs_links
def test_links_committed_inside_the_cache_are_not_written_through(tmp_path: Path, write_portfolio) -> None:
    root = write_portfolio(tmp_path / "pf", PORTFOLIO)
    victim = tmp_path / "victim.txt"
    victim.write_text("untouched", encoding="utf-8")
    cache = root / ".itpm-cache"
    cache.mkdir()
    (cache / ".gitignore").symlink_to(victim)
    (cache / _CACHE_FILE).symlink_to("/dev/zero")  # read as a cache, it would never end
    for pid in range(__import__("os").getpid() - 50, __import__("os").getpid() + 50):
        (cache / f"{_CACHE_FILE}.{pid}.tmp").symlink_to(victim)  # the names once used
    build(root)
    build(root)
    assert victim.read_text(encoding="utf-8") == "untouched"


@needs_links
def test_a_spare_folder_committed_as_a_link_is_not_used(tmp_path: Path, write_portfolio) -> None:
    root = write_portfolio(tmp_path / "pf", PORTFOLIO)
    build(root)
    build(root)  # the output before last is now kept as the spare, with a sealed record
    spare = root / ".itpm-cache" / "spare"
    assert spare.is_dir() and (root / ".itpm-cache" / "spare.json").is_file()
    import shutil

    shutil.rmtree(spare)
    target = tmp_path / "target"
    target.mkdir()
    spare.symlink_to(target, target_is_directory=True)  # what a checkout of a PR can do
    build(root)
    assert not (root / "public").is_symlink() and (root / "public" / "index.html").is_file()
    assert list(target.iterdir()) == []


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


def test_a_relative_cache_home_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.platform", "linux")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")  # the XDG spec: ignore it
    assert cache_seal.key_folder() == tmp_path / "home" / ".cache" / "itpm-site"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_seal.key_folder() == tmp_path / "xdg" / "itpm-site"
