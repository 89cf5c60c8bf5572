"""Cache files are sealed with a key kept outside the portfolio: only files this user's
itpm-site wrote are read back.

``.itpm-cache/`` lives in the portfolio, a Git repository anyone may send a pull request to.
A cache file committed there (past the folder's own ``.gitignore``, with ``git add -f``) could
otherwise put HTML that was never in the Markdown into the site (the Markdown cache), run code
in the build (compiled templates) or vouch for files of an old output. So every cache file
starts with a keyed BLAKE2b of its content, under a random key in the user's cache folder
(``~/.cache/itpm-site/cache-key`` on Linux); a file without the right seal is ignored like a
missing one. A fresh CI runner has a fresh key, so nothing committed is ever trusted there.
Where no key can be kept (no writable home), nothing is cached.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
import secrets
import stat
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

#: The portfolio's cache folder (ROOT/.itpm-cache): every cache file is in it.
CACHE_DIR = ".itpm-cache"
_KEY_FILE = "cache-key"
_KEY_BYTES = 32
_SEAL_BYTES = 32


def key_folder() -> Path:
    """The user's cache folder for itpm-site (not the portfolio's ``.itpm-cache``)."""
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = str(Path.home() / "Library" / "Caches")
    else:
        base = os.environ.get("XDG_CACHE_HOME", "")
        if not os.path.isabs(base):  # a relative one is to be ignored (XDG spec)
            base = str(Path.home() / ".cache")
    return Path(base) / "itpm-site"


@functools.cache
def _key() -> bytes | None:
    path = key_folder() / _KEY_FILE
    try:
        key = path.read_bytes()
        if len(key) == _KEY_BYTES:
            return key
    except OSError:
        pass
    try:  # made once, atomically: two builds starting together agree on one key
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{_KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
        descriptor = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as out:
            out.write(secrets.token_bytes(_KEY_BYTES))
        try:
            os.link(tmp, path)  # fails if another process made the key first
        except FileExistsError:
            pass
        finally:
            tmp.unlink(missing_ok=True)
        key = path.read_bytes()
    except OSError:
        return None
    return key if len(key) == _KEY_BYTES else None


def _mac(key: bytes, data: bytes) -> bytes:
    return hashlib.blake2b(data, key=key, digest_size=_SEAL_BYTES).digest()


def unseal(blob: bytes) -> bytes | None:
    """The data of a sealed ``blob``; None unless this user's itpm-site sealed it."""
    key = _key()
    if key is None or len(blob) < _SEAL_BYTES:
        return None
    data = blob[_SEAL_BYTES:]
    return data if hmac.compare_digest(blob[:_SEAL_BYTES], _mac(key, data)) else None


def read_sealed(path: Path) -> bytes | None:
    """The data of the sealed file ``path``; None if it is missing, unreadable, not ours, or
    not a plain file (a link committed in its place could point at /dev/zero)."""
    try:
        if path.is_symlink():
            return None
        with open(path, "rb") as source:
            if not stat.S_ISREG(os.fstat(source.fileno()).st_mode):
                return None
            return unseal(source.read())
    except OSError:
        return None


def write_sealed(path: Path, data: bytes) -> None:
    """Write ``data`` sealed to ``path`` through a new temporary file (a crash never leaves
    half a file; a name committed in advance, say as a link, is never written through);
    failing to (a read-only checkout, no key) only costs speed next time."""
    writer = SealedWriter.open(path)
    if writer is not None:
        writer.write(data)
        writer.commit()


class SealedWriter:
    """A sealed file written in pieces (a large cache is never held whole to be sealed):
    ``open``, ``write`` as often as needed, then ``commit`` (or ``abort``)."""

    def __init__(self, path: Path, tmp: Path, out: BinaryIO, key: bytes) -> None:
        self.path, self.tmp, self.out = path, tmp, out
        self.mac = hashlib.blake2b(key=key, digest_size=_SEAL_BYTES)

    @classmethod
    def open(cls, path: Path) -> SealedWriter | None:
        """None where no file can be written (no key, a read-only folder)."""
        key = _key()
        if key is None:
            return None
        try:
            descriptor, name = tempfile.mkstemp(dir=path.parent, prefix=f"{path.name}.", suffix=".tmp")
        except OSError:
            return None
        out = os.fdopen(descriptor, "wb")
        writer = cls(path, Path(name), out, key)
        writer._guard(lambda: out.write(bytes(_SEAL_BYTES)))  # the seal's place, filled last
        return writer

    def write(self, data: bytes | memoryview) -> None:
        self.mac.update(data)
        self._guard(lambda: self.out.write(data))

    def commit(self) -> None:
        if self.out.closed:
            return  # a write failed: nothing to keep

        def finish() -> None:
            self.out.seek(0)
            self.out.write(self.mac.digest())
            self.out.close()
            os.replace(self.tmp, self.path)

        self._guard(finish)

    def abort(self) -> None:
        try:
            self.out.close()  # flushes: fails again on a full disk
        except OSError:
            pass
        finally:
            self.tmp.unlink(missing_ok=True)

    def _guard(self, action: Callable[[], object]) -> None:
        if self.out.closed:
            return
        try:
            action()
        except OSError:  # a full disk, say: only costs speed next time
            self.abort()


def is_real_folder(path: Path) -> bool:
    """``path`` is a folder itself, not a link to one: a cache folder committed as a link
    would send the cache's writes (and deletions) wherever it points."""
    try:
        return stat.S_ISDIR(path.lstat().st_mode)
    except OSError:
        return False


def ensure_cache_dir(folder: Path) -> bool:
    """Make ROOT/.itpm-cache, ignored by git; False if it cannot be made (read-only) or is
    not a folder of its own (a link: see ``is_real_folder``)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if not is_real_folder(folder):
            return False
        ignore = folder / ".gitignore"
        if not ignore.exists() and not ignore.is_symlink():
            with open(ignore, "x", encoding="utf-8") as out:  # never through a link
                out.write("*\n")
    except OSError:
        return False
    return True
