"""A portfolio as it was at a git revision, read from git objects.

Nothing here touches the working tree or the index: ``git ls-tree`` lists a commit's files and
one ``git cat-file --batch`` process reads all of them, so comparing two revisions is as fast
as reading the files from disk and works in a checkout of any branch. The portfolio may be a
sub-folder of the repository (``--root``).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from itpm_site.load.loader import (
    CONTENT_DIR,
    SITE_FILE,
    DiskSources,
    LoadedFile,
    load_file,
    load_sources,
    section_of,
)
from itpm_site.load.result import LoadResult

_ENV = {"LC_ALL": "C", "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0"}


class GitError(Exception):
    """git is missing, the folder is not in a repository, or a revision does not exist.

    A usage error (exit 2), not a content error.
    """


@dataclass(frozen=True)
class Repository:
    """The git work tree that holds a portfolio, and where the portfolio sits in it."""

    top: Path
    #: The portfolio folder relative to ``top``, with a trailing '/' ('' at the top).
    prefix: str
    shallow: bool

    @classmethod
    def find(cls, root: Path) -> Repository:
        """The repository that contains ``root``."""
        if not root.is_dir():
            raise GitError(f"{root} is not a folder")
        out = _git(
            root,
            "rev-parse",
            "--show-toplevel",
            "--show-prefix",
            "--is-shallow-repository",
            what=f"{root} is not inside a git repository",
        )
        top, prefix, shallow = [*out.decode("utf-8", "surrogateescape").split("\n"), "", ""][:3]
        return cls(Path(top), prefix, shallow.strip() == "true")

    def git(self, *args: str, what: str = "", stdin: bytes | None = None) -> bytes:
        return _git(self.top, *args, what=what, stdin=stdin)

    def resolve(self, revision: str) -> str:
        """The commit id a revision names; a clear error when it is unknown or not fetched."""
        if not revision or revision.startswith("-"):
            raise GitError(f"'{revision}' is not a revision")
        try:
            out = self.git("rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}")
        except GitError:
            out = b""
        commit = out.decode().strip()
        if not commit:
            hint = (
                "this is a shallow clone: fetch more history (git fetch --unshallow, or "
                "'fetch-depth: 0' in actions/checkout)"
                if self.shallow
                else "check the name, or fetch it first (git fetch origin <branch>)"
            )
            raise GitError(f"unknown revision '{revision}': no such commit in {self.top}; {hint}")
        return commit

    def portfolio_files(self, commit: str) -> dict[str, bytes]:
        """``{path relative to the portfolio: bytes}`` of site.yaml and the content files."""
        listing = self.git(
            "--literal-pathspecs",
            "ls-tree",
            "-r",
            "-z",
            "--full-tree",
            commit,
            "--",
            f"{self.prefix}{CONTENT_DIR}",
            f"{self.prefix}{SITE_FILE}",
            what=f"cannot list the files of {commit}",
        )
        wanted: dict[str, str] = {}  # rel -> blob id
        for record in listing.split(b"\0"):
            if not record:
                continue
            meta, _, raw_path = record.partition(b"\t")
            mode, kind, blob = meta.decode().split()
            path = os.fsdecode(raw_path)
            if kind != "blob" or mode == "120000" or not path.startswith(self.prefix):
                continue  # submodules and symbolic links are not content
            rel = path[len(self.prefix) :]
            if rel == SITE_FILE or section_of(rel) is not None:
                wanted[rel] = blob
        return dict(zip(wanted, self.blobs(list(wanted.values())), strict=True))

    def blobs(self, ids: list[str]) -> list[bytes]:
        """The contents of the blobs, through one ``git cat-file --batch``."""
        if not ids:
            return []
        unique = list(dict.fromkeys(ids))
        data = self.git(
            "cat-file",
            "--batch",
            stdin="".join(f"{i}\n" for i in unique).encode(),
            what="cannot read files from git",
        )
        found: dict[str, bytes] = {}
        pos = 0
        for blob in unique:
            end = data.index(b"\n", pos)
            header = data[pos:end].decode().split()
            if len(header) != 3:
                raise GitError(f"cannot read {blob} from git: {' '.join(header)}")
            size = int(header[2])
            found[blob] = data[end + 1 : end + 1 + size]
            pos = end + 1 + size + 1  # content, then a newline
        return [found[i] for i in ids]

    def reader(self) -> ObjectReader:
        """Objects read one at a time (``with repo.reader() as read: read(id, limit)``)."""
        return ObjectReader(self.top)

    def has_portfolio(self, commit: str) -> bool:
        out = self.git(
            "--literal-pathspecs",
            "ls-tree",
            "--full-tree",
            "--name-only",
            commit,
            "--",
            f"{self.prefix}{CONTENT_DIR}",
        )
        return bool(out.strip())

    def renames(self, base: str, head: str | None) -> dict[str, str]:
        """Files git sees as renamed between ``base`` and ``head`` (None: the working tree),
        as ``{old path: new path}`` relative to the portfolio."""
        revs = [base] if head is None else [base, head]
        out = self.git(
            "--literal-pathspecs",
            "diff",
            "--find-renames",
            "--name-status",
            "-z",
            "--no-ext-diff",
            *revs,
            "--",
            f"{self.prefix}{CONTENT_DIR}",
            what="cannot compare the revisions",
        )
        fields = [os.fsdecode(f) for f in out.split(b"\0")]
        found: dict[str, str] = {}
        i = 0
        while i < len(fields) and fields[i]:
            status = fields[i]
            if status.startswith(("R", "C")):
                old, new = fields[i + 1], fields[i + 2]
                if status.startswith("R") and old.startswith(self.prefix) and new.startswith(self.prefix):
                    found[old[len(self.prefix) :]] = new[len(self.prefix) :]
                i += 3
            else:
                i += 2
        return found


class ObjectReader:
    """Reads objects one at a time, each asked for when the last one has been used: memory
    holds one object, never a whole history. An object's size is asked first (``cat-file
    --batch-check``), and one over the caller's limit is never read at all, by git either
    (inflating a 47 MB blob would take git that much memory).

    Without ``--buffer``, cat-file answers each request as soon as it is written, so asking
    and reading in turn cannot block.
    """

    def __init__(self, top: Path) -> None:
        self.top = top
        self._procs: dict[str, subprocess.Popen[bytes]] = {}

    def __enter__(self) -> ObjectReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _ask(self, mode: str, object_id: str) -> tuple[subprocess.Popen[bytes], int]:
        """Send ``object_id`` to the ``cat-file --<mode>`` process; the size in its answer."""
        proc = self._procs.get(mode)
        if proc is None:
            try:
                proc = self._procs[mode] = subprocess.Popen(
                    ["git", "-C", str(self.top), "cat-file", f"--{mode}"],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                    env={**os.environ, **_ENV},
                )
            except FileNotFoundError:
                raise GitError("git is not installed (or not on PATH)") from None
        assert proc.stdin is not None and proc.stdout is not None
        try:
            proc.stdin.write(f"{object_id}\n".encode("ascii"))
            proc.stdin.flush()
        except (BrokenPipeError, UnicodeEncodeError):
            raise GitError(f"cannot read {object_id!r} from git") from None
        header = proc.stdout.readline().split()
        if len(header) != 3 or not header[2].isdigit():
            shown = b" ".join(header).decode("ascii", "replace")
            raise GitError(f"cannot read {object_id} from git: {shown or 'no answer'}")
        return proc, int(header[2])

    def __call__(self, object_id: str, limit: int) -> tuple[bytes | None, int]:
        """(the object's content, its size); the content is None when the size is over
        ``limit`` bytes."""
        _, size = self._ask("batch-check", object_id)
        if size > limit:
            return None, size
        proc, size = self._ask("batch", object_id)
        assert proc.stdout is not None
        data = proc.stdout.read(size)
        if len(data) != size or proc.stdout.read(1) != b"\n":
            raise GitError(f"cannot read {object_id} from git: the output ended early")
        return data, size

    def close(self) -> None:
        procs, self._procs = self._procs, {}
        for proc in procs.values():
            assert proc.stdin is not None and proc.stdout is not None
            proc.stdin.close()
            proc.stdout.close()
            proc.wait()


class SnapshotLoader:
    """Loads several versions of one portfolio, parsing each distinct file only once.

    Between two revisions most files are byte-for-byte the same: their validated entry is
    reused (a file's entry depends on its path and bytes only; the whole-portfolio rules
    still run on each version).
    """

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self._parsed: dict[tuple[str, str, bytes], LoadedFile] = {}

    def load(self, sources: Mapping[str, bytes]) -> LoadResult:
        return load_sources(self.root, sources, self._reader(sources))

    def load_commit(self, repo: Repository, commit: str) -> LoadResult:
        """The portfolio as it was at ``commit`` (files from git objects)."""
        return self.load(repo.portfolio_files(commit))

    def load_working_tree(self) -> LoadResult:
        """The portfolio as it is on disk, exactly as ``load_portfolio`` finds it."""
        return self.load(DiskSources(self.root))

    def _reader(self, sources: Mapping[str, bytes]) -> Callable[[str, str], LoadedFile]:
        def read_file(rel: str, section: str) -> LoadedFile:
            try:
                data = sources[rel]
            except OSError:  # unreadable: let the loader report it
                return load_file(self.root, rel, section, lambda: sources[rel])
            key = (rel, section, data)
            if key not in self._parsed:
                self._parsed[key] = load_file(self.root, rel, section, lambda: data)
            return self._parsed[key]

        return read_file


def _git(cwd: Path, *args: str, what: str = "", stdin: bytes | None = None) -> bytes:
    env = {**os.environ, **_ENV}
    try:
        done = subprocess.run(
            ["git", "-C", str(cwd), *args], input=stdin, capture_output=True, env=env, check=False
        )
    except FileNotFoundError:
        raise GitError("git is not installed (or not on PATH)") from None
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        message = what or f"git {args[0]} failed"
        raise GitError(f"{message}: {detail[-1]}" if detail else message)
    return done.stdout
