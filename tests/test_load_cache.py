"""Validated files kept between builds (cache.loaded): read back only while nothing they depend
on changed, and the same result as loading afresh."""

from __future__ import annotations

import datetime as dt
import pickle
from pathlib import Path

import pytest
from portfolios import numbered_projects

from itpm_site.build import build_site
from itpm_site.cache import loaded as load_cache
from itpm_site.load import portfolio as loading
from itpm_site.render.site import BuildOptions

pytestmark = pytest.mark.usefixtures("plain_env")


def portfolio(count: int = 30) -> dict[str, str]:
    return numbered_projects(count, "Kept", error_every=9, warning_every=4)


def summary(result) -> tuple:
    return (
        [(e.slug, e.model.model_dump(), e.doc.body, str(e.doc.path)) for e in result.projects],
        [d.headline() for d in result.diagnostics],
        result.rejected,
        result.rejected_slugs,
    )


def load(root: Path):
    return loading.load_portfolio(root, cache=True)


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The content files loaded (not read back), in this process."""
    seen: list[str] = []
    real = loading.load_file

    def load_file(root, rel, section, read):
        seen.append(rel)
        return real(root, rel, section, read)

    monkeypatch.setattr(loading, "load_file", load_file)
    return seen


def test_a_rebuild_reads_back_every_unchanged_file(tmp_path, write_portfolio, counted) -> None:
    root = write_portfolio(tmp_path / "pf", portfolio())
    fresh = loading.load_portfolio(root)  # no cache
    counted.clear()
    first = load(root)
    assert len(counted) == 30 and (root / ".itpm-cache" / load_cache.FILE).is_file()
    counted.clear()
    again = load(root)
    assert counted == []  # nothing parsed or validated again
    assert summary(again) == summary(first) == summary(fresh)


def test_a_changed_or_removed_file_is_not_read_back(tmp_path, write_portfolio, counted) -> None:
    root = write_portfolio(tmp_path / "pf", portfolio())
    load(root)
    edited = root / "content" / "projects" / "p03.md"
    edited.write_text(
        edited.read_text(encoding="utf-8").replace("status: green", "status: red"), encoding="utf-8"
    )
    (root / "content" / "projects" / "p05.md").unlink()
    counted.clear()
    result = load(root)
    assert counted == ["content/projects/p03.md"]
    assert next(e for e in result.projects if e.slug == "p03").model.status.value == "red"
    assert "p05" not in {e.slug for e in result.projects}
    assert summary(result) == summary(loading.load_portfolio(root))
    counted.clear()
    load(root)
    assert counted == []  # the new state was kept in turn


def test_nothing_changed_writes_nothing(tmp_path, write_portfolio) -> None:
    root = write_portfolio(tmp_path / "pf", portfolio())
    load(root)
    kept = root / ".itpm-cache" / load_cache.FILE
    before = kept.stat().st_mtime_ns, kept.read_bytes()
    load(root)
    assert (kept.stat().st_mtime_ns, kept.read_bytes()) == before


def test_other_code_or_another_place_starts_afresh(
    tmp_path, write_portfolio, counted, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_portfolio(tmp_path / "pf", portfolio())
    load(root)
    real = load_cache.fingerprint
    monkeypatch.setattr(load_cache, "fingerprint", lambda root: (*real(root), "other code"))
    counted.clear()
    load(root)
    assert len(counted) == 30
    monkeypatch.setattr(load_cache, "fingerprint", real)
    moved = tmp_path / "moved"
    root.rename(moved)
    counted.clear()
    result = load(moved)  # documents carry their path: a moved portfolio is loaded again
    assert len(counted) == 30
    assert all(str(e.doc.path).startswith(str(moved.resolve())) for e in result.projects)


@pytest.mark.parametrize("damage", ["seal", "payload", "unsealed"])
def test_a_kept_file_not_as_this_itpm_site_wrote_it_is_not_read(
    tmp_path, write_portfolio, counted, damage
) -> None:
    """The results are pickled, and pickle runs code: a file whose seal does not match (a
    pull request could commit one) is ignored like a missing one."""
    root = write_portfolio(tmp_path / "pf", portfolio())
    load(root)
    kept = root / ".itpm-cache" / load_cache.FILE
    data = bytearray(kept.read_bytes())
    if damage == "seal":
        data[0] ^= 1
    elif damage == "payload":
        data[len(data) // 2] ^= 1
    else:
        data = bytearray(pickle.dumps("not sealed"))
    kept.write_bytes(bytes(data))
    counted.clear()
    result = load(root)
    assert len(counted) == 30
    assert summary(result) == summary(loading.load_portfolio(root))


def test_removing_a_file_alone_rewrites_the_kept_files(tmp_path, write_portfolio, counted) -> None:
    root = write_portfolio(tmp_path / "pf", portfolio())
    load(root)
    (root / "content" / "projects" / "p07.md").unlink()
    counted.clear()
    load(root)
    assert counted == []  # nothing changed in the others
    store = load_cache.LoadCache(root / ".itpm-cache", root.resolve())
    assert "content/projects/p07.md" not in store.index and len(store.index) == 29


def test_a_kept_result_that_no_longer_unpickles_is_loaded_again(
    tmp_path, write_portfolio, counted, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_portfolio(tmp_path / "pf", portfolio())
    load(root)
    real = pickle.loads

    def loads(data, *args, **kwargs):
        result = real(data, *args, **kwargs)
        if getattr(getattr(result, "entry", None), "slug", "") == "p01":
            raise ModuleNotFoundError("a library changed under the same version")
        return result

    monkeypatch.setattr(loading.pickle, "loads", loads)
    counted.clear()
    result = load(root)
    monkeypatch.setattr(loading.pickle, "loads", real)
    assert counted == ["content/projects/p01.md"]
    assert summary(result) == summary(loading.load_portfolio(root))


def test_a_cache_that_cannot_be_written_costs_nothing_but_speed(
    tmp_path, write_portfolio, monkeypatch: pytest.MonkeyPatch
) -> None:
    from itpm_site.cache import seal as cache_seal

    root = write_portfolio(tmp_path / "pf", portfolio())

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cache_seal.SealedWriter, "commit", lambda self: (self._guard(full_disk), None)[1])
    assert summary(load(root)) == summary(loading.load_portfolio(root))
    assert not (root / ".itpm-cache" / load_cache.FILE).exists()
    assert not list((root / ".itpm-cache").glob("*.tmp"))


def test_builds_keep_loaded_files_only_with_the_cache(tmp_path, write_portfolio) -> None:
    root = write_portfolio(tmp_path / "pf", portfolio())
    options = dict(
        root=root, output=tmp_path / "out", as_of=dt.date(2026, 11, 20), search=False, keep_going=True
    )
    build_site(BuildOptions(**options, cache=False))
    assert not (root / ".itpm-cache" / load_cache.FILE).exists()
    assert build_site(BuildOptions(**options)).ok
    assert (root / ".itpm-cache" / load_cache.FILE).is_file()
