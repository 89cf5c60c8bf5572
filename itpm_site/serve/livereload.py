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
"""

from __future__ import annotations

import json
import queue
import re
import secrets
import threading
from collections.abc import Sequence

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


RELOAD_JS = r"""// itpm-site serve: live reload and the error overlay (added by the server, never built).
(function () {
  "use strict";
  if (window.__itpmLiveReload) { return; }
  window.__itpmLiveReload = true;
  var script = document.currentScript;
  var token = script ? script.getAttribute("data-token") : "";
  var source = null;
  var hiddenTimer = null;
  var host = null;
  var dismissed = null;

  var STYLE = [
    ":host{all:initial}",
    ".backdrop{position:fixed;inset:0;z-index:2147483647;background:rgba(20,20,24,.72);",
    "overflow:auto;font:15px/1.5 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1d1d1f}",
    ".panel{max-width:60rem;margin:2rem auto;background:#fff;border-top:6px solid #c62828;",
    "border-radius:6px;padding:1rem 1.5rem;box-shadow:0 8px 40px rgba(0,0,0,.4)}",
    "header{display:flex;justify-content:space-between;align-items:baseline;gap:1rem}",
    "h2{margin:.2rem 0 .6rem;font-size:1.15rem;color:#b71c1c}",
    "button{font:inherit;padding:.2rem .8rem;cursor:pointer}",
    "ol{margin:0;padding-left:1.2rem}li{margin:.8rem 0}",
    ".where{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-weight:600}",
    ".message{margin:.1rem 0}.hint{color:#37474f;margin:.2rem 0}",
    "pre{background:#f6f6f8;padding:.5rem .75rem;overflow:auto;margin:.3rem 0;",
    "font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}",
    ".caret{color:#c62828;font-weight:700}",
    ".note{color:#555;font-size:.9rem;margin-top:.8rem}"
  ].join("");

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function sourceBlock(d) {
    var text = d.source_line.replace(/\t/g, " ");
    var gutter = String(d.line);
    var width = Math.max(1, Math.min(d.length || 1, text.length - d.column + 1));
    var pre = el("pre", "source");
    pre.appendChild(document.createTextNode(gutter + " | " + text + "\n" +
      " ".repeat(gutter.length) + " | " + " ".repeat(Math.max(0, d.column - 1))));
    pre.appendChild(el("span", "caret", "^" + "~".repeat(width - 1)));
    return pre;
  }

  function hide() {
    if (host) { host.remove(); host = null; }
  }

  function show(state) {
    var errors = state.errors || [];
    if (!errors.length || dismissed === state) { hide(); return; }
    hide();
    host = el("div");
    host.id = "itpm-site-overlay";
    var root = host.attachShadow({mode: "open"});
    root.appendChild(el("style", "", STYLE));
    var backdrop = el("div", "backdrop");
    var panel = el("section", "panel");
    panel.setAttribute("role", "alert");
    panel.setAttribute("aria-labelledby", "itpm-overlay-title");
    var header = el("header");
    var total = state.total || errors.length;
    var title = el("h2", "", "itpm-site: " + total + (total === 1 ? " error" : " errors") +
      " — the last good build is still served");
    title.id = "itpm-overlay-title";
    var close = el("button", "", "Close");
    close.type = "button";
    close.addEventListener("click", function () { dismissed = state; hide(); });
    header.appendChild(title);
    header.appendChild(close);
    panel.appendChild(header);
    var list = el("ol", "diagnostics");
    errors.forEach(function (d) {
      var item = el("li", "diagnostic");
      var where = d.line > 0 ? d.path + ":" + d.line + ":" + d.column : d.path;
      item.appendChild(el("div", "where", where));
      item.appendChild(el("p", "message",
        d.severity + ": " + (d.field ? d.field + ": " : "") + d.message));
      if (d.source_line) { item.appendChild(sourceBlock(d)); }
      if (d.hint) { item.appendChild(el("p", "hint", "help: " + d.hint)); }
      list.appendChild(item);
    });
    panel.appendChild(list);
    if (total > errors.length) {
      panel.appendChild(el("p", "note", "and " + (total - errors.length) +
        " more — the terminal lists them all"));
    }
    panel.appendChild(el("p", "note",
      "Save a fix and this goes away by itself."));
    backdrop.appendChild(panel);
    root.appendChild(backdrop);
    (document.body || document.documentElement).appendChild(host);
  }

  function refreshStylesheets() {
    var links = document.querySelectorAll('link[rel~="stylesheet"][href]');
    Array.prototype.forEach.call(links, function (link) {
      var url = new URL(link.getAttribute("href"), location.href);
      if (url.origin !== location.origin) { return; }
      url.searchParams.set("itpm-reload", String(Date.now()));
      var fresh = link.cloneNode(false);
      fresh.href = url.href;
      var done = function () { link.remove(); };
      fresh.addEventListener("load", done);
      fresh.addEventListener("error", done);
      link.after(fresh);
    });
  }

  function connect() {
    if (source || document.hidden) { return; }
    source = new EventSource("/__itpm__/events");
    source.addEventListener("status", function (event) {
      var state = JSON.parse(event.data);
      if (state.token !== token) { location.reload(); return; }
      show(state);
    });
    source.addEventListener("reload", function (event) {
      var data = JSON.parse(event.data);
      if (data.token !== token) { location.reload(); }
    });
    source.addEventListener("css", function (event) {
      var data = JSON.parse(event.data);
      token = data.token;
      refreshStylesheets();
    });
  }

  function disconnect() {
    if (source) { source.close(); source = null; }
  }

  // A hidden tab lets go of its connection (browsers allow only a few per server) and checks
  // the site's version when it is shown again.
  document.addEventListener("visibilitychange", function () {
    if (document.hidden) {
      hiddenTimer = setTimeout(disconnect, 3000);
    } else {
      clearTimeout(hiddenTimer);
      connect();
    }
  });
  window.addEventListener("pagehide", disconnect);
  connect();
})();
"""
