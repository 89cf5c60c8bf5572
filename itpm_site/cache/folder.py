"""Where caches live: one folder per portfolio in the user's own cache folder, never in the
portfolio.

A portfolio is a Git repository others send pull requests to: nothing in it is ever read as a
cache (pickle, marshal and compiled templates run code when they are read). Every cache is
kept under ``user_cache_dir("itpm-site")`` (``~/.cache/itpm-site`` on Linux,
``~/Library/Caches/itpm-site`` on macOS, ``%LOCALAPPDATA%\\itpm-site\\Cache`` on Windows), in a
folder named by a digest of the portfolio's resolved path. That folder is made private (mode
0700) and used only if it, and every folder between it and the cache home, is a folder of its
own (not a link) owned by this user; otherwise nothing is cached, which only costs speed.
Whoever can write there is this user already.

Folders of portfolios not built for ``KEEP_DAYS`` days are removed on a build, as a cache no
longer sits beside its portfolio and is not deleted with it.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import stat
import tempfile
import time
from pathlib import Path
from typing import BinaryIO

import platformdirs

from itpm_site.cache.digest import digest

APP = "itpm-site"
#: A portfolio's cache folder that no build used for this long is removed.
KEEP_DAYS = 90
#: In each portfolio's folder: the portfolio's path (for people), touched on every build.
STAMP = "portfolio.txt"
_NAME = re.compile(r"[0-9a-f]{32}")
_pruned: set[Path] = set()  # cache homes pruned by this process


#: Names the cache home outright, on every OS: for CI caches and for tests.
CACHE_HOME_VARIABLE = "ITPM_SITE_CACHE_DIR"


def cache_home() -> Path | None:
    """The user's cache folder for itpm-site (not made here); None without an absolute one."""
    given = os.environ.get(CACHE_HOME_VARIABLE)
    if given:
        home = Path(given)
    else:
        try:
            home = Path(platformdirs.user_cache_dir(APP, appauthor=False))
        except Exception:  # no home directory to derive it from
            return None
    return home if home.is_absolute() else None


def folder_name(root: Path) -> str:
    """The name of ``root``'s cache folder: a digest of its resolved path."""
    return digest(str(root.resolve()).encode("utf-8"))


def is_real_folder(path: Path) -> bool:
    """``path`` is a folder itself, not a link to one: a cache folder that is a link would
    send the cache's writes (and deletions) wherever it points."""
    try:
        return stat.S_ISDIR(path.lstat().st_mode)
    except OSError:
        return False


def _private(path: Path) -> bool:
    """``path`` is a real folder of this user's that no one else may write to."""
    try:
        st = path.lstat()
    except OSError:
        return False
    if not stat.S_ISDIR(st.st_mode):
        return False
    if not hasattr(os, "getuid"):  # Windows: the user's own profile folder
        return True
    return st.st_uid == os.getuid() and not st.st_mode & 0o022


def private_folder(path: Path) -> bool:
    """Make ``path`` (mode 0700) if missing; True if it is a private folder (``_private``)."""
    with contextlib.suppress(OSError):
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return _private(path)


def cache_folder(root: Path, create: bool = True) -> Path | None:
    """The cache folder of the portfolio at ``root`` (made, and marked as used now, with
    ``create``); None where no cache may be kept, which only costs speed."""
    home = cache_home()
    if home is None:
        return None
    folder = home / folder_name(root)
    if not create:
        return folder if _private(home) and _private(folder) else None
    if not private_folder(home) or not private_folder(folder):
        return None
    stamp = folder / STAMP
    try:
        if stamp.is_file() and not stamp.is_symlink():
            os.utime(stamp)
        else:
            write_file(stamp, f"{root.resolve()}\n".encode())
    except OSError:
        pass
    if home not in _pruned:
        _pruned.add(home)
        prune(home, keep=folder)
    return folder


def prune(home: Path, keep: Path | None = None, days: int = KEEP_DAYS) -> list[Path]:
    """Remove the cache folders in ``home`` of portfolios not built for ``days`` days (by
    their stamp's mtime); only folders named as ``cache_folder`` names them, owned by this
    user. Returns those removed."""
    limit = time.time() - days * 86400
    removed: list[Path] = []
    try:
        entries = list(os.scandir(home))
    except OSError:
        return removed
    for entry in entries:
        path = Path(entry.path)
        if not _NAME.fullmatch(entry.name) or path == keep or not _private(path):
            continue
        try:
            used = (path / STAMP).lstat().st_mtime
        except OSError:
            try:
                used = path.lstat().st_mtime
            except OSError:
                continue
        if used < limit:
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


# ------------------------------------------------------------------------------ files


def read_file(path: Path) -> bytes | None:
    """The bytes of the regular file ``path``; None if it is missing, unreadable or not a
    plain file of its own (a link is not followed)."""
    source = open_file(path)
    if source is None:
        return None
    try:
        with source:
            return source.read()
    except OSError:
        return None


def open_file(path: Path) -> BinaryIO | None:
    """The regular file ``path`` open for reading; None as for ``read_file``."""
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0))
    except OSError:
        return None
    try:
        source = os.fdopen(descriptor, "rb")
    except OSError:
        os.close(descriptor)
        return None
    try:
        if stat.S_ISREG(os.fstat(source.fileno()).st_mode):
            return source
    except OSError:
        pass
    source.close()
    return None


def write_file(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a new temporary file, then ``os.replace``: a crash
    never leaves half a file. Failing to (a full disk) only costs speed next time."""
    writer = AtomicWriter.open(path)
    if writer is not None:
        writer.write(data)
        writer.commit()


class AtomicWriter:
    """A file written in pieces into a temporary file beside it, then put in place at once:
    ``open``, ``write`` as often as needed, then ``commit`` (or ``abort``). A write that fails
    (a full disk) drops the file; the caller goes on without it."""

    def __init__(self, path: Path, tmp: Path, out: BinaryIO) -> None:
        self.path, self.tmp, self.out = path, tmp, out

    @classmethod
    def open(cls, path: Path) -> AtomicWriter | None:
        """None where no file can be written here."""
        try:
            descriptor, name = tempfile.mkstemp(dir=path.parent, prefix=f"{path.name}.", suffix=".tmp")
        except OSError:
            return None
        return cls(path, Path(name), os.fdopen(descriptor, "wb"))

    def write(self, data: bytes | memoryview) -> None:
        if self.out.closed:
            return
        try:
            self.out.write(data)
        except OSError:
            self.abort()

    def commit(self) -> None:
        if self.out.closed:
            return  # a write failed: nothing to keep
        try:
            self.out.close()
            os.replace(self.tmp, self.path)
        except OSError:
            self.abort()

    def abort(self) -> None:
        try:
            self.out.close()  # flushes: fails again on a full disk
        except OSError:
            pass
        finally:
            self.tmp.unlink(missing_ok=True)
