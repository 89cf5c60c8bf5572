"""Helpers for tests that build a site and look at it: HTML parsing, serving, Chromium."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import threading
import urllib.parse
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
NODE_MODULES = Path(__file__).parent / "node_modules"


def launch_chromium(playwright, executable: str | Path = CHROMIUM):
    """Debian's Chromium driven by Python Playwright (never a downloaded browser build). The
    benchmarks and the screenshot script start theirs here too (``executable``: their
    ``--chromium``), with the same flags."""
    return playwright.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS)


class Page(HTMLParser):
    """A parsed HTML page: links, assets, ids, text, and elements by tag/attribute."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.assets: list[str] = []
        self.ids: set[str] = set()
        self.elements: list[tuple[str, dict[str, str]]] = []
        self._text: list[str] = []
        self._skip = 0
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        self.elements.append((tag, a))
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and "href" in a:
            self.links.append(a["href"])
        if tag in ("link",) and "href" in a:
            self.assets.append(a["href"])
        if tag in ("script", "img", "source") and "src" in a:
            self.assets.append(a["src"])
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self._text.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self._text).split())

    def find_all(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        return [
            a
            for t, a in self.elements
            if t == tag and all(a.get(k.rstrip("_")) == v for k, v in attrs.items())
        ]


@functools.lru_cache(maxsize=4096)
def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


@functools.lru_cache(maxsize=4096)
def parse(path: Path) -> Page:
    """The page at ``path``, parsed once per process like its text is read once (``_read``):
    the demo's pages are parsed by several tests. Read it, never change it."""
    return Page(_read(path))


def resolve_link(site: Path, page_file: Path, href: str) -> Path | None:
    """The file a relative link from ``page_file`` points to (None for external links)."""
    parsed = urllib.parse.urlsplit(href)
    if parsed.scheme or parsed.netloc or href.startswith(("mailto:", "#")):
        return None
    target = (page_file.parent / urllib.parse.unquote(parsed.path)).resolve()
    if href.split("#")[0].split("?")[0].endswith("/") or target.is_dir():
        target = target / "index.html"
    return target


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serves ``directory`` under ``mount`` the way static hosts do (404.html, no listings)."""

    mount = "/"

    def log_message(self, *args) -> None:  # keep test output quiet
        pass

    def translate_path(self, path: str) -> str:
        clean = urllib.parse.urlsplit(path).path
        if not clean.startswith(self.mount):
            return str(Path(self.directory) / "__outside_mount__")
        return super().translate_path("/" + clean[len(self.mount) :])

    def send_head(self):
        fs_path = Path(self.translate_path(self.path))
        if (fs_path.is_dir() and not (fs_path / "index.html").exists()) or not fs_path.exists():
            not_found = Path(self.directory) / "404.html"
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            body = not_found.read_bytes() if not_found.exists() else b"not found"
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            import io

            return io.BytesIO(body)
        return super().send_head()


@contextlib.contextmanager
def serve(directory: Path, mount: str = "/portfolio/") -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 (free port) under ``mount``; yields the base URL."""
    handler = type("Handler", (_Handler,), {"mount": mount})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(directory))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{mount}"
    finally:
        server.shutdown()
        server.server_close()


def build_in_language(root: Path, out: Path, language: str, as_of: str, cache: bool = True) -> None:
    """Build ``root`` into ``out`` in this process as a site in ``language``, then give the
    process English back: the UI language is the process's (model.i18n), and every other test
    expects English (a subprocess would cost a Python start and the theme compiled again)."""
    import datetime as dt

    from itpm_site.build import BuildOptions, build_site
    from itpm_site.model.i18n import use_language

    options = BuildOptions(
        root=root, output=out, as_of=dt.date.fromisoformat(as_of), language=language, cache=cache
    )
    try:
        result = build_site(options)
    finally:
        use_language("en")
    assert result.ok, [d.headline() for d in result.diagnostics]


def once_per_run(tmp_path_factory, name: str, make: Callable[[Path], object]) -> Path:
    """The folder ``name``, filled by ``make`` once per test run and shared by the parallel
    workers (pytest-xdist), instead of each worker making its own copy of the same site: the
    first worker to ask makes it while holding a file lock, and the others wait for the lock,
    then use what it made. Whatever uses the folder must leave it as it is, as for any
    session-scoped fixture. Where there is no ``fcntl`` (Windows), each worker makes its own."""
    base = Path(tmp_path_factory.getbasetemp())
    try:
        import fcntl
    except ImportError:
        fcntl = None
    if os.environ.get("PYTEST_XDIST_WORKER") and fcntl is not None:
        base = base.parent  # the run's folder, above each worker's own
    folder, done = base / f"once-{name}", base / f"once-{name}.done"
    with open(base / f"once-{name}.lock", "w", encoding="utf-8") as lock:
        if fcntl is not None:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
        if not done.exists():
            if folder.exists():  # a make that failed: start again, it fails the same way
                shutil.rmtree(folder)
            folder.mkdir()
            make(folder)
            done.touch()
    return folder
