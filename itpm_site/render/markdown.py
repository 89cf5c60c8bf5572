"""Markdown bodies to HTML: CommonMark + tables, safe links, heading anchors, cached by content."""

from __future__ import annotations

import marshal
import re
import sys
from functools import lru_cache
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from itpm_site.cache.digest import digest
from itpm_site.cache.folder import private_folder, read_file, write_file
from itpm_site.load.markdown_cost import MAX_MARKDOWN_COST, markdown_cost
from itpm_site.model.fields import is_protocol_relative
from itpm_site.render.anchors import anchor_rule, heading_slug

if TYPE_CHECKING:
    from markdown_it import MarkdownIt


@lru_cache(maxsize=2)
def _parser(allow_html: bool) -> MarkdownIt:
    # Imported when a body is first rendered: a rebuild with every body cached never needs it.
    from markdown_it import MarkdownIt

    # markdown-it's validateLink already refuses javascript:, vbscript:, file: and data: links.
    md = MarkdownIt("commonmark", {"html": allow_html, "typographer": False})
    md.enable(["table", "strikethrough"])
    known_scheme_check = md.validateLink
    # markdown-it documents replacing validateLink on the instance.
    md.validateLink = lambda url: not is_protocol_relative(url) and known_scheme_check(url)  # type: ignore[method-assign]
    md.core.ruler.push("fit_headings", _fit_headings)
    # Body headings get ids prefixed 'h-' so they never clash with the page's own sections.
    md.core.ruler.push("anchor", anchor_rule(range(2, 4), lambda title: "h-" + heading_slug(title)))
    return md


def _fit_headings(state) -> None:
    """Fit body headings under the page's outline: the first is an h2 (the page title is the
    h1) and none is more than one level below the one it follows, so '## Goals' then
    '#### Detail' become h2 then h3 (skipped levels fail HTML checkers)."""
    open_levels: list[tuple[int, int]] = []  # (level written, level given)
    for token in state.tokens:
        if token.type not in ("heading_open", "heading_close"):
            continue
        written = int(token.tag[1])
        if token.type == "heading_open":
            while open_levels and open_levels[-1][0] >= written:
                open_levels.pop()
            given = min(open_levels[-1][1] + 1 if open_levels else 2, 6)
            open_levels.append((written, given))
        token.tag = f"h{open_levels[-1][1]}"


#: Control characters HTML does not allow in a page (C0 but tab, line feed, form feed and
#: carriage return; DEL; C1): a body holding one (an ESC pasted from a terminal) would make
#: the page invalid, so each is shown as U+FFFD, as markdown-it shows NUL.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


def render_markdown(text: str, allow_html: bool = False) -> str:
    """Render one body. Headings start at h2 in bodies; the page title is the h1."""
    text = _CONTROLS.sub("\ufffd", text)
    if markdown_cost(text) > MAX_MARKDOWN_COST:
        # check refuses such a body, so only one that was never checked gets here: shown
        # as it was written rather than risk the memory its tokens would take.
        return f"<pre>{escape(text)}</pre>\n"
    html: str = _parser(allow_html).render(text)
    return html


def content_key(text: str, allow_html: bool) -> str:
    return digest(f"{int(allow_html)}\0{text}".encode())


class MarkdownCache:
    """Rendered bodies keyed by their content, so unchanged bodies are never rendered twice."""

    def __init__(self) -> None:
        self._html: dict[str, str] = {}
        #: When a list, (key, html) of every body rendered from now on (for a worker to report).
        self.fresh: list[tuple[str, str]] | None = None
        #: The keys read from the cache file: when a build needs exactly these, it is not
        #: written again.
        self.loaded: frozenset[str] = frozenset()
        #: The keys of every text rendered or asked for since loading: kept for the next
        #: build beside the bodies (the pack's project intros are texts of their own).
        self.used: set[str] = set()

    def put_key(self, key: str, html: str) -> None:
        self._html[key] = html
        self.used.add(key)

    def render(self, text: str, allow_html: bool) -> str:
        key = content_key(text, allow_html)
        self.used.add(key)
        html = self._html.get(key)
        if html is None:
            html = self._html[key] = render_markdown(text, allow_html)
            if self.fresh is not None:
                self.fresh.append((key, html))
        return html


# ------------------------------------------------------------------------------ on disk

#: marshal, not JSON: much faster to read, and only ever read from the user's own cache folder
#: (marshal is not for data from others).
_CACHE_FILE = "markdown.marshal"


def _cache_version() -> str:
    from importlib.metadata import version

    # Rendering changes with these; a new version of either starts a fresh cache. (Read from
    # the installed metadata: a warm build need not import markdown-it.)
    # The marshal format may change with Python's version. The leading number changes with
    # how bodies are rendered here (3: headings fitted under the page's outline; 4: control
    # characters shown as U+FFFD).
    return f"4/{sys.implementation.cache_tag}/{version('markdown-it-py')}/{version('mdit-py-plugins')}"


def load_cache(cache: MarkdownCache, folder: Path) -> None:
    """Fill ``cache`` from ``folder``; a missing, old or damaged cache file is ignored."""
    raw = read_file(folder / _CACHE_FILE)
    if raw is None:
        return
    try:
        data = marshal.loads(raw)
    except (EOFError, ValueError, TypeError):
        return
    if not isinstance(data, dict) or data.get("version") != _cache_version():
        return
    entries = data.get("html")
    if isinstance(entries, dict):
        valid = {k: v for k, v in entries.items() if isinstance(k, str) and isinstance(v, str)}
        cache._html.update(valid)
        cache.loaded = frozenset(valid)


def save_cache(cache: MarkdownCache, folder: Path, texts: list[str], allow_html: bool) -> None:
    """Keep the rendered HTML of ``texts`` (this build's bodies, rendered or not) and of
    every other text this build rendered, for the next build.

    Written through a temporary file; failing to write (a full disk) only costs speed next
    time.
    """
    keys = {content_key(t, allow_html) for t in texts} | cache.used
    if keys == cache.loaded:
        return  # the file on disk holds exactly these already
    entries = {k: cache._html[k] for k in sorted(keys) if k in cache._html}
    if not private_folder(folder):
        return
    write_file(folder / _CACHE_FILE, marshal.dumps({"version": _cache_version(), "html": entries}))
