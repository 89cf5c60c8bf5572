"""The HTTP side of ``serve``: the built site under its base path, the reload events, nothing else.

Static hosts' conventions (``404.html`` with status 404, a folder's ``index.html``, a redirect
to add the trailing ``/``), only GET and HEAD, and no path that leaves the site folder. Every
response is ``Cache-Control: no-store`` (a dev server must never be cached), and HTML responses
get the reload script. A thread per connection, so open event streams never hold up a page.
"""

from __future__ import annotations

import errno
import http.server
import ipaddress
import queue
import socket
import socketserver
import sys
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from itpm_site.model.diagnostic import Diagnostic
from itpm_site.serve.livereload import (
    EVENTS_PATH,
    KEEPALIVE_SECONDS,
    SCRIPT_PATH,
    Hub,
    inject,
    reload_script,
)
from itpm_site.serve.overlay import placeholder_page

#: Types for what a portfolio site holds; text gets an explicit charset.
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".ics": "text/calendar; charset=utf-8",
    ".svg": "image/svg+xml; charset=utf-8",
    ".webmanifest": "application/manifest+json; charset=utf-8",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".ico": "image/x-icon",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".wasm": "application/wasm",
    ".pdf": "application/pdf",
}


def content_type(path: str) -> str:
    suffix = path[path.rfind(".") :].lower() if "." in path.rsplit("/", 1)[-1] else ""
    return CONTENT_TYPES.get(suffix, "application/octet-stream")


class PortInUse(Exception):
    """The address is taken (a usage problem, reported in one line)."""

    def __init__(self, host: str, port: int) -> None:
        super().__init__(
            f"port {port} on {host} is already in use (is another 'itpm-site serve' running?); "
            "choose another with --port N, or --port auto for the next free one"
        )
        self.host, self.port = host, port


class SiteState(Protocol):
    """What the server needs from the serve session."""

    @property
    def folder(self) -> Path: ...

    @property
    def has_site(self) -> bool: ...

    @property
    def errors(self) -> list[Diagnostic]: ...

    @property
    def base_path(self) -> str: ...

    @property
    def language(self) -> str:
        """The served site's language (its overlay and placeholder page are in it)."""

    def waiting(self, rel: str) -> bool:
        """Is ``rel`` a page still to be rendered (maybe not on disk yet)?"""

    def wait_fresh(self, rel: str) -> bool:
        """Return once the file ``rel`` is up to date: True; or after a wait of a few seconds
        (the file on disk is then the last good version): False."""


class Refused(Exception):
    """A request path that would leave the site folder."""


def resolve_path(folder: Path, rel: str) -> Path:
    """The file under ``folder`` that the URL path ``rel`` (below the base path, still
    percent-encoded) names. Raises Refused for anything that could leave the folder."""
    try:
        decoded = urllib.parse.unquote(rel, errors="strict")
    except UnicodeDecodeError:
        raise Refused(rel) from None
    if "\\" in decoded or "\0" in decoded or decoded.startswith("/"):
        raise Refused(rel)
    parts = decoded.split("/")
    if any(part in (".", "..") for part in parts):
        raise Refused(rel)
    target = folder.joinpath(*[p for p in parts if p])
    top = folder.resolve()
    try:
        real = target.resolve()
    except (OSError, RuntimeError):  # a symlink loop
        raise Refused(rel) from None
    if real != top and not real.is_relative_to(top):
        raise Refused(rel)
    return target


def host_name(header: str) -> str | None:
    """The name or address in a Host header (``name:port``, ``[v6]:port``), lowercased."""
    header = header.strip().lower()
    if header.startswith("["):
        name, _, rest = header[1:].partition("]")
        if rest and not (rest.startswith(":") and rest[1:].isdigit()):
            return None
        return name or None
    name, _, port = header.partition(":")
    if ":" in port or (port and not port.isdigit()):
        return None
    return name.rstrip(".") or None


def is_local_host(name: str, bound: str) -> bool:
    """A localhost name, a loopback address or the address the server listens on."""
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False
    return address.is_loopback or address == ipaddress.ip_address(bound)


class Handler(http.server.BaseHTTPRequestHandler):
    server: DevServer
    protocol_version = "HTTP/1.1"
    #: Idle keep-alive connections are closed after this many seconds.
    timeout = 60

    def version_string(self) -> str:
        return "itpm-site-serve"

    def log_message(self, format: str, *args) -> None:
        if self.server.log_requests:
            sys.stderr.write(f"{self.address_string()} - {format % args}\n")

    def __getattr__(self, name: str):
        # Every method other than GET and HEAD (including unknown ones) is 405, not 501.
        if name.startswith("do_"):
            return self._not_allowed
        raise AttributeError(name)

    def do_GET(self) -> None:
        self._serve(head=False)

    def do_HEAD(self) -> None:
        self._serve(head=True)

    # ------------------------------------------------------------------ responses

    def _send(
        self, status: int, body: bytes, ctype: str, head: bool = False, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _text(
        self, status: int, text: str, head: bool = False, headers: dict[str, str] | None = None
    ) -> None:
        self._send(status, (text + "\n").encode(), "text/plain; charset=utf-8", head, headers)

    def _not_allowed(self) -> None:
        self.close_connection = True  # a request body, if any, is never read
        self._text(
            405,
            f"405 method {self.command} not allowed: this server only reads",
            headers={"Allow": "GET, HEAD"},
        )

    def _redirect(self, location: str, head: bool) -> None:
        self._text(302, f"302 see {location}", head, {"Location": location})

    def _html(
        self, status: int, body: bytes, head: bool, headers: dict[str, str] | None = None, token: str = ""
    ) -> None:
        """An HTML page with the reload script; ``token``: the site's state the page shows
        (default: the current one)."""
        token = token or self.server.hub.token
        self._send(status, inject(body, token), "text/html; charset=utf-8", head, headers)

    def _serve(self, head: bool) -> None:
        host = self.headers.get("Host")
        if host is not None and not self.server.host_allowed(host):
            # A page elsewhere whose name was rebound to this machine (DNS rebinding) must not
            # read the preview: it can only reach it under a name that is not ours.
            self.close_connection = True
            return self._text(
                421,
                f"421 this server answers only for localhost (Host: "
                f"{host!r}); to serve other names, start it with --host",
                head,
            )
        url = urllib.parse.urlsplit(self.path)
        path = url.path or "/"
        if path == EVENTS_PATH:
            return self._events(head)
        if path == SCRIPT_PATH:
            script = reload_script(self.server.state.language)
            return self._send(200, script, "text/javascript; charset=utf-8", head)
        base = self.server.base_path
        if not path.startswith(base):
            if path in ("/", base.rstrip("/")):
                return self._redirect(base + (f"?{url.query}" if url.query else ""), head)
            return self._not_found(head)
        state = self.server.state
        if not state.has_site:
            return self._html(503, placeholder_page(state.errors, state.language), head)
        rel = path[len(base) :]
        try:
            target = resolve_path(state.folder, rel)
        except Refused:
            return self._text(403, "403 refused: the path leaves the site folder", head)
        name = target.relative_to(state.folder).as_posix()
        name = "" if name == "." else name
        if rel == "" or rel.endswith("/"):
            name = f"{name}/index.html" if name else "index.html"
        elif target.is_dir() or state.waiting(f"{name}/index.html"):
            return self._redirect(path + "/" + (f"?{url.query}" if url.query else ""), head)
        # A page being rendered is worth a short wait; after that its last good version is
        # served (during a burst of edits it may never settle), and the reload follows. The
        # page carries the token from before the wait: a reload sent while it is on its way
        # (the page it stands for is up to date now) still reaches it.
        token = self.server.hub.token
        fresh = state.wait_fresh(name)
        try:
            body = (state.folder / name).read_bytes()
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            if not fresh:  # still owed by the background work
                return self._still_rendering(head)
            return self._not_found(head)
        if name.endswith(".html"):
            return self._html(200, body, head, token=token)
        return self._send(200, body, content_type(name), head)

    def _not_found(self, head: bool) -> None:
        state = self.server.state
        page = state.folder / "404.html"
        if state.has_site:
            if not page.is_file():
                state.wait_fresh("404.html")
            if page.is_file():
                return self._html(404, page.read_bytes(), head)
        return self._text(404, "404 not found", head)

    def _still_rendering(self, head: bool) -> None:
        """A new page that is not written yet: ask the browser to come back in a moment."""
        body = (
            b'<!doctype html><html lang="en"><head><meta charset="utf-8">'
            b'<meta http-equiv="refresh" content="1"><title>Rendering</title></head>'
            b"<body><p>This page is still being rendered; it appears in a moment.</p>"
            b"</body></html>"
        )
        self._html(503, body, head, {"Retry-After": "1"})

    def _events(self, head: bool) -> None:
        self.close_connection = True
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.send_header("X-Accel-Buffering", "no")
        self.end_headers()
        if head:
            return
        hub = self.server.hub
        q = hub.subscribe()
        try:
            while True:
                try:
                    frame = q.get(timeout=KEEPALIVE_SECONDS)
                except queue.Empty:  # nothing to say: keep the connection open
                    frame = b": keep-alive\n\n"
                if frame is None:
                    break
                self.wfile.write(frame)
                self.wfile.flush()
        except OSError:  # the page went away
            pass
        finally:
            hub.unsubscribe(q)


class DevServer(http.server.ThreadingHTTPServer):
    """A threaded HTTP server for one serve session."""

    daemon_threads = True
    # SO_REUSEADDR lets a restarted serve take its port back at once. On Linux and macOS it
    # never lets two servers share a port (so "port in use" is still detected); on Windows it
    # would, so it stays off there.
    allow_reuse_address = sys.platform != "win32"

    def __init__(
        self,
        address: tuple[str, int],
        state: SiteState,
        hub: Hub,
        log_requests: bool = False,
        any_host: bool = False,
    ) -> None:
        self.state = state
        self.hub = hub
        self.log_requests = log_requests
        #: Answer requests for any Host name (serve --host), not only localhost's.
        self.any_host = any_host
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, Handler)

    def handle_error(self, request, client_address) -> None:
        # A browser that reloads or navigates away mid-response is not an error.
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks the host name up in DNS, which can hang offline.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.host, self.port

    @property
    def host(self) -> str:
        """The address listened on (an IP socket's address is always text)."""
        return str(self.server_address[0])

    def host_allowed(self, header: str) -> bool:
        """Is a request with this Host header for this server?"""
        if self.any_host:
            return True
        name = host_name(header)
        return name is not None and is_local_host(name, self.host)

    @property
    def base_path(self) -> str:
        """Where the site is served: the path of its base URL (it may change with site.yaml)."""
        return self.state.base_path

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def url(self, host: str | None = None) -> str:
        host = host or self.host
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{self.port}{self.base_path}"


def bind(
    host: str,
    port: int | None,
    make: Callable[[tuple[str, int]], DevServer],
    tries: int = 100,
    start: int = 8000,
) -> DevServer:
    """A server on ``host:port``; ``port`` None means the first free port from ``start`` on.

    Raises PortInUse when that port (or every port tried) is taken.
    """
    candidates = [port] if port is not None else list(range(start, start + tries))
    for candidate in candidates:
        try:
            return make((host, candidate))
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE:
                raise
    raise PortInUse(host, candidates[-1] if port is not None else start)
