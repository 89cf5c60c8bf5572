/* The search page: search-index.js searches the index published in search/data/.
   Results appear as you type; filters show how many results each value would give; the whole
   state lives in the URL (search/?q=firewall&status=red&owner=nino-beridze), so a search can be
   shared, and back/forward walk through it. Typing replaces the current history entry; changing
   a filter adds one. Filter values are the explorer's (projects/?status=red&owner=...). */
(function () {
  "use strict";

  // Words in the site's language (site.js reads them from the page, before this script runs).
  var _ = window.itpmText._, ngettext = window.itpmText.ngettext, fill = window.itpmText.fill;

  var app = document.getElementById("search-app");
  if (!app) { return; }
  if (window.location.protocol === "file:") {
    // Browsers refuse to fetch the index for pages opened from a file.
    document.getElementById("search-file").hidden = false;
    return;
  }
  app.hidden = false;

  var PAGE_SIZE = 20;
  var DEBOUNCE_MS = 180;
  var COLLAPSED_VALUES = 8;
  var EXPLORER_KEYS = ["phase", "status", "program", "owner", "category"];

  var form = document.getElementById("search-form");
  var input = document.getElementById("search-q");
  var statusLine = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var empty = document.getElementById("search-empty");
  var moreButton = document.getElementById("search-more");
  var clearButton = document.getElementById("search-clear");
  var filtersBox = document.getElementById("search-filters");
  var activeCount = document.getElementById("search-active");
  var explorerLink = document.getElementById("search-explorer");
  var badgeTemplate = document.getElementById("search-badges").content;
  var fieldsets = Array.prototype.slice.call(
    document.querySelectorAll("#search-facets fieldset[data-facet]"));

  var FACETS = [];
  var boxes = {};   // facet -> value -> checkbox
  var labels = {};  // facet -> value -> label text
  fieldsets.forEach(function (fieldset) {
    var facet = fieldset.getAttribute("data-facet");
    FACETS.push(facet);
    boxes[facet] = {};
    labels[facet] = {};
    fieldset.querySelectorAll("input[type=checkbox]").forEach(function (box) {
      boxes[facet][box.value] = box;
      labels[facet][box.value] = box.parentNode.querySelector(".facet-label").textContent;
    });
  });

  // literal: the reader removed the filter the query's words applied ("red projects").
  var state = { q: "", filters: {}, literal: false };
  var generation = 0;     // every search gets a number; a slower, older one is dropped
  var results = [];       // record numbers, best first
  var terms = [];         // the query's words, folded as the index folds them
  var foundFor = null;    // record -> for each term, the words of the index to mark in it
  var missing = new Map();  // record -> the words of the query it lacks
  var impliedLine = null;   // "Status: Red — 6 results, remove filter"
  var shown = 0;
  var typingTimer = null;
  var expanded = {};      // facet -> the reader asked to see every value
  var lastCounts = {};

  // ------------------------------------------------------------------ state and URL

  function valueFor(facet, raw) {
    // A value from the URL: the value itself, or (for hand-written links such as
    // owner=Nino+Beridze) its label, compared without case.
    if (Object.prototype.hasOwnProperty.call(boxes[facet], raw)) { return raw; }
    var wanted = raw.trim().toLocaleLowerCase();
    var values = Object.keys(labels[facet]);
    for (var i = 0; i < values.length; i++) {
      if (labels[facet][values[i]].toLocaleLowerCase() === wanted) { return values[i]; }
    }
    return null;
  }

  function readURL() {
    var params = new URLSearchParams(window.location.search);
    state.q = params.get("q") || "";
    FACETS.forEach(function (facet) {
      var chosen = {};
      params.getAll(facet).forEach(function (raw) {
        var value = valueFor(facet, raw);
        if (value !== null) { chosen[value] = true; }
      });
      state.filters[facet] = Object.keys(boxes[facet]).filter(function (v) { return chosen[v]; });
    });
  }

  function queryString(keys, single) {
    var params = new URLSearchParams();
    if (state.q.trim()) { params.set("q", state.q.trim()); }
    keys.forEach(function (facet) {
      var values = state.filters[facet] || [];
      if (single && values.length !== 1) { return; }
      values.forEach(function (value) { params.append(facet, value); });
    });
    var text = params.toString();
    return text ? "?" + text : "";
  }

  function writeURL(how) {
    var target = window.location.pathname + queryString(FACETS, false);
    if (target !== window.location.pathname + window.location.search) {
      window.history[how === "push" ? "pushState" : "replaceState"](null, "", target);
    }
  }

  function syncControls() {
    if (input.value !== state.q) { input.value = state.q; }
    FACETS.forEach(function (facet) {
      Object.keys(boxes[facet]).forEach(function (value) {
        boxes[facet][value].checked = state.filters[facet].indexOf(value) >= 0;
      });
    });
  }

  function readControls(facet) {
    state.filters[facet] = Object.keys(boxes[facet]).filter(function (value) {
      return boxes[facet][value].checked;
    });
  }

  function activeFilters() {
    return FACETS.reduce(function (n, facet) { return n + state.filters[facet].length; }, 0);
  }

  // ------------------------------------------------------------------ the index

  var index = null;
  var reopened = false;

  function loadIndex() {
    if (!index) {
      index = window.ItpmSearch.open(
        new URL(app.getAttribute("data-index"), document.baseURI).href,
        new URL(app.getAttribute("data-root"), document.baseURI).href);
    }
    return index;
  }

  function unavailable() {
    app.hidden = true;
    document.getElementById("search-unavailable").hidden = false;
  }

  // ------------------------------------------------------------------ searching

  // The counts next to a filter's values say how many results that value gives with the
  // query and the *other* filters: values of one filter add up (status red or amber).
  function run() {
    var current = ++generation;
    var q = state.q.trim();
    list.setAttribute("aria-busy", "true");
    return loadIndex().then(function (found) {
      if (current !== generation) { return null; }
      return found.search(q, state.filters, { literal: state.literal }).then(function (answer) {
        if (current !== generation) { return null; }
        drawFacets(answer.counts);
        drawImplied(answer);
        if (!answer.terms.length && !answer.implied && !activeFilters()) {
          showIdle();
          return null;
        }
        results = answer.ids;
        terms = answer.terms;
        foundFor = answer.foundFor;
        missing = answer.missing || new Map();
        shown = 0;
        list.textContent = "";
        return showMore(current, false).then(function () {
          if (current === generation) { announce(q); }
        });
      });
    }).catch(function (error) {
      if (current !== generation) { return null; }
      if (!reopened) {
        // The site may have been published again since the page loaded, and the index files
        // it knew replaced: read the index afresh, once.
        reopened = true;
        index = null;
        return run();
      }
      unavailable();
      if (window.console) { window.console.warn("search:", error); }
      return null;
    }).then(function () {
      if (current === generation) { list.removeAttribute("aria-busy"); }
    });
  }

  function showMore(current, focusFirst) {
    var batch = results.slice(shown, shown + PAGE_SIZE);
    return loadIndex().then(function (found) {
      return Promise.all(batch.map(function (id) {
        return found.record(id, terms, foundFor ? foundFor(id) : []).then(function (item) {
          item.missing = missing.get(id) || null;
          return item;
        });
      }));
    }).then(function (data) {
      if (current !== generation) { return; }
      var firstNew = null;
      data.forEach(function (item) {
        var li = drawResult(item);
        firstNew = firstNew || li;
        list.appendChild(li);
      });
      shown += batch.length;
      moreButton.hidden = shown >= results.length;
      empty.hidden = results.length > 0;
      if (!results.length) { updateExplorerLink(); }
      if (focusFirst && firstNew) { firstNew.querySelector("a").focus(); }
    });
  }

  // ------------------------------------------------------------------ drawing

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function badge(key) {
    var found = badgeTemplate.querySelector('[data-badge="' + key + '"]');
    return found ? found.firstElementChild.cloneNode(true) : null;
  }

  function safeExcerpt(excerpt) {
    // The engine escapes the text and adds <mark> around the words found; keep nothing else.
    return String(excerpt || "").replace(/<(?!\/?mark>)/g, "&lt;");
  }

  // A risk's band and state, from the project's "risks" metadata ("high/open low/closed", in
  // anchor order: risk-1 first).
  function riskOf(meta, anchorId) {
    var match = /^risk-(\d+)$/.exec(anchorId || "");
    var all = (meta.risks || "").split(" ");
    var entry = match ? all[Number(match[1]) - 1] : null;
    if (!entry) { return null; }
    var parts = entry.split("/");
    return { band: parts[0], state: parts[1] || "" };
  }

  function drawExcerpt(className, excerpt) {
    var p = element("p", className);
    p.innerHTML = safeExcerpt(excerpt);
    return p;
  }

  // The places on the page where the words were found: a risk (its anchor on the project
  // page) or a section of the body, each with its own excerpt.
  function drawSubResults(item, anchored) {
    var meta = item.meta || {};
    var ul = element("ul", "search-subresults");
    anchored.slice(0, 3).forEach(function (sub) {
      var li = element("li", "search-subresult");
      var risk = riskOf(meta, sub.anchor.id);
      var link = element("a");
      link.href = sub.url;
      if (risk) {
        link.appendChild(element("span", "search-subresult-kind", _("Risk:") + " "));
        link.className = "search-subresult-risk";
      } else if (/^milestone-\d+$/.test(sub.anchor.id)) {
        link.appendChild(element("span", "search-subresult-kind", _("Milestone:") + " "));
      }
      var title = element("span");
      title.innerHTML = safeExcerpt(sub.title_html || "");
      if (!sub.title_html) { title.textContent = sub.title; }
      link.appendChild(title);
      var head = element("p", "search-subresult-title");
      head.appendChild(link);
      if (risk) {
        var node = badge("band:" + risk.band);
        if (node) { head.appendChild(document.createTextNode(" ")); head.appendChild(node); }
        head.appendChild(element("span", "search-subresult-state", " " + risk.state));
      }
      li.appendChild(head);
      if (sub.excerpt) { li.appendChild(drawExcerpt("search-subresult-excerpt", sub.excerpt)); }
      ul.appendChild(li);
    });
    if (anchored.length > 3) {
      ul.appendChild(element("li", "search-subresult-more muted small",
        fill(ngettext("and %(n)s more on this page", "and %(n)s more on this page", anchored.length - 3), {n: anchored.length - 3})));
    }
    return ul;
  }

  function drawResult(item) {
    var meta = item.meta || {};
    var type = (item.filters && item.filters.type && item.filters.type[0]) || "page";
    var li = element("li", "search-result search-result--" + type);

    var heading = element("h3", "search-result-title");
    var link = element("a", "", meta.title || item.url);
    link.href = item.url;
    heading.appendChild(link);
    li.appendChild(heading);

    var context = element("p", "search-result-context");
    context.appendChild(element("span", "search-result-type", labels.type[type] || type));
    [[_("Owner"), meta.owner, "search-result-owner"], [_("Team"), meta.team, "search-result-team"],
     [_("Program"), meta.program, "search-result-program"],
     [_("EAC"), meta.eac, "search-result-eac"], [_("Ends"), meta.end, "search-result-end"]].forEach(
      function (field) {
        if (!field[1]) { return; }
        context.appendChild(document.createTextNode(" · " + field[0] + ": "));
        context.appendChild(element("span", field[2], field[1]));
      });
    li.appendChild(context);
    if (item.missing) {
      // Found without one of the query's words: said, so the reader knows why it is lower.
      var lacks = element("p", "search-result-missing small", _("Missing:") + " ");
      item.missing.forEach(function (word, i) {
        if (i) { lacks.appendChild(document.createTextNode(", ")); }
        lacks.appendChild(element("s", "", word));
      });
      li.appendChild(lacks);
    }

    // Words found in the page's opening (summary, people, names) give the main excerpt;
    // words under a heading (a risk, a section) give a sub-result linking to that heading.
    var subs = item.sub_results || [];
    var anchored = subs.filter(function (sub) { return sub.anchor && sub.anchor.id; });
    // Risks first: they are what a portfolio search is most often after.
    anchored = anchored.filter(function (sub) { return riskOf(meta, sub.anchor.id); })
      .concat(anchored.filter(function (sub) { return !riskOf(meta, sub.anchor.id); }));
    // The sentence with most of the words, from the opening or a section; the summary's
    // first sentence when the words are only in the facts or the filters.
    if (item.excerpt) { li.appendChild(drawExcerpt("search-result-excerpt", item.excerpt)); }
    if (anchored.length) { li.appendChild(drawSubResults(item, anchored)); }

    var marks = element("p", "search-result-badges");
    [meta.phase && "phase:" + meta.phase, meta.status && "status:" + meta.status].forEach(
      function (key) {
        var node = key && badge(key);
        if (node) { marks.appendChild(node); marks.appendChild(document.createTextNode(" ")); }
      });
    if (marks.childNodes.length) { li.appendChild(marks); }
    return li;
  }

  function drawFacets(counts) {
    lastCounts = counts;
    fieldsets.forEach(function (fieldset) {
      var facet = fieldset.getAttribute("data-facet");
      var facetCounts = counts[facet] || {};
      var visible = [];
      Object.keys(boxes[facet]).forEach(function (value) {
        var box = boxes[facet][value];
        var n = facetCounts[value] || 0;
        var item = box.closest("li");
        box.parentNode.querySelector("[data-count]").textContent = String(n);
        var show = n > 0 || box.checked;
        item.hidden = !show;
        item.classList.remove("facet-overflow");
        if (show) { visible.push(item); }
      });
      fieldset.hidden = visible.length === 0;
      var more = fieldset.querySelector(".facet-more");
      var collapse = visible.length > COLLAPSED_VALUES && !expanded[facet];
      if (collapse) {
        visible.slice(COLLAPSED_VALUES).forEach(function (item) {
          if (!item.querySelector("input").checked) { item.classList.add("facet-overflow"); }
        });
      }
      more.hidden = visible.length <= COLLAPSED_VALUES;
      more.textContent = expanded[facet] ? _("Show fewer") : fill(_("Show all %(n)s"), {n: visible.length});
      more.setAttribute("aria-expanded", expanded[facet] ? "true" : "false");
    });
    var active = activeFilters();
    clearButton.hidden = active === 0;
    activeCount.hidden = active === 0;
    activeCount.textContent = active ? fill(_("%(n)s on"), {n: active}) : "";
  }

  function filterSummary() {
    var parts = [];
    FACETS.forEach(function (facet) {
      var values = state.filters[facet];
      if (values.length) {
        var legend = fieldsets[FACETS.indexOf(facet)].querySelector("legend").textContent;
        parts.push(legend + ": " + values.map(function (v) { return labels[facet][v]; }).join(" " + _("or") + " "));
      }
    });
    return parts.join("; ");
  }

  function announce(q) {
    var n = results.length;
    var text = n === 0 ? _("No results") : fill(ngettext("%(n)s result", "%(n)s results", n), {n: n});
    if (q) { text += " " + fill(_("for “%(query)s”"), {query: q}); }
    var filters = filterSummary();
    if (filters) { text += " (" + filters + ")"; }
    if (n > shown) { text += fill(_(", showing the first %(n)s"), {n: shown}); }
    statusLine.textContent = text + ".";
  }

  // "Status: Red — 6 results · remove filter": the filter the query's words applied, and a
  // way to search the words as words instead.
  function drawImplied(answer) {
    var implied = answer.implied, count = answer.ids.length;
    if (!impliedLine) {
      impliedLine = element("p", "search-implied");
      impliedLine.id = "search-implied";
      statusLine.parentNode.insertBefore(impliedLine, statusLine.nextSibling);
    }
    impliedLine.textContent = "";
    impliedLine.hidden = !implied;
    if (!implied) { return; }
    var words = answer.vocabulary || {};
    var names = words.facet_names || {};
    var valueLabels = words.labels || {};
    // One part per phrase of the query; its values are alternatives.
    var parts = implied.map(function (group) {
      return group.map(function (target) {
        return (names[target[0]] || target[0]) + ": " +
          (valueLabels[target[0] + "=" + target[1]] || target[1]);
      }).join(" " + _("or") + " ");
    });
    impliedLine.appendChild(document.createTextNode(parts.join("; ") + " — " +
      fill(ngettext("%(n)s result", "%(n)s results", count), {n: count}) + " · "));
    var remove = element("button", "search-implied-remove link-button",
      (words.messages && words.messages.remove) || _("remove filter"));
    remove.type = "button";
    remove.addEventListener("click", function () {
      state.literal = true;
      run();
      input.focus();
    });
    impliedLine.appendChild(remove);
  }

  function showIdle() {
    results = [];
    shown = 0;
    list.textContent = "";
    moreButton.hidden = true;
    empty.hidden = true;
    statusLine.textContent = _("Type to search, or choose a filter.");
  }

  function updateExplorerLink() {
    var base = explorerLink.getAttribute("data-base") || explorerLink.getAttribute("href");
    explorerLink.setAttribute("data-base", base);
    explorerLink.setAttribute("href", base + queryString(EXPLORER_KEYS, true));
  }

  // ------------------------------------------------------------------ events

  input.addEventListener("input", function () {
    window.clearTimeout(typingTimer);
    state.literal = false;
    typingTimer = window.setTimeout(function () {
      state.q = input.value;
      writeURL("replace");
      run();
    }, DEBOUNCE_MS);
  });

  form.addEventListener("submit", function (event) {
    // Enter commits the query as a history entry; the reader stays in the box and hears the
    // count, then ↓ reaches the results.
    event.preventDefault();
    window.clearTimeout(typingTimer);
    state.q = input.value;
    writeURL("push");
    run();
  });

  document.getElementById("search-facets").addEventListener("change", function (event) {
    var box = event.target;
    if (!box || box.type !== "checkbox") { return; }
    readControls(box.name);
    writeURL("push");
    run();
  });

  document.getElementById("search-facets").addEventListener("click", function (event) {
    var button = event.target.closest(".facet-more");
    if (!button) { return; }
    var facet = button.closest("fieldset").getAttribute("data-facet");
    expanded[facet] = !expanded[facet];
    drawFacets(lastCounts);
  });

  clearButton.addEventListener("click", function () {
    FACETS.forEach(function (facet) { state.filters[facet] = []; });
    syncControls();
    writeURL("push");
    run();
    input.focus();
  });

  moreButton.addEventListener("click", function () { showMore(generation, true); });

  // Arrow keys move between the box and the results: ↓ and ↑ from result to result (their
  // titles), → (or Tab, the browser's own order) into a result's places on the page, ↓ and ↑
  // through those, ← back to the result's title. Enter follows the focused link.
  function resultLinks() {
    return Array.prototype.slice.call(list.querySelectorAll(".search-result-title a[href]"));
  }

  function subLinks(result) {
    return Array.prototype.slice.call(result.querySelectorAll(".search-subresults a[href]"));
  }

  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown") {
      var links = resultLinks();
      if (links.length) { event.preventDefault(); links[0].focus(); }
    }
  });

  list.addEventListener("keydown", function (event) {
    var links = resultLinks();
    var focused = document.activeElement;
    var result = focused && focused.closest ? focused.closest(".search-result") : null;
    if (!result) { return; }
    var index = links.indexOf(result.querySelector(".search-result-title a[href]"));
    var subs = subLinks(result);
    var inSub = subs.indexOf(focused);
    var target = null;
    var next = function () { return links[index + 1] || (moreButton.hidden ? null : moreButton); };
    if (event.key === "ArrowDown") {
      target = inSub >= 0 ? (subs[inSub + 1] || next()) : next();
    } else if (event.key === "ArrowUp") {
      if (inSub > 0) {
        target = subs[inSub - 1];
      } else if (inSub === 0) {
        target = links[index];
      } else {
        target = index > 0 ? links[index - 1] : input;
      }
    } else if (event.key === "ArrowRight" && inSub < 0) {
      target = subs[0] || null;
    } else if (event.key === "ArrowLeft" && inSub >= 0) {
      target = links[index];
    } else if (event.key === "Home") {
      target = links[0];
    } else if (event.key === "End") {
      target = links[links.length - 1];
    } else if (event.key === "Escape") {
      target = input;
    }
    if (target) {
      event.preventDefault();
      target.focus();
    }
  });

  moreButton.addEventListener("keydown", function (event) {
    if (event.key === "ArrowUp") {
      var links = resultLinks();
      if (links.length) { event.preventDefault(); links[links.length - 1].focus(); }
    }
  });

  window.addEventListener("popstate", function () {
    window.clearTimeout(typingTimer);
    readURL();
    syncControls();
    run();
  });

  // ------------------------------------------------------------------ start

  readURL();
  syncControls();
  filtersBox.open = activeFilters() > 0 || window.matchMedia("(min-width: 60em)").matches;
  run();
})();
