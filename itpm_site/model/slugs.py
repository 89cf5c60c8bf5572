"""The one rule that turns a name into a slug: a URL segment and a folder of the built site.

Owners, programs, tags, categories and file names all go through ``slugify``, so a name that
passes ``check`` always makes a page path that every file system accepts: only ``[a-z0-9-]``,
never empty, never longer than ``MAX_LENGTH``, never a name Windows reserves for a device.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata

from anyascii import anyascii

#: Longest slug: page paths stay far below Windows' 260-character path limit.
MAX_LENGTH = 64
_DIGEST_LENGTH = 8
#: Device names Windows refuses as a file or folder name, whatever the case or extension.
WINDOWS_RESERVED = frozenset(
    {"con", "prn", "aux", "nul"} | {f"{dev}{n}" for dev in ("com", "lpt") for n in range(10)}
)

#: Georgian letters (Mkhedruli; Mtavruli capitals are these once lower-cased) in Latin, as
#: slugs spell them: anyascii's letters without its apostrophes (ნინო ბერიძე: nino beridze,
#: პ: p). Search uses the same table both ways (``outputs/search_index.py``, and the browser
#: through ``meta.json``), so 'Beridze' finds ბერიძე and 'ბერიძე' finds Beridze.
GEORGIAN_LATIN: dict[str, str] = {
    letter: latin
    for letter, latin in ((chr(c), anyascii(chr(c)).replace("'", "")) for c in range(0x10D0, 0x1100))
    if unicodedata.category(letter) == "Ll" and latin.isascii() and latin.isalpha()
}
_GEORGIAN = re.compile("[" + "".join(GEORGIAN_LATIN) + "]")

_NON_SLUG = re.compile(r"[^0-9a-z]+")
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
_SLUG_RE = re.compile(SLUG_PATTERN)


@functools.lru_cache(maxsize=65536)  # owners, programs and tags repeat across thousands of files
def slugify(name: str) -> str:
    """The slug of a name: 'Nino Beridze' and 'ნინო ბერიძე' give 'nino-beridze'.

    Other scripts are spelt in Latin letters (anyascii). Names that spell to nothing, to a
    reserved device name or to more than ``MAX_LENGTH`` characters get a suffix from a digest
    of the name, so distinct names keep distinct slugs and the same name always the same one.
    """
    base = latin_words(name)
    if not base:
        return f"n-{_digest(name)}"
    if base in WINDOWS_RESERVED:
        return f"{base}-{_digest(name)}"
    if len(base) > MAX_LENGTH:
        head = base[: MAX_LENGTH - _DIGEST_LENGTH - 1].rstrip("-")
        return f"{head}-{_digest(name)}"
    return base


def latin_words(name: str) -> str:
    """Lowercase Latin letters and digits of ``name`` joined by '-' (may be empty or long)."""
    # Apostrophes join (O'Brien: obrien), also those anyascii writes (პ: p').
    text = anyascii(unicodedata.normalize("NFKC", name).replace("&", " ")).replace("'", "")
    return _NON_SLUG.sub("-", text.lower()).strip("-")


def georgian_in_latin(word: str) -> str | None:
    """A lower-case word with Georgian letters spelt in Latin (``GEORGIAN_LATIN``; other
    characters kept): 'ბერიძე' is 'beridze'. None when the word has no Georgian letter."""
    if word.isascii() or not _GEORGIAN.search(word):
        return None
    return _GEORGIAN.sub(lambda letter: GEORGIAN_LATIN[letter.group()], word)


def is_valid(slug: str) -> bool:
    """Whether a slug written by hand ('slug:' in front matter) is one ``slugify`` could make."""
    return len(slug) <= MAX_LENGTH and slug not in WINDOWS_RESERVED and _SLUG_RE.match(slug) is not None


def _digest(name: str) -> str:
    # Case and spacing do not make a different name: 'Nino  Beridze' is 'nino beridze'.
    key = " ".join(unicodedata.normalize("NFKC", name).casefold().split())
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:_DIGEST_LENGTH]
