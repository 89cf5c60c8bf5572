"""Indexed search records kept between builds (``search.marshal`` in the portfolio's
user-cache folder, see ``cache.folder``).

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

import json
import marshal
import os
import struct
import sys
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

from itpm_site.cache.digest import digest
from itpm_site.cache.folder import AtomicWriter, open_file, private_folder
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


_HEAD = struct.Struct("=Q")  # the length of the head


class KeptRecords:
    """The packed records of the last build, by ``record_digest`` (``load``), and those of this
    one (``use``), which ``save`` keeps for the next. Without a folder they are kept in memory
    only (``serve``'s rebuilds in one process).

    The file is a head (the version and the names of the records) and then the records. A
    build reads the head before its render workers fork (they need to know which records are
    kept) and the records only when it first needs one, after: a forked worker counts every
    page of its parent's memory, so the records read before would weigh on every process.
    """

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder
        self.names: frozenset[str] = frozenset()
        self._records: dict[str, bytes] | None = {}
        self._file: BinaryIO | None = None  # open on the records not read yet
        self.used: dict[str, bytes] = {}

    @classmethod
    def load(cls, folder: Path | None) -> KeptRecords:
        kept = cls(folder)
        source = open_file(folder / FILE) if folder is not None else None
        if source is None:
            return kept
        try:
            (size,) = _HEAD.unpack(source.read(_HEAD.size))
            if size > os.fstat(source.fileno()).st_size:  # not a head's length: not our file
                raise ValueError(size)
            head = marshal.loads(source.read(size))
        except (OSError, EOFError, ValueError, TypeError, struct.error):
            source.close()
            return kept
        names = head.get("names") if isinstance(head, dict) and head.get("version") == version() else None
        if not isinstance(names, list):
            source.close()
            return kept
        kept.names, kept._records, kept._file = frozenset(names), None, source
        return kept

    @property
    def records(self) -> dict[str, bytes]:
        """The kept records, read at the first call."""
        if self._records is None:
            self._records = {}
            source, self._file = self._file, None
            if source is not None:
                with source:
                    try:
                        records = marshal.loads(source.read())
                    except (OSError, EOFError, ValueError, TypeError):
                        records = None
                if isinstance(records, dict):
                    self._records = {
                        k: v for k, v in records.items() if k in self.names and isinstance(v, bytes)
                    }
        return self._records

    def __contains__(self, name: str) -> bool:
        return name in self.names

    def get(self, name: str) -> bytes | None:
        return self.records.get(name) if name in self.names else None

    def close(self) -> None:
        """Done without using any record (the index was kept whole): the file stays as it is."""
        if self._file is not None:
            self._file.close()
            self._file = None

    def use(self, name: str, blob: bytes) -> None:
        """``blob`` is a record of this build."""
        self.used[name] = blob

    def save(self) -> None:
        """Keep this build's records (only those) for the next; nothing is written when they
        are the ones kept already. Failing to write only costs time next build."""
        used, self.used = self.used, {}
        if self._file is not None:  # never read: nothing was taken from it
            self._file.close()
            self._file = None
        if used.keys() == self.names:
            return
        self.names, self._records = frozenset(used), used
        if self.folder is None or not private_folder(self.folder):
            return
        head = marshal.dumps({"version": version(), "names": list(used)})
        writer = AtomicWriter.open(self.folder / FILE)
        if writer is not None:
            writer.write(_HEAD.pack(len(head)))
            writer.write(head)
            writer.write(marshal.dumps(used))
            writer.commit()


@dataclass(frozen=True)
class IndexState:
    """What the search index of a build's output was assembled from, for the next build to
    keep it whole when it would be assembled from the same: ``key``, a digest of everything
    the index is made of (the records' names in order, and what every page depends on: the
    code, the settings, the language); the name of each page's record, by URL; the index's
    files, by path in the site."""

    key: str
    records: dict[str, str]
    files: list[str]

    def to_bytes(self) -> bytes:
        data = {"key": self.key, "records": self.records, "files": self.files}
        return json.dumps(data, separators=(",", ":")).encode("utf-8")

    @classmethod
    def from_bytes(cls, raw: bytes) -> IndexState | None:
        """The state recorded in ``raw``; None for anything else."""
        try:
            data = json.loads(raw)
            records = {str(url): str(name) for url, name in data["records"].items()}
            return cls(str(data["key"]), records, [str(path) for path in data["files"]])
        except (ValueError, KeyError, TypeError, AttributeError):
            return None
