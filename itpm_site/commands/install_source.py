"""Which itpm-site the files ``init`` writes install: the one running now.

A new portfolio's workflow and pre-commit hook must install, on the day ``init`` runs and
after, the same itpm-site that wrote them. How this one was installed is in its metadata
(PEP 610 ``direct_url.json``):

- from an index (PyPI), no ``direct_url.json``: the pinned version;
- from a git URL: that URL at the commit that was installed;
- from a local checkout (``pip install -e .``): its ``origin`` remote at its ``HEAD`` commit;
- from a URL to an archive: that URL, with its hash when pip recorded one;
- anything else (a local wheel, a folder outside git): the pinned version, with a warning
  that says it may not be installable and what to write instead.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from itpm_site import __version__

PACKAGE = "itpm-site"
#: Where the warnings send the reader.
DOCS = "docs/pull-requests.md, 'Which itpm-site the workflow installs'"


@dataclass(frozen=True)
class InstallLine:
    """A pip requirement that installs this itpm-site, and what ``init`` should say about it."""

    requirement: str
    #: 'index', 'vcs', 'archive' or 'unknown'.
    source: str
    #: What to check or change ('' when there is nothing to say).
    warning: str = ""
    #: The warning is about a requirement that may not install at all.
    loud: bool = False


def running_distribution() -> importlib.metadata.Distribution | None:
    """The installed itpm-site: the distribution an installer recorded (a source tree's
    ``*.egg-info`` on ``sys.path`` comes first in a lookup, but records no installation)."""
    found = list(importlib.metadata.distributions(name=PACKAGE))
    installed = [
        d for d in found if d.read_text("INSTALLER") is not None or d.read_text("direct_url.json") is not None
    ]
    chosen = installed or found
    return chosen[0] if chosen else None


def install_line(dist: importlib.metadata.Distribution | None = None) -> InstallLine:
    """The requirement that reproduces ``dist`` (default: the running installation)."""
    dist = running_distribution() if dist is None else dist
    version = dist.version if dist is not None else __version__
    pinned = f"{PACKAGE}=={version}"
    raw = dist.read_text("direct_url.json") if dist is not None else None
    if dist is not None and raw is None:
        return InstallLine(pinned, "index")
    try:
        data = json.loads(raw) if raw else {}
    except ValueError:
        data = {}
    url = str(data.get("url", ""))
    vcs = data.get("vcs_info")
    if isinstance(vcs, dict) and vcs.get("vcs") == "git" and vcs.get("commit_id"):
        return _from_git(url, str(vcs["commit_id"]), version, f"git ({url})")
    archive = data.get("archive_info")
    if isinstance(archive, dict) and url.startswith(("https://", "http://")):
        return _from_archive(url, archive, version)
    if isinstance(data.get("dir_info"), dict) and url.startswith("file:"):
        folder = Path(urllib.request.url2pathname(urllib.parse.urlsplit(url).path))
        found = _checkout(folder)
        if found is not None:
            remote, commit, dirty = found
            where = f"the local checkout {folder}"
            line = _from_git(remote, commit, version, where)
            if dirty:
                note = " Its uncommitted changes are not in that commit: commit and push them first."
                line = InstallLine(line.requirement, line.source, line.warning + note)
            return line
    where = url or "an installation without metadata"
    return InstallLine(pinned, "unknown", _unknown(version, where), loud=True)


def _from_git(url: str, commit: str, version: str, where: str) -> InstallLine:
    requirement = f"{PACKAGE} @ git+{url}@{commit}"
    return InstallLine(
        requirement,
        "vcs",
        f"itpm-site {version} runs from {where}: the workflow and the pre-commit hook install "
        f"the same commit ({commit[:12]}) from {url}. Once itpm-site {version} is on PyPI, you "
        f"may change ITPM_SITE in .github/workflows/portfolio.yml and additional_dependencies "
        f"in .pre-commit-config.yaml to '{PACKAGE}=={version}' (see {DOCS}).",
    )


def _from_archive(url: str, archive: dict, version: str) -> InstallLine:
    hashes = archive.get("hashes")
    digest = ""
    if isinstance(hashes, dict) and isinstance(hashes.get("sha256"), str):
        digest = f"sha256={hashes['sha256']}"
    elif isinstance(archive.get("hash"), str):  # the older, single 'hash' of PEP 610
        digest = archive["hash"].replace(":", "=", 1)
    clean = url.split("#", 1)[0]
    requirement = f"{PACKAGE} @ {clean}#{digest}" if digest else f"{PACKAGE} @ {clean}"
    check = "" if digest else " pip recorded no hash for it: add '#sha256=…' to pin its content."
    return InstallLine(
        requirement,
        "archive",
        f"itpm-site {version} was installed from {clean}: the workflow installs the same file "
        f"from there.{check} See {DOCS}.",
    )


def _unknown(version: str, where: str) -> str:
    return (
        f"itpm-site {version} runs from {where}, which a workflow cannot install from. The "
        f"workflow and the pre-commit hook install '{PACKAGE}=={version}' from PyPI: that fails "
        f"until version {version} is published there, and would install whatever is published "
        f"under that name. Fix: set ITPM_SITE in .github/workflows/portfolio.yml and "
        f"additional_dependencies in .pre-commit-config.yaml to a released version, or to a git "
        f"URL at a commit, e.g. '{PACKAGE} @ git+https://github.com/OWNER/itpm-site@COMMIT' "
        f"(see {DOCS})."
    )


_SCP_LIKE = re.compile(r"^(?:[\w.-]+@)?(?P<host>[\w.-]+):(?P<path>(?!//)[^\\]+)$")


def _checkout(folder: Path) -> tuple[str, str, bool] | None:
    """(origin's URL as pip takes it, the HEAD commit, whether files differ from it) of the
    git checkout at ``folder``; None when it is not one or has no usable remote."""
    git = shutil.which("git")
    if git is None or not folder.is_dir():
        return None
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0"}

    def run(*args: str) -> str | None:
        done = subprocess.run(
            [git, "-C", str(folder), *args], capture_output=True, text=True, env=env, check=False
        )
        return done.stdout.strip() if done.returncode == 0 else None

    remote = run("remote", "get-url", "origin")
    commit = run("rev-parse", "--verify", "HEAD")
    if not remote or not commit:
        return None
    status = run("status", "--porcelain", "--untracked-files=no")
    url = _pip_git_url(remote)
    if url is None:
        return None
    return url, commit, bool(status)


def _pip_git_url(remote: str) -> str | None:
    """A remote as a URL pip can fetch in CI: https as it is, an scp-like SSH address
    (git@github.com:acme/itpm-site.git) as https (a runner has no SSH key); a local path
    cannot be fetched there."""
    if remote.startswith(("https://", "http://")):
        return remote
    if remote.startswith("ssh://"):
        parts = urllib.parse.urlsplit(remote)
        return f"https://{parts.hostname}{parts.path}" if parts.hostname else None
    scp = _SCP_LIKE.match(remote)
    if scp and "/" in scp["path"] and not remote.startswith(("/", ".", "file:")):
        return f"https://{scp['host']}/{scp['path'].lstrip('/')}"
    return None
