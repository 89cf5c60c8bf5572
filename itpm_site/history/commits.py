"""The commits that changed the portfolio, oldest first, with the files each one changed.

One ``git log`` over the first-parent line of HEAD: a merged pull request counts once, at the
time it was merged, as the change it made to the main line. ``--raw`` gives each changed
file's new blob id, so the portfolio at every commit is known without listing its tree, and
``-M`` follows renamed files.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

from itpm_site.load.git import GitError, Repository
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


def read_commits(repo: Repository, head: str) -> list[Commit]:
    """The first-parent commits of ``head`` (a commit id) that changed projects or site.yaml,
    oldest first."""
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
        "--reverse",
        "--format=%x01%H%x02%ct%x02%aN",
        head,
        "--",
        f"{repo.prefix}{PROJECTS_DIR}",
        f"{repo.prefix}{SITE_FILE}",
        what="cannot read the history",
    )
    return [_commit(chunk, repo.prefix) for chunk in out.split(b"\x01") if chunk.strip()]


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


def _commit(chunk: bytes, prefix: str) -> Commit:
    header, _, raw = chunk.partition(b"\0")
    commit_id, seconds, author = header.decode("utf-8", "replace").split("\x02", 2)
    fields = raw.lstrip(b"\n").split(b"\0")
    files: list[FileChange] = []
    i = 0
    while i < len(fields) and fields[i].startswith(b":"):
        meta = fields[i].decode().split()
        new_mode, blob, status = meta[1], meta[3], meta[4][0]
        paths = [os.fsdecode(fields[i + 1])]
        if status in "RC":
            paths.append(os.fsdecode(fields[i + 2]))
        i += 1 + len(paths)
        if new_mode in ("120000", "160000") or not all(p.startswith(prefix) for p in paths):
            continue  # links and submodules are not content
        rel = [p[len(prefix) :] for p in paths]
        if status == "R":
            files.append(FileChange("R", rel[1], blob, rel[0]))
        elif status == "C":
            files.append(FileChange("A", rel[1], blob))
        elif status == "D" or blob == _NO_BLOB:
            files.append(FileChange("D", rel[0], ""))
        else:  # A, M, T (a type change)
            files.append(FileChange("A" if status == "A" else "M", rel[0], blob))
    when = dt.datetime.fromtimestamp(int(seconds), tz=dt.UTC)
    return Commit(commit_id, when, author, tuple(files))
