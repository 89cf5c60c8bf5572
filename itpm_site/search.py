"""The full-text search index, built with Pagefind from the portfolio's data.

One record per page that has something to find: each project, program and free page. A record
is a small HTML document made from the data (the rendered site is not crawled again): the
title, summary and status note, the people and names around the project, the Markdown body,
and one heading per risk with the risk's anchor on the project page (``risk-2``). Pagefind turns
headings with an id into sub-results, so a match in a risk's mitigation links straight to
``projects/<slug>/#risk-2`` (and a match under a body heading to that section), while the index
keeps one record per page: at 10,000 projects, records of their own for the 30,000 risks would
triple the metadata and filter data every search downloads and the time indexing takes.

- ``search_records`` builds the records: a pure function of the portfolio, tested without
  Pagefind; ``SearchRecord.html`` is what Pagefind reads.
- ``build_index`` hands them to the Pagefind binary (through its Python API) and returns the
  files of the index, made byte-identical across runs by ``canonicalize``.
- ``emit_search`` is the emitter: it yields those files under ``pagefind/``, so the atomic
  writer writes them with the rest of the site.
"""

from __future__ import annotations

import base64
import concurrent.futures
import gzip
import hashlib
import html
import json
import logging
import re
import struct
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from itpm_site.aggregate import Group, Portfolio, ProjectView, RiskView, owner_slug
from itpm_site.vocab import Phase, Status

if TYPE_CHECKING:
    import asyncio

    from itpm_site.build import SiteBuild

log = logging.getLogger(__name__)

#: Where the index and Pagefind's JavaScript go in the site.
SEARCH_DIR = "pagefind"

#: The filters a record may carry, in the order the search page shows them.
FACETS = ("type", "phase", "status", "high_risk", "program", "owner", "category")

#: Values of the ``type`` filter.
TYPES = {"project": "Project", "program": "Program", "page": "Page"}

#: A word in every record's metadata. Pagefind 1.5 answers a search without words (filters
#: only) by loading every chunk of the word index (8 MB at 10,000 projects); searching this
#: word instead loads one chunk, and still finds every record that passes the filters.
ALL_WORD = "itpmallrecords"


@dataclass(frozen=True)
class Section:
    """A part of a record with its own anchor on the page: a result links straight to it."""

    anchor: str  # the id on the page, e.g. 'risk-2'
    title: str
    text: str


@dataclass(frozen=True)
class SearchRecord:
    """One searchable page: where it is, its words, its card data and its filter values."""

    url: str  # from the site root, with a leading '/': '/projects/crm/'
    title: str
    #: Paragraphs before the body: summary, status note, the people and names around it.
    intro: list[str]
    #: Rendered Markdown; its headings keep their ids, so they become sub-results too.
    body_html: str = ""
    sections: list[Section] = field(default_factory=list)
    #: Shown on the result card (Pagefind indexes these words too). The title is added.
    meta: dict[str, str] = field(default_factory=dict)
    filters: dict[str, list[str]] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """The record's words as plain text (for tests and diagnostics)."""
        body = html.unescape(_SPACE.sub(" ", _TAG.sub(" ", self.body_html))).strip()
        return " ".join([*self.intro, body, *(f"{s.title}. {s.text}" for s in self.sections)])

    def html(self, language: str) -> str:
        """The document Pagefind indexes: words in reading order, data in ignored spans."""
        e = html.escape
        parts = [f'<html lang="{e(language)}"><body>']
        parts.extend(f"<p>{e(paragraph)}</p>" for paragraph in self.intro if paragraph)
        parts.append(_PAGEFIND_ATTRIBUTE.sub("", self.body_html))
        for s in self.sections:
            parts.append(f'<section><h2 id="{e(s.anchor)}">{e(s.title)}</h2>'
                         f"<p>{e(s.text)}</p></section>")
        parts.append("<div data-pagefind-ignore>")
        for key, value in {"title": self.title, **self.meta, "all": ALL_WORD}.items():
            parts.append(f'<span data-pagefind-meta="{e(key)}">{e(value)}</span>')
        for key, values in self.filters.items():
            parts.extend(f'<span data-pagefind-filter="{e(key)}">{e(v)}</span>' for v in values)
        parts.append(f'<span data-pagefind-sort="title">{e(self.title.casefold())}</span>')
        parts.append("</div></body></html>")
        return "".join(parts)


_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")
# Markdown with raw HTML allowed could carry Pagefind's own attributes; they would change what
# is indexed (data-pagefind-body, say), so they are dropped from bodies.
_PAGEFIND_ATTRIBUTE = re.compile(r"""\sdata-pagefind-[\w-]*(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]*))?""",
                                 re.I)


@dataclass(frozen=True)
class Facet:
    """A filter of the search page: its key (the URL parameter), legend and values in order."""

    key: str
    label: str
    values: list[tuple[str, str]]  # (value as in the URL and the index, label)


def facets(portfolio: Portfolio) -> list[Facet]:
    """The search page's filters and every value they can take, in display order.

    Values are the explorer's (``projects/?status=red&owner=nino-beridze``): vocabulary values
    and slugs, so a search and the explorer read the same URL parameters.
    """
    owners = {g.slug: g.title for g in portfolio.owners}
    for program in portfolio.programs:  # a program's owner may own no project
        if program.owner:
            owners.setdefault(owner_slug(program.owner), program.owner)
    return [
        Facet("type", "Type", list(TYPES.items())),
        Facet("phase", "Phase", [(ph.value, ph.label) for ph in Phase]),
        Facet("status", "Status", [(st.value, st.label) for st in Status]),
        Facet("high_risk", "Risk", [("yes", "Open high or critical risk")]),
        Facet("program", "Program", [(g.slug, g.title) for g in portfolio.programs]),
        Facet("owner", "Owner", sorted(owners.items(), key=lambda o: (o[1].casefold(), o[0]))),
        Facet("category", "Category", [(g.slug, g.title) for g in portfolio.categories]),
    ]


# ------------------------------------------------------------------------------ records


def _sentence(label: str, values: Iterable[str | None]) -> str:
    items = [v.strip() for v in values if v and v.strip()]
    return f"{label}: {', '.join(items)}." if items else ""


def _full_stop(text: str | None) -> str:
    text = (text or "").strip()
    return text if not text or text.endswith(tuple(".!?:;…")) else text + "."


def risk_section(risk: RiskView) -> Section:
    """A risk: its title as a heading with the risk's anchor, then mitigation and owner."""
    r = risk.risk
    return Section(risk.anchor, r.title,
                   " ".join(x for x in (_full_stop(r.mitigation), _sentence("Risk owner",
                                                                            [r.owner])) if x))


def project_record(view: ProjectView, body_html: str) -> SearchRecord:
    """A project: summary, status note, the people and names around it (before the body, so
    a match there is a match on the project, not in its last section), body, then its risks."""
    p = view.project
    facts = " ".join(x for x in (
        _sentence("Owner", [p.owner]), _sentence("Sponsor", [p.sponsor]),
        _sentence("Team", p.team), _sentence("Program", [p.program]),
        _sentence("Category", [view.category.label if view.category else None]),
        _sentence("Tags", p.tags), _sentence("Milestones", [m.name for m in p.milestones]))
        if x)
    meta = {"owner": p.owner, "phase": p.phase.value}
    if p.status:
        meta["status"] = p.status.value
    if view.risks:
        # Band and state of each risk, in anchor order, for the badges of risk sub-results.
        meta["risks"] = " ".join(f"{r.band}/{r.risk.status.value}" for r in view.risks)
    filters = {"type": ["project"], "phase": [p.phase.value], "owner": [view.owner_slug]}
    if p.status:
        filters["status"] = [p.status.value]
    if view.has_high_risk:
        filters["high_risk"] = ["yes"]
    if view.program_slug:
        filters["program"] = [view.program_slug]
    if view.category:
        filters["category"] = [view.category.slug]
    return SearchRecord(f"/{view.url}", p.title,
                        [_full_stop(p.summary), _full_stop(p.status_note), facts], body_html,
                        [risk_section(r) for r in view.risks], meta, filters)


def program_record(group: Group, body_html: str) -> SearchRecord:
    """A program page: summary, owner, the titles of its projects, body."""
    facts = " ".join(x for x in (_sentence("Owner", [group.owner]),
                                 _sentence("Projects", [p.title for p in group.projects])) if x)
    filters = {"type": ["program"], "program": [group.slug]}
    if group.owner:
        filters["owner"] = [owner_slug(group.owner)]
    return SearchRecord(f"/{group.url}", group.title, [_full_stop(group.summary), facts],
                        body_html, [], {"owner": group.owner} if group.owner else {}, filters)


def page_record(url: str, title: str, summary: str | None, body_html: str) -> SearchRecord:
    """A free page (about, glossary, how to contribute)."""
    return SearchRecord(f"/{url}", title, [_full_stop(summary)], body_html, [], {},
                        {"type": ["page"]})


def iter_records(portfolio: Portfolio, render: Callable[[str], str]) -> Iterator[SearchRecord]:
    """Every record of the portfolio in a stable order; ``render`` turns Markdown into HTML."""
    for view in portfolio.projects:
        yield project_record(view, render(view.body))
    for g in portfolio.programs:
        yield program_record(g, render(g.body) if g.body else "")
    for pg in portfolio.pages:
        yield page_record(pg.url, pg.page.title, pg.page.summary, render(pg.body))


def search_records(portfolio: Portfolio, render: Callable[[str], str]) -> list[SearchRecord]:
    return list(iter_records(portfolio, render))


# ------------------------------------------------------------------------------ Pagefind


class SearchUnavailable(Exception):
    """The Pagefind binary cannot be found or run: the site is built without search."""


class SearchIndexError(Exception):
    """Pagefind failed while indexing."""


#: Files of the Pagefind bundle the search page does not use (Pagefind's own UIs).
_UNUSED = re.compile(r"^pagefind-(ui|modular-ui|component-ui|highlight)\.(js|css)$")


def _service_class():
    """A ``PagefindService`` that reads responses as they arrive.

    The stock one (pagefind 1.5.2) sleeps 0.1 s before reading each response, so 10,000 records
    take over 1,000 s (Pagefind issue #976), and it caps one response at 2 MiB, which
    ``get_files`` passes beyond a few thousand records. The protocol itself is unchanged.
    """
    import asyncio

    try:
        from pagefind.service import PagefindService, get_executable
    except ImportError as exc:
        raise SearchUnavailable("the 'pagefind' package is not installed") from exc

    class Service(PagefindService):
        def __init__(self) -> None:
            try:
                found = get_executable()
            except OSError:  # pagefind_bin installed without its binary
                found = None
            if found is None:
                raise SearchUnavailable("the Pagefind binary was not found")
            super().__init__()
            self._stderr = b""

        async def launch(self) -> Service:
            try:
                self._backend = await asyncio.create_subprocess_exec(
                    self._bin, "--service", stdin=asyncio.subprocess.PIPE,
                    stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
                    limit=2**31 - 1)
            except OSError as exc:
                raise SearchUnavailable(f"cannot run {self._bin}: {exc.strerror or exc}") from exc
            self._poll_task = self._loop.create_task(self._wait_for_responses())
            self._stderr_task = self._loop.create_task(self._collect_stderr())
            return self

        async def _collect_stderr(self) -> None:
            assert self._backend.stderr is not None
            self._stderr = await self._backend.stderr.read()

        async def _wait_for_responses(self) -> None:
            assert self._backend.stdout is not None
            try:
                while True:
                    message = await self._backend.stdout.readuntil(b",")
                    response = json.loads(base64.b64decode(message[:-1]))
                    future = self._responses.pop(response.get("message_id"), None)
                    payload = response["payload"]
                    if future is None or future.done():
                        if payload.get("type") == "Error":
                            log.debug("pagefind: %s", payload.get("message"))
                        continue
                    if payload.get("type") == "Error":
                        future.set_exception(SearchIndexError(payload.get("message", "")))
                    else:
                        future.set_result(payload)
            except (asyncio.IncompleteReadError, ConnectionError, ValueError) as exc:
                # The binary exited or wrote something else: fail every pending request
                # rather than wait for answers that will never come.
                await asyncio.sleep(0.05)  # let stderr arrive for the message
                reason = self._stderr.decode(errors="replace").strip()[-500:] or str(exc)
                for future in self._responses.values():
                    if not future.done():
                        future.set_exception(SearchIndexError(f"pagefind stopped: {reason}"))
                self._responses.clear()

        async def close(self) -> None:
            self._poll_task.cancel()
            if self._backend.returncode is None:
                self._backend.terminate()
            await self._backend.wait()
            self._stderr_task.cancel()

    return Service


#: Requests sent ahead of their answers.
_WINDOW = 256


async def _index_async(documents: Iterable[tuple[str, str]], language: str) -> dict[str, bytes]:
    import asyncio

    service = await _service_class()().launch()
    try:
        index = await service.create_index({"force_language": language})
        # Pagefind handles requests one at a time, in the order they arrive, so a window of
        # requests in flight keeps the order (the page numbers in the index) stable while
        # the pipe stays full.
        window: deque[asyncio.Future] = deque()
        for url, document in documents:
            window.append(asyncio.ensure_future(index.add_html_file(content=document, url=url)))
            if len(window) >= _WINDOW:
                await window.popleft()
        await asyncio.gather(*window)
        # Not write_files: it answers before every file is on disk (truncated files were seen).
        files = await index.get_files()
    finally:
        await service.close()
    return {f["path"]: f["content"] for f in files if not _UNUSED.match(f["path"])}


def _run_in_thread(coroutine_factory: Callable[[], Any]) -> Any:
    """Run a coroutine on a fresh event loop in its own thread: the caller may itself be
    running an event loop (``serve``), and asyncio loops do not nest. The thread is a daemon,
    so Ctrl-C does not wait for Pagefind (which exits when its input closes)."""
    import asyncio

    outcome: concurrent.futures.Future = concurrent.futures.Future()

    def work() -> None:
        try:
            outcome.set_result(asyncio.run(coroutine_factory()))
        except BaseException as exc:  # handed to the caller, which raises it
            outcome.set_exception(exc)

    threading.Thread(target=work, name="pagefind", daemon=True).start()
    return outcome.result()


def build_index(documents: list[tuple[str, str]], language: str) -> dict[str, bytes]:
    """The Pagefind index of ``documents`` ((url, record HTML) pairs) as {path under pagefind/:
    bytes}, byte-identical for the same documents. Raises SearchUnavailable without the binary,
    SearchIndexError when Pagefind fails."""
    files = _run_in_thread(lambda: _index_async(documents, language))
    return canonicalize(files)


# ------------------------------------------------------------------------------ determinism
#
# Pagefind 1.5.2 writes each filter's values, and the list of filters in its metadata file, in
# hash-map order, which changes from run to run; every other file is already stable. The
# filter files and the metadata file are small CBOR documents: decode them, sort, encode them
# again and rename them by the hash of their new content (names are only cache keys).


_HEADER = b"pagefind_dcd"


def _cbor_decode(data: bytes, i: int = 0) -> tuple[Any, int]:
    initial = data[i]
    major, info = initial >> 5, initial & 31
    i += 1
    if info < 24:
        value = info
    elif info in (24, 25, 26, 27):
        size = 1 << (info - 24)
        value = int.from_bytes(data[i:i + size], "big")
        i += size
    else:
        raise ValueError(f"unsupported CBOR item 0x{initial:02x}")
    if major == 0:
        return value, i
    if major == 1:
        return -1 - value, i
    if major == 2:
        return bytes(data[i:i + value]), i + value
    if major == 3:
        return data[i:i + value].decode("utf-8"), i + value
    if major == 4:
        items = []
        for _ in range(value):
            item, i = _cbor_decode(data, i)
            items.append(item)
        return items, i
    raise ValueError(f"unsupported CBOR major type {major}")


def _cbor_head(major: int, value: int) -> bytes:
    if value < 24:
        return bytes([major << 5 | value])
    for info, fmt in ((24, ">B"), (25, ">H"), (26, ">I"), (27, ">Q")):
        if value < 1 << (8 * struct.calcsize(fmt)):
            return bytes([major << 5 | info]) + struct.pack(fmt, value)
    raise ValueError("integer too large")


def _cbor_encode(item: Any) -> bytes:
    if isinstance(item, int) and item < 0:
        return _cbor_head(1, -1 - item)
    if isinstance(item, int):
        return _cbor_head(0, item)
    if isinstance(item, bytes):
        return _cbor_head(2, len(item)) + item
    if isinstance(item, str):
        raw = item.encode("utf-8")
        return _cbor_head(3, len(raw)) + raw
    if isinstance(item, list):
        return _cbor_head(4, len(item)) + b"".join(_cbor_encode(x) for x in item)
    raise TypeError(type(item))


def _unpack(blob: bytes) -> Any:
    raw = gzip.decompress(blob)
    if not raw.startswith(_HEADER):
        raise ValueError("not a Pagefind data file")
    value, end = _cbor_decode(raw, len(_HEADER))
    if end != len(raw) or _HEADER + _cbor_encode(value) != raw:
        raise ValueError("unexpected encoding")
    return value


def _pack(value: Any) -> tuple[bytes, bytes]:
    """(gzipped file, the CBOR it holds) the way Pagefind writes them."""
    raw = _HEADER + _cbor_encode(value)
    return gzip.compress(raw, compresslevel=9, mtime=0), raw


def _renamed(old: str, raw: bytes) -> str:
    """A name like ``old`` ('en_1a2b3c4'), its hash part replaced by the hash of ``raw``."""
    language, _, digest = old.rpartition("_")
    return f"{language}_{hashlib.sha256(raw).hexdigest()[:len(digest)]}"


def canonicalize(files: dict[str, bytes]) -> dict[str, bytes]:
    """The same index with filter values and filters in sorted order (see above)."""
    if "pagefind-entry.json" not in files:
        return files
    out = dict(files)
    entry = out["pagefind-entry.json"]
    for language in json.loads(entry)["languages"].values():
        old_meta = language["hash"]
        meta_path = f"pagefind.{old_meta}.pf_meta"
        try:
            meta = _unpack(out[meta_path])
            filters = meta[3]
            renamed = []
            for name, old_hash in filters:
                path = f"filter/{old_hash}.pf_filter"
                content = _unpack(out.pop(path))
                content[1].sort(key=lambda value: value[0].encode("utf-8"))
                blob, raw = _pack(content)
                new_hash = _renamed(old_hash, raw)
                out[f"filter/{new_hash}.pf_filter"] = blob
                renamed.append([name, new_hash])
            meta[3] = sorted(renamed, key=lambda f: f[0].encode("utf-8"))
            blob, raw = _pack(meta)
        except (KeyError, IndexError, TypeError, ValueError, OSError) as exc:
            # A Pagefind release with another layout: keep its files as they are.
            log.warning("search: cannot normalise Pagefind %s's index (%s); it may differ "
                        "between builds", json.loads(entry).get("version"), exc)
            return files
        new_meta = _renamed(old_meta, raw)
        del out[meta_path]
        out[f"pagefind.{new_meta}.pf_meta"] = blob
        entry = entry.replace(f'"{old_meta}"'.encode(), f'"{new_meta}"'.encode())
    out["pagefind-entry.json"] = entry
    return dict(sorted(out.items()))


# ------------------------------------------------------------------------------ emitter


_lock = threading.Lock()
_last: tuple[str, dict[str, bytes]] | None = None  # (documents' digest, files): serve
_said_unavailable = False


def _digest(documents: list[tuple[str, str]], language: str) -> str:
    h = hashlib.sha256(language.encode())
    for url, document in documents:
        h.update(f"{url}\0{document}\0".encode())
    return h.hexdigest()


def _without_search(exc: Exception) -> dict[str, bytes]:
    """No index after all: say why (once for a missing Pagefind) and go on without one."""
    global _said_unavailable
    if isinstance(exc, SearchUnavailable):
        if not _said_unavailable:
            log.warning("search: %s; the site is built without a search index "
                        "(install it with: pip install 'pagefind[bin]')", exc)
            _said_unavailable = True
    else:
        log.warning("search: Pagefind failed (%s); the site is built without a search index",
                    exc)
    return {}


def search_index_files(site: SiteBuild) -> dict[str, bytes]:
    """The index files of ``site`` (cached while the records stay the same, as in ``serve``
    when only a template changed)."""
    global _last
    config = site.portfolio.config
    records = search_records(site.portfolio,
                             lambda text: site.markdown.render(text, config.allow_html))
    documents = [(r.url, r.html(config.language)) for r in records]
    digest = _digest(documents, config.language)
    with _lock:
        if _last and _last[0] == digest:
            return _last[1]
        try:
            files = build_index(documents, config.language)
        except (SearchUnavailable, SearchIndexError) as exc:
            return _without_search(exc)
        _last = (digest, files)
        return files


class BackgroundIndex:
    """The index built in a thread while the pages render (``build``): Pagefind is a process
    of its own, so it indexes on a core the render workers leave free.

    ``start`` it once the render workers are forked. Records go to Pagefind in the usual
    order. A record's body comes from the Markdown cache; one the workers have not rendered yet
    is waited for, and rendered here if the pages end without it. ``files()`` gives the index
    once the pages are done; ``cancel()`` stops it.
    """

    def __init__(self, site: SiteBuild) -> None:
        self.site = site
        self.pages_done = threading.Event()
        self._cancelled = False
        self._outcome: concurrent.futures.Future = concurrent.futures.Future()
        self._started = False

    def start(self) -> None:
        """Start indexing; call once the render workers are forked (a thread running while a
        process forks could leave the child holding its locks)."""
        if not self._started:
            self._started = True
            threading.Thread(target=self._work, name="search-index", daemon=True).start()

    def _body(self, text: str) -> str:
        markdown, allow_html = self.site.markdown, self.site.portfolio.config.allow_html
        while True:
            if self._cancelled:
                raise SearchIndexError("cancelled")
            html = markdown.cached(text, allow_html)
            if html is not None:
                return html
            if self.pages_done.is_set():
                return markdown.render(text, allow_html)
            markdown.wait_for_more(0.2)

    def _work(self) -> None:
        import asyncio

        language = self.site.portfolio.config.language
        documents = ((r.url, r.html(language))
                     for r in iter_records(self.site.portfolio, self._body))
        try:
            files = canonicalize(asyncio.run(_index_async(documents, language)))
        except (SearchUnavailable, SearchIndexError) as exc:
            files = {} if self._cancelled else _without_search(exc)
        except BaseException as exc:  # handed to the caller of files()
            self._outcome.set_exception(exc)
            return
        self._outcome.set_result(files)

    def files(self) -> Iterator[tuple[str, bytes]]:
        """(path, bytes) of the index under ``pagefind/``; call when the pages are done."""
        self.pages_done.set()
        self.start()
        for path, data in self._outcome.result().items():
            yield f"{SEARCH_DIR}/{path}", data

    def cancel(self) -> None:
        self._cancelled = True
        self.pages_done.set()


def emit_search(site: SiteBuild) -> Iterator[tuple[str, bytes]]:
    """Emitter: the Pagefind index and its JavaScript under ``pagefind/`` (none with
    ``--no-search``)."""
    if not site.options.search:
        return
    for path, data in search_index_files(site).items():
        yield f"{SEARCH_DIR}/{path}", data
