"""Compiled templates kept between builds, each file sealed."""

from __future__ import annotations

import io
from pathlib import Path

import jinja2
from jinja2.bccache import Bucket

from itpm_site.cache.seal import is_real_folder, read_sealed, write_sealed


def template_cache(cache_dir: Path) -> jinja2.BytecodeCache | None:
    """Compiled templates kept in ROOT/.itpm-cache/templates (Jinja checks each against its
    source); None where the folder cannot be made, which only costs speed."""
    folder = cache_dir / "templates"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return SealedBytecodeCache(str(folder)) if is_real_folder(folder) else None


class SealedBytecodeCache(jinja2.FileSystemBytecodeCache):
    """Jinja's compiled templates, each file sealed (see ``cache_seal``): compiled code runs
    as it is, so only code this user's itpm-site compiled is ever loaded."""

    def load_bytecode(self, bucket: Bucket) -> None:
        data = read_sealed(Path(self._get_cache_filename(bucket)))
        if data is not None:
            bucket.load_bytecode(io.BytesIO(data))

    def dump_bytecode(self, bucket: Bucket) -> None:
        out = io.BytesIO()
        bucket.write_bytecode(out)
        write_sealed(Path(self._get_cache_filename(bucket)), out.getvalue())
