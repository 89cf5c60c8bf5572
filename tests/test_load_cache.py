"""Validated files kept between builds (cache.loaded): read back only while nothing they depend
on changed, and the same result as loading afresh."""

from __future__ import annotations

import datetime as dt
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from portfolios import numbered_projects

from itpm_site.build import BuildOptions, build_site
from itpm_site.cache import loaded as load_cache
from itpm_site.cache.folder import AtomicWriter, cache_folder
from itpm_site.load import portfolio as loading

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
    return loading.load_portfolio(root, cache=cache_folder(root))


def kept_file(root: Path) -> Path:
    """Where the results of ``root`` are kept (in the user's cache folder)."""
    folder = cache_folder(root, create=False)
    assert folder is not None
    return folder / load_cache.FILE


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
    assert len(counted) == 30 and kept_file(root).is_file()
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
    kept = kept_file(root)
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


def _fingerprint_of(package_parent: Path, root: Path) -> str:
    """The fingerprint as the itpm_site under ``package_parent`` computes it."""
    code = (
        "from pathlib import Path; import itpm_site.cache.loaded as m; "
        f"print(m.__file__); print(m.fingerprint(Path({str(root)!r})))"
    )
    env = {**os.environ, "PYTHONPATH": str(package_parent)}
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        cwd=package_parent,
        timeout=60,
        check=True,
    )
    where, _, printed = done.stdout.partition("\n")
    assert Path(where).is_relative_to(package_parent)
    return printed


def test_the_same_code_installed_again_keeps_the_results(tmp_path) -> None:
    """A CI job installs itpm-site afresh on every run: its modules get new modification
    times, and the same code must still find the results kept by the last run."""
    package = Path(load_cache.__file__).resolve().parents[1]
    first, second = tmp_path / "first", tmp_path / "second"
    for target in (first, second):  # plain copies: new modification times
        shutil.copytree(package, target / "itpm_site", copy_function=shutil.copyfile)
    os.utime(second / "itpm_site/build.py", ns=(1, 1))
    root = tmp_path / "pf"
    assert _fingerprint_of(first, root) == _fingerprint_of(second, root)
    with (second / "itpm_site/build.py").open("a", encoding="utf-8") as f:
        f.write("\n# changed\n")
    assert _fingerprint_of(first, root) != _fingerprint_of(second, root)


@pytest.mark.parametrize("damage", ["truncated", "other fingerprint", "foreign"])
def test_a_kept_file_not_as_this_itpm_site_wrote_it_is_not_read(
    tmp_path, write_portfolio, counted, damage
) -> None:
    """A kept file cut short, made under another fingerprint (other code, another place) or
    not made by itpm-site at all is ignored like a missing one."""
    root = write_portfolio(tmp_path / "pf", portfolio())
    load(root)
    kept = kept_file(root)
    data = kept.read_bytes()
    if damage == "truncated":
        data = data[: len(data) // 2]
    elif damage == "other fingerprint":
        data = data.replace(str(root.resolve()).encode(), str(tmp_path / "elsewhere").encode())
    else:
        data = pickle.dumps("not a cache")
    kept.write_bytes(data)
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
    store = load_cache.LoadCache(kept_file(root).parent, root.resolve())
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
    root = write_portfolio(tmp_path / "pf", portfolio())
    real_open = AtomicWriter.open.__func__  # type: ignore[attr-defined]

    class FullDisk:
        closed = False

        def __init__(self, out) -> None:
            self.real = out

        def write(self, data) -> int:
            raise OSError(28, "No space left on device")

        def close(self) -> None:
            self.real.close()
            self.closed = True

    def open_on_a_full_disk(cls, path):
        writer = real_open(cls, path)
        if writer is not None:
            writer.out = FullDisk(writer.out)
        return writer

    monkeypatch.setattr(AtomicWriter, "open", classmethod(open_on_a_full_disk))
    assert summary(load(root)) == summary(loading.load_portfolio(root))
    assert not kept_file(root).exists()
    assert not list(kept_file(root).parent.glob("*.tmp"))


def test_builds_keep_loaded_files_only_with_the_cache(tmp_path, write_portfolio) -> None:
    root = write_portfolio(tmp_path / "pf", portfolio())
    options = dict(
        root=root, output=tmp_path / "out", as_of=dt.date(2026, 11, 20), search=False, keep_going=True
    )
    build_site(BuildOptions(**options, cache=False))
    assert cache_folder(root, create=False) is None
    assert build_site(BuildOptions(**options)).ok
    assert kept_file(root).is_file()
