"""A bound on the memory rendering one Markdown body takes.

markdown-it turns a body into tokens before writing HTML, and each token is a Python object
of some hundreds of bytes: a 1 MiB body of ``- a`` lines made 1.6 million of them (600 MB).
The 1 MiB limit on a body's size is not enough by itself, so ``check`` also bounds what a body
can make: ``markdown_cost`` is an upper bound on the number of tokens, read off the text in
one pass, and a body whose cost is over ``MAX_MARKDOWN_COST`` is an error at the file. A body
that passes renders within the memory stated in docs/limits.md (measured in
bench/bench_hostile.py).

The bound: every line makes at most 6 tokens of its own (a list item and its paragraph, or a
line of text and its break), and every character that can be markup (a list marker, an
emphasis, a link's brackets, a quote's ``>``, a table's ``|``…) at most 4 more. A table
repeats its columns on every row, even a row that writes none (markdown-it fills them in), so
a block that holds a table's delimiter row (``|---|:-:|``) counts 4 tokens per column for
each of its lines.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from itpm_site.load.frontmatter import Span
from itpm_site.model.diagnostic import Severity

if TYPE_CHECKING:
    from itpm_site.load.diagnostics import Collector
    from itpm_site.load.frontmatter import Document

#: Tokens one body may make: about 150 MB of them at the most (docs/limits.md).
MAX_MARKDOWN_COST = 300_000

_MARKUP = "*_`[]|>!&\\~#-+=<:.)"
#: A line that may be a table's delimiter row, in a quote or a list item or not.
_DELIMITER_ROW = re.compile(r"[ \t>]*[ \t|:-]*-[ \t|:-]*")
_COLUMN = re.compile(r"-+")


_MARKUP_BYTES = _MARKUP.encode()


def markdown_cost(body: str) -> int:
    """An upper bound on the tokens markdown-it makes of ``body`` (see the module's doc)."""
    # The characters that can be markup, counted in one pass over the UTF-8 bytes (they are
    # all ASCII, and no byte of another character is): what deleting them removes.
    raw = body.encode("utf-8", "surrogatepass")
    markup = len(raw) - len(raw.translate(None, _MARKUP_BYTES))
    cost = 6 * (body.count("\n") + 1) + 4 * markup
    if "|" in body:  # no table without one
        cost += _table_cost(body)
    return cost


def _table_cost(body: str) -> int:
    cost = 0
    columns = lines = 0  # of the block (lines up to a blank one) being read
    for line in body.split("\n"):
        if not line.strip():
            cost += 4 * columns * lines
            columns = lines = 0
            continue
        lines += 1
        if "-" in line and _DELIMITER_ROW.fullmatch(line):
            columns = max(columns, len(_COLUMN.findall(line)))
    return cost + 4 * columns * lines


def check_markdown_cost(doc: Document, out: Collector) -> None:
    """An error on a body that could make more tokens than rendering allows."""
    cost = markdown_cost(doc.body)
    if cost <= MAX_MARKDOWN_COST:
        return
    out.at(
        doc,
        doc.rel,
        Span(doc.body_line, 1),
        Severity.ERROR,
        "body",
        f"the body is too intricate to render: it could make {cost:,} Markdown elements, "
        f"and at most {MAX_MARKDOWN_COST:,} are rendered",
        "shorten it, split it over several pages, or write long lists and tables as "
        "fewer, longer lines (every line, list item, table cell and mark of emphasis counts)",
        code="too-complex",
    )
