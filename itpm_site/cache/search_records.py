"""Indexed search records kept between builds (``search.marshal`` in the portfolio's
user-cache folder, see ``folder``).

Indexing a record (its words counted, its fragment compressed) is most of the search index's
CPU; a record whose content is that of the last build is taken from here instead. Each record
is kept under a digest of the site's language and everything it is made of
(``SearchRecord.key``): the language is in the digest although today's indexing reads it only
through the record's words, so that indexing by language later cannot read a record indexed
for another. Everything else an indexed record depends on is the indexing code, Python's
Unicode tables and marshal's format: the file carries them as its version, and any of them
changing starts afresh.

Records are kept packed (``pack``), one marshalled blob each, and unpacked only when used: a
build that takes a record from here never copies its word counts until the index is made,
and a render worker sends back a blob, not a tree of objects to pickle.

marshal, not pickle or JSON: fast to read, and only ever read from the user's own cache folder
(marshal is not for data from others). A missing, damaged or foreign file only costs time.
"""

from __future__ import annotations

import marshal
import sys
import unicodedata
from functools import lru_cache
from pathlib import Path

from itpm_site.cache.digest import digest
from itpm_site.cache.folder import private_folder, read_file, write_file
from itpm_site.model import slugs
from itpm_site.outputs import search_index
from itpm_site.outputs.search_index import IndexedRecord, SearchRecord

FILE = "search.marshal"


@lru_cache(maxsize=1)
def version() -> str:
    """What every kept record depends on besides its content: the code that indexes it
    (``search_index``, and ``slugs`` for Georgian in Latin letters), Python's marshal format
    and Unicode tables. (The leading number changes with the shape of a packed record.)"""
    code = b"".join(Path(module.__file__ or "").read_bytes() for module in (search_index, slugs))
    return f"1/{sys.implementation.cache_tag}/{unicodedata.unidata_version}/{digest(code)}"


def record_digest(record: SearchRecord, language: str) -> str:
    """The name a record is kept under: equal for records that index alike."""
    # repr, not marshal or pickle: those share repeated objects by identity, so equal records
    # could give different bytes.
    return digest(repr((language, record.key())).encode("utf-8", "surrogatepass"))


def pack(record: IndexedRecord) -> bytes:
    return marshal.dumps(
        (record.sort_key, record.length, record.codes, record.filters, record.fragment_name, record.fragment)
    )


def unpack(blob: bytes) -> IndexedRecord:
    sort_key, length, codes, filters, fragment_name, fragment = marshal.loads(blob)
    return IndexedRecord(tuple(sort_key), length, codes, filters, fragment_name, fragment)


class KeptRecords:
    """The packed records of the last build, by ``record_digest`` (``load``), and those of this
    one (``use``), which ``save`` keeps for the next. Without a folder they are kept in memory
    only (``serve``'s rebuilds in one process)."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder
        self.records: dict[str, bytes] = {}
        self.used: dict[str, bytes] = {}

    @classmethod
    def load(cls, folder: Path | None) -> KeptRecords:
        kept = cls(folder)
        raw = read_file(folder / FILE) if folder is not None else None
        if raw is None:
            return kept
        try:
            data = marshal.loads(raw)
        except (EOFError, ValueError, TypeError):
            return kept
        if not isinstance(data, dict) or data.get("version") != version():
            return kept
        records = data.get("records")
        if isinstance(records, dict):
            kept.records = {k: v for k, v in records.items() if isinstance(k, str) and isinstance(v, bytes)}
        return kept

    def __contains__(self, name: str) -> bool:
        return name in self.records

    def get(self, name: str) -> bytes | None:
        return self.records.get(name)

    def use(self, name: str, blob: bytes) -> None:
        """``blob`` is a record of this build."""
        self.used[name] = blob

    def save(self) -> None:
        """Keep this build's records (only those) for the next; nothing is written when they
        are the ones kept already. Failing to write only costs time next build."""
        used, self.used = self.used, {}
        if used.keys() == self.records.keys():
            return
        self.records = used
        if self.folder is None or not private_folder(self.folder):
            return
        write_file(self.folder / FILE, marshal.dumps({"version": version(), "records": used}))
