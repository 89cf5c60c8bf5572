"""The search index: which words are in which records, in files a browser loads a few at a time.

The search page (``static/js/search-index.js``) reads it; nothing runs on the server. Under
``search/data/`` in the site:

- ``meta.json``: the number of records, their average length, the name of the records table,
  whether words have stems and, for each word chunk, its first word and file name. Loaded
  first; every other name is a hash of the file's content, so a browser may keep those files
  for as long as it likes.
- ``docs-<hash>.sdat``: one entry per record, in title order: its length in words, the name of
  its fragment, and the index of its value in every filter (phase, status, owner ...). Filter
  counts and filter-only searches need nothing else.
- ``w-<hash>.sdat``: a run of words in sorted order, each with its postings: the records it is
  in (as gaps between record numbers) and, per record, a code: times found × 8, + 4 when in
  the title, + 2 when in what the record is about (summary, tags, program, category), + 1
  when in the owner's name; and, for a word with other forms in the index, its stem
  (``migrat`` for migrate, migrated, migrations). A query loads only the chunks its words
  fall in.
- ``d/<hash>.sdat``: a record's fragment, what a result shows: URL, title, badges and the
  result line (program, EAC, end date), its text in blocks (the opening, then one per heading
  with an anchor: a risk, a body section), from which the browser cuts excerpts and marks the
  words found, and its facts (people, names, budget), read only to check phrases.

``meta.json`` also carries the words of filters, fillers and amounts (``search_words``).

``.sdat`` files are gzipped JSON. The browser decompresses them itself, so a query transfers
the same few hundred kilobytes whether or not the web server compresses; a server that does
compress them anyway is recognised by the missing gzip header.

Words are found the same way here and in the browser (``fold`` and ``words``, mirrored in the
JavaScript): lower case, compatibility forms unfolded (``ﬁ`` is ``fi``), diacritics removed
(``Kovač`` is ``kovac``), the letters of ``LETTERS`` replaced (``Ødegård`` is ``odegard``,
``Straße`` is ``strasse``; ``meta.json`` carries the table, and the browser folds queries with
it), then runs of letters and digits in any script. An apostrophe inside a word joins it
(``O'Connor`` is ``oconnor``; the index also holds ``o`` and ``connor``), digits grouped
with commas, points or spaces are one number (``1,650,000`` and ``1 650 000`` are
``1650000``, ``1.65M`` is ``1.65m``), and a name written with hyphens, slashes or points is
held joined too (``S/4HANA``: ``s4hana`` besides ``s`` and ``4hana``). The labels of facts
("Owner:", "Risk owner:", "Milestone due") are shown, not indexed.
A word in Georgian letters is held in Latin letters too, as slugs spell it (``ბერიძე`` also
as ``beridze``, ``model/slugs.py``), counted as found but not as in the title, the subject or
the owner's name, so it weighs less than the word as written; ``meta.json`` carries the table
(``latin``) and the browser spells a Georgian query word the same way, so ``ბერიძე`` finds
Beridze and ``Beridze`` finds ბერიძე.
Every word of a query also finds the words it begins (``deliver`` finds ``delivery``; the
last word however short) and, on an English site, the other forms of the same word that the
index has: words are stemmed here (Snowball's English stemmer), never in the browser, which
only compares the stems stored with the words. How the browser ranks, corrects typos and
checks phrases is in ``docs/search.md``.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import html
import json
import re
import unicodedata
from array import array
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from itpm_site.model.slugs import GEORGIAN_LATIN, georgian_in_latin


@dataclass(frozen=True)
class Section:
    """A part of a record with its own anchor on the page: a result links straight to it."""

    anchor: str  # the id on the page, e.g. 'risk-2'
    title: str
    text: str
    #: Words of ``text`` that label a value ("Risk owner:"): shown, never indexed.
    labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class SearchRecord:
    """One searchable page: where it is, its words, its card data and its filter values."""

    url: str  # from the site root, with a leading '/': '/projects/crm/'
    title: str
    #: Paragraphs before the body: summary, status note.
    intro: list[str]
    #: Rendered Markdown; its headings keep their ids, so they become sub-results too.
    body_html: str = ""
    sections: list[Section] = field(default_factory=list)
    #: Sentences after the body's opening: the people and names around it, budget figures.
    #: Last, so that an excerpt prefers the summary or the body when both have the words.
    facts: list[str] = field(default_factory=list)
    #: Shown on the result card (its words are found too). The title is added.
    meta: dict[str, str] = field(default_factory=dict)
    filters: dict[str, str] = field(default_factory=dict)  # facet -> value
    #: What the record is about besides its title (summary, tags, program, category): a word
    #: here weighs more than one in the body. Its words are found through the other fields.
    subject: list[str] = field(default_factory=list)
    #: Words of ``facts`` that label a value ("Owner:", "planned"): shown, never indexed, so
    #: that a query for "owner" or "milestone" does not find every record.
    labels: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """The record's words as plain text (for tests and diagnostics)."""
        return " ".join(
            [
                *self.intro,
                plain_text(self.body_html),
                *self.facts,
                *(f"{s.title}. {s.text}" for s in self.sections),
            ]
        )

    def key(self) -> tuple:
        """Everything the record is made of: equal keys index alike."""
        return (
            self.url,
            self.title,
            tuple(self.intro),
            self.body_html,
            tuple(self.sections),
            tuple(self.facts),
            tuple(self.meta.items()),
            tuple(self.filters.items()),
            tuple(self.subject),
            self.labels,
        )


#: Where the index goes in the site.
INDEX_DIR = "search/data"

#: Bumped when the files change shape; the browser refuses a format it does not know.
FORMAT = 3

#: A word chunk is closed once its JSON reaches this size (before compression): big enough
#: that a query needs one or two, small enough that those are a few kilobytes each.
CHUNK_BYTES = 48_000

# The Unicode blocks of combining diacritics: removed after NFKD splits them from their
# letters. Named the same in the JavaScript; signs that are letters of their own in other
# scripts (Devanagari vowel signs, say) are kept.
_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")

#: Letters that are not a base letter with a combining mark, so NFKD leaves them whole, and
#: the apostrophes: what each becomes once folded. The one table: the index carries it
#: (``meta.json``) and the browser folds a query with it.
LETTERS = {
    "ß": "ss",
    "æ": "ae",
    "œ": "oe",
    "ø": "o",
    "ł": "l",
    "đ": "d",
    "ð": "d",
    "þ": "th",
    "ħ": "h",
    "ı": "i",
    "ŧ": "t",
    "ŋ": "n",
    "ĸ": "k",
    "ƒ": "f",
    "ȷ": "j",
    "ɨ": "i",
    "ʉ": "u",
    "ɛ": "e",
    "ɔ": "o",
    "ƀ": "b",
    "ƶ": "z",
    "ǥ": "g",
    "ɍ": "r",
    "ɏ": "y",
    "\u2019": "'",
    "\u02bc": "'",
    "\u2018": "'",
}
_LETTER = re.compile("[" + "".join(LETTERS) + "]")
# A number with digits grouped by spaces (1 050 000: groups of three after the first), a
# number with grouped digits (its letters after it: 1.65M), or letters and digits of any
# script with apostrophes inside: the JavaScript's WORD.
# (Each branch starts with its own first character, so a letter fails the number branches at
# once: a lookbehind in the first branch made every word slower.)
_WORD = re.compile(
    r"[0-9]+(?:[.,][0-9]+)+[^\W_]*|[0-9]{1,3}(?:[ \u00a0\u202f][0-9]{3})+(?![0-9])|[^\W_]+(?:'[^\W_]+)*"
)
_SPACES = re.compile("[ \u00a0\u202f]")
_FIGURES = re.compile(r"[0-9.,]+")
# Words written with hyphens, slashes or points inside (Wi-Fi, SD-WAN, S/4HANA, ASP.NET),
# found joined too: wifi, sdwan, s4hana, aspnet. (From the start of a word only: tried inside
# every word, it costs more than the rest.)
_HYPHENATED = re.compile(r"(?<![^\W_])[^\W_]+(?:[-/.][^\W_]+)+")
# A number's decimal point or a date's hyphens are not a product name's.
_NOT_JOINED = re.compile(r"[0-9]+[.,/-][0-9]|[0-9]+\.")
# Whether a text may hold such a word at all: a joiner with a letter on one side. Most texts
# have none (a full stop is followed by a space), and this scan is much cheaper than
# _HYPHENATED's.
_JOINER = re.compile(r"[^\W\d_][-/.][^\W_]|[0-9][-/.][^\W\d_]")
_HEADING = re.compile(r"<h[1-6]\b[^>]*?\sid=\"([^\"]*)\"[^>]*>(.*?)</h[1-6]\s*>", re.I | re.S)
_HIDDEN = re.compile(r"<(script|style|template)\b.*?</\1\s*>", re.I | re.S)
_TAG = re.compile(r"<[^>]*>")


def fold(text: str) -> str:
    """``text`` as words are compared: lower case, compatibility forms and diacritics gone,
    then the letters of ``LETTERS`` replaced (ø is o, ß is ss, ’ is ')."""
    text = text.lower()
    if text.isascii():
        return text
    text = _MARKS.sub("", unicodedata.normalize("NFKD", text))
    return _LETTER.sub(lambda letter: LETTERS[letter.group()], text)


def _number(token: str) -> str:
    """A number as it is compared: thousands separators dropped (``1,650,000`` and
    ``1.650.000`` are ``1650000``), a decimal comma made a point (``1,65m`` is ``1.65m``)."""
    figures = _FIGURES.match(token)
    assert figures is not None  # _WORD's first branch starts with figures
    digits, suffix = figures.group(), token[figures.end() :]
    groups = re.split("[.,]", digits)
    if len(set(re.sub("[0-9]", "", digits))) == 1 and all(len(g) == 3 for g in groups[1:]):
        return "".join(groups) + suffix
    # The last separator is the decimal point; any others group thousands.
    return "".join(groups[:-1]) + "." + groups[-1] + suffix


def _token(found: str) -> str:
    # Only the number branches of _WORD keep a point, a comma or a space.
    if found[0] in "0123456789" and not found.isalnum():
        found = _SPACES.sub("", found)
        if "." in found or "," in found:
            return _number(found)
    return found.replace("'", "")


def words(text: str) -> list[str]:
    """The words of ``text``, folded, in order: runs of letters and digits in any script; an
    apostrophe inside a word joins it (``O'Connor`` is ``oconnor``), and digits grouped with
    commas or points are one number (``1,650,000`` is ``1650000``, ``1.65M`` is ``1.65m``)."""
    return [_token(w) for w in _WORD.findall(fold(text))]


def word_counts(text: str) -> Counter[str]:
    """How often each word of ``text`` is there, as the index counts: ``words``, and for a
    word written with an apostrophe its parts too (``O'Connor``: ``oconnor``, ``o`` and
    ``connor``), so the name is found written either way; and words joined by hyphens joined
    (``Wi-Fi``: ``wi``, ``fi`` and ``wifi``)."""
    folded = fold(text)
    counts = Counter(_WORD.findall(folded))
    # Only words with an apostrophe, a point or a comma need more (few; counted once each).
    for found in [w for w in counts if not w.isalnum()]:
        n = counts.pop(found)
        counts[_token(found)] += n
        if "'" in found:
            for part in found.split("'"):
                counts[part] += n
    # Joined words are looked for only in the runs of text around a joiner.
    reached = 0
    for joiner in _JOINER.finditer(folded):
        at = joiner.start()
        if at < reached:
            continue
        start = max(folded.rfind(" ", 0, at), folded.rfind("\n", 0, at)) + 1
        ends = [e for e in (folded.find(" ", at), folded.find("\n", at)) if e >= 0]
        reached = min(ends) if ends else len(folded)
        for written in _HYPHENATED.findall(folded, start, reached):
            if not _NOT_JOINED.match(written):
                counts[re.sub("[-/.]", "", written)] += 1
    return counts


def plain_text(fragment: str) -> str:
    """The text of an HTML fragment (scripts and styles already removed), one space where
    tags or line breaks were."""
    text = _TAG.sub(" ", fragment)
    if "&" in text:
        text = html.unescape(text)
    return " ".join(text.split())


@dataclass(frozen=True, slots=True)
class Block:
    """A part of a record with its own place on the page: the opening (no anchor) or the text
    under a heading with an anchor, to which a result links."""

    anchor: str | None
    title: str
    text: str


def blocks(record: SearchRecord, facts: bool = True) -> list[Block]:
    """The opening (intro paragraphs, the body up to its first anchored heading, the facts
    unless ``facts`` is false), then the body's anchored sections, then the record's own
    sections (risks, milestones)."""
    body = record.body_html
    if "<" in body:
        body = _HIDDEN.sub(" ", body)
    headings = list(_HEADING.finditer(body))
    lead = body[: headings[0].start()] if headings else body
    opening = (*record.intro, plain_text(lead), *(record.facts if facts else ()))
    out = [Block(None, "", " ".join(p for p in opening if p))]
    for i, heading in enumerate(headings):
        end = headings[i + 1].start() if i + 1 < len(headings) else len(body)
        out.append(
            Block(
                html.unescape(heading.group(1)),
                plain_text(heading.group(2)),
                plain_text(body[heading.end() : end]),
            )
        )
    out.extend(Block(s.anchor, s.title, s.text) for s in record.sections)
    return out


@functools.lru_cache(maxsize=64)  # one tuple of labels for every project's facts
def _labels_pattern(labels: tuple[str, ...]) -> re.Pattern[str] | None:
    if not labels:
        return None
    alternatives = "|".join(re.escape(label) for label in sorted(labels, key=len, reverse=True))
    return re.compile(r"(?<![^\W_])(?:" + alternatives + r")(?![^\W_])")


def _unlabelled(text: str, labels: tuple[str, ...]) -> str:
    """``text`` without its label words ("Owner:", "Risk owner:"): the values stay."""
    pattern = _labels_pattern(labels)
    return pattern.sub(" ", text) if pattern else text


def indexed_text(record: SearchRecord, parts: list[Block]) -> str:
    """The words the index counts for ``record`` besides its title: every block (``parts``,
    made without the facts), the facts and the sections without their labels."""
    sections = {s.anchor: s for s in record.sections}
    out = []
    for b in parts:
        section = sections.get(b.anchor) if b.anchor else None
        out += [b.title, _unlabelled(b.text, section.labels) if section else b.text]
    out += [_unlabelled(fact, record.labels) for fact in record.facts]
    return " ".join(out)


def title_order(title: str, url: str) -> tuple[str, str]:
    """Records are numbered in this order, which is how a search without words lists them."""
    return title.casefold(), url


@dataclass(frozen=True, slots=True)
class IndexedRecord:
    """One record, indexed on its own: what the index files need from it."""

    sort_key: tuple[str, str]
    length: int  # words, title included
    codes: dict[str, int]  # word -> times found × 8, + 4 in the title, 2 subject, 1 owner
    filters: dict[str, str]
    fragment_name: str
    fragment: bytes  # gzipped


def _packed(value: object, level: int = 1) -> tuple[bytes, str]:
    """(gzipped JSON, name from a hash of the JSON): the same bytes for the same value."""
    raw = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")
    return gzip.compress(raw, compresslevel=level, mtime=0), hashlib.sha256(raw).hexdigest()[:12]


# Fragments are packed at level 1: a little larger than at level 6, made much faster (a build
# writes one per record; a query reads a few dozen). The records table and the word chunks
# are few, and every first query reads the table and a chunk per word: level 6 makes them a
# quarter smaller for about 0.5 s of the index thread at 10,000 records.
_FEW_FILES_LEVEL = 6


def index_record(record: SearchRecord) -> IndexedRecord:
    """Count the words of ``record`` and make its fragment."""
    parts = blocks(record, facts=False)
    title = word_counts(record.title)
    counts = word_counts(indexed_text(record, parts))
    counts.update(title)
    codes = {word: n * 8 for word, n in counts.items()}
    for word in title:
        codes[word] |= 4
    for word in word_counts(" ".join(record.subject)):
        if word in codes:
            codes[word] |= 2
    for word in word_counts(record.meta.get("owner", "")):
        if word in codes:
            codes[word] |= 1
    # Georgian words in Latin letters too: found as often, but in no field (a lower score).
    for word, n in counts.items():
        latin = georgian_in_latin(word)
        if latin is not None and latin not in counts:
            codes[latin] = max(codes.get(latin, 0), n * 8)
    fragment: dict[str, object] = {
        "url": record.url,
        "title": record.title,
        "meta": record.meta,
        "type": record.filters.get("type", ""),
        # The facts are not excerpted (they read as a list of fields; the result line shows
        # them), but phrases and adjacent words are checked in them too.
        "blocks": [[b.anchor, b.title, b.text] for b in parts],
    }
    if record.facts:
        fragment["facts"] = " ".join(record.facts)
    blob, name = _packed(fragment)
    return IndexedRecord(
        title_order(record.title, record.url), counts.total(), codes, dict(record.filters), name, blob
    )


#: Snowball stemmers by site language; Georgian has none, so its words are not stemmed.
STEMMERS = {"en": "english"}


def stemmer(language: str) -> Callable[[str], str] | None:
    """The stemmer for ``language`` (None where there is none)."""
    if language not in STEMMERS:
        return None
    import snowballstemmer

    stem: Callable[[str], str] = snowballstemmer.stemmer(STEMMERS[language]).stemWord
    return stem


def shared_stems(of: dict[str, str]) -> dict[str, str]:
    """Of the stem of every word (``of``), those a query can use: a stem another word shares,
    or one that differs from its word (a query for 'delivered' finds 'delivers' through the
    stem 'deliv'). A word that is its own stem and shares it with no other word needs none."""
    shared = Counter(of.values())
    return {word: s for word, s in of.items() if s != word or shared[s] > 1}


def _js_order(word: str) -> bytes:
    # JavaScript compares strings by UTF-16 code units; the browser's binary search over the
    # chunks relies on the same order.
    return word.encode("utf-16-be")


class IndexBuilder:
    """The index, gathered one record at a time in title order: a record's word counts go
    into the postings as it comes, so only its fragment is kept until the files are made."""

    def __init__(self, language: str) -> None:
        self._docs: list[IndexedRecord] = []
        self._postings: dict[str, array] = {}  # word -> record number, code, number, code ...
        self._last: dict[str, int] = {}
        # Each word is stemmed when first seen: in build, while the pages still render.
        self._stem = stemmer(language)
        self._stems: dict[str, str] = {}
        # Whether the browser needs the table to spell a Georgian query word in Latin
        # (meta.json ``latin``): on a Georgian site, or once a word is in Georgian letters.
        self._latin = language == "ka"

    def add(self, record: IndexedRecord) -> None:
        number = len(self._docs)
        if number and record.sort_key <= self._docs[-1].sort_key:
            raise ValueError(f"records out of title order: {record.sort_key}")
        # Kept without its word counts, which are in the postings from here on.
        self._docs.append(
            IndexedRecord(
                record.sort_key, record.length, {}, record.filters, record.fragment_name, record.fragment
            )
        )
        postings, last = self._postings, self._last
        for word, code in record.codes.items():
            found = postings.get(word)
            if found is None:
                postings[word] = array("l", (number, code))
                if not self._latin and not word.isascii() and georgian_in_latin(word):
                    self._latin = True
                # Numbers (a budget's figures, dates) have no other forms to find.
                if self._stem and word[0] not in "0123456789":
                    self._stems[word] = self._stem(word)
            else:
                found.extend((number - last[word], code))
            last[word] = number

    def files(self, facets: Iterable[str], vocabulary: dict[str, object] | None = None) -> dict[str, bytes]:
        """Every file of the index, by path under ``INDEX_DIR``; ``vocabulary`` (the words
        of filters and amounts, ``search_words``) goes into ``meta.json``."""
        docs = self._docs
        files = {f"d/{doc.fragment_name}.sdat": doc.fragment for doc in docs}

        stem = shared_stems(self._stems)
        chunks: list[list[str]] = []
        entries: list[str] = []
        size = 0
        for word in sorted(self._postings, key=_js_order):
            entries.append(word)
            size += len(word) + 4 * len(self._postings[word]) + 8
            if size >= CHUNK_BYTES:
                chunks.append(self._chunk(files, entries, stem))
                entries, size = [], 0
        if entries:
            chunks.append(self._chunk(files, entries, stem))

        facet_table: dict[str, dict[str, list[str] | list[int]]] = {}
        for facet in facets:
            values = sorted({d.filters[facet] for d in docs if facet in d.filters})
            position = {v: i for i, v in enumerate(values)}
            facet_table[facet] = {
                "values": values,
                "of": [position[d.filters[facet]] if facet in d.filters else -1 for d in docs],
            }
        table: dict[str, object] = {
            "length": [d.length for d in docs],
            "fragment": [d.fragment_name for d in docs],
            "facets": facet_table,
        }
        blob, name = _packed(table, _FEW_FILES_LEVEL)
        files[f"docs-{name}.sdat"] = blob

        average = sum(d.length for d in docs) / len(docs) if docs else 0
        meta = {
            "format": FORMAT,
            "count": len(docs),
            "average_length": round(average, 2),
            "docs": f"docs-{name}.sdat",
            "chunks": chunks,
            "stemmed": self._stem is not None,
            "letters": LETTERS,
        }
        if self._latin:
            meta["latin"] = GEORGIAN_LATIN
        if vocabulary is not None:
            meta["vocabulary"] = vocabulary
        files["meta.json"] = json.dumps(
            meta, ensure_ascii=False, separators=(",", ":"), sort_keys=True
        ).encode("utf-8")
        return dict(sorted(files.items()))

    def _chunk(self, files: dict[str, bytes], words: list[str], stem: dict[str, str]) -> list[str]:
        """Write a chunk of ``words``; its first word and file name, for meta.json."""
        chunk: dict[str, list] = {"words": words, "postings": [self._postings[w].tolist() for w in words]}
        if any(w in stem for w in words):
            chunk["stems"] = [stem.get(w, "") for w in words]
        blob, name = _packed(chunk, _FEW_FILES_LEVEL)
        files[f"w-{name}.sdat"] = blob
        return [words[0], f"w-{name}.sdat"]


def index_files(
    records: Iterable[IndexedRecord],
    facets: Iterable[str],
    language: str,
    vocabulary: dict[str, object] | None = None,
) -> dict[str, bytes]:
    """Every file of the index of ``records``, by path under ``INDEX_DIR``; the same bytes
    for the same records in any order."""
    builder = IndexBuilder(language)
    for record in sorted(records, key=lambda r: r.sort_key):
        builder.add(record)
    return builder.files(facets, vocabulary)


def read(blob: bytes) -> object:
    """A ``.sdat`` file's JSON (for tests and diagnostics)."""
    return json.loads(gzip.decompress(blob))
