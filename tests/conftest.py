"""Shared pytest fixtures and helpers."""

from __future__ import annotations

from pathlib import Path

import pytest

from itpm_site.model.i18n import use_language

# foundation helpers ---------------------------------------------------------------------------
# Used by test_frontmatter, test_rules, test_amounts, test_vocab, test_diagnostics_formats,
# test_cli_check and test_schema_new. Add other fixtures below this block, not inside it.


def pytest_addoption(parser: pytest.Parser) -> None:
    # One hook per conftest: add further options here rather than defining a second hook.
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="Rewrite the golden files under tests/golden/ from the current output.",
    )


def _write_portfolio(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write ``{relative path: text or bytes}`` under ``root`` (creating content/ always)."""
    (root / "content").mkdir(parents=True, exist_ok=True)
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8", newline="")
    return root


@pytest.fixture
def write_portfolio():
    """``write_portfolio(tmp_path, {"content/projects/a.md": "..."})`` -> the root folder."""
    return _write_portfolio


@pytest.fixture
def plain_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No colour and no SOURCE_DATE_EPOCH from the caller's environment (use per module:
    ``pytestmark = pytest.mark.usefixtures("plain_env")``)."""
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


# end of foundation helpers --------------------------------------------------------------------


# site helpers ---------------------------------------------------------------------------------
# A built demo site shared by the end-to-end and browser tests (built once per session).

DEMO_ROOT = Path(__file__).resolve().parent.parent
DEMO_AS_OF = "2026-11-20"


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo portfolio in content/, built into a temporary folder (with history), once per
    run (``once_per_run``: the parallel workers share it)."""
    import datetime as dt

    from history_repo import demo_repository
    from sitetools import once_per_run

    from itpm_site.build import BuildOptions, build_site

    # Built from a copy with a fixed git history: the history pages (checked like every other
    # page) must not depend on this repository's own commits.
    def make(folder: Path) -> None:
        root = demo_repository(DEMO_ROOT, folder / "portfolio")
        options = BuildOptions(root=root, output=folder / "public", as_of=dt.date.fromisoformat(DEMO_AS_OF))
        result = build_site(options)
        assert result.ok, [d.headline() for d in result.diagnostics]

    return once_per_run(tmp_path_factory, "demo", make) / "public"


@pytest.fixture(scope="session")
def demo_site_ka(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo built as a Georgian site (``--language ka``), like ``demo_site``."""
    from history_repo import demo_repository
    from sitetools import build_in_language, once_per_run

    def make(folder: Path) -> None:
        build_in_language(
            demo_repository(DEMO_ROOT, folder / "portfolio"), folder / "public", "ka", DEMO_AS_OF
        )

    return once_per_run(tmp_path_factory, "demo-ka", make) / "public"


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session (Debian's /usr/bin/chromium)."""
    import os

    from sitetools import CHROMIUM, launch_chromium

    # .ci/run sets ITPM_SITE_REQUIRE_BROWSER: there the browser tests (layout, print, the pack's
    # PDF) must run, never pass by being skipped.
    required = bool(os.environ.get("ITPM_SITE_REQUIRE_BROWSER"))
    if not Path(CHROMIUM).exists():
        message = "Debian's chromium is not installed (.ci/run installs it)"
        if required:
            pytest.fail(message)
        pytest.skip(message)
    if required:
        import playwright.sync_api as playwright_sync
    else:
        playwright_sync = pytest.importorskip("playwright.sync_api")
    with playwright_sync.sync_playwright() as p:
        b = launch_chromium(p)
        yield b
        b.close()


# end of site helpers --------------------------------------------------------------------------


# cache helpers --------------------------------------------------------------------------------
# Every cache lives in the user's cache folder (itpm_site.cache.folder): each test gets its own,
# so that no test reads what another one (or the developer's own builds) kept.


def _point_cache_home(mp: pytest.MonkeyPatch, folder: Path) -> None:
    from itpm_site.cache import folder as cache_folder

    mp.setenv("XDG_CACHE_HOME", str(folder))
    mp.setenv("ITPM_SITE_CACHE_DIR", str(folder / "itpm-site"))  # subprocesses, on any OS
    mp.setattr(cache_folder, "cache_home", lambda: folder / "itpm-site")  # any OS


@pytest.fixture(scope="session", autouse=True)
def _session_cache_home(tmp_path_factory: pytest.TempPathFactory):
    """For session fixtures (``demo_site``): one cache home apart from the user's."""
    with pytest.MonkeyPatch.context() as mp:
        _point_cache_home(mp, tmp_path_factory.mktemp("user-cache"))
        yield


@pytest.fixture(autouse=True)
def user_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This test's own user cache folder (``XDG_CACHE_HOME``); itpm-site's is its itpm-site/."""
    folder = tmp_path_factory.mktemp("user-cache")
    _point_cache_home(monkeypatch, folder)
    return folder / "itpm-site"


@pytest.fixture(autouse=True)
def _english() -> None:
    """The UI language is the process's (a build sets it): each test starts in English, however
    the last test in this worker process left it."""
    use_language("en")


# end of cache helpers -------------------------------------------------------------------------


# temporary folders ----------------------------------------------------------------------------
# A run writes about 120,000 small files and folders (every test's site), and pytest deletes the
# runs before the last three when a run starts and ends, so each run pays for an old one. On a
# disk that is slow (ext4 mounted with `discard`: about 2 ms a folder); in memory (tmpfs),
# writing and deleting are both quick.

#: Free room wanted on the memory file system before tests put their folders there.
TMPFS_ROOM = 4 << 30


def pytest_configure(config: pytest.Config) -> None:
    # One hook per conftest, as for options: add further set-up here.
    _temporary_folders_in_memory(config)


def _temporary_folders_in_memory(config: pytest.Config) -> None:
    """Put pytest's temporary folders (``tmp_path``, ``tmp_path_factory``) in /dev/shm on
    Linux, unless the caller chose a place (``--basetemp``, ``TMPDIR``, pytest's own
    ``PYTEST_DEBUG_TEMPROOT``) or it has too little room. pytest reads the variable when it
    first makes its folder, after this; the parallel workers are given the controller's."""
    import os
    import shutil
    import sys

    chosen = config.option.basetemp or os.environ.get("TMPDIR") or os.environ.get("PYTEST_DEBUG_TEMPROOT")
    shm = Path("/dev/shm")
    if chosen or not sys.platform.startswith("linux") or not shm.is_dir() or not os.access(shm, os.W_OK):
        return
    # Room on /dev/shm is a size limit, not memory: what it holds is taken from the RAM.
    if shutil.disk_usage(shm).free >= TMPFS_ROOM and _available_memory() >= TMPFS_ROOM:
        os.environ["PYTEST_DEBUG_TEMPROOT"] = str(shm)


def _available_memory() -> int:
    """MemAvailable of /proc/meminfo, in bytes (0 when unknown)."""
    try:
        for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


# end of temporary folders ---------------------------------------------------------------------


# markers --------------------------------------------------------------------------------------
# `slow` (see pyproject.toml): `pytest -m "not slow"` is the quick selection for the edit-test
# loop; a plain `pytest` (and .ci/run) runs everything.


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Before `-m` selects: every browser test is slow too (Chromium, a page load or more each).
    for item in items:
        if item.get_closest_marker("browser") is not None:
            item.add_marker(pytest.mark.slow)
    # The longest tests first: the parallel workers take tests in this order, one at a time
    # (`--dist load --maxschedchunk 1`), so the run ends on short tests instead of one worker
    # finishing a long one while the others wait. The slow tests that are not browser tests
    # (random walks, the kill-9 loop, generated portfolios, whole-demo checks) are the longest
    # one by one; then the browser tests; then the rest. Each module's tests stay in order.
    items[:] = sorted(items, key=_schedule_rank)


def _schedule_rank(item: pytest.Item) -> int:
    if item.get_closest_marker("browser") is not None:
        return 1
    return 0 if item.get_closest_marker("slow") is not None else 2


# end of markers -------------------------------------------------------------------------------
