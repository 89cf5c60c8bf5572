"""Links in Markdown bodies written to a file rather than to a page (``b.md``, ``img/x.png``).

A body is shown at its page's address (``projects/a/``), and only Markdown files become
pages, as folders: a link to a ``.md`` file, or to another file under content/, points where
nothing is on the site. ``check`` says so, at the line, with the address to write instead when
the link names a content file. Links written from the page's address (``../b/``) are right and
left alone.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import unquote

from itpm_site.load.frontmatter import Span
from itpm_site.model.diagnostic import Severity
from itpm_site.model.groups import GroupKind, page_url, project_url

if TYPE_CHECKING:
    from itpm_site.load.diagnostics import Collector
    from itpm_site.load.result import Entry, LoadResult

# [text](target "title"), ![alt](<target>), [id]: target, href="…" / src="…" in raw HTML.
_INLINE = re.compile(r"\]\(\s*(<[^>\n]*>|[^)\s]+)")
_REFERENCE = re.compile(r"^ {0,3}\[[^\]\n]+\]:[ \t]*(<[^>\n]*>|\S+)", re.M)
_HTML = re.compile(r"""\b(?:href|src)\s*=\s*["']([^"'\n]*)["']""", re.I)
# A fenced block runs to a closing fence of the same kind, or to the end of the body.
_FENCED = re.compile(r"^ {0,3}(`{3,}|~{3,}).*?(?:^ {0,3}\1[`~]*[ \t]*$|\Z)", re.M | re.S)
_CODE_SPAN = re.compile(r"(`+)[^`\n](?:.*?[^`])??\1(?!`)")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


class BodyLink(NamedTuple):
    line: int  # of the body, from 0
    column: int  # from 1
    target: str


def relative_links(body: str, html: bool = False) -> Iterator[BodyLink]:
    """The links of ``body`` to a file, written relative to it (not ending in '/'), outside
    code, in order; with ``html`` (raw HTML is rendered), also href and src attributes.

    Each pattern runs over the whole body, and only where the body holds what it looks for
    (every body is checked on every load): lines are counted, and code looked for, only where
    a link is found.
    """
    patterns = [_INLINE] if "](" in body else []
    if "]:" in body:
        patterns.append(_REFERENCE)
    if html and ("href" in body or "src" in body or "HREF" in body or "SRC" in body):
        patterns.append(_HTML)
    found: list[tuple[int, str]] = []
    for pattern in patterns:
        for match in pattern.finditer(body):
            target = match.group(1).strip("<>").strip()
            if _is_relative(target) and not target.partition("#")[0].partition("?")[0].endswith("/"):
                found.append((match.start(1), target))
    if found and ("`" in body or "~~~" in body):
        code = _code_ranges(body)
        found = [(start, target) for start, target in found if not any(a <= start < b for a, b in code)]
    for start, target in sorted(found):
        line_start = body.rfind("\n", 0, start) + 1
        if body.startswith(("    ", "\t"), line_start):  # indented code
            continue
        yield BodyLink(body.count("\n", 0, start), start - line_start + 1, target)


def fenced_blocks(body: str) -> list[tuple[int, int]]:
    """Where ``body`` has fenced code blocks, as (start, end) offsets."""
    if "```" not in body and "~~~" not in body:
        return []
    return [m.span() for m in _FENCED.finditer(body)]


def _code_ranges(body: str) -> list[tuple[int, int]]:
    """Where ``body`` has fenced code blocks and code spans, as (start, end) offsets."""
    return fenced_blocks(body) + [m.span() for m in _CODE_SPAN.finditer(body)]


def _is_relative(target: str) -> bool:
    return bool(target) and not target.startswith(("/", "#", "?")) and not _SCHEME.match(target)


def check_body_links(result: LoadResult, out: Collector) -> None:
    """A warning for each relative link of every body (see the module's doc)."""
    entries: list[tuple[Entry[Any], str]] = [
        *((e, project_url(e.slug)) for e in result.projects),
        *((e, GroupKind.PROGRAM.url(e.slug)) for e in result.programs),
        *((e, page_url(e.slug)) for e in result.pages),
    ]
    pages = {entry.rel.casefold(): url for entry, url in entries}  # content file -> its page
    html = result.config.allow_html
    for entry, url in entries:
        _warn(result.root, entry, url, pages, html, out)


def _content_file(root: Path, named: str) -> bool:
    """``named`` (relative to ``root``, normalised) is a file under content/."""
    return named.startswith("content/") and (root / named).is_file()


def _warn(root: Path, entry: Entry[Any], own: str, pages: dict[str, str], html: bool, out: Collector) -> None:
    doc = entry.doc
    up = "../" * own.count("/")  # from this page to the site's root
    for link in relative_links(doc.body, html):
        path, _, anchor = link.target.partition("#")
        path = path.partition("?")[0]
        named = posixpath.normpath(posixpath.join(posixpath.dirname(entry.rel), unquote(path)))
        page = pages.get(named.casefold())
        if page is None and not (path.lower().endswith(".md") or _content_file(root, named)):
            continue  # written from the page's address, as it should be
        if page is not None:
            better = up + page + (f"#{anchor}" if anchor else "")
            hint = f"link to the page made from {named} instead: '{better}'"
        else:
            hint = (
                f"link to a page by its address from this one, such as '{up}projects/<slug>/', "
                "or write a full URL; only Markdown files under content/ become pages, other "
                "files are not copied to the site"
            )
        out.at(
            doc,
            doc.rel,
            Span(doc.body_line + link.line, link.column, len(link.target)),
            Severity.WARNING,
            "body",
            f"the link '{link.target}' names a file, but the text is shown at its page's "
            f"address ({own}), and files are not pages: on the site it points at nothing",
            hint,
            code="relative-link",
        )
