"""The cap on headings in one Markdown body.

Every heading of a body gets an anchor on its page (``h-goals``, ``h-goals-1``…); a body of
thousands of headings makes a page no one can read and an outline no one can use, so
``check`` refuses one beyond ``MAX_HEADINGS``, at the first heading over. Headings are counted
line by line, outside fenced code blocks: ATX headings (``## Goals``) and setext ones
underlined with ``===``. (A line of ``---`` may be a thematic break, so it is not counted;
rendering stays linear in the number of headings however many there are.)
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from itpm_site.load.frontmatter import Span
from itpm_site.model.diagnostic import Severity

if TYPE_CHECKING:
    from itpm_site.load.diagnostics import Collector
    from itpm_site.load.frontmatter import Document

#: Headings in one body.
MAX_HEADINGS = 1000

_HEADING = re.compile(r" {0,3}(?:#{1,6}(?:[ \t]|$)|=+[ \t]*$)")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")


def first_heading_over(body: str, limit: int = MAX_HEADINGS) -> int | None:
    """The line (of the body, from 0) of heading number ``limit + 1``; None when there are
    at most ``limit``."""
    if body.count("\n") < limit:  # a heading is a line: the common case costs one count
        return None
    count = 0
    fence = ""  # the fence of the open code block
    for number, line in enumerate(body.split("\n")):
        opened = _FENCE.match(line)
        if fence:
            if opened and _closes(opened, fence, line):
                fence = ""
            continue
        if opened and not (opened[1][0] == "`" and "`" in line[opened.end() :]):
            fence = opened[1]
            continue
        if _HEADING.match(line):
            count += 1
            if count > limit:
                return number
    return None


def _closes(opened: re.Match[str], fence: str, line: str) -> bool:
    """The fence on ``line`` closes the block ``fence`` opened: the same character, at least
    as long, nothing after it."""
    mark = opened[1]
    return mark[0] == fence[0] and len(mark) >= len(fence) and not line[opened.end() :].strip()


def check_headings(doc: Document, out: Collector) -> None:
    """An error at the first heading beyond the cap."""
    line = first_heading_over(doc.body)
    if line is None:
        return
    out.at(
        doc,
        doc.rel,
        Span(doc.body_line + line, 1),
        Severity.ERROR,
        "body",
        f"the body has more than {MAX_HEADINGS:,} headings",
        "split the text over several pages, or make some of the headings plain lines",
        code="too-many-headings",
    )
