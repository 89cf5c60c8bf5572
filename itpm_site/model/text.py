"""Words that depend on a count: the one plural rule of every message and page."""

from __future__ import annotations


def plural_word(n: int, word: str, plural: str | None = None) -> str:
    """``word`` for one, else ``plural`` (by default the word with an 's')."""
    return word if n == 1 else (plural or word + "s")


def plural(n: int, word: str, plural: str | None = None) -> str:
    """The count and its noun: '1 project', '3 projects', '0 errors'."""
    return f"{n} {plural_word(n, word, plural)}"


def signed_days(n: int | None, short: bool = False) -> str:
    """Days as a change, with their sign: '+3 days', '-1 day', '0 days'; ``short`` '+3 d'
    (tables, charts); '–' when unknown."""
    if n is None:
        return "–"
    return f"{'+' if n > 0 else ''}{n} {'d' if short else plural_word(abs(n), 'day')}"
