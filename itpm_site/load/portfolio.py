"""Loading the portfolio on disk, with each content file's result kept between builds.

``load_portfolio`` reads every file and loads it with ``load_file``. With a cache folder
(``build``), a content file whose bytes are those of the last build is not loaded again: its
result is read back from the load cache (``cache.loaded``), and what is loaded is kept there
for the next build. The result is the same either way, file for file and diagnostic for
diagnostic.
"""

from __future__ import annotations

import pickle
from pathlib import Path

from itpm_site.cache.digest import digest
from itpm_site.cache.loaded import PICKLE, LoadCache
from itpm_site.load.loader import (
    THEMES_DIR,
    DiskSources,
    LoadedFile,
    has_people_folder,
    load_file,
    load_sources,
)
from itpm_site.load.result import LoadResult


def load_portfolio(root: Path, cache: Path | None = None) -> LoadResult:
    """Load every file of the portfolio at ``root``: one pass, every problem reported
    (``cache``: the portfolio's cache folder, to read back, and keep, the results of files
    unchanged between builds)."""
    root = root.resolve()
    sources = DiskSources(root)
    folder = cache
    if folder is None:
        return load_sources(root, sources, themes=root / THEMES_DIR, people_folder=has_people_folder(root))
    store = LoadCache(folder, root)
    writer = store.writer()
    digests: dict[str, str] = {}

    def read_file(rel: str, section: str) -> LoadedFile:
        # Called for every content file, in the order they are loaded (the cache's order).
        try:
            data = sources[rel]
        except OSError:  # load_file reads it again, to report why it cannot be read
            return load_file(root, rel, section, lambda: sources[rel])
        file_digest = digest(data)
        digests[rel] = file_digest
        blob = store.get(rel, file_digest)
        if blob is not None:
            try:
                kept: LoadedFile = pickle.loads(blob)
            except Exception:  # kept by a library the fingerprint does not name: load it
                pass
            else:
                if writer is not None:
                    writer.add(rel, file_digest, blob, fresh=False)
                return kept
        result = load_file(root, rel, section, lambda: data)
        if writer is not None:
            writer.add(rel, file_digest, pickle.dumps(result, PICKLE), fresh=True)
        return result

    try:
        loaded = load_sources(root, sources, read_file, root / THEMES_DIR, has_people_folder(root))
        if writer is not None:
            writer.finish()
    except BaseException:
        if writer is not None:
            writer.abort()
        raise
    finally:
        store.close()  # the kept results are not needed for the rest of the build
    loaded.digests = digests
    return loaded
