/* Project explorer: filter and sort the projects table in the browser.
   Progressive enhancement: without JavaScript the full table is shown as built. The state
   lives in the query string (projects/?status=red&sort=budget&dir=desc), so views can be
   bookmarked and linked to from the dashboard. The row density (compact by default, one line
   per project; or comfortable, with summaries) is kept in the URL too (density=comfortable)
   and remembered in local storage. On a phone the filters fold into a "Filters (n)"
   disclosure. */
(function () {
  "use strict";

  // Words in the site's language (site.js reads them from the page, before this script runs).
  var _ = window.itpmText._, ngettext = window.itpmText.ngettext, fill = window.itpmText.fill;

  var table = document.getElementById("explorer");
  var form = document.getElementById("explorer-controls");
  if (!table || !form || !table.tBodies.length) { return; }

  var tbody = table.tBodies[0];
  var rows = Array.prototype.slice.call(tbody.rows);
  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
  var count = document.getElementById("explorer-count");
  var empty = document.getElementById("explorer-empty");
  // The filters are the form's drop-downs (the build writes one per filter of its field
  // registry): a drop-down keeps the rows whose data-<its name> is its value, or, with
  // data-list="x", the rows whose data-x lists its value among words separated by spaces.
  var selects = Array.prototype.slice.call(form.querySelectorAll("select[name]"));
  var FILTERS = selects.map(function (select) { return select.name; });
  var LISTS = {};
  selects.forEach(function (select) {
    if (select.hasAttribute("data-list")) { LISTS[select.name] = "data-" + select.getAttribute("data-list"); }
  });
  var filters = document.getElementById("explorer-filters");
  var filterCount = document.getElementById("explorer-filter-count");
  var densityGroup = document.getElementById("explorer-density");
  var DENSITY_KEY = "itpm-site.explorer-density";
  var density = "compact";
  var sortKey = "";
  var sortDir = "ascending";

  rows.forEach(function (row, i) { row.setAttribute("data-index", String(i)); });

  function columnOf(key) {
    for (var i = 0; i < headers.length; i++) {
      if (headers[i].getAttribute("data-key") === key) { return i; }
    }
    return -1;
  }

  function sortValue(row, col, type) {
    var cell = row.cells[col];
    var raw = cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent.trim();
    if (raw === "–") { raw = ""; }  // the page's mark for "none"
    if (type === "number") {
      if (raw === "") { return null; }
      var n = parseFloat(raw);
      return isNaN(n) ? null : n;
    }
    if (raw === "") { return null; }
    return raw.toLowerCase();
  }

  function applySort() {
    headers.forEach(function (th) {
      if (th.getAttribute("data-key") === sortKey) {
        th.setAttribute("aria-sort", sortDir);
      } else {
        th.removeAttribute("aria-sort");
      }
    });
    var col = columnOf(sortKey);
    var ordered = rows.slice();
    if (col >= 0) {
      var type = headers[col].getAttribute("data-type") || "text";
      var sign = sortDir === "descending" ? -1 : 1;
      ordered.sort(function (a, b) {
        var va = sortValue(a, col, type);
        var vb = sortValue(b, col, type);
        // Rows without a value go last in either direction.
        if (va === null && vb !== null) { return 1; }
        if (vb === null && va !== null) { return -1; }
        if (va !== null && vb !== null && va !== vb) {
          if (type === "text") { return sign * va.localeCompare(vb); }
          return sign * (va < vb ? -1 : 1);
        }
        return Number(a.getAttribute("data-index")) - Number(b.getAttribute("data-index"));
      });
    }
    ordered.forEach(function (row) { tbody.appendChild(row); });
  }

  function matches(row, state) {
    for (var i = 0; i < FILTERS.length; i++) {
      var key = FILTERS[i];
      var want = state[key];
      if (!want) { continue; }
      if (LISTS[key]) {
        if ((row.getAttribute(LISTS[key]) || "").indexOf(" " + want + " ") < 0) { return false; }
      } else if (row.getAttribute("data-" + key) !== want) {
        return false;
      }
    }
    if (state.q) {
      var text = rowText(row);
      var words = state.q.toLowerCase().split(/\s+/);
      for (var w = 0; w < words.length; w++) {
        if (words[w] && text.indexOf(words[w]) < 0) { return false; }
      }
    }
    return true;
  }

  // The words a row is found by: what it shows, plus the words it lists (its tags). Read from
  // the page once (rows carry no copy of their text, which would double the page at 10,000
  // projects).
  var texts = new Map();
  function rowText(row) {
    var text = texts.get(row);
    if (text === undefined) {
      text = row.textContent;
      Object.keys(LISTS).forEach(function (key) { text += " " + (row.getAttribute(LISTS[key]) || ""); });
      text = text.replace(/\s+/g, " ").toLowerCase();
      texts.set(row, text);
    }
    return text;
  }

  function readForm() {
    var state = { q: form.elements.q.value.trim() };
    FILTERS.forEach(function (key) { state[key] = form.elements[key].value; });
    return state;
  }

  function applyFilter() {
    var state = readForm();
    var shown = 0;
    rows.forEach(function (row) {
      var ok = matches(row, state);
      row.hidden = !ok;
      if (ok) { shown++; }
    });
    var total = rows.length;
    count.textContent = shown === total
      ? fill(ngettext("%(n)s project", "%(n)s projects", total), {n: total})
      : fill(ngettext("Showing %(shown)s of %(n)s project", "Showing %(shown)s of %(n)s projects", total),
        {shown: shown, n: total});
    if (empty) { empty.hidden = shown !== 0; }
    var active = (state.q ? 1 : 0) + FILTERS.filter(function (key) { return state[key]; }).length;
    if (filterCount) { filterCount.textContent = "(" + active + ")"; }
    return state;
  }

  function writeUrl(state) {
    var params = new URLSearchParams();
    if (state.q) { params.set("q", state.q); }
    FILTERS.forEach(function (key) { if (state[key]) { params.set(key, state[key]); } });
    if (sortKey) { params.set("sort", sortKey); params.set("dir", sortDir === "descending" ? "desc" : "asc"); }
    if (density !== "compact") { params.set("density", density); }
    var query = params.toString();
    var url = window.location.pathname + (query ? "?" + query : "") + window.location.hash;
    try { window.history.replaceState(null, "", url); } catch (e) { /* file:// pages */ }
  }

  function update() { writeUrl(applyFilter()); }

  function readUrl() {
    var params = new URLSearchParams(window.location.search);
    form.elements.q.value = params.get("q") || "";
    FILTERS.forEach(function (key) {
      var select = form.elements[key];
      var value = params.get(key) || "";
      var known = Array.prototype.some.call(select.options, function (o) { return o.value === value; });
      select.value = known ? value : "";
    });
    var wanted = params.get("density") || storedDensity();
    density = wanted === "comfortable" ? "comfortable" : "compact";
    var key = params.get("sort") || "";
    if (columnOf(key) >= 0) {
      sortKey = key;
      sortDir = params.get("dir") === "desc" ? "descending" : "ascending";
    }
  }

  // Turn each header into a sort button (a real button: keyboard and screen readers work).
  headers.forEach(function (th) {
    var key = th.getAttribute("data-key");
    if (!key) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "sort";
    while (th.firstChild) { button.appendChild(th.firstChild); }
    th.appendChild(button);
    button.addEventListener("click", function () {
      if (sortKey === key) {
        sortDir = sortDir === "ascending" ? "descending" : "ascending";
      } else {
        sortKey = key;
        // Numbers read best largest first (budget, risk score); text and dates A→Z, soonest first.
        sortDir = th.getAttribute("data-type") === "number" && key !== "phase" && key !== "status" ? "descending" : "ascending";
      }
      applySort();
      update();
    });
  });

  form.addEventListener("input", update);
  form.addEventListener("change", update);
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.addEventListener("reset", function () {
    window.setTimeout(update, 0);
  });

  function storedDensity() {
    try { return window.localStorage.getItem(DENSITY_KEY) || ""; } catch (e) { return ""; }
  }

  function applyDensity() {
    table.classList.toggle("is-compact", density === "compact");
    if (!densityGroup) { return; }
    Array.prototype.forEach.call(densityGroup.querySelectorAll("button"), function (button) {
      button.setAttribute("aria-pressed", String(button.getAttribute("data-density") === density));
    });
  }

  if (densityGroup) {
    densityGroup.hidden = false;
    densityGroup.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-density]");
      if (!button) { return; }
      density = button.getAttribute("data-density");
      try { window.localStorage.setItem(DENSITY_KEY, density); } catch (e) { /* private mode */ }
      applyDensity();
      update();
    });
  }

  // The filters are open on a wide screen and folded on a phone (until asked for).
  if (filters) {
    filters.hidden = false;
    var phone = window.matchMedia ? window.matchMedia("screen and (max-width: 900px)") : null;
    filters.open = !(phone && phone.matches);
    if (phone && phone.addEventListener) {
      phone.addEventListener("change", function () { filters.open = !phone.matches; });
    }
  }
  readUrl();
  applyDensity();
  applySort();
  applyFilter();
}());
