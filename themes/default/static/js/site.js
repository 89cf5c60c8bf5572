/* Words in the site's language, for every script of the theme (window.itpmText): the page
   carries the catalog's entries for the scripts (base.html, #itpm-messages); English, the
   source language, needs none. This script runs before the pages' own (all are deferred). */
window.itpmText = (function () {
  "use strict";

  var MESSAGES = (function () {
    var node = document.getElementById("itpm-messages");
    try { return node ? JSON.parse(node.textContent) : {}; } catch (e) { return {}; }
  }());
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
  return { _: _, ngettext: ngettext, fill: fill };
}());

/* Small-screen helpers for every page; each one only enhances what the page already shows.
   - The main navigation folds under a "Menu" button (without JavaScript it wraps instead).
   - Data tables become stacked cards on a phone: each cell is labelled with its column's
     heading (without JavaScript a table scrolls inside its own box).
   - A roadmap wider than the screen opens scrolled to today. */
(function () {
  "use strict";

  var toggle = document.querySelector(".nav-toggle");
  var nav = document.getElementById("main-nav");
  if (toggle && nav) {
    toggle.hidden = false;
    document.documentElement.classList.add("has-nav-toggle");
    var setOpen = function (open) {
      toggle.setAttribute("aria-expanded", String(open));
      nav.classList.toggle("is-open", open);
    };
    toggle.addEventListener("click", function () {
      setOpen(toggle.getAttribute("aria-expanded") !== "true");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
        setOpen(false);
        toggle.focus();
      }
    });
  }

  // The heading of each column, in the order of the cells (colspans counted).
  function columnLabels(table) {
    var labels = [];
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
      var abbr = th.querySelector("abbr[title]");
      var text = (abbr ? abbr.getAttribute("title") : th.textContent).replace(/\s+/g, " ").trim();
      for (var i = 0; i < (th.colSpan || 1); i++) { labels.push(text); }
    });
    return labels;
  }

  function labelTable(table) {
    var labels = columnLabels(table);
    // The body's rows and the footer's (a Total row) become cards alike.
    var sections = Array.prototype.slice.call(table.tBodies);
    if (table.tFoot) { sections.push(table.tFoot); }
    sections.forEach(function (tbody) {
      Array.prototype.forEach.call(tbody.rows, function (row) {
        var col = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          // The first cell names the row (it is the card's title); a cell across the whole
          // table is a group heading.
          if (col > 0 && cell.colSpan < labels.length && labels[col]) {
            cell.setAttribute("data-label", labels[col]);
          }
          col += cell.colSpan || 1;
        });
      });
    });
    table.classList.add("is-stackable");
  }

  var narrow = window.matchMedia ? window.matchMedia("screen and (max-width: 900px)") : null;
  var labelled = false;
  function stackTables() {
    if (labelled || !narrow || !narrow.matches) { return; }
    labelled = true;
    Array.prototype.forEach.call(document.querySelectorAll("main table.data"), function (table) {
      if (table.tHead && table.tHead.rows.length && !table.classList.contains("no-stack")) {
        labelTable(table);
      }
    });
  }
  stackTables();
  if (narrow) {
    if (narrow.addEventListener) { narrow.addEventListener("change", stackTables); }
    else if (narrow.addListener) { narrow.addListener(stackTables); }
  }

  Array.prototype.forEach.call(document.querySelectorAll(".roadmap-wrap"), function (wrap) {
    var svg = wrap.querySelector("svg[data-today]");
    if (!svg || wrap.scrollWidth <= wrap.clientWidth) { return; }
    var today = parseFloat(svg.getAttribute("data-today")) * svg.getBoundingClientRect().width;
    // The name column stays at the left edge while the timeline scrolls under it (a sticky
    // column inside one SVG): moved by the scroll, in the drawing's units.
    var names = svg.querySelector(".roadmap-names");
    var pin = function () {
      if (!names || !svg.viewBox || !svg.viewBox.baseVal) { return; }
      var units = svg.viewBox.baseVal.width / svg.getBoundingClientRect().width;
      names.setAttribute("transform", "translate(" + (wrap.scrollLeft * units).toFixed(2) + " 0)");
    };
    wrap.addEventListener("scroll", pin, {passive: true});
    // Today a third of the way into the timeline beside the names: some of the past, more of
    // what is coming.
    var bg = names ? names.querySelector(".names-bg") : null;
    var column = bg ? bg.getBoundingClientRect().width : 0;
    wrap.scrollLeft = Math.max(0, today - column - (wrap.clientWidth - column) / 3);
    pin();
  });
}());
