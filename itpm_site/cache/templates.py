"""Compiled templates kept between builds, in the portfolio's user-cache folder, and in memory
for the rest of the process."""

from __future__ import annotations

import contextlib
from pathlib import Path
from types import CodeType

import jinja2
from jinja2.bccache import Bucket

from itpm_site.cache.folder import private_folder

#: Templates this process compiled or read, by Jinja's key (template name and file) and the
#: checksum of their source: a process that builds again (serve after each save, a program or
#: a test run that builds many sites) neither compiles nor reads them again. Bounded: a theme
#: being edited adds one entry per version of each edited template.
_COMPILED: dict[tuple[str, str], CodeType] = {}
_COMPILED_LIMIT = 1024


def template_cache(cache_dir: Path) -> jinja2.BytecodeCache | None:
    """Jinja's compiled templates kept in ``cache_dir``/templates (Jinja checks each against
    its source); None where the folder cannot be made, which only costs speed."""
    folder = cache_dir / "templates"
    return TemplateCache(str(folder)) if private_folder(folder) else None


class TemplateCache(jinja2.FileSystemBytecodeCache):
    """Jinja's own file cache (temporary file, then ``os.replace``), except that failing to
    keep a compiled template (a full disk) only costs speed next time."""

    def load_bytecode(self, bucket: Bucket) -> None:
        kept = _COMPILED.get((bucket.key, bucket.checksum))
        if kept is not None:
            bucket.code = kept
            return
        super().load_bytecode(bucket)
        if bucket.code is not None:
            _remember(bucket)

    def dump_bytecode(self, bucket: Bucket) -> None:
        _remember(bucket)
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def _remember(bucket: Bucket) -> None:
    if len(_COMPILED) >= _COMPILED_LIMIT:
        _COMPILED.clear()
    if bucket.code is not None:
        _COMPILED[(bucket.key, bucket.checksum)] = bucket.code
