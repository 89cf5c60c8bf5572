"""Unique ids for body headings, in time linear in the number of headings.

mdit-py-plugins' anchors plugin looks for a free ``-N`` suffix from 1 again for every repeated
heading, so n headings with the same text cost n²/2 lookups (10,000 ``## Same`` took 11 s).
Here each slug keeps the next suffix to try. The ids are the same as the plugin's: the
first free one of ``slug``, ``slug-1``, ``slug-2``…, in document order. Every id skipped as
taken is taken by a different heading, and is skipped at most once (``a-1-1`` can only be
``a-1`` with a suffix), so the work is linear.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

#: The plugin's slug (GitHub's): lowercase, spaces to '-', other punctuation dropped.
_NOT_SLUG = re.compile(r"[^\w\u4e00-\u9fff\- ]")


def heading_slug(title: str) -> str:
    return _NOT_SLUG.sub("", title.lower().replace(" ", "-"))


def anchor_rule(levels: range, slug: Callable[[str], str]) -> Callable[[Any], None]:
    """A markdown-it core rule giving each heading of ``levels`` a unique id made by ``slug``
    (an id written explicitly is kept, and never given to another heading)."""

    def anchor_headings(state: Any) -> None:
        tokens = state.tokens
        taken: set[str] = {
            str(given) for t in tokens if t.type == "heading_open" and (given := t.attrGet("id"))
        }
        next_suffix: dict[str, int] = {}
        for index, token in enumerate(tokens):
            if token.type != "heading_open" or int(token.tag[1]) not in levels or token.attrGet("id"):
                continue
            children = tokens[index + 1].children or []
            base = slug("".join(c.content for c in children if c.type in ("text", "code_inline")))
            token.attrSet("id", _unique(base, taken, next_suffix))

    return anchor_headings


def _unique(base: str, taken: set[str], next_suffix: dict[str, int]) -> str:
    candidate = base
    n = next_suffix.get(base, 0)
    if n:
        candidate = f"{base}-{n}"
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    next_suffix[base] = n + 1
    taken.add(candidate)
    return candidate
