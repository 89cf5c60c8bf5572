"""Markdown bodies to HTML: CommonMark + tables, safe links, heading anchors, cached by content."""

from __future__ import annotations

import hashlib
from functools import lru_cache

from markdown_it import MarkdownIt
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.anchors.index import slugify as _anchor_slug


@lru_cache(maxsize=2)
def _parser(allow_html: bool) -> MarkdownIt:
    # markdown-it's validateLink already refuses javascript:, vbscript:, file: and data: links.
    md = MarkdownIt("commonmark", {"html": allow_html, "typographer": False})
    md.enable(["table", "strikethrough"])
    # Body headings get ids prefixed 'h-' so they never clash with the page's own sections.
    md.use(anchors_plugin, min_level=2, max_level=3, permalink=False,
           slug_func=lambda title: "h-" + _anchor_slug(title))
    return md


def render_markdown(text: str, allow_html: bool = False) -> str:
    """Render one body. Headings start at h2 in bodies; the page title is the h1."""
    return _parser(allow_html).render(text)


def content_key(text: str, allow_html: bool) -> str:
    return hashlib.blake2b(f"{int(allow_html)}\0{text}".encode(), digest_size=16).hexdigest()


class MarkdownCache:
    """Rendered bodies keyed by their content, so unchanged bodies are never rendered twice."""

    def __init__(self) -> None:
        self._html: dict[str, str] = {}

    def get(self, text: str, allow_html: bool) -> str | None:
        return self._html.get(content_key(text, allow_html))

    def put(self, text: str, allow_html: bool, html: str) -> None:
        self._html[content_key(text, allow_html)] = html

    def render(self, text: str, allow_html: bool) -> str:
        key = content_key(text, allow_html)
        html = self._html.get(key)
        if html is None:
            html = self._html[key] = render_markdown(text, allow_html)
        return html

    def render_many(self, texts: list[str], allow_html: bool, workers: int = 1) -> list[str]:
        """Render many bodies, in ``workers`` processes when it pays off."""
        keys = [content_key(t, allow_html) for t in texts]
        todo = sorted({k: t for k, t in zip(keys, texts, strict=True)
                       if k not in self._html}.items())
        if todo:
            bodies = [t for _, t in todo]
            rendered = _render_parallel(bodies, allow_html, workers) if workers > 1 and \
                len(bodies) >= 200 else [render_markdown(t, allow_html) for t in bodies]
            for (key, _), html in zip(todo, rendered, strict=True):
                self._html[key] = html
        return [self._html[k] for k in keys]

    def keep_only(self, texts_keys: set[str]) -> None:
        for key in list(self._html):
            if key not in texts_keys:
                del self._html[key]


def _render_chunk(args: tuple[list[str], bool]) -> list[str]:
    texts, allow_html = args
    return [render_markdown(t, allow_html) for t in texts]


def _render_parallel(texts: list[str], allow_html: bool, workers: int) -> list[str]:
    from concurrent.futures import ProcessPoolExecutor

    from itpm_site.parallel import pool_context

    size = max(50, len(texts) // (workers * 4))
    chunks = [(texts[i:i + size], allow_html) for i in range(0, len(texts), size)]
    with ProcessPoolExecutor(max_workers=workers, mp_context=pool_context()) as pool:
        out: list[str] = []
        for part in pool.map(_render_chunk, chunks):
            out.extend(part)
    return out
