"""The commits that changed the portfolio, oldest first, with the files each one changed.

One ``git log`` over the first-parent line of HEAD: a merged pull request counts once, at the
time it was merged, as the change it made to the main line. ``--raw`` gives each changed
file's new blob id, so the portfolio at every commit is known without listing its tree, and
``-M`` follows renamed files.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass

from itpm_site.load.git import GitError, ObjectReader, Repository
from itpm_site.load.loader import CONTENT_DIR, SITE_FILE

#: What history reads: the project files and the site settings.
PROJECTS_DIR = f"{CONTENT_DIR}/projects"
_NO_BLOB = "0" * 40


@dataclass(frozen=True)
class FileChange:
    """One file a commit changed. ``status``: A (added), M (modified), D (deleted) or R
    (renamed, ``old_path`` → ``path``). ``blob``: the new content's id ('' when deleted)."""

    status: str
    path: str
    blob: str
    old_path: str = ""


@dataclass(frozen=True)
class Commit:
    id: str
    time: dt.datetime  # the committer's time, in UTC: when the change reached the main line
    author: str
    files: tuple[FileChange, ...]


def read_commits(repo: Repository, head: str) -> tuple[list[Commit], list[str]]:
    """The first-parent commits of ``head`` (a commit id) that changed projects or site.yaml,
    oldest first, and a warning for each record of git's output that could not be read.

    Commit metadata is untrusted: git accepts any byte but NUL and a line break in a name,
    so no name or message is ever part of the output parsed here. ``git log -z`` gives only
    what git itself writes (the id, the time as a number, and the changed files, each a
    NUL-terminated field, as many as its status says); the author is read from the commit
    object, whose header has a known length.
    """
    out = repo.git(
        "--literal-pathspecs",
        "log",
        "--first-parent",
        "--diff-merges=first-parent",
        "--raw",
        "-z",
        "--no-abbrev",
        "--find-renames",
        "--no-ext-diff",
        "--no-show-signature",
        "--reverse",
        "--format=%H %ct",
        head,
        "--",
        f"{repo.prefix}{PROJECTS_DIR}",
        f"{repo.prefix}{SITE_FILE}",
        what="cannot read the history",
    )
    records, warnings = _records(out.split(b"\0"), repo.prefix)
    with repo.reader() as read:
        commits = [Commit(i, when, _author(read, i), tuple(files)) for i, when, files in records]
    return commits, warnings


#: A record's header: what ``--format=%H %ct`` writes (a SHA-1 or SHA-256 id, seconds).
_HEADER = re.compile(rb"([0-9a-f]{40}|[0-9a-f]{64}) (-?[0-9]{1,20})")
#: Times a commit may have. The trends have a figure for every week from the first commit to
#: the last, so one commit dated in the year 9000 would make 366,000 weeks of them.
_EARLIEST = 0
_LATEST = int(dt.datetime(2100, 1, 1, tzinfo=dt.UTC).timestamp())
#: A commit object larger than this is not read for its author (a name is in its header).
_MAX_COMMIT_BYTES = 1 << 20
#: Characters of an author's name kept.
MAX_NAME = 200

Record = tuple[str, dt.datetime, list[FileChange]]


def _records(fields: list[bytes], prefix: str) -> tuple[list[Record], list[str]]:
    records: list[Record] = []
    warnings: list[str] = []
    current: Record | None = None  # the record whose files come next; None: skip them
    i = 0
    while i < len(fields):
        field = fields[i].lstrip(b"\n")
        if field.startswith(b":"):
            meta = field.decode("ascii", "replace").split()
            count = 2 if len(meta) == 5 and meta[4][:1] in ("R", "C") else 1
            paths = [os.fsdecode(f) for f in fields[i + 1 : i + 1 + count]]
            i += 1 + count
            change = _file_change(meta, paths, prefix) if len(paths) == count else None
            if current is not None and change is not None:
                current[2].append(change)
            continue
        i += 1
        if not field:
            continue
        header = _HEADER.fullmatch(field)
        seconds = int(header[2]) if header else None
        if header is None or seconds is None or not _EARLIEST <= seconds <= _LATEST:
            current = None
            shown = field[:60].decode("ascii", "replace").encode("unicode_escape").decode("ascii")
            warnings.append(
                f"a commit of the history, described by git as '{shown}', is not an id and a time "
                "git writes; it is left out"
            )
            continue
        current = (header[1].decode("ascii"), dt.datetime.fromtimestamp(seconds, tz=dt.UTC), [])
        records.append(current)
    return records, warnings


def _file_change(meta: list[str], paths: list[str], prefix: str) -> FileChange | None:
    """One line of ``--raw``: ':old-mode new-mode old-blob new-blob status', then the paths."""
    if len(meta) != 5 or not meta[4]:
        return None
    new_mode, blob, status = meta[1], meta[3], meta[4][0]
    if new_mode in ("120000", "160000") or not all(p.startswith(prefix) for p in paths):
        return None  # links and submodules are not content
    rel = [p[len(prefix) :] for p in paths]
    if status == "R":
        return FileChange("R", rel[1], blob, rel[0])
    if status == "C":
        return FileChange("A", rel[1], blob)
    if status == "D" or blob == _NO_BLOB:
        return FileChange("D", rel[0], "")
    return FileChange("A" if status == "A" else "M", rel[0], blob)  # A, M, T (a type change)


def _author(read: ObjectReader, commit_id: str) -> str:
    """The author's name as committed (``.mailmap`` is not applied), as a name any page,
    feed or JSON can hold."""
    data, _ = read(commit_id, _MAX_COMMIT_BYTES)
    header = (data or b"").partition(b"\n\n")[0]
    for line in header.split(b"\n"):
        if line.startswith(b"author "):
            name = line[len(b"author ") :].partition(b"<")[0]
            return clean_text(name.decode("utf-8", "replace"), MAX_NAME)
    return ""


#: What no page, XML feed or JSON file may hold: control characters (C0 but none kept, DEL,
#: C1), lone surrogates, and Unicode's noncharacters (U+FDD0-U+FDEF, U+xFFFE and U+xFFFF),
#: which XML 1.0 and HTML refuse.
_UNFIT = re.compile(
    "[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef"
    + "".join(f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(17))
    + "]"
)


def clean_text(text: str, limit: int) -> str:
    """Untrusted text made fit for any output: unfit characters removed, spaces collapsed,
    at most ``limit`` characters."""
    text = " ".join(_UNFIT.sub("", text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def head_commit(repo: Repository) -> str:
    """The commit HEAD names; '' in a repository without commits yet."""
    if not _has_commit(repo, "HEAD"):
        return ""
    return repo.git("rev-parse", "--verify", "HEAD^{commit}").decode().strip()


def _has_commit(repo: Repository, revision: str) -> bool:
    try:
        repo.git("rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    except GitError:
        return False
    return True
