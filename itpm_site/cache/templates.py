"""Compiled templates: remembered for the rest of the process, and kept between builds in the
portfolio's user-cache folder."""

from __future__ import annotations

import contextlib
from pathlib import Path
from types import CodeType

import jinja2
from jinja2.bccache import Bucket

from itpm_site.cache.folder import private_folder

#: Templates this process compiled or read, by Jinja's key (template name and file) and the
#: checksum of their source: a process that builds again (serve after each save, a program or
#: a test run that builds many sites) neither compiles nor reads them again. A changed template
#: has another checksum. Bounded: a theme being edited adds an entry per version of a template.
_COMPILED: dict[tuple[str, str], CodeType] = {}
_COMPILED_LIMIT = 1024


def template_cache(cache_dir: Path | None) -> jinja2.BytecodeCache:
    """The templates this process compiled, and those kept in ``cache_dir``/templates (Jinja
    checks each against its source) where there is a cache folder and it can be made: without
    one, only speed is lost."""
    folder = cache_dir / "templates" if cache_dir is not None else None
    if folder is not None and private_folder(folder):
        return TemplateCache(str(folder))
    return RememberedTemplates()


class RememberedTemplates(jinja2.BytecodeCache):
    """The templates this process compiled; nothing on disk (no cache folder, or ``--no-cache``)."""

    def load_bytecode(self, bucket: Bucket) -> None:
        _recall(bucket)

    def dump_bytecode(self, bucket: Bucket) -> None:
        _remember(bucket)


class TemplateCache(jinja2.FileSystemBytecodeCache):
    """Jinja's own file cache (temporary file, then ``os.replace``) behind the process's memory,
    except that failing to keep a compiled template (a full disk) only costs speed next time."""

    def load_bytecode(self, bucket: Bucket) -> None:
        if not _recall(bucket):
            super().load_bytecode(bucket)
            _remember(bucket)

    def dump_bytecode(self, bucket: Bucket) -> None:
        _remember(bucket)
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def _recall(bucket: Bucket) -> bool:
    kept = _COMPILED.get((bucket.key, bucket.checksum))
    if kept is not None:
        bucket.code = kept
    return kept is not None


def _remember(bucket: Bucket) -> None:
    if bucket.code is None:
        return
    if len(_COMPILED) >= _COMPILED_LIMIT:
        _COMPILED.clear()
    _COMPILED[(bucket.key, bucket.checksum)] = bucket.code
