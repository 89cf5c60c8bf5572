// itpm-site serve: live reload and the error overlay (added by the server, never built).
(function () {
  "use strict";
  if (window.__itpmLiveReload) { return; }
  window.__itpmLiveReload = true;

  // Words in the site's language: the server writes the catalog's entries for this script in
  // place of the empty object (livereload.reload_script); English, the source, needs none.
  // The diagnostics themselves are the command line's, in English (marked lang="en").
  var MESSAGES = /*itpm-messages*/{};
  var LANGUAGE = /*itpm-language*/"en";
  function _(text) {
    var found = MESSAGES[text];
    return typeof found === "string" ? found : text;
  }
  function ngettext(singular, plural, n) {
    var found = MESSAGES[singular];
    if (Array.isArray(found) && found.length) { return found[n === 1 ? 0 : found.length - 1]; }
    return n === 1 ? singular : plural;
  }
  function fill(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (all, key) { return String(values[key]); });
  }
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
    var title = el("h2", "", fill(ngettext(
      "itpm-site: %(n)s error — the last good build is still served",
      "itpm-site: %(n)s errors — the last good build is still served", total), {n: total}));
    title.id = "itpm-overlay-title";
    var close = el("button", "", _("Close"));
    close.type = "button";
    close.addEventListener("click", function () { dismissed = state; hide(); });
    header.appendChild(title);
    header.appendChild(close);
    panel.appendChild(header);
    var list = el("ol", "diagnostics");
    errors.forEach(function (d) {
      var item = el("li", "diagnostic");
      if (LANGUAGE !== "en") { item.lang = "en"; }
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
      var more = total - errors.length;
      panel.appendChild(el("p", "note", fill(ngettext(
        "and %(n)s more — the terminal lists them all",
        "and %(n)s more — the terminal lists them all", more), {n: more})));
    }
    panel.appendChild(el("p", "note", _("Save a fix and this goes away by itself.")));
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
