"""Compiled templates kept between builds, in the portfolio's user-cache folder."""

from __future__ import annotations

import contextlib
from pathlib import Path

import jinja2
from jinja2.bccache import Bucket

from itpm_site.cache.folder import private_folder


def template_cache(cache_dir: Path) -> jinja2.BytecodeCache | None:
    """Jinja's compiled templates kept in ``cache_dir``/templates (Jinja checks each against
    its source); None where the folder cannot be made, which only costs speed."""
    folder = cache_dir / "templates"
    return TemplateCache(str(folder)) if private_folder(folder) else None


class TemplateCache(jinja2.FileSystemBytecodeCache):
    """Jinja's own file cache (temporary file, then ``os.replace``), except that failing to
    keep a compiled template (a full disk) only costs speed next time."""

    def dump_bytecode(self, bucket: Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)
