"""Stage 5: write the site atomically.

Everything goes into a staging folder beside the output; only when every file is in place is
the previous output swapped out. A failed or interrupted build leaves the previous site
untouched, and nothing but a folder that itpm-site itself wrote is ever deleted. A build that
was killed leaves its staging folder behind; the next build removes it, once no running build
holds it (see ``clean_leftovers``).

With a cache folder (the portfolio's user-cache folder, the default), builds also avoid
creating what already exists. Creating files and folders is the dearest part of writing a site
on many file systems (at 10,000 projects a build makes 20,000 files in 10,000 folders), and most
pages of a rebuild are byte-identical to the last one's. So the output before last is kept as a
spare and becomes the next staging folder: its folders are reused, pages whose bytes are
unchanged stay as they are, pages equal to the current output's are hard-linked to them, and
only the rest is written. Files of the spare that the new build does not have are removed
before the swap. The spare stays beside the output (``.public.spare`` for ``public``), on the
output's file system, as renames and hard links need; only the records of its files and of the
live output's are in the cache folder. A record only says which files may be reused: every
reuse is checked against the file's recorded size, mtime, inode and digest, so a file changed
by hand is written afresh.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

from itpm_site.cache.digest import digest
from itpm_site.cache.folder import is_real_folder, read_file, write_file

#: Present in every output folder itpm-site writes; nothing else is ever replaced.
MARKER = ".itpm-site-output"
MARKER_TEXT = b"Written by itpm-site. This whole folder is replaced on every build.\n"


class StoredFile(NamedTuple):
    """A file as stored in an output folder: enough to tell later that a path is still that
    very file (size, mtime, inode) and what it holds (the digest of its bytes). Recorded as a
    JSON array in that order."""

    size: int
    mtime_ns: int
    inode: int
    digest: str


# In the cache folder: the records of the live output and of the spare output.
OUTPUT_RECORD = "output.json"
SPARE_RECORD = "spare.json"
#: In a spare output folder (beside the output): marks it as one itpm-site put there.
SPARE_MARKER = ".itpm-site-spare"
#: In a staging folder while its build runs (removed just before the swap, when the folder
#: gets ``MARKER``): a leftover staging folder is only removed if it carries one of the two.
STAGING_MARKER = ".itpm-site-building"
STAGING_TEXT = b"Written by itpm-site: the site of a build in progress, removed when it ends.\n"


def spare_path(output: Path) -> Path:
    """Where the spare of ``output`` is kept: beside it, on the same file system."""
    return output.parent / f".{output.name}.spare"


class OutputError(Exception):
    """The output folder is unsafe to write (a usage error)."""


def check_output(root: Path, output: Path) -> None:
    """Refuse outputs that could destroy the sources or someone else's files."""
    root, output = root.resolve(), output.resolve()
    content = root / "content"
    if output == root or root.is_relative_to(output):
        raise OutputError(f"refusing to write the site to {output}: it contains the portfolio")
    if output.is_relative_to(content):
        raise OutputError(f"refusing to write the site inside {content}")
    if (output / "content").exists():
        raise OutputError(f"refusing to replace {output}: it has a content/ folder")
    if output.exists() and not output.is_dir():
        raise OutputError(f"{output} exists and is not a folder")
    if output.is_dir() and any(output.iterdir()) and not (output / MARKER).exists():
        raise OutputError(
            f"refusing to replace {output}: it is not empty and was not written by itpm-site "
            "(choose another --output, or empty the folder)"
        )


# ------------------------------------------------------------------------------ leftovers


def _pid_alive(pid: int) -> bool:
    """Is process ``pid`` running? Where that cannot be asked safely, yes."""
    if os.name != "posix":  # os.kill would terminate the process on Windows
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process
        return True
    return True


def _lock(folder: Path) -> int | None:
    """Hold an exclusive lock on ``folder`` (until the returned descriptor is closed), so that
    other builds, in other process namespaces too, see that it is in use; None where folders
    cannot be locked."""
    if fcntl is None:
        return None
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def _unlock(fd: int | None) -> None:
    if fd is not None:
        with contextlib.suppress(OSError):
            os.close(fd)


def _has_file(folder: Path, name: str) -> bool:
    """``folder`` holds a regular file ``name`` (not a link to one)."""
    try:
        return stat.S_ISREG((folder / name).lstat().st_mode)
    except OSError:
        return False


def written_by_us(folder: Path, kind: str) -> bool:
    """``folder``, named like a staging (``kind`` 'building') or a swapped-out output
    ('previous') folder, carries the marker itpm-site puts in such a folder: a folder that
    only has the name is someone else's."""
    if kind == "building" and _has_file(folder, STAGING_MARKER):
        return True
    return _has_file(folder, MARKER)


def _abandoned(folder: Path, pid: int) -> bool:
    """``folder`` was left by build ``pid``, which is no longer running."""
    if pid == os.getpid() or _pid_alive(pid) or not is_real_folder(folder):
        return False
    held = _lock(folder)
    if held is None and fcntl is not None:
        return False  # locked by a running build (or not ours to open)
    _unlock(held)
    return True


def clean_leftovers(output: Path) -> None:
    """Remove the staging folders of builds that did not finish (killed, or the machine went
    down), and put back the site of one stopped between the two renames of its swap.

    Only folders carrying itpm-site's marker (``written_by_us``) are touched: a folder that
    merely has a matching name, such as ``.public.building-99999`` made by hand, is left alone.
    """
    leftover = re.compile(rf"\.{re.escape(output.name)}\.(building|previous)-(\d+)")
    try:
        names = sorted(entry.name for entry in os.scandir(output.parent))
    except OSError:
        return
    for name in names:
        match = leftover.fullmatch(name)
        folder = output.parent / name
        if match is None or not written_by_us(folder, match[1]) or not _abandoned(folder, int(match[2])):
            continue
        if match[1] == "previous" and not output.exists() and (folder / MARKER).is_file():
            with contextlib.suppress(OSError):
                os.replace(folder, output)  # the last complete site
            continue
        shutil.rmtree(folder, ignore_errors=True)


# ------------------------------------------------------------------------------ reuse


@dataclass
class Reuse:
    """What a build may reuse instead of writing (see the module's doc)."""

    #: Files already in the staging folder (a former output), by path under it.
    present: dict[str, StoredFile] = field(default_factory=dict)
    #: The live output and its files, to hard-link identical pages from.
    output: Path | None = None
    linkable: dict[str, StoredFile] = field(default_factory=dict)


def _matches(path: Path, entry: StoredFile) -> bool:
    """``path`` is still the very file recorded (a file changed or replaced since is not)."""
    try:
        st = path.lstat()
    except OSError:
        return False
    return stat.S_ISREG(st.st_mode) and (st.st_size, st.st_mtime_ns, st.st_ino) == (
        entry.size,
        entry.mtime_ns,
        entry.inode,
    )


def _holds(path: Path, expected: str) -> bool:
    """``path`` is a regular file whose bytes have the digest ``expected``."""
    try:
        if not stat.S_ISREG(path.lstat().st_mode):
            return False
        return digest(path.read_bytes()) == expected
    except OSError:
        return False


def _clear(target: Path) -> None:
    """Make way for a new file at ``target`` without touching a file linked elsewhere."""
    try:
        st = target.lstat()
    except FileNotFoundError:
        return
    if stat.S_ISDIR(st.st_mode):
        shutil.rmtree(target)
    else:
        target.unlink()


def store(target: Path, rel: str, data: bytes, reuse: Reuse | None) -> StoredFile:
    """Put ``data`` at ``target`` in the staging folder: kept if already there, linked to the
    live output's identical file, or written."""
    hashed = digest(data)
    if reuse is not None:
        present = reuse.present.get(rel)
        if present is not None and present.digest == hashed and _matches(target, present):
            return present
        live = reuse.linkable.get(rel)
        if live is not None and live.digest == hashed and reuse.output is not None:
            source = reuse.output.joinpath(*rel.split("/"))
            if _matches(source, live):
                with contextlib.suppress(OSError):  # no hard links here (FAT, some shares)
                    _clear(target)
                    os.link(source, target)
                    return live
        # Never write through a file that may be hard-linked to the live output.
        _clear(target)
    with open(target, "wb", buffering=0) as f:  # unbuffered: fstat sees the final size, mtime
        view = memoryview(data)
        while view:
            view = view[f.write(view) :]
        st = os.fstat(f.fileno())
    return StoredFile(st.st_size, st.st_mtime_ns, st.st_ino, hashed)


def _load_record(path: Path, folder: Path) -> dict[str, StoredFile] | None:
    """The recorded files of ``folder`` (None if there is no record we trust)."""
    raw = read_file(path)
    if raw is None:
        return None
    try:
        data = json.loads(raw)
        if data.get("folder") != str(folder):
            return None
        return {
            rel: StoredFile(int(e[0]), int(e[1]), int(e[2]), str(e[3])) for rel, e in data["files"].items()
        }
    except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError):
        return None


def _save_record(path: Path, folder: Path, files: dict[str, StoredFile]) -> None:
    write_file(
        path, json.dumps({"folder": str(folder), "files": files}, separators=(",", ":")).encode("utf-8")
    )


def _discard(path: Path) -> None:
    """Remove a spare folder; if a link stands in its place, only the link."""
    if path.is_symlink():
        with contextlib.suppress(OSError):
            path.unlink()
    else:
        shutil.rmtree(path, ignore_errors=True)


def forget(cache: Path | None, output: Path) -> None:
    """Drop the record of ``output`` (about to be written without one): none of it may be
    reused later."""
    if cache is None:
        return
    record = cache / OUTPUT_RECORD
    if _load_record(record, output.resolve()) is not None:
        with contextlib.suppress(OSError):
            record.unlink(missing_ok=True)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _only_recorded(folder: Path, files: dict[str, StoredFile]) -> bool:
    """``folder`` holds nothing but regular files and folders its record lists (a spare with
    anything else, such as a file or a link added by hand to the output it once was, is not
    reused)."""
    folders = {""}
    for rel in files:
        parts = rel.split("/")
        folders.update("/".join(parts[:i]) for i in range(1, len(parts)))
    pending = [(str(folder), "")]
    while pending:
        path, prefix = pending.pop()
        with os.scandir(path) as entries:
            for entry in entries:
                rel = prefix + entry.name
                if entry.is_symlink():
                    return False
                if entry.is_dir():
                    if rel not in folders:
                        return False
                    pending.append((entry.path, rel + "/"))
                elif rel not in files:
                    return False
    return True


def _same_device(a: Path, b: Path) -> bool:
    try:
        return a.stat().st_dev == b.stat().st_dev
    except OSError:
        return False


def staging_path(staging: Path, rel: str, made: set[Path]) -> Path:
    """``rel``'s path under ``staging``, its folders made (``made`` remembers which)."""
    path = staging.joinpath(*rel.split("/"))
    parent = path.parent
    if parent not in made:
        try:
            parent.mkdir(parents=True, exist_ok=True)
        except (FileExistsError, NotADirectoryError):  # a file of a spare output is in the way
            for folder in (*reversed(parent.relative_to(staging).parents[:-1]), parent.relative_to(staging)):
                if (staging / folder).is_file():
                    (staging / folder).unlink()
            parent.mkdir(parents=True, exist_ok=True)
        made.add(parent)
    return path


# ------------------------------------------------------------------------------ the writer


def _remove_ours(folder: Path, kind: str) -> None:
    """Remove ``folder``, a staging or swapped-out folder named with this process's id, if a
    build killed earlier left it; refuse to go on if someone else's folder has that name."""
    if not os.path.lexists(folder):
        return
    if not is_real_folder(folder) or not written_by_us(folder, kind):
        raise OutputError(
            f"{folder} is in the way: itpm-site needs that name for the build, and the folder "
            "was not written by itpm-site (move it or rename it, then build again)"
        )
    shutil.rmtree(folder)


class SiteWriter:
    """Collects the files of one build in a staging folder, then swaps it in.

    ``cache`` (the portfolio's user-cache folder, for the records) turns on reuse; see the
    module's doc.
    """

    def __init__(self, root: Path, output: Path, cache: Path | None = None) -> None:
        check_output(root, output)
        self.output = output.resolve()
        self.staging = self.output.parent / f".{self.output.name}.building-{os.getpid()}"
        #: Every file stored so far: its path under the output and what it is.
        self.files: dict[str, StoredFile] = {}
        self.count = 0
        self._made: set[Path] = set()
        self._leftover: set[str] = set()  # files of the spare not (yet) part of this build
        self.cache = cache.resolve() if cache is not None else None
        self.spare = spare_path(self.output)
        clean_leftovers(self.output)
        # Left by a killed build of a process with the same id (or, unmarked, someone else's).
        _remove_ours(self.staging, "building")
        self.reuse = self._start() if self.cache is not None else None
        self.staging.mkdir(parents=True, exist_ok=True)
        if not _has_file(self.staging, STAGING_MARKER):
            (self.staging / STAGING_MARKER).write_bytes(STAGING_TEXT)
        # Until the swap: the folder of a running build is never taken for a leftover.
        self._held = _lock(self.staging)

    # -- reuse

    def _start(self) -> Reuse | None:
        cache = self.cache
        assert cache is not None
        try:
            cache.mkdir(parents=True, exist_ok=True)
            reuse = Reuse()
            live = _load_record(cache / OUTPUT_RECORD, self.output)
            if live is not None and (self.output / MARKER).is_file():
                reuse.output, reuse.linkable = self.output, live
            spare = self.spare
            present = _load_record(cache / SPARE_RECORD, spare)
            (cache / SPARE_RECORD).unlink(missing_ok=True)  # the spare is about to change
            ours = is_real_folder(spare) and _has_file(spare, SPARE_MARKER)
            if ours:
                (spare / SPARE_MARKER).unlink()
            if (
                present is None
                or not ours
                or not _same_device(spare, self.output.parent)
                or not _only_recorded(spare, present)
            ):
                if ours or spare.is_symlink():  # never a folder itpm-site did not put there
                    _discard(spare)
                return reuse
            # Marked before it takes the staging folder's name, so that a build killed right
            # after leaves a folder the next one recognises.
            (spare / STAGING_MARKER).write_bytes(STAGING_TEXT)
            os.replace(spare, self.staging)
        except OSError:  # a read-only or odd cache: build without reuse
            shutil.rmtree(self.staging, ignore_errors=True)
            return None
        reuse.present = present
        self._leftover = set(present)
        return reuse

    def _finish_staging(self) -> None:
        """Remove the spare's files that this build did not write, then emptied folders."""
        written = {rel.casefold(): rel for rel in self.files}
        emptied: set[Path] = set()
        for rel in sorted(self._leftover - self.files.keys()):
            path = self.staging.joinpath(*rel.split("/"))
            twin = written.get(rel.casefold())
            if twin is not None and _same_file(path, self.staging.joinpath(*twin.split("/"))):
                continue  # a case-insensitive disk: 'Logo.PNG' is now this build's 'logo.png'
            try:
                path.unlink()
            except (FileNotFoundError, NotADirectoryError, IsADirectoryError, PermissionError):
                continue  # gone, or now a folder (or under a file) of this build
            emptied.add(path.parent)
        for folder in sorted(emptied, key=lambda p: len(p.parts), reverse=True):
            while folder != self.staging and folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
                folder = folder.parent

    # -- writing

    def target(self, rel: str) -> Path:
        """Where ``rel`` goes in the staging folder (its parent folders made)."""
        return staging_path(self.staging, rel, self._made)

    def write(self, rel: str, data: bytes) -> None:
        self.record(rel, store(self.target(rel), rel, data, self.reuse))

    def carry(self, rel: str) -> bool:
        """Keep ``rel`` as the live output holds it (a page this build need not render):
        False, with nothing stored, unless the live output still holds the file its record
        lists — the very file, or one with the recorded bytes (an output restored from a CI
        cache has other inodes and times)."""
        reuse = self.reuse
        live = reuse.linkable.get(rel) if reuse is not None and reuse.output is not None else None
        if reuse is None or reuse.output is None or live is None:
            return False
        source = reuse.output.joinpath(*rel.split("/"))
        same = _matches(source, live)
        if not same and not _holds(source, live.digest):
            return False
        target = self.target(rel)
        present = reuse.present.get(rel)
        if present is not None and present.digest == live.digest and _matches(target, present):
            self.record(rel, present)
            return True
        try:
            _clear(target)
            os.link(source, target)
            st = target.lstat()
        except OSError:  # no hard links here (FAT, some shares): copy the bytes
            try:
                data = source.read_bytes()
            except OSError:
                return False
            if digest(data) != live.digest:
                return False
            self.write(rel, data)
            return True
        self.record(rel, live if same else StoredFile(st.st_size, st.st_mtime_ns, st.st_ino, live.digest))
        return True

    def discard(self, rel: str) -> None:
        """Take back ``rel``, stored earlier in this build: it is not part of the site after all."""
        if self.files.pop(rel, None) is not None:
            self.count -= 1
            with contextlib.suppress(OSError):
                self.staging.joinpath(*rel.split("/")).unlink()

    def record(self, rel: str, entry: StoredFile) -> None:
        """Note a file stored in the staging folder (by this process or a render worker)."""
        self.files[rel] = entry
        self.count += 1

    def commit(self) -> None:
        """Swap the staging folder in place of the previous output."""
        try:
            self._commit()
        finally:
            _unlock(self._held)
            self._held = None

    def _commit(self) -> None:
        self._finish_staging()
        _clear(self.staging / MARKER)
        (self.staging / MARKER).write_bytes(MARKER_TEXT)
        _clear(self.staging / STAGING_MARKER)  # the folder is now marked as an output
        previous = self.output.parent / f".{self.output.name}.previous-{os.getpid()}"
        _remove_ours(previous, "previous")  # left by a crashed build of a process with the same id
        if self.cache is not None:  # until the new record is saved, nothing may be trusted
            with contextlib.suppress(OSError):
                (self.cache / OUTPUT_RECORD).unlink(missing_ok=True)
        if self.output.exists():
            os.replace(self.output, previous)
        try:
            os.replace(self.staging, self.output)
        except OSError:
            if previous.exists():
                os.replace(previous, self.output)
            raise
        if self.cache is not None:
            self._keep(previous)
        if previous.exists():
            shutil.rmtree(previous, ignore_errors=True)

    def _keep(self, previous: Path) -> None:
        """Record the new output, and keep the one it replaced as the next build's spare."""
        cache = self.cache
        assert cache is not None and self.reuse is not None
        _save_record(cache / OUTPUT_RECORD, self.output, self.files)
        if self.reuse.output is None or not previous.is_dir():
            return  # the replaced output's files were not recorded: nothing to trust in it
        spare = self.spare
        if is_real_folder(spare) and not (spare / SPARE_MARKER).is_file():
            return  # not a folder itpm-site put there: left alone
        _discard(spare)
        try:
            os.replace(previous, spare)
            (spare / MARKER).unlink(missing_ok=True)  # a spare is not a site anyone should serve
            (spare / SPARE_MARKER).write_bytes(b"Kept by itpm-site for its next build.\n")
        except OSError:
            _discard(spare)
            return
        _save_record(cache / SPARE_RECORD, spare, self.reuse.linkable)

    def abort(self) -> None:
        _unlock(self._held)
        self._held = None
        shutil.rmtree(self.staging, ignore_errors=True)

    def __enter__(self) -> SiteWriter:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            self.abort()
