"""Stage 5: write the site atomically.

Everything goes into a fresh folder beside the output; only when every file is written is the
previous output swapped out. A failed or interrupted build leaves the previous site untouched,
and nothing but a folder that itpm-site itself wrote is ever deleted.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

#: Present in every output folder itpm-site writes; nothing else is ever replaced.
MARKER = ".itpm-site-output"
MARKER_TEXT = b"Written by itpm-site. This whole folder is replaced on every build.\n"


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
            "(choose another --output, or empty the folder)")


class SiteWriter:
    """Collects the files of one build in a staging folder, then swaps it in."""

    def __init__(self, root: Path, output: Path) -> None:
        check_output(root, output)
        self.output = output.resolve()
        self.staging = self.output.parent / f".{self.output.name}.building-{os.getpid()}"
        self._made: set[Path] = set()
        if self.staging.exists():
            shutil.rmtree(self.staging)
        self.staging.mkdir(parents=True)
        self.count = 0

    def _target(self, rel: str) -> Path:
        path = self.staging.joinpath(*rel.split("/"))
        parent = path.parent
        if parent not in self._made:
            parent.mkdir(parents=True, exist_ok=True)
            self._made.add(parent)
        return path

    def write(self, rel: str, data: bytes) -> None:
        self._target(rel).write_bytes(data)
        self.count += 1

    def copy(self, rel: str, source: Path) -> None:
        shutil.copyfile(source, self._target(rel))
        self.count += 1

    def commit(self) -> None:
        """Swap the staging folder in place of the previous output."""
        (self.staging / MARKER).write_bytes(MARKER_TEXT)
        previous = self.output.parent / f".{self.output.name}.previous-{os.getpid()}"
        if self.output.exists():
            os.replace(self.output, previous)
        try:
            os.replace(self.staging, self.output)
        except OSError:
            if previous.exists():
                os.replace(previous, self.output)
            raise
        if previous.exists():
            shutil.rmtree(previous, ignore_errors=True)

    def abort(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)

    def __enter__(self) -> SiteWriter:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            self.abort()
