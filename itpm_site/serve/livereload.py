"""Live reload over Server-Sent Events: the hub that tells open pages what happened, and the
script the server injects into every HTML page it serves (never into ``build`` output).

Events on ``/__itpm__/events``:

``status``  on connect and whenever the error state changes: ``{"token", "errors", "total"}``;
            the page shows the overlay for a non-empty list and hides it for an empty one, and
            reloads if its token is not the current one (the site changed while it was away);
``reload``  the site changed: ``{"token"}``;
``css``     only stylesheets changed: ``{"token", "paths"}``; the page swaps its ``<link>``
            hrefs (with a cache-busting query) instead of reloading.

The token names the served site's version (this server and a counter), and is written into the
injected ``<script>``, so a page knows which version it shows.

The script is ``reload.js``; its words (the overlay's title and buttons) are served with it in
the site's language, from the catalog (``reload_script``). The diagnostics it lists are the
command line's, in English on every site, as on the quality page.
"""

from __future__ import annotations

import functools
import json
import queue
import re
import secrets
import threading
from collections.abc import Sequence
from pathlib import Path

from itpm_site.model import i18n
from itpm_site.model.diagnostic import Diagnostic
from itpm_site.serve.overlay import overlay_state

PREFIX = "/__itpm__/"
EVENTS_PATH = PREFIX + "events"
SCRIPT_PATH = PREFIX + "reload.js"
#: Comment lines that keep idle connections (and proxies) open.
KEEPALIVE_SECONDS = 15.0


def _frame(event: str, data: dict) -> bytes:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n".encode()


class Hub:
    """The open pages' event streams, the site's version token and the current errors."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._clients: set[queue.SimpleQueue] = set()
        self._server_id = secrets.token_hex(4)
        self.generation = 0
        self._errors: list[Diagnostic] = []
        self.closed = False

    @property
    def token(self) -> str:
        return f"{self._server_id}.{self.generation}"

    @property
    def errors(self) -> list[Diagnostic]:
        return list(self._errors)

    def _status(self) -> bytes:
        return _frame("status", {"token": self.token, **overlay_state(self._errors)})

    def subscribe(self) -> queue.SimpleQueue:
        """A new page: its queue starts with the reconnect delay and the current status."""
        q: queue.SimpleQueue = queue.SimpleQueue()
        with self._lock:
            q.put(b"retry: 1000\n\n")
            q.put(self._status())
            if self.closed:
                q.put(None)
            self._clients.add(q)
        return q

    def unsubscribe(self, q: queue.SimpleQueue) -> None:
        with self._lock:
            self._clients.discard(q)

    @property
    def clients(self) -> int:
        with self._lock:
            return len(self._clients)

    def _publish(self, frame: bytes | None) -> None:
        for q in self._clients:
            q.put(frame)

    def set_errors(self, errors: Sequence[Diagnostic]) -> None:
        """Show (or, with an empty list, clear) the overlay on every open page."""
        with self._lock:
            if overlay_state(errors) == overlay_state(self._errors):
                return
            self._errors = list(errors)
            self._publish(self._status())

    def site_changed(self, css: Sequence[str] | None = None) -> None:
        """The served files changed; ``css``: only these stylesheets (no full reload needed)."""
        with self._lock:
            self.generation += 1
            if css:
                self._publish(_frame("css", {"token": self.token, "paths": list(css)}))
            else:
                self._publish(_frame("reload", {"token": self.token}))

    def close(self) -> None:
        """End every event stream (the server is stopping)."""
        with self._lock:
            self.closed = True
            self._publish(None)


_BODY_END = re.compile(rb"</body\s*>", re.IGNORECASE)


def inject(html: bytes, token: str) -> bytes:
    """The page with the reload script added before its last ``</body>`` (or at the end)."""
    tag = (f'<script src="{SCRIPT_PATH}" data-token="{token}" defer></script>').encode()
    matches = list(_BODY_END.finditer(html))
    if not matches:
        return html + tag
    at = matches[-1].start()
    return html[:at] + tag + html[at:]


_SCRIPT = Path(__file__).with_name("reload.js")


@functools.cache
def reload_script(language: str) -> bytes:
    """``reload.js`` with its words in ``language``: the catalog's entries for it, as data in
    place of the script's empty ``MESSAGES`` (English, the source, keeps it empty)."""
    script = _SCRIPT.read_text(encoding="utf-8")
    messages = json.dumps(i18n.script_messages(language, i18n.RELOAD_SCRIPT), ensure_ascii=False)
    script = script.replace("/*itpm-messages*/{}", messages, 1)
    script = script.replace('/*itpm-language*/"en"', json.dumps(language), 1)
    return script.encode()
