/* People table: filter by team and sort by any column, as the project explorer does.
   Progressive enhancement: without JavaScript the whole table is shown as built. */
(function () {
  "use strict";

  // Words in the site's language (site.js reads them from the page, before this script runs).
  var _ = window.itpmText._, ngettext = window.itpmText.ngettext, fill = window.itpmText.fill;

  var table = document.getElementById("people");
  var form = document.getElementById("people-controls");
  if (!table || !form || !table.tBodies.length) { return; }
  var tbody = table.tBodies[0];
  var rows = Array.prototype.slice.call(tbody.rows);
  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
  var select = document.getElementById("f-team");
  var count = document.getElementById("people-count");
  form.hidden = false;

  function value(row, col, type) {
    var cell = row.cells[col];
    var raw = cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent.trim();
    if (type === "number") { var n = parseFloat(raw); return isNaN(n) ? -1 : n; }
    return raw.toLowerCase();
  }

  headers.forEach(function (th, col) {
    var label = th.textContent;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "sort";
    button.textContent = label;
    th.textContent = "";
    th.appendChild(button);
    button.addEventListener("click", function () {
      var dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
      headers.forEach(function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", dir);
      var type = th.getAttribute("data-type");
      var sorted = rows.slice().sort(function (a, b) {
        var x = value(a, col, type), y = value(b, col, type);
        var c = x < y ? -1 : x > y ? 1 : 0;
        return dir === "ascending" ? c : -c;
      });
      sorted.forEach(function (row) { tbody.appendChild(row); });
    });
  });

  function filter() {
    var team = select.value;
    var shown = 0;
    rows.forEach(function (row) {
      var match = !team || row.getAttribute("data-team") === team;
      row.hidden = !match;
      if (match) { shown++; }
    });
    count.textContent = fill(ngettext("%(n)s person", "%(n)s people", shown), {n: shown});
  }
  select.addEventListener("change", filter);
}());
