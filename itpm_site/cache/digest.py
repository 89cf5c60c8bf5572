"""The one digest of file contents, for every cache key and every comparison of output bytes."""

from __future__ import annotations

import hashlib
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parents[1]  # all of itpm_site
#: Each file's digest, by its path, with the (mtime, size, inode) it was read at.
_known: dict[Path, tuple[tuple[int, int, int], str]] = {}


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def code_digest(suffixes: tuple[str, ...] = (".py",)) -> str:
    """One digest of itpm-site's own files with these suffixes (its code; its catalogs, with
    '.po'): of their bytes, not their modification times, as a CI job that installs the same
    itpm-site afresh on every run must keep its caches. Each file is read once per process,
    and again only when its (mtime, size, inode) changes."""
    parts = []
    for path in sorted(_PACKAGE.rglob("*")):
        if path.suffix not in suffixes:
            continue
        try:
            st = path.stat()
            key = (st.st_mtime_ns, st.st_size, st.st_ino)
            known = _known.get(path)
            if known is None or known[0] != key:
                known = _known[path] = (key, digest(path.read_bytes()))
        except OSError:  # an editor's lock file, a link to nowhere: not code Python runs
            continue
        parts.append(f"{path.relative_to(_PACKAGE).as_posix()}:{known[1]}")
    return digest("\n".join(parts).encode("utf-8"))
